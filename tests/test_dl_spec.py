"""The settings of a sequence model: validated once, frozen, compared by value.

Pure frontend (no NengoDL or TensorFlow needed).
"""

import pickle

import nengo
import numpy as np
import pytest
from nengo.exceptions import ReadonlyError, ValidationError

from nengo_lmu.dl.spec import LayerSpec, ModelSpec

CELL = dict(memory_d=1, order=4, hidden_units=8)
MODEL = dict(input_d=1, n_items=12, output_d=3, theta_items=12, **CELL)


@pytest.mark.parametrize(
    "attr, value",
    [
        ("memory_d", 0),
        ("memory_d", 1.0),
        ("order", True),
        ("order", "4"),
        ("hidden_units", -2),
        ("theta_items", 0.5),
        ("theta_items", np.nan),
        ("seed", 1.5),
        ("n_neurons", 0),
        ("hidden_cell", "lstm"),
        ("hidden_to_memory", "yes"),
        ("memory_to_memory", 1),
        ("input_to_hidden", None),
        ("hidden_neuron_type", "lif"),
        ("hidden_neuron_type", nengo.LIF),
        ("hidden_synapse", -0.1),
        ("hidden_synapse", nengo.Alpha(0.01)),
        ("hidden_input_synapse", "fast"),
        ("memory_neuron_type", 3),
        ("memory_synapse", np.inf),
        ("memory_kwargs", "scaling"),
        ("hidden_kwargs", {1: 2}),
    ],
)
def test_layer_spec_refuses_bad_values(attr, value):
    with pytest.raises(ValidationError, match=f"LayerSpec.{attr}") as info:
        LayerSpec(**dict(CELL, **{attr: value}))
    assert repr(value) in str(info.value)


@pytest.mark.parametrize(
    "attr, value",
    [
        ("input_d", 0),
        ("input_d", 1.5),
        ("n_items", True),
        ("output_d", -1),
        ("theta_items", "abc"),
        ("theta_items", 0.5),
        ("item_duration", 0),
        ("readout_synapse", -0.01),
        ("readout_items", np.inf),
        ("input_scale", 0),
        ("seed", "0"),
        ("normalize_memory", 1),
        ("compensate_loop", "no"),
        ("item_readout", "first"),
        ("rate_factor", "fast"),
        ("rate_factor", 0),
    ],
)
def test_model_spec_refuses_bad_values(attr, value):
    with pytest.raises(ValidationError, match=f"ModelSpec.{attr}") as info:
        ModelSpec(**dict(MODEL, **{attr: value}))
    assert repr(value) in str(info.value)


@pytest.mark.parametrize(
    "change, attr",
    [
        (dict(layers=[]), "layers"),
        (dict(layers="cell"), "layers"),
        (dict(hidden_unit=8), "layers"),
        (dict(layers=[CELL], order=3), "layers"),
        (dict(layers=[dict(CELL, hidden_cell="gru")]), "hidden_cell"),
        (dict(normalize_memory=True, memory_kernel_scale=np.ones(4)), "normalize"),
        (dict(normalize_memory=True, memory_kwargs=dict(scaling=1)), "normalize"),
        (dict(readout_synapse=0.01), "item_readout"),
    ],
)
def test_model_spec_refuses_bad_combinations(change, attr):
    kwargs = dict(MODEL, **change)
    if "layers" in change:
        for name in CELL:
            kwargs.pop(name, None)
        kwargs.update({k: v for k, v in change.items() if k in CELL})
    with pytest.raises(ValidationError, match=attr):
        ModelSpec(**kwargs)


def test_specs_are_frozen_values():
    a, b = ModelSpec(**MODEL), ModelSpec(**MODEL)
    assert a == b and hash(a) == hash(b)
    assert a.layers == (LayerSpec(**CELL),)
    for change in [
        dict(theta_items=6),
        dict(order=5),
        dict(hidden_cell="rnn"),
        dict(hidden_synapse=nengo.Lowpass(0.02)),
        dict(memory_kwargs=dict(scaling=np.ones(4))),
        dict(rate_factor=2),
    ]:
        assert ModelSpec(**dict(MODEL, **change)) != a, change
    with_array = dict(MODEL, memory_kwargs=dict(scaling=np.ones(4)))
    assert ModelSpec(**with_array) == ModelSpec(**with_array)
    with pytest.raises(ReadonlyError):
        a.theta_items = 6
    with pytest.raises(ReadonlyError):
        a.unknown_setting = 6
    with pytest.raises(ReadonlyError):
        a.layers[0].order = 5
    with pytest.raises(TypeError):
        a.layers[0].memory_kwargs["scaling"] = 1.0
    assert a.theta_items == 12 and a.layers[0].memory_kwargs == {}
    # a given array is copied: changing it later changes nothing
    scale = np.ones(4)
    layer = LayerSpec(**CELL, memory_kernel_scale=scale)
    scale[0] = 2.0
    assert np.all(layer.memory_kernel_scale == 1)
    for spec in (a, ModelSpec(**with_array)):
        assert pickle.loads(pickle.dumps(spec)) == spec


def test_spec_round_trips_through_its_dict():
    spec = ModelSpec(
        **dict(MODEL, hidden_cell="rnn", hidden_synapse=nengo.Lowpass(0.2), seed=3)
    )
    assert ModelSpec(**spec.to_dict()) == spec
    changed = spec.replace(item_duration=0.02, hidden_synapse=0.08)
    assert changed.item_duration == 0.02 and changed.layers[0].hidden_synapse == 0.08
    assert changed.layers[0].hidden_cell == "rnn" and spec.item_duration == 0.05
    # a partial layer dict (as older model files hold) takes LMUCell's defaults
    assert LayerSpec(**CELL).hidden_cell == "dense"
    assert spec.layer_seed(0) == 3 and spec.layer_theta_items(0) == 12
