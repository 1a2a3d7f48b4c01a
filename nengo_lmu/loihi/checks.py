"""Loihi's constraints on a network, checked before building, with the fix.

Imports ``nengo_loihi``.
"""

import math
import warnings

import nengo
import nengo_loihi
import numpy as np
from nengo.exceptions import BuildError

from nengo_lmu.loihi.preset import LONG_SYNAPSE
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


class LoihiMappingError(BuildError):
    """A network cannot be mapped onto Loihi; the message says what to change."""


def configure_for_loihi(network, check=True, dt=None, strict=True):
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
    strict : bool
        Passed to `check_loihi`.
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
        check_loihi(network, dt=dt, strict=strict)
    return memories


def check_loihi(network, dt=0.001, strict=True):
    """Check the Loihi constraints that can be seen before building.

    Raises `LoihiMappingError` naming the constraint and what to change for:
    rate or direct neurons on the chip, synapses other than ``Lowpass`` (or
    ``None``) between on-chip objects, inputs of one population that ask for
    different synapses (see below), and more than 4096 neuron-to-neuron
    inputs into one core. (nengo-loihi 1.1 splits populations over 1024
    neurons by itself when no ``block_shape`` is given.) Warns, without
    failing, about what maps but loses accuracy: a memory whose recurrent
    connection is decoded (nengo-loihi puts decode neurons and a 5 ms filter
    in the loop) and LIF rates above what Loihi can fire at ``dt``. A memory
    synapse longer than `LONG_SYNAPSE` (measured diverging on the emulator)
    and a memory whose neurons ask for rates Loihi cannot fire at ``dt``
    (the default memory at 1 ms, L1: NRMSE 0.91 on simreal with a 10 ms
    synapse) are refused, or with ``strict=False`` warned about. A memory mapped at
    another time step than ``dt`` is refused (`check_dt_matches`).
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
    check_dt_matches(network, dt)
    chip = on_chip(network)
    _check_one_synapse(network, chip, host_input_tau(network, dt))
    in_memories = {ens for memory in _memories(network) for ens in memory.all_ensembles}
    for ens in network.all_ensembles:
        if not chip(ens):
            continue
        # a memory's decoders assume its rates: clipped, its loop goes wrong
        _check_rates(ens, dt, refuse=strict and ens in in_memories)
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
                "LegendreMemory(..., **nengo_lmu.loihi.loihi_memory_kwargs(dt))"
            )
        if memory.synapse.tau > LONG_SYNAPSE:
            message = (
                f"{memory}: synapse {memory.synapse.tau:g} s; on nengo-loihi's "
                f"emulator, memories with synapses over {LONG_SYNAPSE:g} s were "
                "measured to diverge (L1 at 0.3 s: NRMSE 2.6 on simreal with the "
                "Loihi preset; nengo is fine, cause not found); use "
                "nengo_lmu.loihi.loihi_memory_kwargs(dt, order=...) (10-20 ms)"
            )
            if strict:
                raise LoihiMappingError(message + ", or strict=False to try it")
            warnings.warn(message)
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


def check_dt_matches(network, dt):
    """Raise `LoihiMappingError` if a memory in ``network`` was mapped at
    another time step than ``dt`` (its dynamics would run at the wrong
    speed)."""
    for memory in _memories(network):
        if not same_tau(memory.dt, float(dt)):
            raise LoihiMappingError(
                f"{memory}: mapped for dt={memory.dt:g} s, but the simulator runs "
                f"at dt={float(dt):g} s; make the memory with dt={float(dt):g} (e.g. "
                f"LegendreMemory(..., **loihi_memory_kwargs(dt={float(dt):g}))) or "
                f"simulate at dt={memory.dt:g}"
            )


def _check_rates(ens, dt, refuse=False):
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
        message = (
            f"{ens}: max_rates up to {high:g} Hz, but a LIF neuron with "
            f"tau_ref={neuron.tau_ref:g} s fires at most {limit:g} Hz on Loihi at "
            f"dt={dt:g} s; the rates will be clipped and quantised (use lower "
            "max_rates, e.g. nengo_lmu.loihi.loihi_memory_kwargs(dt))"
        )
        if refuse:
            raise LoihiMappingError(message + ", or strict=False to try it")
        warnings.warn(message)


def on_chip(network):
    """``chip(ens)``: whether nengo-loihi will put ``ens`` on the chip (read
    without adding entries to ``network``'s config)."""
    params = network.config.params

    def chip(ens):
        try:
            return params[ens].on_chip is not False
        except (KeyError, AttributeError):  # not configured, or no add_params
            return True

    return chip


def _memories(network):
    return [
        net
        for net in [network] + list(network.all_networks)
        if isinstance(net, LegendreMemory)
    ]


def host_input_tau(network, dt):
    """On-chip filter of host inputs in `build_loihi`: nengo-loihi's
    ``decode_tau`` (5 ms), or the shortest memory synapse if that is shorter
    (so that it does not replace the memory's synapse)."""
    taus = [m.synapse.tau for m in _memories(network)]
    return min([nengo_loihi.builder.Model(dt=float(dt)).decode_tau] + taus)


def _ensemble(obj):
    if isinstance(obj, nengo.ensemble.Neurons):
        return obj.ensemble
    return obj if isinstance(obj, nengo.Ensemble) else None


def lowpass_tau(synapse):
    return synapse.tau if isinstance(synapse, nengo.Lowpass) else 0.0


def chip_inputs(network, chip, decode_tau):
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
        tau = lowpass_tau(conn.synapse) if kind == "weights" else decode_tau
        inputs.setdefault(post, []).append((conn, kind, tau))
    return [
        (ens, max(tau for _, _, tau in conns), [(c, k) for c, k, _ in conns])
        for ens, conns in inputs.items()
    ]


def same_tau(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _check_one_synapse(network, chip, decode_tau):
    for ens, block_tau, inputs in chip_inputs(network, chip, decode_tau):
        if block_tau <= decode_tau or same_tau(block_tau, decode_tau):
            continue
        for conn, kind in inputs:
            own = lowpass_tau(conn.synapse)
            if kind != "decoded" and same_tau(own, block_tau):
                continue  # weights with the block's synapse; host: filtered on chip
            taus = sorted({lowpass_tau(c.synapse) for c, _ in inputs})
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
