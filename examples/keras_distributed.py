"""Train an LMU in Keras under a distribution strategy, deploy it as spikes.

A keras-lmu classifier whose hidden layer is LIF neurons
(`nengo_lmu.keras.LIFActivation`, SoftLIF while training) is trained with
``tf.distribute.MirroredStrategy``, which copies the model onto every device
and splits each minibatch between them (here two logical CPU devices, so
that it runs anywhere; on a machine with GPUs the strategy finds them
itself). The task is a short version of the long-memory recall task
(`nengo_lmu.data.recall_task`): name the cue at the start of a noisy
sequence. The trained model is imported with
`nengo_lmu.keras.classifier_from_keras` as a spiking network (LIF memory
and LIF hidden neurons) and run with 1 ms steps, 20 per item.

Across machines, ``tf.distribute.MultiWorkerMirroredStrategy`` replaces
``MirroredStrategy``: start this script on every worker with ``TF_CONFIG``
set, e.g. ``{"cluster": {"worker": ["host1:12345", "host2:12345"]},
"task": {"type": "worker", "index": 0}}`` (index 1 on the second), build
and compile the model inside ``strategy.scope()`` as below, and import and
deploy the model on one worker (the chief, index 0) after ``fit``.

Run headless with ``python examples/keras_distributed.py`` (prints the
replicas, the Keras, rate and spiking accuracies; saves
``keras_distributed.png``); open the spiking network in Nengo GUI with
``nengo examples/keras_distributed.py`` (it plays test sequences one after
the other).

Requires: tensorflow keras_lmu nengo_dl
"""

import nengo
import tensorflow as tf

from nengo_lmu.data import recall_task
from nengo_lmu.keras import classifier_from_keras, keras_classifier

# two logical devices on the first CPU: possible only before TensorFlow
# starts (in a process that has already used TensorFlow the strategy gets
# the devices that exist)
cpu = tf.config.list_physical_devices("CPU")[0]
try:
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
except RuntimeError:
    pass
devices = [d.name for d in tf.config.list_logical_devices("CPU")]
strategy = tf.distribute.MirroredStrategy(devices)

n_items, n_classes, item = 40, 4, 0.02  # 20 ms items when deployed
x, y = recall_task(800, n_items=n_items, cue_items=10, seed=1)
x_test, y_test = recall_task(200, n_items=n_items, cue_items=10, seed=2)

tf.keras.utils.set_random_seed(0)
with strategy.scope():  # variables mirrored on every device
    keras_model = keras_classifier(
        n_items, n_classes, order=8, hidden_units=32, readout_items=2
    )
    keras_model.compile(
        tf.keras.optimizers.Adam(1e-2),
        tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
# each minibatch of 100 is split between the replicas
history = keras_model.fit(x, y, epochs=12, batch_size=100, verbose=0)

# the trained model as a spiking network (LIF memory and hidden neurons);
# the training inputs scale the memory and the hidden firing rates
clf = classifier_from_keras(keras_model, item_duration=item, x=x)
steps_per_item = 20
built = clf.build(steps_per_item=steps_per_item)
# for Nengo GUI: the test sequences one after the other, each item for 20 ms
built.stim.output = nengo.processes.PresentInput(
    clf.pad(x_test[:20]).reshape(-1, 1), item
)
model = built.model
stim, cell, readout = built.stim, built.cells[0], built.readout
with model:
    p_logits = nengo.Probe(readout, synapse=0.05)

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    print(f"replicas: {strategy.num_replicas_in_sync} ({', '.join(devices)})")
    print(f"training loss: {history.history['loss'][0]:.3f} -> "
          f"{history.history['loss'][-1]:.3f}")  # fmt: skip
    keras_acc = keras_model.evaluate(x_test, y_test, verbose=0)[1]
    rate = clf.evaluate(x_test, y_test, spiking=False, verbose=0)
    n = 40
    spiking = clf.evaluate(
        x_test[:n], y_test[:n], spiking=True, steps_per_item=steps_per_item,
        verbose=0,
    )  # fmt: skip
    rate_n = clf.evaluate(x_test[:n], y_test[:n], spiking=False, verbose=0)
    print(f"keras accuracy: {keras_acc:.3f}")
    print(f"imported rate accuracy: {rate:.3f}")
    print(f"spiking accuracy: {spiking:.3f} (rate {rate_n:.3f} on the same {n})")

    with nengo.Simulator(model, dt=item / steps_per_item, progress_bar=False) as sim:
        sim.run(2 * (n_items + clf.lag) * item)
    t = sim.trange()
    plt.figure(figsize=(8, 4))
    plt.plot(t, sim.data[p_logits])
    for k in (1, 2):
        plt.axvline(k * (n_items + clf.lag) * item, color="k", ls=":")
    plt.xlabel("time (s)")
    plt.ylabel("spiking logits")
    plt.title(f"labels {y_test[0]}, {y_test[1]}; spiking accuracy {spiking:.2f}")
    plt.legend([f"class {k}" for k in range(n_classes)], loc="upper left")
    plt.tight_layout()
    plt.savefig("keras_distributed.png")
