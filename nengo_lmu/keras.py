"""Import trained keras-lmu layers as (spiking) `.LMUCell` networks.

Imported only when needed (``import nengo_lmu.keras``); requires TensorFlow
and keras-lmu (``pip install nengo-lmu[keras]``).
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.networks import LMUCell

#: keras activation name -> the nengo rate neuron type with the same curve
ACTIVATIONS = {
    "tanh": lambda: nengo.neurons.Tanh(),
    "relu": lambda: nengo.RectifiedLinear(),
}


def cell_kwargs_from_keras(layer, item_duration):
    """`.LMUCell` arguments (kernels included) equivalent to a keras-lmu layer.

    Parameters
    ----------
    layer : keras_lmu.LMU
        A built (typically trained) layer whose hidden cell is a
        ``tf.keras.layers.Dense`` or ``SimpleRNNCell`` (tanh or relu).
    item_duration : float
        Seconds per sequence item: keras-lmu's ``theta`` (in steps) becomes
        ``theta * item_duration`` seconds.

    Returns
    -------
    dict
        Keyword arguments of `.LMUCell` (``dt`` excluded: choose it, e.g.
        ``item_duration / steps_per_item``).
    """
    import tensorflow as tf

    if not getattr(layer, "built", False) or layer.layer is None:
        raise ValidationError(
            "the keras-lmu layer is not built: call it on an input first",
            attr="layer",
        )
    if getattr(layer, "trainable_theta", False):
        theta_steps = float(layer.theta)
    else:
        theta_steps = float(layer._init_theta)
    if layer.discretizer != "zoh":
        raise ValidationError(
            f"only discretizer='zoh' is supported (got {layer.discretizer!r})",
            attr="discretizer",
        )
    if layer.use_bias:
        raise ValidationError(
            "memory input bias (use_bias=True) is not supported", attr="use_bias"
        )
    inner = layer.layer.cell if hasattr(layer.layer, "cell") else layer.layer
    hidden = layer.hidden_cell
    if isinstance(hidden, tf.keras.layers.SimpleRNNCell):
        hidden_cell = "rnn"
    elif isinstance(hidden, tf.keras.layers.Dense):
        hidden_cell = "dense"
    else:
        raise ValidationError(
            f"hidden_cell must be Dense or SimpleRNNCell (got {type(hidden).__name__})",
            attr="hidden_cell",
        )
    activation = hidden.activation.__name__
    if activation not in ACTIVATIONS:
        raise ValidationError(
            f"hidden activation must be one of {sorted(ACTIVATIONS)} "
            f"(got {activation!r})",
            attr="activation",
        )
    memory_d, order = int(layer.memory_d), int(layer.order)
    D = memory_d * order
    if inner.kernel is None:
        raise ValidationError(
            "layers without an input kernel are not supported", attr="kernel"
        )
    kernel = inner.kernel.numpy().astype(float)
    input_d = kernel.shape[0] - (hidden.units if layer.hidden_to_memory else 0)
    kernels = {"input_encoders": kernel[:input_d].T}
    if layer.hidden_to_memory:
        kernels["hidden_encoders"] = kernel[input_d:].T
    if layer.memory_to_memory:
        kernels["memory_encoders"] = inner.recurrent_kernel.numpy().astype(float).T
    h_kernel = hidden.kernel.numpy().astype(float)
    kernels["memory_kernel"] = h_kernel[:D].T
    if layer.input_to_hidden:
        kernels["input_kernel"] = h_kernel[D:].T
    if hidden_cell == "rnn":
        kernels["recurrent_kernel"] = hidden.recurrent_kernel.numpy().astype(float).T
    kernels["hidden_bias"] = (
        hidden.bias.numpy().astype(float) if hidden.use_bias else np.zeros(hidden.units)
    )
    return dict(
        input_d=input_d,
        memory_d=memory_d,
        order=order,
        theta=theta_steps * item_duration,
        hidden_units=int(hidden.units),
        hidden_cell=hidden_cell,
        hidden_to_memory=bool(layer.hidden_to_memory),
        memory_to_memory=bool(layer.memory_to_memory),
        input_to_hidden=bool(layer.input_to_hidden),
        hidden_neuron_type=ACTIVATIONS[activation](),
        kernels=kernels,
    )


def from_keras_lmu(layer, item_duration, dt=None, **overrides):
    """Build an `.LMUCell` equivalent to a keras-lmu ``LMU`` layer.

    With ``memory_neuron_type=nengo.Direct()`` and the default rate hidden
    neurons (same curve as the keras activation) the network reproduces the
    keras layer's outputs one simulator step late when ``dt ==
    item_duration``. Pass spiking neuron types in ``overrides`` to deploy it
    with spikes (e.g. ``hidden_neuron_type=nengo.SpikingRectifiedLinear()``
    for a relu cell).

    Parameters
    ----------
    layer : keras_lmu.LMU
    item_duration : float
        Seconds per sequence item.
    dt : float, optional
        Simulator time step (default ``item_duration``).
    **overrides
        Any other `.LMUCell` argument.
    """
    kwargs = cell_kwargs_from_keras(layer, item_duration)
    kwargs["dt"] = item_duration if dt is None else dt
    kwargs.update(overrides)
    return LMUCell(**kwargs)
