"""State-space utilities: discretisation and simulation of linear systems.

Everything stays in state space (no transfer functions), which keeps the maths
well conditioned for the large orders used by the Legendre memory.
"""

import numpy as np
from nengo.exceptions import ValidationError
from scipy.signal import cont2discrete

from nengo_lmu.checks import check_dt, check_state_space

DISCRETIZERS = ("zoh", "euler")


def discretize(A, B, dt, method="zoh"):
    """Discretise ``dx/dt = A x + B u`` at time step ``dt``.

    Parameters
    ----------
    A : (n, n) array_like
        Continuous state matrix (1/s).
    B : (n, p) array_like
        Continuous input matrix (1/s).
    dt : float
        Time step in seconds (``> 0``).
    method : {"zoh", "euler"}
        ``"zoh"`` (zero-order hold, exact for inputs held over each step: the
        matrix exponential of ``[[A, B], [0, 0]] dt``) or ``"euler"``
        (``(I + dt A, dt B)``, accurate only when ``dt`` is small against the
        system's time constants), both by `scipy.signal.cont2discrete`.

    Returns
    -------
    Ad : (n, n) ndarray
    Bd : (n, p) ndarray
        The system ``x[k] = Ad x[k-1] + Bd u[k]``.
    """
    A, B = check_state_space(A, B)
    dt = check_dt(dt)
    if method not in DISCRETIZERS:
        raise ValidationError(
            f"must be one of {DISCRETIZERS} (got {method!r})", attr="discretizer"
        )
    n, p = B.shape
    C, D = np.eye(n), np.zeros((n, p))
    Ad, Bd, _, _, _ = cont2discrete((A, B, C, D), dt, method=method)
    return Ad, Bd


def simulate(Ad, Bd, u, x0=None):
    """Run ``x[k] = Ad x[k-1] + Bd u[k]`` over an input sequence.

    Parameters
    ----------
    Ad : (n, n) array_like
    Bd : (n, p) array_like
    u : (steps, p) or (steps,) or (batch, steps, p) array_like
        Input; a 1-D input is taken as ``p = 1``, a 3-D one as a batch of
        sequences, run side by side.
    x0 : (n,) array_like, optional
        State before the first step (zeros by default).

    Returns
    -------
    x : (steps, n) or (batch, steps, n) ndarray
        The state after each step.
    """
    Ad, Bd = check_state_space(Ad, Bd)
    u = np.asarray(u, dtype=float)
    if u.ndim == 1:
        u = u[:, None]
    if u.ndim not in (2, 3) or u.shape[-1] != Bd.shape[1]:
        raise ValidationError(
            f"must have shape (steps, {Bd.shape[1]}) or (batch, steps, "
            f"{Bd.shape[1]}) (got {u.shape})",
            attr="u",
        )
    x = np.zeros(Ad.shape[0]) if x0 is None else np.array(x0, dtype=float)
    x = np.broadcast_to(x, u.shape[:-2] + x.shape)
    # by hand rather than scipy.signal.dlsim: that runs one sequence at a
    # time, this a batch side by side; the input term is one product
    bu = u @ Bd.T
    out = np.empty(u.shape[:-1] + (Ad.shape[0],))
    AdT = Ad.T
    for k in range(u.shape[-2]):
        x = x @ AdT + bu[..., k, :]
        out[..., k, :] = x
    return out
