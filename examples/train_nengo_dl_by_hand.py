"""Train a spiking LMU cell in plain NengoDL with nengo-lmu's parts, by hand.

The workflow of a NengoDL user, with nothing hidden in an estimator:

1. build an `LMUCell` and a dense readout as an ordinary Nengo network;
2. fit a `Scaler` to the inputs and the memory's state scale to the data;
3. train with ``nengo_dl.Simulator.compile/fit`` and a Keras callback
   (``EarlyStopping`` on a validation split), the memory precomputed once
   (`LMUCell.input_memory_states`), the hidden LIF neurons through
   SoftLIFRate (``lif_smoothing``), the memory frozen (`configure_trainable`);
4. ``freeze_params``, read the trained kernels, rebuild the same cell at 1 ms
   steps with spiking memory and hidden neurons, and run it on held-out
   sequences (`run_sequences`).

The task: three classes of noisy sequences with a bump early, in the middle
or late. Prints the validation and test accuracies (rate network at one
step per item, spiking network at 50 steps of 1 ms per item) and saves a
bar chart. Open in Nengo GUI with ``nengo examples/train_nengo_dl_by_hand.py``
to see the (untrained) deployment network.

Requires: nengo_dl
"""

import nengo
import numpy as np

from nengo_lmu.dl import (
    Scaler,
    configure_trainable,
    memory_state_scale,
    pad_items,
    rate_version,
    repeat_items,
    run_sequences,
)
from nengo_lmu.networks import LMUCell

N_ITEMS = 16  # items per sequence
ITEM = 0.05  # seconds per item
ORDER, HIDDEN, N_CLASSES = 6, 32, 3


def make_data(n, rng):
    """A bump early, in the middle or late in each sequence, plus noise."""
    y = rng.randint(0, N_CLASSES, size=n)
    t = np.arange(N_ITEMS)
    centres = np.array([3, 8, 13])[y]
    x = np.exp(-0.5 * ((t[None] - centres[:, None]) / 1.5) ** 2)
    return (x + 0.3 * rng.randn(n, N_ITEMS))[:, :, None], y


def build(dt, kernels=None, readout=None, state_scale=None, training=False):
    """The cell and its readout at ``dt``; in training, the memory precomputed."""
    with nengo.Network(seed=0) as net:
        net.x = nengo.Node(np.zeros(1), label="x")
        net.cell = LMUCell(
            1,
            memory_d=1,
            order=ORDER,
            theta=N_ITEMS * ITEM,
            hidden_units=HIDDEN,
            n_neurons=600,
            dt=dt,
            kernels=kernels,
            external_memory=training,
            memory_kwargs=dict(state_scale=state_scale),
            label="cell",
            seed=0,
        )
        nengo.Connection(net.x, net.cell.input, synapse=None)
        if training:
            # only top-level nodes without input can be fed data in NengoDL
            net.memory_in = nengo.Node(np.zeros(ORDER), label="memory_in")
            nengo.Connection(net.memory_in, net.cell.input_memory, synapse=None)
        net.logits = nengo.Node(size_in=N_CLASSES, label="logits")
        w = (
            np.random.RandomState(1).uniform(-0.2, 0.2, (N_CLASSES, HIDDEN))
            if readout is None
            else readout
        )
        net.readout = nengo.Connection(
            net.cell.output, net.logits, transform=w, synapse=None
        )
        net.p_logits = nengo.Probe(net.logits, synapse=None)
    return net


# the deployment network, untrained (what Nengo GUI shows)
model = build(dt=0.001, state_scale=np.ones(ORDER))

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nengo_dl
    import tensorflow as tf

    rng = np.random.RandomState(0)
    x, y = make_data(1200, rng)
    x_test, y_test = make_data(300, rng)

    scaler = Scaler.fit(x[:1000], center=False)
    xs, xs_test = scaler.transform(x), scaler.transform(x_test)
    state_scale = memory_state_scale(xs[:1000], ORDER, N_ITEMS)

    net = build(ITEM, state_scale=state_scale, training=True)
    configure_trainable(net)
    with net:
        nengo_dl.configure_settings(lif_smoothing=0.02, keep_history=True)
        net.config[net.p_logits].keep_history = False  # the last step only

    def feed(xs):
        steps = pad_items(xs, 1)  # the cell lags one step
        return {net.x: steps, net.memory_in: net.cell.input_memory_states(steps)}

    with nengo_dl.Simulator(
        net, dt=ITEM, minibatch_size=100, seed=0, progress_bar=False
    ) as sim:
        sim.compile(
            optimizer=tf.optimizers.Adam(1e-2),
            loss={net.p_logits: tf.losses.SparseCategoricalCrossentropy(True)},
            metrics={net.p_logits: "accuracy"},
        )
        sim.fit(
            feed(xs[:1000]),
            {net.p_logits: y[:1000, None, None]},
            validation_data=(feed(xs[1000:]), {net.p_logits: y[1000:, None, None]}),
            epochs=20,
            callbacks=[tf.keras.callbacks.EarlyStopping("val_loss", patience=3)],
            verbose=0,
        )
        val = sim.evaluate(
            feed(xs[1000:]), {net.p_logits: y[1000:, None, None]}, verbose=0
        )
        sim.freeze_params(net)
    kernels, readout = net.cell.get_kernels(), np.array(net.readout.transform.init)

    def accuracy(dt, spiking):
        """Test accuracy of the cell rebuilt at ``dt``: the mean logits over
        the last item, read where the memory has taken in the whole sequence
        (the cell lags one step), as in training."""
        deployed = build(dt, kernels, readout, state_scale)
        steps = int(round(ITEM / dt))
        if not spiking:  # every neuron at its rate
            for ens in deployed.all_ensembles:
                ens.neuron_type = rate_version(ens.neuron_type)
        out = run_sequences(
            deployed,
            {deployed.x: repeat_items(pad_items(xs_test, 1), steps)},
            deployed.p_logits,
            dt=dt,
            verbose=0,
        )
        end = N_ITEMS * steps  # the last item's last step, plus one
        logits = out[:, end - steps + 1 : end + 1].mean(axis=1)
        return float(np.mean(np.argmax(logits, axis=1) == y_test))

    rate, spiking = accuracy(ITEM, spiking=False), accuracy(0.001, spiking=True)
    print(f"validation accuracy (training network): {val['probe_accuracy']:.3f}")
    print(f"test accuracy: rate {rate:.3f}, spiking {spiking:.3f} (50 steps/item)")
    plt.figure(figsize=(5, 3))
    plt.bar(
        ["validation", "test, rate", "test, spiking"],
        [val["probe_accuracy"], rate, spiking],
    )
    plt.ylim(0, 1)
    plt.ylabel("accuracy")
    plt.title("LMU cell trained by hand in NengoDL")
    plt.tight_layout()
    plt.savefig("train_nengo_dl_by_hand.png")
