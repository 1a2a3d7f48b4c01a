"""The spiking Legendre memory on the nengo-loihi emulator.

The memory is the ordinary one-population memory, given Loihi-friendly
settings at construction (`nengo_lmu.loihi.loihi_memory_kwargs`: a weight
solver on the recurrent connection, rates Loihi can fire, zero initial
voltages); `nengo_lmu.loihi.configure_for_loihi` adds nengo-loihi's block
shapes and checks the mapping. The same model runs on every simulator. Run
headless with
``python examples/memory_on_loihi.py``: it runs the integer emulator
(``target="sim"``) and the CPU side by side and saves
``memory_on_loihi.png``. Nengo GUI (``nengo examples/memory_on_loihi.py``)
shows the same model in the reference simulator.

Requires: nengo_loihi
"""

import nengo

from nengo_lmu.networks import LegendreMemory
from nengo_lmu.networks.legendre_memory import loihi_memory_kwargs

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
        realization="min-noise",
        **loihi_memory_kwargs(),
    )
    nengo.Connection(stim, memory.input, synapse=None)
    p_stim = nengo.Probe(stim, synapse=0.01)
    p_out = nengo.Probe(memory.output, synapse=0.01)

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from nengo.utils.numpy import nrmse

    from nengo_lmu.loihi import build_loihi, configure_for_loihi

    configure_for_loihi(model)

    plt.figure(figsize=(8, 3))
    for name, make in [
        ("nengo", lambda: nengo.Simulator(model, progress_bar=False)),
        ("loihi emulator", lambda: build_loihi(model, target="sim")),
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
