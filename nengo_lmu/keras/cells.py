"""A Keras recurrent cell whose loop passes through a lowpass.

Imports TensorFlow (``nengo_lmu.keras`` loads this module only when one of
its names is used).
"""

import numpy as np
import tensorflow as tf

from nengo_lmu.checks import check_bool, check_int, check_number


@tf.keras.utils.register_keras_serializable(package="nengo_lmu")
class LowpassRNNCell(tf.keras.layers.Layer):
    """A recurrent cell whose recurrence is lowpass-filtered, for keras-lmu.

    At each step ``n`` (one sequence item)

    .. math::

        h_n = f(W x_n + U s_n + b), \\qquad
        s_{n + 1} = a s_n + (1 - a) h_n, \\quad a = e^{-1 / \\tau},

    with ``tau = tau_items``: ``U`` reads the hidden outputs through a
    lowpass of ``tau_items`` items (``s_0 = 0``). This is the hidden layer
    that `nengo_lmu.dl` trains natively (``hidden_cell="rnn"`` with a
    ``hidden_synapse`` of ``tau_items`` items: nengo's lowpass at one step
    per item), and `nengo_lmu.keras.from_keras_lmu` imports it as that
    (``hidden_synapse = tau_items * item_duration``). Unlike a
    ``SimpleRNNCell`` (``tau_items=0``: ``s_{n+1} = h_n``, a bare step
    delay), the lowpass keeps the loop's function when the spiking network
    runs at several simulator steps per item (the loop's mean delay is kept
    by `nengo_lmu.dl.compensated_synapse`). Measured on MNIST-1D's
    validation split (relu, 15 epochs, 400 sequences, 20 steps of 1 ms per
    item): this cell scored 0.9025 in Keras, 0.905 imported at one step
    per item, 0.8925 at 20 steps and 0.88 with spikes; a SimpleRNN cell
    0.900 imported at one step, 0.6375 at 20 and 0.6125 with spikes.

    Its state is ``s``; keras-lmu's ``hidden_to_memory`` would read that,
    which the import does not reproduce, so layers with both are refused
    there.

    Parameters
    ----------
    units : int
        Hidden units.
    tau_items : float
        The loop's lowpass time constant in items (>= 0; default 4, the
        native recipe's).
    activation : str or callable
        As for Keras layers (e.g. ``"relu"``, or an `.LIFActivation`).
    use_bias : bool
    kernel_initializer, recurrent_initializer, bias_initializer
        As for ``tf.keras.layers.SimpleRNNCell``.
    """

    def __init__(
        self,
        units,
        tau_items=4.0,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_int(units, "units", low=1)
        self.tau_items = check_number(tau_items, "tau_items", low=0)
        self.activation = tf.keras.activations.get(activation)
        self.use_bias = check_bool(use_bias, "use_bias")
        self.kernel_initializer = tf.keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = tf.keras.initializers.get(recurrent_initializer)
        self.bias_initializer = tf.keras.initializers.get(bias_initializer)
        self.state_size = [self.units]
        self.output_size = self.units

    @property
    def decay(self):
        """``a = exp(-1 / tau_items)``: what the lowpass keeps per item."""
        return float(np.exp(-1.0 / self.tau_items)) if self.tau_items > 0 else 0.0

    def build(self, input_shape):
        """Make the kernels for inputs of ``input_shape[-1]`` features."""
        self.kernel = self.add_weight(
            name="kernel",
            shape=(int(input_shape[-1]), self.units),
            initializer=self.kernel_initializer,
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel",
            shape=(self.units, self.units),
            initializer=self.recurrent_initializer,
        )
        self.bias = (
            self.add_weight(
                name="bias", shape=(self.units,), initializer=self.bias_initializer
            )
            if self.use_bias
            else None
        )
        self.built = True

    def call(self, inputs, states, training=None):
        """One step: the output ``h_n`` and the next state ``[s_{n+1}]``."""
        s = tf.nest.flatten(states)[0]
        current = tf.matmul(inputs, self.kernel) + tf.matmul(s, self.recurrent_kernel)
        if self.bias is not None:
            current = current + self.bias
        h = self.activation(current)
        a = self.decay
        return h, [a * s + (1 - a) * h]

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """``s_0 = 0``."""
        dtype = tf.float32 if dtype is None else dtype
        return [tf.zeros((batch_size, self.units), dtype=dtype)]

    def get_config(self):
        """The config that rebuilds this cell (``from_config``)."""
        inits = tf.keras.initializers
        return dict(
            super().get_config(),
            units=self.units,
            tau_items=self.tau_items,
            activation=tf.keras.activations.serialize(self.activation),
            use_bias=self.use_bias,
            kernel_initializer=inits.serialize(self.kernel_initializer),
            recurrent_initializer=inits.serialize(self.recurrent_initializer),
            bias_initializer=inits.serialize(self.bias_initializer),
        )


__all__ = ["LowpassRNNCell"]
