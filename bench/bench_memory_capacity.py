"""T3: how far back can the untrained Legendre memory reconstruct its input?

White noise (cut-off ``1 / theta``) is delayed by 100, 1,000, 10,000 and
100,000 steps (dt = 1 ms). For each delay the table gives the NRMSE of the
ideal discrete Legendre system (order as given) and of the spiking
`LegendreMemory` (``nengo.Simulator``) against the truly delayed input, both
through a lowpass of ``theta / 100`` (`nengo_lmu.reference`: `ideal_delay`,
`score_delay`), measured side by side in one run.

Usage: ``python bench/bench_memory_capacity.py [--spiking-max 100000] [--order 12]``
"""

import argparse
import time

import nengo
import numpy as np

from nengo_lmu.networks import LegendreMemory
from nengo_lmu.reference import ideal_delay, score_delay


def run(steps, order, n_neurons, spiking, seed=0, dt=0.001):
    """One delay: the ideal system's and (if ``spiking``) the memory's NRMSE,
    scored by `score_delay` (lowpass ``theta / 100``, the first two windows
    dropped)."""
    theta = steps * dt
    duration = 6 * theta
    process = nengo.processes.WhiteSignal(
        duration, high=1.0 / theta, rms=0.3, seed=seed
    )
    u = process.run(duration, dt=dt)
    t = dt * np.arange(1, len(u) + 1)
    score = dict(theta=theta, dt=dt, readout_synapse=theta / 100, transient=2 * theta)
    t0 = time.perf_counter()
    ideal = ideal_delay(u, theta, order, dt)
    t_ideal = time.perf_counter() - t0
    row = dict(
        steps=steps,
        order=order,
        ideal=score_delay(t, u, ideal, **score).nrmse,
        t_ideal=t_ideal,
    )
    if spiking:
        with nengo.Network(seed=seed) as model:
            stim = nengo.Node(nengo.processes.PresentInput(u, dt))
            mem = LegendreMemory(
                theta,
                order,
                n_neurons,
                synapse=max(0.3, theta / 10),
                scaling=nengo.processes.WhiteSignal(
                    duration, high=1.0 / theta, rms=0.3
                ),
            )
            nengo.Connection(stim, mem.input, synapse=None)
            p = nengo.Probe(mem.output, synapse=None)
        t0 = time.perf_counter()
        with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
            sim.run_steps(len(u))
        row["t_spiking"] = time.perf_counter() - t0
        row["spiking"] = score_delay(sim.trange(), u, sim.data[p], **score).nrmse
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--order", type=int, default=12)
    parser.add_argument("--neurons", type=int, default=2000, help="total, spiking")
    parser.add_argument(
        "--spiking-max",
        type=int,
        default=100000,
        help="largest delay (steps) also run with spiking neurons",
    )
    args = parser.parse_args()
    print(
        f"# T3 memory capacity: order {args.order}, white noise at 1/theta, "
        f"dt = 1 ms, {args.neurons} LIF neurons for the spiking memory\n"
    )
    print(
        "| delay (steps) | ideal system NRMSE | spiking NRMSE | spiking / ideal "
        "| ideal s | spiking s |"
    )
    print("|---|---|---|---|---|---|")
    for steps in [100, 1000, 10000, 100000]:
        r = run(steps, args.order, args.neurons, spiking=steps <= args.spiking_max)
        sp = r.get("spiking", float("nan"))
        print(
            f"| {steps:,} | {r['ideal']:.4f} | {sp:.4f} | {sp / r['ideal']:.1f} "
            f"| {r['t_ideal']:.1f} | {r.get('t_spiking', float('nan')):.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
