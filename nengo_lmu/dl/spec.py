"""The settings of an LMU sequence model, declared once as nengo Params.

`LayerSpec` holds one `.LMUCell` of a stack (its settings in items, not
seconds); `ModelSpec` the whole model: the stack, the readout and how items
map onto simulator time. Both are frozen: validated on assignment (each bad
value raises a `~nengo.exceptions.ValidationError` naming the setting and
the value), compared and hashed by value, never changed. `LMUClassifier`
and `LMURegressor` hold one as ``spec``; `nengo_lmu.dl.network.build_network`
builds the NengoDL model from it.
"""

import inspect

import nengo
from nengo.exceptions import ValidationError
from nengo.params import Parameter

from nengo_lmu.networks import LMUCell
from nengo_lmu.networks.cell_spec import (
    CellSpec,
    KwargsParam,
    StrictBoolParam,
)
from nengo_lmu.params import (
    ChoiceParam,
    CountParam,
    FiniteParam,
    InstanceParam,
    LowpassParam,
    ScaleParam,
    Spec,
)

#: the ``item_readout`` options
ITEM_READOUTS = ("mean", "last")

#: hidden neurons of the recommended recipe (`LayerSpec`'s default)
RECIPE_HIDDEN_NEURON = nengo.SpikingRectifiedLinear()

_CELL = inspect.signature(LMUCell).parameters


def _cell_default(name):
    """`.LMUCell`'s default for ``name``: declared there, not repeated here."""
    return _CELL[name].default


class LayerSpec(Spec):
    """One `.LMUCell` of a model's stack.

    The parameters are `.LMUCell`'s, with its defaults, except those that a
    model sets for every cell: the input size (the previous cell's output),
    ``theta`` and ``dt`` (from items, see `ModelSpec`), the kernels (trained)
    and ``external_memory`` (a training choice).

    Parameters
    ----------
    memory_d, order, hidden_units : int
        As for `.LMUCell`.
    theta_items : float, optional
        This cell's memory window in items (>= 1); ``None`` (default): the
        model's ``theta_items``.
    seed : int, optional
        Seed of the cell; ``None`` (default): the model's seed plus the
        cell's index (no seed if the model has none).
    hidden_neuron_type : nengo.neurons.NeuronType
        Neurons of the hidden layer; default ``nengo.SpikingRectifiedLinear()``
        (``RECIPE_HIDDEN_NEURON``; `.LMUCell`'s own default is LIF): trained
        as the rectified line, deployed with its firing rates scaled by
        `.faster_relu`. Unlike LIF (``nengo.LIF(amplitude=0.01)``, whose
        rate curve jumps from zero to tens of Hz at threshold, which a
        smooth regression cannot use) it is linear above threshold.
        Measured on the training suite's validation splits (20 epochs, the
        gradient clipped to norm 1, see `.recipe_optimizer`): MNIST-1D
        0.915 against LIF's 0.820, Mackey-Glass NRMSE 0.022 against 0.088,
        recall (500 items) 0.820 against 0.830, frequency 0.947 against
        0.943; on the test sets, spiking at 20 steps of 1 ms per item,
        MNIST-1D 0.895 and Mackey-Glass 0.033 against LIF's 0.810 and
        0.097. Without the clipping it fails the recall task (0.437): the
        unbounded recurrent cell trains unstably through 500 items at Adam
        1e-2.
    n_neurons, hidden_cell, hidden_to_memory, memory_to_memory, \
input_to_hidden, hidden_synapse, hidden_input_synapse, \
memory_neuron_type, memory_synapse, memory_kernel_scale, memory_kwargs, \
hidden_kwargs
        As for `.LMUCell`.
    """

    # the cell's own settings, declared (and validated) once, on CellSpec
    memory_d = CellSpec.memory_d
    order = CellSpec.order
    hidden_units = CellSpec.hidden_units
    theta_items = FiniteParam("theta_items", low=1, optional=True, readonly=True)
    seed = CountParam("seed", optional=True, readonly=True)
    n_neurons = CountParam("n_neurons", low=1, optional=True, readonly=True)
    hidden_cell = CellSpec.hidden_cell
    hidden_to_memory = CellSpec.hidden_to_memory
    memory_to_memory = CellSpec.memory_to_memory
    input_to_hidden = CellSpec.input_to_hidden
    hidden_neuron_type = CellSpec.hidden_neuron_type
    hidden_synapse = CellSpec.hidden_synapse
    hidden_input_synapse = CellSpec.hidden_input_synapse
    memory_neuron_type = InstanceParam(
        "memory_neuron_type",
        nengo.neurons.NeuronType,
        "nengo neuron type",
        optional=True,
        readonly=True,
    )
    memory_synapse = LowpassParam("memory_synapse", readonly=True)
    memory_kernel_scale = ScaleParam(
        "memory_kernel_scale", optional=True, readonly=True
    )
    memory_kwargs = KwargsParam("memory_kwargs", readonly=True)
    hidden_kwargs = KwargsParam("hidden_kwargs", readonly=True)

    def __init__(
        self,
        memory_d,
        order,
        hidden_units,
        theta_items=None,
        seed=None,
        n_neurons=_cell_default("n_neurons"),
        hidden_cell=_cell_default("hidden_cell"),
        hidden_to_memory=_cell_default("hidden_to_memory"),
        memory_to_memory=_cell_default("memory_to_memory"),
        input_to_hidden=_cell_default("input_to_hidden"),
        hidden_neuron_type=RECIPE_HIDDEN_NEURON,
        hidden_synapse=_cell_default("hidden_synapse"),
        hidden_input_synapse=_cell_default("hidden_input_synapse"),
        memory_neuron_type=_cell_default("memory_neuron_type"),
        memory_synapse=_cell_default("memory_synapse"),
        memory_kernel_scale=_cell_default("memory_kernel_scale"),
        memory_kwargs=None,
        hidden_kwargs=None,
    ):
        super().__init__()
        self.memory_d = memory_d
        self.order = order
        self.hidden_units = hidden_units
        self.theta_items = theta_items
        self.seed = seed
        self.n_neurons = n_neurons
        self.hidden_cell = hidden_cell
        self.hidden_to_memory = hidden_to_memory
        self.memory_to_memory = memory_to_memory
        self.input_to_hidden = input_to_hidden
        self.hidden_neuron_type = hidden_neuron_type
        self.hidden_synapse = hidden_synapse
        self.hidden_input_synapse = hidden_input_synapse
        self.memory_neuron_type = memory_neuron_type
        self.memory_synapse = memory_synapse
        self.memory_kernel_scale = memory_kernel_scale
        self.memory_kwargs = memory_kwargs
        self.hidden_kwargs = hidden_kwargs

    @property
    def fed_back(self):
        """Whether the memory takes more than the input (then it cannot be
        precomputed from the input alone)."""
        return self.hidden_to_memory or self.memory_to_memory

    def scaled_by_caller(self):
        """The memory arguments that scale its states (sorted), if given."""
        return sorted({"scaling"} & set(self.memory_kwargs))

    def to_dict(self):
        """Every setting by name, as plain values (what a model file holds)."""
        out = {name: getattr(self, name) for name in _init_names(type(self))}
        out["memory_kwargs"] = dict(self.memory_kwargs)
        out["hidden_kwargs"] = dict(self.hidden_kwargs)
        return out

    def cell_kwargs(self):
        """The `.LMUCell` keyword arguments that this spec sets."""
        out = self.to_dict()
        del out["theta_items"]
        return out

    @classmethod
    def from_dict(cls, settings, obj=None):
        """A spec from ``settings`` (a `to_dict`, possibly partial); unknown
        or missing names raise a `~nengo.exceptions.ValidationError`."""
        if isinstance(settings, cls):
            return settings
        if not isinstance(settings, dict):
            raise ValidationError(
                f"must hold dicts of LMUCell arguments (got {settings!r})",
                attr="layers",
                obj=obj,
            )
        try:
            inspect.signature(cls).bind(**settings)
        except TypeError as e:
            raise ValidationError(
                f"bad LMUCell arguments {sorted(settings)}: {e}", attr="layers", obj=obj
            )
        return cls(**settings)


def _init_names(cls):
    return [p for p in inspect.signature(cls).parameters if p != "self"]


class LayersParam(Parameter):
    """A non-empty tuple of `LayerSpec` (dicts of their arguments accepted)."""

    equatable = True

    def coerce(self, instance, value):
        if not (isinstance(value, (list, tuple)) and len(value) > 0):
            raise ValidationError(
                f"must be a non-empty list of dicts of LMUCell arguments (got "
                f"{value!r})",
                attr=self.name,
                obj=instance,
            )
        layers = tuple(LayerSpec.from_dict(layer, obj=instance) for layer in value)
        return super().coerce(instance, layers)


class RateFactorParam(FiniteParam):
    """``"auto"`` or a finite number > 0."""

    def coerce(self, instance, value):
        if isinstance(value, str) and value == "auto":
            return value
        return super().coerce(instance, value)


class ModelSpec(Spec):
    """Every setting of an `LMUClassifier` or `LMURegressor`, validated once.

    Parameters
    ----------
    input_d : int
        Size of each sequence item.
    n_items : int
        Sequence length (items).
    output_d : int
        Size of the readout: the number of classes (`LMUClassifier` calls it
        ``n_classes``) or the size of each target item.
    theta_items : float
        Memory window in items (keras-lmu's ``theta``), >= 1; converted to
        seconds with ``item_duration``.
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
        The window (in items) of the readout that an item's prediction
        averages. It ends where the memory has taken in exactly the items up
        to that one (``lag`` simulator steps after the item's last step; a
        later step would add part of the next, or a repeated, item that
        training never saw). Spiking runs average the window's steps (a box
        filter: a delay of half the window instead of a synapse's tail, and
        spike noise falling with its length). Default 4 items, chosen on
        validation splits: on MNIST-1D (the suite's recipe, 20 epochs) the
        exact-memory network scored 0.827 against 0.777 with one item, the
        rate network 0.750 against 0.728, and spiking at 20 steps per item
        0.748 (400 sequences) against 0.688 (both with the auto
        ``rate_factor``); on Mackey-Glass (``bench/bench_mackey_glass.py``)
        4 items were the shortest window within 3 % of the best.
    input_scale : float, optional
        Inputs are multiplied by this (after centring, for `LMURegressor`)
        before they reach the cells. ``None`` (default): ``1 / std(x)`` of
        the first ``fit``'s inputs (unit variance). The first memory's
        neurons are scaled to the data, so the inputs' size does not limit
        them; but the hidden kernels learn the slower the smaller the
        memory's states: on MNIST-1D (order 40, LIF RNN, 10 epochs) unit
        variance reached 0.70 against 0.59 with a standard deviation of 1/3
        (Tanh: 0.68 vs 0.37). On Loihi, whose host inputs are encoded within
        +-1, pass a scale that keeps them there (e.g. ``1 / (3 * std(x))``).
    seed : int, optional
        Seeds the cells (plus their index) and the readout.
    layers : list of dict or LayerSpec, optional
        Stacked cells, input first (see `LayerSpec`); each cell's input is
        the previous cell's output. Without it, one cell from
        ``cell_kwargs``.
    normalize_memory : bool
        Train the first cell's memory kernel ``W_m`` in units of the memory
        states' RMS on the training data (`.LMUCell`'s
        ``memory_kernel_scale``): the same network, trained with even step
        sizes across Legendre coefficients, whose sizes otherwise fall with
        their index. Only the training network has the extra diagonal.
        Measured on Mackey-Glass (order 16, exact memory, 100 epochs): test
        NRMSE 0.041 against 0.046. Default ``False``.
    compensate_loop : bool
        Run a recurrent (``hidden_cell="rnn"``) cell at several steps per
        item with its loop's lowpass lengthened to keep the loop's trained
        mean delay (about half an item for a lowpass of several items;
        `.compensated_synapse`, where the measurements are; default True;
        no change at one step per item). Measured with the earlier rule
        (the whole item less one step) on MNIST-1D (order 40, 256 units,
        lowpass 200 ms; 300 test sequences, 50 steps per item, lowpass 250
        ms): rate network 0.883 at one step per item, with spikes 0.803
        without and 0.867 with. Not applied to cells with a
        ``hidden_input_synapse`` (the Loihi set-up), whose memory path
        shares the synapse: lengthening it there cost accuracy (0.743).
    item_readout : {"mean", "last"}
        ``"mean"`` (default): an item's prediction is the mean readout over
        the ``readout_items`` window in every run, and training optimises
        that (rate runs and training, whose readout is a sampled continuous
        signal, use the trapezoid rule over the samples that bound the
        window); the network learns to make up for the window's delay.
        ``"last"``: rate runs and training read the window's end; spiking
        runs still average (or filter with ``readout_synapse``), so the
        spiking network lags the trained one by half the window. Measured on
        Mackey-Glass (dense 4 x q6 cell, 50 steps per item): trained with
        ``"last"``, rate NRMSE 0.033 read at the item's end but 0.082
        averaged over the item, spiking 0.071 (one-item window); trained
        with ``"mean"`` over 4 items, rate 0.027, spiking 0.036.
    rate_factor : float or "auto"
        Spiking runs use hidden neurons that fire this many times as often
        with the same output, so that the rate network, and so what was
        trained, is unchanged: LIF with both time constants and the
        amplitude divided by the factor (`.scale_firing_rates`),
        ``nengo.SpikingRectifiedLinear`` with gain and bias multiplied by it
        and the amplitude divided (`.faster_relu`). ``"auto"`` (default)
        picks, per cell and per ``dt``, the largest factor (at least 1) that
        keeps the hidden neurons' 90th-percentile firing rate on the
        training data within `.AUTO_RATE_TARGET` spikes per step and, for
        LIF, their refractory period at least one step, below which nengo's
        LIF fires under its rate curve (see `.hidden_rate_factor`). On
        MNIST-1D's validation split (order 40, 20 steps of 1 ms per item,
        400 sequences, LIF hidden neurons, rate network 0.82, memory of LIF
        with a 1 s membrane) spiking accuracy was 0.77 / 0.7925 with factors
        1 / 2 (2 is what the rule gives there); with nengo's 20 ms memory
        neurons, 0.6925 with a factor of 2 and 0.745 with 5, the earlier
        rule's choice.
    **cell_kwargs
        One cell's `LayerSpec` arguments, when ``layers`` is not given.
    """

    input_d = CountParam("input_d", low=1, readonly=True)
    n_items = CountParam("n_items", low=1, readonly=True)
    output_d = CountParam("output_d", low=1, readonly=True)
    theta_items = FiniteParam("theta_items", low=1, readonly=True)
    item_duration = FiniteParam("item_duration", low=0, low_open=True, readonly=True)
    readout_synapse = FiniteParam(
        "readout_synapse", low=0, optional=True, readonly=True
    )
    readout_items = FiniteParam("readout_items", low=0, low_open=True, readonly=True)
    input_scale = FiniteParam(
        "input_scale", low=0, low_open=True, optional=True, readonly=True
    )
    seed = CountParam("seed", optional=True, readonly=True)
    layers = LayersParam("layers", readonly=True)
    normalize_memory = StrictBoolParam("normalize_memory", readonly=True)
    compensate_loop = StrictBoolParam("compensate_loop", readonly=True)
    item_readout = ChoiceParam("item_readout", ITEM_READOUTS, readonly=True)
    rate_factor = RateFactorParam("rate_factor", low=0, low_open=True, readonly=True)

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
        super().__init__()
        self.input_d = input_d
        self.n_items = n_items
        self.output_d = output_d
        if isinstance(theta_items, (int, float)) and not theta_items >= 1:
            raise ValidationError(
                f"is the window in items (sequence steps), like keras-lmu's theta, "
                f"and must be >= 1 (got {theta_items!r}; seconds are "
                f"theta_items * item_duration)",
                attr="theta_items",
                obj=self,
            )
        self.theta_items = theta_items
        self.item_duration = item_duration
        self.readout_synapse = readout_synapse
        self.readout_items = readout_items
        self.input_scale = input_scale
        self.seed = seed
        if layers is None:
            layers = [cell_kwargs]
        elif cell_kwargs:
            raise ValidationError(
                f"give cell arguments either in layers or as keywords, not both "
                f"(got {sorted(cell_kwargs)})",
                attr="layers",
                obj=self,
            )
        self.layers = layers
        self.normalize_memory = normalize_memory
        self.compensate_loop = compensate_loop
        self.item_readout = item_readout
        self.rate_factor = rate_factor
        self._check_combinations()

    def _check_combinations(self):
        first = self.layers[0]
        if self.normalize_memory and first.memory_kernel_scale is not None:
            raise ValidationError(
                "sets the first cell's memory_kernel_scale from the data; give "
                "either it or memory_kernel_scale, not both",
                attr="normalize_memory",
                obj=self,
            )
        if self.normalize_memory and first.scaled_by_caller():
            raise ValidationError(
                f"uses the memory states' RMS on the training data, which fit "
                f"does not compute when the first cell's memory_kwargs give "
                f"{first.scaled_by_caller()}; pass memory_kernel_scale to the "
                f"cell instead",
                attr="normalize_memory",
                obj=self,
            )
        if self.item_readout == "mean" and self.readout_synapse is not None:
            raise ValidationError(
                f"'mean' averages the unfiltered readout, so it needs "
                f"readout_synapse=None (got {self.readout_synapse!r}); use "
                f"item_readout='last' with a readout synapse",
                attr="item_readout",
                obj=self,
            )

    @property
    def theta(self):
        """Memory window in seconds."""
        return self.theta_items * self.item_duration

    @property
    def lag(self):
        """Items appended to each sequence: every cell lags one simulator step."""
        return len(self.layers)

    def layer_theta_items(self, k):
        """Cell ``k``'s memory window in items."""
        theta = self.layers[k].theta_items
        return self.theta_items if theta is None else theta

    def layer_seed(self, k):
        """Cell ``k``'s seed."""
        seed = self.layers[k].seed
        if seed is None and self.seed is not None:
            return self.seed + k
        return seed

    def to_dict(self):
        """The arguments by name, layers as dicts (what a model file holds)."""
        names = [n for n in _init_names(type(self)) if n != "cell_kwargs"]
        out = {name: getattr(self, name) for name in names}
        out["layers"] = [layer.to_dict() for layer in self.layers]
        return out

    def replace(self, **changes):
        """A copy with ``changes``; names that are not `ModelSpec` arguments
        are `LayerSpec` arguments applied to every layer."""
        settings = self.to_dict()
        top = set(settings)
        for name, value in changes.items():
            if name in top:
                settings[name] = value
        cell = {k: v for k, v in changes.items() if k not in top}
        if cell:
            settings["layers"] = [dict(lay, **cell) for lay in settings["layers"]]
        return type(self)(**settings)


__all__ = ["ITEM_READOUTS", "LayerSpec", "ModelSpec"]
