"""Strict nengo parameters, declaring and validating the networks' settings.

Declared on a `nengo.params.FrozenObject`, each validates a value when it is
assigned and raises `nengo.exceptions.ValidationError` naming the class, the
setting and the bad value (``MemorySpec.order: must be an integer >= 1 (got
2.5)``). They are stricter than nengo's own parameters, which take ``True``
for the number 1 and NaN or infinity for numbers, and whose type errors leave
out the value.
"""

import numbers

import nengo
import numpy as np
from nengo.exceptions import ReadonlyError, ValidationError
from nengo.params import EnumParam, IntParam, NdarrayParam, NumberParam, Parameter


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def _scalar(value):
    """A 0-d array as the scalar it holds."""
    return (
        value.item() if isinstance(value, np.ndarray) and value.shape == () else value
    )


def show_value(value):
    """A value as messages show it: numbers (numpy's too) plainly, others by
    ``repr`` (strings quoted)."""
    plain = isinstance(value, (numbers.Number, np.generic)) and not isinstance(
        value, str
    )
    return str(value) if plain else repr(value)


def _bound(param):
    if param.low is None:
        return ""
    return f" {'>' if param.low_open else '>='} {param.low}"


class FiniteParam(NumberParam):
    """A finite real number (``float``), optionally bounded below."""

    def coerce(self, instance, value):
        value = _scalar(value)
        if value is not None:
            ok = (
                isinstance(value, numbers.Real)
                and not _is_bool(value)
                and np.isfinite(value)
                and (
                    self.low is None
                    or (value > self.low if self.low_open else value >= self.low)
                )
            )
            if not ok:
                raise ValidationError(
                    f"must be a finite number{_bound(self)} (got {show_value(value)})",
                    attr=self.name,
                    obj=instance,
                )
            value = float(value)
        return Parameter.coerce(self, instance, value)


class CountParam(IntParam):
    """An integer (``int``; not a bool or a float), optionally bounded below."""

    def coerce(self, instance, value):
        value = _scalar(value)
        if value is not None:
            ok = (
                isinstance(value, numbers.Integral)
                and not _is_bool(value)
                and (self.low is None or value >= self.low)
            )
            if not ok:
                raise ValidationError(
                    f"must be an integer{_bound(self)} (got {show_value(value)})",
                    attr=self.name,
                    obj=instance,
                )
            value = int(value)
        return Parameter.coerce(self, instance, value)


class ChoiceParam(EnumParam):
    """One of a few strings, exactly as spelled."""

    def __init__(self, name, values, optional=False, readonly=None):
        super().__init__(
            name, values=values, lower=False, optional=optional, readonly=readonly
        )

    def coerce(self, instance, value):
        if value is not None and value not in self.values:
            raise ValidationError(
                f"must be one of {self.values} (got {value!r})",
                attr=self.name,
                obj=instance,
            )
        return super().coerce(instance, value)


class InstanceParam(Parameter):
    """An instance of a class (e.g. `nengo.Process`, `nengo.solvers.Solver`).

    Compared by value: by ``==`` (frozen nengo objects compare by their
    parameters), else by type and ``repr`` (nengo's solvers compare their own
    inner solver by identity, so a solver and its pickled copy are not
    ``==``).
    """

    equatable = True

    def __init__(self, name, cls, cls_name, optional=False, readonly=None):
        self.cls = cls
        self.cls_name = cls_name
        super().__init__(name, optional=optional, readonly=readonly)

    def coerce(self, instance, value):
        if value is not None and not isinstance(value, self.cls):
            raise ValidationError(
                f"must be a {self.cls_name} (got {value!r})",
                attr=self.name,
                obj=instance,
            )
        return super().coerce(instance, value)

    def equal(self, instance_a, instance_b):
        a, b = self.__get__(instance_a, None), self.__get__(instance_b, None)
        return a == b or (type(a) is type(b) and repr(a) == repr(b))

    def hashvalue(self, instance):
        value = self.__get__(instance, None)
        return (type(value), repr(value))


class LowpassParam(Parameter):
    """A `nengo.Lowpass` synapse with a finite time constant > 0.

    A number is taken as the time constant (seconds). Other synapses are
    refused: the networks map their dynamics exactly onto a lowpass, the one
    synapse every backend (NengoDL, Loihi) runs.
    """

    equatable = True

    def coerce(self, instance, value):
        value = _scalar(value)
        if isinstance(value, numbers.Real) and not _is_bool(value):
            if not (np.isfinite(value) and value > 0):
                raise ValidationError(
                    f"time constant must be > 0 (got {show_value(value)})",
                    attr=self.name,
                    obj=instance,
                )
            value = nengo.Lowpass(float(value))
        elif type(value) is nengo.Lowpass:
            if not (np.isfinite(value.tau) and value.tau > 0):
                raise ValidationError(
                    f"time constant must be > 0 (got {value!r}): the dynamics "
                    "are mapped onto the synapse, which must have some",
                    attr=self.name,
                    obj=instance,
                )
        elif not (value is None and self.optional):
            raise ValidationError(
                f"must be a lowpass time constant or a nengo.Lowpass (got "
                f"{value!r}): Lowpass is the synapse every backend (NengoDL, "
                "Loihi) runs; map other synapses with "
                "nengo_lmu.mapping.map_continuous in your own network",
                attr=self.name,
                obj=instance,
            )
        return super().coerce(instance, value)


def float_array(value):
    """``value`` as a float ndarray, or None where numpy cannot convert it."""
    try:
        return np.array(value, dtype=float)
    except (TypeError, ValueError):
        return None


class ScaleParam(NdarrayParam):
    """A read-only 1-D array of finite values > 0 (a scale per state)."""

    def __init__(self, name, optional=False, readonly=None):
        super().__init__(name, shape=("*",), optional=optional, readonly=readonly)

    def coerce(self, instance, value):
        if value is not None:
            array = float_array(value)
            if (
                array is None
                or array.ndim != 1
                or not np.all(np.isfinite(array))
                or np.any(array <= 0)
            ):
                raise ValidationError(
                    f"must be a 1-D array of finite values > 0 (got {value!r})",
                    attr=self.name,
                    obj=instance,
                )
            value = array
        return super().coerce(instance, value)


class MatrixParam(NdarrayParam):
    """A read-only non-empty array of finite values with ``ndim`` dimensions."""

    def __init__(self, name, ndim, optional=False, readonly=None):
        super().__init__(
            name, shape=("*",) * ndim, optional=optional, readonly=readonly
        )
        self.ndim = ndim

    def coerce(self, instance, value):
        if value is not None:
            array = float_array(value)
            if array is None or array.ndim != self.ndim or array.size == 0:
                raise ValidationError(
                    f"must be a non-empty {self.ndim}-D array "
                    f"(got {show_value(value)})",
                    attr=self.name,
                    obj=instance,
                )
            if not np.all(np.isfinite(array)):
                raise ValidationError(
                    f"must be finite (got {show_value(value)})",
                    attr=self.name,
                    obj=instance,
                )
            value = array
        return super().coerce(instance, value)


class Spec(nengo.params.FrozenObject):
    """A `nengo.params.FrozenObject` that also refuses new attributes.

    Its settings are declared as parameters, read-only once set (in
    ``__init__``); it compares and hashes by their values and survives
    ``copy`` and pickling. Store it as a plain attribute of a network: nengo
    parameters declared on a `nengo.Network` itself do not survive either.
    """

    def __setattr__(self, name, value):
        param = isinstance(getattr(type(self), name, None), Parameter)
        if name.startswith("_") or param:
            super().__setattr__(name, value)
        else:
            raise ReadonlyError(
                attr=name, obj=self, msg=f"{type(self).__name__} is immutable"
            )

    def __delattr__(self, name):
        raise ReadonlyError(
            attr=name, obj=self, msg=f"{type(self).__name__} is immutable"
        )
