"""Benchmark the spiking Legendre memory against the ideal linear system.

Prints, for the protocols of the core issue, this network's NRMSE next to the
ideal linear system's (the limit), the target and the ratio, with neuron
count, build time, run time and simulated steps per second; then the NRMSE of
design variants measured in the same run (what each lever buys), the
high-order maths check H1, and saves curves of NRMSE against neurons and
against theta * f.

Usage: ``python bench/bench_delay.py [--seeds 3] [--out bench/results] [--quick]``
"""

import argparse
import datetime
import os
import platform
import time

import nengo
import numpy as np

from nengo_lmu import LegendreDelay, discretize
from nengo_lmu.delay_task import delay_task

PROTOCOLS = {
    # name: (task kwargs, target, published/peer reference)
    "D1": (
        dict(theta=0.1, order=6, n_neurons=1000, freq=10, duration=10),
        0.05,
        "nengolib RollingWindow 0.128",
    ),
    "D2": (
        dict(theta=1.0, order=6, n_neurons=1000, freq=1, duration=30),
        0.025,
        "paper 0.048, nengolib 0.063",
    ),
}

VARIANTS = {
    "default": dict(),
    "nengo default neurons (LIF 2 ms, 200-400 Hz, reg 0.1)": dict(
        neuron_type=nengo.LIF(),
        max_rates=nengo.dists.Uniform(200, 400),
        solver=nengo.solvers.LstsqL2(reg=0.1),
    ),
    "reg 0.1 instead of 0.003": dict(solver=nengo.solvers.LstsqL2(reg=0.1)),
    "scaled by analytic bound (no input process)": dict(input_process=None),
    "min-noise realization": dict(realization="min-noise"),
    "scale_sigmas 3.5 instead of 5": dict(scale_sigmas=3.5),
    "synapse 0.1 s instead of 0.3 s": dict(synapse=0.1),
    "synapse 1.0 s instead of 0.3 s": dict(synapse=1.0),
    "LIFRate (no spikes), reg 0.001": dict(
        neuron_type=nengo.LIFRate(tau_ref=0.001),
        solver=nengo.solvers.LstsqL2(reg=0.001),
    ),
}


def run_protocol(task, seeds, **kwargs):
    results = [delay_task(seed=s, **task, **kwargs) for s in range(seeds)]
    return dict(
        nrmse=np.mean([r.nrmse_delay for r in results]),
        ideal=np.mean([r.nrmse_ideal_delay for r in results]),
        vs_ideal=np.mean([r.nrmse_ideal for r in results]),
        neurons=results[0].n_neurons,
        build=np.mean([r.build_time for r in results]),
        run=np.mean([r.run_time for r in results]),
        sps=np.mean([r.steps_per_second for r in results]),
    )


def h1(order=1024, dt=0.001):
    """High order: theta = 1e5 dt. Build time, stability and readout accuracy."""
    theta = 1e5 * dt
    t0 = time.perf_counter()
    delay = LegendreDelay(theta, order)
    Ad, Bd = discretize(delay.A, delay.B, dt)
    C = delay.readout(theta - 0.5 * dt)
    build = time.perf_counter() - t0
    finite = bool(np.all(np.isfinite(Ad)) and np.all(np.isfinite(Bd)))
    radius = np.max(np.abs(np.linalg.eigvals(Ad)))
    I = np.eye(order)
    errs = []
    for wt in [0.1, 0.5, 1.0, 2.0]:  # omega * theta
        w = wt / theta
        z = np.exp(1j * w * dt)
        H = (C @ np.linalg.solve(z * I - Ad, Bd)).item()
        errs.append(abs(H - np.exp(-1j * w * (theta - dt))))
    dc = (C @ np.linalg.solve(I - Ad, Bd)).item()
    return dict(
        order=order,
        theta=theta,
        build=build,
        finite=finite,
        radius=radius,
        dc=dc,
        errs=errs,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default=os.path.join("bench", "results"))
    parser.add_argument("--quick", action="store_true", help="short curves")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    print(
        f"# nengo-lmu delay benchmark, {datetime.date.today()}, "
        f"{platform.node()} ({platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores), nengo {nengo.__version__}, numpy {np.__version__}"
    )

    print(
        "\n## Protocols (mean of %d seeds, nengo.Simulator, dt = 1 ms)\n" % args.seeds
    )
    print(
        "| protocol | neurons | NRMSE | ideal system | NRMSE / ideal | target "
        "| NRMSE / target | reference | build s | run s | steps/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    tables = {}
    for name, (task, target, ref) in PROTOCOLS.items():
        rows = {}
        for vname, kwargs in VARIANTS.items():
            rows[vname] = run_protocol(task, args.seeds, **kwargs)
        tables[name] = rows
        r = rows["default"]
        print(
            f"| {name} | {r['neurons']} | {r['nrmse']:.4f} | {r['ideal']:.4f} "
            f"| {r['nrmse'] / r['ideal']:.1f} | {target} | {r['nrmse'] / target:.2f} "
            f"| {ref} | {r['build']:.2f} | {r['run']:.2f} | {r['sps']:.0f} |"
        )
    d1 = tables["D1"]["default"]
    print(
        f"\nS1: {d1['sps']:.0f} simulated steps/s at {d1['neurons']} neurons "
        f"(target >= 4000, nengolib RollingWindow's; ratio {d1['sps'] / 4000:.2f})"
    )

    print("\n## Levers (same run, same seeds): NRMSE vs the delayed input\n")
    print("| variant | D1 | D2 |")
    print("|---|---|---|")
    for vname in VARIANTS:
        print(
            f"| {vname} | {tables['D1'][vname]['nrmse']:.4f} "
            f"| {tables['D2'][vname]['nrmse']:.4f} |"
        )

    h = h1()
    print("\n## H1: order 1024, theta = 1e5 dt = 100 s\n")
    print(
        f"maths built (A, B, zero-order hold, readout) in {h['build']:.2f} s; "
        f"finite: {h['finite']}; spectral radius {h['radius']:.9f}; DC gain "
        f"{h['dc']:.9f}; |H(jw) - exp(-jw theta)| at w theta = 0.1, 0.5, 1, 2: "
        + ", ".join(f"{e:.1e}" for e in h["errs"])
    )

    curves(args)


def curves(args):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    task = dict(PROTOCOLS["D1"][0])
    neurons = (
        [250, 500, 1000, 2000, 4000]
        if args.quick
        else [250, 500, 1000, 2000, 4000, 8000]
    )
    seeds = 1 if args.quick else 2
    by_n = [run_protocol({**task, "n_neurons": n}, seeds) for n in neurons]
    freqs = [1, 2, 5, 10, 15, 20]
    by_f = [run_protocol({**task, "freq": f}, seeds) for f in freqs]

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    axes[0].loglog(neurons, [r["nrmse"] for r in by_n], "o-", label="spiking LIF")
    axes[0].loglog(neurons, [r["ideal"] for r in by_n], "k--", label="ideal system")
    axes[0].set_xlabel("total neurons")
    axes[0].set_ylabel("NRMSE (D1: theta 0.1 s, 10 Hz)")
    axes[0].legend()
    thetaf = [0.1 * f for f in freqs]
    axes[1].semilogy(thetaf, [r["nrmse"] for r in by_f], "o-", label="spiking LIF")
    axes[1].semilogy(thetaf, [r["ideal"] for r in by_f], "k--", label="ideal system")
    axes[1].set_xlabel("theta * f")
    axes[1].set_ylabel("NRMSE (order 6, 1000 neurons)")
    axes[1].legend()
    fig.tight_layout()
    path = os.path.join(args.out, "delay_curves.png")
    fig.savefig(path, dpi=100)
    print(f"\n## Curves (saved to {path})\n")
    print("| total neurons | " + " | ".join(map(str, neurons)) + " |")
    print("|---|" + "---|" * len(neurons))
    print("| NRMSE | " + " | ".join(f"{r['nrmse']:.4f}" for r in by_n) + " |")
    print("\n| theta * f | " + " | ".join(f"{x:.1f}" for x in thetaf) + " |")
    print("|---|" + "---|" * len(freqs))
    print("| NRMSE | " + " | ".join(f"{r['nrmse']:.4f}" for r in by_f) + " |")
    print("| ideal | " + " | ".join(f"{r['ideal']:.4f}" for r in by_f) + " |")


if __name__ == "__main__":
    main()
