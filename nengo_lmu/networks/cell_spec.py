"""The settings of an `.LMUCell`, declared once as nengo Params.

nengo's own ``IntParam`` and ``NumberParam`` accept ``True`` as 1 and fail on
NaN with a ``TypeError``; the Params here refuse both with a
`~nengo.exceptions.ValidationError` that names the setting and the bad value
(through `nengo_lmu.checks`). Declared ``readonly`` on a
`nengo.params.FrozenObject`, a setting is validated where it is declared, on
assignment, and the object is compared and hashed by its values. Training
specs (`nengo_lmu.dl.spec`) use the same Params.
"""

import numbers

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import BoolParam, EnumParam, FrozenObject, IntParam, NumberParam
from nengo.params import Parameter

from nengo_lmu.checks import check_bool, check_int, check_number
from nengo_lmu.lti import DISCRETIZERS

#: The hidden layer's neurons unless ``hidden_neuron_type`` says otherwise.
DEFAULT_HIDDEN_NEURON = nengo.LIF(amplitude=0.01)

#: What ``hidden_cell`` accepts.
HIDDEN_CELLS = ("dense", "rnn")


class StrictIntParam(IntParam):
    """An ``int`` (not a bool, float or string), at least ``low``."""

    def coerce(self, instance, value):
        if value is None and self.optional:
            return None
        value = check_int(value, self.name, instance, low=self.low)
        return super().coerce(instance, value)


class FiniteParam(NumberParam):
    """A finite real number (not a bool or string), stored as a ``float``."""

    def coerce(self, instance, value):
        if value is None and self.optional:
            return None
        value = check_number(
            value, self.name, instance, low=self.low, low_open=self.low_open
        )
        return super().coerce(instance, value)


class StrictBoolParam(BoolParam):
    """``True`` or ``False`` (a numpy bool becomes a Python bool)."""

    def coerce(self, instance, value):
        if value is None and self.optional:
            return None
        return super().coerce(instance, check_bool(value, self.name, instance))


class ChoiceParam(EnumParam):
    """One of ``values`` (strings, compared exactly)."""

    def coerce(self, instance, value):
        if value is None and self.optional:
            return None
        if not isinstance(value, str) or value not in self.values:
            raise ValidationError(
                f"must be one of {tuple(self.values)} (got {value!r})",
                attr=self.name,
                obj=instance,
            )
        return value


class NeuronParam(Parameter):
    """A nengo neuron type (an instance, not the class)."""

    equatable = True

    def coerce(self, instance, value):
        if value is None and self.optional:
            return None
        if not isinstance(value, nengo.neurons.NeuronType):
            raise ValidationError(
                f"must be a nengo neuron type (got {value!r})",
                attr=self.name,
                obj=instance,
            )
        return super().coerce(instance, value)


class LowpassParam(Parameter):
    """A lowpass synapse: a time constant >= 0 (seconds; ``0`` is no filter
    but the simulator's one-step delay), a `nengo.Lowpass` of one, or (when
    ``optional``) ``None``. Other synapses are refused: every backend runs a
    lowpass."""

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


class CellSpec(FrozenObject):
    """Validated, immutable settings of an `.LMUCell`.

    Stored as the cell's ``spec`` attribute (a plain attribute: it survives
    ``copy()`` and pickling); two specs are equal when every setting is.
    The parameters are the `.LMUCell`'s of the same names (``discretizer``
    is the memory's, ``"zoh"`` unless ``memory_kwargs`` give another); each
    is checked on assignment and can never be changed.
    """

    input_d = StrictIntParam("input_d", low=1, readonly=True)
    memory_d = StrictIntParam("memory_d", low=1, readonly=True)
    order = StrictIntParam("order", low=1, readonly=True)
    theta = FiniteParam("theta", low=0, low_open=True, readonly=True)
    hidden_units = StrictIntParam("hidden_units", low=1, readonly=True)
    hidden_cell = ChoiceParam("hidden_cell", values=HIDDEN_CELLS, readonly=True)
    hidden_to_memory = StrictBoolParam("hidden_to_memory", readonly=True)
    memory_to_memory = StrictBoolParam("memory_to_memory", readonly=True)
    input_to_hidden = StrictBoolParam("input_to_hidden", readonly=True)
    external_memory = StrictBoolParam("external_memory", readonly=True)
    hidden_neuron_type = NeuronParam("hidden_neuron_type", readonly=True)
    hidden_synapse = LowpassParam("hidden_synapse", readonly=True)
    hidden_input_synapse = LowpassParam(
        "hidden_input_synapse", optional=True, readonly=True
    )
    dt = FiniteParam("dt", low=0, low_open=True, readonly=True)
    discretizer = ChoiceParam("discretizer", values=DISCRETIZERS, readonly=True)

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
