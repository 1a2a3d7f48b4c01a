"""Delay white noise with a spiking Legendre memory and read the window.

Open in Nengo GUI with ``nengo examples/delay_white_noise.py``; run headless
with ``python examples/delay_white_noise.py`` (saves a figure).
"""

import nengo

from nengo_lmu.networks import LegendreMemory

theta = 0.1  # window, s
process = nengo.processes.WhiteSignal(10.0, high=10, rms=0.3)

with nengo.Network(seed=0) as model:
    stim = nengo.Node(process)
    memory = LegendreMemory(theta, order=6, n_neurons=1000, input_process=process)
    nengo.Connection(stim, memory.input, synapse=None)
    window = memory.add_output(delays=[0.0, theta / 2, theta], label="window")

if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with model:
        p_stim = nengo.Probe(stim, synapse=0.01)
        p_window = nengo.Probe(window, synapse=0.01)
    with nengo.Simulator(model) as sim:
        sim.run(2.0)
    plt.plot(sim.trange(), sim.data[p_stim], "k", label="u(t)")
    for k, label in enumerate(["u(t)", "u(t - theta/2)", "u(t - theta)"]):
        plt.plot(sim.trange(), sim.data[p_window][:, k], label=f"memory: {label}")
    plt.xlabel("time (s)")
    plt.legend()
    plt.savefig("delay_white_noise.png")
    print("saved delay_white_noise.png")
