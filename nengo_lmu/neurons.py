"""Neuron types for deploying trained networks with spikes."""

import numbers

import nengo
import numpy as np
from nengo.exceptions import ValidationError


def scale_firing_rates(neuron_type, factor):
    """``neuron_type`` firing ``factor`` times as often, with the same output.

    LIF's rate with both time constants divided by ``factor`` is ``factor``
    times the original rate at every input current,
    ``1 / (tau_ref / f + tau_rc / f * log(1 + 1 / (J - 1))) = f * r(J)``, so
    dividing the amplitude by ``factor`` as well leaves the output
    (amplitude times rate) unchanged. A network of these neurons computes
    exactly the same rate function with the same connection weights (gains,
    biases, encoders and trained kernels carry over as they are); as spiking
    neurons they emit ``factor`` times as many spikes, each worth
    ``1 / factor`` as much, so the error of a spike count over a fixed
    window (a spiking network's main error when few spikes fall in an item)
    falls by about ``1 / factor``.

    Unlike scaling a neuron's input current by ``factor`` and its output by
    ``1 / factor`` (NengoDL's converter option of the same name), this is
    exact for LIF: its threshold and curve shape are unchanged. The price is
    ``factor`` times as many spikes (synaptic events). Nengo's LIF fires at
    most once per simulator step, so keep the highest rates well below
    ``1 / dt``: measured on Mackey-Glass (``bench/bench_mackey_glass.py``,
    hidden LIF of amplitude 0.01, 1 ms steps, the training sequences),
    spiking NRMSE 0.158 unscaled, 0.092 with a factor of 2, 0.079 with 3 and
    0.102 with 4. On Loihi (nengo-loihi rounds ``tau_ref`` to whole time
    steps) the curve is only kept where ``tau_ref / factor`` is a multiple of
    ``dt``.

    Parameters
    ----------
    neuron_type : nengo.LIF or nengo.LIFRate
        The neuron type the network was built or trained with.
    factor : float
        How many times as often the neurons fire (> 0).

    Returns
    -------
    nengo.LIF or nengo.LIFRate
        The same type with ``tau_rc``, ``tau_ref`` and ``amplitude`` divided
        by ``factor`` (``min_voltage`` and ``initial_state`` kept).
    """
    if type(neuron_type) not in (nengo.LIF, nengo.LIFRate):
        raise ValidationError(
            f"must be nengo.LIF or nengo.LIFRate (got {neuron_type!r}): only "
            "LIF's rate curve scales exactly with its time constants",
            attr="neuron_type",
        )
    if not (
        isinstance(factor, numbers.Real)
        and not isinstance(factor, bool)
        and np.isfinite(factor)
        and factor > 0
    ):
        raise ValidationError(
            f"must be a finite number > 0 (got {factor!r})", attr="factor"
        )
    kwargs = dict(
        tau_rc=neuron_type.tau_rc / factor,
        tau_ref=neuron_type.tau_ref / factor,
        amplitude=neuron_type.amplitude / factor,
        initial_state=neuron_type.initial_state,
    )
    if type(neuron_type) is nengo.LIF:
        kwargs["min_voltage"] = neuron_type.min_voltage
    return type(neuron_type)(**kwargs)
