"""Benchmark the Legendre memory on the nengo-loihi emulator.

L1 (Voelker's thesis protocol): order 3, theta = 0.1 s, 3 Hz white noise of
RMS 0.3, 3 x 128 LIF neurons, synapse 10 ms. D1: theta = 0.1 s, order 6,
10 Hz, 1000 LIF, 10 s. Each on ``nengo.Simulator`` (the memory as the user
builds it, unconfigured) and on ``nengo_loihi.Simulator`` with
``target="simreal"`` (float) and ``"sim"`` (the integer emulator) after
`nengo_lmu.loihi.configure_for_loihi`. Scoring as in `.delay_task` (10 ms
readout filter, first 0.5 s dropped). Then a resource table from nengo-loihi's
block utilisation for a range of orders and neuron counts.

Usage: ``python bench/bench_loihi.py [--seeds 3] [--duration-l1 10] [--quick]``
"""

import argparse
import datetime
import functools
import os
import platform
import time
import warnings

import nengo
import nengo_loihi
import numpy as np

from nengo_lmu.delay_task import delay_task
from nengo_lmu.loihi import configure_for_loihi, resources
from nengo_lmu.networks import LegendreMemory

PROTOCOLS = {
    "L1": (
        dict(theta=0.1, order=3, n_neurons=384, freq=3, rms=0.3, synapse=0.01),
        dict(sim=0.07, cpu=0.035),
        "thesis: emulator 0.148, CPU 0.057",
    ),
    "D1": (
        dict(theta=0.1, order=6, n_neurons=1000, freq=10, rms=0.3),
        dict(sim=None, cpu=0.05),
        "CPU target 0.05 (README)",
    ),
}


def run(task, duration, seeds, target):
    if target == "cpu":
        kw = {}
    else:
        kw = dict(
            simulator=functools.partial(nengo_loihi.Simulator, target=target),
            configure=configure_for_loihi,
        )
    rs = [delay_task(duration=duration, seed=s, **task, **kw) for s in range(seeds)]
    return dict(
        nrmse=float(np.mean([r.nrmse_delay for r in rs])),
        each=[r.nrmse_delay for r in rs],
        ideal=float(np.mean([r.nrmse_ideal_delay for r in rs])),
        sps=float(np.mean([r.steps_per_second for r in rs])),
    )


def resource_row(order, n_neurons, dt=0.001):
    with nengo.Network(seed=0) as model:
        stim = nengo.Node(np.zeros(1))
        mem = LegendreMemory(0.1, order, n_neurons, synapse=0.01)
        nengo.Connection(stim, mem.input, synapse=None)
        nengo.Probe(mem.output)
    configure_for_loihi(model)
    t0 = time.perf_counter()
    with nengo_loihi.Simulator(model, dt=dt, target="sim", progress_bar=False) as sim:
        build = time.perf_counter() - t0
        res = resources(sim)
        summary = sim.model.utilization_summary()[-1]
    return dict(order=order, n_neurons=n_neurons, build=build, summary=summary, **res)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--duration-l1", type=float, default=10.0)
    parser.add_argument("--duration-d1", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="1 seed, 5 s, few rows")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.duration_l1, args.duration_d1 = 1, 5.0, 5.0
    warnings.simplefilter("ignore")
    print(
        f"# nengo-lmu Loihi benchmark, {datetime.date.today()}, {platform.node()} "
        f"({os.cpu_count()} cores), nengo {nengo.__version__}, nengo-loihi "
        f"{nengo_loihi.__version__}, numpy {np.__version__}"
    )
    print(f"\n## Accuracy (NRMSE vs delayed input, mean of {args.seeds} seeds)\n")
    print(
        "| protocol | s | CPU (unconfigured) | simreal | sim (emulator) | ideal "
        "| targets | reference |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, (task, targets, ref) in PROTOCOLS.items():
        duration = args.duration_l1 if name == "L1" else args.duration_d1
        r = {t: run(task, duration, args.seeds, t) for t in ("cpu", "simreal", "sim")}
        tg = ", ".join(f"{k} <= {v}" for k, v in targets.items() if v is not None)
        print(
            f"| {name} | {duration:g} | {r['cpu']['nrmse']:.4f} "
            f"| {r['simreal']['nrmse']:.4f} | {r['sim']['nrmse']:.4f} "
            f"| {r['cpu']['ideal']:.4f} | {tg} | {ref} |",
            flush=True,
        )
        print(
            "<!-- per seed: "
            + "; ".join(f"{t} " + " ".join(f"{e:.4f}" for e in r[t]["each"]) for t in r)
            + f"; emulator {r['sim']['sps']:.0f} steps/s -->",
            flush=True,
        )

    print("\n## Resources (configure_for_loihi, synapse 10 ms, target sim)\n")
    print(
        "| order | neurons | cores | compartments | in-axons | out-axons "
        "| synapse bits | fullest core's synapse memory | build s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rows = [(3, 384), (6, 1000), (12, 1000)]
    if not args.quick:
        rows += [(3, 4000), (6, 4000), (12, 4000)]
    for order, n in rows:
        try:
            r = resource_row(order, n)
        except Exception as e:  # report unmappable sizes as rows
            print(f"| {order} | {n} | not mappable: {e} |||||||")
            continue
        print(
            f"| {order} | {n} | {r['cores']} | {r['compartments']} | {r['in_axons']} "
            f"| {r['out_axons']} | {r['synapse_bits']:,} "
            f"| {100 * r['max_synapse_fraction']:.1f} % | {r['build']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
