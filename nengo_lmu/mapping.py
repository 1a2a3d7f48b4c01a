"""NEF principle 3: map ideal linear dynamics onto a synapse.

A population whose recurrent connection has transform ``AH`` and whose input
connection has transform ``BH``, both through ``synapse``, realises the
desired system ``dx/dt = A x + B u`` (or ``x[k] = Ad x[k-1] + Bd u[k]``).
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.checks import check_dt, check_state_space
from nengo_lmu.lti import discretize


def double_exp(tau1, tau2):
    """A double-exponential synapse ``1 / ((tau1 s + 1) (tau2 s + 1))``.

    Returned as a `nengo.LinearFilter`, with both time constants in seconds.
    """
    return nengo.LinearFilter([1.0], [tau1 * tau2, tau1 + tau2, 1.0])


def synapse_coefficients(synapse):
    """Coefficients ``c`` with ``1 / H = sum_i c[i] x**i`` (``x = s`` or ``z``).

    Parameters
    ----------
    synapse : nengo.LinearFilter
        A synapse whose transfer function has a constant numerator (lowpass,
        alpha, double exponential, ...).

    Returns
    -------
    c : (k + 1,) ndarray
        Coefficients in ascending powers.
    """
    if not isinstance(synapse, nengo.LinearFilter):
        raise ValidationError(
            f"must be a nengo.LinearFilter (got {synapse!r})", attr="synapse"
        )
    num = np.trim_zeros(np.asarray(synapse.num, dtype=float), "f")
    den = np.trim_zeros(np.asarray(synapse.den, dtype=float), "f")
    if len(num) != 1:
        raise ValidationError(
            f"the mapping needs a synapse with a constant numerator, 1 / polynomial "
            f"(got {synapse!r}); use Lowpass, Alpha or double_exp",
            attr="synapse",
        )
    return den[::-1] / num[0]


def map_continuous(A, B, synapse):
    """Principle 3 for a continuous synapse ``H(s) = 1 / sum_i c_i s**i``.

    Returns ``AH = sum_i c_i A**i`` and ``BH = sum_{i>=1} c_i A**(i-1) B``
    (terms in derivatives of the input are dropped). For a lowpass of time
    constant ``tau`` this is ``(tau A + I, tau B)``. Exact in continuous time;
    in a discrete simulation its error grows with ``dt / tau``.

    Parameters
    ----------
    A : (n, n) array_like
        Continuous state matrix, 1/s.
    B : (n, p) array_like
        Continuous input matrix, 1/s.
    synapse : nengo.LinearFilter
        An analog synapse with a constant numerator.

    Returns
    -------
    AH : (n, n) ndarray
    BH : (n, p) ndarray
    """
    A, B = check_state_space(A, B)
    c = synapse_coefficients(synapse)
    return _poly_map(A, B, c)


def map_discrete(Ad, Bd, synapse, dt):
    """Principle 3 for a discrete synapse ``H(z) = 1 / sum_i c_i z**i``.

    The analog synapse is discretised as the simulator does (zero-order hold)
    when it is not already digital. For a lowpass ``(1 - a) / (z - a)``, with
    ``a = exp(-dt / tau)``, the mapping is exact:
    ``AH = (Ad - a I) / (1 - a)``, ``BH = Bd / (1 - a)``.

    Parameters
    ----------
    Ad : (n, n) array_like
    Bd : (n, p) array_like
        The desired discrete system ``x[k] = Ad x[k-1] + Bd u[k]`` at ``dt``.
    synapse : nengo.LinearFilter
        The synapse; after discretisation its numerator must be constant.
    dt : float
        Simulator time step in seconds.

    Returns
    -------
    AH : (n, n) ndarray
    BH : (n, p) ndarray
    """
    Ad, Bd = check_state_space(Ad, Bd)
    dt = check_dt(dt)
    if isinstance(synapse, nengo.Lowpass):
        a = np.exp(-dt / synapse.tau)
        return (Ad - a * np.eye(len(Ad))) / (1 - a), Bd / (1 - a)
    if not isinstance(synapse, nengo.LinearFilter):
        raise ValidationError(
            f"must be a nengo.LinearFilter (got {synapse!r})", attr="synapse"
        )
    if synapse.analog:
        from scipy.signal import cont2discrete

        num, den, _ = cont2discrete((synapse.num, synapse.den), dt, method="zoh")
        synapse = nengo.LinearFilter(np.ravel(num), den, analog=False)
    return _poly_map(Ad, Bd, synapse_coefficients(synapse))


def principle3(A, B, synapse, dt=None, discretizer="zoh"):
    """Map a continuous system onto ``synapse``, exactly at ``dt`` if possible.

    With ``dt`` given and a `nengo.Lowpass` synapse, the system is discretised
    (``discretizer``) and mapped exactly with `.map_discrete`. Other analog
    synapses (alpha, double exponential) use the general continuous mapping
    `.map_continuous`. With ``dt=None`` the continuous mapping is always used.

    Returns
    -------
    AH : (n, n) ndarray
        Transform of the recurrent connection.
    BH : (n, p) ndarray
        Transform of the input connection.
    """
    if dt is not None and isinstance(synapse, nengo.Lowpass):
        Ad, Bd = discretize(A, B, dt, method=discretizer)
        return map_discrete(Ad, Bd, synapse, dt)
    return map_continuous(A, B, synapse)


def _poly_map(A, B, c):
    n = len(A)
    AH = np.zeros_like(A)
    BH = np.zeros_like(B)
    Ai = np.eye(n)  # A**i
    for i, ci in enumerate(c):
        if i > 0:
            BH += ci * Ai @ B  # uses A**(i-1)
            Ai = Ai @ A
        AH += ci * Ai
    return AH, BH
