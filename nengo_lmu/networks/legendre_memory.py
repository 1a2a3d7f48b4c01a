"""A spiking Legendre delay network built by the Neural Engineering Framework."""

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.utils.network import with_self

from nengo_lmu.mapping import principle3

# CheckFinite and MemorySpec are also importable from here
from nengo_lmu.networks.builder import CheckFinite, build_legendre_memory  # noqa: F401
from nengo_lmu.networks.memory_spec import MemorySpec
from nengo_lmu.networks.populations import (  # noqa: F401  (DEFAULT_ENSEMBLE)
    DEFAULT_ENSEMBLE,
    axis_population,
    configure_populations,
    input_population,
)
from nengo_lmu.networks.scalings import as_scaling, check_old_keywords
from nengo_lmu.networks.window import window_function_output
from nengo_lmu.reference import discrete_readout
from nengo_lmu.solvers import AxisSolver, TemporalSolver, new_trajectories


class LegendreMemory(nengo.Network):
    """Spiking memory of the last ``theta`` seconds of its input.

    The Legendre delay system (see `.LegendreDelay`) is mapped onto a
    recurrent network of one-dimensional ensembles, one per state dimension,
    by NEF principle 3, discretely and exactly at ``dt`` for its lowpass
    synapse (`.map_discrete`). Each state is scaled into its ensemble's
    radius by a diagonal similarity transform; the ports undo it.

    Parameters
    ----------
    theta : float
        Length of the window, in seconds.
    order : int
        Legendre coefficients per input channel.
    n_neurons : int
        **Total** number of neurons of the memory: ``input_neurons`` of them
        form the input population, the rest the state population, split as
        evenly as possible over its ``memory_d * order`` axes (at least 2 per
        axis).
    synapse : float or nengo.Lowpass
        Synapse of the recurrent and input connections (a float is a lowpass
        time constant in seconds). Only Lowpass is accepted: it runs on every
        backend and is mapped exactly at ``dt`` (`.map_discrete`). The
        default 0.3 s measured best on the slow D2 protocol (see ``bench/``);
        the fast D1 protocol is insensitive to it between 0.1 and 1 s.
    dt : float
        Simulator time step in seconds; the simulator must use the same one
        (checked when the network is built).
    memory_d : int
        Number of independent input channels, each with its own memory.
    scaling : None, nengo.Process, Scaling or (memory_d * order,) array_like
        How each state is scaled into its ensemble's radius
        (`nengo_lmu.networks.scalings`): ``None`` (the default,
        ``WindowBound()``) by its worst case for ``|u| <= 1``
        (`.window_bound`); ``WindowBound(bound)`` for ``|u| <= bound``; a
        `.ProcessScaling` to ``sigmas`` (default 5) RMS values under a
        representative input process, with the ``"diagonal"`` or
        ``"min-noise"`` realisation; a `nengo.Process` is short for
        ``ProcessScaling(process)``; an array, short for `.FixedScaling`, is
        an explicit scale per state (channel-major); a `.CovarianceScaling`
        scales for the states' known covariance (e.g. on training data),
        optionally realised for the layer that reads them.
    discretizer : {"zoh", "euler"}
        Discretisation of the ideal system before mapping.
    input_neurons : int
        Neurons of an input population, taken from ``n_neurons``: 0 (the
        default, none) or at least 2 per channel, e.g. a fifth of
        ``n_neurons`` where the input may leave its range. Driven by the
        input without a synapse, its LIF neurons fire at 90-95% of their
        ceiling ``1 / tau_ref`` at the radius the states were scaled for
        (``sigmas`` RMS values of a `.ProcessScaling`'s process, the
        ``bound`` of a `.WindowBound`, else 1), so an
        overload saturates them instead of charging the memory's synapse:
        two windows after the input returns to range the memory's error is
        within twice the worst of a normal run (about ``synapse.tau *
        ln(overload)`` without the population). It costs some accuracy (D1,
        3 seeds: 0.017 against 0.014) and steps per second in nengo (see the
        nengo simulator guide).
    solver : nengo.solvers.Solver, optional
        Decoder solver of the memory's connections. Default: with a
        `.ProcessScaling` and spiking LIF neurons, `.TemporalSolver`, which
        fits the decoders to the neurons' filtered spikes along the states'
        trajectories under that input (making the memory then takes about 2
        s per 1000 neurons at ``theta`` = 0.1 s; D1, 3 seeds: NRMSE 0.014
        against 0.021 with rate decoders); otherwise ``LstsqL2(reg=0.003)``
        on the rate curves. With ``weights=True`` the recurrent connection
        gets neuron-to-neuron weights (the readouts into the ports stay
        decoded): on nengo-loihi this keeps decode neurons and their filter
        out of the loop.
    label : str, optional
    seed : int, optional
    add_to_container : bool, optional
    **ens_kwargs
        Passed to every ensemble (e.g. ``neuron_type``, ``max_rates``,
        ``intercepts``); defaults are LIF with ``tau_rc=1 s`` (a slow
        leak: see the theory page) and ``tau_ref=1 ms`` firing at
        400-800 Hz, unless the enclosing network's config sets
        ``nengo.Ensemble`` defaults for them, which are honoured as in
        nengo's own networks. ``nengo.Direct()`` gives the exact
        (non-neural) system. For Loihi, `nengo_lmu.loihi.loihi_memory_kwargs` gives the
        solver and ensemble settings to pass here.

    Attributes
    ----------
    input : nengo.Node
        Input, size ``memory_d``.
    state : nengo.Node
        The memory in the Legendre basis, size ``memory_d * order``
        (channel-major: ``state[c * order + i]`` is coefficient ``i`` of
        channel ``c``), read from the state ensembles' input: their decoded
        spikes after the recurrent synapse, the least noisy point of the loop.
    decoded : nengo.Node
        The same memory as decoded directly from the ensembles' spikes
        (unfiltered; feeds the recurrent connection).
    drive : nengo.Node
        Input of the state ensembles, in realised coordinates.
    output : nengo.Node
        The input delayed by ``theta``, size ``memory_d``.
    state_ensembles : list of nengo.Ensemble
        The state population (one ensemble of ``memory_d * order``
        dimensions, each neuron tuned to one axis).
    input_ensemble : nengo.Ensemble or None
        The input population (``memory_d`` dimensions, axis-tuned neurons),
        None with ``input_neurons=0``.
    spec : MemorySpec
        The validated settings (``synapse`` as a `nengo.Lowpass`, ``scaling``
        as a `.Scaling`, ``solver`` with its default resolved).
    delay : LegendreDelay
        The ideal system.
    realization : (D, D) ndarray
        ``T`` with ``state = T @ represented values``.
    solver : nengo.solvers.Solver
        The memory's solver (see ``solver`` above).
    recurrent_connection : nengo.Connection
        The loop, through the memory's synapse: from ``decoded`` back to the
        population (the population's one decoded connection feeds
        ``decoded``, the loop and ``state``), or, with a weight solver, from
        the population's neurons straight back to them.
    input_connection : nengo.Connection
        The input (``input``, or the input population's decoded spikes) to
        the state population's neurons, transform ``E @ V`` (encoders times
        `input_transform`), through the memory's synapse. Without an input
        population, on Loihi the input is sent from the host as it is, so
        keep ``|input| <= 1``.
    recurrent_transform, input_transform : ndarray
        The mapped (and scaled) transforms, shapes ``(D, D)`` and
        ``(D, memory_d)`` with ``D = memory_d * order``.
    """

    def __init__(
        self,
        theta,
        order,
        n_neurons,
        synapse=0.3,
        dt=0.001,
        memory_d=1,
        scaling=None,
        discretizer="zoh",
        input_neurons=0,
        solver=None,
        label=None,
        seed=None,
        add_to_container=None,
        **ens_kwargs,
    ):
        # the keywords that `scaling` replaced would reach the ensembles
        check_old_keywords(ens_kwargs, obj=self)
        super().__init__(label=label, seed=seed, add_to_container=add_to_container)
        configure_populations(self.config, ens_kwargs, obj=self)
        if solver is None:
            spiking_lif = type(self.config[nengo.Ensemble].neuron_type) is nengo.LIF
            # (resolved here for the default; MemorySpec checks it again)
            process = as_scaling(scaling, obj=MemorySpec).process
            if process is not None and spiking_lif:
                solver = TemporalSolver()
            else:
                solver = nengo.solvers.LstsqL2(reg=0.003)
        self.spec = spec = MemorySpec(
            theta,
            order,
            n_neurons,
            synapse,
            dt,
            memory_d,
            scaling,
            discretizer,
            input_neurons,
            solver,
        )
        self.delay = spec.delay
        self.solver = spec.solver
        memory_d, D = spec.memory_d, spec.dimensions

        # the ideal system mapped onto the synapse (one channel)
        A, B = self.delay.A, self.delay.B
        AH, BH = principle3(
            A, B, spec.synapse, dt=spec.dt, discretizer=spec.discretizer
        )
        # the realisation; the range of the input the states are scaled for,
        # per channel; states sampled under a process (TemporalSolver,
        # add_output)
        T, self._input_radius, self._state_samples = spec.scaling.realize(
            spec, self._process_seed()
        )
        self.realization = T
        Ti = np.linalg.inv(T)
        AH = np.kron(np.eye(memory_d), AH)
        BH = np.kron(np.eye(memory_d), BH)
        self.recurrent_transform = Ti @ AH @ T
        self.input_transform = Ti @ BH

        # decoders on the rate curves, for the populations that the temporal
        # solver does not fit (the input population, add_output's)
        self._rate_solver = (
            nengo.solvers.LstsqL2(reg=solver.rate_reg)
            if isinstance(solver, TemporalSolver)
            else solver
        )
        if not self._rate_solver.weights:
            # a weight solver in the config would reach the port connections,
            # where nengo warns that it has no effect
            self.config[nengo.Connection].solver = self._rate_solver
        with self:
            self.input = nengo.Node(size_in=memory_d, label="input")
            self.state = nengo.Node(size_in=D, label="state")
            self.output = nengo.Node(size_in=memory_d, label="output")
            # input currents of the state ensembles (realised coordinates)
            self.drive = nengo.Node(size_in=D, label="drive")
            # what the ensembles decode, mapped back to the Legendre basis
            self.decoded = nengo.Node(size_in=D, label="decoded")
            self._input_sizes = _split(spec.input_neurons, memory_d)
            self._sizes = _split(spec.n_neurons - spec.input_neurons, D)
            self._build()

    def _build(self):
        """The state population (`.axis_population`), its recurrent and
        input connections and the ports."""
        T = self.realization
        synapse = self.spec.synapse
        ens = axis_population(self._sizes, label="m")
        encoders = ens.encoders
        self.state_ensembles = [ens]
        solver = self.solver
        if isinstance(solver, TemporalSolver) and not isinstance(
            ens.neuron_type, nengo.Direct
        ):
            # decoders fit to the neurons the simulator will run, along the
            # sampled states and, for large populations, new draws of the input
            states = self._state_samples
            extra = new_trajectories(
                self.spec, len(states) * self.dt, self._process_seed()
            )
            if extra is not None:
                states = np.vstack([states, extra])
            decoders = solver.fit_ensemble(
                ens,
                self._sizes,
                states @ np.linalg.inv(T).T,
                self.dt,
                filter_tau=0.3 * self.theta,
                rng=self._construction_rng(),
            )
            axis = nengo.solvers.NoSolver(decoders, weights=False)
            recurrent_solver = axis
        else:
            axis = AxisSolver(self._sizes, solver)
            recurrent_solver = AxisSolver(self._sizes, solver, weights=solver.weights)
        W, V = self.recurrent_transform, self.input_transform
        Ti = np.linalg.inv(T)
        direct = isinstance(ens.neuron_type, nengo.Direct)
        # Without a weight solver the population has one decoded connection,
        # into `decoded`, and the loop and `state` read that node: nengo
        # would otherwise merge the decoders of every decoded connection into
        # one product, which BLAS libraries split over threads (18 x 1000 at
        # order 6: 5x slower than 6 x 1000 with two idle threads, 2000x with
        # busy ones). A weight solver makes the loop neuron-to-neuron
        # (nengo-loihi cannot solve weights through a node).
        shared = not recurrent_solver.weights and not direct
        if shared:
            nengo.Connection(ens, self.decoded, transform=T, synapse=None, solver=axis)
            self.recurrent_connection = nengo.Connection(
                self.decoded, ens, transform=W @ Ti, synapse=synapse
            )
        else:
            self.recurrent_connection = nengo.Connection(
                ens,
                ens,
                transform=W,
                synapse=synapse,
                solver=recurrent_solver,
            )
        # The input enters at the neurons, J += gain * (E @ V) u, the same
        # current as a connection into the ensemble. On nengo-loihi this sends
        # u itself from the host (one on/off pair per channel, range +-1) and
        # applies E @ V on the chip; into the ensemble, V u (entries up to
        # ~10 at high order) would be spike-encoded per dimension and clip.
        # (Direct ensembles have no neurons: they get V u decoded.)
        # An input population, if any, stands between the input and the
        # synapse: driven without a synapse, it follows the input at once and
        # saturates beyond its radius, so an overload never charges the
        # synapse with more than a bounded current.
        source, in_solver, R = self.input, {}, np.eye(self.memory_d)
        self.input_ensemble = None
        if self._input_sizes.sum() > 0:
            R = np.diag(self._input_radius)
            self.input_ensemble = input_population(self._input_sizes, label="u")
            # it represents u / radius (each axis in [-1, 1]); R scales back
            nengo.Connection(
                self.input,
                self.input_ensemble,
                transform=np.linalg.inv(R),
                synapse=None,
            )
            source = self.input_ensemble
            in_solver = dict(solver=AxisSolver(self._input_sizes, self._rate_solver))
        self.input_connection = nengo.Connection(
            source,
            ens if direct else ens.neurons,
            transform=(V if direct else encoders @ V) @ R,
            synapse=synapse,
            **in_solver,
        )
        # `state` = T * (the ensemble's input): the same decoded signals
        # through the same synapse, mapped to the Legendre basis
        if shared:
            nengo.Connection(
                self.decoded, self.state, transform=T @ W @ Ti, synapse=synapse
            )
        else:
            nengo.Connection(
                ens, self.state, transform=T @ W, synapse=synapse, solver=axis
            )
            nengo.Connection(ens, self.decoded, transform=T, synapse=None, solver=axis)
        nengo.Connection(
            source, self.state, transform=T @ V @ R, synapse=synapse, **in_solver
        )
        # `drive` = T^-1 state: the ensemble's input in realised coordinates
        nengo.Connection(self.state, self.drive, transform=Ti, synapse=None)
        C = self.readout(self.theta)
        nengo.Connection(self.state, self.output, transform=C, synapse=None)

    def _construction_rng(self):
        """A generator for what must be drawn when the network is made: from
        the memory's seed, else the enclosing network's seed and this
        memory's place in it (as nengo seeds unseeded subnetworks)."""
        if self.seed is not None:
            return np.random.RandomState(self.seed)
        parent = nengo.Network.context[-1] if len(nengo.Network.context) else None
        if parent is None or parent.seed is None:
            return np.random.RandomState(0)
        return np.random.RandomState([parent.seed, len(parent.networks)])

    def _process_seed(self):
        """Seed of the draws of the scaling's input process made with the
        memory."""
        return 0 if self.seed is None else self.seed

    @property
    def theta(self):
        """Length of the window, in seconds."""
        return self.spec.theta

    @property
    def order(self):
        """Legendre coefficients per channel."""
        return self.spec.order

    @property
    def memory_d(self):
        """Number of input channels."""
        return self.spec.memory_d

    @property
    def dt(self):
        """Time step the mapping was computed for, in seconds."""
        return self.spec.dt

    @property
    def synapse(self):
        """Synapse of the recurrent and input connections."""
        return self.spec.synapse

    def readout(self, delays):
        """Transform from `state` to the input at ``delays`` (seconds).

        The network's state lags the ideal discrete system by one time step
        (the synapse), and a zero-order-hold system realises a delay best half
        a step early; both are compensated here by reading the Legendre window
        at ``delays - dt / 2`` (clipped at 0, so delays shorter than ``dt / 2``
        come out ``dt / 2`` late; `.discrete_readout`).

        Returns
        -------
        C : (memory_d * len(delays), memory_d * order) ndarray
            Channel-major rows: row ``c * len(delays) + k`` decodes channel
            ``c`` delayed by ``delays[k]``.
        """
        C = discrete_readout(self.delay, delays, self.dt)
        return np.kron(np.eye(self.memory_d), C)

    @with_self
    def add_output(
        self, delays, function=None, n_neurons=1000, eval_points=None, label=None
    ):
        """Add a node decoding the input at ``delays``, or a function of them.

        Parameters
        ----------
        delays : float or (k,) array_like
            Delays in seconds, each in ``[0, theta]``.
        function : callable, optional
            Nonlinear function of the window ``w`` (shape
            ``(memory_d * k,)``, channel-major as in `readout`). It needs a
            population representing the whole state jointly: one of
            ``n_neurons`` neurons is added (`.window_function_output`), with
            evaluation points drawn from the state's distribution under
            the process of a `.ProcessScaling` (the constructor's
            ``scaling``) unless
            ``eval_points`` (unscaled states, shape ``(n, memory_d *
            order)``) are given.
        n_neurons : int
            Neurons of the joint population (only with ``function``).
        eval_points : (n, memory_d * order) array_like, optional
        label : str, optional

        Returns
        -------
        nengo.Node
            Linear readout: size ``memory_d * k``; with ``function``: the
            function's output size.
        """
        C = self.readout(delays)
        if function is None:
            node = nengo.Node(size_in=len(C), label=label)
            nengo.Connection(self.state, node, transform=C, synapse=None)
            return node
        if eval_points is None:
            if self._state_samples is None:
                raise ValidationError(
                    "a function of the window needs evaluation points from the "
                    "state's real distribution: give LegendreMemory a nengo.Process "
                    "or ProcessScaling as scaling, or eval_points here",
                    attr="eval_points",
                    obj=self,
                )
            eval_points = self._state_samples
        return window_function_output(
            self.state,
            C,
            self.realization,
            function,
            n_neurons,
            eval_points,
            label=label,
            obj=self,
        )


def _split(n, parts):
    """``n`` as ``parts`` counts differing by at most one (larger first)."""
    sizes = np.full(parts, n // parts)
    sizes[: n % parts] += 1
    return sizes


nengo.builder.Builder.register(LegendreMemory)(build_legendre_memory)
