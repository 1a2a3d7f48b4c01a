"""The ideal delay and the delay scoring, shared by tests, benchmarks and the CLI.

A `.LegendreMemory` is measured against two references: the input truly
delayed (`delayed_input`, scored by `score_delay`) and the ideal discrete
Legendre system of the same order (`ideal_state`, `ideal_delay`), which is
what the spiking network approximates and the floor it can approach, not
beat. The ideal system is read half a step early, at ``delay - dt / 2``
(`discrete_readout`): a zero-order-hold system realises a delay best there.
"""

from dataclasses import dataclass

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.utils.numpy import nrmse

from nengo_lmu.checks import check_dt, check_int
from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.lti import discretize, simulate

#: seconds dropped before scoring (`score_delay`'s default ``transient``)
TRANSIENT = 0.5


def _signal(u):
    """``u`` as a float ``(steps, d)`` array (a 1-D input is one channel)."""
    u = np.asarray(u, dtype=float)
    if u.ndim == 1:
        u = u[:, None]
    if u.ndim != 2:
        raise ValidationError(f"must be (steps, d) (got shape {u.shape})", attr="u")
    return u


def delayed_input(u, theta, dt=0.001):
    """``u`` delayed by ``round(theta / dt)`` steps, zeros before.

    Parameters
    ----------
    u : (steps, d) or (steps,) array_like
    theta : float
        Delay in seconds.
    dt : float
        Time step of ``u`` (s).

    Returns
    -------
    (steps, d) ndarray
    """
    u = _signal(u)
    shift = int(round(theta / check_dt(dt)))
    return np.vstack([np.zeros((min(shift, len(u)), u.shape[1])), u[: len(u) - shift]])


def discrete_readout(delay, delays, dt=0.001):
    """Readout rows of the ideal discrete system for ``u`` delayed by ``delays``.

    The Legendre window read at ``delays - dt / 2`` (clipped at 0, so delays
    shorter than ``dt / 2`` come out ``dt / 2`` late): the half-step
    alignment under which a zero-order-hold system realises a delay best.

    Parameters
    ----------
    delay : LegendreDelay
    delays : float or (k,) array_like
        Delays in seconds, each in ``[0, theta]``.
    dt : float
        Time step (s) of the discrete system.

    Returns
    -------
    C : (k, order) ndarray
    """
    d = np.atleast_1d(np.asarray(delays, dtype=float))
    delay.readout(d)  # validates the delays
    return delay.readout(np.maximum(d - 0.5 * check_dt(dt), 0.0))


def ideal_state(u, theta, order, dt=0.001, discretizer="zoh", lag=1):
    """States of the ideal discrete Legendre system driven by ``u``.

    Each channel has its own system (`.LegendreDelay` discretised at ``dt``,
    `.discretize`). The input is delayed by ``lag`` steps first: a
    `.LegendreMemory`'s state lags the ideal system by one step, its synapse.

    Parameters
    ----------
    u : (steps, d) or (steps,) array_like
        Input, one row per time step.
    theta : float
        Window (s).
    order : int
    dt : float
        Time step (s).
    discretizer : {"zoh", "euler"}
    lag : int
        Steps the input is delayed by (zeros before).

    Returns
    -------
    x : (steps, d * order) ndarray
        Channel-major, as `.LegendreMemory.state`: column ``c * order + i``
        is coefficient ``i`` of channel ``c``.
    """
    u = _signal(u)
    lag = check_int(lag, "lag", low=0)
    delay = LegendreDelay(theta, order)
    Ad, Bd = discretize(delay.A, delay.B, dt, method=discretizer)
    lagged = np.vstack([np.zeros((min(lag, len(u)), u.shape[1])), u[: len(u) - lag]])
    x = simulate(Ad, Bd, lagged.T[:, :, None])  # the channels as a batch
    return x.transpose(1, 0, 2).reshape(len(u), -1)


def ideal_delay(u, theta, order, dt=0.001, delays=None, discretizer="zoh", lag=1):
    """The ideal discrete system's output: ``u`` delayed by ``delays``.

    `ideal_state` read out by `discrete_readout` (at ``delays - dt / 2``):
    the output of a `.LegendreMemory` with exact dynamics (``nengo.Direct``
    neurons), and what its spiking version is measured against.

    Parameters
    ----------
    u, theta, order, dt, discretizer, lag
        As for `ideal_state`.
    delays : float or (k,) array_like, optional
        Delays (s) in ``[0, theta]``; default ``theta``.

    Returns
    -------
    y : (steps, d * k) ndarray
        Channel-major: column ``c * k + j`` is channel ``c`` delayed by
        ``delays[j]``.
    """
    u = _signal(u)
    C = discrete_readout(
        LegendreDelay(theta, order), theta if delays is None else delays, dt
    )
    x = ideal_state(u, theta, order, dt, discretizer, lag)
    return x @ np.kron(np.eye(u.shape[1]), C).T


@dataclass
class DelayScore:
    """What `score_delay` returns (arrays are ``(steps, d)``)."""

    output: np.ndarray  #: network output, readout-filtered
    delayed: np.ndarray  #: input truly delayed by theta, readout-filtered
    keep: np.ndarray  #: boolean ``(steps,)``: the steps scored (after the transient)
    nrmse: float  #: NRMSE of ``output`` against ``delayed`` over ``keep``


def score_delay(
    t, u, output, theta, dt=0.001, readout_synapse=0.01, transient=TRANSIENT
):
    """Score a delay network's output against its input truly delayed.

    The scoring of `nengo_lmu.delay_task.delay_task`, for the output of any network simulated
    with time step ``dt``: the input delayed by ``round(theta / dt)`` steps
    (`delayed_input`) and the output both pass through a ``readout_synapse``
    lowpass (from zero), and the NRMSE (`nengo.utils.numpy.nrmse`) is taken
    over the steps with ``t > transient``.

    Parameters
    ----------
    t : array_like
        ``(steps,)`` simulation times (s), as from ``sim.trange()``.
    u : array_like
        ``(steps, d)`` input, unfiltered, one row per step of ``t``.
    output : array_like
        ``(steps, d)`` network output, unfiltered.
    theta : float
        Delay (s) the output is scored against.
    dt : float
        Simulation time step (s).
    readout_synapse : float
        Lowpass time constant (s) applied to ``output`` and to the delayed
        input.
    transient : float
        Seconds dropped from the start before scoring.

    Returns
    -------
    DelayScore
    """
    t = np.asarray(t)
    u = np.asarray(u)
    output = np.asarray(output)
    if u.ndim != 2 or output.shape != u.shape or t.shape != u.shape[:1]:
        raise ValidationError(
            f"t, u and output must have shapes (steps,), (steps, d) and (steps, d) "
            f"(got {t.shape}, {u.shape} and {output.shape})",
            attr="output",
        )
    lowpass = nengo.Lowpass(readout_synapse)
    output = lowpass.filt(output, dt=dt, y0=0)
    delayed = lowpass.filt(delayed_input(u, theta, dt), dt=dt, y0=0)
    keep = t > transient
    return DelayScore(
        output=output,
        delayed=delayed,
        keep=keep,
        nrmse=float(nrmse(output[keep], delayed[keep])),
    )
