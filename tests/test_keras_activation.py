"""The LIF-rate Keras activation has nengo's LIF curves, to float32 rounding."""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

tf = pytest.importorskip("tensorflow")
keras_lmu = pytest.importorskip("keras_lmu")

from nengo_lmu.keras import LIFActivation  # noqa: E402

#: float32 rounding: a few units in the last place of the result
EPS32 = float(np.finfo(np.float32).eps)

PARAMS = [
    dict(),
    dict(tau_rc=0.05, tau_ref=0.001, amplitude=0.3),
    dict(tau_rc=0.01, tau_ref=0.0, amplitude=1.0),
]


def currents():
    """Currents from far below threshold to high rates, dense near threshold."""
    return np.concatenate(
        [
            np.linspace(-5, 20, 4001),
            1 + np.logspace(-7, 0, 300),
            1 - np.logspace(-7, 0, 50),
        ]
    ).astype(np.float32)


def nengo_rates(neuron_type, J):
    out = np.zeros(len(J))
    neuron_type.step(0.001, J.astype(float), out)
    return out


@pytest.mark.parametrize("kwargs", PARAMS)
def test_exact_curve_is_nengo_lifrate(kwargs):
    J = currents()
    got = LIFActivation(**kwargs)(J).numpy()
    full = dict(dict(amplitude=0.01), **kwargs)  # the activation's default amplitude
    ref = nengo_rates(nengo.LIFRate(**full), J)
    above = ref > 0
    assert np.sum(above) > 3000 and np.sum(~above) > 500
    rel = np.max(np.abs(got[above] - ref[above]) / ref[above])
    assert rel < 8 * EPS32, f"max relative error {rel:.2e}"
    assert np.all(got[~above] == 0), "fires below threshold"


@pytest.mark.parametrize("kwargs", PARAMS)
@pytest.mark.parametrize("sigma", [0.02, 0.2])
def test_soft_curve_is_nengo_dl_softlifrate(kwargs, sigma):
    nengo_dl = pytest.importorskip("nengo_dl")
    J = currents()
    got = LIFActivation(sigma=sigma, **kwargs)(J).numpy()
    full = dict(dict(amplitude=0.01), **kwargs)  # the activation's default amplitude
    ref = nengo_rates(nengo_dl.SoftLIFRate(sigma=sigma, **full), J)
    # includes currents where the softplus underflows (its limit is used)
    assert np.min(J - 1) / sigma < -20
    rel = np.max(np.abs(got - ref) / ref)
    assert rel < 8 * EPS32, f"max relative error {rel:.2e}"


@pytest.mark.parametrize("sigma", [None, 0.02])
def test_gradients_finite(sigma):
    J = tf.constant(currents())
    with tf.GradientTape() as tape:
        tape.watch(J)
        y = LIFActivation(sigma=sigma)(J)
    g = tape.gradient(y, J).numpy()
    assert np.all(np.isfinite(g)), f"{np.sum(~np.isfinite(g))} non-finite gradients"
    below = J.numpy() < 0.9
    if sigma is None:
        assert np.all(g[below] == 0)
    else:  # the soft curve keeps a gradient just below threshold
        near = below & (J.numpy() > 0.9 - 0.05)
        assert np.all(g[near] > 0)
    assert np.all(g >= 0)


def test_neuron_type():
    act = LIFActivation(tau_rc=0.03, tau_ref=0.004, amplitude=0.5, sigma=0.1)
    for spiking, cls in [(True, nengo.LIF), (False, nengo.LIFRate)]:
        n = act.neuron_type(spiking=spiking)
        assert type(n) is cls
        assert (n.tau_rc, n.tau_ref, n.amplitude) == (0.03, 0.004, 0.5)


def test_saved_model_reloads(tmp_path, rng):
    act = LIFActivation(tau_rc=0.03, tau_ref=0.001, amplitude=0.1, sigma=0.05)
    inp = tf.keras.Input((12, 2))
    cell = tf.keras.layers.SimpleRNNCell(5, activation=act)
    h = keras_lmu.LMU(1, 4, 10, hidden_cell=cell)(inp)
    model = tf.keras.Model(inp, h)
    for w in model.weights:
        w.assign(rng.uniform(-1, 1, size=w.shape).astype(np.float32) * 3)
    x = rng.uniform(-1, 1, size=(3, 12, 2)).astype(np.float32)
    expected = model(x).numpy()
    assert np.mean(expected > 0) > 0.2  # the neurons fire
    for name in ("model.keras", "model.h5"):
        model.save(tmp_path / name)
        loaded = tf.keras.models.load_model(
            tmp_path / name, custom_objects={"LMU": keras_lmu.LMU}
        )
        reloaded = loaded.layers[1].hidden_cell.activation
        assert isinstance(reloaded, LIFActivation)
        params = (reloaded.tau_rc, reloaded.tau_ref, reloaded.amplitude)
        assert params + (reloaded.sigma,) == (0.03, 0.001, 0.1, 0.05)
        assert np.array_equal(loaded(x).numpy(), expected), name


@pytest.mark.parametrize(
    "kwargs, attr",
    [
        (dict(tau_rc=0), "tau_rc"),
        (dict(tau_ref=-0.001), "tau_ref"),
        (dict(amplitude=-1.0), "amplitude"),
        (dict(sigma=0.0), "sigma"),
        (dict(sigma="soft"), "sigma"),
    ],
)
def test_bad_parameters(kwargs, attr):
    value = next(iter(kwargs.values()))
    with pytest.raises(ValidationError, match=f"{attr}.*got {value!r}"):
        LIFActivation(**kwargs)
