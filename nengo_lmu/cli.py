"""The ``nengo-lmu`` command line.

``nengo-lmu delay`` runs the spiking Legendre memory on white noise, prints
its error against the ideal linear system and the truly delayed input, and
saves a figure. See the README and ``docs/`` for the theory and the API.
"""

import argparse
import sys


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


def build_parser():
    parser = argparse.ArgumentParser(
        prog="nengo-lmu",
        description=(
            "Spiking Legendre Memory Units for Nengo. Documentation: docs/ in the "
            "source tree (README.md for the two main commands)."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _delay_parser(sub)
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
