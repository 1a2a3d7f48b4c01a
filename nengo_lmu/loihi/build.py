"""Build networks for nengo-loihi without touching the caller's model.

Imports ``nengo_loihi``.
"""

import math
import traceback
from collections.abc import Mapping

import nengo
import nengo_loihi
from nengo.exceptions import BuildError, ValidationError

from nengo_lmu.loihi.checks import (
    MAX_COMPARTMENTS,
    LoihiMappingError,
    chip_inputs,
    host_input_tau,
    on_chip,
    same_tau,
    lowpass_tau,
    check_loihi,
)
from nengo_lmu.loihi.register import BUILDING

_ADVICE = {
    "weight exponent": (
        "a weight is too large for Loihi's 8-bit weights with a per-block exponent "
        "(-7..7): lower the firing rates (max_rates), widen the intercepts, use a "
        "longer synapse (for a LegendreMemory, a larger synapse or a smaller "
        "theta * scale, e.g. fewer sigmas of its ProcessScaling), or build the memory "
        "with LegendreMemory(..., **nengo_lmu.loihi.loihi_memory_kwargs(dt)) "
        "(Loihi-friendly rates and a weight solver)"
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


def build_loihi(network, dt=0.001, target="sim", strict=True, **kwargs):
    """`nengo_loihi.Simulator` for ``network``, built from a copy of it.

    The one way to run nengo-lmu networks on nengo-loihi: a plain
    ``nengo_loihi.Simulator`` refuses them (`LoihiMappingError`), because it
    would run a memory wrong in two ways that the network cannot see:

    - nengo-loihi 1.1's passthrough removal drops a probed passthrough node
      that has no outgoing connection, so a probe on ``memory.output``
      reads 0 for the whole run;
    - a host-to-chip connection is filtered twice: with its own synapse on
      the host, then with the target block's synapse on the chip, which
      Loihi shares among all inputs of a block (the largest time constant
      wins: the memory's recurrent one). The memory's input would be
      filtered by its synapse twice (D1 on ``"simreal"``: NRMSE 0.42
      instead of 0.21).

    So this function runs `check_loihi` (which also refuses a memory
    mapped at another ``dt``), then builds a **copy** of ``network`` in
    which every host-to-chip connection whose synapse equals its target's
    on-chip synapse (e.g. each memory's ``input_connection``) has
    ``synapse=None`` (it is filtered once, on the chip, by the same synapse
    as the recurrence, as the mapping assumes), populations over 1024
    neurons get a ``block_shape`` (as `configure_for_loihi` gives), the
    on-chip filter of host input (``decode_tau``, 5 ms) is lowered to the
    shortest memory synapse if that is shorter, and passthrough nodes stay
    on the host (``remove_passthrough=False``, unless ``kwargs`` say
    otherwise). ``network`` itself is not changed. The simulator's
    ``data`` is keyed by ``network``'s own objects (``sim.data[probe]``);
    ``sim.model`` and ``sim.network`` are the copy's (`LoihiSimulator`).

    A `~nengo.exceptions.BuildError` or ``NotImplementedError`` raised by
    nengo-loihi for a known constraint is re-raised as `LoihiMappingError`
    naming the constraint and what to change.

    Parameters
    ----------
    network : nengo.Network
    dt : float
        Time step, in seconds; the memories must be mapped at it
        (``LegendreMemory(..., **loihi_memory_kwargs(dt))``).
    target : {"sim", "simreal", "loihi"}
        ``"sim"``: the integer emulator; ``"simreal"``: the same in floating
        point; ``"loihi"``: the chip.
    strict : bool
        Refuse memory synapses measured wrong on the emulator (see
        `check_loihi`); ``False`` only warns.
    **kwargs
        Passed to `nengo_loihi.Simulator`.

    Returns
    -------
    LoihiSimulator
    """
    check_loihi(network, dt=dt, strict=strict)
    kwargs.setdefault("progress_bar", False)
    kwargs.setdefault("remove_passthrough", False)
    if "model" not in kwargs:
        model = nengo_loihi.builder.Model(dt=float(dt), label=f"{network}, dt={dt:g}")
        model.decode_tau = host_input_tau(network, dt)
        kwargs["model"] = model
    copy, copies = _loihi_copy(network, kwargs["model"].decode_tau)
    token = BUILDING.set(True)
    try:
        return LoihiSimulator(copy, copies, dt=dt, target=target, **kwargs)
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
        if isinstance(e, LoihiMappingError):
            raise
        for key, advice in _ADVICE.items():
            if key in str(e):
                raise LoihiMappingError(f"{e}; {advice}") from e
        raise
    finally:
        BUILDING.reset(token)


class LoihiSimulator(nengo_loihi.Simulator):
    """A `nengo_loihi.Simulator` of a copy of a network (see `build_loihi`).

    ``data`` is keyed by the original network's objects (probes, ensembles,
    connections); ``copies`` maps each of them to its copy, which
    ``sim.model`` and ``sim.network`` hold.
    """

    def __init__(self, network, copies, **kwargs):
        self.copies = copies
        super().__init__(network, **kwargs)
        self.data = _OriginalKeys(self.data, copies)


class _OriginalKeys(Mapping):
    """Simulation data keyed by the original objects (copies as well)."""

    def __init__(self, data, copies):
        self._data = data
        self._copies = copies

    def __getitem__(self, key):
        return self._data[self._copies.get(key, key)]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return self._copies.get(key, key) in self._data

    def reset(self):
        self._data.reset()


def _loihi_copy(network, decode_tau):
    """A copy of ``network`` prepared for nengo-loihi, and ``{original: copy}``."""
    copy = network.copy(add_to_container=False)
    originals = list(network.all_objects) + list(network.all_networks)
    copied = list(copy.all_objects) + list(copy.all_networks)
    assert len(originals) == len(copied)
    copies = {network: copy}
    for a, b in zip(originals, copied):
        assert type(a) is type(b)
        copies[a] = b
        if isinstance(a, nengo.Ensemble):
            copies[a.neurons] = b.neurons
    # host inputs filtered once, on the chip
    chip = on_chip(copy)
    for _, block_tau, inputs in chip_inputs(copy, chip, decode_tau):
        for conn, kind in inputs:
            # (block_tau 0: a Lowpass(0) host input keeps its one-step delay)
            if kind != "host" or block_tau <= 0:
                continue
            if same_tau(lowpass_tau(conn.synapse), block_tau):
                conn.synapse = None
    # block shapes for populations over a core
    nengo_loihi.add_params(copy)
    for ens in copy.all_ensembles:
        if ens.n_neurons > MAX_COMPARTMENTS and copy.config[ens].block_shape is None:
            blocks = math.ceil(ens.n_neurons / MAX_COMPARTMENTS)
            per_block = math.ceil(ens.n_neurons / blocks)
            copy.config[ens].block_shape = nengo_loihi.BlockShape(
                (per_block,), (ens.n_neurons,)
            )
    return copy, copies


def to_loihi_neurons(network, nengo_dl_noise=None):
    """A copy of ``network`` whose on-chip spiking ensembles have Loihi's neuron models.

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
    emulator's result does not change). ``network`` itself is not changed.

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
    nengo.Network
        The copy (made with ``network.copy()``; train and run it in place of
        ``network``). Its attribute ``loihi_neurons`` lists the (copied)
        ensembles whose neuron type was changed.
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
    network = network.copy(add_to_container=False)
    chip = on_chip(network)
    changed = []
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
        changed.append(ens)
        ens.neuron_type = new
    network.loihi_neurons = changed
    return network


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
