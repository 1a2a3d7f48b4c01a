"""Run Legendre memories on Loihi (``nengo_loihi``): configuration and checks.

Import this module only for Loihi: it imports ``nengo_loihi``, which the rest
of the package never does. Nothing here changes nengo's global defaults (no
``nengo_loihi.set_defaults()``) or patches any library; every choice lives in
the memory's own config, where the user's explicit settings still win.

Usage::

    import nengo_loihi
    from nengo_lmu.loihi import configure_for_loihi

    with nengo.Network(seed=0) as model:
        ...  # unchanged, including LegendreMemory(...)
    configure_for_loihi(model)  # optional, explicit
    with nengo_loihi.Simulator(model, target="sim") as sim:
        sim.run(1.0)
"""

import math

import nengo
import nengo_loihi
from nengo.exceptions import BuildError, ValidationError

from nengo_lmu.networks.legendre_memory import LegendreMemory

#: Neurons that nengo-loihi can put on the chip.
ON_CHIP_NEURONS = (
    nengo.LIF,
    nengo.SpikingRectifiedLinear,
    nengo_loihi.neurons.LoihiLIF,
    nengo_loihi.neurons.LoihiSpikingRectifiedLinear,
)

#: Compartments per Loihi core.
MAX_COMPARTMENTS = 1024
#: Input axons per Loihi core.
MAX_IN_AXONS = 4096

#: nengo-loihi's ``Model.decode_tau``: the on-chip filter of host input.
DECODE_TAU = 0.005


class LoihiMappingError(BuildError):
    """A network cannot be mapped onto Loihi; the message says what to change."""


def loihi_ensemble_defaults(
    max_rates=(200, 300), intercepts=(-1.0, 0.5), tau_ref=0.001
):
    """Ensemble settings suited to Loihi, for a memory's config.

    Loihi neurons fire at integer periods (``1 / rate`` in steps), so high rates
    are coarsely quantised: at ``dt = 1 ms`` 250 Hz is a period of 4 steps,
    333 Hz of 3. Voltages start at zero on the chip; the same is asked of
    `nengo.Simulator` so both start alike.
    """
    return dict(
        neuron_type=nengo.LIF(
            tau_ref=tau_ref, initial_state={"voltage": nengo.dists.Choice([0])}
        ),
        max_rates=nengo.dists.Uniform(*max_rates),
        intercepts=nengo.dists.Uniform(*intercepts),
    )


def compensated_input_synapse(tau, decode_tau=DECODE_TAU):
    """Host synapse that, followed by nengo-loihi's on-chip ``decode_tau``, is ``tau``.

    nengo-loihi filters host input twice: by the connection's synapse on the
    host and by a ``decode_tau`` lowpass on the chip (nengo-loihi #115).
    ``(decode_tau s + 1) / (tau s + 1)`` on the host cancels the second filter,
    so the input reaches the neurons through ``Lowpass(tau)`` alone, as the
    principle-3 mapping assumes, without changing ``Model.decode_tau``.
    """
    return nengo.LinearFilter([decode_tau, 1.0], [tau, 1.0])


def configure_for_loihi(
    network,
    max_rates=(200, 300),
    intercepts=(-1.0, 0.5),
    tau_ref=0.001,
    reg=None,
    decode_tau=None,
    check=True,
):
    """Make every `.LegendreMemory` in ``network`` mappable onto Loihi.

    Each memory (``network`` itself or any memory inside it) is rebuilt with
    the Loihi structure: its ensembles connect to each other directly with a
    weight solver (neuron-to-neuron weights, no decode neurons in the loop;
    nengo-loihi #230 forbids weight solvers through passthrough nodes), its
    input synapse compensates the on-chip ``decode_tau`` filter
    (`compensated_input_synapse`), populations over 1024 neurons get a
    ``block_shape`` that splits them evenly over cores (in ``network``'s
    config, the only one nengo-loihi reads for it: pass the top-level
    model), and its ensembles get
    Loihi-friendly defaults (`loihi_ensemble_defaults`) in the memory's own
    config. Keyword arguments given to `.LegendreMemory` (``max_rates``,
    ``neuron_type``, ...) override those defaults. Ports and whatever is
    connected to them (``input``, ``state``, ``output``, outputs added by
    ``add_output``) are kept. nengo's global defaults are not touched.

    Call it once, after building the network and before the simulator. The
    configured network also runs in `nengo.Simulator` (same maths, slower).

    Parameters
    ----------
    network : nengo.Network
        A model containing memories, or a memory.
    max_rates, intercepts : (low, high)
        Uniform ranges of the default firing rates (Hz) and intercepts.
    tau_ref : float
        Refractory period of the default LIF neurons, in seconds.
    reg : float, optional
        Regularisation of the weight solver; default: the memory's own solver's
        (``LstsqL2(reg=0.003)`` unless given).
    decode_tau : float, optional
        If given, the ``decode_tau`` of the nengo-loihi model that will run the
        network (nengo-loihi's default is 5 ms), and the input synapse is
        compensated for it (`compensated_input_synapse`). Off by default:
        measured on L1 (``bench/bench_loihi.py``) the compensation made
        ``simreal`` slightly worse (0.167 vs 0.152), the on-chip input path
        evidently not being a clean extra lowpass.
    check : bool
        Run `check_loihi` on each memory afterwards.

    Returns
    -------
    list of LegendreMemory
        The memories configured.
    """
    memories = [
        net
        for net in [network] + list(network.all_networks)
        if isinstance(net, LegendreMemory)
    ]
    for memory in memories:
        old = memory.config[nengo.Connection].solver
        r = getattr(old, "reg", 0.003) if reg is None else reg
        solver = nengo.solvers.LstsqL2(reg=r, weights=True)
        defaults = loihi_ensemble_defaults(max_rates, intercepts, tau_ref)
        tau = memory.synapse.tau
        memory._rebuild(
            defaults,
            solver,
            (
                memory.synapse
                if decode_tau is None
                else compensated_input_synapse(tau, decode_tau)
            ),
            loihi=dict(decode_tau=decode_tau, reg=r, **defaults),
        )
        # nengo-loihi reads block shapes from the top-level network's config
        nengo_loihi.add_params(network)
        for ens in memory.state_ensembles:
            if ens.n_neurons > MAX_COMPARTMENTS:
                blocks = math.ceil(ens.n_neurons / MAX_COMPARTMENTS)
                per_block = math.ceil(ens.n_neurons / blocks)
                network.config[ens].block_shape = nengo_loihi.BlockShape(
                    (per_block,), (ens.n_neurons,)
                )
        if check:
            check_loihi(memory)
    return memories


def check_loihi(network):
    """Check the Loihi constraints that can be seen before building.

    Raises `LoihiMappingError` naming the constraint and what to change for:
    rate or direct neurons on the chip, synapses other than ``Lowpass`` (or
    ``None``) between on-chip objects, and more than 4096 neuron-to-neuron
    inputs into one core. (nengo-loihi 1.1 splits populations over 1024
    neurons by itself when no ``block_shape`` is given.)
    Quantisation limits (weight exponents) show only when building: see
    `build_loihi`.
    """
    try:
        config = network.config
        on_chip = "on_chip" in config[nengo.Ensemble]
    except (AttributeError, KeyError):
        on_chip = False

    def chip(ens):
        return not on_chip or config[ens].on_chip is not False

    for ens in network.all_ensembles:
        if not chip(ens):
            continue
        if not isinstance(ens.neuron_type, ON_CHIP_NEURONS):
            raise LoihiMappingError(
                f"{ens}: neuron type {ens.neuron_type} cannot run on Loihi, which "
                "simulates only spiking LIF and SpikingRectifiedLinear neurons "
                "(rate and Direct neurons have no on-chip form); use nengo.LIF() "
                "(e.g. LegendreMemory(..., neuron_type=nengo.LIF())), or mark the "
                "ensemble off chip with nengo_loihi.add_params(net) and "
                "net.config[ens].on_chip = False"
            )
    axons = {}
    for conn in network.all_connections:
        post = conn.post_obj
        post_ens = post.ensemble if isinstance(post, nengo.ensemble.Neurons) else post
        if not isinstance(post_ens, nengo.Ensemble) or not chip(post_ens):
            continue
        if conn.synapse is not None and type(conn.synapse) is not nengo.Lowpass:
            pre = conn.pre_obj
            pre_ens = pre.ensemble if isinstance(pre, nengo.ensemble.Neurons) else pre
            if isinstance(pre_ens, nengo.Ensemble) and chip(pre_ens):
                raise LoihiMappingError(
                    f"{conn}: synapse {conn.synapse} cannot run on Loihi, whose "
                    "synapses are first-order lowpass filters; use nengo.Lowpass or "
                    "None (for a LegendreMemory: synapse=<tau in seconds>)"
                )
        pre = conn.pre_obj
        if isinstance(pre, nengo.ensemble.Neurons):
            pre = pre.ensemble
        weights = getattr(conn.solver, "weights", False)
        if isinstance(pre, nengo.Ensemble) and (
            weights or isinstance(conn.pre_obj, nengo.ensemble.Neurons)
        ):
            axons[post_ens] = axons.get(post_ens, 0) + pre.n_neurons
    for ens, n in axons.items():
        blocks = math.ceil(ens.n_neurons / MAX_COMPARTMENTS)
        if n > MAX_IN_AXONS * blocks:
            raise LoihiMappingError(
                f"{ens}: receives {n} neuron-to-neuron inputs, more than the "
                f"{MAX_IN_AXONS} input axons of a Loihi core; use fewer neurons "
                "in the presynaptic populations (for a LegendreMemory: a smaller "
                "n_neurons or order), or decoded connections (no weight solver)"
            )


_ADVICE = {
    "weight exponent": (
        "a weight is too large for Loihi's 8-bit weights with a per-block exponent "
        "(-7..7): lower the firing rates (max_rates), widen the intercepts, use a "
        "longer synapse (for a LegendreMemory, a larger synapse or a smaller "
        "theta * scale, e.g. fewer scale_sigmas), or configure_for_loihi(model) "
        "so the memory uses Loihi-friendly rates and weight solvers"
    ),
    "bias scaling": (
        "a bias is too large for Loihi's 12-bit bias mantissa: lower max_rates or "
        "move intercepts away from 1"
    ),
    "Input axons": (
        "too many input axons (4096 per core): use fewer presynaptic neurons or "
        "decoded connections (no weight solver) into this population"
    ),
    "Output axons": (
        "too many output axons (4096 per core): connect this population to fewer "
        "targets or split it with a block_shape"
    ),
    "synapse bits": (
        "too many synapse bits (1,048,576 per core): use fewer neurons per core "
        "(a smaller block_shape) or fewer neuron-to-neuron connections"
    ),
    "compartments": (
        "too many compartments (1024 per core): split the population with "
        "nengo_loihi.add_params(net); net.config[ens].block_shape = "
        "nengo_loihi.BlockShape((1024,), (n,))"
    ),
    "non-Lowpass": "Loihi runs only Lowpass synapses (or None): use nengo.Lowpass",
    "Direct neurons": "Direct neurons cannot run on Loihi: use nengo.LIF()",
}


def build_loihi(network, dt=0.001, target="sim", **kwargs):
    """`nengo_loihi.Simulator` for ``network``, with mapping errors explained.

    Runs `check_loihi` first; a `~nengo.exceptions.BuildError` or
    ``NotImplementedError`` raised by nengo-loihi for a known constraint is
    re-raised as `LoihiMappingError` naming the constraint and what to change.
    """
    check_loihi(network)
    kwargs.setdefault("progress_bar", False)
    try:
        return nengo_loihi.Simulator(network, dt=dt, target=target, **kwargs)
    except (BuildError, NotImplementedError, ValidationError) as e:
        for key, advice in _ADVICE.items():
            if key in str(e):
                raise LoihiMappingError(f"{e}; {advice}") from e
        raise


def resources(sim):
    """Core use of a built `nengo_loihi.Simulator`, from nengo-loihi's utilisation.

    Each block (after splitting by ``block_shape``) takes one core. Sums
    `nengo_loihi.block.LoihiBlock.utilization` (what
    ``sim.model.utilization_summary()`` prints as percentages) over blocks.

    Returns
    -------
    dict
        ``cores``, ``compartments``, ``in_axons``, ``out_axons``,
        ``synapse_bits`` (totals) and ``max_synapse_fraction`` (the fullest
        core's share of its 1,048,576 synapse bits).
    """
    model = getattr(sim, "model", sim)
    blocks = list(getattr(model, "split_blocks", {}).values()) or list(model.blocks)
    if blocks and isinstance(blocks[0], (list, tuple)):
        blocks = [b for group in blocks for b in group]
    utils = [b.utilization() for b in blocks]
    total = {k: sum(u[k][0] for u in utils) for k in utils[0]} if utils else {}
    return dict(
        cores=len(blocks),
        compartments=int(total.get("compartments", 0)),
        in_axons=int(total.get("in-axons", 0)),
        out_axons=int(total.get("out-axons", 0)),
        synapse_bits=int(total.get("synapses", 0)),
        max_synapse_fraction=max(
            (u["synapses"][0] / u["synapses"][1] for u in utils), default=0.0
        ),
    )
