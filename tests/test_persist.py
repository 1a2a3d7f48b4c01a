"""Saved models: one file, exact round trip, every bad file refused, nothing lost.

The models here are not trained (their initial parameters are saved as if
they were), so these tests need neither NengoDL nor TensorFlow; test_dl.py
checks that a trained model's predictions survive the round trip.
"""

import json
import os
import zipfile

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import CovarianceScaling, FixedScaling, ProcessScaling, WindowBound
from nengo_lmu.dl import LMUClassifier, LMURegressor, load_model, read_params
from nengo_lmu.dl.persist import FORMAT_VERSION, decode, encode
from nengo_lmu.neurons import scale_firing_rates


def fake_trained(cls=LMUClassifier, **kwargs):
    """A model whose initial parameters stand in for trained ones."""
    args = dict(
        theta_items=12,
        item_duration=0.01,
        memory_d=2,
        order=4,
        hidden_units=8,
        hidden_cell="rnn",
        hidden_synapse=nengo.Lowpass(0.02),
        hidden_neuron_type=scale_firing_rates(nengo.LIF(amplitude=0.01), 2),
        n_neurons=80,
        seed=3,
    )
    args.update(kwargs)
    model = cls(1, 12, 3, **args)
    model.params = read_params(model.build())
    model.input_scale, model.input_offset = 1.2345678901234567, -0.1
    model.state_scale = np.linspace(0.5, 2.0, 4) / 3
    root = np.random.RandomState(1).randn(model.spec.layers[0].memory_d, 4, 4)
    model.memory_covariance = root @ np.swapaxes(root, 1, 2)
    if cls is LMURegressor:
        model.target_offset, model.target_scale = 0.3, 1.7
    return model


def same_model(a, b):
    assert type(a) is type(b)
    assert repr(a.get_config()) == repr(b.get_config())
    for i, kernels in enumerate(a.params["cells"]):
        assert sorted(kernels) == sorted(b.params["cells"][i])
        for key, value in kernels.items():
            assert np.array_equal(b.params["cells"][i][key], value), key
    for key in ("readout", "readout_bias"):
        assert np.array_equal(a.params[key], b.params[key]), key
    assert np.array_equal(a.state_scale, b.state_scale)
    assert np.array_equal(a.memory_covariance, b.memory_covariance)
    for name in a._fitted():
        assert getattr(a, name) == getattr(b, name), name


@pytest.mark.parametrize("cls", [LMUClassifier, LMURegressor])
def test_round_trip_is_exact(cls, tmp_path):
    model = fake_trained(cls)
    path = model.save(tmp_path / "model")
    assert path == tmp_path / "model.npz" and path.is_file()
    loaded = cls.load(path)
    same_model(model, loaded)
    # the rebuilt network is the same network (same neurons, same weights)
    a, b = model.build(steps_per_item=5), loaded.build(steps_per_item=5)
    assert a.cells[0].hidden.neuron_type == b.cells[0].hidden.neuron_type
    # the memory realised for its kernel from the saved covariance
    assert isinstance(b.cells[0].memory.spec.scaling, CovarianceScaling)
    assert np.array_equal(a.cells[0].memory.realization, b.cells[0].memory.realization)
    tau = b.cells[0].trainable_connections["recurrent_kernel"].synapse.tau
    assert tau == a.cells[0].trainable_connections["recurrent_kernel"].synapse.tau
    config, fitted, arrays, version = load_model(path)
    assert config["model"] == cls.__name__ and fitted["input_offset"] == -0.1
    assert version == __import__("nengo_lmu").__version__


def test_stacked_layers_round_trip(tmp_path):
    model = LMUClassifier(
        1,
        12,
        3,
        theta_items=12,
        seed=1,
        layers=[
            dict(memory_d=1, order=4, hidden_units=8, n_neurons=80),
            dict(memory_d=2, order=3, hidden_units=6, n_neurons=120, theta_items=6),
        ],
    )
    model.params = read_params(model.build())
    model.input_scale = 2.0
    same_model(model, LMUClassifier.load(model.save(tmp_path / "stack.npz")))


def test_changes_on_load(tmp_path):
    path = fake_trained().save(tmp_path / "m.npz")
    off = LMUClassifier.load(
        path, compensate_loop=False, hidden_neuron_type=nengo.LIF()
    )
    assert off.compensate_loop is False
    assert off.build().cells[0].hidden.neuron_type == nengo.LIF()
    # a change the weights do not fit is refused, naming the file
    with pytest.raises(ValidationError, match="does not fit.*shape"):
        LMUClassifier.load(path, order=5)
    with pytest.raises(ValidationError, match="does not fit.*missing"):
        LMUClassifier.load(path, hidden_cell="dense")


def test_bad_files_are_refused(tmp_path):
    path = fake_trained().save(tmp_path / "m.npz")
    data = path.read_bytes()

    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValidationError, match="not a nengo-lmu model file"):
        LMUClassifier.load(truncated)

    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file at all")
    with pytest.raises(ValidationError, match="not a nengo-lmu model file"):
        LMUClassifier.load(garbage)

    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, readout=np.zeros((3, 8)), weights=np.ones(4))
    with pytest.raises(ValidationError, match="not a nengo-lmu model file"):
        LMUClassifier.load(foreign)

    with pytest.raises(ValidationError, match="no such file"):
        LMUClassifier.load(tmp_path / "missing.npz")

    with pytest.raises(ValidationError, match="holds a LMUClassifier model"):
        LMURegressor.load(path)

    def rewrite(name, **replace):
        with np.load(path) as f:
            arrays = {k: f[k] for k in f.files}
        arrays.update(replace)
        out = tmp_path / name
        np.savez(out, **arrays)
        return out

    newer = rewrite("newer.npz", format_version=np.array(FORMAT_VERSION + 1))
    with pytest.raises(ValidationError, match="upgrade nengo-lmu"):
        LMUClassifier.load(newer)
    wrong_shape = rewrite("shape.npz", readout=np.zeros((3, 9)))
    with pytest.raises(ValidationError, match="does not fit"):
        LMUClassifier.load(wrong_shape)
    extra = rewrite("extra.npz", **{"cell0/mystery": np.zeros(2)})
    with pytest.raises(ValidationError, match="unexpected arrays.*mystery"):
        LMUClassifier.load(extra)
    bad_header = rewrite("header.npz", config=np.array("{not json"))
    with pytest.raises(ValidationError, match="damaged header"):
        LMUClassifier.load(bad_header)
    # a configuration may only call nengo classes
    evil = json.dumps(
        {"model": "LMUClassifier", "kwargs": {"x": {"__nengo__": "exec('1')"}}}
    )
    with pytest.raises(ValidationError, match="other than a nengo class"):
        LMUClassifier.load(rewrite("evil.npz", config=np.array(evil)))


def test_failed_save_changes_nothing(tmp_path, monkeypatch):
    model = fake_trained()
    path = model.save(tmp_path / "m.npz")
    before = path.read_bytes()
    other = fake_trained(seed=4)

    def fail(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        other.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]
    assert zipfile.is_zipfile(path)
    same_model(model, LMUClassifier.load(path))

    with pytest.raises(ValidationError, match="directory does not exist"):
        model.save(tmp_path / "nowhere" / "m.npz")
    with pytest.raises(ValidationError, match="is a directory"):
        (tmp_path / "dir.npz").mkdir()
        model.save(tmp_path / "dir.npz")
    with pytest.raises(ValidationError, match="not trained"):
        LMUClassifier(
            1, 12, 3, theta_items=12, memory_d=1, order=4, hidden_units=4
        ).save(tmp_path / "untrained.npz")


@pytest.mark.parametrize(
    "value",
    [
        nengo.LIF(tau_rc=0.03, amplitude=0.01),
        nengo.Lowpass(0.05),
        nengo.LIFRate(),
        nengo.neurons.Tanh(tau_ref=0.002),
        nengo.dists.Choice([1.0, 2.0]),
        nengo.dists.Uniform(-1, 1),
        nengo.processes.WhiteSignal(1.0, high=5, rms=0.3),
        ProcessScaling(nengo.processes.WhiteSignal(1.0, high=5), 4.0, "min-noise"),
        FixedScaling([0.1, 1 / 3]),
        WindowBound(2.0),
        np.arange(6.0).reshape(2, 3),
        {"a": [1, 2.5, None, True], "b": "text"},
    ],
    ids=repr,
)
def test_encode_decode(value):
    text = json.dumps(encode(value))
    back = decode(json.loads(text))
    assert repr(back) == repr(value)
    if isinstance(value, np.ndarray):
        assert np.array_equal(back, value) and back.dtype == value.dtype


def test_memory_scaling_round_trip_and_old_keywords(tmp_path):
    """A memory's ``scaling`` is saved exactly; a file whose memory settings
    use the keywords it replaced reads them as the same ``scaling``."""
    process = nengo.processes.WhiteSignal(1.0, high=5, rms=0.3)
    for scaling in (
        ProcessScaling(process, sigmas=4.0, realization="min-noise"),
        FixedScaling(np.linspace(0.5, 2.0, 8) / 3),
        WindowBound(2.0),
    ):
        model = fake_trained(memory_kwargs=dict(scaling=scaling))
        model.state_scale = None  # the memory is scaled by memory_kwargs
        path = model.save(tmp_path / "scaled")
        loaded = LMUClassifier.load(path)
        assert loaded.spec.layers[0].memory_kwargs["scaling"] == scaling
        same_model(model, loaded)
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    config = json.loads(str(arrays["config"]))
    config["kwargs"]["layers"][0]["memory_kwargs"] = dict(
        input_process=encode(process), realization="min-noise", scale_sigmas=4.0
    )
    arrays["config"] = np.array(json.dumps(config))
    np.savez(tmp_path / "old.npz", **arrays)
    old = LMUClassifier.load(tmp_path / "old.npz")
    assert old.spec.layers[0].memory_kwargs == dict(
        scaling=ProcessScaling(process, 4.0, "min-noise")
    )


def test_encode_refuses_what_it_cannot_rebuild():
    with pytest.raises(ValidationError, match="cannot be saved"):
        encode({"function": lambda x: x})
    with pytest.raises(ValidationError, match="cannot be saved"):
        encode(object())
    with pytest.raises(ValidationError, match="non-string keys"):
        encode({1: 2})
