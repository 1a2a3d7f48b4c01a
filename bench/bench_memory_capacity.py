"""T3: how far back can the untrained Legendre memory reconstruct its input?

White noise (cut-off ``1 / theta``) is delayed by 100, 1,000, 10,000 and
100,000 steps (dt = 1 ms). For each delay the table gives the NRMSE of the
ideal discrete Legendre system (order as given) and of the spiking
`LegendreMemory` (``nengo.Simulator``) against the truly delayed input, both
through a lowpass of ``theta / 100``, measured side by side in one run.

Usage: ``python bench/bench_memory_capacity.py [--spiking-max 100000] [--order 12]``
"""

import argparse
import time

import nengo
import numpy as np
from nengo.utils.numpy import nrmse

from nengo_lmu import LegendreDelay, discretize, simulate
from nengo_lmu.networks import LegendreMemory


def run(steps, order, n_neurons, spiking, seed=0, dt=0.001):
    theta = steps * dt
    duration = 6 * theta
    process = nengo.processes.WhiteSignal(
        duration, high=1.0 / theta, rms=0.3, seed=seed
    )
    u = process.run(duration, dt=dt)
    delay = LegendreDelay(theta, order)
    Ad, Bd = discretize(delay.A, delay.B, dt)
    C = delay.readout(theta - 0.5 * dt)
    lowpass = nengo.Lowpass(theta / 100)
    ref = lowpass.filt(np.vstack([np.zeros((steps, 1)), u[:-steps]]), dt=dt, y0=0)
    keep = slice(2 * steps, None)
    t0 = time.perf_counter()
    lagged = np.vstack([np.zeros((1, 1)), u[:-1]])
    ideal = lowpass.filt(simulate(Ad, Bd, lagged) @ C.T, dt=dt, y0=0)
    t_ideal = time.perf_counter() - t0
    row = dict(
        steps=steps, order=order, ideal=nrmse(ideal[keep], ref[keep]), t_ideal=t_ideal
    )
    if spiking:
        with nengo.Network(seed=seed) as model:
            stim = nengo.Node(nengo.processes.PresentInput(u, dt))
            mem = LegendreMemory(
                theta,
                order,
                n_neurons,
                synapse=max(0.3, theta / 10),
                input_process=nengo.processes.WhiteSignal(
                    duration, high=1.0 / theta, rms=0.3
                ),
            )
            nengo.Connection(stim, mem.input, synapse=None)
            p = nengo.Probe(mem.output, synapse=None)
        t0 = time.perf_counter()
        with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
            sim.run_steps(len(u))
        row["t_spiking"] = time.perf_counter() - t0
        out = lowpass.filt(sim.data[p], dt=dt, y0=0)
        row["spiking"] = nrmse(out[keep], ref[keep])
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
