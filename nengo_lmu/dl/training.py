"""Training aids for an ordinary ``nengo_dl.Simulator.compile`` and ``fit``.

Each part plugs into a NengoDL workflow: `recipe_optimizer` is the
optimizer to ``compile`` with (the recommended recipe by default),
`classification_loss` and `regression_loss` the losses on the readout as
`.ItemReadout` reads it, `class_targets` and `regression_targets` their
targets, `training_inputs` the data to ``fit`` (with the first memory
precomputed where wanted), `EpochTimer` a Keras callback. `train` runs
them all in one simulator, as `LMUClassifier.fit` does.
"""

import time

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_choice, check_number
from nengo_lmu.dl.config import configure_trainable
from nengo_lmu.dl.inputs import repeat_items
from nengo_lmu.dl.network import read_params, trained_objects

#: what ``memory_surrogate`` accepts ("auto": "precomputed" where the first
#: cell allows it, else "exact")
MEMORY_SURROGATES = ("auto", "exact", "rate", "precomputed")

#: what ``lr_schedule`` accepts
LR_SCHEDULES = ("constant", "cosine")


def resolve_memory_surrogate(spec, choice="auto"):
    """What stands in for the (untrained) memories in training.

    ``"exact"``: the linear system they implement; ``"rate"``: their rate
    neurons; ``"precomputed"``: ``"exact"`` with the first memory's
    dynamics computed once per data set, before training (`.LMUCell`'s
    ``external_memory``), which needs a first layer without
    ``hidden_to_memory`` and ``memory_to_memory``; ``"auto"`` (the recipe):
    ``"precomputed"`` where the first layer allows it, else ``"exact"``.
    Returns the resolved choice.

    In MNIST-1D runs (order 40, cosine decay, 30 epochs) ``"exact"`` and
    ``"rate"`` did equally well with spikes (0.691, 0.690) and ``"exact"``
    trained 1.8x faster per epoch; at a constant learning rate the cell
    trained on the exact memory relied on more precision than the memory's
    neurons give (0.762 with the exact memory, 0.654 with its rate neurons):
    ``"rate"`` is the remedy where that happens.
    """
    check_choice(choice, MEMORY_SURROGATES, "memory_surrogate")
    fed_back = spec.layers[0].fed_back
    if choice == "auto":
        return "exact" if fed_back else "precomputed"
    if choice == "precomputed" and fed_back:
        raise ValidationError(
            "'precomputed' needs a first memory fed by the input alone: its "
            "layer has hidden_to_memory or memory_to_memory (use 'exact')",
            attr="memory_surrogate",
        )
    return choice


def recipe_optimizer(
    learning_rate=1e-2,
    lr_schedule="cosine",
    weight_decay=0.0,
    decay_steps=None,
    clip_norm=1.0,
):
    """The optimizer of the recommended recipe, for ``sim.compile``.

    Adam at ``learning_rate`` (a number or a Keras
    ``LearningRateSchedule``); ``lr_schedule="cosine"`` decays a number to 0
    over ``decay_steps`` minibatches (``CosineDecay``), ``"constant"`` keeps
    it; ``weight_decay`` > 0 gives AdamW (decoupled weight decay: each step
    multiplies every trained parameter by ``1 - learning_rate *
    weight_decay``). Measured on MNIST-1D (order 40, lowpass recurrence of
    4 items, 30 epochs, 1000 test sequences): Adam 1e-2 with cosine decay
    scored 0.750 with the rate memory and 0.691 with spikes, against 0.654
    and 0.659 at a constant 1e-2.

    ``clip_norm`` (> 0, default 1; ``None``: no clipping) scales each
    step's gradient down to at most that global norm (Keras'
    ``global_clipnorm``). A recurrent cell of
    unbounded neurons (``nengo.SpikingRectifiedLinear``) trains unstably
    through long sequences without it: on the 500-item recall task's
    validation split (the training suite's recipe, 20 epochs) 0.48 without
    and 0.82 with a norm of 1 (MNIST-1D 0.900 and 0.915).
    """
    import tensorflow as tf

    if not isinstance(
        learning_rate, tf.keras.optimizers.schedules.LearningRateSchedule
    ):
        learning_rate = check_number(
            learning_rate, "learning_rate", low=0, low_open=True
        )
    check_choice(lr_schedule, LR_SCHEDULES, "lr_schedule")
    weight_decay = check_number(weight_decay, "weight_decay", low=0, optional=True)
    if lr_schedule == "cosine" and isinstance(learning_rate, float):
        if decay_steps is None:
            raise ValidationError(
                "a cosine schedule needs the number of minibatches to decay over",
                attr="decay_steps",
            )
        learning_rate = tf.keras.optimizers.schedules.CosineDecay(
            learning_rate, decay_steps=decay_steps
        )
    clip_norm = check_number(
        clip_norm, "clip_norm", low=0, low_open=True, optional=True
    )
    if weight_decay:
        return tf.keras.optimizers.AdamW(
            learning_rate, weight_decay=weight_decay, global_clipnorm=clip_norm
        )
    return tf.optimizers.Adam(learning_rate, global_clipnorm=clip_norm)


def classification_loss(readout):
    """Cross-entropy and accuracy of the prediction after the last item.

    ``readout`` is an `.ItemReadout`; the targets are `class_targets`.
    Returns ``(loss, [accuracy])`` for ``sim.compile``.
    """
    import tensorflow as tf

    end = readout.ends()[-1]

    def last_logits(y_true, y_pred):
        labels = tf.cast(tf.gather(y_true, end, axis=1)[:, 0], tf.int32)
        return labels, readout.read(y_pred, xp=tf)[:, -1]

    def crossentropy(y_true, y_pred):
        labels, logits = last_logits(y_true, y_pred)
        return tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
        )

    def accuracy(y_true, y_pred):
        labels, logits = last_logits(y_true, y_pred)
        hits = tf.equal(tf.argmax(logits, axis=1, output_type=tf.int32), labels)
        return tf.reduce_mean(tf.cast(hits, tf.float32))

    return crossentropy, [accuracy]


def class_targets(labels, readout):
    """Integer labels (n,) as targets at every step (n, steps, 1)."""
    labels = np.asarray(labels)
    return np.repeat(labels[:, None, None], readout.n_steps, axis=1).astype(float)


def regression_loss(readout):
    """Mean squared error of every item's prediction; ``(loss, [])``."""
    import tensorflow as tf

    ends = readout.ends()

    def mse(y_true, y_pred):
        err = tf.gather(y_true, ends, axis=1) - readout.read(y_pred, xp=tf)
        return tf.reduce_mean(tf.square(err))

    return mse, []


def regression_targets(y, readout):
    """Targets (n, n_items, d) at the steps where items are read (zeros
    elsewhere), (n, steps, d)."""
    out = np.zeros((len(y), readout.n_steps, y.shape[2]))
    out[:, readout.ends()] = y
    return out


def training_inputs(built, x, readout, precomputed=False):
    """The data to feed ``built`` with the (scaled) sequences ``x``: padded
    (`.ItemReadout.pad`) and repeated to ``readout.steps_per_item``; with
    ``precomputed`` also the first memory's states (``memory_stim``)."""
    xr = repeat_items(readout.pad(x), readout.steps_per_item)
    if not precomputed:
        return {built.stim: xr}
    return {built.stim: xr, built.memory_stim: built.cells[0].input_memory_states(xr)}


def check_validation(validation_data=None, validation_split=0.0, callbacks=None):
    """Keras' ``fit`` options, checked: ``(validation_split, callbacks)``.

    ``validation_data`` is a pair ``(x, y)``; ``validation_split`` a
    fraction in [0, 1) (not with ``validation_data``); ``callbacks`` a list
    of Keras callbacks (``None``: none).
    """
    validation_split = check_number(validation_split, "validation_split", low=0)
    if validation_split >= 1:
        raise ValidationError(
            f"must be a fraction in [0, 1) (got {validation_split})",
            attr="validation_split",
        )
    if validation_split and validation_data is not None:
        raise ValidationError(
            "give validation_data or validation_split, not both",
            attr="validation_split",
        )
    if validation_data is not None and not (
        isinstance(validation_data, (tuple, list)) and len(validation_data) == 2
    ):
        raise ValidationError("must be a pair (x, y)", attr="validation_data")
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise ValidationError(
            f"must be a list of Keras callbacks (got {callbacks!r})",
            attr="callbacks",
        )
    return validation_split, list(callbacks or [])


def split_validation(x, y, fraction):
    """Hold out the last ``fraction`` of the sequences, as Keras does:
    ``(x, y), (x_val, y_val)``."""
    fraction = check_number(fraction, "validation_split", low=0)
    if fraction >= 1:
        raise ValidationError(
            f"must be a fraction in [0, 1) (got {fraction})", attr="validation_split"
        )
    n_val = int(round(len(x) * fraction))
    if not 0 < n_val < len(x):
        raise ValidationError(
            f"holds out {n_val} of {len(x)} sequences: too few to train or to "
            f"validate on",
            attr="validation_split",
        )
    return (x[:-n_val], y[:-n_val]), (x[-n_val:], y[-n_val:])


def EpochTimer():
    """A Keras callback that records each epoch's wall-clock seconds
    (``.seconds``)."""
    import tensorflow as tf

    class EpochTimer(tf.keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._t0)

    return EpochTimer()


def train(
    built,
    data,
    targets,
    loss,
    optimizer,
    dt,
    minibatch_size,
    epochs,
    metrics=(),
    validation_data=None,
    callbacks=(),
    unroll_simulation=1,
    seed=None,
    verbose=1,
):
    """Train ``built`` in one ``nengo_dl.Simulator``; its trained parameters.

    `.configure_trainable`, then ``compile(optimizer, loss)`` and
    ``fit(data, targets)`` on the unfiltered readout probe with the given
    Keras ``callbacks``, then ``freeze_params`` of what was trained. With
    ``unroll_simulation`` equal to the whole sequence, no TensorFlow while
    loop is built (measured on MNIST-1D, 256-unit cell: 3.5 s per epoch
    against 4.7 s at 1, after about 20 s more building the graph).
    ``validation_data`` is ``(inputs, targets)`` like ``data, targets``.

    Returns ``(params, history, epoch_seconds)``: `.read_params` after
    training, the Keras history dict and each epoch's seconds.
    """
    import nengo_dl

    configure_trainable(built.model)
    steps = next(iter(data.values())).shape[1]
    with built.model:
        if unroll_simulation == steps:
            nengo_dl.configure_settings(use_loop=False)
    if validation_data is not None:
        validation_data = (validation_data[0], {built.p_logits: validation_data[1]})
    timer = EpochTimer()
    with nengo_dl.Simulator(
        built.model,
        dt=dt,
        minibatch_size=minibatch_size,
        unroll_simulation=unroll_simulation,
        seed=seed,
        progress_bar=False,
    ) as sim:
        sim.compile(
            optimizer=optimizer,
            loss={built.p_logits: loss},
            metrics={built.p_logits: list(metrics)},
        )
        hist = sim.fit(
            data,
            {built.p_logits: targets},
            epochs=epochs,
            validation_data=validation_data,
            verbose=verbose,
            callbacks=[timer] + list(callbacks),
        )
        sim.freeze_params(trained_objects(built))
    return read_params(built), dict(hist.history), timer.seconds


__all__ = [
    "MEMORY_SURROGATES",
    "LR_SCHEDULES",
    "resolve_memory_surrogate",
    "recipe_optimizer",
    "classification_loss",
    "class_targets",
    "regression_loss",
    "regression_targets",
    "training_inputs",
    "check_validation",
    "split_validation",
    "EpochTimer",
    "train",
]
