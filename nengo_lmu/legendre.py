"""The Legendre delay system and the Padé form of the same delay.

Pure linear-system maths (numpy and scipy only, no neurons). Every system is
given in state space; transfer-function coefficients are only formed for the
Padé form, and only to compare against it at low order.
"""

import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import FrozenObject
from scipy.special import eval_legendre

from nengo_lmu.checks import check_int, check_number
from nengo_lmu.params import CountParam, FiniteParam


def legendre_matrices(order):
    """Return the unit-window Legendre matrices ``(A, B)``.

    The Legendre delay system with window ``theta`` (seconds) is
    ``theta * dm/dt = A m + B u``.

    Parameters
    ----------
    order : int
        Dimensionality ``q`` of the state (the number of Legendre coefficients).

    Returns
    -------
    A : (q, q) ndarray
        ``A[i, j] = (2i + 1) * (-1 if i < j else (-1) ** (i - j + 1))``.
    B : (q, 1) ndarray
        ``B[i] = (2i + 1) * (-1) ** i``.

    Notes
    -----
    From Voelker, Kajić & Eliasmith (2019). The matrices have integer entries
    and are built exactly, so they are well defined at any order.
    """
    q = _check_order(order)
    i = np.arange(q)[:, None]
    j = np.arange(q)[None, :]
    R = 2 * i + 1
    A = np.where(i < j, -1.0, (-1.0) ** (i - j + 1)) * R
    B = R * (-1.0) ** i
    return A, B.astype(float)


def legendre_readout(order, r):
    """Return readout rows decoding the input delayed by ``r * theta``.

    Parameters
    ----------
    order : int
        Dimensionality ``q`` of the state.
    r : float or (n,) array_like
        Relative delays ``theta' / theta``, each in ``[0, 1]``.

    Returns
    -------
    C : (n, q) ndarray
        ``C[k, i] = P_i(2 r_k - 1)``, the shifted Legendre polynomials, so that
        ``u(t - r_k theta) ~= C[k] @ m(t)``.
    """
    q = _check_order(order)
    r = np.atleast_1d(np.asarray(r, dtype=float))
    if r.ndim != 1:
        raise ValidationError(f"must be a scalar or 1-D (got shape {r.shape})", "r")
    if np.any(~np.isfinite(r)) or np.any(r < 0) or np.any(r > 1):
        raise ValidationError(
            f"relative delays must lie in [0, 1] (got {r[(r < 0) | (r > 1) | ~np.isfinite(r)]})",
            "r",
        )
    return eval_legendre(np.arange(q)[None, :], 2 * r[:, None] - 1)


def pade_delay(theta, order):
    """Return the Padé ``[q-1/q]`` approximant of ``exp(-theta s)`` in state space.

    The system is in controllable canonical form, built from the closed-form
    Padé coefficients. It has the same transfer function as the Legendre
    system read out at ``theta`` (a change of basis), but its coefficients
    span many orders of magnitude: use it to check the Legendre form at low
    order (``order <= 20``), never to build networks. The coefficients are
    the closed-form ones rather than `scipy.interpolate.pade`'s, which solves
    an ill-conditioned linear system for them (rcond 2e-60 at order 20; its
    transfer function differs from the closed form's by 3e-6 at order 12).

    Parameters
    ----------
    theta : float
        Delay in seconds.
    order : int
        Number of states ``q``.

    Returns
    -------
    A : (q, q) ndarray
    B : (q, 1) ndarray
    C : (1, q) ndarray
    D : (1, 1) ndarray
    """
    theta = _check_theta(theta)
    q = _check_order(order)
    p = q - 1
    # Coefficients of numerator and denominator in powers of (theta * s),
    # computed as ratios of factorials in log space to avoid overflow.
    from scipy.special import gammaln

    def coef(i, m):
        return np.exp(
            gammaln(p + q - i + 1)
            + gammaln(m + 1)
            - gammaln(p + q + 1)
            - gammaln(i + 1)
            - gammaln(m - i + 1)
        )

    num = np.array([coef(i, p) * (-theta) ** i for i in range(p + 1)])
    den = np.array([coef(i, q) * theta**i for i in range(q + 1)])
    # normalise to a monic denominator (highest power of s)
    num = num / den[-1]
    den = den / den[-1]
    # controllable canonical form: den = s^q + a_{q-1} s^{q-1} + ... + a_0
    A = np.zeros((q, q))
    A[0, :] = -den[:-1][::-1]
    A[1:, :-1] = np.eye(q - 1)
    B = np.zeros((q, 1))
    B[0, 0] = 1.0
    C = np.zeros((1, q))
    C[0, q - 1 - np.arange(p + 1)] = num
    D = np.zeros((1, 1))
    return A, B, C, D


class LegendreDelay(FrozenObject):
    """The Legendre delay system for a window of ``theta`` seconds.

    ``dm/dt = A m + B u`` with ``A = A_unit / theta`` and ``B = B_unit / theta``
    (see `.legendre_matrices`), whose state ``m`` (``order`` dimensions) holds
    the shifted-Legendre coefficients of the input over the last ``theta``
    seconds.

    Parameters
    ----------
    theta : float
        Length of the window, in seconds (``> 0``).
    order : int
        Number of Legendre coefficients kept (``>= 1``).

    Attributes
    ----------
    A : (order, order) ndarray
        Continuous-time state matrix, in 1/s.
    B : (order, 1) ndarray
        Continuous-time input matrix, in 1/s.
    """

    theta = FiniteParam("theta", low=0, low_open=True)
    order = CountParam("order", low=1)

    def __init__(self, theta, order):
        super().__init__()
        self.theta = theta
        self.order = order

    def __repr__(self):
        return f"{type(self).__name__}(theta={self.theta!r}, order={self.order!r})"

    @property
    def A(self):
        return legendre_matrices(self.order)[0] / self.theta

    @property
    def B(self):
        return legendre_matrices(self.order)[1] / self.theta

    def readout(self, delays):
        """Readout rows ``C`` with ``u(t - delays) ~= C @ m(t)``.

        Parameters
        ----------
        delays : float or (n,) array_like
            Delays in seconds, each in ``[0, theta]``.

        Returns
        -------
        C : (n, order) ndarray
        """
        d = np.atleast_1d(np.asarray(delays, dtype=float))
        bad = ~np.isfinite(d) | (d < 0) | (d > self.theta)
        if np.any(bad):
            raise ValidationError(
                f"must lie in [0, theta={self.theta}] s (got {d[bad]})",
                attr="delays",
                obj=self,
            )
        return legendre_readout(self.order, d / self.theta)


def _check_theta(theta):
    return check_number(theta, "theta", low=0, low_open=True)


def _check_order(order):
    return check_int(order, "order", low=1)
