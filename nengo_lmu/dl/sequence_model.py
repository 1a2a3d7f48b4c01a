"""What `LMUClassifier` and `LMURegressor` share: `LMUModel`.

The settings are one `.ModelSpec`; `.build_network` builds the network from
it; `LMUModel.fit` scales the inputs and the first memory's states to the
data (`.Scaler`, `.memory_state_scale`) and trains with the parts of
`nengo_lmu.dl.training` in an ordinary ``nengo_dl.Simulator``;
`LMUModel.predict` rebuilds the trained network at a finer ``dt`` with
spiking neurons and reads it with `.ItemReadout` (`.run_sequences`);
`LMUModel.save` and `LMUModel.load` keep everything in one file
(`.save_model`).
"""

import inspect

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_bool, check_choice, check_int, check_number
from nengo_lmu.dl.deploy import SIMULATORS, run_sequences
from nengo_lmu.dl.inputs import (
    Scaler,
    memory_covariance,
    memory_state_scale,
    repeat_items,
)
from nengo_lmu.dl.network import STATE_SIGMAS, build_network, measure_hidden_rates
from nengo_lmu.dl.persist import (
    load_model,
    params_from_arrays,
    params_to_arrays,
    save_model,
)
from nengo_lmu.dl.readout import ItemReadout, check_sequences
from nengo_lmu.dl.spec import ITEM_READOUTS, ModelSpec
from nengo_lmu.dl.training import (
    check_validation,
    recipe_optimizer,
    resolve_memory_surrogate,
    split_validation,
    train,
    training_inputs,
)
from nengo_lmu.networks.scalings import upgrade_old_keywords

#: the settings of `.ModelSpec` that a model reads as its own (``clf.theta``)
SPEC_ATTRIBUTES = frozenset(
    [p for p in inspect.signature(ModelSpec).parameters if p != "cell_kwargs"]
    + ["theta", "lag"]
) - {"input_scale"}


def _signature(output_name):
    """`.ModelSpec`'s signature with ``output_d`` named ``output_name``."""
    sig = inspect.signature(ModelSpec)
    return sig.replace(
        parameters=[
            p.replace(name=output_name) if p.name == "output_d" else p
            for p in sig.parameters.values()
        ]
    )


#: training sequences that `fit` measures the memory's state covariance on
COVARIANCE_SEQUENCES = 1000


class LMUModel:
    """A sequence model: `.LMUCell` layers and a dense readout, trained in
    NengoDL and run with spikes.

    Takes the arguments of `.ModelSpec` (documented there; a subclass may
    name ``output_d`` otherwise, see ``output_name``) or one `.ModelSpec`,
    and keeps it as ``spec``; its settings read as the model's own
    (``model.theta_items``). `LMUClassifier` and `LMURegressor` add the
    loss, the targets and the output.
    """

    #: the name of ``output_d`` in the constructor and the saved settings
    output_name = "output_d"
    #: ``fit``'s ``lif_smoothing="default"``
    default_lif_smoothing = None
    #: whether the input scaler centres the data
    center_inputs = False
    #: the first memory's state scale is this many RMS of its states
    state_sigmas = STATE_SIGMAS
    ITEM_READOUTS = ITEM_READOUTS

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__signature__ = _signature(cls.output_name)

    @classmethod
    def make_spec(cls, *args, **kwargs):
        """The `.ModelSpec` of these arguments (``output_d`` named as this
        class names it); one `.ModelSpec` is returned as it is."""
        if len(args) == 1 and not kwargs and isinstance(args[0], ModelSpec):
            return args[0]
        settings = dict(cls.__signature__.bind(*args, **kwargs).arguments)
        settings.update(settings.pop("cell_kwargs", {}))
        settings["output_d"] = settings.pop(cls.output_name)
        try:
            return ModelSpec(**settings)
        except ValidationError as e:
            if e.attr != "output_d":
                raise
            raise ValidationError(e.args[0], attr=cls.output_name, obj=e.obj)

    def __init__(self, *args, **kwargs):
        #: the validated settings (a frozen `.ModelSpec`)
        self.spec = self.make_spec(*args, **kwargs)
        spec = self.spec
        self.params = None  # trained kernels and readout
        self.input_offset = 0.0  # set by fit: inputs are (x - offset) * scale
        self.input_scale = spec.input_scale  # set by fit when None
        self.state_scale = None  # set by fit: the first memory's state scale
        #: set by fit: the first memory's states' second moment on the
        #: training data, for its trained input encoders
        #: (`nengo_lmu.dl.inputs.memory_covariance`)
        self.memory_covariance = None
        #: set by fit: each cell's hidden neurons' 90th-percentile firing rate
        #: (Hz) on the training data, or None (not LIF)
        self.hidden_rates = None
        self.history = {}
        # every cell argument checked now, not at the first fit
        built = self.build(training=True)
        self._kernel_names = [sorted(cell.kernel_shapes()) for cell in built.cells]

    def __getattr__(self, name):
        # the spec's settings read as the model's own (``clf.theta_items``)
        if name in SPEC_ATTRIBUTES and "spec" in self.__dict__:
            return getattr(self.spec, name)
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")

    def get_config(self):
        """The constructor arguments, by name (what `save` stores)."""
        return {
            self.output_name if k == "output_d" else k: v
            for k, v in self.spec.to_dict().items()
        }

    def build(self, steps_per_item=1, params=None, **options):
        """The model at ``dt = item_duration / steps_per_item``: a `.Built`.

        `.build_network` with this model's spec, trained ``params`` (unless
        others are given), state scale and hidden rates; ``options`` are
        its (``rate``, ``training``, ``exact_memory``, ``lif_smoothing``,
        ``external_memory``).
        """
        return build_network(
            self.spec,
            params=self.params if params is None else params,
            state_scale=self.state_scale,
            hidden_rates=self.hidden_rates,
            steps_per_item=steps_per_item,
            memory_covariance=self.memory_covariance,
            **options,
        )

    def pad(self, x):
        """Append ``lag`` copies of the last item: the cells lag one step each."""
        return ItemReadout(self.spec).pad(x)

    def n_trainable(self):
        """Number of trainable parameters (kernels, biases and readout)."""
        b = self.build(training=True)
        n = sum(
            int(np.prod(shape))
            for cell in b.cells
            for shape in cell.kernel_shapes().values()
        )
        return n + self.spec.output_d * (b.cells[-1].spec.hidden_units + 1)

    def _check_x(self, x):
        return check_sequences(x, self.spec.n_items, self.spec.input_d, "x")

    def _scale_inputs(self, x):
        return (x - self.input_offset) * self.input_scale

    def measure_hidden_rates(self, x, minibatch_size=100):
        """`.measure_hidden_rates` of this model on scaled ``x``."""
        return measure_hidden_rates(
            self.spec, x, self.params, self.state_scale, minibatch_size
        )

    def fit(
        self,
        x,
        y,
        epochs=10,
        minibatch_size=100,
        learning_rate=1e-2,
        lr_schedule="cosine",
        weight_decay=0.0,
        clip_norm=1.0,
        validation_data=None,
        validation_split=0.0,
        callbacks=None,
        lif_smoothing="default",
        unroll_simulation=1,
        memory_surrogate="auto",
        steps_per_item=1,
        verbose=1,
    ):
        """Train in NengoDL with rate neurons, ``steps_per_item`` steps per item.

        `LMUClassifier` minimises the cross-entropy of the readout after the
        last item (``y``: integer labels, shape (n,)); `LMURegressor` the mean
        squared error of the standardised targets over every item (``y``:
        shape (n, n_items, output_d)). ``validation_data`` is ``(x, y)``;
        ``validation_split`` (a fraction in [0, 1)) holds out the last
        sequences of ``x`` instead, as Keras does. ``callbacks`` are Keras
        callbacks given to NengoDL's ``fit`` (``EarlyStopping``, ...).
        ``len(x)`` is trimmed to a multiple of ``minibatch_size`` (NengoDL
        needs whole minibatches; ``history["dropped"]`` counts the dropped
        sequences). Returns the Keras history dict, with
        ``seconds_per_epoch`` (the median after the first epoch, which
        builds the graph).

        The defaults are the recommended recipe (as the ``nengo-lmu train``
        command's): Adam at 1e-2 with cosine decay over the training and the
        gradient's global norm clipped to 1 (``learning_rate``,
        ``lr_schedule``, ``weight_decay``, ``clip_norm``, ``None`` for no
        clipping: see `.recipe_optimizer`), the first memory precomputed
        where it can be (``memory_surrogate``: see
        `.resolve_memory_surrogate`).

        Hidden neurons always train through their rate curves.

        ``lif_smoothing`` (a sigma, or ``None`` for LIFRate) trains LIF
        hidden neurons through NengoDL's ``SoftLIFRate`` (see
        `.rate_version`): LIFRate's gradient is infinite at threshold and
        zero below it, the soft curve's is neither. ``"default"`` is the
        class's ``default_lif_smoothing``, chosen by measurement: 0.02 for
        `LMUClassifier` (MNIST-1D, order 40, 30 epochs: rate 0.750 -> 0.788,
        spiking 0.691 -> 0.773) and ``None`` for `LMURegressor`
        (Mackey-Glass, 100 epochs: it made the rate NRMSE worse, dense 0.050
        -> 0.088, and the spiking one too, 0.160 -> 0.173).

        ``steps_per_item`` (default 1) simulator steps per item in training,
        at that many times the cost per epoch. On MNIST-1D (order 40, 10
        epochs) training at 4 steps per item did not narrow the gap to the
        spiking evaluation (test 0.473 vs 0.573 at its own step size).
        ``unroll_simulation`` is NengoDL's (see `.train`).
        """
        epochs = check_int(epochs, "epochs", low=1)
        minibatch_size = check_int(minibatch_size, "minibatch_size", low=1)
        steps_per_item = check_int(steps_per_item, "steps_per_item", low=1)
        unroll_simulation = check_int(unroll_simulation, "unroll_simulation", low=1)
        verbose = check_int(verbose, "verbose", low=0)
        if isinstance(lif_smoothing, str) and lif_smoothing == "default":
            lif_smoothing = self.default_lif_smoothing
        lif_smoothing = check_number(
            lif_smoothing, "lif_smoothing", low=0, low_open=True, optional=True
        )
        surrogate = resolve_memory_surrogate(self.spec, memory_surrogate)
        precomputed = surrogate == "precomputed"
        validation_split, callbacks = check_validation(
            validation_data, validation_split, callbacks
        )
        if validation_split:
            (x, y), validation_data = split_validation(
                *self._check_pair(x, y), validation_split
            )
        readout = ItemReadout(self.spec, steps_per_item)
        x, targets, val, loss, metrics = self._training_set(
            x, y, validation_data, readout
        )
        n = (len(x) // minibatch_size) * minibatch_size
        if n == 0:
            raise ValidationError(
                f"fewer samples ({len(x)}) than minibatch_size ({minibatch_size})",
                attr="minibatch_size",
            )
        if val is not None and len(val[0]) < minibatch_size:
            raise ValidationError(
                f"fewer validation samples ({len(val[0])}) than minibatch_size "
                f"({minibatch_size})",
                attr="validation_data",
            )
        optimizer = recipe_optimizer(
            learning_rate,
            lr_schedule,
            weight_decay,
            decay_steps=epochs * (n // minibatch_size),
            clip_norm=clip_norm,
        )
        if self.params is None:
            scaler = Scaler.fit(x, center=self.center_inputs)
            self.input_offset = scaler.offset
            if self.input_scale is None:
                # unit variance: the memory's neurons are scaled to the data
                # (state scale below), the kernels learn at Adam's step size
                self.input_scale = scaler.scale
        x = self._scale_inputs(x)
        first = self.spec.layers[0]
        if self.state_scale is None and not first.scaled_by_caller():
            self.state_scale = memory_state_scale(
                x, first.order, self.spec.layer_theta_items(0), STATE_SIGMAS
            )
        # rate neurons outright (NengoDL would train spiking ones through the
        # same rate curves), so that validation, which NengoDL runs in
        # inference mode, also sees rates
        b = self.build(
            steps_per_item=steps_per_item,
            rate=True,
            training=True,
            exact_memory=surrogate != "rate",
            lif_smoothing=lif_smoothing,
            external_memory=precomputed,
        )
        val_data = None
        if val is not None:
            nv = (len(val[0]) // minibatch_size) * minibatch_size
            xv = self._scale_inputs(val[0][:nv])
            val_data = (training_inputs(b, xv, readout, precomputed), val[1][:nv])
        self.params, history, seconds = train(
            b,
            training_inputs(b, x[:n], readout, precomputed),
            targets[:n],
            loss,
            optimizer,
            dt=self.spec.item_duration / steps_per_item,
            minibatch_size=minibatch_size,
            epochs=epochs,
            metrics=metrics,
            validation_data=val_data,
            callbacks=callbacks,
            unroll_simulation=unroll_simulation,
            seed=self.spec.seed,
            verbose=verbose,
        )
        if self.state_scale is not None:
            # the memory is deployed for the encoders it was trained with
            encoders = self.params["cells"][0]["input_encoders"]
            self.memory_covariance = memory_covariance(
                x[: min(n, COVARIANCE_SEQUENCES)],
                encoders,
                first.order,
                self.spec.layer_theta_items(0),
            )
        self.hidden_rates = self.measure_hidden_rates(x[:500], minibatch_size)
        self.history = history
        self.history["epoch_seconds"] = seconds
        steady = seconds[1:] if len(seconds) > 1 else seconds
        self.history["seconds_per_epoch"] = float(np.median(steady))
        self.history["dropped"] = len(x) - n
        return self.history

    def _simulate(self, x, steps_per_item, spiking, simulator, minibatch_size, verbose):
        """Run checked ``x``; the readout at every step, (n, steps, output_d).

        Spiking runs return the probe filtered by ``readout_synapse``
        (unfiltered when it is None), rate runs the unfiltered readout.
        """
        if self.params is None:
            raise ValidationError(
                "the model is not trained (call fit, or load a saved model)",
                attr="params",
            )
        steps_per_item = check_int(steps_per_item, "steps_per_item", low=1)
        check_bool(spiking, "spiking")
        check_choice(simulator, SIMULATORS, "simulator")
        check_int(minibatch_size, "minibatch_size", low=1)
        b = self.build(steps_per_item=steps_per_item, rate=not spiking)
        probe = b.p_filtered if spiking and b.p_filtered is not None else b.p_logits
        x = self.pad(self._scale_inputs(x))
        return run_sequences(
            b.model,
            {b.stim: repeat_items(x, steps_per_item)},
            probe,
            dt=self.spec.item_duration / steps_per_item,
            simulator=simulator,
            minibatch_size=minibatch_size,
            seed=self.spec.seed,
            verbose=verbose,
        )

    def predict(
        self,
        x,
        steps_per_item=1,
        spiking=True,
        simulator="nengo_dl",
        minibatch_size=100,
        verbose=1,
    ):
        """Run the trained model on the sequences ``x`` and read it out.

        `LMUClassifier`: the logits at the end of each sequence, (n,
        n_classes); `LMURegressor`: the predictions at every item, (n,
        n_items, output_d), in the targets' units. Each item is read ``lag``
        simulator steps after its last step (where the memory has taken in
        exactly the items up to it, `.ItemReadout`).

        With ``spiking=True`` the network runs with its spiking neurons at
        ``dt = item_duration / steps_per_item``, and an item's prediction is
        the mean of the readout's steps in the ``readout_items`` window (or,
        with a ``readout_synapse``, the filtered readout). With
        ``spiking=False`` every neuron is replaced by its rate version and
        the readout is read as in training (``item_readout``).
        ``simulator`` is ``"nengo_dl"`` (minibatched) or ``"nengo"`` (the
        reference simulator, one sequence at a time). ``verbose=1`` shows a
        progress bar over the sequences.
        """
        x = self._check_x(x)
        out = self._simulate(
            x, steps_per_item, spiking, simulator, minibatch_size, verbose
        )
        return self._output(ItemReadout(self.spec, steps_per_item, spiking).read(out))

    def _fitted(self):
        """What training fitted beside the weights (see `save`)."""
        return dict(
            input_scale=self.input_scale,
            input_offset=self.input_offset,
            hidden_rates=self.hidden_rates,
        )

    def save(self, path):
        """Save the trained model to one ``.npz`` file; returns its path.

        The file holds the settings (`get_config`), the fitted scalers, the
        trained parameters (float64, exactly) and the package version:
        ``type(model).load(path)`` rebuilds the same model. The file is
        written beside ``path`` under a temporary name and renamed over it
        when complete, so a failed save leaves an earlier file whole.
        ``.npz`` is appended to a ``path`` without it.
        """
        if self.params is None:
            raise ValidationError("nothing to save: not trained", attr="params")
        arrays = params_to_arrays(self.params, self.state_scale, self.memory_covariance)
        config = dict(model=type(self).__name__, kwargs=self.get_config())
        return save_model(path, config, self._fitted(), arrays)

    @classmethod
    def load(cls, path, **changes):
        """A model saved by `save`, rebuilt with no arguments retyped.

        ``changes`` replace settings for deployment (e.g.
        ``compensate_loop=False``, ``readout_items=2``); names that are not
        `.ModelSpec` arguments are `.LayerSpec` arguments applied to every
        layer (e.g. ``hidden_neuron_type=scale_firing_rates(lif, 3)``).
        A file that is not a saved model of this class, or whose weights do
        not fit the model it describes (with ``changes``), raises a
        `~nengo.exceptions.ValidationError` naming what is wrong.
        """
        config, fitted, arrays, _ = load_model(path)
        if not isinstance(config, dict) or config.get("model") != cls.__name__:
            name = config.get("model") if isinstance(config, dict) else None
            raise ValidationError(
                f"{path} holds a {name} model, not a {cls.__name__}", attr="path"
            )
        try:
            spec = cls.make_spec(**_upgrade_settings(config["kwargs"]))
        except TypeError as e:  # a missing or unknown setting
            raise ValidationError(f"{path} has bad settings ({e})", attr="path")
        if changes:
            if cls.output_name in changes:
                changes["output_d"] = changes.pop(cls.output_name)
            spec = spec.replace(**changes)
        model = cls(spec)
        params = params_from_arrays(arrays, model._kernel_names, path)
        model.state_scale = arrays.get("state_scale")
        model.memory_covariance = arrays.get("memory_covariance")
        try:
            # building checks every shape against the model's set-up
            model.build(params=params, rate=True)
        except ValidationError as e:
            raise ValidationError(
                f"{path} does not fit the model it describes: {e}", attr="path"
            )
        model.params = params
        for name, value in fitted.items():
            setattr(model, name, value)
        return model


LMUModel.__signature__ = _signature(LMUModel.output_name)

__all__ = ["LMUModel"]


#: the hidden neurons of files that do not name theirs (written when this
#: was every model's default)
LEGACY_HIDDEN_NEURON = nengo.LIF(amplitude=0.01)


def _upgrade_settings(kwargs, layer=False):
    """Saved settings with the memory's keywords that ``scaling`` replaced
    (``input_process``, ``state_scale``, ...) given as ``scaling``, and the
    hidden neurons of files that do not name them (`LEGACY_HIDDEN_NEURON`)."""
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("memory_kwargs"), dict):
        kwargs["memory_kwargs"] = upgrade_old_keywords(kwargs["memory_kwargs"])
    if isinstance(kwargs.get("layers"), list):
        kwargs["layers"] = [
            _upgrade_settings(lay, layer=True) if isinstance(lay, dict) else lay
            for lay in kwargs["layers"]
        ]
    elif layer or "layers" not in kwargs:
        kwargs.setdefault("hidden_neuron_type", LEGACY_HIDDEN_NEURON)
    return kwargs
