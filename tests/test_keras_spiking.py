"""keras-lmu layers with the LIF activation import as LIF networks.

The rate network (LIFRate hidden neurons, exact memory) reproduces Keras to
1e-4; the spiking network (LIF memory and hidden neurons) classifies as the
Keras model does.
"""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

tf = pytest.importorskip("tensorflow")
keras_lmu = pytest.importorskip("keras_lmu")

from nengo_lmu.keras import (  # noqa: E402
    LIFActivation,
    LowpassRNNCell,
    classifier_from_keras,
    from_keras_lmu,
    keras_classifier,
    memory_state_scale_from_keras,
)


def lif_layer(hidden_cell, memory_d, order, theta, input_d, units, rng, **options):
    """A keras-lmu layer with random weights that drive LIF neurons above and
    below threshold (a recurrent cell's biases below it: its hidden state
    starts at 0 in Keras, at f(bias) in nengo)."""
    act = LIFActivation(tau_rc=0.03, tau_ref=0.002, amplitude=0.01)
    if hidden_cell == "rnn":
        hidden = tf.keras.layers.SimpleRNNCell(units, activation=act)
    elif hidden_cell == "lowpass":
        hidden = LowpassRNNCell(units, tau_items=3.0, activation=act)
    else:
        hidden = tf.keras.layers.Dense(units, activation=act)
    layer = keras_lmu.LMU(
        memory_d=memory_d,
        order=order,
        theta=theta,
        hidden_cell=hidden,
        return_sequences=True,
        **options,
    )
    layer.build((None, None, input_d))
    for w in layer.weights:
        w.assign(rng.uniform(-1, 1, size=w.shape).astype(np.float32))
    hidden.kernel.assign(hidden.kernel * 4)
    low, high = dict(rnn=(0.0, 0.9), lowpass=(0.3, 0.95)).get(hidden_cell, (0.0, 2.0))
    hidden.bias.assign(rng.uniform(low, high, units))
    return layer


@pytest.mark.parametrize(
    "hidden_cell, memory_d, order, theta, options",
    [
        ("rnn", 1, 6, 10, dict()),
        ("dense", 2, 5, 12, dict()),
        ("dense", 3, 3, 5, dict(input_to_hidden=True)),
        ("rnn", 2, 8, 20, dict(hidden_to_memory=True, memory_to_memory=True)),
        ("lowpass", 1, 6, 10, dict()),
        ("lowpass", 2, 5, 12, dict(memory_to_memory=True, input_to_hidden=True)),
    ],
)
def test_rate_import_reproduces_keras(
    hidden_cell, memory_d, order, theta, options, rng
):
    input_d, steps, units, dt = 2, 40, 7, 0.001
    layer = lif_layer(
        hidden_cell, memory_d, order, theta, input_d, units, rng, **options
    )
    x = rng.uniform(-1, 1, size=(1, steps, input_d)).astype(np.float32)
    expected = layer(x).numpy()[0]
    active = np.mean(expected > 0)
    assert 0.2 < active < 0.9, f"{active:.0%} of the outputs are above threshold"

    with nengo.Network() as model:
        stim = nengo.Node(nengo.processes.PresentInput(x[0], dt))
        cell = from_keras_lmu(
            layer, item_duration=dt, spiking=False, memory_neuron_type=nengo.Direct()
        )
        nengo.Connection(stim, cell.input, synapse=None)
        p = nengo.Probe(cell.output, synapse=None)
    assert type(cell.hidden.neuron_type) is nengo.LIFRate
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        sim.run_steps(steps + 1)
    err = np.max(np.abs(sim.data[p][1:] - expected))
    assert (
        err < 1e-4
    ), f"max |nengo - keras| = {err:.2e} (outputs up to {expected.max():.2f})"


def test_spiking_import_is_lif(rng):
    layer = lif_layer("rnn", 2, 4, 10, 1, 5, rng)
    act = layer.hidden_cell.activation
    cell = from_keras_lmu(layer, item_duration=0.02, dt=0.001, rate_factor=2.0)
    neurons = cell.hidden.neuron_type
    assert type(neurons) is nengo.LIF
    assert (neurons.tau_rc, neurons.tau_ref, neurons.amplitude) == pytest.approx(
        (act.tau_rc / 2, act.tau_ref / 2, act.amplitude / 2)
    )
    assert all(type(e.neuron_type) is nengo.LIF for e in cell.memory.all_ensembles)
    # the one-step loop of Keras, at 20 steps per item: the lowpass whose
    # loop at 1 ms has the same mean delay, 20 ms (`compensated_synapse`)
    rec = cell.trainable_connections["recurrent_kernel"]
    assert rec.synapse.tau == pytest.approx(-0.001 / np.log(1 - 0.001 / 0.02))
    assert np.all(cell.hidden.gain.sample(5) == 1)


def test_lowpass_cell():
    """`LowpassRNNCell` computes its equations, imports as a recurrent cell
    through a lowpass of ``tau_items`` items, survives Keras' config round
    trip and refuses bad settings."""
    rng = np.random.RandomState(0)
    cell = LowpassRNNCell(3, tau_items=2.0, activation="relu")
    layer = tf.keras.layers.RNN(cell, return_sequences=True)
    x = rng.uniform(-1, 1, size=(2, 6, 4)).astype(np.float32)
    got = layer(x).numpy()
    w, u, b = (
        v.numpy().astype(float) for v in (cell.kernel, cell.recurrent_kernel, cell.bias)
    )
    a = np.exp(-1 / 2.0)
    s = np.zeros((2, 3))
    for n in range(6):
        h = np.maximum(x[:, n] @ w + s @ u + b, 0)
        assert np.allclose(got[:, n], h, atol=1e-5), n
        s = a * s + (1 - a) * h
    assert cell.decay == pytest.approx(a)
    assert LowpassRNNCell(3, tau_items=0).decay == 0  # SimpleRNN's bare delay

    config = cell.get_config()
    again = LowpassRNNCell.from_config(config)
    assert (again.units, again.tau_items) == (3, 2.0)
    assert again.activation is tf.keras.activations.relu
    layer = lif_layer("lowpass", 1, 4, 10, 1, 5, rng)
    cell = from_keras_lmu(layer, item_duration=0.02)
    rec = cell.trainable_connections["recurrent_kernel"]
    assert rec.synapse.tau == pytest.approx(3.0 * 0.02)
    fine = from_keras_lmu(layer, item_duration=0.02, dt=0.001)
    rec = fine.trainable_connections["recurrent_kernel"]
    delay = 0.02 / (1 - np.exp(-1 / 3.0))  # the loop's mean delay, kept
    assert rec.synapse.tau == pytest.approx(-0.001 / np.log(1 - 0.001 / delay))

    with pytest.raises(ValidationError, match="hidden_to_memory"):
        from_keras_lmu(
            lif_layer("lowpass", 1, 4, 10, 1, 5, rng, hidden_to_memory=True), 0.02
        )
    for kwargs, attr in [
        (dict(units=0), "units"),
        (dict(units=3, tau_items=-1), "tau_items"),
        (dict(units=3, use_bias="yes"), "use_bias"),
    ]:
        with pytest.raises(ValidationError, match=attr):
            LowpassRNNCell(**kwargs)


def toy_task(n, n_items=16, seed=0):
    """Which of two bumps (early or late) the sequence holds, in noise."""
    r = np.random.RandomState(seed)
    y = r.randint(0, 2, size=n)
    x = 0.3 * r.randn(n, n_items, 1)
    t = np.arange(n_items)
    for i, label in enumerate(y):
        x[i, :, 0] += np.exp(-0.5 * ((t - (4 if label else 11)) / 1.5) ** 2) * 2
    return x.astype(np.float32), y


@pytest.fixture(scope="module")
def trained():
    """A small Keras LIF classifier trained on the toy task (seeded)."""
    tf.keras.utils.set_random_seed(0)
    x, y = toy_task(600)
    model = keras_classifier(16, 2, order=6, hidden_units=24, readout_items=2)
    model.compile(
        tf.keras.optimizers.Adam(1e-2),
        tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(x, y, epochs=8, batch_size=50, verbose=0)
    return model, x, y


def exact_logits(model, x):
    """The Keras model's logits with the exact LIF curve (sigma dropped)."""
    act = model.layers[1].hidden_cell.activation
    sigma, act.sigma = act.sigma, None
    try:
        return model(x).numpy()
    finally:
        act.sigma = sigma


@pytest.mark.parametrize("hidden_cell", ["dense", "rnn", "lowpass"])
@pytest.mark.parametrize("readout_items", [2, None])
def test_classifier_rate_import_reproduces_keras(hidden_cell, readout_items, trained):
    _, x, _ = trained
    tf.keras.utils.set_random_seed(1)
    model = keras_classifier(
        16,
        2,
        order=6,
        hidden_units=24,
        hidden_cell=hidden_cell,
        readout_items=readout_items,
    )
    hidden = model.layers[1].hidden_cell
    # Keras' SimpleRNN state starts at 0, nengo's hidden layer at f(bias):
    # equal with biases below threshold
    bias = 1.5 if hidden_cell == "dense" else 0.9
    hidden.bias.assign(np.full(24, bias, dtype=np.float32))
    hidden.kernel.assign(hidden.kernel * 3)
    expected = exact_logits(model, x[:100])
    clf = classifier_from_keras(model, x=x, memory_neuron_type=nengo.Direct())
    got = clf.predict(x[:100], spiking=False, verbose=0)
    err = np.max(np.abs(got - expected))
    assert err < 1e-4, f"max |logits - keras| = {err:.2e}"
    assert np.std(expected) > 0.1  # logits that vary with the input


def test_classifier_spiking_accuracy(trained):
    model, x, y = trained
    xt, yt = toy_task(100, seed=1)
    keras_acc = model.evaluate(xt, yt, verbose=0)[1]
    assert keras_acc > 0.9
    clf = classifier_from_keras(model, item_duration=0.02, x=x)
    assert clf.hidden_rates[0] > 20  # measured on the training data
    # the memory is deployed realised for the imported kernel
    assert clf.memory_covariance.shape == (1, 6, 6)
    assert (
        clf.build(steps_per_item=20).cells[0].memory.spec.scaling.readout.shape[1] == 6
    )
    spiking = clf.evaluate(xt, yt, spiking=True, steps_per_item=20, verbose=0)
    assert spiking > keras_acc - 0.05, f"spiking {spiking:.3f}, keras {keras_acc:.3f}"

    # fine-tuning continues from the imported weights with NengoDL's parts
    before = clf.evaluate(xt, yt, spiking=False, verbose=0)
    clf.fit(x, y, epochs=2, learning_rate=1e-3, verbose=0)
    after = clf.evaluate(xt, yt, spiking=False, verbose=0)
    assert after > before - 0.03, f"rate accuracy {before:.3f} -> {after:.3f}"


def test_relu_classifier_imports_as_spikes():
    """A relu cell imports as spiking rectified-linear neurons whose rate
    network reproduces Keras and whose spikes, scaled by the measured rates,
    classify as the Keras model does."""
    tf.keras.utils.set_random_seed(2)
    x, y = toy_task(600)
    xt, yt = toy_task(100, seed=1)
    model = keras_classifier(
        16, 2, order=6, hidden_units=24, readout_items=2, activation="relu"
    )
    model.compile(
        tf.keras.optimizers.Adam(1e-2),
        tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(x, y, epochs=8, batch_size=50, verbose=0)
    keras_acc = model.evaluate(xt, yt, verbose=0)[1]
    assert keras_acc > 0.9
    clf = classifier_from_keras(model, item_duration=0.02, x=x)
    assert type(clf.spec.layers[0].hidden_neuron_type) is nengo.SpikingRectifiedLinear
    assert clf.hidden_rates[0] > 0  # measured on the training data
    spiking = clf.evaluate(xt, yt, spiking=True, steps_per_item=20, verbose=0)
    assert spiking > keras_acc - 0.05, f"spiking {spiking:.3f}, keras {keras_acc:.3f}"
    # without measured rates, spikes need a rate factor, and say so
    bare = classifier_from_keras(model, item_duration=0.02)
    with pytest.raises(ValidationError, match="hidden_rates"):
        bare.evaluate(xt, yt, spiking=True, steps_per_item=20, verbose=0)

    # the rate network reproduces Keras (Keras' recurrent state starts at 0,
    # nengo's hidden layer at relu(bias): equal with biases at or below 0)
    untrained = keras_classifier(
        16, 2, order=6, hidden_units=24, readout_items=2, activation="relu"
    )
    hidden = untrained.layers[1].hidden_cell
    hidden.bias.assign(np.full(24, -0.05, dtype=np.float32))
    hidden.kernel.assign(hidden.kernel * 3)
    exact = classifier_from_keras(untrained, x=x, memory_neuron_type=nengo.Direct())
    expected = untrained(xt).numpy()
    err = np.max(np.abs(exact.predict(xt, spiking=False, verbose=0) - expected))
    assert err < 1e-4, f"max |logits - keras| = {err:.2e}"
    assert np.std(expected) > 0.1  # logits that vary with the input


def test_memory_state_scale(rng):
    layer = lif_layer("dense", 1, 6, 10, 2, 3, rng)
    x = rng.randn(20, 30, 2)
    scale = memory_state_scale_from_keras(layer, x)
    assert scale.shape == (6,) and np.all(scale > 0)
    # twice the input, twice the states
    assert np.allclose(memory_state_scale_from_keras(layer, 2 * x), 2 * scale)


def test_classifier_errors(trained):
    model, x, _ = trained
    inp = tf.keras.Input((16, 1))
    h = keras_lmu.LMU(1, 4, 16, hidden_cell=tf.keras.layers.Dense(3))(inp)
    bad = tf.keras.Model(inp, tf.keras.layers.Dense(2, activation="softmax")(h))
    with pytest.raises(ValidationError, match="linear"):
        classifier_from_keras(bad)
    with pytest.raises(ValidationError, match="x: must have shape"):
        classifier_from_keras(model, x=x[:, :10])
    with pytest.raises(ValidationError, match="activation"):
        keras_classifier(16, 2, activation="sigmoid")
    with pytest.raises(ValidationError, match="readout_items"):
        keras_classifier(4, 2, readout_items=6)
