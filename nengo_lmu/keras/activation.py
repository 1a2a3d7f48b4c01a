"""LIF rate curves as a Keras activation: train in Keras, deploy as spikes.

Imports TensorFlow (``nengo_lmu.keras`` loads this module only when one of
its names is used).
"""

import nengo
import tensorflow as tf

from nengo_lmu.checks import check_bool, check_number


@tf.keras.utils.register_keras_serializable(package="nengo_lmu")
class LIFActivation(tf.keras.layers.Layer):
    """The rate of a LIF neuron as a Keras activation (exact, or smoothed).

    Applied to a current ``J`` (a Keras layer's pre-activation, kernel times
    input plus bias), it outputs ``amplitude`` times the firing rate of
    `nengo.LIFRate` with gain 1 and bias 0 driven by ``J``:

    .. math::

        r(J) = \\frac{a}{\\tau_{ref} + \\tau_{rc} \\log(1 + 1 / (J - 1))}
        \\quad (J > 1), \\qquad r(J) = 0 \\quad (J \\le 1).

    A ``Dense`` or ``SimpleRNNCell`` hidden layer with this activation is
    therefore a population of LIF neurons whose input currents are the
    layer's pre-activations: the kernels take the place of nengo's gains
    times encoders and the Keras bias that of nengo's bias, which is how
    `.LMUCell` builds its hidden layer (``gain=1``, kernels into
    ``hidden.neurons``, ``bias=hidden_bias``).
    `nengo_lmu.keras.from_keras_lmu` imports such a layer one-to-one as
    spiking ``nengo.LIF(tau_rc, tau_ref, amplitude=amplitude)`` neurons
    (see `neuron_type`).

    With ``sigma`` the threshold is smoothed by a softplus (SoftLIF,
    Hunsberger & Eliasmith, 2015), the curve NengoDL trains LIF neurons
    through (``nengo_dl.SoftLIFRate``, `nengo_lmu.dl.rate_version`; the
    same function here):

    .. math::

        r(J) = \\frac{a}{\\tau_{ref} + \\tau_{rc} \\log(1 + 1 / z)},
        \\qquad z = \\sigma \\log(1 + e^{(J - 1) / \\sigma}),

    (for ``(J - 1) / sigma <= -20``, where ``z`` underflows, the limit
    ``log(1 / z) = -(J - 1) / sigma - log(sigma)`` is used). Its gradient is
    finite at threshold and non-zero below it; the exact curve's is infinite
    at threshold and zero below. Train with ``sigma`` (0.02, as
    `nengo_lmu.dl.LMUClassifier`), deploy with the exact curve: the import
    ignores ``sigma``, as NengoDL does when it runs the trained neurons.

    Parameters
    ----------
    tau_rc : float
        Membrane time constant, seconds (> 0; nengo's default 0.02).
    tau_ref : float
        Refractory period, seconds (>= 0; nengo's default 0.002).
    amplitude : float
        Output per unit of firing rate (> 0; default 0.01, the hidden layer
        of `.LMUCell`: 100 Hz gives 1).
    sigma : float, optional
        Softplus smoothing of the threshold, in units of current (> 0);
        ``None`` (default): the exact LIF rate.
    **kwargs
        Passed to ``tf.keras.layers.Layer`` (``name``, ``dtype``).

    Notes
    -----
    Saved and reloaded with the model (``get_config``; registered with
    Keras as ``nengo_lmu>LIFActivation``, so importing `nengo_lmu.keras`'s
    ``LIFActivation`` before ``tf.keras.models.load_model`` is enough).

    Examples
    --------
    .. testcode::

       import tensorflow as tf
       import keras_lmu
       from nengo_lmu.keras import LIFActivation

       cell = tf.keras.layers.SimpleRNNCell(
           64, activation=LIFActivation(sigma=0.02),
           bias_initializer=tf.keras.initializers.Constant(1.5),
       )
       layer = keras_lmu.LMU(memory_d=1, order=16, theta=40, hidden_cell=cell)
    """

    def __init__(
        self, tau_rc=0.02, tau_ref=0.002, amplitude=0.01, sigma=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.tau_rc = check_number(tau_rc, "tau_rc", self, low=0, low_open=True)
        self.tau_ref = check_number(tau_ref, "tau_ref", self, low=0)
        self.amplitude = check_number(
            amplitude, "amplitude", self, low=0, low_open=True
        )
        self.sigma = check_number(
            sigma, "sigma", self, low=0, low_open=True, optional=True
        )

    def call(self, inputs):
        """The rate (times ``amplitude``) at currents ``inputs``, elementwise."""
        j = tf.convert_to_tensor(inputs) - 1
        dtype = j.dtype
        tau_rc = tf.constant(self.tau_rc, dtype)
        tau_ref = tf.constant(self.tau_ref, dtype)
        amplitude = tf.constant(self.amplitude, dtype)
        if self.sigma is None:
            above = j > 0
            # a safe value below threshold keeps log1p and its gradient finite
            safe = tf.where(above, j, tf.ones_like(j))
            rate = amplitude / (tau_ref + tau_rc * tf.math.log1p(1 / safe))
            return tf.where(above, rate, tf.zeros_like(rate))
        sigma = tf.constant(self.sigma, dtype)
        js = j / sigma
        valid = js > -20
        z = sigma * tf.nn.softplus(tf.where(valid, js, tf.zeros_like(js)))
        q = tf.where(valid, tf.math.log1p(1 / z), -js - tf.math.log(sigma))
        return amplitude / (tau_ref + tau_rc * q)

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape``."""
        return input_shape

    def get_config(self):
        """The config that rebuilds this activation (``from_config``)."""
        return dict(
            super().get_config(),
            tau_rc=self.tau_rc,
            tau_ref=self.tau_ref,
            amplitude=self.amplitude,
            sigma=self.sigma,
        )

    def neuron_type(self, spiking=True):
        """The nengo neurons with this curve: ``nengo.LIF`` or ``nengo.LIFRate``.

        Same ``tau_rc``, ``tau_ref`` and ``amplitude``; ``sigma`` has no
        nengo counterpart (the exact curve is deployed). ``spiking=False``
        gives the rate neurons (``nengo.LIFRate``), whose outputs equal this
        activation's without ``sigma``.
        """
        check_bool(spiking, "spiking", self)
        cls = nengo.LIF if spiking else nengo.LIFRate
        return cls(tau_rc=self.tau_rc, tau_ref=self.tau_ref, amplitude=self.amplitude)

    def __repr__(self):
        return (
            f"{type(self).__name__}(tau_rc={self.tau_rc!r}, tau_ref={self.tau_ref!r}, "
            f"amplitude={self.amplitude!r}, sigma={self.sigma!r})"
        )
