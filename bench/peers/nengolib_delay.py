"""Run nengolib's spiking delay network on a given input; save its raw output.

The peer of the side-by-side delay benchmark (``bench/bench_delay.py``):
nengolib 0.5.2, the original spiking Legendre/Padé delay network, in its own
environment (``make nengolib-env`` makes ``.venv-nengolib``: nengo 2.8.0,
numpy 1.23.5, scipy 1.10.1), built as nengolib's documentation recommends
for delaying a signal: ``nengolib.networks.RollingWindow(theta, n_neurons,
process=..., dimensions=order, dt=dt)`` inside a ``nengolib.Network``, with
its defaults (the Padé delay in a balanced realisation, recurrent and input
synapses 0.1 s, ``LstsqL2(reg=1e-3)``, nengo's LIF neurons, encoders and
evaluation points fitted to the ``process``). The ``process`` is a
``nengo.processes.WhiteSignal`` of the task's duration, cut-off and RMS (an
independent draw, as nengo-lmu's memory is scaled with). ``--legendre``
builds the shifted-Legendre basis instead (``legendre=True``).

Usage: ``.venv-nengolib/bin/python bench/peers/nengolib_delay.py IN.npz
OUT.npz [--legendre]``, where ``IN.npz`` is a file written by
``bench/peers/nengo_lmu_delay.py``: the input ``u`` is played step for step
(``nengo.processes.PresentInput``), so both networks see the same signal, and
the task's settings (``theta``, ``order``, ``n_neurons``, ``freq``, ``rms``,
``duration``, ``dt``, ``seed``; any other nengo-lmu setting in it is not
nengolib's and is ignored) come from it too.

``OUT.npz`` holds ``t``, ``u`` (the input as played, probed), ``output`` (the
network's output, unfiltered: it is scored in nengo-lmu's environment by
`nengo_lmu.delay_task.score_delay`), ``construct`` (seconds to make the
network), ``build`` (seconds in ``nengo.Simulator``'s constructor), ``run``
(seconds in ``sim.run``), ``steps``, ``n_neurons`` and the package versions.
"""

import collections
import collections.abc

# nengo 2.8 (the last nengo that nengolib 0.5.2 accepts) imports these ABCs
# from ``collections``, where Python 3.10 removed them: alias them, in this
# process only, before nengo is first imported.
for _name in (
    "Callable",
    "Hashable",
    "Iterable",
    "Mapping",
    "MutableMapping",
    "MutableSequence",
    "MutableSet",
    "Sequence",
    "Set",
):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import nengo  # noqa: E402
import nengolib  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from nengolib.networks import RollingWindow  # noqa: E402


def run(u, theta, order, n_neurons, freq, rms, duration, dt, seed, legendre=False):
    """Build and run nengolib's ``RollingWindow`` delaying ``u`` by ``theta``.

    Parameters
    ----------
    u : ndarray
        ``(steps, 1)`` input, one row per simulator step.
    theta : float
        Delay (s).
    order : int
        Order of the delay system (``dimensions``).
    n_neurons : int
        Neurons in the network (its one state ensemble).
    freq, rms, duration : float
        Cut-off (Hz), RMS and period (s) of the ``WhiteSignal`` that fits the
        network's encoders and evaluation points.
    dt : float
        Simulator time step (s).
    seed : int
        Seeds the network.
    legendre : bool
        Shifted-Legendre basis instead of nengolib's default Padé one.

    Returns
    -------
    dict
        Probed ``t``, ``u`` and ``output`` (unfiltered), timings (s) and the
        neuron count.
    """
    t0 = time.perf_counter()
    process = nengo.processes.WhiteSignal(duration, high=freq, rms=rms)
    with nengolib.Network(seed=seed) as model:
        stim = nengo.Node(nengo.processes.PresentInput(u, presentation_time=dt))
        window = RollingWindow(
            theta,
            n_neurons,
            process=process,
            dimensions=order,
            dt=dt,
            legendre=legendre,
        )
        nengo.Connection(stim, window.input, synapse=None)
        p_u = nengo.Probe(stim, synapse=None)
        p_out = nengo.Probe(window.output, synapse=None)
    construct = time.perf_counter() - t0

    t0 = time.perf_counter()
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        sim.run(duration)
        run_time = time.perf_counter() - t0
        t = sim.trange()
        probed_u = sim.data[p_u]
        output = sim.data[p_out]
    return dict(
        t=t,
        u=probed_u,
        output=output,
        construct=construct,
        build=build,
        run=run_time,
        steps=len(t),
        n_neurons=sum(e.n_neurons for e in model.all_ensembles),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help=".npz from bench/peers/nengo_lmu_delay.py")
    parser.add_argument("out", help="output .npz file")
    parser.add_argument(
        "--legendre", action="store_true", help="shifted-Legendre basis"
    )
    args = parser.parse_args(argv)

    # built from scratch every time, as nengo-lmu's side is: no decoder cache
    nengo.rc.set("decoder_cache", "enabled", "False")
    with np.load(args.input) as data:
        u = data["u"]
        task = json.loads(str(data["task"]))
    keys = ("theta", "order", "n_neurons", "freq", "rms", "duration", "dt", "seed")
    result = run(u, legendre=args.legendre, **{k: task[k] for k in keys})
    if not np.array_equal(result["u"], u):
        raise RuntimeError("the input was not played step for step")
    np.savez(
        args.out,
        **result,
        legendre=args.legendre,
        versions=json.dumps(
            {
                "python": platform.python_version(),
                "nengolib": nengolib.__version__,
                "nengo": nengo.__version__,
                "numpy": np.__version__,
                "scipy": scipy.__version__,
            }
        ),
    )


if __name__ == "__main__":
    sys.exit(main())
