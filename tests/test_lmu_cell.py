"""Tests of the `LMUCell` network against a plain numpy LMU."""

import pickle

import nengo
import numpy as np
import pytest
from nengo.exceptions import ReadonlyError, ValidationError

from nengo_lmu import LegendreDelay, discretize
from nengo_lmu.networks import LMUCell
from nengo_lmu.networks.lmu_cell import CellSpec


def numpy_lmu(x, kernels, order, theta_steps, hidden_cell, activation=np.tanh, h0=None):
    """The LMU equations, one step per item, in plain numpy.

    ``h0`` is the hidden state before the first item (zeros by default).
    Returns h, (T, hidden_units), and m, (T, memory_d * order).
    """
    delay = LegendreDelay(theta_steps, order)
    Ad, Bd = discretize(delay.A, delay.B, 1.0)
    ex = kernels["input_encoders"]
    memory_d = ex.shape[0]
    n_hidden = kernels["memory_kernel"].shape[0]
    m = np.zeros((memory_d, order))
    h = np.zeros(n_hidden) if h0 is None else h0
    hs, ms = [], []
    for xt in x:
        u = ex @ xt
        if "hidden_encoders" in kernels:
            u = u + kernels["hidden_encoders"] @ h
        if "memory_encoders" in kernels:
            u = u + kernels["memory_encoders"] @ m.ravel()
        m = m @ Ad.T + u[:, None] * Bd[:, 0][None, :]
        j = kernels["memory_kernel"] @ m.ravel() + kernels["hidden_bias"]
        if "input_kernel" in kernels:
            j = j + kernels["input_kernel"] @ xt
        if hidden_cell == "rnn":
            j = j + kernels["recurrent_kernel"] @ h
        h = activation(j)
        hs.append(h)
        ms.append(m.ravel().copy())
    return np.array(hs), np.array(ms)


@pytest.mark.parametrize(
    "options",
    [
        dict(hidden_cell="rnn"),
        dict(hidden_cell="dense"),
        dict(
            hidden_cell="rnn",
            hidden_to_memory=True,
            memory_to_memory=True,
            input_to_hidden=True,
        ),
    ],
)
def test_exact_cell_equals_numpy(options, rng):
    """Exact memory and tanh hidden units reproduce the LMU equations."""
    dt, steps, theta_steps = 0.001, 40, 10
    input_d, memory_d, order, hidden = 3, 2, 4, 5
    cell = LMUCell(
        input_d,
        memory_d,
        order,
        theta_steps * dt,
        hidden,
        memory_neuron_type=nengo.Direct(),
        hidden_neuron_type=nengo.neurons.Tanh(),
        add_to_container=False,
        seed=1,
        **options,
    )
    kernels = {
        name: rng.uniform(-0.5, 0.5, size=shape)
        for name, shape in cell.kernel_shapes().items()
    }
    x = rng.uniform(-1, 1, size=(steps, input_d))
    with nengo.Network() as model:
        stim = nengo.Node(nengo.processes.PresentInput(x, dt))
        cell = LMUCell(
            input_d,
            memory_d,
            order,
            theta_steps * dt,
            hidden,
            memory_neuron_type=nengo.Direct(),
            hidden_neuron_type=nengo.neurons.Tanh(),
            kernels=kernels,
            **options,
        )
        nengo.Connection(stim, cell.input, synapse=None)
        p_h = nengo.Probe(cell.output, synapse=None)
        p_m = nengo.Probe(cell.memory.state, synapse=None)
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        sim.run_steps(steps + 1)
    # the network's hidden layer starts at f(b), not 0: its first step sees
    # an empty memory and no input
    h0 = np.tanh(kernels["hidden_bias"])
    h, m = numpy_lmu(x, kernels, order, theta_steps, options["hidden_cell"], h0=h0)
    # the network's step k holds the ideal values after item k - 1
    assert np.max(np.abs(sim.data[p_m][1:] - m)) < 1e-8
    assert np.max(np.abs(sim.data[p_h][1:] - h)) < 1e-8
    assert np.allclose(cell.get_kernels()["memory_kernel"], kernels["memory_kernel"])


def test_hidden_input_synapse_filters_memory_and_input_paths(rng):
    """With ``hidden_input_synapse``, W_m and W_x read lowpass-filtered signals.

    The recursion is checked against the network's own memory state and
    input (the exact memory is tested above): nengo's ``Lowpass(tau)`` at
    step k is ``a y[k-1] + (1 - a) x[k-1]``, with ``a = exp(-dt / tau)``.
    """
    dt, steps, tau = 0.001, 60, 0.005
    options = dict(
        hidden_cell="rnn",
        input_to_hidden=True,
        hidden_synapse=tau,
        hidden_input_synapse=tau,
        memory_neuron_type=nengo.Direct(),
        hidden_neuron_type=nengo.neurons.Tanh(),
    )
    probe = LMUCell(2, 1, 4, 0.01, 5, add_to_container=False, **options)
    kernels = {
        name: rng.uniform(-0.5, 0.5, size=shape)
        for name, shape in probe.kernel_shapes().items()
    }
    x = rng.uniform(-1, 1, size=(steps, 2))
    with nengo.Network() as model:
        stim = nengo.Node(nengo.processes.PresentInput(x, dt))
        cell = LMUCell(2, 1, 4, 0.01, 5, kernels=kernels, **options)
        nengo.Connection(stim, cell.input, synapse=None)
        p_x = nengo.Probe(cell.input, synapse=None)
        p_m = nengo.Probe(cell.memory.state, synapse=None)
        p_h = nengo.Probe(cell.output, synapse=None)
    with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
        sim.run_steps(steps)
    X, M, H = sim.data[p_x], sim.data[p_m], sim.data[p_h]
    a = np.exp(-dt / tau)
    xf, mf, hf = np.zeros(2), np.zeros(4), np.zeros(5)
    expected = []
    for k in range(steps):
        if k > 0:
            xf = a * xf + (1 - a) * X[k - 1]
            mf = a * mf + (1 - a) * M[k - 1]
            hf = a * hf + (1 - a) * expected[-1]
        j = (
            kernels["memory_kernel"] @ mf
            + kernels["input_kernel"] @ xf
            + kernels["recurrent_kernel"] @ hf
            + kernels["hidden_bias"]
        )
        expected.append(np.tanh(j))
    assert np.std(M) > 0.05 and np.std(H) > 0.05
    assert np.max(np.abs(H - np.array(expected))) < 1e-8


def test_memory_kernel_scale_keeps_the_network(rng):
    """``memory_kernel_scale`` reparametrises W_m; the network is unchanged.

    The same kernels give the same hidden output (to rounding) with and
    without it, and `get_kernels` returns them in ``m``'s units; the
    trainable connection holds ``W_m * scale`` behind a fixed ``1 / scale``.
    """
    dt, steps = 0.001, 50
    args = (2, 2, 4, 0.02, 6)
    options = dict(
        memory_neuron_type=nengo.Direct(), hidden_neuron_type=nengo.neurons.Tanh()
    )
    probe = LMUCell(*args, add_to_container=False, **options)
    kernels = {
        name: rng.uniform(-0.5, 0.5, size=shape)
        for name, shape in probe.kernel_shapes().items()
    }
    scale = rng.uniform(0.01, 2.0, size=8)
    x = rng.uniform(-1, 1, size=(steps, 2))
    outputs, cells = [], []
    for memory_kernel_scale in (None, scale):
        with nengo.Network() as model:
            stim = nengo.Node(nengo.processes.PresentInput(x, dt))
            cell = LMUCell(
                *args,
                kernels=kernels,
                memory_kernel_scale=memory_kernel_scale,
                **options,
            )
            nengo.Connection(stim, cell.input, synapse=None)
            p_h = nengo.Probe(cell.output, synapse=None)
        with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
            sim.run_steps(steps)
        outputs.append(sim.data[p_h])
        cells.append(cell)
    assert np.max(np.abs(outputs[1] - outputs[0])) < 1e-8
    assert np.max(np.abs(outputs[0])) > 0.1  # the hidden layer is not silent
    assert np.allclose(
        cells[1].get_kernels()["memory_kernel"], kernels["memory_kernel"], atol=1e-12
    )
    conn = cells[1].trainable_connections["memory_kernel"]
    assert np.allclose(conn.transform.init, kernels["memory_kernel"] * scale)
    assert np.allclose(cells[1].memory_normalize_conn.transform.init, 1 / scale)
    assert cells[0].memory_normalize_conn is None


@pytest.mark.parametrize("discretizer", ["zoh", "euler"])
def test_external_memory_equals_the_exact_memory(discretizer, rng):
    """An ``external_memory`` cell fed `input_memory_states` computes what
    the cell with the Direct memory computes: the same memory state (through
    its input encoders) and hidden output, step by step (to rounding), and
    `get_kernels` reads the same kernels back."""
    dt, steps, n = 0.002, 60, 3
    args = (2, 3, 5, 0.03, 7)
    options = dict(
        hidden_cell="rnn",
        input_to_hidden=True,
        hidden_synapse=0.004,
        hidden_neuron_type=nengo.neurons.Tanh(),
        memory_kwargs=dict(discretizer=discretizer),
        dt=dt,
    )
    probe = LMUCell(*args, add_to_container=False, **options)
    kernels = {
        name: rng.uniform(-0.5, 0.5, size=shape)
        for name, shape in probe.kernel_shapes().items()
    }
    x = rng.uniform(-1, 1, size=(n, steps, 2))
    states = probe.input_memory_states(x)
    assert states.shape == (n, steps, 10)
    assert np.allclose(probe.input_memory_states(x[1]), states[1], atol=1e-14)
    h, m, cells = [], [], []
    for external in (False, True):
        now = {"i": 0}

        def row(a, t):
            # row j at the j-th step (nengo's first step is t = dt)
            return a[now["i"], int(round(t / dt)) - 1]

        with nengo.Network() as model:
            stim = nengo.Node(lambda t: row(x, t))
            cell = LMUCell(
                *args,
                kernels=kernels,
                memory_neuron_type=nengo.Direct(),
                external_memory=external,
                **options,
            )
            nengo.Connection(stim, cell.input, synapse=None)
            if external:
                feed = nengo.Node(lambda t: row(states, t), size_out=10)
                nengo.Connection(feed, cell.input_memory, synapse=None)
            p_h = nengo.Probe(cell.output, synapse=None)
            p_m = nengo.Probe(cell.memory_state, synapse=None)
        outs = []
        with nengo.Simulator(model, dt=dt, progress_bar=False) as sim:
            for i in range(n):
                now["i"] = i
                sim.reset()
                sim.run_steps(steps)
                outs.append((sim.data[p_h], sim.data[p_m]))
        h.append(np.array([o[0] for o in outs]))
        m.append(np.array([o[1] for o in outs]))
        cells.append(cell)
    assert np.max(np.abs(m[0])) > 0.1 and np.max(np.abs(h[0])) > 0.1
    assert np.max(np.abs(m[1] - m[0])) < 1e-10
    assert np.max(np.abs(h[1] - h[0])) < 1e-10
    assert cells[1].memory is None and cells[0].input_memory is None
    for name, value in cells[1].get_kernels().items():
        assert np.allclose(value, kernels[name], rtol=0, atol=1e-15), name


@pytest.mark.parametrize(
    "kwargs, attr",
    [
        (dict(hidden_cell="lstm"), "hidden_cell"),
        (dict(hidden_units=0), "hidden_units"),
        (dict(input_d=2.0), "input_d"),
        (dict(hidden_to_memory="yes"), "hidden_to_memory"),
        (dict(kernels={"memory_kernel": np.zeros((2, 2))}), "kernels"),
        (
            dict(kernels={"recurrent_kernel": np.zeros((4, 4))}, hidden_cell="dense"),
            "kernels",
        ),
        (dict(hidden_neuron_type="tanh"), "hidden_neuron_type"),
        (dict(hidden_synapse=np.nan), "hidden_synapse"),
        (dict(hidden_synapse=-0.01), "hidden_synapse"),
        (dict(hidden_synapse=nengo.Alpha(0.01)), "hidden_synapse"),
        (dict(hidden_input_synapse=nengo.Lowpass(np.inf)), "hidden_input_synapse"),
        (dict(hidden_input_synapse="fast"), "hidden_input_synapse"),
        (dict(kernels={"memory_kernel": np.full((4, 4), np.nan)}), "kernels"),
        (dict(order=4.0), "order"),
        (dict(theta=-1), "theta"),
        (dict(memory_kernel_scale=np.ones(3)), "memory_kernel_scale"),
        (dict(memory_kernel_scale=[1, 1, 0, 1]), "memory_kernel_scale"),
        (dict(memory_kernel_scale=[1, 1, np.nan, 1]), "memory_kernel_scale"),
        (dict(external_memory=1), "external_memory"),
        (dict(external_memory=True, theta=-1), "theta"),
        (
            dict(external_memory=True, memory_kwargs=dict(discretizer="tustin")),
            "discretizer",
        ),
        (dict(external_memory=True, hidden_to_memory=True), "external_memory"),
        (dict(external_memory=True, memory_to_memory=True), "external_memory"),
    ],
)
def test_bad_cell_parameters(kwargs, attr):
    params = dict(input_d=1, memory_d=1, order=4, theta=0.1, hidden_units=4)
    params.update(kwargs)
    with pytest.raises(ValidationError, match=attr):
        LMUCell(**params, add_to_container=False)


@pytest.mark.parametrize(
    "kwargs, x_shape, match",
    [
        (dict(hidden_to_memory=True), (5, 2), "hidden layer"),
        (dict(memory_to_memory=True), (5, 2), "hidden layer"),
        ({}, (5, 3), "got \\(5, 3\\)"),
        ({}, (5,), "got \\(5,\\)"),
        ({}, (1, 2, 5, 2), "steps, 2"),
    ],
)
def test_bad_input_memory_states_input(kwargs, x_shape, match):
    cell = LMUCell(2, 1, 4, 0.1, 4, add_to_container=False, **kwargs)
    with pytest.raises(ValidationError, match=match):
        cell.input_memory_states(np.zeros(x_shape))


SPEC = dict(input_d=1, memory_d=1, order=4, theta=0.1, hidden_units=4)


@pytest.mark.parametrize(
    "attr, value",
    [
        ("input_d", 0),
        ("input_d", 2.0),
        ("memory_d", True),
        ("order", 3.0),
        ("order", "4"),
        ("theta", 0),
        ("theta", np.nan),
        ("theta", True),
        ("hidden_units", -1),
        ("hidden_cell", "lstm"),
        ("hidden_cell", "RNN"),
        ("hidden_to_memory", 1),
        ("memory_to_memory", "no"),
        ("input_to_hidden", None),
        ("external_memory", 0),
        ("hidden_neuron_type", nengo.LIF),
        ("hidden_synapse", -0.01),
        ("hidden_synapse", nengo.Alpha(0.01)),
        ("hidden_synapse", None),
        ("hidden_input_synapse", nengo.Lowpass(np.inf)),
        ("dt", -0.001),
        ("discretizer", "tustin"),
    ],
)
def test_cell_spec_refuses_bad_values(attr, value):
    with pytest.raises(ValidationError, match=attr) as info:
        CellSpec(**dict(SPEC, **{attr: value}))
    assert f"got {value!r}" in str(info.value) or repr(value) in str(info.value)


def test_cell_spec_is_a_frozen_value():
    a, b = CellSpec(**SPEC), CellSpec(**SPEC)
    assert a == b and hash(a) == hash(b)
    for attr, value in [
        ("order", 99),
        ("theta", 0.2),
        ("hidden_cell", "rnn"),
        ("hidden_synapse", nengo.Lowpass(0.01)),
        ("hidden_neuron_type", nengo.LIF()),
    ]:
        assert CellSpec(**dict(SPEC, **{attr: value})) != a, attr
    assert CellSpec(**dict(SPEC, order=1)) != CellSpec(**dict(SPEC, order=99))
    with pytest.raises(ReadonlyError):
        a.order = 5
    with pytest.raises(ReadonlyError):
        a.new_setting = 5
    assert a.order == 4 and not hasattr(a, "new_setting")
    assert pickle.loads(pickle.dumps(a)) == a
    cell = LMUCell(**SPEC, hidden_cell="rnn", add_to_container=False)
    assert cell.spec == CellSpec(**SPEC, hidden_cell="rnn")
    assert cell.copy().spec == cell.spec
    assert cell.spec.kernel_shapes() == cell.kernel_shapes()


def test_bad_cell_parameters_name_the_cell_spec():
    with pytest.raises(ValidationError, match=r"CellSpec\.order.*got 4\.0"):
        LMUCell(1, 1, 4.0, 0.1, 4, add_to_container=False)
