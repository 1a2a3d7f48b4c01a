"""Train an LMU in Keras, deploy it as a Nengo network.

A small keras-lmu model learns to output its input delayed by 5 steps; the
trained layer is imported with `nengo_lmu.keras.from_keras_lmu` as an
`LMUCell` whose memory is exact and whose hidden neurons have the Keras
activation (tanh), so it reproduces the Keras outputs; swap in spiking
neurons to deploy it with spikes. Run headless with
``python examples/keras_import.py`` (saves ``keras_import.png``); open the
imported network in Nengo GUI with ``nengo examples/keras_import.py``.

Requires: tensorflow keras_lmu
"""

import nengo
import numpy as np
import tensorflow as tf
import keras_lmu

from nengo_lmu.keras import from_keras_lmu

steps, delay = 30, 5
rng = np.random.RandomState(0)
x = rng.uniform(-1, 1, size=(256, steps, 1)).astype(np.float32)
y = np.concatenate([np.zeros((256, delay, 1)), x[:, :-delay]], axis=1)

tf.random.set_seed(0)
layer = keras_lmu.LMU(
    memory_d=1,
    order=8,
    theta=10,
    return_sequences=True,
    hidden_cell=tf.keras.layers.Dense(16, activation="tanh"),
)
keras_model = tf.keras.Sequential([tf.keras.Input((None, 1)), layer])
keras_model.compile("adam", "mse")
keras_model.fit(x, y[:, :, :1].repeat(16, axis=2), epochs=5, verbose=0)

item, dt = 0.01, 0.001  # each sequence step lasts 10 ms = 10 simulator steps
test = x[0]
with nengo.Network(seed=0) as model:
    stim = nengo.Node(nengo.processes.PresentInput(test, item))
    cell = from_keras_lmu(
        layer, item_duration=item, dt=dt, memory_neuron_type=nengo.Direct()
    )
    nengo.Connection(stim, cell.input, synapse=None)
    p_out = nengo.Probe(cell.output, synapse=None)

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    expected = keras_model(x[:1]).numpy()[0]
    k = int(round(item / dt))
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        sim.run_steps(steps * k + 1)
    # the output after item i (held for k steps) appears one step later
    at_items = sim.data[p_out][k::k][:steps]
    err = np.max(np.abs(at_items - expected))
    print(f"max |nengo - keras| at the end of each item = {err:.2e}")
    plt.plot(np.arange(steps), expected[:, 0], "ko", label="keras")
    plt.plot(sim.trange() / item - 1, sim.data[p_out][:, 0], label="nengo (imported)")
    plt.legend()
    plt.xlabel("step")
    plt.savefig("keras_import.png")
