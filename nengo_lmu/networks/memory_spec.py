"""The settings of a `.LegendreMemory`: declared, validated and frozen in one place."""

import nengo
from nengo.exceptions import ValidationError

from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.lti import DISCRETIZERS
from nengo_lmu.networks.scalings import (
    CovarianceScaling,
    FixedScaling,
    ProcessScaling,
    ScalingParam,
)
from nengo_lmu.params import (
    ChoiceParam,
    CountParam,
    FiniteParam,
    InstanceParam,
    LowpassParam,
    Spec,
)
from nengo_lmu.solvers import TemporalSolver


class MemorySpec(Spec):
    """Validated, immutable settings of a `.LegendreMemory`.

    Each setting is a nengo parameter validated when assigned; the
    combinations are checked when all are set. The memory keeps its spec as
    a plain attribute (``memory.spec``), which survives ``copy()`` and
    pickling. Two specs are equal when all their settings are. The
    parameters are those of `.LegendreMemory`, with ``synapse`` always a
    `nengo.Lowpass`, ``scaling`` a `.Scaling` (its shorthands resolved) and
    ``solver`` the solver the memory uses (its default resolved).

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
    scaling = ScalingParam("scaling")
    discretizer = ChoiceParam("discretizer", values=DISCRETIZERS)
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
        scaling,
        discretizer,
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
        self.scaling = scaling
        self.discretizer = discretizer
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

    @property
    def process(self):
        """The input process the states are scaled under (`.ProcessScaling`),
        or None."""
        return self.scaling.process

    def _check_scaling(self):
        """A fixed scale has one value per state; `.TemporalSolver` needs an
        input process."""
        scaling = self.scaling
        if isinstance(scaling, FixedScaling) and scaling.scale.shape != (
            self.dimensions,
        ):
            raise ValidationError(
                f"must have shape ({self.dimensions},), one scale per state "
                f"dimension for order={self.order} and memory_d={self.memory_d} "
                f"(got shape {scaling.scale.shape}: {scaling!r})",
                attr="scaling",
                obj=self,
            )
        if isinstance(scaling, CovarianceScaling):
            scaling.check(self)
            if self.input_neurons > 0:
                raise ValidationError(
                    "an input population needs the input's range, which a "
                    "covariance of the states does not give: use "
                    "input_neurons=0, or a ProcessScaling or WindowBound",
                    attr="input_neurons",
                    obj=self,
                )
        if isinstance(self.solver, TemporalSolver) and not isinstance(
            scaling, ProcessScaling
        ):
            raise ValidationError(
                "TemporalSolver fits decoders along the states' trajectories "
                "under a representative input: give scaling a nengo.Process or "
                f"a ProcessScaling (got scaling={scaling!r})",
                attr="solver",
                obj=self,
            )
