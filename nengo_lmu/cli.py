"""The ``nengo-lmu`` command line.

``nengo-lmu delay`` runs the spiking Legendre memory on white noise, prints
its error against the ideal linear system and the truly delayed input, and
saves a figure. ``nengo-lmu train`` trains a spiking LMU cell in NengoDL on
MNIST-1D. See the README and ``docs/`` for the theory and the API.
"""

import argparse
import sys

import numpy as np


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
    p.add_argument("--theta", type=float, default=0.1, help="window, s (0.1)")
    p.add_argument("--order", type=int, default=6, help="Legendre order (6)")
    p.add_argument("--neurons", type=int, default=1000, help="total LIF neurons (1000)")
    p.add_argument("--freq", type=float, default=10.0, help="noise cut-off, Hz (10)")
    p.add_argument("--rms", type=float, default=0.3, help="noise RMS (0.3)")
    p.add_argument("--duration", type=float, default=10.0, help="simulated s (10)")
    p.add_argument("--dt", type=float, default=0.001, help="time step, s (0.001)")
    p.add_argument("--synapse", type=float, default=0.3, help="recurrent tau, s (0.3)")
    p.add_argument(
        "--readout-synapse", type=float, default=0.01, help="scoring lowpass, s (0.01)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed (0)")
    p.add_argument(
        "--output", "-o", default="delay.png", help="figure file (delay.png)"
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run_delay)
    return p


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


def plot_delay(result, path):
    """Save a figure of a `.DelayResult`: input, outputs, memory state."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = result.t
    fig, axes = plt.subplots(3, 1, figsize=(10, 8), sharex=True)
    axes[0].plot(t, result.u, color="0.5", lw=0.8)
    axes[0].set_ylabel("input u")
    axes[1].plot(t, result.delayed, color="k", lw=1.5, label="u(t - theta)")
    axes[1].plot(t, result.ideal, "--", color="tab:blue", label="ideal system")
    axes[1].plot(t, result.output, color="tab:red", lw=1, label="spiking memory")
    axes[1].set_ylabel("delayed")
    axes[1].legend(loc="upper right", fontsize="small")
    axes[1].set_title(
        f"NRMSE vs delayed {result.nrmse_delay:.3f}, vs ideal {result.nrmse_ideal:.3f}"
    )
    axes[2].plot(t, result.ideal_state, "--", lw=0.8)
    axes[2].set_prop_cycle(None)
    axes[2].plot(t, result.state, lw=0.8)
    axes[2].set_ylabel("state m (dashed: ideal)")
    axes[2].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _train_parser(sub):
    p = sub.add_parser(
        "train",
        help="train a spiking LMU cell in NengoDL on MNIST-1D",
        description=(
            "Train an LMUCell classifier (spiking LIF memory and hidden layer, trained "
            "through their rate curves) in NengoDL on MNIST-1D (4000 train / 1000 "
            "test, generated offline); save the parameters and a figure of the "
            "training curves and of spiking vs rate outputs. Needs nengo-lmu[dl,keras]."
        ),
    )
    p.add_argument("--task", choices=["mnist1d"], default="mnist1d")
    p.add_argument("--epochs", type=int, default=10, help="training epochs (10)")
    p.add_argument("--memory-d", type=int, default=1, help="memory channels (1)")
    p.add_argument("--order", type=int, default=12, help="Legendre order (12)")
    p.add_argument(
        "--theta", type=float, default=40, help="memory window in items/steps (40)"
    )
    p.add_argument("--hidden", type=int, default=128, help="hidden neurons (128)")
    p.add_argument(
        "--hidden-cell",
        choices=["rnn", "dense"],
        default="rnn",
        help="rnn (default: recurrent kernel through --hidden-synapse) or dense",
    )
    p.add_argument(
        "--hidden-synapse",
        type=float,
        default=None,
        help="lowpass (s) on the recurrent kernel (default: four items)",
    )
    p.add_argument("--lr", type=float, default=1e-2, help="Adam learning rate (0.01)")
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
        "--lif-smoothing",
        type=float,
        default=0.02,
        help="train the LIF hidden neurons through SoftLIFRate with this sigma "
        "(0.02); 0: through LIFRate",
    )
    p.add_argument(
        "--weight-decay",
        type=float,
        default=0.0,
        help="AdamW's decoupled weight decay (0: Adam); 0.1 (chosen on a "
        "validation split) with --hidden 256 and --order 40 --theta 40 scored "
        "0.898 on MNIST-1D (30 epochs)",
    )
    p.add_argument("--minibatch", type=int, default=100, help="minibatch size (100)")
    p.add_argument(
        "--item-duration", type=float, default=0.05, help="seconds per item (0.05)"
    )
    p.add_argument(
        "--spiking-eval",
        action="store_true",
        help="also evaluate the trained network with spiking neurons",
    )
    p.add_argument(
        "--steps-per-item",
        type=int,
        default=50,
        help="simulator steps per item in the spiking evaluation (50)",
    )
    p.add_argument(
        "--train-samples", type=int, default=None, help="use only the first N (all)"
    )
    p.add_argument(
        "--test-samples", type=int, default=None, help="use only the first N (all)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-dir", default="train_out", help="output folder")
    p.set_defaults(func=run_train)
    return p


def run_train(args):
    """Run the ``train`` subcommand; return a dict of results."""
    import os

    from nengo_lmu.data import mnist1d
    from nengo_lmu.dl import LMUClassifier

    os.makedirs(args.out_dir, exist_ok=True)
    x, y, xt, yt = mnist1d()
    x, y = x[: args.train_samples], y[: args.train_samples]
    xt, yt = xt[: args.test_samples], yt[: args.test_samples]
    clf = LMUClassifier(
        1,
        x.shape[1],
        10,
        theta_items=args.theta,
        item_duration=args.item_duration,
        memory_d=args.memory_d,
        order=args.order,
        hidden_units=args.hidden,
        hidden_cell=args.hidden_cell,
        hidden_synapse=(
            4 * args.item_duration
            if args.hidden_synapse is None
            else args.hidden_synapse
        ),
        readout_synapse=None,
        seed=args.seed,
    )
    print(
        f"LMUCell: memory_d={args.memory_d}, order={args.order}, theta={args.theta} "
        f"items ({clf.theta:g} s), {args.hidden} LIF hidden ({args.hidden_cell}); "
        f"MNIST-1D {len(x)} train / {len(xt)} test"
    )
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
        validation_data=(xt, yt),
        verbose=1,
    )
    params = os.path.join(args.out_dir, "params.npz")
    clf.save(params)
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
    figure = os.path.join(args.out_dir, "training.png")
    plot_training(hist, rate_logits, spike_logits, figure)
    print(f"parameters saved to {params}; figure saved to {figure}")
    return results


def plot_training(hist, rate_logits, spike_logits, path):
    """Save training curves and (optionally) spiking vs rate logits."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for key, value in hist.items():
        if key.endswith("loss") and isinstance(value, list):
            axes[0].plot(np.arange(1, len(value) + 1), value, label=key)
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("cross-entropy")
    axes[0].legend(fontsize="small")
    if spike_logits is None:
        axes[1].hist(rate_logits.ravel(), bins=50)
        axes[1].set_xlabel("rate logits")
    else:
        axes[1].plot(rate_logits.ravel(), spike_logits.ravel(), ".", ms=1)
        lim = np.abs(rate_logits).max()
        axes[1].plot([-lim, lim], [-lim, lim], "k--", lw=0.5)
        axes[1].set_xlabel("rate logits")
        axes[1].set_ylabel("spiking logits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


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

    try:
        args.func(args)
    except ValidationError as e:
        parser.exit(2, f"nengo-lmu: error: {e}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
