"""The spiking Legendre memory on the nengo-loihi emulator.

The model is built exactly as for ``nengo.Simulator``;
`nengo_lmu.loihi.configure_for_loihi` then makes the explicit, optional Loihi
choices (direct weights on the recurrent connections, Loihi-friendly rates,
zero initial voltages) in the memory's own config. Run headless with
``python examples/memory_on_loihi.py``: it runs the integer emulator
(``target="sim"``) and the CPU side by side and saves
``memory_on_loihi.png``. Nengo GUI (``nengo examples/memory_on_loihi.py``)
shows the configured model in the reference simulator.

Requires: nengo_loihi
"""

import nengo

from nengo_lmu.loihi import configure_for_loihi
from nengo_lmu.networks import LegendreMemory

theta, order = 0.1, 3
process = nengo.processes.WhiteSignal(2.0, high=3, rms=0.3, seed=1)

with nengo.Network(seed=0) as model:
    stim = nengo.Node(process)
    memory = LegendreMemory(
        theta,
        order,
        384,
        synapse=0.01,
        input_process=nengo.processes.WhiteSignal(10.0, high=3, rms=0.3),
    )
    nengo.Connection(stim, memory.input, synapse=None)
    p_stim = nengo.Probe(stim, synapse=0.01)
    p_out = nengo.Probe(memory.output, synapse=0.01)
configure_for_loihi(model)

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nengo_loihi
    import numpy as np
    from nengo.utils.numpy import nrmse

    plt.figure(figsize=(8, 3))
    for name, make in [
        ("nengo", lambda: nengo.Simulator(model, progress_bar=False)),
        ("loihi emulator", lambda: nengo_loihi.Simulator(model, target="sim")),
    ]:
        with make() as sim:
            sim.run(2.0)
        delayed = np.roll(sim.data[p_stim], int(theta / sim.dt), axis=0)
        err = nrmse(sim.data[p_out][500:], delayed[500:])
        print(f"{name}: NRMSE {err:.3f}")
        plt.plot(sim.trange(), sim.data[p_out], label=f"{name} ({err:.3f})")
    plt.plot(sim.trange(), delayed, "k--", label="u(t - theta)")
    plt.legend(fontsize="small")
    plt.xlabel("time (s)")
    plt.tight_layout()
    plt.savefig("memory_on_loihi.png")
