"""keras-lmu layers imported as LMUCell networks reproduce the Keras outputs."""

import nengo
import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras_lmu = pytest.importorskip("keras_lmu")

from nengo_lmu.keras import (  # noqa: E402
    cell_kwargs_from_keras,
    from_keras_lmu,
    memory_state_scale_from_keras,
)


def keras_layer(options, hidden, input_d, rng):
    layer = keras_lmu.LMU(
        memory_d=2,
        order=5,
        theta=12,
        hidden_cell=hidden,
        return_sequences=True,
        **options,
    )
    layer.build((None, None, input_d))
    for w in layer.weights:
        w.assign(rng.uniform(-0.5, 0.5, size=w.shape).astype(np.float32))
    return layer


@pytest.mark.parametrize(
    "options, hidden_cell, zero_bias",
    [
        (dict(), "rnn", True),
        (dict(), "dense", False),
        (dict(input_to_hidden=True), "dense", False),
        (dict(hidden_to_memory=True, memory_to_memory=True), "rnn", True),
    ],
)
def test_import_reproduces_keras(options, hidden_cell, zero_bias, rng):
    input_d, steps, dt = 3, 30, 0.001
    units = 6
    if hidden_cell == "rnn":
        hidden = tf.keras.layers.SimpleRNNCell(units)
    else:
        hidden = tf.keras.layers.Dense(units, activation="tanh")
    layer = keras_layer(options, hidden, input_d, rng)
    if zero_bias:  # the keras hidden state starts at 0, the network's at f(b)
        hidden.bias.assign(np.zeros(units, dtype=np.float32))
    x = rng.uniform(-1, 1, size=(1, steps, input_d)).astype(np.float32)
    expected = layer(x).numpy()[0]

    with nengo.Network() as model:
        stim = nengo.Node(nengo.processes.PresentInput(x[0], dt))
        cell = from_keras_lmu(
            layer, item_duration=dt, memory_neuron_type=nengo.Direct()
        )
        nengo.Connection(stim, cell.input, synapse=None)
        p = nengo.Probe(cell.output, synapse=None)
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        sim.run_steps(steps + 1)
    err = np.max(np.abs(sim.data[p][1:] - expected))
    assert err < 1e-4, f"max |nengo - keras| = {err:.2e}"


def test_import_errors():
    from nengo.exceptions import ValidationError

    layer = keras_lmu.LMU(
        memory_d=1,
        order=4,
        theta=5,
        hidden_cell=tf.keras.layers.Dense(3, activation="sigmoid"),
    )
    with pytest.raises(ValidationError, match="not built"):
        cell_kwargs_from_keras(layer, 0.01)
    dense = tf.keras.layers.Dense(3)
    dense.build((None, 2))
    for call in (cell_kwargs_from_keras, from_keras_lmu):
        with pytest.raises(
            ValidationError, match="layer: must be a keras_lmu.LMU.*Dense"
        ):
            call(dense, 0.01)
    with pytest.raises(ValidationError, match="must be a keras_lmu.LMU.*LMUCell"):
        cell_kwargs_from_keras(
            keras_lmu.LMUCell(memory_d=1, order=4, theta=5, hidden_cell=None), 0.01
        )
    with pytest.raises(ValidationError, match="must be a keras_lmu.LMU.*NoneType"):
        memory_state_scale_from_keras(None, np.zeros((1, 5, 1)))
    layer.build((None, None, 1))
    with pytest.raises(ValidationError, match="activation"):
        cell_kwargs_from_keras(layer, 0.01)
