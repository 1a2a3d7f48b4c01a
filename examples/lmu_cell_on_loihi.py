"""An LMU cell on the nengo-loihi emulator, next to the same cell in nengo.

The cell's memory gets the library's Loihi preset
(``LMUCell(..., **loihi_cell_kwargs(dt))``); its spiking LIF hidden layer
maps as it is. `nengo_lmu.loihi.build_loihi` checks the mapping (a rate
hidden layer, e.g. ``nengo.neurons.Tanh()``, is refused unless it is marked
off chip) and builds it; a plain ``nengo_loihi.Simulator`` refuses the cell,
saying so. The kernels here are random (untrained): the example shows that
the same network computes the same thing on both simulators, up to spike
timing. Run headless with ``python examples/lmu_cell_on_loihi.py``: it runs
1 s on nengo and on the integer emulator and prints the NRMSE between the
two runs' memory states (20 ms lowpass) and hidden outputs (100 ms lowpass:
20 spiking units at ~40 Hz are too noisy to compare at shorter time
scales), first 0.2 s dropped, and saves ``lmu_cell_on_loihi.png``. Measured
2026-12-07: memory 0.137, hidden output 0.106 (seed 0); nengo against
itself with the hidden neurons started at zero voltage (as on the chip)
differs by about 0.1 at the hidden output, so that much is spike timing,
not a difference in what is computed.

Requires: nengo_loihi
"""

import nengo

from nengo_lmu.loihi import loihi_cell_kwargs
from nengo_lmu.networks import LMUCell

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
        **loihi_cell_kwargs(0.001),
    )
    nengo.Connection(stim, cell.input, synapse=None)
    p_out = nengo.Probe(cell.output, synapse=0.1)
    p_mem = nengo.Probe(cell.memory.state, synapse=0.02)

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nengo.utils.numpy import nrmse

    from nengo_lmu.loihi import build_loihi

    runs = {}
    for name, make in [
        ("nengo", lambda: nengo.Simulator(model, progress_bar=False)),
        ("loihi emulator", lambda: build_loihi(model, target="sim")),
    ]:
        with make() as sim:
            sim.run(duration)
        runs[name] = sim.data[p_mem], sim.data[p_out]
    keep = slice(200, None)
    (ref_mem, ref_out), (mem, out) = runs["nengo"], runs["loihi emulator"]
    err_mem = nrmse(mem[keep], ref_mem[keep])
    err_out = nrmse(out[keep], ref_out[keep])
    print(f"memory state, emulator vs nengo: NRMSE {err_mem:.3f}")
    print(f"hidden output, emulator vs nengo: NRMSE {err_out:.3f}")

    plt.figure(figsize=(8, 3))
    t = sim.trange()
    plt.plot(t, ref_out[:, :3], "k", lw=1)
    plt.plot(t, out[:, :3], "r--", lw=1)
    plt.title(f"three hidden units: nengo (black), emulator (red); NRMSE {err_out:.3f}")
    plt.xlabel("time (s)")
    plt.tight_layout()
    plt.savefig("lmu_cell_on_loihi.png")
