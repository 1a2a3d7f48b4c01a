"""The ``nengo-lmu`` command line.

``nengo-lmu delay`` runs the spiking Legendre memory on white noise, prints
its error against the ideal linear system and the truly delayed input, and
saves a figure. ``nengo-lmu train`` trains a spiking LMU cell in NengoDL on
MNIST-1D. See the README and ``docs/`` for the theory and the API.
"""

import argparse
import json
import os
import sys

import nengo
import numpy as np

# the figures of the subcommands (also importable from here)
from nengo_lmu.cli_plots import plot_delay, plot_training


def _number(kind=float, low=None, low_open=False, high=None, high_open=False):
    """An argparse ``type`` that parses a finite number within bounds.

    A bad value is reported by argparse as one line naming the option, before
    any work is done.
    """
    noun = "an integer" if kind is int else "a number"

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {noun} (got {text!r})")
        if not np.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be finite (got {text!r})")
        if low is not None and (value < low or (low_open and value == low)):
            raise argparse.ArgumentTypeError(
                f"must be {'>' if low_open else '>='} {low} (got {text})"
            )
        if high is not None and (value > high or (high_open and value == high)):
            raise argparse.ArgumentTypeError(
                f"must be {'<' if high_open else '<='} {high} (got {text})"
            )
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


POSITIVE = _number(low=0, low_open=True)
NONNEGATIVE = _number(low=0)
COUNT = _number(int, low=1)


def _figure_path(parser, path):
    """A figure file that can be written, checked before the run.

    Without an extension matplotlib writes PNG and adds ``.png``; the returned
    path is the file actually written.
    """
    import matplotlib.figure

    if os.path.isdir(path):
        parser.error(
            f"argument --output: {path!r} is a directory; give a file name, "
            f"e.g. {os.path.join(path, 'delay.png')!r}"
        )
    ext = os.path.splitext(path)[1][1:].lower()
    if not ext:
        path, ext = path + ".png", "png"
    formats = matplotlib.figure.Figure().canvas.get_supported_filetypes()
    if ext not in formats:
        parser.error(
            f"argument --output: unknown figure format {ext!r} (use one of "
            f"{', '.join(sorted(formats))})"
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        parser.error(f"argument --output: cannot write into {folder!r}")
    return path


def _out_dir(parser, path):
    """Create the output folder (before any work); a file there is an error."""
    if os.path.exists(path) and not os.path.isdir(path):
        parser.error(f"argument --out-dir: {path!r} exists and is not a folder")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        parser.error(f"argument --out-dir: cannot create {path!r} ({e.strerror})")
    if not os.access(path, os.W_OK):
        parser.error(f"argument --out-dir: cannot write into {path!r}")
    return path


def _delay_parser(sub):
    p = sub.add_parser(
        "delay",
        help="delay white noise with the spiking memory and score it",
        description=(
            "Run a spiking LegendreMemory (nengo.Simulator) on band-limited white "
            "noise; print NRMSE against the ideal linear system and against the "
            "truly delayed input (both through a lowpass), and save a PNG."
        ),
    )
    p.add_argument("--theta", type=POSITIVE, default=0.1, help="window, s (0.1)")
    p.add_argument("--order", type=COUNT, default=6, help="Legendre order (6)")
    p.add_argument(
        "--neurons", type=COUNT, default=1000, help="total LIF neurons (1000)"
    )
    p.add_argument("--freq", type=POSITIVE, default=10.0, help="noise cut-off, Hz (10)")
    p.add_argument("--rms", type=POSITIVE, default=0.3, help="noise RMS (0.3)")
    p.add_argument("--duration", type=POSITIVE, default=10.0, help="simulated s (10)")
    p.add_argument("--dt", type=POSITIVE, default=0.001, help="time step, s (0.001)")
    p.add_argument(
        "--synapse", type=POSITIVE, default=0.3, help="recurrent tau, s (0.3)"
    )
    p.add_argument(
        "--readout-synapse",
        type=NONNEGATIVE,
        default=0.01,
        help="scoring lowpass, s (0.01)",
    )
    p.add_argument("--seed", type=_number(int, low=0), default=0, help="seed (0)")
    p.add_argument(
        "--output", "-o", default="delay.png", help="figure file (delay.png)"
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run_delay, check=_check_delay, parser=p)
    return p


def _check_delay(parser, args):
    """Arguments that only make sense together, checked before the run."""
    from nengo_lmu.reference import TRANSIENT

    if not args.duration > TRANSIENT + args.theta:
        parser.error(
            f"argument --duration: must exceed the {TRANSIENT} s transient plus "
            f"theta ({TRANSIENT + args.theta:g} s) to leave something to score "
            f"(got {args.duration:g})"
        )
    if not args.dt < args.theta:
        parser.error(
            f"argument --dt: must be smaller than --theta (got {args.dt:g} >= "
            f"{args.theta:g})"
        )
    args.output = _figure_path(parser, args.output)


def run_delay(args):
    """Run the ``delay`` subcommand; return the `.DelayResult`."""
    from nengo_lmu.delay_task import delay_task

    print(
        f"LegendreMemory: theta={args.theta} s, order={args.order}, "
        f"{args.neurons} LIF neurons; white noise {args.freq} Hz, "
        f"rms {args.rms}, {args.duration} s, seed {args.seed}"
    )
    result = delay_task(
        theta=args.theta,
        order=args.order,
        n_neurons=args.neurons,
        freq=args.freq,
        rms=args.rms,
        duration=args.duration,
        dt=args.dt,
        seed=args.seed,
        synapse=args.synapse,
        readout_synapse=args.readout_synapse,
        progress_bar=not args.no_progress,
    )
    print(f"NRMSE output vs ideal linear system : {result.nrmse_ideal:.4f}")
    print(f"NRMSE output vs delayed input       : {result.nrmse_delay:.4f}")
    print(f"NRMSE ideal system vs delayed input : {result.nrmse_ideal_delay:.4f}")
    print(
        f"build {result.build_time:.2f} s, run {result.run_time:.2f} s "
        f"({result.steps_per_second:.0f} steps/s)"
    )
    plot_delay(result, args.output)
    print(f"figure saved to {args.output}")
    return result


def _classification_tasks():
    from nengo_lmu.data import TASKS

    return {k: v for k, v in TASKS.items() if not v["regression"]}


def _train_parser(sub):
    p = sub.add_parser(
        "train",
        help="train a spiking LMU cell in NengoDL on a sequence task",
        description=(
            "Train an LMUCell classifier (spiking LIF memory, spiking hidden layer "
            "of LIF or integrate-and-fire neurons, trained through their rate curves) "
            "in NengoDL on a task generated offline "
            "(MNIST-1D: 4000 train / 1000 test); the last --validation-split of the "
            "training sequences is held out for validation, the test set is used "
            "once, at the end. Saves the model, its settings, the training history "
            "and a figure of loss and accuracy. Needs nengo-lmu[dl,keras]."
        ),
    )
    p.add_argument(
        "--task",
        choices=sorted(_classification_tasks()),
        default="mnist1d",
        help="mnist1d (default), frequency (100 items, 5 classes) or recall "
        "(500 items, 4 classes: the class of a cue at the start)",
    )
    p.add_argument("--epochs", type=COUNT, default=10, help="training epochs (10)")
    p.add_argument("--memory-d", type=COUNT, default=1, help="memory channels (1)")
    p.add_argument("--order", type=COUNT, default=12, help="Legendre order (12)")
    p.add_argument(
        "--theta",
        type=_number(low=1),
        default=None,
        help="memory window in items (default: the sequence length)",
    )
    p.add_argument(
        "--memory-neurons",
        type=COUNT,
        default=None,
        help="LIF neurons of the memory (default: 20 per Legendre coefficient)",
    )
    p.add_argument("--hidden", type=COUNT, default=128, help="hidden neurons (128)")
    p.add_argument(
        "--hidden-cell",
        choices=["rnn", "dense"],
        default="rnn",
        help="rnn (default: recurrent kernel through --hidden-synapse) or dense",
    )
    p.add_argument(
        "--hidden-synapse",
        type=NONNEGATIVE,
        default=None,
        help="lowpass (s) on the recurrent kernel (default: four items)",
    )
    p.add_argument(
        "--lr", type=POSITIVE, default=1e-2, help="Adam learning rate (0.01)"
    )
    p.add_argument(
        "--lr-schedule",
        choices=["cosine", "constant"],
        default="cosine",
        help="cosine (default: decays to 0 over the epochs) or constant",
    )
    p.add_argument(
        "--memory-surrogate",
        choices=["auto", "exact", "rate", "precomputed"],
        default="auto",
        help="what stands in for the memory in training: its exact linear "
        "system, its rate neurons (1.8x slower per epoch), or the exact "
        "system's states computed once before training (the same training, "
        "fewer operators per step); auto (default): precomputed where the "
        "cell allows it",
    )
    p.add_argument(
        "--hidden-neurons",
        choices=sorted(HIDDEN_NEURONS),
        default="relu",
        help="hidden neurons: relu (nengo.SpikingRectifiedLinear, the default) "
        "or lif (nengo.LIF(amplitude=0.01))",
    )
    p.add_argument(
        "--clip-norm",
        type=NONNEGATIVE,
        default=1.0,
        help="clip the gradient's global norm to this (1); 0: no clipping",
    )
    p.add_argument(
        "--lif-smoothing",
        type=NONNEGATIVE,
        default=0.02,
        help="train LIF hidden neurons through SoftLIFRate with this sigma "
        "(0.02); 0: through LIFRate",
    )
    p.add_argument(
        "--weight-decay",
        type=NONNEGATIVE,
        default=0.0,
        help="AdamW's decoupled weight decay (0: Adam); 0.1 (chosen on a "
        "validation split) with --hidden 256 and --order 40 --theta 40 scored "
        "0.898 on MNIST-1D (30 epochs)",
    )
    p.add_argument("--minibatch", type=COUNT, default=100, help="minibatch size (100)")
    p.add_argument(
        "--validation-split",
        type=_number(low=0, low_open=True, high=1, high_open=True),
        default=0.1,
        help="fraction of the training sequences (the last ones) held out to "
        "validate each epoch (0.1)",
    )
    p.add_argument(
        "--item-duration", type=POSITIVE, default=0.05, help="seconds per item (0.05)"
    )
    p.add_argument(
        "--spiking-eval",
        action="store_true",
        help="also evaluate the trained network with spiking neurons",
    )
    p.add_argument(
        "--steps-per-item",
        type=COUNT,
        default=50,
        help="simulator steps per item in the spiking evaluation (50)",
    )
    p.add_argument(
        "--train-samples", type=COUNT, default=None, help="use only the first N (all)"
    )
    p.add_argument(
        "--test-samples", type=COUNT, default=None, help="use only the first N (all)"
    )
    p.add_argument("--seed", type=_number(int, low=0), default=0, help="seed (0)")
    p.add_argument("--out-dir", default="train_out", help="output folder")
    p.set_defaults(func=run_train, check=_check_train, parser=p)
    return p


#: the ``train`` subcommand's ``--hidden-neurons`` choices
HIDDEN_NEURONS = {
    "relu": nengo.SpikingRectifiedLinear(),
    "lif": nengo.LIF(amplitude=0.01),
}


def _classifier(args, cls, n_items):
    """The ``train`` subcommand's model (validates every setting)."""
    return cls(
        1,
        n_items,
        _classification_tasks()[args.task]["n_out"],
        theta_items=n_items if args.theta is None else args.theta,
        item_duration=args.item_duration,
        memory_d=args.memory_d,
        order=args.order,
        hidden_units=args.hidden,
        n_neurons=args.memory_neurons,
        hidden_cell=args.hidden_cell,
        hidden_synapse=(
            4 * args.item_duration
            if args.hidden_synapse is None
            else args.hidden_synapse
        ),
        readout_synapse=None,
        seed=args.seed,
        hidden_neuron_type=HIDDEN_NEURONS[args.hidden_neurons],
    )


def _check_train(parser, args):
    """Arguments that only make sense together, checked before training."""
    from nengo_lmu.dl.estimators import LMUClassifier

    task = _classification_tasks()[args.task]
    n_train = task["n_train"]
    if args.train_samples is not None:
        n_train = min(n_train, args.train_samples)
    n_val = int(round(n_train * args.validation_split))
    if min(n_train - n_val, n_val) < args.minibatch:
        parser.error(
            f"argument --minibatch: {n_train} training sequences split "
            f"{n_train - n_val} / {n_val} by --validation-split "
            f"{args.validation_split:g} leave fewer than --minibatch "
            f"{args.minibatch} on one side"
        )
    # every model setting checked now, before the data are made
    try:
        _classifier(args, LMUClassifier, n_items=task["n_items"])
    except ValueError as e:  # ValidationError included
        parser.error(str(e))
    args.out_dir = _out_dir(parser, args.out_dir)


def run_train(args):
    """Run the ``train`` subcommand; return a dict of results."""
    from nengo_lmu.dl import LMUClassifier

    from nengo_lmu.data import load_task

    x, y, xt, yt = load_task(args.task)
    x, y = x[: args.train_samples], y[: args.train_samples]
    xt, yt = xt[: args.test_samples], yt[: args.test_samples]
    clf = _classifier(args, LMUClassifier, n_items=x.shape[1])
    n_val = int(round(len(x) * args.validation_split))
    print(
        f"LMUCell: memory_d={args.memory_d}, order={args.order}, theta="
        f"{clf.theta_items:g} items ({clf.theta:g} s), {args.hidden} "
        f"{args.hidden_neurons} hidden "
        f"({args.hidden_cell}); {args.task} {len(x) - n_val} train / {n_val} "
        f"validation / {len(xt)} test"
    )
    settings = {
        k: v for k, v in vars(args).items() if k not in ("func", "check", "parser")
    }
    with open(os.path.join(args.out_dir, "settings.json"), "w") as f:
        json.dump(settings, f, indent=1)
    hist = clf.fit(
        x,
        y,
        epochs=args.epochs,
        minibatch_size=args.minibatch,
        learning_rate=args.lr,
        lr_schedule=args.lr_schedule,
        memory_surrogate=args.memory_surrogate,
        lif_smoothing=args.lif_smoothing or None,
        weight_decay=args.weight_decay,
        clip_norm=args.clip_norm or None,
        validation_split=args.validation_split,
        verbose=1,
    )
    model = os.path.join(args.out_dir, "params.npz")
    clf.save(model)
    results = dict(seconds_per_epoch=hist["seconds_per_epoch"])
    rate_logits = clf.predict(xt, spiking=False)
    results["rate_accuracy"] = float(np.mean(np.argmax(rate_logits, 1) == yt))
    print(f"rate test accuracy    : {results['rate_accuracy']:.4f}")
    spike_logits = None
    if args.spiking_eval:
        spike_logits = clf.predict(xt, spiking=True, steps_per_item=args.steps_per_item)
        results["spiking_accuracy"] = float(np.mean(np.argmax(spike_logits, 1) == yt))
        print(
            f"spiking test accuracy : {results['spiking_accuracy']:.4f} "
            f"({args.steps_per_item} steps per item)"
        )
    print(f"seconds per epoch     : {hist['seconds_per_epoch']:.1f}")
    history = {k: np.ravel(v).astype(float).tolist() for k, v in hist.items()}
    history.update(test=results)
    with open(os.path.join(args.out_dir, "history.json"), "w") as f:
        json.dump(history, f, indent=1)
    figure = os.path.join(args.out_dir, "training.png")
    plot_training(hist, rate_logits, spike_logits, figure)
    print(
        f"model saved to {model} (LMUClassifier.load); settings.json, "
        f"history.json and training.png beside it"
    )
    return results


def build_parser():
    parser = argparse.ArgumentParser(
        prog="nengo-lmu",
        description=(
            "Spiking Legendre Memory Units for Nengo. Documentation: docs/ in the "
            "source tree (README.md for the two main commands)."
        ),
    )
    from nengo_lmu.version import version

    parser.add_argument("--version", action="version", version=f"nengo-lmu {version}")
    sub = parser.add_subparsers(dest="command", required=True)
    _delay_parser(sub)
    _train_parser(sub)
    return parser


def main(argv=None):
    """Entry point of the ``nengo-lmu`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from nengo.exceptions import ValidationError

    if hasattr(args, "check"):
        args.check(args.parser, args)
    try:
        args.func(args)
    except ValidationError as e:
        parser.exit(2, f"nengo-lmu: error: {e}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
