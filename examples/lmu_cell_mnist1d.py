"""A spiking LMU cell classifying MNIST-1D sequences.

The cell (spiking LIF memory and hidden layer) is trained in NengoDL through
the neurons' rate curves and evaluated with spikes. The trained model ships
beside this script, in ``lmu_cell_mnist1d/``, made by::

    nengo-lmu train --epochs 20 --order 40 --memory-neurons 1600 --seed 0 \
        --hidden-neurons lif --spiking-eval --test-samples 300 \
        --out-dir examples/lmu_cell_mnist1d

(``settings.json``, ``history.json`` and ``training.png`` there record the
run). Without it, ``python examples/lmu_cell_mnist1d.py`` trains briefly (a
few epochs on part of the data) with the same settings.

Open in Nengo GUI with ``nengo examples/lmu_cell_mnist1d.py``: the model
plays test sequences (one every 2.05 s) into the cell; the layout
(``lmu_cell_mnist1d.py.cfg``) plots the input sequence, the memory's state,
the hidden layer's spikes and the ten class scores (``logits``) building up
over each sequence (the trained model's).

Requires: nengo_dl mnist1d
"""

import os

import nengo

from nengo_lmu.data import mnist1d
from nengo_lmu.dl import LMUClassifier

try:
    HERE = os.path.dirname(os.path.abspath(__file__))
except NameError:  # run without a file name
    HERE = "examples"
PARAMS = os.path.join(HERE, "lmu_cell_mnist1d", "params.npz")
steps_per_item = 50  # of 1 ms
x, y, x_test, y_test = mnist1d()
clf = LMUClassifier(
    1,
    40,
    10,
    theta_items=40,
    item_duration=0.05,
    readout_synapse=None,
    memory_d=1,
    order=40,
    n_neurons=1600,
    hidden_units=128,
    hidden_cell="rnn",
    hidden_synapse=0.2,
    hidden_neuron_type=nengo.LIF(amplitude=0.01),
    seed=0,
)  # the settings of the command above
if os.path.exists(PARAMS):
    clf = LMUClassifier.load(PARAMS)

built = clf.build(steps_per_item=steps_per_item)
model = built.model
# play the first test sequences, each item for item_duration seconds
test_input = clf.pad(x_test[:20] * (clf.input_scale or 1.0)).reshape(-1, 1)
built.stim.output = nengo.processes.PresentInput(test_input, clf.item_duration)
# the parts Nengo GUI's layout (lmu_cell_mnist1d.py.cfg) plots
stim, cell, logits = built.stim, built.cells[0], built.readout

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    if clf.params is None:
        clf.fit(
            x[:1000],
            y[:1000],
            epochs=3,
            learning_rate=1e-2,
            minibatch_size=100,
            verbose=0,
        )
    n = 100
    rate = clf.evaluate(x_test[:n], y_test[:n], spiking=False)
    logits = clf.predict(x_test[:n], spiking=True, steps_per_item=steps_per_item)
    spiking = float(np.mean(np.argmax(logits, axis=1) == y_test[:n]))
    print(f"test accuracy on {n} sequences: rate {rate:.3f}, spiking {spiking:.3f}")
    plt.figure(figsize=(6, 3))
    plt.bar(["rate", "spiking"], [rate, spiking])
    plt.ylabel("test accuracy")
    plt.title("LMU cell on MNIST-1D")
    plt.tight_layout()
    plt.savefig("lmu_cell_mnist1d.png")
