"""An LMU cell on the nengo-loihi emulator, next to the same cell in nengo.

The cell's memory gets Loihi-friendly settings at construction
(``memory_kwargs=loihi_memory_kwargs()``); its spiking LIF hidden layer maps
as it is. `nengo_lmu.loihi.configure_for_loihi` checks the mapping (a rate
hidden layer, e.g. ``nengo.neurons.Tanh()``, is refused unless it is marked
off chip). The kernels here are random (untrained): the example shows that
the same network computes the same thing on both simulators. Run headless
with ``python examples/lmu_cell_on_loihi.py``: it saves
``lmu_cell_on_loihi.png`` and prints the NRMSE between the two runs.

Requires: nengo_loihi
"""

import nengo

from nengo_lmu.networks import LMUCell
from nengo_lmu.networks.legendre_memory import loihi_memory_kwargs

duration = 1.0

with nengo.Network(seed=0) as model:
    stim = nengo.Node(nengo.processes.WhiteSignal(duration, high=5, rms=0.3, seed=1))
    cell = LMUCell(
        input_d=1,
        memory_d=1,
        order=4,
        theta=0.1,
        hidden_units=20,
        n_neurons=400,
        memory_synapse=0.01,
        memory_kwargs=loihi_memory_kwargs(),
    )
    nengo.Connection(stim, cell.input, synapse=None)
    p_out = nengo.Probe(cell.output, synapse=0.02)

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nengo.utils.numpy import nrmse

    from nengo_lmu.loihi import build_loihi, configure_for_loihi

    configure_for_loihi(model)
    outputs = {}
    for name, make in [
        ("nengo", lambda: nengo.Simulator(model, progress_bar=False)),
        ("loihi emulator", lambda: build_loihi(model, target="sim")),
    ]:
        with make() as sim:
            sim.run(duration)
        outputs[name] = sim.data[p_out]
    err = nrmse(outputs["loihi emulator"][200:], outputs["nengo"][200:])
    print(f"hidden output, emulator vs nengo: NRMSE {err:.3f}")

    plt.figure(figsize=(8, 3))
    t = sim.trange()
    plt.plot(t, outputs["nengo"][:, :3], "k", lw=1)
    plt.plot(t, outputs["loihi emulator"][:, :3], "r--", lw=1)
    plt.title(f"three hidden units: nengo (black), emulator (red); NRMSE {err:.3f}")
    plt.xlabel("time (s)")
    plt.tight_layout()
    plt.savefig("lmu_cell_on_loihi.png")
