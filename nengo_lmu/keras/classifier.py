"""keras-lmu sequence classifiers, built in Keras and deployed as spikes.

Imports TensorFlow and keras-lmu (``nengo_lmu.keras`` loads this module
only when one of its names is used).
"""

import numbers

import keras_lmu
import numpy as np
import tensorflow as tf
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_choice, check_int, check_number
from nengo_lmu.keras.activation import LIFActivation
from nengo_lmu.keras.cells import LowpassRNNCell
from nengo_lmu.keras.convert import (
    cell_kwargs_from_keras,
    memory_state_scale_from_keras,
)


def _window(readout_items):
    """Trapezoid weights over the last ``s + 1`` items, latest first."""
    s = max(1, int(round(readout_items)))
    weights = np.full(s + 1, 1.0 / s)
    weights[[0, -1]] = 0.5 / s
    return weights


@tf.keras.utils.register_keras_serializable(package="nengo_lmu")
class ReadoutWindow(tf.keras.layers.Layer):
    """The mean of a sequence's last ``readout_items`` items (trapezoid rule).

    Maps (batch, items, units) to (batch, units): the trapezoid mean over
    the ``s + 1`` samples that bound the last ``s = round(readout_items)``
    items, weights ``[1/2, 1, ..., 1, 1/2] / s`` (latest first). It is what
    `nengo_lmu.dl.LMUClassifier` trains with ``item_readout="mean"`` at one
    step per item, so a Keras classifier that reads its LMU through it
    imports exactly (`classifier_from_keras`), and its spiking runs average
    the readout over the same window.

    Parameters
    ----------
    readout_items : float
        Window in items (>= 1; the sequence must be longer).
    **kwargs
        Passed to ``tf.keras.layers.Layer``.
    """

    def __init__(self, readout_items=4.0, **kwargs):
        super().__init__(**kwargs)
        self.readout_items = check_number(readout_items, "readout_items", self, low=1)

    def call(self, inputs):
        """The window's mean of ``inputs`` (batch, items, units): (batch, units)."""
        weights = _window(self.readout_items)
        n = len(weights)
        last = inputs[:, -n:][:, ::-1]  # latest first
        w = tf.constant(weights[None, :, None], dtype=last.dtype)
        return tf.reduce_sum(last * w, axis=1)

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape``."""
        return (input_shape[0], input_shape[2])

    def get_config(self):
        """The config that rebuilds this layer (``from_config``)."""
        return dict(super().get_config(), readout_items=self.readout_items)


def keras_classifier(
    n_items,
    n_classes,
    input_d=1,
    memory_d=1,
    order=40,
    theta=None,
    hidden_units=128,
    hidden_cell="rnn",
    activation="lif",
    readout_items=4.0,
    seed=0,
    loop_items=4.0,
):
    """A keras-lmu classifier that `classifier_from_keras` deploys as spikes.

    ``Input((n_items, input_d))`` -> ``keras_lmu.LMU`` (the hidden cell a
    ``SimpleRNNCell``, `.LowpassRNNCell` or ``Dense`` of ``hidden_units``)
    -> `ReadoutWindow`
    (or the last item, with ``readout_items=None``) -> ``Dense(n_classes)``
    (logits). Compile and fit it like any Keras model, e.g. inside a
    ``tf.distribute`` strategy's ``scope()``.

    Parameters
    ----------
    n_items : int
        Sequence length (items).
    n_classes : int
    input_d, memory_d, order, hidden_units : int
        As for `.LMUCell`.
    theta : float, optional
        Memory window in items (default ``n_items``).
    hidden_cell : {"rnn", "lowpass", "dense"}
        ``"lowpass"``: a `.LowpassRNNCell`, whose loop passes through a
        lowpass of ``loop_items`` items, as the native recipe's does; it
        keeps its function at several simulator steps per item, which a
        ``SimpleRNNCell``'s bare step delay does not.
    activation : "lif", an LIFActivation, or "tanh" / "relu"
        The hidden activation; ``"lif"`` (default) is
        ``LIFActivation(sigma=0.02)`` (SoftLIF, for training), its hidden
        bias initialised to 1.5 as `.LMUCell` does for LIF (every neuron
        active from the start).
    readout_items : float or None
        The readout's window (`ReadoutWindow`), default 4 items.
    seed : int
        Seeds the initialisers.
    loop_items : float
        The ``"lowpass"`` cell's loop time constant in items (default 4).

    Returns
    -------
    tf.keras.Model
    """
    n_items = check_int(n_items, "n_items", low=2)
    n_classes = check_int(n_classes, "n_classes", low=1)
    check_choice(hidden_cell, ("rnn", "lowpass", "dense"), "hidden_cell")
    theta = n_items if theta is None else check_number(theta, "theta", low=1)
    if isinstance(activation, str) and activation == "lif":
        activation = LIFActivation(sigma=0.02)
    elif not (
        isinstance(activation, LIFActivation)
        or (isinstance(activation, str) and activation in ("tanh", "relu"))
    ):
        raise ValidationError(
            f"must be 'lif', an LIFActivation, 'tanh' or 'relu' (got {activation!r})",
            attr="activation",
        )
    if readout_items is not None:
        readout_items = check_number(readout_items, "readout_items", low=1)
        if len(_window(readout_items)) > n_items:
            raise ValidationError(
                f"a window of {readout_items} items needs sequences longer than "
                f"that (got n_items={n_items})",
                attr="readout_items",
            )
    lif = isinstance(activation, LIFActivation)
    init = dict(
        kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed),
        bias_initializer=tf.keras.initializers.Constant(1.5 if lif else 0.0),
    )
    recurrent_init = tf.keras.initializers.Orthogonal(seed=seed + 1)
    if hidden_cell == "rnn":
        cell = tf.keras.layers.SimpleRNNCell(
            hidden_units,
            activation=activation,
            recurrent_initializer=recurrent_init,
            **init,
        )
    elif hidden_cell == "lowpass":
        cell = LowpassRNNCell(
            hidden_units,
            tau_items=loop_items,
            activation=activation,
            recurrent_initializer=recurrent_init,
            **init,
        )
    else:
        cell = tf.keras.layers.Dense(hidden_units, activation=activation, **init)
    inp = tf.keras.Input((n_items, input_d))
    h = keras_lmu.LMU(
        memory_d=memory_d,
        order=order,
        theta=theta,
        hidden_cell=cell,
        return_sequences=readout_items is not None,
        kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed + 2),
    )(inp)
    if readout_items is not None:
        h = ReadoutWindow(readout_items)(h)
    out = tf.keras.layers.Dense(
        n_classes, kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed + 3)
    )(h)
    return tf.keras.Model(inp, out)


def classifier_from_keras(
    model,
    item_duration=0.05,
    x=None,
    input_scale=1.0,
    readout_items=1.0,
    rate_factor="auto",
    seed=0,
    **cell_overrides,
):
    """A trained Keras classifier as a `nengo_lmu.dl.LMUClassifier`.

    The ``LMUClassifier`` holds the imported weights: its spiking LIF
    network (memory and hidden layer, for an `.LIFActivation`) is deployed
    with the package's parts, ``evaluate(..., spiking=True,
    steps_per_item=...)`` (`nengo_lmu.dl.run_sequences`, the recurrent
    loop's `nengo_lmu.dl.compensated_synapse`, the hidden firing rates
    scaled by ``rate_factor``), saved with ``save``, rebuilt as a Nengo
    network with ``build`` (for ``nengo``, ``nengo_dl`` or
    `nengo_lmu.loihi`), and fine-tuned with spiking neurons' rate curves
    in NengoDL with ``fit`` (it continues from the imported weights, with
    the native training's parts; give a small ``learning_rate``, e.g. 1e-3,
    and ``lif_smoothing`` equal to the activation's ``sigma``).

    Parameters
    ----------
    model : tf.keras.Model
        Input ``(n_items, input_d)`` -> ``keras_lmu.LMU`` -> optionally
        `ReadoutWindow` (then the LMU returns sequences) -> ``Dense``
        (logits), as `keras_classifier` builds it.
    item_duration : float
        Seconds per item when deployed (default 50 ms).
    x : (n, n_items, input_d) array_like, optional
        Training inputs (as given to ``fit`` of the classifier, before
        ``input_scale``): they set the memory's state scale
        (`memory_state_scale_from_keras`) and, for LIF and relu, the hidden
        firing rates that ``rate_factor="auto"`` reads (measured on the
        first 500 with the rate network, as `nengo_lmu.dl.LMUClassifier.fit`
        does). Without them the memory keeps its default scale and
        ``rate_factor="auto"`` is 1 for LIF; a relu cell then needs a number
        as ``rate_factor`` to run with spikes.
    input_scale : float
        The Keras model was trained on ``x * input_scale`` (default 1).
    readout_items : float
        Without a `ReadoutWindow` (the LMU's last output read): the window
        that spiking runs average over (rate runs read the last item).
    rate_factor : float or "auto"
        As for `nengo_lmu.dl.LMUClassifier`.
    seed : int
    **cell_overrides
        `.LMUCell` arguments (e.g. ``n_neurons``, ``memory_neuron_type``).

    Returns
    -------
    nengo_lmu.dl.LMUClassifier
    """
    from nengo_lmu.dl import LMUClassifier, memory_covariance
    from nengo_lmu.dl.network import SCALED_HIDDEN_TYPES
    from nengo_lmu.dl.sequence_model import COVARIANCE_SEQUENCES

    layers = [
        layer
        for layer in model.layers
        if not isinstance(layer, tf.keras.layers.InputLayer)
    ]
    kinds = [type(layer).__name__ for layer in layers]
    ok = (
        len(layers) in (2, 3)
        and isinstance(layers[0], keras_lmu.LMU)
        and isinstance(layers[-1], tf.keras.layers.Dense)
        and (len(layers) == 2 or isinstance(layers[1], ReadoutWindow))
    )
    if not ok:
        raise ValidationError(
            f"must be LMU -> [ReadoutWindow] -> Dense (got {' -> '.join(kinds)})",
            attr="model",
        )
    lmu, dense = layers[0], layers[-1]
    window = layers[1] if len(layers) == 3 else None
    if bool(lmu.return_sequences) != (window is not None):
        raise ValidationError(
            "the LMU must return sequences exactly when a ReadoutWindow reads it",
            attr="model",
        )
    if dense.activation is not tf.keras.activations.linear:
        raise ValidationError(
            f"the readout Dense must be linear (logits) (got {dense.activation!r})",
            attr="model",
        )
    n_items = model.input_shape[1]
    if not isinstance(n_items, numbers.Integral):
        raise ValidationError(
            f"the input must have a fixed number of items (got {model.input_shape})",
            attr="model",
        )
    input_scale = check_number(input_scale, "input_scale", low=0, low_open=True)
    kwargs = cell_kwargs_from_keras(lmu, 1.0)  # theta in items
    if "hidden_synapse" in kwargs:  # a LowpassRNNCell's loop, in seconds
        kwargs["hidden_synapse"] *= item_duration
    kernels = kwargs.pop("kernels")
    input_d = kwargs.pop("input_d")
    theta_items = kwargs.pop("theta")
    kwargs.update(cell_overrides)
    clf = LMUClassifier(
        input_d,
        int(n_items),
        int(dense.units),
        theta_items,
        item_duration=item_duration,
        readout_items=readout_items if window is None else window.readout_items,
        input_scale=input_scale,
        seed=seed,
        item_readout="last" if window is None else "mean",
        rate_factor=rate_factor,
        **kwargs,
    )
    w = dense.kernel.numpy().astype(float).T
    b = (
        dense.bias.numpy().astype(float)
        if dense.use_bias
        else np.zeros(int(dense.units))
    )
    clf.params = dict(cells=[kernels], readout=w, readout_bias=b[:, None])
    clf.build(params=clf.params, rate=True)  # every shape checked
    if x is not None:
        x = np.asarray(x, dtype=float)
        if x.ndim != 3 or x.shape[1:] != (n_items, input_d):
            raise ValidationError(
                f"must have shape (n, {n_items}, {input_d}) (got {x.shape})",
                attr="x",
            )
        xs = x * input_scale
        clf.state_scale = memory_state_scale_from_keras(
            lmu, xs, sigmas=clf.state_sigmas
        )
        # deployed realised for the imported kernel (as fit does natively)
        clf.memory_covariance = memory_covariance(
            xs[:COVARIANCE_SEQUENCES],
            kernels["input_encoders"],
            kwargs["order"],
            theta_items,
        )
        if type(kwargs["hidden_neuron_type"]) in SCALED_HIDDEN_TYPES:
            clf.hidden_rates = clf.measure_hidden_rates(xs[:500], 100)
    return clf
