"""Benchmark the spiking Legendre memory against the ideal linear system.

Prints, for the delay protocols D1 and D2, this network's NRMSE next to the
ideal linear system's (the limit), the target and the ratio, with neuron
count, build time, run time and simulated steps per second; the peer
nengolib 0.5.2 measured side by side on the same protocols, inputs and seeds
(accuracy and speed, at the default number of BLAS threads and at one); then
the NRMSE of design variants measured in the same run (what each lever
buys), the high-order maths check H1, and saves curves of NRMSE against
neurons and against theta * f.

The peer runs in its own environment, ``.venv-nengolib`` (``make
nengolib-env``), through ``bench/peers/nengolib_delay.py``; without it, its
section is skipped with a line saying so. Each side-by-side run is a
subprocess of its environment's Python (nengo-lmu's through
``bench/peers/nengo_lmu_delay.py``), with ``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` unset (the default) or all 1; the
two packages run alternately, seed by seed. The peer plays nengo-lmu's input
of the same seed step for step, and both outputs are scored by
`nengo_lmu.reference.score_delay`. Last, the error floor: D1 with the
default (temporal) decoders against the number of neurons, and order 12 at
2000 neurons, beside their goals.

Usage: ``python bench/bench_delay.py [--seeds 3] [--out bench/results] [--quick]
[--nengolib-only] [--floor-only] [--floor-seeds 3]`` (``make bench``; ``make
bench-nengolib`` runs the side-by-side section alone, ``--nengolib-only``;
``--floor-only`` the floor section alone).
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import nengo
import numpy as np
import scipy

import nengo_lmu
from nengo_lmu import LegendreDelay, ProcessScaling, discretize
from nengo_lmu.delay_task import delay_task
from nengo_lmu.reference import discrete_readout, score_delay

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "bench", "peers")
NENGOLIB_PYTHON = os.path.join(ROOT, ".venv-nengolib", "bin", "python")
#: variables that set the BLAS libraries' thread counts in the subprocesses
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

PROTOCOLS = {
    # name: (task kwargs, target, published/peer reference)
    "D1": (
        dict(theta=0.1, order=6, n_neurons=1000, freq=10, duration=10),
        0.05,
        "-",
    ),
    "D2": (
        dict(theta=1.0, order=6, n_neurons=1000, freq=1, duration=30),
        0.025,
        "paper 0.048",
    ),
}


def _process_scaling(**settings):
    """A variant scaled under the task's own input process (`.delay_task`'s
    default ``scaling``) with other ``settings``."""

    def kwargs(task):
        process = nengo.processes.WhiteSignal(
            task["duration"], high=task["freq"], rms=task.get("rms", 0.3)
        )
        return dict(scaling=ProcessScaling(process, **settings))

    return kwargs


#: design variants: memory settings, or a function of the task giving them
VARIANTS = {
    "default": dict(),
    "nengo default neurons (LIF 2 ms, 200-400 Hz, reg 0.1)": dict(
        neuron_type=nengo.LIF(),
        max_rates=nengo.dists.Uniform(200, 400),
        solver=nengo.solvers.LstsqL2(reg=0.1),
    ),
    "reg 0.1 instead of 0.003": dict(solver=nengo.solvers.LstsqL2(reg=0.1)),
    "scaled by analytic bound (no input process)": dict(scaling=None),
    "min-noise realization": _process_scaling(realization="min-noise"),
    "sigmas 3.5 instead of 5": _process_scaling(sigmas=3.5),
    "synapse 0.1 s instead of 0.3 s": dict(synapse=0.1),
    "synapse 1.0 s instead of 0.3 s": dict(synapse=1.0),
    "LIFRate (no spikes), reg 0.001": dict(
        neuron_type=nengo.LIFRate(tau_ref=0.001),
        solver=nengo.solvers.LstsqL2(reg=0.001),
    ),
}


#: the error floor: (label, D1 task overrides, goal NRMSE or None)
FLOOR = [
    ("250 LIF", dict(n_neurons=250), None),
    ("1000 LIF", dict(n_neurons=1000), 0.025),
    ("2000 LIF", dict(n_neurons=2000), None),
    ("4000 LIF", dict(n_neurons=4000), None),
    ("8000 LIF", dict(n_neurons=8000), 0.015),
    ("order 12, 2000 LIF", dict(order=12, n_neurons=2000), 0.02),
]


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


def floor(seeds, quick=False):
    """D1 (10 s, 1 ms) with the default decoders at each `FLOOR` row; print
    the table. ``quick`` leaves out 8000 neurons."""
    rows = [r for r in FLOOR if not (quick and r[1]["n_neurons"] > 4000)]
    task = PROTOCOLS["D1"][0]
    which = "seed 0" if seeds == 1 else f"mean of seeds 0-{seeds - 1}"
    print(
        f"\n## Error floor: D1 (theta 0.1 s, 10 Hz, 10 s, dt 1 ms) with the "
        f"default (temporal) decoders, {which}, nengo.Simulator\n"
    )
    print("| memory | NRMSE | ideal system | goal | steps/s |")
    print("|---|---|---|---|---|")
    for label, overrides, goal in rows:
        r = run_protocol({**task, **overrides}, seeds)
        met = "" if goal is None else (" (met)" if r["nrmse"] <= goal else " (missed)")
        print(
            f"| {label} | {r['nrmse']:.4f} | {r['ideal']:.4f} "
            f"| {'-' if goal is None else f'<= {goal}'}{met} | {r['sps']:,.0f} |",
            flush=True,
        )


def h1(order=1024, dt=0.001):
    """High order: theta = 1e5 dt. Build time, stability and readout accuracy."""
    theta = 1e5 * dt
    t0 = time.perf_counter()
    delay = LegendreDelay(theta, order)
    Ad, Bd = discretize(delay.A, delay.B, dt)
    C = discrete_readout(delay, theta, dt)
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


def _subprocess(cmd, threads):
    """Run ``cmd`` with the BLAS thread variables unset (``None``) or set."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    if threads is not None:
        env.update({k: str(threads) for k in THREAD_VARS})
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {done.returncode})")


def _timings(data):
    return dict(
        build=float(data["construct"] + data["build"]),
        run=float(data["run"]),
        sps=float(data["steps"] / data["run"]),
    )


def run_side_by_side(task, seed, tmp):
    """nengo-lmu and nengolib on one protocol and seed, at both thread settings.

    The order alternates (nengo-lmu, nengolib at the default threads, then
    nengolib, nengo-lmu at one thread); nengolib's ``legendre=True`` variant
    runs once more at the default threads, for its accuracy only.

    Returns
    -------
    dict
        ``nrmse`` per network (``"nengo-lmu"``, ``"nengolib"``,
        ``"nengolib legendre"``), the largest change of an NRMSE between the
        two thread settings, ``neurons`` per package and ``timing[threads][package]``
        (``build``: network made plus simulator built, s; ``run``, s; ``sps``).
    """
    ours, theirs = "nengo-lmu", "nengolib"
    files = {}

    def run_ours(threads):
        path = os.path.join(tmp, f"ours_{seed}_{threads}.npz")
        script = os.path.join(PEERS, "nengo_lmu_delay.py")
        _subprocess(
            [sys.executable, script, json.dumps(dict(task, seed=seed)), path], threads
        )
        with np.load(path) as data:
            files[ours, threads] = dict(data)

    def run_theirs(threads, legendre=False):
        path = os.path.join(tmp, f"nengolib_{seed}_{threads}_{legendre}.npz")
        script = os.path.join(PEERS, "nengolib_delay.py")
        given = os.path.join(tmp, f"ours_{seed}_None.npz")
        cmd = [NENGOLIB_PYTHON, script, given, path] + ["--legendre"] * legendre
        _subprocess(cmd, threads)
        with np.load(path) as data:
            files[theirs + " legendre" * legendre, threads] = dict(data)

    run_ours(None)
    run_theirs(None)
    run_theirs(1)
    run_ours(1)
    run_theirs(None, legendre=True)

    def score(name, threads):
        data = files[name, threads]
        if name == ours:  # scored by score_delay inside delay_task
            return float(data["nrmse_delay"])
        return score_delay(data["t"], data["u"], data["output"], task["theta"]).nrmse

    u = files[ours, None]["u"]
    assert all(np.array_equal(f["u"], u) for f in files.values()), "inputs differ"
    nrmse = {name: score(name, None) for name in (ours, theirs, theirs + " legendre")}
    spread = max(abs(score(name, 1) - nrmse[name]) for name in (ours, theirs))
    return dict(
        nrmse=nrmse,
        thread_spread=spread,
        neurons={name: int(files[name, None]["n_neurons"]) for name in (ours, theirs)},
        timing={
            threads: {name: _timings(files[name, threads]) for name in (ours, theirs)}
            for threads in (None, 1)
        },
        versions={
            name: json.loads(str(files[name, None]["versions"]))
            for name in (ours, theirs)
        },
    )


def side_by_side(seeds):
    """Measure nengolib beside nengo-lmu on every protocol; print the tables.

    Returns
    -------
    dict or None
        Per protocol, the mean NRMSE of each network and the mean steps per
        second of each package at the default threads; ``None`` (after a line
        saying how to make it) if ``.venv-nengolib`` is missing.
    """
    print("\n## nengolib 0.5.2, side by side (same run, same inputs and seeds)\n")
    if not os.access(NENGOLIB_PYTHON, os.X_OK):
        print(
            f"Skipped: {os.path.relpath(NENGOLIB_PYTHON, ROOT)} not found; "
            "`make nengolib-env` makes it (nengolib 0.5.2, nengo 2.8.0, "
            "numpy 1.23.5, scipy 1.10.1, from PyPI)."
        )
        return None
    loads = [os.getloadavg()[0]]
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (task, _, _) in PROTOCOLS.items():
            runs[name] = []
            for seed in range(seeds):
                print(f"{name}, seed {seed} ...", file=sys.stderr, flush=True)
                runs[name].append(run_side_by_side(task, seed, tmp))
                loads.append(os.getloadavg()[0])
    first = runs["D1"][0]
    ours, theirs = first["versions"]["nengo-lmu"], first["versions"]["nengolib"]
    print(
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores; Python {ours['python']}. "
        f"nengo-lmu {ours['nengo-lmu']} with nengo {ours['nengo']}, numpy "
        f"{ours['numpy']}, scipy {ours['scipy']}; nengolib {theirs['nengolib']} "
        f"with nengo {theirs['nengo']}, numpy {theirs['numpy']}, scipy "
        f"{theirs['scipy']}. Mean of {seeds} seeds (0-{seeds - 1}), dt = 1 ms, "
        "`nengo.Simulator` of each environment's nengo. Load average (1 min) "
        f"during the run: {min(loads):.1f}-{max(loads):.1f}.\n"
    )
    print(
        "nengo-lmu: `delay_task` (`LegendreMemory` with its defaults); nengolib: "
        "`RollingWindow(theta, n_neurons, process=WhiteSignal(...), "
        "dimensions=order, dt=dt)` in a `nengolib.Network`, its defaults (Padé "
        "basis, balanced realisation, synapses 0.1 s, `LstsqL2(reg=1e-3)`, "
        "nengo's LIF); the same input signal, step for step, and the same "
        "scoring (`score_delay`: NRMSE against the input delayed by theta, both "
        "through a 10 ms lowpass, first 0.5 s dropped).\n"
    )
    print(
        "| protocol | neurons (nengo-lmu / nengolib) | NRMSE nengo-lmu "
        "| NRMSE nengolib | nengolib / nengo-lmu | nengolib, `legendre=True` |"
    )
    print("|---|---|---|---|---|---|")
    summary = {}
    for name, rs in runs.items():
        nrmse = {k: np.mean([r["nrmse"][k] for r in rs]) for k in rs[0]["nrmse"]}
        neurons = rs[0]["neurons"]
        print(
            f"| {name} | {neurons['nengo-lmu']} / {neurons['nengolib']} "
            f"| **{nrmse['nengo-lmu']:.4f}** | {nrmse['nengolib']:.4f} "
            f"| {nrmse['nengolib'] / nrmse['nengo-lmu']:.1f} "
            f"| {nrmse['nengolib legendre']:.4f} |"
        )
        sps = {
            k: np.mean([r["timing"][None][k]["sps"] for r in rs])
            for k in ("nengo-lmu", "nengolib")
        }
        summary[name] = dict(nrmse=nrmse, sps=sps)
    spread = max(r["thread_spread"] for rs in runs.values() for r in rs)
    print(
        f"\nNRMSE at the default threads; at one thread they differ by at most "
        f"{spread:.1e}.\n"
    )
    print(
        "Speed: build = network made + simulator built, run = `sim.run`, "
        "steps/s = simulated steps per second of `sim.run`; speed ratio = "
        "nengo-lmu's steps/s / nengolib's (> 1: nengo-lmu faster). BLAS threads: "
        f"default = {', '.join(THREAD_VARS)} unset; 1 = all three set to 1, for "
        "both packages.\n"
    )
    print(
        "| protocol | BLAS threads | build s nengo-lmu | build s nengolib "
        "| run s nengo-lmu | run s nengolib | steps/s nengo-lmu "
        "| steps/s nengolib | speed ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, rs in runs.items():
        for threads in (None, 1):
            m = {
                k: {
                    q: np.mean([r["timing"][threads][k][q] for r in rs])
                    for q in ("build", "run", "sps")
                }
                for k in ("nengo-lmu", "nengolib")
            }
            a, b = m["nengo-lmu"], m["nengolib"]
            print(
                f"| {name} | {'default' if threads is None else threads} "
                f"| {a['build']:.2f} | {b['build']:.2f} | {a['run']:.2f} "
                f"| {b['run']:.2f} | {a['sps']:,.0f} | {b['sps']:,.0f} "
                f"| {a['sps'] / b['sps']:.2f} |"
            )
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default=os.path.join("bench", "results"))
    parser.add_argument("--quick", action="store_true", help="short curves")
    parser.add_argument(
        "--nengolib-only",
        action="store_true",
        help="only the side-by-side measurement of nengolib",
    )
    parser.add_argument(
        "--floor-only", action="store_true", help="only the error-floor section"
    )
    parser.add_argument(
        "--floor-seeds", type=int, help="seeds of the floor section (--seeds)"
    )
    args = parser.parse_args()
    floor_seeds = args.seeds if args.floor_seeds is None else args.floor_seeds
    if args.floor_only:
        floor(floor_seeds, args.quick)
        return
    os.makedirs(args.out, exist_ok=True)
    print(
        f"# nengo-lmu delay benchmark, {datetime.date.today()}, "
        f"{platform.node()} ({platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores), Python {platform.python_version()}, "
        f"nengo-lmu {nengo_lmu.__version__}, nengo {nengo.__version__}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}"
    )
    peer = side_by_side(args.seeds)
    if args.nengolib_only:
        return

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
            kwargs = kwargs(task) if callable(kwargs) else kwargs
            rows[vname] = run_protocol(task, args.seeds, **kwargs)
        tables[name] = rows
        r = rows["default"]
        if peer is not None:
            nengolib = f"nengolib {peer[name]['nrmse']['nengolib']:.4f} (above)"
            ref = nengolib if ref == "-" else f"{ref}, {nengolib}"
        print(
            f"| {name} | {r['neurons']} | {r['nrmse']:.4f} | {r['ideal']:.4f} "
            f"| {r['nrmse'] / r['ideal']:.1f} | {target} | {r['nrmse'] / target:.2f} "
            f"| {ref} | {r['build']:.2f} | {r['run']:.2f} | {r['sps']:.0f} |"
        )
    d1 = tables["D1"]["default"]
    print(
        f"\nS1: {d1['sps']:.0f} simulated steps/s at {d1['neurons']} neurons "
        f"(target >= 4000; ratio {d1['sps'] / 4000:.2f})"
        + (
            ""
            if peer is None
            else f"; nengolib above: {peer['D1']['sps']['nengolib']:.0f}"
            " steps/s (default threads, in its own process)"
        )
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
    floor(floor_seeds, args.quick)


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
