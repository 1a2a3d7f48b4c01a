"""The training suite: one recipe on several sequence classification tasks.

Trains, in one run, on each task (all generated offline, `nengo_lmu.data`):

- ``mnist1d``: MNIST-1D, 40 items, 10 classes (4000 train / 1000 test);
- ``frequency``: the frequency of a noisy sine, 100 items, 5 classes;
- ``recall``: the class of a cue at the start of 500 items of noise, 4
  classes (the long-memory task);

three models side by side:

- keras-lmu's ``LMU`` (order 40, theta = the sequence length, SimpleRNN
  128 hidden units, a dense readout; Adam 1e-3, the published setting);
- an LSTM of 64 units (Adam 1e-3);
- this project's `LMUClassifier` with one recipe for every task, scaled by
  the sequence length only (`RECIPE`): the same architecture as the
  keras-lmu peer with spiking LIF memory and hidden neurons, trained in
  NengoDL with ``fit``'s defaults, then run with spikes at 1 ms steps.

Hyper-parameters are not chosen here: the recipe is fit's defaults and the
architecture of the keras-lmu peer. Each task's last 10 % of training
sequences are a validation split (reported, never used to choose).

Prints one table per run (test accuracy with rate neurons at one step per
item, with spikes at 1 ms steps and items of 50 ms (the training's item)
and of 20 ms (every time constant in items kept: the same trained
function), the rate network at those steps, trainable
parameters, seconds per epoch and their ratio to keras-lmu, spiking and rate
evaluation seconds per 1000 sequences) and appends it to
``bench/results/suite_table.md``.

Usage: ``python bench/bench_suite.py [--tasks mnist1d,frequency,recall]
[--epochs 20] [--n-spiking 300]``
"""

import argparse
import datetime
import os
import platform
import tempfile
import time

import numpy as np

from nengo_lmu.data import frequency_task, mnist1d, recall_task
from nengo_lmu.dl import LMUClassifier

ITEM = 0.05  # seconds per item (spiking runs also use 20 ms items)


def task_data(name):
    """(x, y, x_test, y_test, n_classes) of a task."""
    if name == "mnist1d":
        x, y, xt, yt = mnist1d()
        return x, y, xt, yt, 10
    if name == "frequency":
        x, y = frequency_task(3000, seed=1)
        xt, yt = frequency_task(1000, seed=2)
        return x, y, xt, yt, 5
    if name == "recall":
        x, y = recall_task(1000, seed=1)
        xt, yt = recall_task(300, seed=2)
        return x, y, xt, yt, 4
    raise ValueError(name)


def recipe(n_items):
    """The one recipe: the keras-lmu peer's architecture, scaled by length."""
    return dict(
        theta_items=n_items,
        item_duration=ITEM,
        memory_d=1,
        order=40,
        hidden_units=128,
        hidden_cell="rnn",
        hidden_synapse=4 * ITEM,  # the loop through a 4-item lowpass
        n_neurons=1600,
    )


def keras_peers(tf, keras_lmu, n_items, n_classes):
    def lmu():
        inp = tf.keras.Input((n_items, 1))
        h = keras_lmu.LMU(
            memory_d=1,
            order=40,
            theta=n_items,
            hidden_cell=tf.keras.layers.SimpleRNNCell(128),
        )(inp)
        return tf.keras.Model(inp, tf.keras.layers.Dense(n_classes)(h))

    def lstm():
        inp = tf.keras.Input((n_items, 1))
        h = tf.keras.layers.LSTM(64)(inp)
        return tf.keras.Model(inp, tf.keras.layers.Dense(n_classes)(h))

    return {"keras-lmu q40, SimpleRNN 128": lmu, "LSTM 64": lstm}


def run_keras(tf, make, x, y, xt, yt, epochs):
    model = make()
    model.compile(
        tf.optimizers.Adam(1e-3),
        tf.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    times = []
    cb = tf.keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda e, logs: times.append(time.perf_counter()),
        on_epoch_end=lambda e, logs: times.append(time.perf_counter()),
    )
    model.fit(x, y, epochs=epochs, batch_size=100, verbose=0, callbacks=[cb])
    epoch_s = float(np.median(np.diff(times)[::2][1:]))
    acc = float(model.evaluate(xt, yt, verbose=0)[1])
    return dict(params=model.count_params(), rate=acc, s_epoch=epoch_s)


def run_ours(x, y, xt, yt, n_classes, epochs, n_spiking):
    clf = LMUClassifier(1, x.shape[1], n_classes, **recipe(x.shape[1]))
    hist = clf.fit(x, y, epochs=epochs, validation_split=0.1, verbose=0)
    t0 = time.perf_counter()
    rate = clf.evaluate(xt, yt, spiking=False, verbose=0)
    rate_s = (time.perf_counter() - t0) / len(xt) * 1000
    out = dict(
        params=clf.n_trainable(),
        rate=rate,
        val=float(hist["val_probe_accuracy"][-1]),
        s_epoch=hist["seconds_per_epoch"],
        rate_s=rate_s,
    )
    xs, ys = xt[:n_spiking], yt[:n_spiking]
    out["rate_sub"] = clf.evaluate(xs, ys, spiking=False, verbose=0)
    path = clf.save(os.path.join(tempfile.mkdtemp(), "model.npz"))
    for steps in (50, 20):
        # 1 ms steps: items of `steps` ms, every time constant in items kept
        item = steps * 0.001
        deployed = LMUClassifier.load(path, item_duration=item, hidden_synapse=4 * item)
        t0 = time.perf_counter()
        out[f"spk{steps}"] = deployed.evaluate(
            xs, ys, spiking=True, steps_per_item=steps, verbose=0
        )
        out[f"spk{steps}_s"] = (time.perf_counter() - t0) / len(xs) * 1000
        # the rate network at the same steps: the loop's timing, not spikes
        out[f"rate{steps}"] = deployed.evaluate(
            xs, ys, spiking=False, steps_per_item=steps, verbose=0
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="mnist1d,frequency,recall")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--n-spiking", type=int, default=300)
    parser.add_argument("--out", default=os.path.join("bench", "results"))
    args = parser.parse_args()

    import keras_lmu
    import tensorflow as tf

    tf.random.set_seed(0)
    lines = [
        f"### {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} "
        f"cores; `python bench/bench_suite.py --tasks {args.tasks} --epochs "
        f"{args.epochs} --n-spiking {args.n_spiking}`",
        "",
        "| task | model | params | rate | rate, 50 steps/item | spiking 50 | "
        "rate, 20 steps/item | spiking 20 | val | s/epoch | s/epoch ratio | "
        "spiking s / 1000 seq (50, 20) | rate s / 1000 seq |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for task in args.tasks.split(","):
        x, y, xt, yt, n_classes = task_data(task)
        results = {}
        for name, make in keras_peers(tf, keras_lmu, x.shape[1], n_classes).items():
            results[name] = run_keras(tf, make, x, y, xt, yt, args.epochs)
            print(task, name, results[name], flush=True)
        ours = "nengo-lmu (one recipe)"
        results[ours] = run_ours(x, y, xt, yt, n_classes, args.epochs, args.n_spiking)
        print(task, ours, results[ours], flush=True)
        base = results["keras-lmu q40, SimpleRNN 128"]["s_epoch"]
        for name, r in results.items():

            def f(key, fmt="{:.3f}"):
                return fmt.format(r[key]) if key in r else "-"

            lines.append(
                f"| {task} | {name} | {r['params']:,} | {f('rate')} | "
                f"{f('rate50')} | {f('spk50')} | {f('rate20')} | {f('spk20')} | "
                f"{f('val')} | {r['s_epoch']:.2f} | {r['s_epoch'] / base:.2f} | "
                f"{f('spk50_s', '{:.0f}')}, {f('spk20_s', '{:.0f}')} | "
                f"{f('rate_s', '{:.1f}')} |"
            )
        if "rate_sub" in results[ours]:
            lines.append(
                f"| {task} | (ours, rate on the {args.n_spiking} spiking test "
                f"sequences) | | {results[ours]['rate_sub']:.3f} | | | | | | | | | |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "suite_table.md"), "a") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
