"""The settings of a `.LegendreMemory`: declared, validated and frozen in one place."""

import nengo
from nengo.exceptions import ValidationError

from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.lti import DISCRETIZERS
from nengo_lmu.params import (
    ChoiceParam,
    CountParam,
    FiniteParam,
    InstanceParam,
    LowpassParam,
    ScaleParam,
    Spec,
)
from nengo_lmu.solvers import TemporalSolver

#: ways of realising the states scaled by an input process
REALIZATIONS = ("diagonal", "min-noise")
#: head room of the process scaling, in RMS values (``scale_sigmas``)
SCALE_SIGMAS = 5.0


class MemorySpec(Spec):
    """Validated, immutable settings of a `.LegendreMemory`.

    Each setting is a nengo parameter validated when assigned; the
    combinations are checked when all are set. The memory keeps its spec as
    a plain attribute (``memory.spec``), which survives ``copy()`` and
    pickling. Two specs are equal when all their settings are. The
    parameters are those of `.LegendreMemory`, with ``synapse`` always a
    `nengo.Lowpass` and ``solver`` the solver the memory uses (its default
    resolved).

    Raises
    ------
    nengo.exceptions.ValidationError
        ``MemorySpec.<setting>: <what is wrong> (got <value>)``.
    """

    theta = FiniteParam("theta", low=0, low_open=True)
    order = CountParam("order", low=1)
    n_neurons = CountParam("n_neurons", low=1)
    synapse = LowpassParam("synapse")
    dt = FiniteParam("dt", low=0, low_open=True)
    memory_d = CountParam("memory_d", low=1)
    input_process = InstanceParam(
        "input_process", nengo.Process, "nengo.Process", optional=True
    )
    state_scale = ScaleParam("state_scale", optional=True)
    discretizer = ChoiceParam("discretizer", values=DISCRETIZERS)
    realization = ChoiceParam("realization", values=REALIZATIONS)
    scale_sigmas = FiniteParam("scale_sigmas", low=0, low_open=True)
    input_neurons = CountParam("input_neurons", low=0)
    solver = InstanceParam("solver", nengo.solvers.Solver, "nengo.solvers.Solver")

    def __init__(
        self,
        theta,
        order,
        n_neurons,
        synapse,
        dt,
        memory_d,
        input_process,
        state_scale,
        discretizer,
        realization,
        scale_sigmas,
        input_neurons,
        solver,
    ):
        super().__init__()
        self.theta = theta
        self.order = order
        self.n_neurons = n_neurons
        self.synapse = synapse
        self.dt = dt
        self.memory_d = memory_d
        self.input_process = input_process
        self.state_scale = state_scale
        self.discretizer = discretizer
        self.realization = realization
        self.scale_sigmas = scale_sigmas
        self.input_neurons = input_neurons
        self.solver = solver
        self._check_sizes()
        self._check_scaling()

    @property
    def delay(self):
        """The ideal system, `.LegendreDelay` ``(theta, order)``."""
        return LegendreDelay(self.theta, self.order)

    @property
    def dimensions(self):
        """State dimensions, ``memory_d * order``."""
        return self.memory_d * self.order

    def _check_sizes(self):
        D, n, n_in = self.dimensions, self.n_neurons, self.input_neurons
        if n < 2 * D:
            raise ValidationError(
                f"too few for order={self.order} and memory_d={self.memory_d}: need "
                f"at least 2 per state dimension, {2 * D} in total (got {n})",
                attr="n_neurons",
                obj=self,
            )
        if 0 < n_in < 2 * self.memory_d:
            raise ValidationError(
                f"must be 0 or at least 2 per channel, {2 * self.memory_d} for "
                f"memory_d={self.memory_d} (got {n_in})",
                attr="input_neurons",
                obj=self,
            )
        if n - n_in < 2 * D:
            raise ValidationError(
                f"{n_in} of n_neurons={n} leave the state {n - n_in}, fewer than 2 "
                f"per state dimension ({2 * D}): lower input_neurons or raise "
                "n_neurons",
                attr="input_neurons",
                obj=self,
            )

    def _check_scaling(self):
        """The states are scaled by one of ``state_scale``, ``input_process`` or
        the analytic bound; refuse settings that the chosen one would ignore."""
        if self.state_scale is not None and self.state_scale.shape != (
            self.dimensions,
        ):
            raise ValidationError(
                f"must have shape ({self.dimensions},), one scale per state "
                f"dimension (got shape {self.state_scale.shape})",
                attr="state_scale",
                obj=self,
            )
        if self.state_scale is not None and self.input_process is not None:
            raise ValidationError(
                "given together with input_process, which it would override: drop "
                "state_scale to scale the states by the process, or input_process "
                "to fix the scale",
                attr="state_scale",
                obj=self,
            )
        if self.input_process is not None:
            return
        fix = "add input_process (the states are scaled by a process only with it)"
        if self.realization != "diagonal":
            raise ValidationError(
                f"{self.realization!r} needs input_process, the input the states' "
                f"covariance is measured under: {fix} or drop realization",
                attr="realization",
                obj=self,
            )
        if self.scale_sigmas != SCALE_SIGMAS:
            raise ValidationError(
                f"{self.scale_sigmas!r} would be ignored without input_process (it "
                f"is the head room of the process scaling): {fix} or drop "
                "scale_sigmas",
                attr="scale_sigmas",
                obj=self,
            )
        if isinstance(self.solver, TemporalSolver):
            raise ValidationError(
                "TemporalSolver fits decoders along the states' trajectories "
                "under a representative input: pass input_process too",
                attr="solver",
                obj=self,
            )
