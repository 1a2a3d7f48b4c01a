"""keras-lmu ``LMU`` layers as (spiking) `.LMUCell` networks."""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_bool, check_number
from nengo_lmu.networks import LMUCell
from nengo_lmu.neurons import scale_firing_rates

#: keras activation name -> the nengo rate neuron type with the same curve
#: (an `.LIFActivation` is imported as LIF neurons instead, see
#: `cell_kwargs_from_keras`)
ACTIVATIONS = {
    "tanh": lambda: nengo.neurons.Tanh(),
    "relu": lambda: nengo.RectifiedLinear(),
}


def hidden_activation(layer):
    """The hidden cell's activation: an `.LIFActivation` or a name in `ACTIVATIONS`.

    Anything else raises a `~nengo.exceptions.ValidationError`.
    """
    from nengo_lmu.keras.activation import LIFActivation

    activation = layer.hidden_cell.activation
    if isinstance(activation, LIFActivation):
        return activation
    name = getattr(activation, "__name__", type(activation).__name__)
    if name not in ACTIVATIONS:
        raise ValidationError(
            f"hidden activation must be an LIFActivation or one of "
            f"{sorted(ACTIVATIONS)} (got {name!r})",
            attr="activation",
        )
    return name


def _check_layer(layer):
    """Refuse anything but a built ``keras_lmu.LMU`` layer, naming what it got."""
    import keras_lmu

    if not isinstance(layer, keras_lmu.LMU):
        raise ValidationError(
            f"must be a keras_lmu.LMU layer (got {type(layer).__name__}); "
            "keras_lmu.LMUCell and LMUFeedforward are not supported",
            attr="layer",
        )
    if not layer.built or layer.layer is None:
        raise ValidationError(
            "the keras-lmu layer is not built: call it on an input first",
            attr="layer",
        )


def cell_kwargs_from_keras(layer, item_duration, spiking=True):
    """`.LMUCell` arguments (kernels included) equivalent to a keras-lmu layer.

    Parameters
    ----------
    layer : keras_lmu.LMU
        A built (typically trained) layer whose hidden cell is a
        ``tf.keras.layers.Dense``, ``SimpleRNNCell`` or `.LowpassRNNCell`
        with an `.LIFActivation`, or a tanh or relu activation.
    item_duration : float
        Seconds per sequence item: keras-lmu's ``theta`` (in steps) becomes
        ``theta * item_duration`` seconds.
    spiking : bool
        For an `.LIFActivation`: hidden neurons ``nengo.LIF`` (default) or
        ``nengo.LIFRate`` (the activation's curve without ``sigma``), with
        its ``tau_rc``, ``tau_ref`` and ``amplitude``; the kernels become the
        input currents unchanged (`.LMUCell`'s hidden layer has gain 1).
        For relu: ``nengo.SpikingRectifiedLinear`` (default) or
        ``nengo.RectifiedLinear``. tanh cells are imported as
        ``nengo.neurons.Tanh`` rate neurons either way.

    Returns
    -------
    dict
        Keyword arguments of `.LMUCell` (``dt`` excluded: choose it, e.g.
        ``item_duration / steps_per_item``); a `.LowpassRNNCell` gives
        ``hidden_synapse``, its ``tau_items`` in seconds.
    """
    import tensorflow as tf

    from nengo_lmu.keras.cells import LowpassRNNCell

    check_bool(spiking, "spiking")
    _check_layer(layer)
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
    loop = {}
    if isinstance(hidden, tf.keras.layers.SimpleRNNCell):
        hidden_cell = "rnn"
    elif isinstance(hidden, LowpassRNNCell):
        if layer.hidden_to_memory:
            raise ValidationError(
                "a LowpassRNNCell with hidden_to_memory=True is not supported "
                "(keras-lmu would feed the memory the cell's filtered state); "
                "use a SimpleRNNCell for hidden_to_memory",
                attr="hidden_to_memory",
            )
        hidden_cell = "rnn"
        loop["hidden_synapse"] = hidden.tau_items * item_duration
    elif isinstance(hidden, tf.keras.layers.Dense):
        hidden_cell = "dense"
    else:
        raise ValidationError(
            f"hidden_cell must be Dense, SimpleRNNCell or LowpassRNNCell (got "
            f"{type(hidden).__name__})",
            attr="hidden_cell",
        )
    activation = hidden_activation(layer)
    if activation == "relu" and spiking:
        neuron_type = nengo.SpikingRectifiedLinear()
    elif isinstance(activation, str):
        neuron_type = ACTIVATIONS[activation]()
    else:
        neuron_type = activation.neuron_type(spiking=spiking)
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
        hidden_neuron_type=neuron_type,
        kernels=kernels,
        **loop,
    )


def from_keras_lmu(
    layer,
    item_duration,
    dt=None,
    spiking=True,
    compensate_loop=True,
    rate_factor=1.0,
    **overrides,
):
    """Build an `.LMUCell` equivalent to a keras-lmu ``LMU`` layer.

    A layer whose hidden cell has an `.LIFActivation` becomes a cell of
    spiking LIF neurons (memory and hidden layer): ready for
    ``nengo.Simulator``, ``nengo_dl.Simulator`` and `nengo_lmu.loihi`. With
    ``spiking=False`` and ``memory_neuron_type=nengo.Direct()`` (the exact
    memory) the network reproduces the Keras layer's outputs (without
    ``sigma``; tanh and relu cells likewise) one simulator step late when
    ``dt == item_duration`` (a ``SimpleRNNCell``'s hidden state starts at 0
    in Keras and at ``f(bias)`` here: equal where ``f(bias) = 0``). With
    several steps per item (``dt < item_duration``) each item is presented
    for ``item_duration / dt`` steps: the memory is exact at any ``dt``; a
    recurrent cell's loop is compensated (``compensate_loop``).

    Parameters
    ----------
    layer : keras_lmu.LMU
        See `cell_kwargs_from_keras`.
    item_duration : float
        Seconds per sequence item.
    dt : float, optional
        Simulator time step (default ``item_duration``).
    spiking : bool
        LIF (default) or LIFRate hidden neurons for an `.LIFActivation`
        (see `cell_kwargs_from_keras`).
    compensate_loop : bool
        For a recurrent cell run at ``dt < item_duration``: its loop's
        lowpass lengthened to keep the mean delay it had in Keras
        (`nengo_lmu.dl.compensated_synapse`; for a ``SimpleRNNCell``'s bare
        step delay a lowpass of about ``item_duration - dt / 2``, for a
        `.LowpassRNNCell` about half an item longer than its own; default
        True; ignored when ``overrides`` give ``hidden_synapse``).
    rate_factor : float
        LIF hidden neurons firing this many times as often with the same
        output (`.scale_firing_rates`; exact for the rate curve, less spike
        noise per item). Default 1.
    **overrides
        Any other `.LMUCell` argument (e.g. ``memory_kwargs=dict(
        scaling=...)``, a state scale, which the memory's spiking accuracy
        needs: `memory_state_scale_from_keras`).
    """
    kwargs = cell_kwargs_from_keras(layer, item_duration, spiking=spiking)
    item_duration = check_number(item_duration, "item_duration", low=0, low_open=True)
    dt = item_duration if dt is None else check_number(dt, "dt", low=0, low_open=True)
    check_bool(compensate_loop, "compensate_loop")
    rate_factor = check_number(rate_factor, "rate_factor", low=0, low_open=True)
    kwargs["dt"] = dt
    if (
        compensate_loop
        and kwargs["hidden_cell"] == "rnn"
        and dt < item_duration
        and "hidden_synapse" not in overrides
    ):
        from nengo_lmu.dl.deploy import compensated_synapse

        kwargs["hidden_synapse"] = compensated_synapse(
            kwargs.get("hidden_synapse", 0), item_duration, dt
        )
    if rate_factor != 1 and type(kwargs["hidden_neuron_type"]) in (
        nengo.LIF,
        nengo.LIFRate,
    ):
        kwargs["hidden_neuron_type"] = scale_firing_rates(
            kwargs["hidden_neuron_type"], rate_factor
        )
    kwargs.update(overrides)
    return LMUCell(**kwargs)


def memory_state_scale_from_keras(layer, x, sigmas=5.0):
    """The memory's state scale for inputs ``x`` of a keras-lmu layer.

    `nengo_lmu.dl.memory_state_scale` of the memory's input ``u = e_x x``
    (the layer's input encoders applied to ``x``, (n, items, input_d)):
    ``sigmas`` times the RMS of each Legendre coefficient over the channels.
    Pass it tiled over the channels, ``memory_kwargs=dict(scaling=
    np.tile(scale, memory_d))``, so that the spiking memory's neurons cover
    the states the data gives. Layers with ``hidden_to_memory`` or
    ``memory_to_memory`` are refused (their memory input depends on the
    hidden layer).

    Returns
    -------
    (order,) ndarray
    """
    from nengo_lmu.dl.inputs import memory_state_scale

    _check_layer(layer)
    if layer.hidden_to_memory or layer.memory_to_memory:
        raise ValidationError(
            "the memory input depends on the hidden layer (hidden_to_memory or "
            "memory_to_memory): give the memory's scaling yourself",
            attr="layer",
        )
    kwargs = cell_kwargs_from_keras(layer, 1.0)
    x = np.asarray(x, dtype=float)
    if x.ndim != 3 or x.shape[2] != kwargs["input_d"]:
        raise ValidationError(
            f"must have shape (n, items, {kwargs['input_d']}) (got {x.shape})",
            attr="x",
        )
    u = x @ kwargs["kernels"]["input_encoders"].T
    theta = kwargs["theta"]  # in items, with item_duration 1
    return memory_state_scale(u, kwargs["order"], theta, sigmas)
