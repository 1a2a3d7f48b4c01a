"""Benchmark the Legendre memory on the nengo-loihi emulator.

L1 (Voelker's thesis protocol): order 3, theta = 0.1 s, 3 Hz white noise of
RMS 0.3, 3 x 128 LIF neurons, synapse 10 ms. D1: theta = 0.1 s, order 6,
10 Hz, 1000 LIF, synapse 10 ms. Scoring as in `.delay_task` (10 ms readout filter, first 0.5 s
dropped). Rows:

- ``cpu default``: `nengo.Simulator`, the memory with its own defaults
  (LIF 400-800 Hz, decoders);
- ``cpu tuned``: `nengo.Simulator`, the memory with ``CPU_TUNED`` below;
- ``cpu, dt 0.5 ms``, ``simreal, dt 0.5 ms``, ``sim, dt 0.5 ms``: the
  memory with ``HALF_STEP`` below, at half the time step;
- ``cpu``, ``cpu LoihiLIF``, ``simreal``, ``sim``: one and the same
  Loihi-ready memory (``LOIHI`` below) on `nengo.Simulator` (with nengo's
  LIF, then with ``nengo_loihi.neurons.LoihiLIF``, the chip's integer-period
  neuron), nengo-loihi's float emulator and its integer emulator
  (`nengo_lmu.loihi.build_loihi`). ``cpu LoihiLIF`` predicts ``simreal``;
  ``simreal`` to ``sim`` is the cost of quantisation.

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
- the diagonal realisation 0.149, ``scale_sigmas = 4`` 0.160;
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

Usage: ``python bench/bench_loihi.py [--seeds 3] [--seed0 0] [--duration 10] [--quick]``
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
from nengo_lmu.loihi import (
    build_loihi,
    configure_for_loihi,
    loihi_memory_kwargs,
    resources,
)
from nengo_lmu.networks import LegendreMemory

PROTOCOLS = {
    "L1": (
        dict(theta=0.1, order=3, n_neurons=384, freq=3, rms=0.3, synapse=0.01),
        dict(sim=0.07, cpu=0.035),
        "thesis: emulator 0.148, CPU 0.057",
    ),
    "D1": (
        dict(theta=0.1, order=6, n_neurons=1000, freq=10, rms=0.3, synapse=0.01),
        dict(sim=None, cpu=0.05),
        "CPU target 0.05 (README)",
    ),
}

#: The Loihi-ready memory: settings chosen above.
LOIHI = dict(loihi_memory_kwargs(), realization="min-noise")


#: CPU settings for L1, chosen on seeds 0-3 (10 s): the minimum-noise
#: realisation, states scaled to 4 (not 5) RMS, 600-1000 Hz (not 400-800)
#: neurons. Held-out seeds 4-7: 0.0317 vs 0.0425 with the defaults.
CPU_TUNED = dict(
    realization="min-noise",
    scale_sigmas=4.0,
    max_rates=nengo.dists.Uniform(600, 1000),
)


#: Half the time step: the same firing periods (3.3-5 steps) at twice the
#: rates, and the minimum-noise states scaled to 4 RMS (chosen on L1 seeds
#: 0-3, 10 s, sim: 0.074 against 0.113 at 1 ms with the same scaling; at
#: 0.5 ms scaling to 5 RMS gave 0.077 and to 3 RMS 0.126 on seeds 0-1 and
#: 0-3, 500-700 Hz 0.122, 300-500 Hz 0.082, intercepts up to 0.4 0.074).
HALF_DT = 0.0005
HALF_STEP = dict(
    loihi_memory_kwargs(dt=HALF_DT), realization="min-noise", scale_sigmas=4.0
)


def run(task, duration, seeds, target, seed0=0):
    # row names are "<simulator>" or "<simulator>, dt 0.5 ms" (as in main)
    target, _, step = target.partition(", ")
    kw = dict(HALF_STEP, dt=HALF_DT) if step else dict(LOIHI)
    if target == "cpu default":
        kw = {}
    elif target == "cpu tuned":
        kw = dict(CPU_TUNED)
    elif target == "cpu LoihiLIF":
        lif = kw["neuron_type"]
        kw["neuron_type"] = nengo_loihi.neurons.LoihiLIF(
            tau_rc=lif.tau_rc, tau_ref=lif.tau_ref, initial_state=lif.initial_state
        )
    elif target != "cpu":
        kw.update(
            simulator=functools.partial(build_loihi, target=target),
            configure=configure_for_loihi,
        )
    rs = []
    for s in range(seed0, seed0 + seeds):
        try:
            rs.append(delay_task(duration=duration, seed=s, **task, **kw))
        except Exception as e:  # report failures as rows
            return dict(error=f"{type(e).__name__}: {e}"[:80])
    return dict(
        nrmse=float(np.mean([r.nrmse_delay for r in rs])),
        each=[r.nrmse_delay for r in rs],
        ideal=float(np.mean([r.nrmse_ideal_delay for r in rs])),
        sps=float(np.mean([r.steps_per_second for r in rs])),
    )


def resource_row(order, n_neurons, dt=0.001):
    with nengo.Network(seed=0) as model:
        stim = nengo.Node(np.zeros(1))
        mem = LegendreMemory(
            0.1, order, n_neurons, synapse=0.01, **loihi_memory_kwargs()
        )
        nengo.Connection(stim, mem.input, synapse=None)
        nengo.Probe(mem.output)
    configure_for_loihi(model)
    t0 = time.perf_counter()
    with build_loihi(model, dt=dt, target="sim") as sim:
        build = time.perf_counter() - t0
        res = resources(sim)
        summary = sim.model.utilization_summary()[-1]
    return dict(order=order, n_neurons=n_neurons, build=build, summary=summary, **res)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument(
        "--seed0", type=int, default=0, help="first seed (4: past the tuning seeds)"
    )
    parser.add_argument("--quick", action="store_true", help="1 seed, 3 s, few rows")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.duration = 1, 3.0
    warnings.simplefilter("ignore")
    print(
        f"# nengo-lmu Loihi benchmark, {datetime.date.today()}, {platform.node()} "
        f"({os.cpu_count()} cores), nengo {nengo.__version__}, nengo-loihi "
        f"{nengo_loihi.__version__}, numpy {np.__version__}"
    )
    print(
        f"\n## Accuracy (NRMSE vs delayed input, mean of {args.seeds} seeds from "
        f"{args.seed0}, {args.duration:g} s)\n"
    )
    print("| protocol | simulator | NRMSE | ideal | sim / cpu | target | met? |")
    print("|---|---|---|---|---|---|---|")
    for name, (task, targets, ref) in PROTOCOLS.items():
        r = {
            t: run(task, args.duration, args.seeds, t, args.seed0)
            for t in (
                "cpu default",
                "cpu tuned",
                "cpu",
                "cpu LoihiLIF",
                "simreal",
                "sim",
                "cpu, dt 0.5 ms",
                "simreal, dt 0.5 ms",
                "sim, dt 0.5 ms",
            )
        }
        for t, x in r.items():
            if "error" in x:
                print(f"| {name} | {t} | {x['error']} | | | | |", flush=True)
                continue
            kind, _, step = t.partition(", ")
            cpu_rows = ("cpu default", "cpu tuned")
            target = targets.get("cpu" if kind in cpu_rows else kind)
            ratio = ""
            cpu = r["cpu, " + step if step else "cpu"]
            if kind in ("sim", "simreal") and "nrmse" in cpu:
                ratio = f"{x['nrmse'] / cpu['nrmse']:.2f}"
            met = "" if target is None else ("yes" if x["nrmse"] <= target else "no")
            print(
                f"| {name} | {t} | {x['nrmse']:.4f} | {x['ideal']:.4f} | {ratio} "
                f"| {'' if target is None else target} | {met} |",
                flush=True,
            )
        print(
            f"<!-- {name} {ref}; per seed: "
            + "; ".join(
                f"{t} " + " ".join(f"{e:.4f}" for e in x["each"])
                for t, x in r.items()
                if "each" in x
            )
            + " -->",
            flush=True,
        )

    print("\n## Resources (loihi_memory_kwargs, synapse 10 ms, target sim)\n")
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
