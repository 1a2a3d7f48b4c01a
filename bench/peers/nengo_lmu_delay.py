"""Run nengo-lmu's delay task once; save its input, output, score and timings.

The nengo-lmu side of the side-by-side delay benchmark
(``bench/bench_delay.py``), run as a subprocess so that the BLAS thread
settings it is timed under are chosen before numpy is imported, as for the
peer (``bench/peers/nengolib_delay.py``), which reads its input from the file
written here.

Usage: ``.venv/bin/python bench/peers/nengo_lmu_delay.py TASK_JSON OUT.npz``,
with ``TASK_JSON`` a JSON object of `nengo_lmu.delay_task.delay_task`
arguments (``theta``, ``order``, ``n_neurons``, ``freq``, ``rms``,
``duration``, ``dt``, ``seed``; defaults as there).

The file holds ``t`` and ``u`` (the input, ``(steps, 1)``), ``output`` (the
memory's output through the readout filter), ``nrmse_delay`` (scored by
`nengo_lmu.delay_task.score_delay`, inside ``delay_task``), ``construct``
(seconds to make the input and the network), ``build`` (seconds in the
simulator's constructor), ``run`` (seconds in ``sim.run``), ``steps``,
``n_neurons``, the task's settings and the package versions.
"""

import argparse
import json
import platform
import sys
import time

import nengo
import numpy as np
import scipy

import nengo_lmu
from nengo_lmu.delay_task import delay_task


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("task", help="JSON object of delay_task arguments")
    parser.add_argument("out", help="output .npz file")
    args = parser.parse_args(argv)
    task = dict(theta=0.1, order=6, n_neurons=1000, freq=10.0, rms=0.3)
    task.update(duration=10.0, dt=0.001, seed=0)
    task.update(json.loads(args.task))

    # built from scratch every time, as the peer is: no decoder cache
    nengo.rc.set("decoder_cache", "enabled", "False")
    stamps = {}
    t0 = time.perf_counter()
    result = delay_task(
        configure=lambda model: stamps.setdefault("made", time.perf_counter()),
        **task,
    )
    np.savez(
        args.out,
        t=result.t,
        u=result.u,
        output=result.output,
        nrmse_delay=result.nrmse_delay,
        construct=stamps["made"] - t0,
        build=result.build_time,
        run=result.run_time,
        steps=result.steps,
        n_neurons=result.n_neurons,
        task=json.dumps(task),
        versions=json.dumps(
            {
                "python": platform.python_version(),
                "nengo-lmu": nengo_lmu.__version__,
                "nengo": nengo.__version__,
                "numpy": np.__version__,
                "scipy": scipy.__version__,
            }
        ),
    )


if __name__ == "__main__":
    sys.exit(main())
