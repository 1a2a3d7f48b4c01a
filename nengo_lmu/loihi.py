"""Run Legendre memories on Loihi (``nengo_loihi``): settings, checks, builds.

Import this module only for Loihi: it imports ``nengo_loihi``, which the rest
of the package never does. Nothing here changes nengo's global defaults (no
``nengo_loihi.set_defaults()``), patches a library, or rewrites a network:
the memory is the ordinary memory (one population with a
direct recurrent connection), given Loihi-friendly settings through its
constructor, and `configure_for_loihi` only adds nengo-loihi's own
configuration (block shapes) to the model's config.

Usage::

    import nengo
    from nengo_lmu import LegendreMemory
    from nengo_lmu.loihi import build_loihi, configure_for_loihi, loihi_memory_kwargs

    with nengo.Network(seed=0) as model:
        memory = LegendreMemory(0.1, 3, 384, synapse=0.01, **loihi_memory_kwargs())
        ...
    configure_for_loihi(model)  # block shapes over 1024 neurons; checks
    with build_loihi(model, target="sim") as sim:
        sim.run(1.0)
"""

import contextlib
import math
import traceback
import warnings

import nengo
import numpy as np
import nengo_loihi
from nengo.exceptions import BuildError, ValidationError

from nengo_lmu.networks.legendre_memory import LegendreMemory, loihi_memory_kwargs

__all__ = [
    "LoihiMappingError",
    "build_loihi",
    "check_loihi",
    "configure_for_loihi",
    "loihi_memory_kwargs",
    "resources",
    "to_loihi_neurons",
]

#: Neurons that nengo-loihi can put on the chip.
ON_CHIP_NEURONS = (
    nengo.LIF,
    nengo.SpikingRectifiedLinear,
    nengo_loihi.neurons.LoihiLIF,
    nengo_loihi.neurons.LoihiSpikingRectifiedLinear,
)

#: Longest memory synapse (s) measured to work on the emulator (see check_loihi).
LONG_SYNAPSE = 0.02
#: Compartments per Loihi core.
MAX_COMPARTMENTS = 1024
#: Input axons per Loihi core.
MAX_IN_AXONS = 4096


class LoihiMappingError(BuildError):
    """A network cannot be mapped onto Loihi; the message says what to change."""


def configure_for_loihi(network, check=True, dt=None):
    """Add nengo-loihi's configuration for the memories in ``network``.

    Populations of more than 1024 neurons get a ``block_shape`` that splits
    them evenly over cores, in ``network``'s config (the only one
    nengo-loihi reads for it: pass the top-level model). Nothing else is
    changed: the Loihi-friendly neuron settings are constructor arguments
    (`loihi_memory_kwargs`), and nengo's global defaults are not touched.

    Parameters
    ----------
    network : nengo.Network
        The top-level model (a memory or a network containing memories).
    check : bool
        Run `check_loihi` on ``network`` afterwards.
    dt : float, optional
        Time step for the check; default: the memories' own ``dt`` (they are
        mapped at it), or 1 ms without memories.

    Returns
    -------
    list of LegendreMemory
        The memories found.
    """
    memories = _memories(network)
    nengo_loihi.add_params(network)
    for memory in memories:
        for ens in memory.state_ensembles:
            if ens.n_neurons > MAX_COMPARTMENTS and (
                network.config[ens].block_shape is None
            ):
                blocks = math.ceil(ens.n_neurons / MAX_COMPARTMENTS)
                per_block = math.ceil(ens.n_neurons / blocks)
                network.config[ens].block_shape = nengo_loihi.BlockShape(
                    (per_block,), (ens.n_neurons,)
                )
    if check:
        if dt is None:
            steps = {memory.dt for memory in memories}
            dt = steps.pop() if len(steps) == 1 else 0.001
        check_loihi(network, dt=dt)
    return memories


def check_loihi(network, dt=0.001):
    """Check the Loihi constraints that can be seen before building.

    Raises `LoihiMappingError` naming the constraint and what to change for:
    rate or direct neurons on the chip, synapses other than ``Lowpass`` (or
    ``None``) between on-chip objects, inputs of one population that ask for
    different synapses (see below), and more than 4096 neuron-to-neuron
    inputs into one core. (nengo-loihi 1.1 splits populations over 1024
    neurons by itself when no ``block_shape`` is given.) Warns, without
    failing, about what maps but loses accuracy: a memory whose recurrent
    connection is decoded (nengo-loihi puts decode neurons and a 5 ms filter
    in the loop), a memory synapse longer than `LONG_SYNAPSE` (measured
    wrong on the emulator) and LIF rates above what Loihi can fire at
    ``dt``.
    Quantisation limits (weight exponents) show only when building: see
    `build_loihi`.

    One synapse per population: Loihi filters all inputs of a population
    with one time constant, and nengo-loihi silently (with a Python warning)
    gives every input the largest one asked for. An input from another
    on-chip population through weights asks for its own synapse; an input
    from the host, or a decoded one, asks for nengo-loihi's ``decode_tau``
    (5 ms, or the shortest memory synapse, see `build_loihi`) on top of its
    own synapse, applied on the host (or in nengo-loihi's decode neurons).
    So a population may mix synapses only where the largest is
    ``decode_tau``; otherwise every input must have the population's one
    synapse (a host input with that synapse is then filtered once, on the
    chip). Example: an `.LMUCell` with
    ``hidden_cell="rnn"`` and a lowpass recurrence needs
    ``hidden_input_synapse=hidden_synapse``: its memory state, sent from the
    host, would otherwise be filtered by the recurrence's synapse on chip
    without the network saying so (measured: an MNIST-1D cell fell to
    chance on the emulator).
    """
    chip = _on_chip(network)
    _check_one_synapse(network, chip, _decode_tau(network, dt))
    for ens in network.all_ensembles:
        if not chip(ens):
            continue
        _check_rates(ens, dt)
        if not isinstance(ens.neuron_type, ON_CHIP_NEURONS):
            raise LoihiMappingError(
                f"{ens}: neuron type {ens.neuron_type} cannot run on Loihi, which "
                "simulates only spiking LIF and SpikingRectifiedLinear neurons "
                "(rate and Direct neurons have no on-chip form); use nengo.LIF() "
                "(e.g. LegendreMemory(..., neuron_type=nengo.LIF())), or mark the "
                "ensemble off chip with nengo_loihi.add_params(net) and "
                "net.config[ens].on_chip = False"
            )
    memories = [network] if isinstance(network, LegendreMemory) else []
    for memory in memories + [
        n for n in network.all_networks if isinstance(n, LegendreMemory)
    ]:
        conn = getattr(memory, "recurrent_connection", None)
        if conn is None or not conn.solver.weights:
            warnings.warn(
                f"{memory}: its recurrent connection is decoded, so nengo-loihi "
                "puts decode neurons and a 5 ms filter in the loop (less "
                "accurate); build it with a weight solver, e.g. "
                "LegendreMemory(..., **loihi_memory_kwargs())"
            )
        if memory.synapse.tau > LONG_SYNAPSE:
            warnings.warn(
                f"{memory}: synapse {memory.synapse.tau:g} s; on nengo-loihi's "
                f"emulator, memories with synapses over {LONG_SYNAPSE:g} s were "
                "measured wrong in their high-order states (order 6, 0.1 s: "
                "offsets up to 0.2 with zero input at 0.1 s; nengo with LoihiLIF "
                "neurons is fine, cause not found); use a synapse of about 0.01 s"
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
        # dense weights: every core of ``ens`` hears every presynaptic neuron
        if n > MAX_IN_AXONS:
            raise LoihiMappingError(
                f"{ens}: receives {n} neuron-to-neuron inputs, more than the "
                f"{MAX_IN_AXONS} input axons of a Loihi core; use fewer neurons "
                "in the presynaptic populations (for a LegendreMemory: a smaller "
                "n_neurons or order), or decoded connections (no weight solver)"
            )


def _check_rates(ens, dt):
    neuron = ens.neuron_type
    if not isinstance(neuron, nengo.LIF):
        return
    if isinstance(ens.gain, np.ndarray) and isinstance(ens.bias, np.ndarray):
        # fixed gains and biases (a memory with temporal decoders) set the rates
        rates, _ = neuron.max_rates_intercepts(ens.gain, ens.bias)
        high = float(np.max(rates))
    elif ens.gain is not None and ens.bias is not None:
        return  # max_rates are not used (e.g. an LMUCell's hidden layer)
    else:
        high = getattr(ens.max_rates, "high", None)
        if high is None:
            return
    # a spike needs at least one step to charge, then tau_ref / dt refractory
    limit = 1.0 / (dt * (round(neuron.tau_ref / dt) + 1))
    if high > limit:
        warnings.warn(
            f"{ens}: max_rates up to {high:g} Hz, but a LIF neuron with "
            f"tau_ref={neuron.tau_ref:g} s fires at most {limit:g} Hz on Loihi at "
            f"dt={dt:g} s; the rates will be clipped and quantised (use lower "
            "max_rates, e.g. loihi_memory_kwargs())"
        )


_ADVICE = {
    "weight exponent": (
        "a weight is too large for Loihi's 8-bit weights with a per-block exponent "
        "(-7..7): lower the firing rates (max_rates), widen the intercepts, use a "
        "longer synapse (for a LegendreMemory, a larger synapse or a smaller "
        "theta * scale, e.g. fewer scale_sigmas), or build the memory with "
        "LegendreMemory(..., **loihi_memory_kwargs()) (Loihi-friendly rates and a "
        "weight solver)"
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

    Host inputs are filtered once, on the chip, where they can be.
    nengo-loihi filters a host-to-chip connection twice: with its own synapse
    on the host, then with the target block's synapse on the chip, which
    Loihi shares among all inputs of a block (the largest time constant
    wins, e.g. a memory's recurrent one). For the build, every host-to-chip
    connection whose synapse equals its target's on-chip synapse (e.g. each
    memory's `input_connection`) is given ``synapse=None`` (and restored
    afterwards), so it is lowpass filtered once, by the same synapse as the
    recurrence, as the mapping assumes (measured on D1: NRMSE 0.21 instead of
    0.42 on ``"simreal"``).
    The on-chip filter of host input (``decode_tau``, 5 ms) is lowered to the
    shortest memory synapse if that is shorter, so that it does not replace
    the memory's synapse.

    Passthrough nodes are kept on the host (``remove_passthrough=False``)
    unless ``kwargs`` say otherwise: the memory's recurrent loop does not pass
    through them, and nengo-loihi 1.1's passthrough removal drops a probed
    passthrough node that has no outgoing connection (a probe on
    ``memory.output`` would read zeros).

    Parameters
    ----------
    network : nengo.Network
    dt : float
        Time step, in seconds.
    target : {"sim", "simreal", "loihi"}
        ``"sim"``: the integer emulator; ``"simreal"``: the same in floating
        point; ``"loihi"``: the chip.
    **kwargs
        Passed to `nengo_loihi.Simulator`.
    """
    check_loihi(network, dt=dt)
    kwargs.setdefault("progress_bar", False)
    kwargs.setdefault("remove_passthrough", False)
    if "model" not in kwargs:
        model = nengo_loihi.builder.Model(dt=float(dt), label=f"{network}, dt={dt:g}")
        model.decode_tau = _decode_tau(network, dt)
        kwargs["model"] = model
    decode_tau = kwargs["model"].decode_tau
    try:
        with _inputs_filtered_on_chip(network, decode_tau):
            return nengo_loihi.Simulator(network, dt=dt, target=target, **kwargs)
    except AssertionError as e:
        # nengo-loihi 1.1 asserts (no message) when a block's largest weight
        # leaves its voltage threshold no mantissa bits
        if "discretize" not in "".join(traceback.format_tb(e.__traceback__)):
            raise
        raise LoihiMappingError(
            "a weight is too large for Loihi's discretisation: the voltage "
            "threshold, scaled with the block's largest weight (8-bit weights with "
            f"a per-block exponent), rounds to zero; {_ADVICE['weight exponent']}"
        ) from e
    except (BuildError, NotImplementedError, ValidationError) as e:
        for key, advice in _ADVICE.items():
            if key in str(e):
                raise LoihiMappingError(f"{e}; {advice}") from e
        raise


def _on_chip(network):
    """``chip(ens)``: whether nengo-loihi will put ``ens`` on the chip."""
    config = network.config

    def chip(ens):
        try:
            return config[ens].on_chip is not False
        except AttributeError:  # nengo_loihi.add_params was not called
            return True

    return chip


def _memories(network):
    return [
        net
        for net in [network] + list(network.all_networks)
        if isinstance(net, LegendreMemory)
    ]


def _decode_tau(network, dt):
    """On-chip filter of host inputs in `build_loihi`: nengo-loihi's
    ``decode_tau`` (5 ms), or the shortest memory synapse if that is shorter
    (so that it does not replace the memory's synapse)."""
    taus = [m.synapse.tau for m in _memories(network)]
    return min([nengo_loihi.builder.Model(dt=float(dt)).decode_tau] + taus)


def _ensemble(obj):
    if isinstance(obj, nengo.ensemble.Neurons):
        return obj.ensemble
    return obj if isinstance(obj, nengo.Ensemble) else None


def _tau(synapse):
    return synapse.tau if isinstance(synapse, nengo.Lowpass) else 0.0


def _chip_inputs(network, chip, decode_tau):
    """``[(ensemble, block_tau, [(connection, kind), ...])]`` for on-chip
    ensembles.

    ``kind`` is ``"host"`` (from the host), ``"weights"`` (neuron-to-neuron
    weights between on-chip objects) or ``"decoded"`` (on chip, through
    nengo-loihi's decode neurons). Each connection asks nengo-loihi for an
    on-chip filter: its own synapse for weights, ``decode_tau`` otherwise;
    ``block_tau``, the largest, is the one the ensemble gets.
    """
    inputs = {}
    for conn in network.all_connections:
        post = _ensemble(conn.post_obj)
        if post is None or not chip(post):
            continue
        pre = _ensemble(conn.pre_obj)
        from_host = pre is None or not chip(pre)
        if from_host:
            kind = "host"
        elif isinstance(conn.pre_obj, nengo.ensemble.Neurons) or conn.solver.weights:
            kind = "weights"
        else:
            kind = "decoded"
        tau = _tau(conn.synapse) if kind == "weights" else decode_tau
        inputs.setdefault(post, []).append((conn, kind, tau))
    return [
        (ens, max(tau for _, _, tau in conns), [(c, k) for c, k, _ in conns])
        for ens, conns in inputs.items()
    ]


def _same(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _check_one_synapse(network, chip, decode_tau):
    for ens, block_tau, inputs in _chip_inputs(network, chip, decode_tau):
        if block_tau <= decode_tau or _same(block_tau, decode_tau):
            continue
        for conn, kind in inputs:
            own = _tau(conn.synapse)
            if kind != "decoded" and _same(own, block_tau):
                continue  # weights with the block's synapse; host: filtered on chip
            taus = sorted({_tau(c.synapse) for c, _ in inputs})
            raise LoihiMappingError(
                f"{ens}: its inputs have synapses of "
                f"{', '.join(f'{t:g}' for t in taus)} s, but Loihi filters all "
                "inputs of a population with one time constant, and nengo-loihi "
                f"would filter {conn} (synapse {own:g} s"
                + {"host": ", from the host", "decoded": ", decoded"}.get(kind, "")
                + f") with {block_tau:g} s; give every connection into it the same "
                "Lowpass synapse (host inputs too: they are then filtered once, on "
                "the chip); for an LMUCell with hidden_cell='rnn': "
                "hidden_input_synapse=hidden_synapse"
            )


@contextlib.contextmanager
def _inputs_filtered_on_chip(network, decode_tau):
    """Meanwhile, ``synapse=None`` on each host input whose synapse equals the
    on-chip synapse of its target (which filters it there, once)."""
    conns = [
        conn
        for _, block_tau, inputs in _chip_inputs(network, _on_chip(network), decode_tau)
        for conn, kind in inputs
        # (block_tau 0: a Lowpass(0) host input keeps its one-step delay)
        if kind == "host" and block_tau > 0 and _same(_tau(conn.synapse), block_tau)
    ]
    synapses = [c.synapse for c in conns]
    try:
        for c in conns:
            c.synapse = None
        yield
    finally:
        for c, synapse in zip(conns, synapses):
            c.synapse = synapse


def to_loihi_neurons(network, nengo_dl_noise=None):
    """Give the on-chip spiking ensembles of ``network`` Loihi's neuron models.

    For Loihi-aware fine-tuning in NengoDL (issue: train with the firing
    rates the chip produces): every ensemble nengo-loihi would put on the
    chip whose neuron type is exactly `nengo.LIF` becomes
    ``nengo_loihi.neurons.LoihiLIF`` and every `nengo.SpikingRectifiedLinear`
    becomes ``LoihiSpikingRectifiedLinear``, with the same parameters and
    initial state. NengoDL then trains with Loihi's rate curves (integer
    firing periods; nengo-loihi registers the builders, which need
    nengo-extras >= 0.5), optionally with the output noise model
    ``nengo_dl_noise``; nengo and the emulator simulate the new types as the
    chip does (nengo-loihi builds them exactly like the nengo types, so the
    emulator's result does not change). Changes ``network`` in place, before
    a simulator is built; call it on a copy to keep the original.

    Only at ``dt = 1 ms``: nengo-loihi 1.1's ``LoihiLIF.rates``, from which
    nengo derives gains and biases from ``max_rates``, assumes a 1 ms step
    whatever the simulator's. At another step, convert only ensembles whose
    gain and bias are set (e.g. an `.LMUCell`'s hidden layer). Measured on
    the MNIST-1D cell at 0.5 ms (memory rates 400-600 Hz): 0.29 on nengo
    with LIF, 0.04 with every ensemble converted.

    Parameters
    ----------
    network : nengo.Network
    nengo_dl_noise : nengo_extras.loihi_training.NeuronOutputNoise, optional
        Noise added to the LIF rates while training in NengoDL (e.g.
        ``LowpassRCNoise(tau_s=0.01)`` for the spike noise after a 10 ms
        synapse).

    Returns
    -------
    dict
        ``{ensemble: previous neuron type}`` for the ensembles changed.
    """
    from nengo_loihi.neurons import LoihiLIF, LoihiSpikingRectifiedLinear

    if nengo_dl_noise is not None:
        try:
            from nengo_extras.loihi_training import NeuronOutputNoise
        except ImportError as e:  # pragma: no cover
            raise ValidationError(
                "needs nengo-extras >= 0.5", attr="nengo_dl_noise"
            ) from e
        if not isinstance(nengo_dl_noise, NeuronOutputNoise):
            raise ValidationError(
                "must be a nengo_extras.loihi_training.NeuronOutputNoise, e.g. "
                f"LowpassRCNoise(tau_s=0.01) (got {nengo_dl_noise!r})",
                attr="nengo_dl_noise",
            )
    chip = _on_chip(network)
    changed = {}
    for ens in network.all_ensembles:
        neuron = ens.neuron_type
        if not chip(ens):
            continue
        if type(neuron) is nengo.LIF:
            new = LoihiLIF(
                tau_rc=neuron.tau_rc,
                tau_ref=neuron.tau_ref,
                min_voltage=neuron.min_voltage,
                amplitude=neuron.amplitude,
                nengo_dl_noise=nengo_dl_noise,
                initial_state=neuron.initial_state,
            )
        elif type(neuron) is nengo.SpikingRectifiedLinear:
            new = LoihiSpikingRectifiedLinear(
                amplitude=neuron.amplitude, initial_state=neuron.initial_state
            )
        else:
            continue
        changed[ens] = neuron
        ens.neuron_type = new
    return changed


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
