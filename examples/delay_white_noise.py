"""Delay white noise with a spiking Legendre memory and read the window.

The memory holds the last ``theta`` seconds of its input as 6 Legendre
coefficients; fixed linear readouts of that state give the input at any delay
in the window (here 0, ``theta / 2`` and ``theta``). The figure compares each
readout with the input truly shifted by the same delay.

Open in Nengo GUI with ``nengo examples/delay_white_noise.py``: the layout
(``delay_white_noise.py.cfg``) plots the input with the memory's output, the
three readouts, the Legendre state, the memory's spikes and a drawing of the
whole window (`nengo_lmu.gui.window_display`); drag the ``stim`` slider to
send a step through the window by hand. Run headless with
``python examples/delay_white_noise.py`` (saves ``delay_white_noise.png``).
"""

import nengo
import numpy as np

from nengo_lmu.gui import window_display
from nengo_lmu.networks import LegendreMemory

theta = 0.1  # window, s
delays = [0.0, theta / 2, theta]
process = nengo.processes.WhiteSignal(10.0, high=10, rms=0.3)

with nengo.Network(seed=0) as model:
    stim = nengo.Node(process)
    # 1000 LIF neurons in total, one 1-D ensemble per Legendre coefficient
    memory = LegendreMemory(theta, order=6, n_neurons=1000, scaling=process)
    nengo.Connection(stim, memory.input, synapse=None)
    window = memory.add_output(delays=delays, label="window")
    # for Nengo GUI: the input beside the memory's output (one plot), and a
    # drawing of the window reconstructed from the state beside the true one
    input_and_output = nengo.Node(size_in=2, label="input and output")
    nengo.Connection(stim, input_and_output[0], synapse=None)
    nengo.Connection(memory.output, input_and_output[1], synapse=None)
    display = window_display(memory, stim, label="window display")

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nengo.utils.numpy import nrmse

    dt, tau = 0.001, 0.01
    with model:
        p_stim = nengo.Probe(stim, synapse=None)
        p_window = nengo.Probe(window, synapse=tau)
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        sim.run(2.0)
    t = sim.trange()
    u = sim.data[p_stim][:, 0]
    keep = t > 0.5

    fig, axes = plt.subplots(len(delays), 1, figsize=(9, 7), sharex=True)
    for k, (ax, delay) in enumerate(zip(axes, delays)):
        shift = int(round(delay / dt))
        true = np.concatenate([np.zeros(shift), u[: len(u) - shift]])
        # (filter a column: 1-D input with y0 fails on nengo 4 + numpy 2)
        true = nengo.Lowpass(tau).filt(true[:, None], dt=dt, y0=0)[:, 0]
        error = nrmse(sim.data[p_window][keep, k], true[keep])
        print(f"NRMSE u(t - {delay:.3f}): {error:.3f}")
        ax.plot(t, sim.data[p_window][:, k], "tab:red", lw=1, label="memory")
        ax.plot(t, true, "k--", lw=1, label="true")
        ax.set_ylabel(f"u(t - {delay * 1000:.0f} ms)")
        ax.set_title(
            f"delay {delay * 1000:.0f} ms, NRMSE {error:.3f}", fontsize="medium"
        )
    axes[0].legend(loc="upper right", fontsize="small")
    axes[-1].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig("delay_white_noise.png", dpi=100)
    print("saved delay_white_noise.png")
