"""The memory's populations: single ensembles whose neurons are each tuned to one axis.

Block ``i`` of ``sizes[i]`` neurons has encoders ``+-e_i`` (`.axis_encoders`):
the tuning of an array of one-dimensional ensembles, but as one ensemble,
whose recurrent connection goes straight back to itself (no passthrough
nodes in the loop). An array of ensembles talking through passthrough nodes
was measured no more accurate, 1.4x slower in nengo and 2x slower to train in
NengoDL, and on nengo-loihi it puts decode neurons in the loop. Decoders are
solved axis by axis (`.AxisSolver`, `.TemporalSolver`).
"""

import nengo
from nengo.exceptions import ValidationError
from nengo.params import Parameter

from nengo_lmu.solvers import axis_encoders

#: Ensemble settings used unless the caller overrides them (see ``ens_kwargs``).
#:
#: The membrane time constant is 1 s, not nengo's 20 ms. With 20 ms the LIF
#: curve rises steeply from threshold, and neurons in that steep part fire
#: at low rates whose spike times depend on the input over the last 20 ms:
#: when the states move, the population's spikes lag and distort the rate
#: curves its decoders were solved for, an error of the neurons themselves
#: that more neurons do not average out (D1, 3 seeds: 0.026 at 1000 LIF,
#: 0.016 at 8000). With a slow leak each neuron integrates its input and
#: fires, nearly linearly above threshold, and what is left is spike noise,
#: which falls with the neuron count (0.014 at 1000, 0.008 at 8000).
#: Chosen on held-out seeds (D1 at seeds 10-12: 0.025 / 0.015 / 0.015 with
#: 20 ms / 0.2 s / 1 s) and on MNIST-1D's validation split, where the
#: trained cell's order-40 memory drove its hidden layer with 0.19 of the
#: signal's RMS in error instead of 0.25.
DEFAULT_ENSEMBLE = dict(
    neuron_type=nengo.LIF(tau_rc=1.0, tau_ref=0.001),
    max_rates=nengo.dists.Uniform(400, 800),
)


def configure_populations(config, ens_kwargs, obj=None):
    """Set a network's ensemble settings: `DEFAULT_ENSEMBLE`, then ``ens_kwargs``.

    The package's defaults yield to the enclosing networks' configs (as
    nengo's own defaults do); the explicit ``ens_kwargs`` win over both.

    Parameters
    ----------
    config : nengo.Config
        The network's own config.
    ens_kwargs : dict
        ``nengo.Ensemble`` settings (validated by nengo's parameters; a key
        that is no ensemble setting is refused).
    obj : object, optional
        Named in the errors (the network).
    """
    for key, value in ens_kwargs.items():
        if not isinstance(getattr(nengo.Ensemble, key, None), Parameter):
            raise ValidationError(
                f"{key}={value!r} is not a nengo.Ensemble setting",
                attr="ens_kwargs",
                obj=obj,
            )
    config[nengo.Ensemble].update(
        {
            key: value
            for key, value in DEFAULT_ENSEMBLE.items()
            if not _configured(nengo.Ensemble, key)
        }
    )
    config[nengo.Ensemble].update(ens_kwargs)


def _configured(cls, key):
    """Whether a network being built sets a default for ``cls.key``.

    Looks through the configs of the networks entered now (nengo's
    ``Config.context``), as `nengo.Config.default` does.
    """
    param = getattr(cls, key)
    return any(
        c in config.params and config[c] in param
        for config in nengo.Config.context
        for c in cls.__mro__
    )


def axis_population(sizes, label=None):
    """An ensemble of ``len(sizes)`` dimensions, block ``i`` tuned to axis ``i``.

    Made in the current network, with evaluation points uniform on each axis
    in ``[-1, 1]``; its other settings come from the config.

    Parameters
    ----------
    sizes : (D,) array_like of int
        Neurons per axis.
    label : str, optional

    Returns
    -------
    nengo.Ensemble
    """
    encoders = axis_encoders(sizes)
    D = len(sizes)
    return nengo.Ensemble(
        len(encoders),
        D,
        encoders=encoders,
        eval_points=nengo.dists.Uniform(-1, 1),
        n_eval_points=max(1000, 100 * D),
        label=label,
    )


def input_population(sizes, label=None):
    """An `axis_population` that saturates just beyond its radius.

    Neurons with a refractory period fire at 90-95% of their ceiling ``1 /
    tau_ref`` at the radius, so that an input beyond it saturates them
    (measured on D1 with an overload: 0.040 and recovery in two to three
    windows, against 0.044 and three to four at the memory's 400-800 Hz).
    """
    ens = axis_population(sizes, label=label)
    tau_ref = getattr(ens.neuron_type, "tau_ref", 0)
    if tau_ref > 0:
        ens.max_rates = nengo.dists.Uniform(0.9 / tau_ref, 0.95 / tau_ref)
    return ens
