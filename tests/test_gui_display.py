"""Tests of `nengo_lmu.gui.window_display`, in plain nengo (no browser)."""

import xml.etree.ElementTree as ET

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.gui import window_display
from nengo_lmu.networks import LegendreMemory

SVG = "{http://www.w3.org/2000/svg}"


def run_display(duration, freq=1.0, amplitude=0.8, theta=0.5, **kwargs):
    """Run an exact (Direct) memory on a sine with a display; return its parts."""
    with nengo.Network(seed=0) as model:
        stim = nengo.Node(lambda t: amplitude * np.sin(2 * np.pi * freq * t))
        memory = LegendreMemory(theta, 6, 100, neuron_type=nengo.Direct())
        nengo.Connection(stim, memory.input, synapse=None)
        node = window_display(memory, stim, synapse=None, **kwargs)
        p_state = nengo.Probe(memory.state, synapse=None)
    with nengo.Simulator(model, progress_bar=False) as sim:
        sim.run(duration)
    drawing = node.output
    # the state at the time of the last drawing
    step = int(np.argmin(np.abs(sim.trange() - drawing.t_drawn)))
    return memory, drawing, drawing.t_drawn, sim.data[p_state][step]


def drawn_curves(drawing):
    """Parse the SVG and return the values of its polylines, by class."""
    root = ET.fromstring(drawing._nengo_html_)
    assert root.tag == SVG + "svg"
    return {
        line.get("class"): drawing.values(line.get("points"))
        for line in root.iter(SVG + "polyline")
    }


def test_drawn_window_matches_the_delayed_input():
    freq, amplitude, theta = 1.0, 0.8, 0.5
    memory, drawing, t, state = run_display(1.6, freq, amplitude, theta, n_points=40)
    curves = drawn_curves(drawing)
    assert set(curves) == {"memory", "input"}
    delays = drawing.delays
    assert len(delays) == 40 and delays[0] == 0 and np.isclose(delays[-1], theta)
    true = amplitude * np.sin(2 * np.pi * freq * (t - delays))

    # the true input from the ring buffer, each delay rounded to a whole step:
    # off by at most the sine's slope times dt / 2 (2.5e-3), plus drawing error
    input_error = np.max(np.abs(curves["input"] - true))
    assert input_error < 3e-3, f"input curve off by {input_error:.2e}"
    # the reconstruction: the memory's own readout of its state ...
    ideal = memory.readout(delays) @ state
    readout_error = np.max(np.abs(curves["memory"] - ideal))
    assert readout_error < 1e-3, f"memory curve off its readout by {readout_error:.2e}"
    # ... which, for an exact memory on a slow sine, is the delayed input
    window_error = np.max(np.abs(curves["memory"] - true))
    assert window_error < 0.01, f"window off the delayed input by {window_error:.3f}"
    # and the curve is not flat: it spans most of the sine's range
    assert np.ptp(curves["memory"]) > amplitude


def test_display_redraws_at_its_interval():
    _, drawing, t, _ = run_display(0.237, interval=0.05)
    # drawn every 50 steps from the first (t = 0.001): the last at t = 0.201
    assert np.isclose(t, 0.201) and "t = 0.20 s" in drawing._nengo_html_
    _, drawing, t, _ = run_display(0.237, interval=0)
    assert np.isclose(t, 0.237) and "t = 0.24 s" in drawing._nengo_html_


def test_display_restarts_with_a_new_simulator():
    with nengo.Network(seed=0) as model:
        stim = nengo.Node(1.0)
        memory = LegendreMemory(0.1, 4, 100, neuron_type=nengo.Direct())
        nengo.Connection(stim, memory.input, synapse=None)
        node = window_display(memory, stim, n_points=11, interval=0)
    for _ in range(2):
        with nengo.Simulator(model, progress_bar=False) as sim:
            sim.run(0.05)
        # the step input fills the last 50 ms of the window, not more
        true = drawn_curves(node.output)["input"]
        assert np.allclose(true[node.output.delays < 0.05], 1.0, atol=1e-3)
        assert np.allclose(true[node.output.delays > 0.05], 0.0, atol=1e-3)


def test_display_without_input_and_spiking_memory():
    process = nengo.processes.WhiteSignal(1.0, high=5, rms=0.3)
    with nengo.Network(seed=1) as model:
        stim = nengo.Node(process)
        memory = LegendreMemory(0.1, 4, 400, scaling=process)
        nengo.Connection(stim, memory.input, synapse=None)
        node = window_display(memory)
    with nengo.Simulator(model, progress_bar=False) as sim:
        sim.run(0.3)
    curves = drawn_curves(node.output)
    assert set(curves) == {"memory"}
    assert np.all(np.abs(curves["memory"]) <= 1.0 + 1e-9)
    assert np.ptp(curves["memory"]) > 0.05


def test_display_validates():
    with nengo.Network():
        memory = LegendreMemory(0.1, 4, 100, memory_d=2)
        with pytest.raises(ValidationError, match="channel"):
            window_display(memory, channel=2)
        with pytest.raises(ValidationError, match="n_points"):
            window_display(memory, n_points=1)
        with pytest.raises(ValidationError, match="y_range"):
            window_display(memory, y_range=(1, -1))
        with pytest.raises(ValidationError, match="LegendreMemory"):
            window_display(nengo.Network())
        node = window_display(memory, channel=1)
        assert node.size_in == 4 and node.size_out == 0
