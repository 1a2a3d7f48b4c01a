"""The Nengo network of an LMU sequence model, built from its `.ModelSpec`.

`build_network` gives stacked `.LMUCell` layers and a dense readout at
``dt = item_duration / steps_per_item``: the rate network that NengoDL
trains (exact or precomputed memories, rate neurons), or the spiking one to
deploy (loop compensation, faster hidden neurons). It is the same function
for training and deployment, so that both build the same network.
"""

import dataclasses

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.dl.config import rate_version
from nengo_lmu.dl.deploy import compensated_synapse, run_sequences
from nengo_lmu.dl.inputs import pad_items
from nengo_lmu.networks import LMUCell
from nengo_lmu.networks.cell_kernels import full_transform
from nengo_lmu.networks.populations import DEFAULT_ENSEMBLE
from nengo_lmu.networks.scalings import CovarianceScaling, FixedScaling
from nengo_lmu.neurons import scale_firing_rates

#: the first memory's state scale is this many RMS of its states
STATE_SIGMAS = 5.0

#: hidden neuron types whose training rates are measured and whose spiking
#: firing rates ``rate_factor`` scales (`scale_firing_rates`, `faster_relu`)
SCALED_HIDDEN_TYPES = (nengo.LIF, nengo.SpikingRectifiedLinear)

#: ``rate_factor="auto"`` raises the hidden neurons' 90th-percentile
#: training rate to at most this many spikes per simulator step
AUTO_RATE_TARGET = 0.75


@dataclasses.dataclass
class Built:
    """A model built by `build_network`."""

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


def hidden_rate_factor(rate_factor, rate, dt, neuron_type):
    """How many times as fast spiking hidden neurons fire at ``dt``.

    ``rate_factor`` is a `.ModelSpec`'s: a number is returned as is;
    ``"auto"`` gives the largest factor (at least 1) that keeps ``rate``
    (the neurons' 90th-percentile firing rate in training, Hz; ``None``
    when not measured) within `AUTO_RATE_TARGET` spikes per step and, for
    LIF, the refractory period ``neuron_type.tau_ref / factor`` at least
    one step (``nengo.SpikingRectifiedLinear`` has none).

    The second bound keeps the spiking neurons on their rate curve. Nengo's
    LIF (and NengoDL's) restarts a neuron's integration at a step boundary
    at the earliest, so a refractory period shorter than ``dt`` lasts until
    the end of the step of the spike: the neurons fire below the curve that
    was trained. Measured with constant currents at ``dt`` = 1 ms (LIF
    ``tau_ref`` 2 ms): a factor of 2.5 fires at 0.90-1.00 of the curve, a
    factor of 5 at 0.76-0.98 (0.4-1.3 spikes per step). On MNIST-1D's
    validation split (order 40, 20 steps of 1 ms per item, exact memory,
    spiking hidden layer) the hidden units fell 17 % below the rate network
    in their top decile with a factor of 5, and accuracy was 0.745 against
    0.775 with a factor of 2 and 0.785 for the rate network.
    """
    if rate_factor != "auto":
        return rate_factor
    if rate is None or not rate > 0:
        return 1.0
    refractory = getattr(neuron_type, "tau_ref", None)
    return max(
        1.0,
        min(
            AUTO_RATE_TARGET / (dt * rate),
            np.inf if refractory is None else refractory / dt,
        ),
    )


def faster_relu(kwargs, params, k, neuron_type, factor):
    """Cell ``k``'s ``nengo.SpikingRectifiedLinear`` hidden neurons firing
    ``factor`` times as often, with the same output.

    The rectified line is homogeneous: ``a * max(g * x + b, 0)`` equals
    ``a / f * max(f * g * x + f * b, 0)``, so multiplying the hidden
    ensemble's gain (which nengo applies to every connection into its
    neurons) and its bias by ``f`` and dividing the amplitude by ``f``
    leaves the rate network exactly as trained; the spiking neurons emit
    ``f`` times as many spikes, each worth ``1 / f`` as much. Sets the
    cell's ``kwargs`` (neuron type, gain) and returns ``params`` with the
    bias scaled (a copy; ``params`` may be None: initial biases are 0).
    """
    kwargs["hidden_neuron_type"] = nengo.SpikingRectifiedLinear(
        amplitude=neuron_type.amplitude / factor
    )
    hidden_kwargs = dict(kwargs["hidden_kwargs"])
    gain = hidden_kwargs.get("gain", 1.0)
    if isinstance(gain, nengo.dists.Distribution):
        raise ValidationError(
            f"must be numbers to scale the spiking rectified-linear hidden "
            f"neurons' firing rates (got {gain!r}); give gains as an array or "
            f"rate_factor=1",
            attr="hidden_kwargs",
        )
    hidden_kwargs["gain"] = (
        np.asarray(gain, dtype=float) * np.ones(kwargs["hidden_units"]) * factor
    )
    kwargs["hidden_kwargs"] = hidden_kwargs
    if params is not None:
        cell = dict(params["cells"][k])
        cell["hidden_bias"] = np.asarray(cell["hidden_bias"]) * factor
        params = dict(params, cells=list(params["cells"]))
        params["cells"][k] = cell
    return params


def _compensated(spec, layer, dt):
    """A recurrent cell's loop synapse with its trained mean delay kept at
    ``dt`` (`.compensated_synapse`), or None where it does not apply."""
    if layer.hidden_cell != "rnn" or layer.hidden_input_synapse is not None:
        return None
    return compensated_synapse(layer.hidden_synapse, spec.item_duration, dt)


def build_network(
    spec,
    params=None,
    state_scale=None,
    hidden_rates=None,
    steps_per_item=1,
    memory_covariance=None,
    rate=False,
    training=False,
    exact_memory=False,
    lif_smoothing=None,
    external_memory=False,
):
    """The model of ``spec`` at ``dt = item_duration / steps_per_item``.

    Parameters
    ----------
    spec : ModelSpec
    params : dict, optional
        Trained parameters (see `read_params`); ``None``: initial ones.
    state_scale : (order,) array_like, optional
        The first memory's state scale (one memory channel; tiled over
        ``memory_d``), e.g. `.memory_state_scale` of the scaled inputs.
    memory_covariance : (memory_d, order, order) array_like, optional
        The first memory's Legendre states' second moment on the training
        data, for its trained input encoders
        (`nengo_lmu.dl.inputs.memory_covariance`). Except in training, the
        memory is then realised for the trained kernel that reads it
        (`.CovarianceScaling`, ``"min-noise"``, ``STATE_SIGMAS`` RMS values)
        in place of ``state_scale``: the same signal, scaled for the
        encoders it was trained with, with the least spike noise on the
        hidden layer's input. MNIST-1D validation split (order 40, 1600
        LIF, 400 sequences): rate network 0.7825 -> 0.82, spiking at 20
        steps per item 0.7425 -> 0.765.
    hidden_rates : list, optional
        Each cell's hidden 90th-percentile training rate (Hz, or None), for
        ``rate_factor="auto"`` (see `hidden_rate_factor`).
    steps_per_item : int
        Simulator steps per item.
    rate : bool
        Every spiking neuron type replaced by its rate version (the hidden
        layers' LIF by ``SoftLIFRate`` with ``lif_smoothing``, see
        `.rate_version`).
    training : bool
        The network to train: no filtered readout probe, and the first
        memory's kernel normalised where ``spec.normalize_memory`` says.
    exact_memory : bool
        Every memory as the exact linear system it implements (``Direct``).
    lif_smoothing : float, optional
        See ``rate``.
    external_memory : bool
        The first cell without its memory (`.LMUCell`'s
        ``external_memory``): ``memory_stim`` feeds its states, which
        ``cells[0].input_memory_states`` computes from the input.

    Returns
    -------
    Built
    """
    dt = spec.item_duration / steps_per_item
    rng = np.random.RandomState(spec.seed)
    memory_stim = None
    with nengo.Network(seed=spec.seed) as model:
        stim = nengo.Node(np.zeros(spec.input_d), label="x")
        cells = []
        pre, pre_d = stim, spec.input_d
        for k, layer in enumerate(spec.layers):
            kwargs = layer.cell_kwargs()
            kwargs["seed"] = spec.layer_seed(k)
            if k == 0 and state_scale is not None:
                if "scaling" in kwargs["memory_kwargs"]:
                    raise ValidationError(
                        "given together with the first cell's memory_kwargs "
                        "scaling, which it would override: give one of them",
                        attr="state_scale",
                    )
                tiled = np.tile(state_scale, layer.memory_d)
                kwargs["memory_kwargs"] = dict(kwargs["memory_kwargs"])
                if memory_covariance is not None and not training:
                    kernel = None if params is None else params["cells"][0]
                    kwargs["memory_kwargs"]["scaling"] = CovarianceScaling(
                        memory_covariance,
                        sigmas=STATE_SIGMAS,
                        realization="min-noise",
                        readout=None if kernel is None else kernel["memory_kernel"],
                    )
                else:
                    kwargs["memory_kwargs"]["scaling"] = FixedScaling(tiled)
                if spec.normalize_memory and training:
                    # only in training: it changes the step sizes, not the
                    # network, which runs elsewhere without the extra node
                    kwargs["memory_kernel_scale"] = tiled / STATE_SIGMAS
            if spec.compensate_loop and steps_per_item > 1:
                synapse = _compensated(spec, layer, dt)
                if synapse is not None:
                    kwargs["hidden_synapse"] = synapse
            hidden_type = layer.hidden_neuron_type
            if rate:
                kwargs["hidden_neuron_type"] = rate_version(hidden_type, lif_smoothing)
            elif type(hidden_type) in SCALED_HIDDEN_TYPES:
                measured = None if hidden_rates is None else hidden_rates[k]
                relu = type(hidden_type) is nengo.SpikingRectifiedLinear
                if (
                    relu
                    and spec.rate_factor == "auto"
                    and params is not None
                    and measured is None
                ):
                    raise ValidationError(
                        f"are needed to deploy cell {k}'s spiking rectified-linear "
                        f"hidden neurons with rate_factor='auto' (they fire at "
                        f"their input current in Hz, too slowly for spikes "
                        f"unless scaled): give measure_hidden_rates(...) of the "
                        f"training data, or a number as the spec's rate_factor",
                        attr="hidden_rates",
                    )
                factor = hidden_rate_factor(spec.rate_factor, measured, dt, hidden_type)
                if factor != 1 and relu:
                    params = faster_relu(kwargs, params, k, hidden_type, factor)
                elif factor != 1:
                    kwargs["hidden_neuron_type"] = scale_firing_rates(
                        hidden_type, factor
                    )
            if k == 0 and external_memory:
                kwargs["external_memory"] = True
            elif exact_memory:
                kwargs["memory_neuron_type"] = nengo.Direct()
            elif rate:
                memory_type = layer.memory_neuron_type
                if memory_type is None:
                    memory_type = DEFAULT_ENSEMBLE["neuron_type"]
                kwargs["memory_neuron_type"] = rate_version(memory_type)
            cell = LMUCell(
                pre_d,
                theta=spec.layer_theta_items(k) * spec.item_duration,
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
        readout = nengo.Node(size_in=spec.output_d, label="readout")
        if params is None:
            limit = np.sqrt(6.0 / (pre_d + spec.output_d))
            w = rng.uniform(-limit, limit, size=(spec.output_d, pre_d))
            b = np.zeros((spec.output_d, 1))
        else:
            w, b = params["readout"], params["readout_bias"]
        readout_conn = nengo.Connection(pre, readout, transform=w, synapse=None)
        one = nengo.Node(1.0, label="one")
        bias_conn = nengo.Connection(one, readout, transform=b, synapse=None)
        p_logits = nengo.Probe(readout, synapse=None)
        p_filtered = (
            None if training else nengo.Probe(readout, synapse=spec.readout_synapse)
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


def read_params(built):
    """The parameters of a built model as set on its objects: each cell's
    kernels (`.LMUCell.get_kernels`) and the readout. After
    ``nengo_dl.Simulator.freeze_params`` these are the trained values."""
    readout, bias = built.readout_conn, built.bias_conn
    return dict(
        cells=[cell.get_kernels() for cell in built.cells],
        readout=full_transform(
            readout.transform.init, (readout.size_out, readout.size_mid)
        ),
        readout_bias=full_transform(bias.transform.init, (bias.size_out, 1)),
    )


def trained_objects(built):
    """What training changes: the objects to give ``freeze_params`` (the
    memories stay exact float64, and NengoDL cannot freeze ``Direct`` ones)."""
    return (
        [built.readout_conn, built.bias_conn]
        + [cell.hidden for cell in built.cells]
        + [c for cell in built.cells for c in cell.trainable_connections.values()]
    )


def measure_hidden_rates(spec, x, params=None, state_scale=None, minibatch_size=100):
    """Each cell's 90th-percentile hidden firing rate (Hz) in training.

    The rate network (exact memories, one step per item) of ``spec`` with
    ``params`` and ``state_scale`` is run on the scaled sequences ``x``
    (n, items, d); None for a cell whose hidden neurons are neither LIF nor
    ``nengo.SpikingRectifiedLinear`` (whose rate is its input current). What
    ``rate_factor="auto"`` reads (`hidden_rate_factor`).
    """
    b = build_network(
        spec, params, state_scale, rate=True, training=True, exact_memory=True
    )
    types = [layer.hidden_neuron_type for layer in spec.layers]
    measured = [k for k, t in enumerate(types) if type(t) in SCALED_HIDDEN_TYPES]
    out = [None] * len(types)
    if not measured:
        return out
    sizes = [b.cells[k].spec.hidden_units for k in measured]
    with b.model:
        rates = nengo.Node(size_in=sum(sizes), label="hidden_rates")
        start = 0
        for k, size in zip(measured, sizes):
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
        {b.stim: pad_items(x, spec.lag)},
        probe,
        dt=spec.item_duration,
        minibatch_size=min(minibatch_size, len(x)),
        seed=spec.seed,
        verbose=0,
    )
    start = 0
    for k, size in zip(measured, sizes):
        out[k] = float(np.percentile(data[..., start : start + size], 90))
        start += size
    return out
