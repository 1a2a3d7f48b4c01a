"""The spiking Legendre memory on the nengo-loihi emulator, next to nengo.

The memory gets the library's Loihi preset at construction
(`nengo_lmu.loihi.loihi_memory_kwargs`: a weight solver on the recurrent
connection, firing periods Loihi can fire at the time step, zero initial
voltages, a short synapse, states scaled under the input's statistics) and
is built with `nengo_lmu.loihi.build_loihi` (a plain
``nengo_loihi.Simulator`` refuses it, saying so). The same model runs on
every simulator. Run headless with ``python examples/memory_on_loihi.py``:
it runs the model for 2 s on nengo and on the integer emulator
(``target="sim"``) at the same 0.5 ms step, prints each one's NRMSE
against the input delayed by ``theta`` (both through a 10 ms lowpass,
first 0.5 s dropped; measured 2026-12-07: nengo 0.021, emulator 0.027),
and saves ``memory_on_loihi.png``. Nengo GUI (``nengo
examples/memory_on_loihi.py``) shows the same model made for its 1 ms step
(``make_model(0.001)``).

Requires: nengo_loihi
"""

import nengo

from nengo_lmu.loihi import loihi_memory_kwargs
from nengo_lmu.networks import LegendreMemory

theta, order = 0.1, 3


def make_model(dt):
    """The memory delaying 3 Hz white noise, mapped at ``dt`` (seconds)."""
    with nengo.Network(seed=0) as model:
        model.stim = nengo.Node(
            nengo.processes.WhiteSignal(2.0, high=3, rms=0.3, seed=1)
        )
        model.memory = LegendreMemory(
            theta,
            order,
            384,
            **loihi_memory_kwargs(
                dt,
                scaling=nengo.processes.WhiteSignal(10.0, high=3, rms=0.3),
                order=order,
                theta=theta,
            ),
        )
        nengo.Connection(model.stim, model.memory.input, synapse=None)
        model.p_stim = nengo.Probe(model.stim, synapse=0.01)
        model.p_out = nengo.Probe(model.memory.output, synapse=0.01)
    return model


model = make_model(0.001)  # what Nengo GUI runs
stim, memory = model.stim, model.memory

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from nengo.utils.numpy import nrmse

    from nengo_lmu.loihi import build_loihi

    dt = 0.0005  # Loihi's firing periods at twice the rates: less spike noise
    model = make_model(dt)
    p_stim, p_out = model.p_stim, model.p_out
    plt.figure(figsize=(8, 3))
    for name, make in [
        ("nengo", lambda: nengo.Simulator(model, dt=dt, progress_bar=False)),
        ("loihi emulator", lambda: build_loihi(model, dt=dt, target="sim")),
    ]:
        with make() as sim:
            sim.run(2.0)
        delayed = np.roll(sim.data[p_stim], int(round(theta / dt)), axis=0)
        keep = slice(int(round(0.5 / dt)), None)
        err = nrmse(sim.data[p_out][keep], delayed[keep])
        print(f"{name}: NRMSE {err:.3f} against the input delayed by {theta} s")
        plt.plot(sim.trange(), sim.data[p_out], label=f"{name} ({err:.3f})")
    plt.plot(sim.trange(), delayed, "k--", label="u(t - theta)")
    plt.legend(fontsize="small")
    plt.xlabel("time (s)")
    plt.tight_layout()
    plt.savefig("memory_on_loihi.png")
