"""Train a spiking LMU model in plain NengoDL with nengo-lmu's parts, by hand.

The workflow of a NengoDL user, with nothing hidden in an estimator:

1. declare the model once as a `ModelSpec` (one `LMUCell` and a dense
   readout) and fit a `Scaler` to the inputs and the memory's state scale to
   the data (`memory_state_scale`);
2. build the training network with `build_network` (rate neurons, the hidden
   LIF neurons through SoftLIFRate, the memory precomputed once:
   `training_inputs`), mark what trains with `configure_trainable`;
3. train with an ordinary ``nengo_dl.Simulator``: ``compile`` with the
   recipe's optimizer (`recipe_optimizer`) and the loss on the readout as it
   is read (`classification_loss` of an `ItemReadout`), ``fit`` with a Keras
   callback (``EarlyStopping`` on validation data);
4. ``freeze_params`` and `read_params`, rebuild the same model at 1 ms steps
   with spiking memory and hidden neurons (`build_network` with
   ``steps_per_item``, the memory realised for its trained kernel from its
   state covariance on the training data: `memory_covariance`; the hidden
   neurons firing as fast as the step allows, from their rates on the
   training data: `measure_hidden_rates`), run it on
   held-out sequences (`run_sequences`) and read each sequence's logits with
   the spiking `ItemReadout`.

The task: three classes of noisy sequences with a bump early, in the middle
or late. Prints the validation and test accuracies (rate network at one
step per item, spiking network at 50 steps of 1 ms per item) and saves a
bar chart. Open in Nengo GUI with ``nengo examples/train_nengo_dl_by_hand.py``
to see the (untrained) deployment network.

Requires: nengo_dl
"""

import numpy as np

from nengo_lmu.dl import (
    ItemReadout,
    ModelSpec,
    Scaler,
    build_network,
    class_targets,
    classification_loss,
    configure_trainable,
    measure_hidden_rates,
    memory_covariance,
    memory_state_scale,
    read_params,
    recipe_optimizer,
    repeat_items,
    run_sequences,
    trained_objects,
    training_inputs,
)

N_ITEMS = 16  # items per sequence
STEPS = 50  # simulator steps per item when deployed (of 1 ms: 50 ms items)
SPEC = ModelSpec(
    input_d=1,
    n_items=N_ITEMS,
    output_d=3,
    theta_items=N_ITEMS,
    item_duration=0.05,
    memory_d=1,
    order=6,
    hidden_units=32,
    n_neurons=600,
    seed=0,
)


def make_data(n, rng):
    """A bump early, in the middle or late in each sequence, plus noise."""
    y = rng.randint(0, SPEC.output_d, size=n)
    t = np.arange(N_ITEMS)
    centres = np.array([3, 8, 13])[y]
    x = np.exp(-0.5 * ((t[None] - centres[:, None]) / 1.5) ** 2)
    return (x + 0.3 * rng.randn(n, N_ITEMS))[:, :, None], y


# the deployment network, untrained (what Nengo GUI shows), its parts named
# as the GUI layout (train_nengo_dl_by_hand.py.cfg) plots them
_built = build_network(SPEC, state_scale=np.ones(6), steps_per_item=STEPS)
model = _built.model
model.x, model.cell, model.logits = _built.stim, _built.cells[0], _built.readout


def main(n_train=1000, n_val=200, n_test=300, epochs=20, plot=True):
    """Train, deploy with spikes; the validation and test accuracies."""
    import nengo_dl
    import tensorflow as tf

    rng = np.random.RandomState(0)
    x, y = make_data(n_train + n_val, rng)
    x_test, y_test = make_data(n_test, rng)

    scaler = Scaler.fit(x[:n_train], center=False)
    xs, xs_test = scaler.transform(x), scaler.transform(x_test)
    state_scale = memory_state_scale(xs[:n_train], 6, SPEC.theta_items)

    readout = ItemReadout(SPEC)  # one step per item, as trained
    b = build_network(
        SPEC,
        state_scale=state_scale,
        rate=True,
        training=True,
        exact_memory=True,
        external_memory=True,
        lif_smoothing=0.02,
    )
    configure_trainable(b.model)
    loss, metrics = classification_loss(readout)
    train = training_inputs(b, xs[:n_train], readout, precomputed=True)
    val = training_inputs(b, xs[n_train:], readout, precomputed=True)
    with nengo_dl.Simulator(
        b.model, dt=SPEC.item_duration, minibatch_size=100, seed=0, progress_bar=False
    ) as sim:
        sim.compile(
            optimizer=recipe_optimizer(decay_steps=epochs * n_train // 100),
            loss={b.p_logits: loss},
            metrics={b.p_logits: metrics},
        )
        sim.fit(
            train,
            {b.p_logits: class_targets(y[:n_train], readout)},
            validation_data=(val, {b.p_logits: class_targets(y[n_train:], readout)}),
            epochs=epochs,
            callbacks=[tf.keras.callbacks.EarlyStopping("val_loss", patience=3)],
            verbose=0,
        )
        val_acc = sim.evaluate(
            val, {b.p_logits: class_targets(y[n_train:], readout)}, verbose=0
        )["probe_accuracy"]
        sim.freeze_params(trained_objects(b))
    params = read_params(b)
    # the memory's states on the training data, for the trained encoders
    covariance = memory_covariance(
        xs[:n_train], params["cells"][0]["input_encoders"], 6, SPEC.theta_items
    )
    # the hidden neurons' firing rates on the training data, which set how
    # much faster they fire when deployed (`hidden_rate_factor`)
    hidden_rates = measure_hidden_rates(SPEC, xs[:n_train], params, state_scale)

    def accuracy(steps, spiking):
        """Test accuracy of the model rebuilt at ``steps`` steps per item."""
        deployed = build_network(
            SPEC,
            params,
            state_scale,
            steps_per_item=steps,
            hidden_rates=hidden_rates,
            rate=not spiking,
            memory_covariance=covariance,
        )
        out = run_sequences(
            deployed.model,
            {deployed.stim: repeat_items(readout.pad(xs_test), steps)},
            deployed.p_logits,
            dt=SPEC.item_duration / steps,
            verbose=0,
        )
        logits = ItemReadout(SPEC, steps, spiking).read(out)[:, -1]
        return float(np.mean(np.argmax(logits, axis=1) == y_test))

    rate, spiking = accuracy(1, spiking=False), accuracy(STEPS, spiking=True)
    print(f"validation accuracy (training network): {val_acc:.3f}")
    print(f"test accuracy: rate {rate:.3f}, spiking {spiking:.3f} ({STEPS} steps/item)")
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plt.figure(figsize=(5, 3))
        plt.bar(["validation", "test, rate", "test, spiking"], [val_acc, rate, spiking])
        plt.ylim(0, 1)
        plt.ylabel("accuracy")
        plt.title("LMU trained by hand in NengoDL")
        plt.tight_layout()
        plt.savefig("train_nengo_dl_by_hand.png")
    return val_acc, rate, spiking


if __name__ == "__main__":
    main()
