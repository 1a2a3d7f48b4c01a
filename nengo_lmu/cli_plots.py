"""The figures that the ``nengo-lmu`` subcommands save (`nengo_lmu.cli`).

Each function takes what its subcommand computed and a path, draws with
matplotlib's ``Agg`` backend (imported on first use) and closes its figure.
"""

import numpy as np


def plot_delay(result, path, window=None):
    """Save a figure of a `.DelayResult`.

    Top: the whole run's error (output minus the delayed input, and the ideal
    system's own error); below, over the last ``window`` seconds (default
    ``10 * theta``, at most 2 s): input, delayed input, ideal and spiking
    outputs, and the memory's state against the ideal state.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = result.t
    theta = result.params["theta"]
    window = min(10 * theta, 2.0) if window is None else window
    last = t > t[-1] - window
    fig, axes = plt.subplots(
        3, 1, figsize=(10, 8), gridspec_kw=dict(height_ratios=[1, 1.5, 1.2])
    )
    err = (result.output - result.delayed)[:, 0]
    axes[0].plot(t, err, color="tab:red", lw=0.6, label="spiking memory")
    axes[0].plot(
        t,
        (result.ideal - result.delayed)[:, 0],
        color="tab:blue",
        lw=0.6,
        label="ideal system",
    )
    axes[0].axvspan(t[last][0], t[-1], color="0.9", zorder=0)
    axes[0].set_ylabel("error vs u(t - theta)")
    axes[0].set_title(
        f"NRMSE vs delayed {result.nrmse_delay:.3f}, vs ideal {result.nrmse_ideal:.3f}"
        f" (shaded: the window below)"
    )
    axes[0].legend(loc="upper right", fontsize="small", ncol=2)
    axes[1].plot(t[last], result.u[last], color="0.6", lw=0.8, label="input u")
    axes[1].plot(t[last], result.delayed[last], color="k", lw=1.5, label="u(t - theta)")
    axes[1].plot(
        t[last], result.ideal[last], "--", color="tab:blue", label="ideal system"
    )
    axes[1].plot(
        t[last], result.output[last], color="tab:red", lw=1, label="spiking memory"
    )
    axes[1].set_ylabel(f"delay by theta = {theta:g} s")
    axes[1].legend(loc="upper right", fontsize="small", ncol=4)
    axes[2].plot(t[last], result.ideal_state[last], "--", lw=0.8)
    axes[2].set_prop_cycle(None)
    axes[2].plot(t[last], result.state[last], lw=0.8)
    axes[2].set_ylabel("state m (dashed: ideal)")
    axes[2].set_xlabel("time (s)")
    axes[1].sharex(axes[2])
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_training(hist, rate_logits, spike_logits, path):
    """Save loss and accuracy per epoch and (optionally) spiking vs rate logits."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for ax, kind in zip(axes, ("loss", "accuracy")):
        for key, value in hist.items():
            if key.endswith(kind) and isinstance(value, list):
                name = "validation" if key.startswith("val_") else "training"
                ax.plot(np.arange(1, len(value) + 1), value, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel("cross-entropy" if kind == "loss" else kind)
        ax.legend(fontsize="small")
    if spike_logits is None:
        axes[2].hist(rate_logits.ravel(), bins=50)
        axes[2].set_xlabel("rate logits (test set)")
    else:
        axes[2].plot(rate_logits.ravel(), spike_logits.ravel(), ".", ms=1)
        lim = np.abs(rate_logits).max()
        axes[2].plot([-lim, lim], [-lim, lim], "k--", lw=0.5)
        axes[2].set_xlabel("rate logits (test set)")
        axes[2].set_ylabel("spiking logits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
