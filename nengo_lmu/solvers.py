"""Decoder solvers of the memory's populations, whose neurons are each tuned to one axis.

`AxisSolver` decodes each axis from its own neurons (on rate curves, with any
compositional nengo solver); `TemporalSolver` fits such decoders to the
spikes the neurons fire along real trajectories.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import NdarrayParam
from scipy.signal import lfilter

from nengo_lmu.lti import discretize, simulate
from nengo_lmu.params import FiniteParam


def axis_encoders(sizes):
    """Encoders of a population whose block ``i`` of ``sizes[i]`` neurons is
    tuned to axis ``i``, alternately on and off.

    Returns
    -------
    encoders : (sum(sizes), len(sizes)) ndarray
    """
    encoders = np.zeros((int(np.sum(sizes)), len(sizes)))
    start = 0
    for i, n in enumerate(sizes):
        encoders[start : start + n, i] = np.where(np.arange(n) % 2, -1.0, 1.0)
        start += n
    return encoders


class AxisSolver(nengo.solvers.Solver):
    """Decoders for a population whose neurons are each tuned to one axis.

    Neurons come in consecutive blocks of ``sizes`` (see `axis_encoders`);
    block ``i`` encodes axis ``i`` only. Each axis is decoded from its own
    block with ``solver`` (the other neurons carry no information about it,
    and using them would only add their noise), giving block-diagonal
    decoders.

    Parameters
    ----------
    sizes : (D,) array_like of int
        Neurons per axis, in order.
    solver : nengo.solvers.Solver
        Solver of each block. It is called for decoders only (its own
        ``weights`` flag is ignored here), so it must be compositional.
    weights : bool
        If True, the connection gets full neuron-to-neuron weights: the
        builder composes these decoders with the connection's transform and
        the post population's encoders (possible because the solver is
        compositional). Only for connections into an ensemble.
    """

    compositional = True
    sizes = NdarrayParam("sizes", shape=("*",))
    solver = nengo.solvers.SolverParam("solver")

    def __init__(self, sizes, solver=nengo.solvers.LstsqL2(reg=0.003), weights=False):
        super().__init__(weights=weights)
        if not getattr(solver, "compositional", True):
            raise ValidationError(
                f"must be compositional (got {solver!r}): the axis solver asks it "
                "for decoders of one axis at a time",
                attr="solver",
                obj=self,
            )
        self.sizes = np.asarray(sizes, dtype=int)
        self.solver = solver

    def __call__(self, A, Y, rng=np.random):
        if A.shape[1] != self.sizes.sum() or Y.shape[1] != len(self.sizes):
            raise ValidationError(
                f"expects {self.sizes.sum()} neurons and {len(self.sizes)} targets "
                f"(got activities {A.shape}, targets {Y.shape})",
                attr="sizes",
                obj=self,
            )
        X = np.zeros((A.shape[1], Y.shape[1]))
        infos = []
        start = 0
        for i, n in enumerate(self.sizes):
            Xi, info = self.solver(A[:, start : start + n], Y[:, i : i + 1], rng=rng)
            X[start : start + n, i] = np.ravel(Xi)
            infos.append(info)
            start += n
        return X, {"blocks": infos}


class TemporalSolver(nengo.solvers.Solver):
    """Decoders fit to filtered spikes along the states' trajectories.

    NEF decoders are usually solved on the static rate curves at sampled
    points. In a memory's recurrent loop that leaves an error that more
    neurons do not remove: the spiking neurons' filtered output differs from
    their rates in a structured way, not as independent noise (on D1 with
    LIF at 100-200 Hz the NRMSE is 0.22 with 1000 neurons and 0.20 with
    4000, while Poisson spiking with the same rates falls as one over the
    square root of the count). This solver drives the population's neurons
    with the ideal state trajectories under a representative input, filters
    their spikes and the states by the same lowpass, and solves each axis'
    decoders on those (ridge regression), together with the usual rate
    equations at ``rate_weight`` of their weight, which keep the decoders
    close to the rate solution where the trajectories are sparse.

    Used as the ``solver`` of a `.LegendreMemory` scaled by an input process
    (its default there for LIF and LIFRate neurons); the memory fixes its
    neurons' gains and biases so that the decoders are fit to the neurons
    the simulator will run. It cannot be called on rate activities alone,
    as other nengo solvers are.

    Parameters
    ----------
    reg : float
        Regularisation of the spike equations, relative to the largest
        filtered activity.
    rate_weight : float
        Weight of the rate equations (``LstsqL2(reg=rate_reg)`` on evenly
        spaced points of each axis) against the spike equations.
    rate_reg : float
        Regularisation of the rate equations, relative to the largest rate.
    filter_tau : float, optional
        Time constant (s) of the lowpass applied to spikes and states before
        fitting; default ``0.3 * theta`` of the memory.

    Notes
    -----
    Chosen on D1 (theta 0.1 s, order 6, 10 Hz), seeds 0 and 1: ``reg``
    1e-3 (3e-4: same, 3e-3: worse), a filter of 30 ms (5 ms: 0.034, 20-50
    ms: 0.028-0.030, 300 ms: 0.032, at 1000 LIF), ``rate_weight`` 0.3
    (0: 0.028, 0.1: 0.026, 0.3: 0.027, 1: 0.031); without the rate equations
    D2 (theta 1 s, 1 Hz) lost more than half its accuracy (0.078 against
    0.032), with them at 0.3 it keeps it (0.031).
    """

    compositional = True
    reg = FiniteParam("reg", low=0)
    rate_weight = FiniteParam("rate_weight", low=0)
    rate_reg = FiniteParam("rate_reg", low=0, low_open=True)
    filter_tau = FiniteParam("filter_tau", low=0, low_open=True, optional=True)

    def __init__(self, reg=1e-3, rate_weight=0.3, rate_reg=0.003, filter_tau=None):
        super().__init__(weights=False)
        self.reg = reg
        self.rate_weight = rate_weight
        self.rate_reg = rate_reg
        self.filter_tau = filter_tau

    def __call__(self, A, Y, rng=np.random):
        raise ValidationError(
            "fits decoders to spikes along trajectories, not to rate activities: "
            "use it as the solver of a LegendreMemory scaled by a process",
            attr="solver",
            obj=self,
        )

    def fit_ensemble(self, ens, sizes, states, dt, filter_tau, rng):
        """Fix ``ens``'s gains and biases and fit its decoders (`fit`).

        The gains and biases are drawn from the ensemble's ``max_rates``
        and ``intercepts`` with ``rng`` and written into the ensemble (whose
        ``max_rates`` and ``intercepts`` return to their defaults), so that
        the decoders are fit to the neurons the simulator will run.

        Parameters
        ----------
        ens : nengo.Ensemble
            Population with axis-tuned ``encoders`` (an array) in blocks of
            ``sizes``.
        sizes, states, dt, filter_tau
            As for `fit`.
        rng : numpy.random.RandomState

        Returns
        -------
        decoders : (n, D) ndarray
        """
        n = ens.n_neurons
        max_rates = nengo.dists.get_samples(ens.max_rates, n, rng=rng)
        intercepts = nengo.dists.get_samples(ens.intercepts, n, rng=rng)
        gain, bias = ens.neuron_type.gain_bias(max_rates, intercepts)
        ens.gain, ens.bias = gain, bias
        ens.max_rates = nengo.Ensemble.max_rates.default
        ens.intercepts = nengo.Ensemble.intercepts.default
        return self.fit(
            ens.neuron_type, gain, bias, ens.encoders, sizes, states, dt, filter_tau
        )

    def fit(self, neuron_type, gain, bias, encoders, sizes, states, dt, filter_tau):
        """Axis-by-axis decoders of a population with axis-tuned neurons.

        Parameters
        ----------
        neuron_type : nengo.neurons.NeuronType
        gain, bias : (n,) ndarray
            The neurons' gains and biases (as the simulator will use them).
        encoders : (n, D) ndarray
            Block ``i`` of ``sizes[i]`` neurons is tuned to axis ``i``.
        sizes : (D,) array_like of int
        states : (steps, D) ndarray
            Trajectories of the represented values (within about ``[-1, 1]``).
        dt : float
            Time step of the trajectories and of the simulator.
        filter_tau : float
            Used when the solver's own ``filter_tau`` is None.

        Returns
        -------
        decoders : (n, D) ndarray
        """
        tau = filter_tau if self.filter_tau is None else self.filter_tau
        a = np.exp(-dt / tau)
        steps, D = states.shape
        n = len(gain)
        warm = min(int(round(5 * tau / dt)), steps // 2)
        every = max(1, int(tau / dt / 6))  # the filtered signals are smooth
        rng = np.random.RandomState(0)
        state = neuron_type.make_state(n, rng=rng, dtype=np.float64)
        out = np.zeros(n)
        zi_a, zi_x = np.zeros((1, n)), np.zeros((1, D))
        starts = np.concatenate([[0], np.cumsum(sizes)])
        grams = [np.zeros((m, m)) for m in sizes]
        cross = [np.zeros(m) for m in sizes]
        peak = np.zeros(D)
        count = 0
        chunk = 2000
        for k0 in range(0, steps, chunk):
            X = states[k0 : k0 + chunk]
            J = gain * (X @ encoders.T) + bias
            S = np.empty_like(J)
            # the neuron type's own step, so the spikes are the simulator's
            for k in range(len(J)):
                neuron_type.step(dt, J[k], out, **state)
                S[k] = out
            Af, zi_a = lfilter([1 - a], [1, -a], S, axis=0, zi=zi_a)
            Xf, zi_x = lfilter([1 - a], [1, -a], X, axis=0, zi=zi_x)
            keep = np.arange(k0, k0 + len(X))
            rows = (keep >= warm) & ((keep - warm) % every == 0)
            Af, Xf = Af[rows], Xf[rows]
            count += len(Af)
            for i in range(D):
                Ai = Af[:, starts[i] : starts[i + 1]]
                grams[i] += Ai.T @ Ai
                cross[i] += Ai.T @ Xf[:, i]
                if len(Ai):
                    peak[i] = max(peak[i], Ai.max())
        if count == 0:
            raise ValidationError(
                f"the trajectories ({steps} steps) are too short to fit on",
                attr="states",
                obj=self,
            )
        decoders = np.zeros((n, D))
        points = np.linspace(-1, 1, 1000)
        for i in range(D):
            sl = slice(starts[i], starts[i + 1])
            m = sizes[i]
            G = grams[i] / count + (self.reg * peak[i]) ** 2 * np.eye(m)
            b = cross[i] / count
            if self.rate_weight > 0:
                R = neuron_type.rates(
                    points[:, None] * encoders[sl, i][None, :], gain[sl], bias[sl]
                )
                sigma = self.rate_reg * R.max()
                G += self.rate_weight * (R.T @ R / len(R) + sigma**2 * np.eye(m))
                b += self.rate_weight * (R.T @ points / len(R))
            decoders[sl, i] = np.linalg.solve(G, b)
        return decoders


#: Seconds of independent input per neuron of a state axis that the temporal
#: decoders are fit on (D1, seeds 0-1, 8000 LIF: NRMSE 0.0187 on 20 s of a
#: 5 s-periodic input, 0.0163 on 20 s of new input, 0.0154 on 80 s).
TRAJECTORY_PER_NEURON = 0.06


def new_trajectories(spec, seconds, seed):
    """State trajectories from new draws of a memory's input process.

    A memory samples its states for ``seconds`` of ``spec.process``, the
    process of its `.ProcessScaling` (``spec`` a `.MemorySpec`); a periodic process (``nengo.processes.WhiteSignal``)
    repeats itself within them. Where its state population needs more
    independent input than that (`TRAJECTORY_PER_NEURON` per neuron of an
    axis), the process is drawn again with new generators (seeded by
    ``seed`` and the draw), each draw simulated from rest with its first two
    windows dropped (the onset from zero state drives high-order states far
    past their scale).

    Returns
    -------
    (steps, memory_d * order) ndarray or None
        Channel-major, like the memory's state; None when none are needed.
    """
    process = spec.process
    per_axis = (spec.n_neurons - spec.input_neurons) / spec.dimensions
    period = getattr(process, "period", None)
    have = seconds if period is None else min(period, seconds)
    need = TRAJECTORY_PER_NEURON * per_axis
    if need <= have:
        return None
    A, B = spec.delay.A, spec.delay.B
    Ad, Bd = discretize(A, B, spec.dt, method=spec.discretizer)
    skip = int(np.ceil(2 * spec.theta / spec.dt))
    xs = []
    for k in range(1, int(np.ceil(need / have - 1e-9))):
        u = process.run(
            have, d=spec.memory_d, dt=spec.dt, rng=np.random.RandomState([seed, k])
        )
        x = np.hstack([simulate(Ad, Bd, u[:, c]) for c in range(spec.memory_d)])
        xs.append(x[skip:])
    return np.vstack(xs)
