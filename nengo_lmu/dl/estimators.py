"""Ready-made LMU sequence models: `LMUClassifier` and `LMURegressor`.

Thin conveniences over the parts of `nengo_lmu.dl`: they build stacked
`.LMUCell` layers and a dense readout, fit the input scaler and the first
memory's state scale to the data, train in NengoDL (`configure_trainable`,
rate surrogates, the precomputed memory), rebuild the trained network at a
finer ``dt`` with spiking neurons (`compensated_synapse`, `run_sequences`)
and save everything in one file (`save_model`, `load`).
"""

import dataclasses
import inspect
import time

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_bool, check_choice, check_int, check_number
from nengo_lmu.dl.config import configure_trainable, rate_version
from nengo_lmu.dl.deploy import SIMULATORS, compensated_synapse, run_sequences
from nengo_lmu.dl.inputs import Scaler, memory_state_scale, pad_items, repeat_items
from nengo_lmu.dl.persist import load_model, save_model
from nengo_lmu.networks import LMUCell
from nengo_lmu.networks.legendre_memory import DEFAULT_ENSEMBLE
from nengo_lmu.networks.lmu_cell import DEFAULT_HIDDEN_NEURON
from nengo_lmu.neurons import scale_firing_rates

#: what ``fit``'s ``memory_surrogate`` accepts ("auto": "precomputed" where
#: the first cell allows it, else "exact")
MEMORY_SURROGATES = ("auto", "exact", "rate", "precomputed")


def _epoch_timer():
    import tensorflow as tf

    class EpochTimer(tf.keras.callbacks.Callback):
        """Wall-clock seconds of each training epoch."""

        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._t0)

    return EpochTimer()


@dataclasses.dataclass
class Built:
    """A model built by `LMUClassifier.build` or `LMURegressor.build`."""

    model: nengo.Network
    stim: nengo.Node
    cells: list  # of LMUCell, input first
    readout: nengo.Node
    readout_conn: nengo.Connection
    bias_conn: nengo.Connection
    p_logits: nengo.Probe  # unfiltered; last step only when trained in NengoDL
    p_filtered: nengo.Probe  # filtered by ``readout_synapse``, for spikes
    #: drives the first cell's memory state (``external_memory`` builds only)
    memory_stim: nengo.Node = None


class _LMUModel:
    """What `LMUClassifier` and `LMURegressor` share: stacked cells, a dense
    readout, input and state scaling, NengoDL training, spiking simulation,
    exact save/load. See the subclasses for the parameters."""

    #: ``fit``'s ``lif_smoothing="default"`` (see `fit`)
    default_lif_smoothing = None

    #: the first memory's state scale is this many RMS of its states
    state_sigmas = 5.0

    #: the ``item_readout`` options
    ITEM_READOUTS = ("mean", "last")

    def __init__(
        self,
        input_d,
        n_items,
        output_d,
        theta_items,
        item_duration=0.05,
        readout_synapse=None,
        readout_items=4.0,
        input_scale=None,
        seed=0,
        layers=None,
        normalize_memory=False,
        compensate_loop=True,
        item_readout="mean",
        rate_factor="auto",
        **cell_kwargs,
    ):
        self.input_d = check_int(input_d, "input_d", low=1)
        self.n_items = check_int(n_items, "n_items", low=1)
        self.output_d = check_int(output_d, self._output_name, low=1)
        if isinstance(theta_items, str):
            raise ValidationError(
                f"must be a number (got {theta_items!r})", attr="theta_items"
            )
        self.theta_items = check_number(theta_items, "theta_items")
        if not self.theta_items >= 1:
            raise ValidationError(
                f"is the window in items (sequence steps), like keras-lmu's theta, "
                f"and must be >= 1 (got {theta_items!r}; seconds are "
                f"theta_items * item_duration)",
                attr="theta_items",
            )
        self.item_duration = check_number(
            item_duration, "item_duration", low=0, low_open=True
        )
        self.readout_synapse = check_number(
            readout_synapse, "readout_synapse", low=0, optional=True
        )
        self.readout_items = check_number(
            readout_items, "readout_items", low=0, low_open=True
        )
        self.seed = None if seed is None else check_int(seed, "seed")
        if layers is None:
            layers = [cell_kwargs]
        elif cell_kwargs:
            raise ValidationError(
                f"give cell arguments either in layers or as keywords, not both "
                f"(got {sorted(cell_kwargs)})",
                attr="layers",
            )
        if not (
            isinstance(layers, (list, tuple))
            and layers
            and all(isinstance(layer, dict) for layer in layers)
        ):
            raise ValidationError(
                f"must be a non-empty list of dicts of LMUCell arguments (got "
                f"{layers!r})",
                attr="layers",
            )
        self.layers = [dict(layer) for layer in layers]
        for layer in self.layers:
            theta = layer.get("theta_items", self.theta_items)
            if not check_number(theta, "theta_items") >= 1:
                raise ValidationError(
                    f"theta_items of every layer must be >= 1 items (got {theta!r})",
                    attr="theta_items",
                )
        check_bool(normalize_memory, "normalize_memory")
        if normalize_memory and "memory_kernel_scale" in self.layers[0]:
            raise ValidationError(
                "sets the first cell's memory_kernel_scale from the data; give "
                "either it or memory_kernel_scale, not both",
                attr="normalize_memory",
            )
        if normalize_memory and self._caller_state_scale():
            raise ValidationError(
                f"uses the memory states' RMS on the training data, which fit "
                f"does not compute when the first cell's memory_kwargs give "
                f"{self._caller_state_scale()}; pass memory_kernel_scale to the "
                f"cell instead",
                attr="normalize_memory",
            )
        self.normalize_memory = bool(normalize_memory)
        self.compensate_loop = check_bool(compensate_loop, "compensate_loop")
        check_choice(item_readout, self.ITEM_READOUTS, "item_readout")
        if item_readout == "mean" and self.readout_synapse is not None:
            raise ValidationError(
                f"'mean' averages the unfiltered readout, so it needs "
                f"readout_synapse=None (got {self.readout_synapse!r}); use "
                f"item_readout='last' with a readout synapse",
                attr="item_readout",
            )
        self.item_readout = item_readout
        if not (isinstance(rate_factor, str) and rate_factor == "auto"):
            rate_factor = check_number(rate_factor, "rate_factor", low=0, low_open=True)
        self.rate_factor = rate_factor
        #: set by fit: each cell's hidden neurons' 90th-percentile firing rate
        #: (Hz) on the training data, or None (not LIF)
        self.hidden_rates = None
        self.params = None  # trained kernels and readout
        self.input_offset = 0.0  # set by fit: inputs are (x - offset) * scale
        self.input_scale = check_number(
            input_scale, "input_scale", low=0, low_open=True, optional=True
        )
        self._given_input_scale = self.input_scale
        self.state_scale = None  # set by fit: the first memory's state scale
        self.history = {}
        # every cell argument checked now, not at the first fit
        try:
            built = self.build(training=True)
        except TypeError as e:  # a missing or unknown LMUCell argument
            raise ValidationError(f"bad LMUCell arguments: {e}", attr="layers")
        self._kernel_names = [sorted(cell.kernel_shapes()) for cell in built.cells]

    def get_config(self):
        """The constructor arguments, by name (what `save` stores)."""
        names = [
            p
            for p in inspect.signature(type(self).__init__).parameters
            if p not in ("self", "cell_kwargs")
        ]
        config = {name: getattr(self, name) for name in names if name != "layers"}
        config["input_scale"] = self._given_input_scale
        config["layers"] = [dict(layer) for layer in self.layers]
        return config

    def _caller_state_scale(self):
        """The first memory's arguments that scale its states (sorted), if the
        caller gave any; otherwise fit scales them to the data."""
        given = self.layers[0].get("memory_kwargs", {})
        return sorted({"state_scale", "input_process"} & set(given))

    @property
    def theta(self):
        """Memory window in seconds."""
        return self.theta_items * self.item_duration

    def build(
        self,
        steps_per_item=1,
        params=None,
        rate=False,
        training=False,
        exact_memory=False,
        lif_smoothing=None,
        external_memory=False,
    ):
        """Build the model at ``dt = item_duration / steps_per_item``.

        Returns a `Built`; ``p_logits`` probes the (unfiltered) readout.

        ``rate=True`` replaces every spiking neuron type by its rate version
        (the hidden layers' LIF by ``SoftLIFRate`` with ``lif_smoothing``,
        see `rate_version`);
        ``exact_memory=True`` every memory by the exact linear system it
        implements (``nengo.Direct`` neurons); ``external_memory=True``
        leaves the first cell's memory out (`.LMUCell`'s ``external_memory``):
        ``memory_stim`` feeds its states, which the first cell's
        ``input_memory_states`` computes from the (scaled, padded, repeated)
        input;
        ``training=True`` leaves out the filtered (spiking) readout probe.
        """
        dt = self.item_duration / steps_per_item
        params = self.params if params is None else params
        rng = np.random.RandomState(self.seed)
        memory_stim = None
        with nengo.Network(seed=self.seed) as model:
            stim = nengo.Node(np.zeros(self.input_d), label="x")
            cells = []
            pre, pre_d = stim, self.input_d
            for k, layer in enumerate(self.layers):
                kwargs = dict(layer)
                theta_items = float(kwargs.pop("theta_items", self.theta_items))
                kwargs.setdefault("seed", None if self.seed is None else self.seed + k)
                if k == 0 and self.state_scale is not None:
                    memory_kwargs = dict(kwargs.get("memory_kwargs", {}))
                    memory_kwargs["state_scale"] = np.tile(
                        self.state_scale, kwargs.get("memory_d", 1)
                    )
                    kwargs["memory_kwargs"] = memory_kwargs
                    if self.normalize_memory and training:
                        # (only in training: it changes the step sizes, not
                        # the network, which runs elsewhere without the node)
                        kwargs["memory_kernel_scale"] = np.tile(
                            self.state_scale / self.state_sigmas,
                            kwargs.get("memory_d", 1),
                        )
                if self.compensate_loop and steps_per_item > 1:
                    kwargs = self._compensated(kwargs, dt)
                hidden_type = kwargs.get("hidden_neuron_type", DEFAULT_HIDDEN_NEURON)
                if rate:
                    kwargs["hidden_neuron_type"] = rate_version(
                        hidden_type, lif_smoothing
                    )
                elif type(hidden_type) is nengo.LIF:
                    factor = self._rate_factor(k, dt, hidden_type)
                    if factor != 1:
                        kwargs["hidden_neuron_type"] = scale_firing_rates(
                            hidden_type, factor
                        )
                if k == 0 and external_memory:
                    kwargs["external_memory"] = True
                elif exact_memory:
                    kwargs["memory_neuron_type"] = nengo.Direct()
                elif rate:
                    kwargs["memory_neuron_type"] = rate_version(
                        kwargs.get(
                            "memory_neuron_type", DEFAULT_ENSEMBLE["neuron_type"]
                        )
                    )
                cell = LMUCell(
                    pre_d,
                    theta=theta_items * self.item_duration,
                    dt=dt,
                    kernels=None if params is None else params["cells"][k],
                    label=f"lmu{k}",
                    **kwargs,
                )
                nengo.Connection(pre, cell.input, synapse=None)
                if k == 0 and external_memory:
                    memory_stim = nengo.Node(
                        np.zeros(cell.input_memory.size_in), label="input_memory"
                    )
                    nengo.Connection(memory_stim, cell.input_memory, synapse=None)
                cells.append(cell)
                pre, pre_d = cell.output, cell.spec.hidden_units
            readout = nengo.Node(size_in=self.output_d, label="readout")
            if params is None:
                limit = np.sqrt(6.0 / (pre_d + self.output_d))
                w = rng.uniform(-limit, limit, size=(self.output_d, pre_d))
                b = np.zeros((self.output_d, 1))
            else:
                w, b = params["readout"], params["readout_bias"]
            readout_conn = nengo.Connection(pre, readout, transform=w, synapse=None)
            one = nengo.Node(1.0, label="one")
            bias_conn = nengo.Connection(one, readout, transform=b, synapse=None)
            p_logits = nengo.Probe(readout, synapse=None)
            p_filtered = (
                None if training else nengo.Probe(readout, synapse=self.readout_synapse)
            )
        return Built(
            model,
            stim,
            cells,
            readout,
            readout_conn,
            bias_conn,
            p_logits,
            p_filtered,
            memory_stim,
        )

    def _data_state_scale(self, x):
        """Scale of the first memory's states from the (scaled) training inputs
        (see `memory_state_scale`)."""
        layer = self.layers[0]
        return memory_state_scale(
            x,
            layer.get("order", 1),
            layer.get("theta_items", self.theta_items),
            self.state_sigmas,
        )

    def _compensated(self, kwargs, dt):
        """A recurrent cell's arguments with its loop's lowpass lengthened by
        ``item_duration - dt`` (see ``compensate_loop``)."""
        if (
            kwargs.get("hidden_cell") != "rnn"
            or kwargs.get("hidden_input_synapse") is not None
        ):
            return kwargs
        try:
            synapse = compensated_synapse(
                kwargs.get("hidden_synapse", 0), self.item_duration, dt
            )
        except ValidationError:  # not a lowpass: LMUCell says what it accepts
            return kwargs
        return dict(kwargs, hidden_synapse=synapse)

    #: ``rate_factor="auto"`` raises the hidden neurons' 90th-percentile
    #: training rate to at most this many spikes per simulator step ...
    auto_rate_target = 0.75
    #: ... and keeps their membrane time constant at least this many steps
    auto_min_tau_steps = 4.0

    def _rate_factor(self, k, dt, neuron_type):
        """How many times as fast cell ``k``'s spiking LIF hidden neurons
        (``neuron_type``) fire at ``dt`` (see ``rate_factor``)."""
        if self.rate_factor != "auto":
            return self.rate_factor
        rates = self.hidden_rates
        if rates is None or rates[k] is None or not rates[k] > 0:
            return 1.0
        return max(
            1.0,
            min(
                self.auto_rate_target / (dt * rates[k]),
                neuron_type.tau_rc / (self.auto_min_tau_steps * dt),
            ),
        )

    def _measure_hidden_rates(self, x, minibatch_size):
        """Each cell's 90th-percentile hidden firing rate (Hz) over the rate
        network (exact memories, one step per item) run on scaled ``x``;
        None for a cell whose hidden neurons are not LIF."""
        b = self.build(rate=True, training=True, exact_memory=True)
        types = [
            layer.get("hidden_neuron_type", DEFAULT_HIDDEN_NEURON)
            for layer in self.layers
        ]
        lif = [k for k, t in enumerate(types) if type(t) is nengo.LIF]
        if not lif:
            return [None] * len(types)
        sizes = [b.cells[k].spec.hidden_units for k in lif]
        with b.model:
            rates = nengo.Node(size_in=sum(sizes), label="hidden_rates")
            start = 0
            for k, size in zip(lif, sizes):
                nengo.Connection(
                    b.cells[k].hidden.neurons,
                    rates[start : start + size],
                    transform=1.0 / types[k].amplitude,
                    synapse=None,
                )
                start += size
            probe = nengo.Probe(rates, synapse=None)
        data = run_sequences(
            b.model,
            {b.stim: repeat_items(self.pad(x), 1)},
            probe,
            dt=self.item_duration,
            minibatch_size=min(minibatch_size, len(x)),
            seed=self.seed,
            verbose=0,
        )
        out = [None] * len(types)
        start = 0
        for k, size in zip(lif, sizes):
            out[k] = float(np.percentile(data[..., start : start + size], 90))
            start += size
        return out

    def _ends(self, steps_per_item):
        """The simulator step at which each item's prediction is read.

        Each cell lags one step: the item's last step plus ``lag``. There
        the memory has taken in exactly the items up to this one, at any
        number of steps per item, as in training; a later step would add
        part of the next (or, after the last item, of a repeated) item.
        """
        return (np.arange(self.n_items) + 1) * steps_per_item - 1 + self.lag

    def _item_weights(self, steps_per_item, spiking):
        """How an item's prediction weighs the readout: offsets (steps back
        from where it is read, `_ends`) and their weights, summing to 1.

        Offsets reaching before the first step read the first step."""
        s = self._readout_steps(steps_per_item)
        if spiking and self.readout_synapse is None:
            # the box filter over the window's steps
            return np.arange(s), np.full(s, 1.0 / s)
        if self.item_readout == "last" or spiking:
            return np.zeros(1, dtype=int), np.ones(1)
        # the trapezoid rule over the s + 1 samples that bound the window
        weights = np.full(s + 1, 1.0 / s)
        weights[[0, -1]] = 0.5 / s
        return np.arange(s + 1), weights

    def _read(self, out, steps_per_item, spiking, xp=np):
        """Each item's prediction from the readout at every step: the
        `_item_weights` around each of `_ends`, (n, n_items, output_d).

        ``xp`` is ``np`` for arrays or ``tf`` for tensors."""
        ends = self._ends(steps_per_item)
        offsets, weights = self._item_weights(steps_per_item, spiking)
        if xp is np:
            return sum(
                w * out[:, np.maximum(ends - j, 0)] for j, w in zip(offsets, weights)
            )
        return sum(
            float(w) * xp.gather(out, np.maximum(ends - j, 0), axis=1)
            for j, w in zip(offsets, weights)
        )

    def _readout_steps(self, steps_per_item):
        """Simulator steps in the ``readout_items`` window (at least 1)."""
        return max(1, int(round(self.readout_items * steps_per_item)))

    @property
    def lag(self):
        """Items appended to each sequence: every cell lags one simulator step."""
        return len(self.layers)

    def pad(self, x):
        """Append ``lag`` copies of the last item: the cells lag one step each."""
        return pad_items(x, self.lag)

    def n_trainable(self):
        """Number of trainable parameters (kernels, biases and readout)."""
        b = self.build(training=True)
        n = sum(
            int(np.prod(shape))
            for cell in b.cells
            for shape in cell.kernel_shapes().values()
        )
        return n + self.output_d * (b.cells[-1].spec.hidden_units + 1)

    def _check_sequences(self, a, d, attr, n=None):
        """``a`` as a float (n, n_items, d) array (2-D accepted when d is 1)."""
        try:
            a = np.asarray(a, dtype=float)
        except (TypeError, ValueError) as e:
            raise ValidationError(f"must be an array of numbers ({e})", attr=attr)
        if a.ndim == 2 and d == 1:
            a = a[:, :, None]
        if (
            a.ndim != 3
            or a.shape[1:] != (self.n_items, d)
            or (n is not None and len(a) != n)
        ):
            match = "" if n is None else " to match x"
            raise ValidationError(
                f"must have shape ({'n' if n is None else n}, {self.n_items}, {d})"
                f"{match} (got {a.shape})",
                attr=attr,
            )
        if not np.all(np.isfinite(a)):
            raise ValidationError("must be finite (got NaN or inf)", attr=attr)
        if len(a) == 0:
            raise ValidationError("must hold at least one sequence (got 0)", attr=attr)
        return a

    def _check_x(self, x):
        return self._check_sequences(x, self.input_d, "x")

    def _scale_inputs(self, x):
        return (x - self.input_offset) * self.input_scale

    def fit(
        self,
        x,
        y,
        epochs=10,
        minibatch_size=100,
        learning_rate=1e-2,
        lr_schedule="cosine",
        weight_decay=0.0,
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
        The defaults are the recommended recipe: Adam at 1e-2 with cosine
        decay, the first memory precomputed where it can be.

        ``len(x)`` is trimmed to a multiple of ``minibatch_size`` (NengoDL
        needs whole minibatches); the number of dropped samples is reported
        in ``history["dropped"]``. Returns the Keras history dict, with
        ``seconds_per_epoch``.

        ``learning_rate`` is Adam's: a number or a Keras
        ``LearningRateSchedule``. ``lr_schedule="cosine"`` (default) decays
        a number to 0 over the training (``CosineDecay`` over every
        minibatch of the ``epochs``); ``"constant"`` keeps it. ``weight_decay`` > 0
        uses AdamW, Adam with decoupled weight decay (each step multiplies
        every trained parameter by ``1 - learning_rate * weight_decay``).
        Measured on MNIST-1D (order 40, lowpass recurrence of 4 items, 30
        epochs, 1000 test sequences): Adam 1e-2 with cosine decay scored
        0.750 with the rate memory and 0.691 with spikes, against 0.654 and
        0.659 at a constant 1e-2.

        The memories are never trained; ``memory_surrogate`` says what
        stands in for them during training: ``"exact"``, the
        linear system they implement, or ``"rate"``, their rate neurons. In
        the same MNIST-1D runs (cosine decay) the two did equally well with
        spikes (exact 0.691, rate 0.690; with the rate memory 0.750 and
        0.733), and ``"exact"`` trained 1.8x faster per epoch (6.4 vs 11.8
        s). At a constant learning rate the cell trained on the exact memory
        relied on more precision than the memory's neurons give (0.762 with
        the exact memory, 0.654 with its rate neurons, 0.665 with 8000
        neurons: its high Legendre coefficients carry errors of about 8 %);
        ``"rate"`` is the remedy where that happens. ``"precomputed"`` is
        ``"exact"`` with the first memory's dynamics computed once per data
        set, before training, instead of at every simulator step
        (`.LMUCell`'s ``external_memory``): the same states and the same
        trainable parameters (input encoders included), fewer operators per
        step. It needs a first layer without ``hidden_to_memory`` and
        ``memory_to_memory``. ``"auto"`` (default) is ``"precomputed"``
        where the first layer allows it, else ``"exact"``. Hidden neurons
        always train through their rate curves.

        ``lif_smoothing`` (a sigma, or ``None`` for LIFRate) trains LIF
        hidden neurons through NengoDL's ``SoftLIFRate`` with that sigma
        (see `rate_version`): LIFRate's gradient is infinite at threshold
        and zero below it, the soft curve's is neither. The network run
        afterwards (rate or spiking) uses the true LIF curve. ``"default"``
        is the class's ``default_lif_smoothing``, chosen by measurement:
        0.02 for `LMUClassifier` (MNIST-1D, order 40, 4-item lowpass,
        cosine decay from 1e-2, 30 epochs, all 1000 test sequences: rate
        0.750 -> 0.788, spiking 0.691 -> 0.773, at the same cost per epoch)
        and ``None`` for `LMURegressor` (Mackey-Glass, 100 epochs: it made
        the rate NRMSE worse, dense 0.050 -> 0.088, recurrent 0.073 ->
        0.143, and the spiking one too, 0.160 -> 0.173 and 0.198 -> 0.223).

        ``steps_per_item`` (default 1) simulator steps per item in training,
        at that many times the cost per epoch: a recurrent hidden layer
        computes a slightly different function at each step size (its input,
        the memory, changes within an item). Measured on MNIST-1D (order 40,
        10 epochs), training at 4 steps per item did not narrow the gap to
        the spiking evaluation: the finer-step network fitted the training
        set better (0.673 vs 0.614) and generalised worse (test 0.473 vs
        0.573 at its own step size; 0.450 vs 0.483 at 20 steps).

        ``unroll_simulation`` is NengoDL's: simulator steps built into each
        iteration of the TensorFlow while loop. ``(n_items + lag) *
        steps_per_item`` (the whole padded sequence) builds no loop at all:
        measured on MNIST-1D (the 256-unit cell, 2000 sequences, 2-core CPU)
        3.5 s per epoch against 4.7 s at 1, after about 20 s more building
        the graph; at 5 steps per item, fully unrolled, the build took 105 s.
        """
        import nengo_dl
        import tensorflow as tf

        epochs = check_int(epochs, "epochs", low=1)
        minibatch_size = check_int(minibatch_size, "minibatch_size", low=1)
        steps_per_item = check_int(steps_per_item, "steps_per_item", low=1)
        unroll_simulation = check_int(unroll_simulation, "unroll_simulation", low=1)
        verbose = check_int(verbose, "verbose", low=0)
        if not isinstance(
            learning_rate, tf.keras.optimizers.schedules.LearningRateSchedule
        ):
            learning_rate = check_number(
                learning_rate, "learning_rate", low=0, low_open=True
            )
        check_choice(lr_schedule, ("constant", "cosine"), "lr_schedule")
        weight_decay = check_number(weight_decay, "weight_decay", low=0, optional=True)
        if isinstance(lif_smoothing, str) and lif_smoothing == "default":
            lif_smoothing = self.default_lif_smoothing
        lif_smoothing = check_number(
            lif_smoothing, "lif_smoothing", low=0, low_open=True, optional=True
        )
        check_choice(memory_surrogate, MEMORY_SURROGATES, "memory_surrogate")
        first = self.layers[0]
        fed_back = first.get("hidden_to_memory") or first.get("memory_to_memory")
        if memory_surrogate == "auto":
            memory_surrogate = "exact" if fed_back else "precomputed"
        precomputed = memory_surrogate == "precomputed"
        if precomputed and fed_back:
            raise ValidationError(
                "'precomputed' needs a first memory fed by the input alone: its "
                "layer has hidden_to_memory or memory_to_memory (use 'exact')",
                attr="memory_surrogate",
            )
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
        if callbacks is not None and not isinstance(callbacks, (list, tuple)):
            raise ValidationError(
                f"must be a list of Keras callbacks (got {callbacks!r})",
                attr="callbacks",
            )
        if validation_data is not None and not (
            isinstance(validation_data, (tuple, list)) and len(validation_data) == 2
        ):
            raise ValidationError("must be a pair (x, y)", attr="validation_data")
        if validation_split:
            x, y = self._check_pair(x, y)
            n_val = int(round(len(x) * validation_split))
            if not 0 < n_val < len(x):
                raise ValidationError(
                    f"holds out {n_val} of {len(x)} sequences: too few to train or "
                    f"to validate on",
                    attr="validation_split",
                )
            validation_data = (x[-n_val:], y[-n_val:])
            x, y = x[:-n_val], y[:-n_val]
        x, targets, val, loss, metrics = self._training_set(
            x, y, validation_data, steps_per_item
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
        if self.params is None:
            scaler = Scaler.fit(x, center=self.center_inputs)
            self.input_offset = scaler.offset
            if self.input_scale is None:
                # unit variance: the memory's neurons are scaled to the data
                # (state scale below), and the hidden kernels learn at Adam's
                # step size
                self.input_scale = scaler.scale
        x = self._scale_inputs(x)
        if self.state_scale is None and not self._caller_state_scale():
            self.state_scale = self._data_state_scale(x)
        if lr_schedule == "cosine" and isinstance(learning_rate, float):
            learning_rate = tf.keras.optimizers.schedules.CosineDecay(
                learning_rate, decay_steps=epochs * (n // minibatch_size)
            )
        # rate neurons outright (NengoDL would train spiking ones through the
        # same rate curves), so that validation, which NengoDL runs in
        # inference mode, also sees rates
        b = self.build(
            steps_per_item=steps_per_item,
            rate=True,
            training=True,
            exact_memory=memory_surrogate != "rate",
            lif_smoothing=lif_smoothing,
            external_memory=precomputed,
        )
        configure_trainable(b.model)
        with b.model:
            if unroll_simulation == (len(x[0]) + self.lag) * steps_per_item:
                # the whole sequence unrolled: no TensorFlow while loop
                nengo_dl.configure_settings(use_loop=False)

        # extra items at the end: each cell's hidden layer lags one step
        def inputs(xs):
            xr = repeat_items(self.pad(xs), steps_per_item)
            if not precomputed:
                return {b.stim: xr}
            return {b.stim: xr, b.memory_stim: b.cells[0].input_memory_states(xr)}

        data = inputs(x[:n])
        val_data = None
        if val is not None:
            xv, tv = val
            xv = self._scale_inputs(xv)
            nv = (len(xv) // minibatch_size) * minibatch_size
            val_data = (inputs(xv[:nv]), {b.p_logits: tv[:nv]})
        with nengo_dl.Simulator(
            b.model,
            dt=self.item_duration / steps_per_item,
            minibatch_size=minibatch_size,
            unroll_simulation=unroll_simulation,
            seed=self.seed,
            progress_bar=False,
        ) as sim:
            sim.compile(
                optimizer=(
                    tf.keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay)
                    if weight_decay
                    else tf.optimizers.Adam(learning_rate)
                ),
                loss={b.p_logits: loss},
                metrics={b.p_logits: metrics},
            )
            timer = _epoch_timer()
            hist = sim.fit(
                data,
                {b.p_logits: targets[:n]},
                epochs=epochs,
                validation_data=val_data,
                verbose=verbose,
                callbacks=[timer] + list(callbacks or []),
            )
            # only what was trained (the memories stay exact float64, and
            # NengoDL cannot freeze Direct-mode memories)
            sim.freeze_params(
                [b.readout_conn, b.bias_conn]
                + [cell.hidden for cell in b.cells]
                + [c for cell in b.cells for c in cell.trainable_connections.values()]
            )
        self.params = self._read_params(b)
        self.hidden_rates = self._measure_hidden_rates(x[:500], minibatch_size)
        self.history = dict(hist.history)
        self.history["epoch_seconds"] = timer.seconds
        # the first epoch includes building the TensorFlow graph
        steady = timer.seconds[1:] if len(timer.seconds) > 1 else timer.seconds
        self.history["seconds_per_epoch"] = float(np.median(steady))
        self.history["dropped"] = len(x) - n
        return self.history

    @staticmethod
    def _read_params(b):
        def full(conn, shape):
            value = np.array(conn.transform.init, dtype=float)
            return value * np.eye(*shape) if value.ndim == 0 else value

        return dict(
            cells=[cell.get_kernels() for cell in b.cells],
            readout=full(
                b.readout_conn, (b.readout_conn.size_out, b.readout_conn.size_mid)
            ),
            readout_bias=full(b.bias_conn, (b.bias_conn.size_out, 1)),
        )

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
        x = self._scale_inputs(x)
        b = self.build(steps_per_item=steps_per_item, rate=not spiking)
        probe = b.p_filtered if spiking and b.p_filtered is not None else b.p_logits
        return run_sequences(
            b.model,
            {b.stim: repeat_items(self.pad(x), steps_per_item)},
            probe,
            dt=self.item_duration / steps_per_item,
            simulator=simulator,
            minibatch_size=minibatch_size,
            seed=self.seed,
            verbose=verbose,
        )

    def _fitted(self):
        """What training fitted beside the weights (see `save`)."""
        return dict(
            input_scale=self.input_scale,
            input_offset=self.input_offset,
            hidden_rates=self.hidden_rates,
        )

    def save(self, path):
        """Save the trained model to one ``.npz`` file; returns its path.

        The file holds the constructor arguments, the fitted scalers, the
        trained parameters (float64, exactly) and the package version:
        ``type(model).load(path)`` rebuilds the same model. The file is
        written beside ``path`` under a temporary name and renamed over it
        when complete, so a failed save leaves an earlier file whole.
        ``.npz`` is appended to a ``path`` without it.
        """
        if self.params is None:
            raise ValidationError("nothing to save: not trained", attr="params")
        arrays = {
            f"cell{i}/{k}": v
            for i, kernels in enumerate(self.params["cells"])
            for k, v in kernels.items()
        }
        arrays["readout"] = self.params["readout"]
        arrays["readout_bias"] = self.params["readout_bias"]
        if self.state_scale is not None:
            arrays["state_scale"] = self.state_scale
        config = dict(model=type(self).__name__, kwargs=self.get_config())
        return save_model(path, config, self._fitted(), arrays)

    @classmethod
    def load(cls, path, **changes):
        """A model saved by `save`, rebuilt with no arguments retyped.

        ``changes`` replace constructor arguments for deployment (e.g.
        ``compensate_loop=False``, ``readout_items=2``); names that are not
        constructor arguments are `.LMUCell` arguments applied to every
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
        kwargs = dict(config["kwargs"])
        top = set(inspect.signature(cls.__init__).parameters) - {"self", "cell_kwargs"}
        for name, value in changes.items():
            if name in top:
                kwargs[name] = value
        cell_changes = {k: v for k, v in changes.items() if k not in top}
        if cell_changes:
            kwargs["layers"] = [dict(lay, **cell_changes) for lay in kwargs["layers"]]
        model = cls(**kwargs)
        n_cells = len(model.layers)
        expected = {f"cell{i}/{k}" for i in range(n_cells) for k in model._shapes(i)}
        expected |= {"readout", "readout_bias"}
        missing = sorted(expected - set(arrays))
        unknown = sorted(set(arrays) - expected - {"state_scale"})
        if missing or unknown:
            raise ValidationError(
                f"{path} does not fit the model it describes: missing arrays "
                f"{missing}, unexpected arrays {unknown}",
                attr="path",
            )
        params = dict(
            cells=[
                {k: arrays[f"cell{i}/{k}"] for k in model._shapes(i)}
                for i in range(n_cells)
            ],
            readout=arrays["readout"],
            readout_bias=arrays["readout_bias"],
        )
        model.state_scale = arrays.get("state_scale")
        try:
            # building checks every shape against the model's set-up
            model.build(params=params)
        except ValidationError as e:
            raise ValidationError(
                f"{path} does not fit the model it describes: {e}", attr="path"
            )
        model.params = params
        for name, value in fitted.items():
            setattr(model, name, value)
        return model

    def _shapes(self, i):
        """Names of layer ``i``'s trainable kernels."""
        return self._kernel_names[i]


class LMUClassifier(_LMUModel):
    """A sequence classifier: one or more `.LMUCell` then a dense readout.

    Trained with a cross-entropy loss on the readout after the last item
    (averaged as it is read, see ``item_readout``).

    Parameters
    ----------
    input_d : int
        Size of each sequence item.
    n_items : int
        Sequence length (items).
    n_classes : int
        Number of classes.
    theta_items : float
        Memory window in items (keras-lmu's ``theta``); converted to seconds
        with ``item_duration``.
    item_duration : float
        Seconds per item (default 50 ms). Training does not depend on it
        beyond the time constants (one simulator step per item); spiking
        evaluation does: LIF hidden neurons fire at tens of Hz, so an item
        must last long enough to hold several spikes (measured on MNIST-1D
        and a regression toy: 10 ms items lose most of the accuracy).
    readout_synapse : float or None
        Lowpass (s) on the spiking readout (only with
        ``item_readout="last"``); ``None`` (default): unfiltered.
    readout_items : float
        The window (in items) of the readout that the logits average. It
        ends where the memory has taken in exactly the sequence's items
        (``lag`` simulator steps after the last item's last step; a later
        step would add part of a repeated last item that training never
        saw). Spiking runs average the window's steps. Default 4 items,
        chosen on validation splits: on MNIST-1D (the suite's recipe, 20
        epochs, validation split) the exact-memory network scored 0.827
        against 0.777 with one item, the rate network 0.750 against 0.728,
        and spiking at 20 steps per item 0.748 (400 sequences) against
        0.688 (both with the auto ``rate_factor``, 5.8 and 6.1; for one
        item, measured at factor 6); on
        Mackey-Glass (``bench/bench_mackey_glass.py``) 4 items were the
        shortest window within 3 % of the best.
    input_scale : float, optional
        Inputs are multiplied by this before they reach the cells. ``None``
        (default): ``1 / std(x)`` of the first `fit`'s inputs (unit
        variance). The first memory's neurons are scaled to the data, so
        the inputs' size does not limit them; but the hidden kernels learn
        the slower the smaller the memory's states: on MNIST-1D (order 40,
        LIF RNN, 10 epochs) unit variance reached 0.70 against 0.59 with a
        standard deviation of 1/3 (Tanh: 0.68 vs 0.37). On Loihi, whose
        host inputs are encoded within +-1, pass a scale that keeps them
        there (e.g. ``1 / (3 * std(x))``).
    seed : int
    layers : list of dict, optional
        Stacked cells, input first: each dict holds `.LMUCell` arguments and
        optionally its own ``theta_items``; each cell's input is the previous
        cell's output. Without it, one cell is built from ``cell_kwargs``.
    item_readout : {"mean", "last"}
        ``"mean"`` (default): the logits are the mean readout over the
        window in every run, and training optimises that (the trapezoid
        rule over the rate readout's samples; see `LMURegressor`);
        ``"last"``: training and rate runs read the window's end.
    normalize_memory : bool
        Train the first cell's memory kernel ``W_m`` in units of the memory
        states' RMS on the training data (`.LMUCell`'s
        ``memory_kernel_scale``): the same network, trained with even step
        sizes across Legendre coefficients, whose sizes otherwise fall with
        their index. Only the training network has the extra diagonal;
        `build` otherwise gives the plain cell. Measured on Mackey-Glass
        (order 16, exact memory, 100 epochs): test NRMSE 0.041 against
        0.046. Default ``False``.
    compensate_loop : bool
        Run a recurrent (``hidden_cell="rnn"``) cell at several steps per
        item with its loop's lowpass lengthened by the item's length less
        one step, ``hidden_synapse + item_duration - dt`` (default True; no
        change at one step per item). Trained at one step per item, the
        loop feeds back each item's output a whole item later (the step's
        delay); at ``dt`` it would feed it back one ``dt`` later, and the
        cell would compute another function. The longer lowpass stands in
        for the missing delay (to first order). Measured on MNIST-1D (the
        T1 cell: order 40, 256 units, lowpass 200 ms; first 300 test
        sequences, 50 steps per item, lowpass 250 ms): trained without
        fine-tuning, rate network 0.883 at one step per item, with spikes
        0.803 without and 0.867 with; fine-tuned at 2 steps per item, rate
        0.873 at one step, at 50 steps 0.827 without and 0.880 with, with
        spikes 0.850 and 0.863 (a 200 ms lowpass followed by a 25 or 50 ms
        one did as well: rate 0.880). Not applied to cells with a
        ``hidden_input_synapse`` (the Loihi set-up), whose memory path
        shares the synapse: lengthening it there cost accuracy (0.743).
    rate_factor : float or "auto"
        Spiking runs use LIF hidden neurons that fire this many times as
        often with the same output (`.scale_firing_rates`: the rate network,
        and so what was trained, is unchanged; each item holds that many
        times as many spikes, each worth that much less). ``"auto"``
        (default) picks, per cell and per ``dt``, the largest factor (at
        least 1) that keeps the hidden neurons' 90th-percentile firing rate
        on the training data (measured by `fit`) within
        ``auto_rate_target`` (0.75) spikes per simulator step and their
        membrane time constant ``tau_rc / factor`` at least
        ``auto_min_tau_steps`` (4) steps (5 for nengo's LIF at 1 ms).
        Trained LIF hidden layers fire at tens of Hz (MNIST-1D: mean 36 Hz,
        90th percentile 123 Hz), too few spikes per item for an accurate
        readout: on MNIST-1D's validation split (one-item readout; 20 steps
        of 1 ms per item, rate network 0.72) spiking accuracy was 0.56
        unscaled, 0.60 / 0.62 / 0.665 / 0.70 / 0.655 with factors 2 / 3 /
        4 / 6 / 8 (200 sequences; 5 and 6 on 400: 0.673 and 0.688). On a
        toy classifier (``tests/test_dl.py``, 10 steps of 1 ms per item)
        the spiking logits' distance to the rate network's was 0.25 of
        their RMS unscaled, 0.13 / 0.08 / 0.17 / 0.27 with factors 2 / 4 /
        8 / 11 (the rate limit alone): faster than about 4 steps per
        membrane time constant, the neurons drift from their rate curve.
    **cell_kwargs
        Passed to `.LMUCell` (``memory_d``, ``order``, ``hidden_units``,
        ``hidden_cell``, ``n_neurons``, neuron types, ...).
    """

    #: inputs are only scaled (MNIST-1D and most classification data are
    #: centred already; scaling keeps zero input at zero)
    center_inputs = False

    #: SoftLIFRate training for classifiers: measured better (see `fit`)
    default_lif_smoothing = 0.02

    def __init__(
        self,
        input_d,
        n_items,
        n_classes,
        theta_items,
        item_duration=0.05,
        readout_synapse=None,
        readout_items=4.0,
        input_scale=None,
        seed=0,
        layers=None,
        normalize_memory=False,
        compensate_loop=True,
        item_readout="mean",
        rate_factor="auto",
        **cell_kwargs,
    ):
        super().__init__(
            input_d,
            n_items,
            n_classes,
            theta_items,
            item_duration=item_duration,
            readout_synapse=readout_synapse,
            readout_items=readout_items,
            input_scale=input_scale,
            seed=seed,
            layers=layers,
            normalize_memory=normalize_memory,
            compensate_loop=compensate_loop,
            item_readout=item_readout,
            rate_factor=rate_factor,
            **cell_kwargs,
        )

    _output_name = "n_classes"

    @property
    def n_classes(self):
        return self.output_d

    def _check_pair(self, x, y):
        return self._check_data(x, y)

    def _check_data(self, x, y=None):
        x = self._check_x(x)
        if y is None:
            return x
        y = np.asarray(y)
        if y.shape != (len(x),):
            raise ValidationError(
                f"must have shape ({len(x)},) to match x (got {y.shape})", attr="y"
            )
        if not np.issubdtype(y.dtype, np.integer):
            raise ValidationError(
                f"must be integer labels in [0, {self.n_classes}) (got dtype "
                f"{y.dtype})",
                attr="y",
            )
        if y.min() < 0 or y.max() >= self.n_classes:
            raise ValidationError(
                f"must be integer labels in [0, {self.n_classes}) (got range "
                f"{y.min()}..{y.max()})",
                attr="y",
            )
        return x, y

    def _training_set(self, x, y, validation_data, steps_per_item):
        import tensorflow as tf

        x, y = self._check_data(x, y)
        val = None
        if validation_data is not None:
            try:
                xv, yv = self._check_data(*validation_data)
            except ValidationError as e:
                raise ValidationError(f"{e}", attr="validation_data")
            val = (xv, yv[:, None, None])
        end = self._ends(steps_per_item)[-1]

        def last_logits(y_true, y_pred):
            labels = tf.cast(tf.gather(y_true, end, axis=1)[:, 0], tf.int32)
            logits = self._read(y_pred, steps_per_item, spiking=False, xp=tf)[:, -1]
            return labels, logits

        def crossentropy(y_true, y_pred):
            labels, logits = last_logits(y_true, y_pred)
            return tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
            )

        def accuracy(y_true, y_pred):
            labels, logits = last_logits(y_true, y_pred)
            hits = tf.equal(tf.argmax(logits, axis=1, output_type=tf.int32), labels)
            return tf.reduce_mean(tf.cast(hits, tf.float32))

        def targets(labels):
            steps = (self.n_items + self.lag) * steps_per_item
            return np.repeat(labels[:, None, None], steps, axis=1).astype(float)

        if val is not None:
            val = (val[0], targets(val[1][:, 0, 0]))
        return x, targets(y), val, crossentropy, [accuracy]

    def predict(
        self,
        x,
        steps_per_item=1,
        spiking=True,
        simulator="nengo_dl",
        minibatch_size=100,
        verbose=1,
    ):
        """Logits at the end of each sequence, shape (n, n_classes).

        With ``spiking=True`` the network runs with its spiking neurons at
        ``dt = item_duration / steps_per_item``; the logits are the mean of
        the readout's steps in the ``readout_items`` window that ends where
        the memory has taken in the whole sequence (or, with a
        ``readout_synapse``, the filtered readout there). With
        ``spiking=False`` every neuron is replaced by its rate version and
        the logits are read as in training (``item_readout``).

        ``simulator`` is ``"nengo_dl"`` (minibatched) or ``"nengo"`` (the
        reference simulator, one sequence at a time). ``verbose=1`` shows a
        progress bar over the sequences.
        """
        x = self._check_data(x)
        out = self._simulate(
            x, steps_per_item, spiking, simulator, minibatch_size, verbose
        )
        return self._read(out, steps_per_item, spiking)[:, -1]

    def evaluate(self, x, y, **kwargs):
        """Accuracy of `predict` on ``(x, y)``."""
        x, y = self._check_data(x, y)
        return float(np.mean(np.argmax(self.predict(x, **kwargs), axis=1) == y))


class LMURegressor(_LMUModel):
    """A sequence-to-sequence regressor: `.LMUCell` layers, a dense readout.

    Predicts ``y[:, k]`` from the items ``x[:, :k + 1]`` at every item ``k``
    (e.g. a time series ``steps`` ahead), trained with the mean squared error
    over all items. Inputs are centred and scaled (see ``input_scale``),
    targets standardised; predictions are returned in the targets' units.

    Parameters
    ----------
    input_d : int
        Size of each input item.
    n_items : int
        Sequence length (items).
    output_d : int
        Size of each target item.
    theta_items : float
        Memory window in items; converted to seconds with ``item_duration``.
    item_duration : float
        Seconds per item (default 50 ms; see `LMUClassifier`).
    readout_synapse : float or None
        Lowpass (s) on the spiking readout (only with
        ``item_readout="last"``). ``None`` (default): unfiltered.
    readout_items : float
        The window, in items, that an item's prediction averages the
        readout over (with ``readout_synapse=None``): it ends where the rate
        network reads the item (``lag`` steps after the item's last step).
        Spiking runs average the readout's steps in it (a box filter: a
        delay of half the window instead of a synapse's tail, and spike
        noise falling with its length). Default 4 items (see
        `LMUClassifier`).
    input_scale : float, optional
        As for `LMUClassifier` (applied after centring).
    seed : int
    layers : list of dict, optional
        Stacked cells, as for `LMUClassifier`.
    normalize_memory, compensate_loop : bool
        As for `LMUClassifier`.
    item_readout : {"mean", "last"}
        ``"mean"`` (default): the prediction of an item is the mean readout
        over the window in every run, and training optimises that: spiking
        runs average the window's steps; rate runs and training, whose
        readout is a sampled continuous signal, use the trapezoid rule over
        the samples that bound the window (at one step per item and a
        one-item window, the mean of the readouts after the previous item
        and after this one). The network learns to make up for the
        window's delay. ``"last"``: rate runs and training read the
        readout at the window's end; spiking runs still average (or filter
        with ``readout_synapse``), so the spiking network lags the trained
        one by half the window. Measured on Mackey-Glass
        (``bench/bench_mackey_glass.py``, dense 4 x q6 cell, 50 steps per
        item, test sequences): trained with ``"last"``, rate NRMSE 0.033
        read at the item's end but 0.082 averaged over the item, spiking
        0.071 (one-item window); trained with ``"mean"`` over 4 items, rate
        0.027, spiking 0.036. A longer window averages away more spike
        noise and asks the network to extrapolate over a longer average
        (the bench's docstring has the trade-off).
    rate_factor : float or "auto"
        As for `LMUClassifier`.
    **cell_kwargs
        Passed to `.LMUCell`.
    """

    center_inputs = True
    #: set by fit: targets are standardised as (y - offset) / scale
    target_offset = 0.0
    target_scale = 1.0
    _output_name = "output_d"

    def _fitted(self):
        return dict(
            super()._fitted(),
            target_offset=self.target_offset,
            target_scale=self.target_scale,
        )

    def _check_pair(self, x, y):
        x = self._check_x(x)
        return x, self._check_y(x, y)

    def _check_y(self, x, y):
        return self._check_sequences(y, self.output_d, "y", n=len(x))

    def _targets(self, y, steps_per_item):
        """Standardised targets at the readout steps (zeros elsewhere)."""
        y = (y - self.target_offset) / self.target_scale
        out = np.zeros((len(y), (self.n_items + self.lag) * steps_per_item, y.shape[2]))
        out[:, self._ends(steps_per_item)] = y
        return out

    def _training_set(self, x, y, validation_data, steps_per_item):
        import tensorflow as tf

        x = self._check_x(x)
        y = self._check_y(x, y)
        if self.params is None:
            scaler = Scaler.fit(y)
            self.target_offset = scaler.offset
            self.target_scale = 1.0 / scaler.scale
        ends = self._ends(steps_per_item)

        def mse(y_true, y_pred):
            pred = self._read(y_pred, steps_per_item, spiking=False, xp=tf)
            err = tf.gather(y_true, ends, axis=1) - pred
            return tf.reduce_mean(tf.square(err))

        val = None
        if validation_data is not None:
            try:
                xv, yv = self._check_pair(*validation_data)
            except ValidationError as e:
                raise ValidationError(f"{e}", attr="validation_data")
            val = (xv, self._targets(yv, steps_per_item))
        return x, self._targets(y, steps_per_item), val, mse, []

    def predict(
        self,
        x,
        steps_per_item=1,
        spiking=True,
        simulator="nengo_dl",
        minibatch_size=100,
        verbose=1,
    ):
        """Predictions at every item, shape (n, n_items, output_d).

        The prediction of item ``k`` is read ``lag`` simulator steps after
        the item's last step (each cell lags one step): for spiking runs the
        mean over the ``readout_items`` window of steps that ends there
        (with ``readout_synapse=None``) or the filtered readout at that
        step; for rate runs the trapezoid mean over that window
        (``item_readout="mean"``) or the readout at that step (``"last"``).
        Arguments as for `LMUClassifier.predict`.
        """
        x = self._check_x(x)
        out = self._simulate(
            x, steps_per_item, spiking, simulator, minibatch_size, verbose
        )
        out = self._read(out, steps_per_item, spiking)
        return out * self.target_scale + self.target_offset

    def nrmse(self, x, y, **kwargs):
        """RMS error of `predict` over the RMS of ``y - mean(y)``."""
        x = self._check_x(x)
        y = self._check_y(x, y)
        err = self.predict(x, **kwargs) - y
        return float(np.sqrt(np.mean(err**2)) / np.std(y))
