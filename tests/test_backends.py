"""One accuracy suite, three simulators: nengo, NengoDL and the Loihi emulator.

The same Loihi-ready memory (`.loihi_memory_kwargs`, minimum-noise
realisation) delays white noise on each backend; each backend has its own,
measured NRMSE bound. A backend is skipped only when its package is not
installed (the core environment has neither nengo_dl nor nengo_loihi).
"""

import functools

import nengo
import numpy as np
import pytest

from nengo_lmu import LegendreMemory, ProcessScaling
from nengo_lmu.delay_task import delay_task
from nengo_lmu.loihi import loihi_memory_kwargs

BACKENDS = ("nengo", "nengo_dl", "nengo_loihi")

#: Short L1 (thesis protocol, 2 s): order 3, theta 0.1 s, 3 Hz, 3 x 128 LIF.
L1 = dict(theta=0.1, order=3, n_neurons=384, freq=3, rms=0.3, synapse=0.01)

#: NRMSE bounds of the short L1, per backend. Measured on seeds 0-5
#: (2026-11-25, input at the neurons, intercepts (-1, 0.3), reg 0.01):
#: nengo 0.062-0.078, nengo_dl 0.060-0.076, emulator 0.055-0.123; bounds
#: sit about 25 % above the worst seen.
BOUNDS = {"nengo": 0.1, "nengo_dl": 0.1, "nengo_loihi": 0.155}


@pytest.fixture(params=BACKENDS)
def backend(request):
    """``(name, simulator, configure)`` for one backend; skips a missing one."""
    name = request.param
    if name == "nengo":
        return name, nengo.Simulator, None
    if name == "nengo_dl":
        nengo_dl = pytest.importorskip("nengo_dl")
        return name, nengo_dl.Simulator, None
    pytest.importorskip("nengo_loihi")
    from nengo_lmu.loihi import build_loihi, configure_for_loihi

    return name, functools.partial(build_loihi, target="sim"), configure_for_loihi


def test_delay_l1(backend, seed):
    name, simulator, configure = backend
    r = delay_task(
        duration=2.0,
        seed=seed,
        simulator=simulator,
        configure=configure,
        scaling=ProcessScaling(
            nengo.processes.WhiteSignal(2.0, high=L1["freq"], rms=L1["rms"]),
            realization="min-noise",
        ),
        **{**L1, **loihi_memory_kwargs(0.001, synapse=L1["synapse"])},
    )
    assert r.nrmse_ideal_delay < 0.01
    bound = BOUNDS[name]
    assert r.nrmse_delay < bound, f"{name}: NRMSE {r.nrmse_delay:.4f} >= {bound}"


def test_same_network_everywhere(backend):
    """The memory builds unchanged on each backend and its ports all carry signal."""
    name, simulator, configure = backend
    with nengo.Network(seed=0) as model:
        stim = nengo.Node(nengo.processes.WhiteSignal(1.0, high=3, rms=0.3, seed=0))
        mem = LegendreMemory(0.1, 3, 96, **loihi_memory_kwargs(0.001, synapse=0.01))
        nengo.Connection(stim, mem.input, synapse=None)
        probes = [
            nengo.Probe(p, synapse=0.02) for p in (mem.output, mem.state, mem.decoded)
        ]
    if configure is not None:
        configure(model)
    with simulator(model, progress_bar=False) as sim:
        sim.run(0.5)
    for p in probes:
        peak = abs(sim.data[p][200:]).max()
        assert peak > 0.05, f"{name}: {p} reads {peak}"


def test_nan_input_stops_nengo_dl():
    """NengoDL stops at a non-finite memory input, as nengo does."""
    nengo_dl = pytest.importorskip("nengo_dl")
    tf = pytest.importorskip("tensorflow")
    x = 0.3 * np.sin(np.arange(400) * 0.01)[:, None]
    with nengo.Network() as model:
        stim = nengo.Node(np.zeros(1))
        mem = LegendreMemory(0.1, 3, 300)
        nengo.Connection(stim, mem.input, synapse=None)
        p = nengo.Probe(mem.output)
    with nengo_dl.Simulator(model, progress_bar=False) as sim:
        sim.run_steps(400, data={stim: x[None]})
        assert np.all(np.isfinite(sim.data[p]))
        sim.reset()
        x[300] = np.nan
        with pytest.raises(tf.errors.InvalidArgumentError, match="not finite"):
            sim.run_steps(400, data={stim: x[None]})
