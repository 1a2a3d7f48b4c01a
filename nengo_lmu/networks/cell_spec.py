"""The settings of an `.LMUCell`, declared once as nengo Params.

`CellSpec` declares them with the package's strict parameters
(`nengo_lmu.params`) and its own: `StrictBoolParam` (``True`` or
``False``, not 1 or a string) and `StepLowpassParam` (a hidden-layer
synapse, where 0 is the equations' one-step delay); `KwargsParam` holds
keyword arguments for another object, frozen (`FrozenDict`). Each setting is
validated where it is declared, on assignment, with a
`~nengo.exceptions.ValidationError` naming the setting and the bad value;
the spec is compared and hashed by value and can never change. Training
specs (`nengo_lmu.dl.spec`) use the same parameters.
"""

import numbers

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import BoolParam, Parameter

from nengo_lmu.checks import check_bool, check_number
from nengo_lmu.lti import DISCRETIZERS
from nengo_lmu.params import ChoiceParam, CountParam, FiniteParam, InstanceParam, Spec

#: The hidden layer's neurons unless ``hidden_neuron_type`` says otherwise.
DEFAULT_HIDDEN_NEURON = nengo.LIF(amplitude=0.01)

#: What ``hidden_cell`` accepts.
HIDDEN_CELLS = ("dense", "rnn")


class StrictBoolParam(BoolParam):
    """``True`` or ``False`` (a numpy bool becomes a Python bool)."""

    def coerce(self, instance, value):
        if value is None and self.optional:
            return None
        return super().coerce(instance, check_bool(value, self.name, instance))


class StepLowpassParam(Parameter):
    """A synapse on a hidden layer's path: a time constant >= 0 (seconds;
    ``0`` is no filter but the simulator's one-step delay, which the LMU
    equations' loops need), a `nengo.Lowpass` of one, or (when ``optional``)
    ``None``. Kept as given (`nengo_lmu.params.LowpassParam` makes every
    number a `nengo.Lowpass` and refuses 0). Other synapses are refused:
    every backend runs a lowpass."""

    equatable = True

    def coerce(self, instance, value):
        if value is None and self.optional:
            return None
        if type(value) is nengo.Lowpass:
            if not (np.isfinite(value.tau) and value.tau >= 0):
                raise ValidationError(
                    f"must have a finite tau >= 0 (got {value!r})",
                    attr=self.name,
                    obj=instance,
                )
            return value
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            return check_number(value, self.name, instance, low=0)
        none = "None, " if self.optional else ""
        raise ValidationError(
            f"must be {none}a lowpass time constant >= 0 or a nengo.Lowpass (got "
            f"{value!r})",
            attr=self.name,
            obj=instance,
        )


class FrozenDict(dict):
    """A dict that cannot be changed (keyword arguments inside a spec)."""

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} cannot be changed")

    __setitem__ = __delitem__ = clear = pop = popitem = _refuse
    setdefault = update = __ior__ = _refuse

    def __reduce__(self):
        return type(self), (dict(self),)


class KwargsParam(Parameter):
    """Keyword arguments for another object, frozen (`FrozenDict`).

    Values are compared with `numpy.array_equal` where they are arrays; the
    hash covers the keys only (so equal mappings hash equally).
    """

    equatable = True

    def coerce(self, instance, value):
        if value is None:
            value = {}
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise ValidationError(
                f"must be a dict of keyword arguments (got {value!r})",
                attr=self.name,
                obj=instance,
            )
        return super().coerce(instance, FrozenDict(value))

    def equal(self, instance_a, instance_b):
        a, b = self.__get__(instance_a, None), self.__get__(instance_b, None)
        if set(a) != set(b):
            return False
        for key in a:
            x, y = a[key], b[key]
            arrays = isinstance(x, np.ndarray) or isinstance(y, np.ndarray)
            if not (np.array_equal(x, y) if arrays else x == y):
                return False
        return True

    def hashvalue(self, instance):
        return tuple(sorted(self.__get__(instance, None)))


class CellSpec(Spec):
    """Validated, immutable settings of an `.LMUCell`.

    Stored as the cell's ``spec`` attribute (a plain attribute: it survives
    ``copy()`` and pickling); two specs are equal when every setting is.
    The parameters are the `.LMUCell`'s of the same names (``discretizer``
    is the memory's, ``"zoh"`` unless ``memory_kwargs`` give another); each
    is checked on assignment and can never be changed.
    """

    input_d = CountParam("input_d", low=1, readonly=True)
    memory_d = CountParam("memory_d", low=1, readonly=True)
    order = CountParam("order", low=1, readonly=True)
    theta = FiniteParam("theta", low=0, low_open=True, readonly=True)
    hidden_units = CountParam("hidden_units", low=1, readonly=True)
    hidden_cell = ChoiceParam("hidden_cell", HIDDEN_CELLS, readonly=True)
    hidden_to_memory = StrictBoolParam("hidden_to_memory", readonly=True)
    memory_to_memory = StrictBoolParam("memory_to_memory", readonly=True)
    input_to_hidden = StrictBoolParam("input_to_hidden", readonly=True)
    external_memory = StrictBoolParam("external_memory", readonly=True)
    hidden_neuron_type = InstanceParam(
        "hidden_neuron_type",
        nengo.neurons.NeuronType,
        "nengo neuron type",
        readonly=True,
    )
    hidden_synapse = StepLowpassParam("hidden_synapse", readonly=True)
    hidden_input_synapse = StepLowpassParam(
        "hidden_input_synapse", optional=True, readonly=True
    )
    dt = FiniteParam("dt", low=0, low_open=True, readonly=True)
    discretizer = ChoiceParam("discretizer", DISCRETIZERS, readonly=True)

    def __init__(
        self,
        input_d,
        memory_d,
        order,
        theta,
        hidden_units,
        hidden_cell="dense",
        hidden_to_memory=False,
        memory_to_memory=False,
        input_to_hidden=False,
        external_memory=False,
        hidden_neuron_type=DEFAULT_HIDDEN_NEURON,
        hidden_synapse=0,
        hidden_input_synapse=None,
        dt=0.001,
        discretizer="zoh",
    ):
        super().__init__()
        self.input_d = input_d
        self.memory_d = memory_d
        self.order = order
        self.theta = theta
        self.hidden_units = hidden_units
        self.hidden_cell = hidden_cell
        self.hidden_to_memory = hidden_to_memory
        self.memory_to_memory = memory_to_memory
        self.input_to_hidden = input_to_hidden
        self.external_memory = external_memory
        self.hidden_neuron_type = hidden_neuron_type
        self.hidden_synapse = hidden_synapse
        self.hidden_input_synapse = hidden_input_synapse
        self.dt = dt
        self.discretizer = discretizer
        if external_memory and (hidden_to_memory or memory_to_memory):
            raise ValidationError(
                "the memory's state must depend on the input alone: not with "
                "hidden_to_memory or memory_to_memory (they feed the memory from "
                "inside the cell)",
                attr="external_memory",
                obj=self,
            )

    @property
    def state_d(self):
        """Size of the memory's state ``m``: ``memory_d * order``."""
        return self.memory_d * self.order

    def kernel_shapes(self):
        """Shapes of the cell's trainable parameters, keyed like `.KERNELS`."""
        shapes = {
            "input_encoders": (self.memory_d, self.input_d),
            "memory_kernel": (self.hidden_units, self.state_d),
            "hidden_bias": (self.hidden_units,),
        }
        if self.hidden_to_memory:
            shapes["hidden_encoders"] = (self.memory_d, self.hidden_units)
        if self.memory_to_memory:
            shapes["memory_encoders"] = (self.memory_d, self.state_d)
        if self.input_to_hidden:
            shapes["input_kernel"] = (self.hidden_units, self.input_d)
        if self.hidden_cell == "rnn":
            shapes["recurrent_kernel"] = (self.hidden_units, self.hidden_units)
        return shapes
