"""Nonlinear functions of a memory's window, decoded from a joint population."""

import nengo
import numpy as np
from nengo.exceptions import ValidationError


class WindowFunction:
    """``function`` of the window decoded (``CT``) from a population's vector.

    A class, not a closure, so that the network pickles (for a picklable
    ``function``).
    """

    def __init__(self, function, CT):
        self.function = function
        self.CT = CT

    def __call__(self, xs):
        return self.function(self.CT @ xs)


def window_function_output(
    state, C, realization, function, n_neurons, eval_points, label=None, obj=None
):
    """A node decoding ``function(C @ state)`` through a joint population.

    Made inside the current network: an ensemble of ``n_neurons`` representing
    the whole state (in realised coordinates, ``T^-1 state``, with the radius
    of the farthest evaluation point) and a node with the function's output.

    Parameters
    ----------
    state : nengo.Node
        The memory's state in the Legendre basis, size ``D``.
    C : (k, D) ndarray
        Readout of the window from ``state``.
    realization : (D, D) ndarray
        ``T`` with ``state = T @ realised values``.
    function : callable
        Function of the window ``C @ state`` (shape ``(k,)``).
    n_neurons : int
    eval_points : (n, D) array_like
        States (Legendre basis) the decoders are solved on.
    label : str, optional
    obj : object, optional
        Named in the errors (the memory).

    Returns
    -------
    nengo.Node
    """
    if not callable(function):
        raise ValidationError(
            f"must be callable (got {function!r})", attr="function", obj=obj
        )
    D = len(realization)
    eval_points = np.asarray(eval_points, dtype=float)
    if eval_points.ndim != 2 or eval_points.shape[1] != D:
        raise ValidationError(
            f"must have shape (n, {D}) (got {eval_points.shape})",
            attr="eval_points",
            obj=obj,
        )
    Ti = np.linalg.inv(realization)
    x = eval_points @ Ti.T
    radius = float(np.max(np.linalg.norm(x, axis=1)))
    if not radius > 0:
        raise ValidationError(
            "evaluation points are all zero", attr="eval_points", obj=obj
        )
    out = np.asarray(function(C @ eval_points[0]))
    ens = nengo.Ensemble(
        n_neurons,
        D,
        radius=radius,
        eval_points=x,
        label=None if label is None else f"{label} (window)",
    )
    nengo.Connection(state, ens, transform=Ti, synapse=None)
    node = nengo.Node(size_in=out.size, label=label)
    CT = C @ realization
    nengo.Connection(ens, node, function=WindowFunction(function, CT), synapse=None)
    return node
