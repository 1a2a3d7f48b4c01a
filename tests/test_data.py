"""Tests of the data sets generated offline."""

import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.data import frequency_task, mackey_glass, mackey_glass_task, recall_task


def test_mackey_glass_solves_the_equation():
    """Central differences of the series satisfy the delay equation."""
    x = mackey_glass(2000, seed=0)
    tau, beta, gamma, n = 17, 0.2, 0.1, 10
    k = np.arange(tau + 1, len(x) - 1)
    dxdt = (x[k + 1] - x[k - 1]) / 2
    rhs = beta * x[k - tau] / (1 + x[k - tau] ** n) - gamma * x[k]
    assert np.sqrt(np.mean((dxdt - rhs) ** 2)) < 0.02 * np.std(dxdt)
    assert 0.2 < x.min() and x.max() < 1.5  # the attractor's usual range
    assert not np.allclose(x, mackey_glass(2000, seed=1))


def test_mackey_glass_task():
    x, y = mackey_glass_task(5, n_items=40, horizon=15, seed=3)
    assert x.shape == y.shape == (5, 40, 1)
    series = mackey_glass(5 * 40 + 15, seed=3)
    assert np.array_equal(x.ravel(), series[:200])
    assert np.array_equal(y.ravel(), series[15:215])
    # the target of item k is the input 15 items later, across sequences
    assert np.array_equal(y[:, :25], x[:, 15:])
    assert np.array_equal(y[:-1, 25:], x[1:, :15])
    with pytest.raises(ValidationError, match="horizon"):
        mackey_glass_task(5, horizon=0)
    with pytest.raises(ValidationError, match="n_items"):
        mackey_glass_task(5, n_items=2.5)


def test_recall_task_label_is_the_cue():
    x, y = recall_task(200, n_items=60, cue_items=10, noise=0.0, seed=0)
    assert x.shape == (200, 60, 1) and set(y) == {0, 1, 2, 3}
    # without noise the cue alone decides the class, and nothing follows it
    for c in range(4):
        cues = x[y == c, :10, 0]
        assert np.allclose(cues, cues[0])
    assert np.all(x[:, 10:] == 0)
    # the cues are the same whatever the seed
    x2, y2 = recall_task(200, n_items=60, cue_items=10, noise=0.0, seed=1)
    for c in range(4):
        assert np.allclose(x2[y2 == c][0, :10], x[y == c][0, :10])


def test_frequency_task_classes_differ_in_frequency():
    x, y = frequency_task(500, noise=0.0, seed=0)
    spectrum = np.abs(np.fft.rfft(x[:, :, 0], axis=1))
    peak = np.argmax(spectrum[:, 1:], axis=1) + 1
    assert np.mean(np.abs(peak - (2 + y)) <= 1) > 0.95


@pytest.mark.parametrize("name", ["frequency", "recall", "mackey-glass"])
def test_load_task(name):
    """The named tasks: the sizes `TASKS` states, the generators' data."""
    from nengo_lmu.data import TASKS, load_task

    x, y, xt, yt = load_task(name)
    task = TASKS[name]
    assert x.shape == (task["n_train"], task["n_items"], 1)
    assert xt.shape[1:] == x.shape[1:] and len(yt) == len(xt)
    if task["regression"]:
        assert y.shape == x.shape and yt.shape == xt.shape
    else:
        assert set(np.unique(y)) == set(range(task["n_out"]))
    assert not np.allclose(x[: len(xt)], xt)  # independent test sequences


def test_load_task_refuses_unknown_names():
    from nengo_lmu.data import load_task

    with pytest.raises(ValidationError, match="name"):
        load_task("mnist")
