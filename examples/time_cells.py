"""'Time cells': neurons of a population representing a Legendre memory jointly.

After a brief input pulse, the pulse travels through the memory's window: the
memory's state encodes ``u(t - s)`` for every delay ``s`` in ``[0, theta]``.
A population representing the whole state jointly, with encoder ``e_k``
proportional to the readout of delay ``s_k`` (the shifted Legendre polynomials
at ``s_k / theta``), has neurons that each fire when the pulse passes "their"
delay: sorted by the time of their peak, their activity tiles the window like
the time cells of rodent hippocampus and cortex. This is the construction of
Voelker & Eliasmith (2018, Neural Computation, "Improving spiking dynamical
networks"), section on time cells, here with a spiking `LegendreMemory`.

Open in Nengo GUI with ``nengo examples/time_cells.py``: the layout
(``time_cells.py.cfg``) shows the pulse, the Legendre state, a drawing of the
window (`nengo_lmu.gui.window_display`) and a raster of the time cells, in
order of preferred delay, firing in turn; drag the ``stim`` slider up and
back to send your own pulse through the window. Run headless with
``python examples/time_cells.py`` (saves ``time_cells.png``).
"""

import nengo
import numpy as np

from nengo_lmu.gui import window_display
from nengo_lmu.legendre import LegendreDelay, legendre_readout
from nengo_lmu.lti import discretize, simulate
from nengo_lmu.networks import LegendreMemory

theta = 1.0  # window, s
order = 6
dt = 0.001
pulse_start, pulse_width = 0.1, 0.1  # s
period = 2.0  # s, the pulse repeats (Nengo GUI runs on; the headless run is 1.5 s)
n_cells = 300


def pulse(t):
    """A unit pulse of ``pulse_width`` seconds starting at ``pulse_start``,
    repeated every ``period`` seconds."""
    t = t % period
    return 1.0 if pulse_start <= t < pulse_start + pulse_width else 0.0


# Scale the memory for this input: the peak of each Legendre state under the
# pulse, from the ideal discrete system (the default scaling assumes the worst
# case |u| <= 1 over the whole window and would waste most of each radius).
_delay = LegendreDelay(theta, order)
_Ad, _Bd = discretize(_delay.A, _delay.B, dt)
_u = np.array([pulse(k * dt) for k in range(int(round(2 * theta / dt)))])
_x = simulate(_Ad, _Bd, _u)
scale = 1.2 * np.max(np.abs(_x), axis=0)

# preferred delays of the time cells, spread over the window; encoders are the
# readout rows of those delays, normalised (unit encoders)
rng = np.random.RandomState(1)
preferred = np.sort(rng.uniform(0, theta, n_cells))
encoders = legendre_readout(order, preferred / theta)
encoders /= np.linalg.norm(encoders, axis=1, keepdims=True)
# the cells represent the state divided by its largest norm under the pulse
state_norm = float(np.max(np.linalg.norm(_x, axis=1)))

with nengo.Network(seed=0) as model:
    stim = nengo.Node(pulse)
    memory = LegendreMemory(theta, order, n_neurons=1000, scaling=scale)
    nengo.Connection(stim, memory.input, synapse=None)
    time_cells = nengo.Ensemble(
        n_cells,
        order,
        encoders=encoders,
        intercepts=nengo.dists.Uniform(0.05, 0.3),
        max_rates=nengo.dists.Uniform(20, 40),
        label="time cells",
    )
    nengo.Connection(
        memory.state, time_cells, transform=np.eye(order) / state_norm, synapse=None
    )
    # for Nengo GUI: the window reconstructed from the state beside the true one
    display = window_display(
        memory, stim, y_range=(-0.5, 1.5), interval=0.02, label="window display"
    )

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    duration = 1.5
    with model:
        p_stim = nengo.Probe(stim, synapse=None)
        p_state = nengo.Probe(memory.state, synapse=0.01)
        p_cells = nengo.Probe(time_cells.neurons, synapse=0.05)
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        sim.run(duration)
    t = sim.trange()

    # the window u(t - s) decoded from the state, s on a grid over [0, theta]
    grid = np.linspace(0, theta, 101)
    window = sim.data[p_state] @ legendre_readout(order, grid / theta).T

    # filtered spike rates, each normalised to its peak and sorted by peak time;
    # cells that never fire are left out
    rates = sim.data[p_cells]
    active = rates.max(axis=0) > 1.0
    rates = rates[:, active] / rates[:, active].max(axis=0)
    order_by_peak = np.argsort(np.argmax(rates, axis=0))
    rates = rates[:, order_by_peak]
    print(f"{active.sum()} of {n_cells} cells fired after the pulse")

    fig, axes = plt.subplots(
        3, 1, figsize=(8, 8), sharex=True, gridspec_kw=dict(height_ratios=[1, 2, 3])
    )
    axes[0].plot(t, sim.data[p_stim], "k")
    axes[0].set_ylabel("input u")
    extent = [t[0], t[-1], 0, theta]
    axes[1].imshow(window.T, aspect="auto", origin="lower", extent=extent)
    axes[1].set_ylabel("delay s (s)")
    axes[1].set_title(
        "window u(t - s) decoded from the spiking memory", fontsize="medium"
    )
    axes[2].imshow(
        rates.T,
        aspect="auto",
        origin="lower",
        extent=[t[0], t[-1], 0, rates.shape[1]],
        cmap="viridis",
        interpolation="nearest",
    )
    axes[2].set_ylabel("cell (sorted by peak time)")
    axes[2].set_title("time cells: normalised firing rate", fontsize="medium")
    axes[2].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig("time_cells.png", dpi=100)
    print("saved time_cells.png")
