"""Benchmark the Legendre memory on the nengo-loihi emulator, through the preset.

Every row builds the memory with `nengo_lmu.loihi.loihi_memory_kwargs` (the
library's Loihi preset, from ``dt``) and nothing else, and runs it with
`nengo_lmu.loihi.build_loihi`: the path the nengo-loihi guide tells users.
Protocols: L1 (Voelker's thesis: order 3, theta = 0.1 s, 3 Hz white noise of
RMS 0.3, 3 x 128 LIF neurons) at dt 1 ms and 0.5 ms; D1 (theta = 0.1 s,
order 6, 10 Hz, 1000 LIF) at 0.5 ms; D2 (theta = 1 s, order 6, 1 Hz, 1000
LIF; run it with ``--duration 30``) at 1 ms. Scoring as in `.delay_task` (10 ms
readout filter, first 0.5 s dropped). Simulators, on one and the same
network: ``nengo`` (`nengo.Simulator`), ``simreal`` (nengo-loihi's float
emulator) and ``sim`` (its integer emulator, as the chip computes);
``simreal`` to ``sim`` is the cost of quantisation. The preset was chosen on
seeds 0-3; ``--seed0 4`` (the default) scores past them.

Why D1 diverged and L1 lost 2x on the emulator (diagnosed 2026-11-25):

1. **Host input clipped.** A host-to-chip connection into an ensemble is
   spike-encoded on the host per *post dimension*, by one on/off pair with
   range +-1. The memory's input transform ``V`` (into the realised state)
   has entries up to ~9 at order 6 (D1), so ``V u`` was clipped: D1 gave
   NRMSE 0.47 (diagonal) and 1.86 (min-noise) on ``simreal``. The input now
   enters at the neurons (``E @ V`` applied on chip, ``u`` encoded once).
2. **Host input filtered twice**, by the connection's synapse on the host
   and by the block's shared synapse on chip (the memory's recurrent tau).
   `build_loihi` drops the host-side one for the build. 1 and 2 together,
   D1 ``simreal`` (2 s, seed 0): 0.47 -> 0.21 (diagonal), 1.86 -> 0.19
   (min-noise, = 0.19 on nengo with the same settings).
3. **Loihi's neurons**: integer firing periods (LoihiLIF) cost 0.09 -> 0.12
   on nengo at 200-300 Hz; higher rates help nengo but not the emulator.
4. Not the causes: weight splitting over cores (identical output for block
   sizes 112, 500, 1000), the recurrent synapse timing (spikes arrive one
   step later exactly as in nengo), the readout to the host (exact on
   ``simreal``, 2 steps late; 8-bit probe weights cost 0.007 on ``sim``).

Still open: memory synapses longer than ~20 ms. On ``simreal`` (float, so
not quantisation) D1 gives 1.64 at 0.1 s and 2.17 at 0.3 s (2 s, seed 0;
nengo 0.10, nengo with LoihiLIF 0.10); with a constant or zero input the
order-6 memory's high states drift (offsets 0.13 at 30 ms, up to 1.6 at
50 ms, 0.22 with zero input at 0.1 s). L1 at 0.1 s: simreal 0.268, nengo
0.024 (the CPU target would be met there). The input path, the readout lag
(2 steps; shifting the host-side input term by 0-3 steps changes nothing)
and the block's filter (tau_s is the memory's) were ruled out; the cause is
not found. `check_loihi` warns above 20 ms.

Levers after the fixes (L1, 3 s, mean of seeds 0-2 unless noted; sim NRMSE,
cpu in brackets; measured 2026-11-25):

- intercepts (-1, 0.5) 0.146 (2 seeds) -> (-1, 0.3) 0.115, (-1, 0.2) 0.105
  (reg 0.01), (-1, 0) 0.121, (-0.5, 0.3) 0.154, (-1, 0.4) 0.123 (reg 0.01);
- reg with intercepts (-1, 0.3): 0.003 0.115, **0.01 0.098**, 0.02 0.094
  (0.077), 0.05 0.139. D1 (3 s, 2 seeds, sim / simreal / cpu): old
  settings 0.188 / 0.200 / 0.149, reg 0.01 0.215 / 0.188 / 0.177, reg 0.02
  0.239 / 0.176 / 0.168; 0.01 is the compromise;
- rates with (-1, 0.3): 250-300 0.122, 300-500 0.192, 100-200 0.181;
  ``tau_ref = 2 ms`` 0.148; ``tau_ref = 0`` 0.138 (and nengo's LIF with
  ``tau_ref = 0`` gives 0.5 on the CPU, with or without these changes);
  SpikingRectifiedLinear 0.178 (cpu 0.047); ``tau_rc = 50 ms`` 0.096;
- the diagonal realisation 0.149, ``sigmas = 4`` 0.160;
- splitting the recurrent connection so that small transform entries get
  their own weight exponent: diagonal/off-diagonal 0.106, per column 0.121
  (unsplit 0.094 with reg 0.02): the spread of the transform is not what
  limits the 8-bit weights.

The lever that worked (2026-11-26): **half the time step**. The chip
limits firing *periods* (integer steps), not rates in Hz, so at ``dt =
0.5 ms`` the same periods of 3.3-5 steps are 400-600 Hz: twice the spikes
per synapse time constant, hence less spike noise, for twice the chip steps
(and spikes) per simulated second. L1, 10 s, sim, seeds 0-1: dt 1 ms 0.116,
0.5 ms with the same rates 0.110, 0.5 ms at 400-600 Hz 0.077, and with the
states scaled to 4 RMS 0.055 (simreal 0.053; seeds 0-3 0.074, seed 2 is
hard on every simulator: nengo 0.077). ``dt = 0.25 ms`` at 800-1200 Hz:
0.085. Rows ``..., dt 0.5 ms`` use ``HALF_STEP``; ``--seed0 4`` scores
them past the tuning seeds.

The preset (2026-12-07, tuning seeds 0-3): the synapse as a fraction of
theta, 0.2 up to order 3 and 0.1 above. L1 at 1 ms, 5 s, sim: 10 ms 0.147,
15 ms 0.124, 20 ms 0.118 (intercepts up to 0.2 with reg 0.02: 0.156); 10 s:
20 ms 0.065 against 0.113 at 1 ms, 0.052 against 0.074 at 0.5 ms. D1 at 0.5
ms, 5 s, sim, seeds 0-1: 20 ms 0.143, 10 ms 0.115, 7.5 ms 0.112 on seed 0
(10 ms: 0.105). D2 at 1 ms, 10 s, seed 0: 10 ms gives 0.406 on nengo and
0.496 on sim; 0.1 s gives 0.055 on nengo, 0.053 on simreal, 0.414 on sim;
50 ms 0.101, 0.097, 0.218; 0.2 s sim 0.417; 99.4 ms (the chip's decay grid,
41/4096) sim 0.396.

Updated 2026-12-07 on the long synapses below: with the preset's settings
(weight solver, minimum-noise states at 4 RMS, the input at the neurons)
they no longer drift in floating point: L1 at 1 ms, seed 0, 5 s: 30 ms
simreal 0.058 / sim 0.095, 50 ms 0.045 / 0.067, 0.1 s 0.052 / 0.110; D1
simreal (3 s) 0.124 at 30 ms against 0.186 at 10 ms; 0.3 s still diverges
(L1 simreal 2.6, 3 s). D2's loss is on the integer emulator only (see the
nengo-loihi guide).

Usage: ``python bench/bench_loihi.py [--seeds 3] [--seed0 4] [--duration 10] [--quick]``
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
from nengo_lmu.loihi import build_loihi, loihi_memory_kwargs, resources
from nengo_lmu.networks import LegendreMemory

L1 = dict(theta=0.1, order=3, n_neurons=384, freq=3, rms=0.3)
D1 = dict(theta=0.1, order=6, n_neurons=1000, freq=10, rms=0.3)
D2 = dict(theta=1.0, order=6, n_neurons=1000, freq=1, rms=0.3)

#: (protocol, task, dt, goal on the emulator, reference)
ROWS = [
    ("L1", L1, 0.001, 0.10, "thesis: emulator 0.148, CPU 0.057"),
    ("L1", L1, 0.0005, 0.07, ""),
    ("D1", D1, 0.0005, 0.10, "nengo-lmu on CPU (own defaults): 0.026"),
    ("D2", D2, 0.001, 0.05, "nengo-lmu on CPU (own defaults): 0.018"),
]
SIMULATORS = ("nengo", "simreal", "sim")


def preset(task, duration, dt):
    """The preset for `.delay_task`'s input (which passes ``dt`` itself)."""
    process = nengo.processes.WhiteSignal(duration, high=task["freq"], rms=task["rms"])
    kwargs = loihi_memory_kwargs(
        dt, scaling=process, order=task["order"], theta=task["theta"]
    )
    del kwargs["dt"]
    return kwargs


def run(task, dt, simulator, duration, seeds):
    kw = preset(task, duration, dt)
    if simulator != "nengo":
        kw["simulator"] = functools.partial(build_loihi, target=simulator)
    rs = []
    for s in seeds:
        try:
            rs.append(delay_task(duration=duration, seed=s, dt=dt, **task, **kw))
        except Exception as e:  # report failures as rows
            return dict(error=f"{type(e).__name__}: {e}"[:80])
    return dict(
        nrmse=float(np.mean([r.nrmse_delay for r in rs])),
        each=[r.nrmse_delay for r in rs],
        sps=float(np.mean([r.steps_per_second for r in rs])),
    )


def resource_row(order, n_neurons, dt=0.001):
    with nengo.Network(seed=0) as model:
        stim = nengo.Node(np.zeros(1))
        kwargs = loihi_memory_kwargs(dt, order=order)
        mem = LegendreMemory(0.1, order, n_neurons, **kwargs)
        nengo.Connection(stim, mem.input, synapse=None)
        nengo.Probe(mem.output)
    t0 = time.perf_counter()
    with build_loihi(model, dt=dt, target="sim") as sim:
        build = time.perf_counter() - t0
        res = resources(sim)
    return dict(order=order, n_neurons=n_neurons, build=build, **res)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument(
        "--seed0", type=int, default=4, help="first seed (0-3 chose the preset)"
    )
    parser.add_argument("--quick", action="store_true", help="1 seed, 3 s")
    parser.add_argument(
        "--protocols", default="L1,D1,D2", help="comma-separated (default: all)"
    )
    parser.add_argument("--no-resources", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.duration = 1, 3.0
    seeds = range(args.seed0, args.seed0 + args.seeds)
    warnings.simplefilter("ignore")
    print(
        f"# nengo-lmu Loihi benchmark, {datetime.date.today()}, {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}), nengo {nengo.__version__}, "
        f"nengo-loihi {nengo_loihi.__version__}, numpy {np.__version__}"
    )
    print(
        f"\n## Accuracy through the preset (NRMSE vs the delayed input, mean of "
        f"{args.seeds} seeds from {args.seed0}, {args.duration:g} s)\n"
    )
    print("| protocol | dt | nengo | simreal | sim | sim / nengo | goal (sim) | met? |")
    print("|---|---|---|---|---|---|---|---|")
    notes = []
    for name, task, dt, goal, ref in ROWS:
        if name not in args.protocols.split(","):
            continue
        r = {s: run(task, dt, s, args.duration, seeds) for s in SIMULATORS}
        cells = [
            r[s]["error"] if "error" in r[s] else f"{r[s]['nrmse']:.4f}"
            for s in SIMULATORS
        ]
        ok = all("nrmse" in r[s] for s in ("nengo", "sim"))
        ratio = f"{r['sim']['nrmse'] / r['nengo']['nrmse']:.2f}" if ok else ""
        met = ""
        if "nrmse" in r["sim"]:
            met = "yes" if r["sim"]["nrmse"] <= goal else "no"
        print(
            f"| {name} | {dt * 1000:g} ms | {' | '.join(cells)} | {ratio} "
            f"| {goal} | {met} |",
            flush=True,
        )
        notes.append(
            f"{name} {dt * 1000:g} ms ({ref or 'per seed'}): "
            + "; ".join(
                f"{s} " + " ".join(f"{e:.4f}" for e in r[s]["each"])
                for s in SIMULATORS
                if "each" in r[s]
            )
        )
    print()
    for note in notes:
        print(f"- {note}")

    if args.no_resources:
        return
    print("\n## Resources (the preset at 1 ms, target sim)\n")
    print(
        "| order | neurons | cores | compartments | in-axons | out-axons "
        "| synapse bits | fullest core's synapse memory | build s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rows = [(3, 384), (6, 1000), (12, 1000)]
    if not args.quick:
        rows += [(3, 4000), (6, 2000), (12, 4000)]
    for order, n in rows:
        try:
            r = resource_row(order, n)
        except Exception as e:  # report unmappable sizes as rows
            print(f"| {order} | {n} | not mappable: {str(e)[:120]} |||||||")
            continue
        print(
            f"| {order} | {n} | {r['cores']} | {r['compartments']} | {r['in_axons']} "
            f"| {r['out_axons']} | {r['synapse_bits']:,} "
            f"| {100 * r['max_synapse_fraction']:.1f} % | {r['build']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
