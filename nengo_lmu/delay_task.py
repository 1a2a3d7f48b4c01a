"""The delay task: a memory delaying white noise, scored against ideals.

Shared by the command line (``nengo-lmu delay``), the benchmarks and the
examples, so that every reported number comes from one protocol. Its
references and scoring are `nengo_lmu.reference`'s (`.score_delay`, also
importable from here, scores the output of any delay network; the
benchmarks score other packages' networks with it).
"""

import time
from dataclasses import dataclass, field

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.utils.numpy import nrmse

from nengo_lmu.checks import check_number
from nengo_lmu.networks import LegendreMemory
from nengo_lmu.reference import (  # noqa: F401  (DelayScore: part of this API)
    TRANSIENT,
    DelayScore,
    ideal_delay,
    ideal_state,
    score_delay,
)


@dataclass
class DelayResult:
    """Signals and scores of one run of `.delay_task` (arrays are ``(steps, d)``)."""

    t: np.ndarray
    u: np.ndarray  #: input
    delayed: np.ndarray  #: input truly delayed by theta, readout-filtered
    output: np.ndarray  #: network output, readout-filtered
    ideal: np.ndarray  #: ideal linear system's output, readout-filtered
    state: np.ndarray  #: decoded network state (Legendre basis), readout-filtered
    ideal_state: np.ndarray  #: ideal state, readout-filtered
    nrmse_delay: float  #: NRMSE of the output against the delayed input
    nrmse_ideal: float  #: NRMSE of the output against the ideal output
    nrmse_ideal_delay: float  #: NRMSE of the ideal output against the delayed input
    n_neurons: int
    build_time: float  #: seconds
    run_time: float  #: seconds
    steps: int
    params: dict = field(default_factory=dict)

    @property
    def steps_per_second(self):
        """Simulated steps per wall-clock second of ``sim.run``."""
        return self.steps / self.run_time


def delay_task(
    theta=0.1,
    order=6,
    n_neurons=1000,
    freq=10.0,
    rms=0.3,
    duration=10.0,
    dt=0.001,
    seed=0,
    readout_synapse=0.01,
    transient=TRANSIENT,
    simulator=None,
    progress_bar=False,
    configure=None,
    **memory_kwargs,
):
    """Delay band-limited white noise by ``theta`` with a `.LegendreMemory`.

    The input is ``nengo.processes.WhiteSignal(duration, high=freq, rms=rms)``
    seeded with ``seed``; the memory is scaled with the same kind of process
    (an independent draw). Output, ideal output and truly delayed input all
    pass through a ``readout_synapse`` lowpass, and the first ``transient``
    seconds are dropped before scoring (`score_delay`).

    Parameters
    ----------
    theta, order, n_neurons, dt
        As for `.LegendreMemory` (``n_neurons`` is the total).
    freq : float
        Cut-off frequency of the white noise, Hz.
    rms : float
        RMS of the input.
    duration : float
        Simulated seconds.
    seed : int
        Seeds the input and the network.
    readout_synapse : float
        Lowpass time constant (s) applied to every scored signal.
    transient : float
        Seconds dropped from the start before scoring (default `TRANSIENT`);
        ``duration`` must exceed it.
    simulator : callable, optional
        Simulator class (``nengo.Simulator`` by default).
    progress_bar : bool
    configure : callable, optional
        Called with the model before the simulator is built, e.g.
        `nengo_lmu.loihi.configure_for_loihi` for ``nengo_loihi.Simulator``.
    **memory_kwargs
        Passed to `.LegendreMemory` (``synapse``, ``neuron_type``, ...).

    Returns
    -------
    DelayResult
    """
    transient = check_number(transient, "transient", low=0)
    duration = check_number(duration, "duration", low=0, low_open=True)
    if not duration > transient:
        raise ValidationError(
            f"must exceed the transient ({transient:g} s) to leave something to "
            f"score (got {duration:g})",
            attr="duration",
        )
    simulator = nengo.Simulator if simulator is None else simulator
    process = nengo.processes.WhiteSignal(duration, high=freq, rms=rms, seed=seed)
    memory_kwargs.setdefault(
        "scaling", nengo.processes.WhiteSignal(duration, high=freq, rms=rms)
    )
    with nengo.Network(seed=seed) as model:
        stim = nengo.Node(process)
        memory = LegendreMemory(theta, order, n_neurons, dt=dt, **memory_kwargs)
        nengo.Connection(stim, memory.input, synapse=None)
        p_u = nengo.Probe(stim, synapse=None)
        # probe unfiltered and filter offline, exactly as the references are
        p_out = nengo.Probe(memory.output, synapse=None)
        p_state = nengo.Probe(memory.state, synapse=None)
    if configure is not None:
        configure(model)

    t0 = time.perf_counter()
    with simulator(model, dt=dt, progress_bar=progress_bar) as sim:
        build_time = time.perf_counter() - t0
        t0 = time.perf_counter()
        sim.run(duration)
        run_time = time.perf_counter() - t0
        t = sim.trange()
        u = sim.data[p_u]
        output = sim.data[p_out]
        state = sim.data[p_state]

    score = score_delay(t, u, output, theta, dt, readout_synapse, transient)
    output, delayed, keep = score.output, score.delayed, score.keep
    lowpass = nengo.Lowpass(readout_synapse)
    state = lowpass.filt(state, dt=dt, y0=0)
    discretizer = memory.spec.discretizer
    ideal_x = lowpass.filt(ideal_state(u, theta, order, dt, discretizer), dt=dt, y0=0)
    ideal = lowpass.filt(
        ideal_delay(u, theta, order, dt, None, discretizer), dt=dt, y0=0
    )

    return DelayResult(
        t=t,
        u=u,
        delayed=delayed,
        output=output,
        ideal=ideal,
        state=state,
        ideal_state=ideal_x,
        nrmse_delay=score.nrmse,
        nrmse_ideal=float(nrmse(output[keep], ideal[keep])),
        nrmse_ideal_delay=float(nrmse(ideal[keep], delayed[keep])),
        n_neurons=sum(e.n_neurons for e in memory.all_ensembles),
        build_time=build_time,
        run_time=run_time,
        steps=len(t),
        params=dict(theta=theta, order=order, freq=freq, rms=rms, seed=seed),
    )
