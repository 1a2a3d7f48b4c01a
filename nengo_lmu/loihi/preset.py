"""The Loihi preset: every setting measured best on nengo-loihi, from the time step.

This module does not import ``nengo_loihi``: a model can be made ready for
Loihi anywhere (nengo, NengoDL, a machine without nengo-loihi) and run on
the chip elsewhere.

What was measured (``bench/bench_loihi.py``, nengo-loihi 1.1 emulator,
``target="sim"``; the numbers are in the nengo-loihi guide):

- **Firing periods, not rates.** Loihi neurons fire at integer periods
  (``1 / rate`` in steps). Periods of 3.3-5 steps with a one-step refractory
  period measured best: 200-300 Hz at ``dt = 1 ms``, 400-600 Hz at 0.5 ms.
  Halving ``dt`` doubles the spikes per synapse time constant at the same
  periods, which lowers the spike noise (L1 with a 10 ms synapse: 0.113 at
  1 ms, 0.074 at 0.5 ms).
- **Intercepts up to 0.3 and ``reg = 0.01``** keep the largest recurrent
  weights, which set the 8-bit weight step of the block, smaller.
- **A weight solver** on the recurrent connection: a decoded loop goes
  through nengo-loihi's decode neurons and an extra 5 ms filter.
- **The minimum-noise realisation, states scaled to 4 RMS** of the
  representative input (``ProcessScaling(process, sigmas=4,
  realization="min-noise")``).
- **The synapse by order and window**: ``0.2 * theta`` up to order 3,
  ``0.1 * theta`` above (20 and 10 ms at ``theta = 0.1 s``). A longer
  synapse averages more spikes (L1, order 3, 10 s, seeds 0-3: 0.065 at 20
  ms against 0.113 at 10 ms at ``dt = 1 ms``; 0.052 against 0.074 at 0.5
  ms), but an order-6 memory has larger
  recurrent weights, which a longer synapse makes larger still (D1, order
  6, 0.5 ms, 5 s, seeds 0-1: 0.143 at 20 ms, 0.115 at 10 ms, 0.112 at 7.5
  ms on seed 0 against 0.105). Longer synapses are no longer what fails
  with these settings (L1, 5 s, seed 0, 1 ms: 50 ms 0.067 on ``sim``,
  0.045 on ``simreal``; 100 ms 0.110 and 0.052; D1 on ``simreal``, 3 s:
  30 ms 0.124 against 0.186 at 10 ms), but they were not chosen on enough
  seeds to enter the preset; 0.3 s diverges (`LONG_SYNAPSE`). A long window
  needs a long synapse: D2 (``theta = 1 s``, order 6, 1 Hz, 10 s, seed 0,
  1 ms) scores 0.406 on nengo with 10 ms and 0.055 with 0.1 s (``simreal``
  0.053; the integer ``sim`` 0.414: quantisation, see the nengo-loihi
  guide).
- **Zero initial voltages**, as on the chip.
"""

import nengo
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_dt
from nengo_lmu.networks.scalings import (
    ProcessScaling,
    as_scaling,
    check_old_keywords,
)

__all__ = ["LONG_SYNAPSE", "SYNAPSE", "loihi_cell_kwargs", "loihi_memory_kwargs"]

#: Memory synapse of the preset, as a fraction of ``theta``: for orders up to
#: 3, and above.
SYNAPSE = {3: 0.2, None: 0.1}
#: Longest memory synapse (s) measured to work on the emulator (L1, 1 ms,
#: seed 0: 0.1 s gives NRMSE 0.052 on simreal, 0.3 s diverges: 2.6).
LONG_SYNAPSE = 0.1
#: Firing periods of the preset's neurons, in time steps (slowest, fastest).
PERIODS = (5.0, 10.0 / 3.0)
#: Intercepts of the preset's neurons.
INTERCEPTS = (-1.0, 0.3)
#: Regularisation of the memory's solver, relative to the largest activity.
REG = 0.01
#: Head room of the process scaling, in RMS values of the input process.
SCALE_SIGMAS = 4.0
#: Realisation of the states scaled by an input process.
REALIZATION = "min-noise"


def loihi_memory_kwargs(
    dt=0.001,
    scaling=None,
    order=None,
    theta=0.1,
    max_rates=None,
    intercepts=INTERCEPTS,
    tau_ref=None,
    reg=REG,
    synapse=None,
    **old,
):
    """Keyword arguments that make a `.LegendreMemory` run best on Loihi.

    Pass them to the constructor, with a representative input process
    (the realisation and scaling are fit to it) and the memory's order (the
    synapse depends on it)::

        LegendreMemory(theta, order, n_neurons,
                       **loihi_memory_kwargs(dt, scaling=process, order=order))

    and build with `nengo_lmu.loihi.build_loihi` at the same ``dt``. Every
    argument defaults to the value measured best on the emulator (module
    docstring); keys given explicitly after ``**`` cannot be repeated, so
    change a setting here (``loihi_memory_kwargs(dt, synapse=0.02)``). The
    network runs unchanged on `nengo.Simulator` and ``nengo_dl.Simulator``.

    Parameters
    ----------
    dt : float
        The simulator time step the memory will run at (seconds). The memory
        is mapped at it, and it sets the rates and refractory period.
    scaling : nengo.Process or Scaling, optional
        The memory's ``scaling``. A `nengo.Process`, a representative input
        (e.g. ``nengo.processes.WhiteSignal(10, high=3, rms=0.3)``), gets the
        preset's ``ProcessScaling(process, sigmas=SCALE_SIGMAS,
        realization=REALIZATION)`` (4 RMS values, minimum noise); another
        value is the memory's as it is. Without it the memory scales each
        state by its worst case for ``|u| <= 1`` (less accurate).
    order : int, optional
        The memory's order; sets the default ``synapse``.
    theta : float
        The memory's window (seconds); sets the default ``synapse``.
    max_rates : (low, high), optional
        Uniform range of the firing rates (Hz). Default: periods of 5 to 3.3
        steps, ``(0.2 / dt, 0.3 / dt)`` (200-300 Hz at 1 ms, 400-600 Hz at
        0.5 ms). With a one-step refractory period the rates Loihi can fire
        are ``1 / (k dt)``, k = 2, 3, ...
    intercepts : (low, high)
        Uniform range of the intercepts.
    tau_ref : float, optional
        Refractory period of the LIF neurons, in seconds (default ``dt``).
    reg : float
        Regularisation of the memory's weight solver.
    synapse : float, optional
        The memory's synapse (seconds). Default: ``0.2 * theta`` for
        ``order <= 3``, else (or without ``order``) ``0.1 * theta``, at most
        `LONG_SYNAPSE` (20 and 10 ms at ``theta = 0.1 s``).

    Returns
    -------
    dict
        ``dt``, ``synapse``, with a ``scaling``: ``scaling`` (a
        `.Scaling`); ``solver``
        (``LstsqL2(reg, weights=True)``: the recurrent connection is neuron to
        neuron), ``neuron_type`` (LIF with zero initial voltages),
        ``max_rates`` and ``intercepts``.
    """
    check_old_keywords(old)
    if old:
        raise TypeError(
            f"loihi_memory_kwargs() got unexpected keyword arguments {sorted(old)}"
        )
    kwargs = _ensemble_kwargs(dt, max_rates, intercepts, tau_ref, reg)
    if synapse is None:
        fraction = SYNAPSE[3] if order is not None and order <= 3 else SYNAPSE[None]
        synapse = min(round(fraction * theta, 9), LONG_SYNAPSE)
    if not (isinstance(synapse, (int, float)) and synapse > 0):
        raise ValidationError(f"must be > 0 seconds (got {synapse!r})", attr="synapse")
    kwargs.update(dt=check_dt(dt), synapse=float(synapse))
    if isinstance(scaling, nengo.Process):
        kwargs["scaling"] = ProcessScaling(scaling, SCALE_SIGMAS, REALIZATION)
    elif scaling is not None:
        kwargs["scaling"] = as_scaling(scaling)
    return kwargs


def loihi_cell_kwargs(dt=0.001, **memory):
    """Keyword arguments that give an `.LMUCell`'s memory the Loihi preset.

    ``LMUCell(..., **loihi_cell_kwargs(dt))`` sets ``dt``, ``memory_synapse``
    and ``memory_kwargs`` from `loihi_memory_kwargs` (``memory`` is passed to
    it). The hidden layer is the cell's own.
    """
    kwargs = loihi_memory_kwargs(dt, **memory)
    return dict(
        dt=kwargs.pop("dt"), memory_synapse=kwargs.pop("synapse"), memory_kwargs=kwargs
    )


def _ensemble_kwargs(dt, max_rates, intercepts, tau_ref, reg):
    dt = check_dt(dt)
    if max_rates is None:
        max_rates = (1.0 / (PERIODS[0] * dt), 1.0 / (PERIODS[1] * dt))
    if tau_ref is None:
        tau_ref = dt
    for name, pair in (("max_rates", max_rates), ("intercepts", intercepts)):
        if len(pair) != 2 or not pair[0] <= pair[1]:
            raise ValidationError(
                f"must be a (low, high) pair with low <= high (got {pair!r})",
                attr=name,
            )
    if not max_rates[0] > 0:
        raise ValidationError(f"must be > 0 (got {max_rates!r})", attr="max_rates")
    return dict(
        solver=nengo.solvers.LstsqL2(reg=reg, weights=True),
        neuron_type=nengo.LIF(
            tau_ref=tau_ref, initial_state={"voltage": nengo.dists.Choice([0])}
        ),
        max_rates=nengo.dists.Uniform(*max_rates),
        intercepts=nengo.dists.Uniform(*intercepts),
    )
