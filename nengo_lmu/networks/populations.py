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

from nengo_lmu.solvers import axis_encoders


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
