"""Training data for LMU models: items as simulator steps, scalers, memory states.

Pure numpy: these parts prepare what a ``nengo_dl.Simulator`` is fed, in the
estimators or in a NengoDL workflow written by hand.
"""

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_int, check_number
from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.lti import discretize


def repeat_items(x, steps_per_item):
    """Present each item of ``x`` (n, items, d) for ``steps_per_item`` steps."""
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValidationError(f"must be (n, items, d) (got {x.shape})", attr="x")
    steps_per_item = check_int(steps_per_item, "steps_per_item", low=1)
    return np.repeat(x, steps_per_item, axis=1)


def pad_items(x, lag):
    """Append ``lag`` copies of the last item of ``x`` (n, items, d).

    Each `.LMUCell` lags its input by one simulator step, so a stack of
    ``lag`` cells needs that many extra steps to read the last item.
    """
    x = np.asarray(x)
    lag = check_int(lag, "lag", low=0)
    return np.concatenate([x] + [x[:, -1:]] * lag, axis=1)


class Scaler:
    """An affine map fitted to data: ``transform(x) = (x - offset) * scale``.

    Parameters
    ----------
    offset : float
        Subtracted first.
    scale : float
        Then multiplied; finite and > 0.
    """

    def __init__(self, offset=0.0, scale=1.0):
        self.offset = check_number(offset, "offset", obj=self)
        self.scale = check_number(scale, "scale", obj=self, low=0, low_open=True)

    @classmethod
    def fit(cls, x, center=True):
        """Unit variance (and zero mean with ``center``) on ``x``.

        A constant ``x`` gets ``scale = 1``; data whose standard deviation
        is not a finite number (overflow, NaN) is refused.
        """
        x = np.asarray(x, dtype=float)
        if x.size == 0:
            raise ValidationError("must not be empty", attr="x")
        with np.errstate(over="ignore", invalid="ignore"):
            offset = float(np.mean(x)) if center else 0.0
            std = float(np.std(x - offset))
        if not (np.isfinite(offset) and np.isfinite(std)):
            raise ValidationError(
                f"its mean or standard deviation is not finite (mean {offset}, std "
                f"{std}): the values are too large to scale in float64",
                attr="x",
            )
        scale = 1.0 / std if std > 0 else 1.0
        if not np.isfinite(scale):
            raise ValidationError(
                f"its standard deviation ({std}) is too small to scale", attr="x"
            )
        return cls(offset, scale)

    def transform(self, x):
        return (np.asarray(x, dtype=float) - self.offset) * self.scale

    def inverse(self, y):
        return np.asarray(y, dtype=float) / self.scale + self.offset

    def __repr__(self):
        return f"{type(self).__name__}(offset={self.offset!r}, scale={self.scale!r})"


def memory_state_scale(x, order, theta_items, sigmas=5.0):
    """A scale for a memory's states, from the sequences that drive it.

    The ideal memory (one step per item, window ``theta_items`` items) is
    run on each input dimension of ``x`` (n, items, d); with unit-norm
    encoder rows a memory channel's coefficient ``i`` has an RMS of at most
    ``sqrt(mean(sum_j m_ij**2))``: ``sigmas`` times that is its scale (as
    `.LegendreMemory` does for a `.ProcessScaling`). Returns (order,).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValidationError(f"must be (n, items, d) (got {x.shape})", attr="x")
    # one channel per input dimension; its coefficients' mean squares summed
    P = memory_covariance(x, np.eye(x.shape[2]), order, theta_items, steps_per_item=1)
    rms = np.sqrt(np.einsum("cii->i", P))
    return sigmas * np.where(rms > 0, rms, 1.0)


def memory_covariance(x, encoders, order, theta_items, steps_per_item=20):
    """Second moment of a memory's Legendre states on the sequences ``x``.

    Each memory channel ``c`` is driven by ``encoders[c] @ x_t`` (its input
    encoders, e.g. trained); the ideal memory (window ``theta_items`` items)
    is run on every sequence from rest at ``steps_per_item`` steps per item,
    each item held for its steps, as a memory deployed at a fine ``dt``
    runs. The states move within items in directions that the item ends
    barely show: sampled at item ends only, the covariance of MNIST-1D's
    order-40 memory is singular, and a minimum-noise realisation for it
    (`.CovarianceScaling`) has loop gains 60 times as large (the largest
    row sum of the recurrent transform 22,559 against 356 at 20 steps) and
    a spiking memory that fails.

    Parameters
    ----------
    x : (n, items, input_d) array_like
        Sequences, as the memory receives them (scaled).
    encoders : (memory_d, input_d) array_like
    order : int
    theta_items : float
    steps_per_item : int
        Steps per item of the sampled states.

    Returns
    -------
    covariance : (memory_d, order, order) ndarray
        ``E[m m^T]`` over sequences and steps, per channel.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValidationError(f"must be (n, items, d) (got {x.shape})", attr="x")
    encoders = np.asarray(encoders, dtype=float)
    if encoders.ndim != 2 or encoders.shape[1] != x.shape[2]:
        raise ValidationError(
            f"must be (memory_d, {x.shape[2]}) (got {encoders.shape})",
            attr="encoders",
        )
    steps = check_int(steps_per_item, "steps_per_item", low=1)
    delay = LegendreDelay(theta_items * steps, order)
    Ad, Bd = discretize(delay.A, delay.B, 1.0)
    u = x @ encoders.T  # (n, items, memory_d)
    m = np.zeros((len(x), len(encoders), order))
    total = np.zeros((len(encoders), order, order))
    for t in range(x.shape[1]):
        drive = u[:, t, :, None] * Bd[:, 0]
        for _ in range(steps):
            m = m @ Ad.T + drive
            total += np.einsum("ncj,nck->cjk", m, m)
    total /= len(x) * x.shape[1] * steps
    return (total + np.swapaxes(total, 1, 2)) / 2
