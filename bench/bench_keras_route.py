"""The Keras route: train in Keras, deploy as spikes in Nengo.

On MNIST-1D and the long-memory recall task of the training suite
(``bench/bench_suite.py``; data from `nengo_lmu.data.load_task`, generated
offline), in one run, the same architecture (keras-lmu ``LMU``, order 40,
theta = the sequence length, a recurrent hidden cell of 128 units, a dense
readout of the mean over the last 4 items) trained three ways:

- plain keras-lmu: a tanh ``SimpleRNNCell``;
- the Keras route: relu units in a `nengo_lmu.keras.LowpassRNNCell` (the
  loop through a 4-item lowpass, as the native recipe's; ``--route-cell
  rnn`` and ``--route-activation lif`` give the earlier SimpleRNN / LIF
  route), then imported with `nengo_lmu.keras.classifier_from_keras` and
  run with spikes (LIF memory of 1600 neurons, spiking rectified-linear
  hidden neurons at 1 ms steps, 20 ms items; the hidden firing rates
  scaled by the estimators' ``rate_factor="auto"``);
- the native route: `nengo_lmu.dl.LMUClassifier` with the suite's recipe
  (its hidden loop through a 4-item lowpass) and ``fit``'s defaults,
  deployed as the suite does (20 ms items, every time constant in items
  kept).

Both Keras models use one recipe: Adam with cosine decay from
``--lr`` over the training and the gradient's global norm clipped to 1 (as
the native recipe's), minibatches of 100, inputs scaled to unit variance
(as the native route does). ``--select`` instead trains the
Keras route for ``--epochs`` epochs at each of ``--lrs`` and prints the
validation accuracy of each (the last 10 % of the training sequences;
test sequences are never used to choose).

Prints one markdown table (parameters, test accuracy of the Keras model,
of the imported network with rate neurons and with spikes on the first
``--n-spiking`` test sequences, seconds per training epoch, and the native
route's seconds per epoch over each model's) and adds it, newest first,
to ``bench/results/keras_route_table.md``.

Usage: ``python bench/bench_keras_route.py [--epochs 15] [--n-spiking
mnist1d=300,recall=100] [--quick] [--select --lrs 1e-3,3e-3,1e-2]
[--route-cell lowpass] [--route-activation relu]``
"""

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_suite import recipe  # noqa: E402

from nengo_lmu.data import TASKS, load_task  # noqa: E402

ITEM = 0.02  # seconds per item when deployed with spikes
STEPS = 20  # 1 ms steps per item
READOUT_ITEMS = 4.0  # as the native route's default
SIGMA = 0.02  # SoftLIF smoothing while training, as LMUClassifier's default


def data(task, n_train=None):
    x, y, xt, yt = load_task(task)
    if n_train is not None:
        x, y = x[:n_train], y[:n_train]
    scale = 1.0 / np.std(x)
    n_val = int(round(len(x) * 0.1))
    return dict(
        x=x[:-n_val], y=y[:-n_val], xv=x[-n_val:], yv=y[-n_val:], xt=xt, yt=yt,
        scale=scale, n_out=TASKS[task]["n_out"],
    )  # fmt: skip


def train_keras(d, activation, lr, epochs, hidden_cell="rnn"):
    """A keras_classifier of the suite's architecture, trained; its results."""
    import tensorflow as tf

    from nengo_lmu.keras import LIFActivation, keras_classifier

    tf.keras.utils.set_random_seed(0)
    n_items = d["x"].shape[1]
    act = LIFActivation(sigma=SIGMA) if activation == "lif" else activation
    model = keras_classifier(
        n_items, d["n_out"], order=40, hidden_units=128, hidden_cell=hidden_cell,
        activation=act, readout_items=READOUT_ITEMS,
    )  # fmt: skip
    steps = epochs * (len(d["x"]) // 100)
    model.compile(
        tf.keras.optimizers.Adam(
            tf.keras.optimizers.schedules.CosineDecay(lr, steps), global_clipnorm=1.0
        ),
        tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    times = []
    cb = tf.keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda e, logs: times.append(time.perf_counter()),
        on_epoch_end=lambda e, logs: times.append(time.perf_counter()),
    )
    s = d["scale"]
    model.fit(
        d["x"] * s, d["y"], epochs=epochs, batch_size=100, verbose=0, callbacks=[cb]
    )
    seconds = np.diff(times)[::2]
    return model, dict(
        params=model.count_params(),
        keras=float(model.evaluate(d["xt"] * s, d["yt"], verbose=0)[1]),
        val=float(model.evaluate(d["xv"] * s, d["yv"], verbose=0)[1]),
        s_epoch=float(np.median(seconds[1:] if len(seconds) > 1 else seconds)),
    )


def deploy_keras(model, d, n_spiking):
    """The Keras route's model imported and run with rates and with spikes."""
    from nengo_lmu.dl import hidden_rate_factor
    from nengo_lmu.keras import classifier_from_keras

    clf = classifier_from_keras(
        model, item_duration=ITEM, x=d["x"], input_scale=d["scale"], n_neurons=1600
    )
    xs, ys = d["xt"][:n_spiking], d["yt"][:n_spiking]
    t0 = time.perf_counter()
    spk = clf.evaluate(xs, ys, spiking=True, steps_per_item=STEPS, verbose=0)
    spk_s = (time.perf_counter() - t0) / len(xs) * 1000
    return dict(
        rate_full=clf.evaluate(d["xt"], d["yt"], spiking=False, verbose=0),
        rate_sub=clf.evaluate(xs, ys, spiking=False, verbose=0),
        spk=spk,
        spk_s=spk_s,
        rate_factor=hidden_rate_factor(
            clf.rate_factor,
            clf.hidden_rates[0],
            ITEM / STEPS,
            clf.spec.layers[0].hidden_neuron_type,
        ),
        hidden_hz=clf.hidden_rates[0],
    )  # fmt: skip


def native(d, epochs, n_spiking):
    """The native NengoDL route (the suite's recipe), deployed as the suite does."""
    from nengo_lmu.dl import LMUClassifier

    n_items = d["x"].shape[1]
    model = LMUClassifier(1, n_items, d["n_out"], **recipe(n_items))
    hist = model.fit(d["x"], d["y"], epochs=epochs, verbose=0)
    path = model.save(os.path.join(tempfile.mkdtemp(), "model.npz"))
    deployed = LMUClassifier.load(path, item_duration=ITEM, hidden_synapse=4 * ITEM)
    xs, ys = d["xt"][:n_spiking], d["yt"][:n_spiking]
    t0 = time.perf_counter()
    spk = deployed.evaluate(xs, ys, spiking=True, steps_per_item=STEPS, verbose=0)
    spk_s = (time.perf_counter() - t0) / len(xs) * 1000
    return dict(
        params=model.n_trainable(),
        keras=None,
        val=model.evaluate(d["xv"], d["yv"], spiking=False, verbose=0),
        rate_full=model.evaluate(d["xt"], d["yt"], spiking=False, verbose=0),
        rate_sub=model.evaluate(xs, ys, spiking=False, verbose=0),
        spk=spk,
        spk_s=spk_s,
        s_epoch=hist["seconds_per_epoch"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="mnist1d,recall")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--n-spiking", default="mnist1d=300,recall=100")
    parser.add_argument("--quick", action="store_true", help="a smoke run: minutes")
    parser.add_argument("--select", action="store_true")
    parser.add_argument("--lrs", default="1e-3,3e-3,1e-2")
    parser.add_argument("--route-cell", choices=["lowpass", "rnn"], default="lowpass")
    parser.add_argument("--route-activation", choices=["relu", "lif"], default="relu")
    parser.add_argument("--out", default=os.path.join("bench", "results"))
    args = parser.parse_args()
    n_spiking = {
        k: int(v) for k, v in (p.split("=") for p in args.n_spiking.split(","))
    }
    n_train = None
    if args.quick:
        args.epochs, n_train = 2, 400
        n_spiking = {task: 10 for task in n_spiking}
    tasks = args.tasks.split(",")

    if args.select:
        for task in tasks:
            d = data(task, n_train)
            for lr in (float(v) for v in args.lrs.split(",")):
                _, r = train_keras(
                    d, args.route_activation, lr, args.epochs, args.route_cell
                )
                print(f"{task} lr {lr:g}: validation {r['val']:.3f}", flush=True)
        return

    cmd = " ".join(["python bench/bench_keras_route.py"] + sys.argv[1:])
    lines = [
        f"### {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} "
        f"cores; `{cmd}`",
        "",
        f"{args.epochs} epochs each; spiking: 1 ms steps, {ITEM * 1000:.0f} ms "
        f"items, on the first test sequences (count in the table), with the "
        f"imported (or native) rate network on the same sequences beside it. "
        f"Speed-up: the native route's s/epoch over the model's.",
        "",
        "| task | model | params | val | Keras, test | rate, test | rate, spiking "
        "subset | spiking | s/epoch | native s/epoch over this |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for task in tasks:
        d = data(task, n_train)
        n = min(n_spiking[task], len(d["xt"]))
        rows = {}
        _, rows["keras-lmu, tanh SimpleRNN 128"] = train_keras(
            d, "tanh", args.lr, args.epochs
        )
        print(task, rows, flush=True)
        model, r = train_keras(
            d, args.route_activation, args.lr, args.epochs, args.route_cell
        )
        r.update(deploy_keras(model, d, n))
        cell = dict(lowpass="LowpassRNN", rnn="SimpleRNN")[args.route_cell]
        route = f"Keras route: keras-lmu, {args.route_activation} {cell} 128 -> spiking"
        rows[route] = r
        print(task, r, flush=True)
        ours = "native NengoDL route (suite recipe)"
        rows[ours] = native(d, args.epochs, n)
        print(task, rows[ours], flush=True)
        base = rows[ours]["s_epoch"]
        for name, r in rows.items():

            def f(key):
                return "-" if r.get(key) is None else f"{r[key]:.3f}"

            sub = "-" if "rate_sub" not in r else f"{r['rate_sub']:.3f} ({n})"
            lines.append(
                f"| {task} | {name} | {r['params']:,} | {f('val')} | {f('keras')} | "
                f"{f('rate_full')} | {sub} | {f('spk')} | {r['s_epoch']:.2f} | "
                f"{base / r['s_epoch']:.2f}x |"
            )
        extra = rows[route]
        lines.append(
            f"| {task} | (Keras route: hidden 90th-percentile rate "
            f"{extra['hidden_hz']:.0f} Hz, rate factor {extra['rate_factor']:.1f}; "
            f"spiking s / 1000 seq: Keras route {extra['spk_s']:.0f}, native "
            f"{rows[ours]['spk_s']:.0f}) "
            f"| | | | | | | | |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        # the newest run first, under the title; earlier runs kept below
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "keras_route_table.md")
        title = "## The Keras route (`bench/bench_keras_route.py`)\n\n"
        old = ""
        if os.path.exists(path):
            with open(path) as f:
                old = f.read()
            old = old[len(title) :] if old.startswith(title) else old
        with open(path, "w") as f:
            f.write(title + text + ("\n" + old if old else ""))


if __name__ == "__main__":
    main()
