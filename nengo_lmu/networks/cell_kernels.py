"""The trainable parameters of an `.LMUCell`: names, checks, initial values."""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

#: The trainable kernels of a cell, their shapes and when they exist.
KERNELS = {
    "input_encoders": "(memory_d, input_d): e_x, input -> memory input u",
    "hidden_encoders": "(memory_d, hidden_units): e_h, only with hidden_to_memory",
    "memory_encoders": "(memory_d, memory_d * order): e_m, only with memory_to_memory",
    "input_kernel": "(hidden_units, input_d): W_x, only with input_to_hidden",
    "memory_kernel": "(hidden_units, memory_d * order): W_m",
    "recurrent_kernel": "(hidden_units, hidden_units): W_h, only with hidden_cell='rnn'",
    "hidden_bias": "(hidden_units,): bias of the hidden neurons",
}


def init_kernels(spec, kernels=None, seed=None, obj=None):
    """Every trainable parameter of a cell with settings ``spec``.

    Given ``kernels`` are checked (known names, shapes, finite values) and
    returned as float arrays; missing ones are initialised: random unit-norm
    rows for the input encoders (``|u| <= |x|``, so inputs within
    ``[-1, 1]`` stay in the memory's range), Glorot-uniform kernels and
    hidden encoders, zero recurrent kernel and memory encoders, hidden bias
    0 (1.5 for LIF and LIFRate: about 40 Hz, so that every neuron has a
    gradient from the start). ``seed`` seeds the random ones; ``obj`` is
    named in errors.
    """
    shapes = spec.kernel_shapes()
    kernels = {} if kernels is None else dict(kernels)
    unknown = set(kernels) - set(shapes)
    if unknown:
        raise ValidationError(
            f"unknown or disabled kernels {sorted(unknown)}; this cell has "
            f"{sorted(shapes)}",
            attr="kernels",
            obj=obj,
        )
    rng = np.random.RandomState(seed)
    out = {}
    for name, shape in shapes.items():
        if name in kernels:
            out[name] = _checked(name, kernels[name], shape, obj)
        elif name == "hidden_bias":
            lif = isinstance(spec.hidden_neuron_type, nengo.LIFRate)  # LIF too
            out[name] = np.full(shape, 1.5 if lif else 0.0)
        elif name in ("recurrent_kernel", "memory_encoders"):
            out[name] = np.zeros(shape)
        elif name == "input_encoders":
            e = rng.randn(*shape)
            out[name] = e / np.linalg.norm(e, axis=1, keepdims=True)
        else:
            limit = np.sqrt(6.0 / (shape[0] + shape[1]))
            out[name] = rng.uniform(-limit, limit, size=shape)
    return out


def _checked(name, value, shape, obj):
    value = np.asarray(value, dtype=float)
    if value.shape != shape:
        raise ValidationError(
            f"{name} must have shape {shape} (got {value.shape})",
            attr="kernels",
            obj=obj,
        )
    if not np.all(np.isfinite(value)):
        raise ValidationError(
            f"{name} must be finite (got {np.sum(~np.isfinite(value))} NaN or "
            f"infinite values)",
            attr="kernels",
            obj=obj,
        )
    return value


def full_transform(value, shape):
    """A connection's transform as a full ``shape`` matrix (a scalar or a
    diagonal is expanded)."""
    value = np.array(value, dtype=float)
    if value.ndim == 0:
        value = value * np.eye(*shape)
    elif value.ndim == 1:
        value = np.diag(value)
    return value
