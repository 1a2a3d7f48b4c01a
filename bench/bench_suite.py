"""The training suite: one recipe on four sequence tasks of different kinds.

Trains, in one run, on each task (all generated offline, `nengo_lmu.data`):

- ``mnist1d``: MNIST-1D, 40 items, 10 classes (4000 train / 1000 test);
- ``frequency``: the frequency of a noisy sine, 100 items, 5 classes
  (3000 / 1000);
- ``recall``: the class of a cue at the start of 500 items of noise, 4
  classes (the long-memory task; 1000 / 300);
- ``mackey-glass``: predict a Mackey-Glass series 15 samples ahead at
  every item, 200 items per sequence (regression; 2000 / 200 sequences of
  two independent series; scored by NRMSE, the RMS error over the target's
  standard deviation, from item 50 on);

three models side by side:

- keras-lmu's ``LMU`` (order 40, theta = the sequence length, SimpleRNN
  128 hidden units, a dense readout; Adam 1e-3, the published setting);
- an LSTM of 64 units (Adam 1e-3);
- this project's `LMUClassifier` / `LMURegressor` with one recipe for every
  task, scaled by the sequence length only (`recipe`): the same
  architecture as the keras-lmu peer with a spiking LIF memory and spiking
  hidden neurons (see ``--hidden``), trained in NengoDL with ``fit``'s
  defaults (Adam 1e-2, cosine decay, the gradient clipped to norm 1) and the
  estimators' defaults (readout over the last 4 items, hidden firing rates
  scaled to the time step), then run with spikes at 1 ms steps.

Every model trains for ``--epochs`` epochs in minibatches of 100. Each
task's last 10 % of training sequences are a validation split (reported,
never used to choose anything here; the recipe's settings were chosen on
such splits, see the benchmarks page).

Prints one table per run (test score with rate neurons at one step per
item, with spikes at 1 ms steps and items of 50 ms (the training's item)
and of 20 ms (every time constant in items kept: the same trained
function), the rate network at those steps, trainable parameters, seconds
per epoch and their ratio to keras-lmu, spiking and rate evaluation
seconds per 1000 sequences) and appends it to
``bench/results/suite_table.md``.

``--hidden`` names the hidden neurons, one row per task each: ``relu``
(the default, the estimators': ``nengo.SpikingRectifiedLinear``) or
``lif`` (``nengo.LIF(amplitude=0.01)``), e.g. ``--hidden relu,lif``;
``--clip-norm`` is ``fit``'s ``clip_norm`` (default 1, ``none``: no
clipping).

Usage: ``python bench/bench_suite.py [--tasks mnist1d,frequency,recall,mackey-glass]
[--epochs 20] [--n-spiking 300] [--steps 50,20] [--hidden relu] [--clip-norm 1]``
"""

import argparse
import datetime
import os
import platform
import tempfile
import time

import nengo
import numpy as np

from nengo_lmu.data import TASKS, load_task
from nengo_lmu.dl import LMUClassifier, LMURegressor

ITEM = 0.05  # seconds per item (spiking runs also use 20 ms items)
WARMUP = 50  # mackey-glass: items scored from this one on
STEPS = [50, 20]  # spiking runs: 1 ms steps per item (--steps)


def task_data(name):
    """(x, y, x_test, y_test, n_out, regression) of a task."""
    return (*load_task(name), TASKS[name]["n_out"], TASKS[name]["regression"])


#: the recipe's hidden neurons (``--hidden``): the estimators' default LIF,
#: or spiking rectified-linear (integrate-and-fire without a leak)
HIDDEN = {
    "relu": dict(hidden_neuron_type=nengo.SpikingRectifiedLinear()),
    "lif": dict(hidden_neuron_type=nengo.LIF(amplitude=0.01)),
}


def recipe(n_items, hidden="relu"):
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
        **HIDDEN[hidden],
    )


def nrmse(pred, y):
    """NRMSE from item `WARMUP` on."""
    err = pred[:, WARMUP:] - y[:, WARMUP:]
    return float(np.sqrt(np.mean(err**2)) / np.std(y[:, WARMUP:]))


def keras_peers(tf, keras_lmu, n_items, n_out, regression):
    def readout(h):
        return tf.keras.layers.Dense(n_out)(h)

    def lmu():
        inp = tf.keras.Input((n_items, 1))
        h = keras_lmu.LMU(
            memory_d=1,
            order=40,
            theta=n_items,
            hidden_cell=tf.keras.layers.SimpleRNNCell(128),
            return_sequences=regression,
        )(inp)
        return tf.keras.Model(inp, readout(h))

    def lstm():
        inp = tf.keras.Input((n_items, 1))
        h = tf.keras.layers.LSTM(64, return_sequences=regression)(inp)
        return tf.keras.Model(inp, readout(h))

    return {"keras-lmu q40, SimpleRNN 128": lmu, "LSTM 64": lstm}


def run_keras(tf, make, data, epochs):
    x, y, xt, yt, _, regression = data
    model = make()
    if regression:
        mu, sd = x.mean(), x.std()
        x, xt, y = (x - mu) / sd, (xt - mu) / sd, (y - mu) / sd
        model.compile(tf.optimizers.Adam(1e-3), "mse")
    else:
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
    if regression:
        score = nrmse(model.predict(xt, verbose=0) * sd + mu, yt)
    else:
        score = float(model.evaluate(xt, yt, verbose=0)[1])
    return dict(params=model.count_params(), rate=score, s_epoch=epoch_s)


def run_ours(data, epochs, n_spiking, hidden="relu", clip_norm=1.0):
    x, y, xt, yt, n_out, regression = data
    cls = LMURegressor if regression else LMUClassifier
    model = cls(1, x.shape[1], n_out, **recipe(x.shape[1], hidden))
    hist = model.fit(
        x, y, epochs=epochs, validation_split=0.1, clip_norm=clip_norm, verbose=0
    )

    def score(m, xs, ys, **kwargs):
        if regression:
            return nrmse(m.predict(xs, verbose=0, **kwargs), ys)
        return m.evaluate(xs, ys, verbose=0, **kwargs)

    t0 = time.perf_counter()
    rate = score(model, xt, yt, spiking=False)
    rate_s = (time.perf_counter() - t0) / len(xt) * 1000
    n = int(round(len(x) * 0.1))
    out = dict(
        params=model.n_trainable(),
        rate=rate,
        val=score(model, x[-n:], y[-n:], spiking=False),
        s_epoch=hist["seconds_per_epoch"],
        rate_s=rate_s,
    )
    xs, ys = xt[:n_spiking], yt[:n_spiking]
    out["rate_sub"] = score(model, xs, ys, spiking=False)
    path = model.save(os.path.join(tempfile.mkdtemp(), "model.npz"))
    for steps in STEPS:
        # 1 ms steps: items of `steps` ms, every time constant in items kept
        item = steps * 0.001
        deployed = cls.load(path, item_duration=item, hidden_synapse=4 * item)
        t0 = time.perf_counter()
        out[f"spk{steps}"] = score(deployed, xs, ys, spiking=True, steps_per_item=steps)
        out[f"spk{steps}_s"] = (time.perf_counter() - t0) / len(xs) * 1000
        # the rate network at the same steps: the loop's timing, not spikes
        out[f"rate{steps}"] = score(
            deployed, xs, ys, spiking=False, steps_per_item=steps
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--n-spiking", type=int, default=300)
    parser.add_argument(
        "--steps", default="50,20", help="spiking runs' 1 ms steps per item"
    )
    parser.add_argument(
        "--hidden",
        default="relu",
        help=f"the recipe's hidden neurons, one row each: {','.join(HIDDEN)}",
    )
    parser.add_argument(
        "--clip-norm",
        type=lambda v: None if v == "none" else float(v),
        default=1.0,
        help="fit's clip_norm for this project's models (default 1; none)",
    )
    parser.add_argument("--out", default=os.path.join("bench", "results"))
    args = parser.parse_args()
    STEPS[:] = [int(s) for s in args.steps.split(",")]

    import keras_lmu
    import tensorflow as tf

    tf.random.set_seed(0)
    lines = [
        f"### {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} "
        f"cores; `python bench/bench_suite.py --tasks {args.tasks} --epochs "
        f"{args.epochs} --n-spiking {args.n_spiking} --steps {args.steps} "
        f"--hidden {args.hidden}"
        + f" --clip-norm {'none' if args.clip_norm is None else f'{args.clip_norm:g}'}`",
        "",
        "Accuracy (classification) or NRMSE (mackey-glass, lower is better); "
        "val: the rate network on the validation split.",
        "",
        "| task | model | params | rate | rate, 50 steps/item | spiking 50 | "
        "rate, 20 steps/item | spiking 20 | val | s/epoch | s/epoch ratio | "
        "spiking s / 1000 seq (50, 20) | rate s / 1000 seq |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for task in args.tasks.split(","):
        data = task_data(task)
        x, regression = data[0], data[5]
        results = {}
        peers = keras_peers(tf, keras_lmu, x.shape[1], data[4], regression)
        for name, make in peers.items():
            results[name] = run_keras(tf, make, data, args.epochs)
            print(task, name, results[name], flush=True)
        for hidden in args.hidden.split(","):
            ours = f"nengo-lmu (one recipe), {hidden} hidden"
            results[ours] = run_ours(
                data, args.epochs, args.n_spiking, hidden, args.clip_norm
            )
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
        n_sub = min(args.n_spiking, len(data[2]))
        for name, r in results.items():
            if "rate_sub" in r:
                lines.append(
                    f"| {task} | ({name}: rate on the {n_sub} spiking test "
                    f"sequences) | | {r['rate_sub']:.3f} | | | | | | | | | |"
                )
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "suite_table.md"), "a") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
