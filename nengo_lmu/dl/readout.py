"""Reading each item's prediction out of a model's readout.

A model built by `.build_network` writes its readout at every simulator
step; `ItemReadout` says where and how each item's prediction is read, the
same way in training (on tensors, inside a Keras loss) and in evaluation
(on arrays). It is how `LMUClassifier` and `LMURegressor` read their
models, and what a NengoDL workflow written by hand can use for its loss.
"""

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_int
from nengo_lmu.dl.inputs import pad_items


class ItemReadout:
    """Where and how a `.ModelSpec`'s model is read, at ``steps_per_item``.

    Each cell lags one simulator step, so item ``k`` is read ``lag`` steps
    after its last step (`ends`): there the memory has taken in exactly the
    items up to ``k``, at any number of steps per item, as in training; a
    later step would add part of the next (or, after the last item, of a
    repeated) item. The prediction averages the ``readout_items`` window
    that ends there (`weights`; see `.ModelSpec`'s ``item_readout``).

    Parameters
    ----------
    spec : ModelSpec
    steps_per_item : int
    spiking : bool
        Read a spiking run: the box filter over the window's steps (or, with
        a ``readout_synapse``, the filtered readout at its end) instead of
        the rate runs' trapezoid rule.
    """

    def __init__(self, spec, steps_per_item=1, spiking=False):
        self.spec = spec
        self.steps_per_item = check_int(steps_per_item, "steps_per_item", low=1)
        self.spiking = spiking

    @property
    def n_steps(self):
        """Simulator steps in a padded sequence."""
        return (self.spec.n_items + self.spec.lag) * self.steps_per_item

    def pad(self, x):
        """Append ``lag`` copies of the last item: the cells lag one step each."""
        return pad_items(x, self.spec.lag)

    def ends(self):
        """The simulator step at which each item's prediction is read."""
        s = self.steps_per_item
        return (np.arange(self.spec.n_items) + 1) * s - 1 + self.spec.lag

    def window_steps(self):
        """Simulator steps in the ``readout_items`` window (at least 1)."""
        return max(1, int(round(self.spec.readout_items * self.steps_per_item)))

    def weights(self):
        """Offsets (steps back from `ends`) and their weights, summing to 1.

        Offsets reaching before the first step read the first step."""
        s = self.window_steps()
        if self.spiking and self.spec.readout_synapse is None:
            return np.arange(s), np.full(s, 1.0 / s)  # the box filter
        if self.spec.item_readout == "last" or self.spiking:
            return np.zeros(1, dtype=int), np.ones(1)
        # the trapezoid rule over the s + 1 samples that bound the window
        weights = np.full(s + 1, 1.0 / s)
        weights[[0, -1]] = 0.5 / s
        return np.arange(s + 1), weights

    def read(self, out, xp=np):
        """Each item's prediction from the readout ``out`` (n, steps, d):
        (n, n_items, d). ``xp`` is ``np`` for arrays or ``tf`` for tensors."""
        ends = self.ends()
        offsets, weights = self.weights()
        if xp is np:
            return sum(
                w * out[:, np.maximum(ends - j, 0)] for j, w in zip(offsets, weights)
            )
        return sum(
            float(w) * xp.gather(out, np.maximum(ends - j, 0), axis=1)
            for j, w in zip(offsets, weights)
        )


def check_sequences(a, n_items, d, attr, n=None):
    """``a`` as a finite float (n, n_items, d) array (2-D accepted when d is 1)."""
    try:
        a = np.asarray(a, dtype=float)
    except (TypeError, ValueError) as e:
        raise ValidationError(f"must be an array of numbers ({e})", attr=attr)
    if a.ndim == 2 and d == 1:
        a = a[:, :, None]
    if a.ndim != 3 or a.shape[1:] != (n_items, d) or (n is not None and len(a) != n):
        match = "" if n is None else " to match x"
        raise ValidationError(
            f"must have shape ({'n' if n is None else n}, {n_items}, {d})"
            f"{match} (got {a.shape})",
            attr=attr,
        )
    if not np.all(np.isfinite(a)):
        raise ValidationError("must be finite (got NaN or inf)", attr=attr)
    if len(a) == 0:
        raise ValidationError("must hold at least one sequence (got 0)", attr=attr)
    return a


def check_labels(y, n, n_classes, attr="y"):
    """``y`` as integer labels in ``[0, n_classes)``, shape (n,)."""
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValidationError(
            f"must have shape ({n},) to match x (got {y.shape})", attr=attr
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise ValidationError(
            f"must be integer labels in [0, {n_classes}) (got dtype {y.dtype})",
            attr=attr,
        )
    if y.min() < 0 or y.max() >= n_classes:
        raise ValidationError(
            f"must be integer labels in [0, {n_classes}) (got range "
            f"{y.min()}..{y.max()})",
            attr=attr,
        )
    return y
