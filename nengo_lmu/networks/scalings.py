"""How a `.LegendreMemory` scales its states: the values of its ``scaling``.

Each state of the memory is represented by an ensemble of radius 1, so the
memory realises its states scaled, ``state = T @ represented``. The
``scaling`` argument says how ``T`` is chosen, as one of three frozen values
(compared by value, shown by ``repr``):

- `WindowBound` (the default, ``None``): each state's worst case for inputs
  ``|u| <= bound`` (`.window_bound`);
- `ProcessScaling`: each state (or realised state) scaled to a number of RMS
  values under a representative input process (`.process_realization`);
- `FixedScaling`: a given scale per state;
- `CovarianceScaling`: each (realised) state scaled to a number of RMS
  values given the states' known covariance, e.g. measured on training data,
  optionally realised for the layer that reads the states.

`as_scaling` turns the shorthands (``None``, a `nengo.Process`, an array)
into these values. The maths is in `nengo_lmu.scaling`.
"""

import nengo
import numpy as np
from scipy.linalg import block_diag
from nengo.exceptions import ValidationError
from nengo.params import Parameter
from nengo.utils.numpy import rms

from nengo_lmu.lti import discretize
from nengo_lmu.params import (
    ChoiceParam,
    FiniteParam,
    InstanceParam,
    MatrixParam,
    ScaleParam,
    Spec,
    float_array,
    show_value,
)
from nengo_lmu.scaling import (
    covariance_realization,
    process_realization,
    window_bound,
)

__all__ = [
    "REALIZATIONS",
    "SCALE_SIGMAS",
    "CovarianceScaling",
    "FixedScaling",
    "ProcessScaling",
    "Scaling",
    "ScalingParam",
    "WindowBound",
    "as_scaling",
    "check_old_keywords",
    "upgrade_old_keywords",
]

#: ways of realising the states scaled by an input process
REALIZATIONS = ("diagonal", "min-noise")
#: head room of the process scaling, in RMS values (`ProcessScaling` ``sigmas``)
SCALE_SIGMAS = 5.0
#: keyword arguments that ``scaling`` replaced, in the order they are reported
OLD_KEYWORDS = ("input_process", "state_scale", "realization", "scale_sigmas")


class Scaling(Spec):
    """Base of the values of a `.LegendreMemory`'s ``scaling``."""

    #: the process the states are scaled under, if any
    process = None

    def realize(self, spec, seed):
        """The realisation of a memory with settings ``spec`` (`.MemorySpec`).

        Parameters
        ----------
        spec : MemorySpec
        seed : int
            Seed of any draw of an input process.

        Returns
        -------
        T : (D, D) ndarray
            ``state = T @ represented``, ``D = memory_d * order``.
        radius : (memory_d,) ndarray
            Range of the input the states are scaled for, per channel.
        samples : (steps, D) ndarray or None
            Unscaled states sampled under the input process, if any.
        """
        raise NotImplementedError


class WindowBound(Scaling):
    """Scale each state by its worst case for inputs ``|u| <= bound``.

    Parameters
    ----------
    bound : float
        Largest input magnitude, > 0; the scale is ``bound`` times
        `.window_bound` of the memory's order.
    """

    bound = FiniteParam("bound", low=0, low_open=True)

    def __init__(self, bound=1.0):
        super().__init__()
        self.bound = bound

    def realize(self, spec, seed):
        scale = self.bound * np.tile(window_bound(spec.order), spec.memory_d)
        return np.diag(scale), self.bound * np.ones(spec.memory_d), None


class SourceParam(InstanceParam):
    """A `nengo.Process` that makes a signal on its own (no input: not a
    synapse), as an input process must."""

    def coerce(self, instance, value):
        value = super().coerce(instance, value)
        if value is not None and value.default_size_in != 0:
            raise ValidationError(
                f"must be a nengo.Process without input, such as "
                f"nengo.processes.WhiteSignal (got {value!r})",
                attr=self.name,
                obj=instance,
            )
        return value


class ProcessScaling(Scaling):
    """Scale the states to ``sigmas`` RMS values under a representative input.

    The memory's ideal system is run on 20 s (or ``50 * theta``) of
    ``process``, one draw per channel, and each realised state is scaled to
    ``sigmas`` times its RMS value (`.process_realization`); the input
    population, if any, gets the radius ``sigmas`` times the input's RMS.

    Parameters
    ----------
    process : nengo.Process
        A representative input, e.g. ``nengo.processes.WhiteSignal(10,
        high=5, rms=0.3)``.
    sigmas : float
        Head room, in RMS values, > 0 (5 measured best against saturation
        on slow inputs; 3.5 is slightly more accurate on fast ones, see
        ``bench/``).
    realization : {"diagonal", "min-noise"}
        Scale the Legendre states themselves (``"diagonal"``) or use the
        Mullis-Roberts minimum-noise realisation for the readout at
        ``theta`` (`.min_noise_realization`).
    """

    process = SourceParam("process", nengo.Process, "nengo.Process")
    sigmas = FiniteParam("sigmas", low=0, low_open=True)
    realization = ChoiceParam("realization", values=REALIZATIONS)

    def __init__(self, process, sigmas=SCALE_SIGMAS, realization="diagonal"):
        super().__init__()
        self.process = process
        self.sigmas = sigmas
        self.realization = realization

    def realize(self, spec, seed):
        duration = max(20.0, 50 * spec.theta)
        u = self.process.run(
            duration, d=spec.memory_d, dt=spec.dt, rng=np.random.RandomState(seed)
        )
        rms_u = rms(u, axis=0)
        radius = np.where(rms_u > 0, self.sigmas * rms_u, 1.0)
        delay = spec.delay
        Ad, Bd = discretize(delay.A, delay.B, spec.dt, method=spec.discretizer)
        C = delay.readout(max(spec.theta - 0.5 * spec.dt, 0))
        a = np.exp(-spec.dt / spec.synapse.tau)
        T, samples = process_realization(Ad, Bd, u, C, a, self.realization, self.sigmas)
        return T, radius, samples


class FixedScaling(Scaling):
    """Scale each state by a given value.

    Parameters
    ----------
    scale : (memory_d * order,) array_like
        Finite scales > 0, channel-major like the memory's state.
    """

    scale = ScaleParam("scale")

    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def __repr__(self):
        # exact: Python's float repr round-trips (numpy's array repr rounds)
        return f"{type(self).__name__}({self.scale.tolist()!r})"

    def realize(self, spec, seed):
        return np.diag(self.scale), np.ones(spec.memory_d), None


class CovarianceScaling(Scaling):
    """Scale the states for their known covariance, realised for a readout.

    Where the memory's input is data rather than a process (a trained
    `.LMUCell`), the second moment of its Legendre states on that data
    gives the scale: each realised state is scaled to ``sigmas`` times its
    RMS value (`.covariance_realization`). With ``realization="min-noise"``
    the states are realised to minimise the spike noise that reaches
    ``readout`` (Mullis-Roberts, `.min_noise_realization`), e.g. the kernel
    of the layer that reads the memory; the memory's ``state`` is the same
    signal in every realisation.

    Parameters
    ----------
    covariance : (memory_d, order, order) array_like
        ``E[m m^T]`` of each channel's Legendre states (symmetric, positive
        semi-definite), e.g. `nengo_lmu.dl.inputs.memory_covariance` of
        training sequences. Sample the states as the memory runs (within
        items, not only at item ends): directions that the sample never
        excites get the largest gains in the minimum-noise realisation.
    sigmas : float
        Head room, in RMS values, > 0.
    realization : {"diagonal", "min-noise"}
        Scale the Legendre states themselves or use the minimum-noise
        realisation for ``readout``.
    readout : (k, memory_d * order) array_like, optional
        What reads the states (channel-major columns), for ``"min-noise"``;
        default: the delay at ``theta``.
    """

    covariance = MatrixParam("covariance", 3)
    sigmas = FiniteParam("sigmas", low=0, low_open=True)
    realization = ChoiceParam("realization", values=REALIZATIONS)
    readout = MatrixParam("readout", 2, optional=True)

    def __init__(
        self, covariance, sigmas=SCALE_SIGMAS, realization="diagonal", readout=None
    ):
        super().__init__()
        self.covariance = covariance
        self.sigmas = sigmas
        self.realization = realization
        self.readout = readout
        P = self.covariance
        asym = np.abs(P - np.swapaxes(P, 1, 2)).max()
        lowest = min(np.linalg.eigvalsh((p + p.T) / 2).min() for p in P)
        scale = max(np.abs(P).max(), 1e-300)
        if P.shape[1] != P.shape[2] or asym > 1e-8 * scale or lowest < -1e-8 * scale:
            raise ValidationError(
                f"must be (memory_d, order, order) blocks, each symmetric and "
                f"positive semi-definite (got shape {P.shape}, asymmetry "
                f"{asym:.3g}, lowest eigenvalue {lowest:.3g})",
                attr="covariance",
                obj=self,
            )

    def __repr__(self):
        readout = "" if self.readout is None else f", readout=<{self.readout.shape}>"
        return (
            f"{type(self).__name__}(<covariance {self.covariance.shape}>, "
            f"sigmas={self.sigmas!r}, realization={self.realization!r}{readout})"
        )

    def check(self, spec):
        """Refuse shapes that do not fit the memory of ``spec``."""
        order, d = spec.order, spec.memory_d
        if self.covariance.shape != (d, order, order):
            raise ValidationError(
                f"covariance must have shape ({d}, {order}, {order}) for "
                f"memory_d={d} and order={order} (got {self.covariance.shape})",
                attr="scaling",
                obj=spec,
            )
        if self.readout is not None and self.readout.shape[1] != d * order:
            raise ValidationError(
                f"readout must have {d * order} columns (memory_d * order) "
                f"(got shape {self.readout.shape})",
                attr="scaling",
                obj=spec,
            )

    def realize(self, spec, seed):
        delay, order = spec.delay, spec.order
        Ad, _ = discretize(delay.A, delay.B, spec.dt, method=spec.discretizer)
        a = np.exp(-spec.dt / spec.synapse.tau)
        delay_readout = delay.readout(max(spec.theta - 0.5 * spec.dt, 0))
        blocks = []
        for c, P in enumerate(self.covariance):
            if self.readout is None:
                C = delay_readout
            else:
                C = self.readout[:, c * order : (c + 1) * order]
            blocks.append(
                covariance_realization(P, Ad, C, a, self.realization, self.sigmas)
            )
        return block_diag(*blocks), np.ones(spec.memory_d), None


def as_scaling(value, attr="scaling", obj=None):
    """The `Scaling` that ``value`` stands for.

    ``None`` is ``WindowBound()``, a `nengo.Process` without input (not a
    synapse) ``ProcessScaling(value)``
    and a 1-D array ``FixedScaling(value)``; a `Scaling` is returned as it
    is. Anything else raises a `~nengo.exceptions.ValidationError` naming
    ``attr`` and the value.
    """
    if value is None:
        return WindowBound()
    if isinstance(value, Scaling):
        return value
    if isinstance(value, nengo.Process) and value.default_size_in == 0:
        return ProcessScaling(value)
    array = None if isinstance(value, str) else float_array(value)
    ok = (
        array is not None
        and array.ndim == 1
        and np.all(np.isfinite(array))
        and np.all(array > 0)
    )
    if not ok:
        raise ValidationError(
            "must be None, a nengo.Process without input (the representative "
            "input), a WindowBound, ProcessScaling or FixedScaling, or a 1-D "
            "array of finite scales > 0 (got "
            f"{show_value(value)})",
            attr=attr,
            obj=obj,
        )
    return FixedScaling(array)


class ScalingParam(Parameter):
    """A `Scaling`, given as it is or as a shorthand (`as_scaling`)."""

    equatable = True

    def coerce(self, instance, value):
        return super().coerce(instance, as_scaling(value, self.name, instance))


def upgrade_old_keywords(kwargs):
    """``kwargs`` with the keywords that ``scaling`` replaced as the
    equivalent ``scaling`` (for settings saved before it existed)."""
    kwargs = dict(kwargs)
    old = {name: kwargs.pop(name) for name in OLD_KEYWORDS if name in kwargs}
    if old.get("state_scale") is not None:
        kwargs["scaling"] = old["state_scale"]
    elif old.get("input_process") is not None:
        kwargs["scaling"] = ProcessScaling(
            old["input_process"],
            old.get("scale_sigmas", SCALE_SIGMAS),
            old.get("realization", "diagonal"),
        )
    return kwargs


def check_old_keywords(kwargs, obj=None):
    """Refuse the keyword arguments that ``scaling`` replaced.

    Raises a `~nengo.exceptions.ValidationError` naming the first of
    ``input_process``, ``state_scale``, ``realization`` and ``scale_sigmas``
    in ``kwargs``, with the ``scaling`` to write instead.
    """
    old = [name for name in OLD_KEYWORDS if name in kwargs]
    if not old:
        return
    given = ", ".join(f"{name}={kwargs[name]!r}" for name in old)
    if "state_scale" in kwargs:
        instead = f"scaling={kwargs['state_scale']!r}"
    else:
        process = kwargs.get("input_process", None)
        args = ["process" if process is None else repr(process)]
        if "scale_sigmas" in kwargs:
            args.append(f"sigmas={kwargs['scale_sigmas']!r}")
        if "realization" in kwargs:
            args.append(f"realization={kwargs['realization']!r}")
        instead = f"scaling=ProcessScaling({', '.join(args)})"
        if old == ["input_process"]:
            instead = f"scaling={args[0]} (short for {instead})"
    raise ValidationError(
        f"was replaced by the one argument `scaling`: instead of {given}, write "
        f"{instead}",
        attr=old[0],
        obj=obj,
    )
