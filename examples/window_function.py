"""Decode nonlinear functions of the window held by a spiking Legendre memory.

A linear readout of the memory gives the input at any delay in the window.
A *nonlinear* function of the window needs a population that represents the
memory state jointly; `LegendreMemory.add_output` adds one when given
``function``. Here two are decoded from the same memory:

- ``product``: the input now times the input ``theta`` ago,
  ``u(t) * u(t - theta)``;
- ``energy``: the mean power over the window,
  ``(1 / theta) * integral_0^theta u(t - s)^2 ds`` (estimated from 11 delays).

Open in Nengo GUI with ``nengo examples/window_function.py``: the layout
(``window_function.py.cfg``) plots the input, both decoded functions, the
memory's spikes and a drawing of the window
(`nengo_lmu.gui.window_display`); hold the ``stim`` slider at a value ``a``
and watch ``energy`` climb to ``a**2`` over ``theta``. Run headless with
``python examples/window_function.py`` (saves ``window_function.png``).
"""

import nengo
import numpy as np

from nengo_lmu.gui import window_display
from nengo_lmu.networks import LegendreMemory

theta = 0.2  # window, s
process = nengo.processes.WhiteSignal(10.0, high=5, rms=0.4)
energy_delays = np.linspace(0, theta, 11)


def product(w):
    """``u(t) * u(t - theta)`` from the window at delays ``[0, theta]``."""
    return w[0] * w[1]


def energy(w):
    """Mean of ``u^2`` over the window sampled at ``energy_delays``."""
    return np.mean(np.square(w))


with nengo.Network(seed=0) as model:
    stim = nengo.Node(process)
    memory = LegendreMemory(theta, order=6, n_neurons=1000, scaling=process)
    nengo.Connection(stim, memory.input, synapse=None)
    # Objects added by add_output take their defaults from the memory's config.
    # The memory's own solver (LstsqL2, reg 0.003) suits its 1-D ensembles; the
    # joint 6-D populations decode a nonlinear function better with more
    # regularisation (less amplified spike noise).
    memory.config[nengo.Connection].solver = nengo.solvers.LstsqL2(reg=0.1)
    # each call adds a population of n_neurons representing the 6-D state jointly
    now_times_then = memory.add_output(
        delays=[0.0, theta], function=product, n_neurons=1500, label="product"
    )
    window_energy = memory.add_output(
        delays=energy_delays, function=energy, n_neurons=1500, label="energy"
    )
    # for Nengo GUI: the window reconstructed from the state beside the true one
    display = window_display(memory, stim, label="window display")

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nengo.utils.numpy import nrmse

    dt, duration, tau = 0.001, 4.0, 0.03
    with model:
        p_stim = nengo.Probe(stim, synapse=None)
        p_product = nengo.Probe(now_times_then, synapse=tau)
        p_energy = nengo.Probe(window_energy, synapse=tau)
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        sim.run(duration)

    # ideal references from the true input, through the same probe filter
    t = sim.trange()
    u = sim.data[p_stim][:, 0]
    steps = [int(round(d / dt)) for d in energy_delays]
    shifted = np.array([np.concatenate([np.zeros(s), u[: len(u) - s]]) for s in steps])
    lowpass = nengo.Lowpass(tau)
    # (filter columns: 1-D input with y0 fails on nengo 4 + numpy 2)
    ideal_product = lowpass.filt((shifted[0] * shifted[-1])[:, None], dt=dt, y0=0)
    ideal_energy = lowpass.filt(np.mean(shifted**2, axis=0)[:, None], dt=dt, y0=0)
    ideal_product, ideal_energy = ideal_product[:, 0], ideal_energy[:, 0]
    keep = t > 0.5
    e_product = nrmse(sim.data[p_product][keep, 0], ideal_product[keep])
    e_energy = nrmse(sim.data[p_energy][keep, 0], ideal_energy[keep])
    print(f"NRMSE product u(t) u(t - theta): {e_product:.3f}")
    print(f"NRMSE window energy            : {e_energy:.3f}")

    fig, axes = plt.subplots(3, 1, figsize=(9, 7), sharex=True)
    axes[0].plot(t, u, "k", lw=1, label="u(t)")
    axes[0].plot(t, shifted[-1], color="0.6", lw=1, label="u(t - theta)")
    axes[0].set_ylabel("input")
    axes[0].legend(loc="upper right", fontsize="small")
    axes[1].plot(t, sim.data[p_product], "tab:red", lw=1, label="spiking memory")
    axes[1].plot(t, ideal_product, "k--", lw=1.5, label="ideal")
    axes[1].set_ylabel("u(t) u(t - theta)")
    axes[1].set_title(f"product, NRMSE {e_product:.3f}", fontsize="medium")
    axes[1].legend(loc="upper right", fontsize="small")
    axes[2].plot(t, sim.data[p_energy], "tab:red", lw=1, label="spiking memory")
    axes[2].plot(t, ideal_energy, "k--", lw=1.5, label="ideal")
    axes[2].set_ylabel("window energy")
    axes[2].set_title(
        f"mean of u^2 over the window, NRMSE {e_energy:.3f}", fontsize="medium"
    )
    axes[2].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig("window_function.png", dpi=100)
    print("saved window_function.png")
