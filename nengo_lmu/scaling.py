"""State scaling: a diagonal similarity transform keeping each state in range.

A realisation ``x = T^-1 m`` with ``T = diag(scale)`` leaves the input-output
behaviour of a linear system unchanged (``A -> T^-1 A T``, ``B -> T^-1 B``,
``C -> C T``) while bringing each state dimension into ``[-1, 1]``, the radius
of the ensemble that represents it.
"""

import numpy as np
from nengo.exceptions import ValidationError
from nengo.utils.numpy import rms
from numpy.polynomial.legendre import leggauss
from scipy.linalg import block_diag
from scipy.special import eval_legendre

from nengo_lmu.checks import check_state_space
from nengo_lmu.lti import simulate


def window_bound(order, n_points=None):
    """Worst-case magnitude of each Legendre coefficient for ``|u| <= 1``.

    The Legendre state approximates ``m_i(t) = (2i + 1) * integral_0^1
    u(t - r theta) P_i(2r - 1) dr``, so ``|m_i| <= (2i + 1) * integral_0^1
    |P_i(2r - 1)| dr``. The integral is evaluated by Gauss-Legendre
    quadrature (cheap and stable at any order). This is an analytic bound on
    the ideal window; the finite-order system can exceed it slightly near its
    band edge.

    Parameters
    ----------
    order : int
    n_points : int, optional
        Quadrature points (default ``max(64, 8 * order)``).

    Returns
    -------
    bound : (order,) ndarray
    """
    n = max(64, 8 * order) if n_points is None else n_points
    x, w = leggauss(n)
    i = np.arange(order)[:, None]
    return (2 * i[:, 0] + 1) * 0.5 * np.sum(w * np.abs(eval_legendre(i, x)), axis=1)


def process_scale(Ad, Bd, u, margin=1.0):
    """Largest magnitude of each state over an input sample, times ``margin``.

    Parameters
    ----------
    Ad : (n, n) array_like
    Bd : (n, p) array_like
        Discrete system at the simulator's time step.
    u : (steps, p) array_like
        A representative input sample.
    margin : float
        Multiplies the largest magnitude (``>= 1`` leaves head room).

    Returns
    -------
    scale : (n,) ndarray
        Strictly positive scale of each state.
    x : (steps, n) ndarray
        The unscaled state trajectory.
    """
    x = simulate(Ad, Bd, u)
    scale = margin * np.max(np.abs(x), axis=0)
    # a state that never moves (e.g. zero input) keeps unit scale
    scale[~(scale > 0)] = 1.0
    return scale, x


def process_realization(Ad, Bd, u, C, a=0.0, realization="diagonal", sigmas=5.0):
    """Realisation of one system per input channel, scaled under a sample input.

    Channel ``c`` runs ``(Ad, Bd)`` on ``u[:, c]``; its states' covariance
    gives the realisation (`covariance_realization`).

    Parameters
    ----------
    Ad : (n, n) array_like
    Bd : (n, 1) array_like
        Discrete system of one channel.
    u : (steps, d) array_like
        Sample input, one column per channel.
    C : (k, n) array_like
        Readout the minimum-noise realisation is optimised for.
    a : float
        Pole of the discrete lowpass synapse the system runs on (0: none).
    realization : {"diagonal", "min-noise"}
    sigmas : float
        Head room, in RMS values.

    Returns
    -------
    T : (d * n, d * n) ndarray
        Block-diagonal realisation, ``m = T x``.
    x : (steps, d * n) ndarray
        The (unscaled) state trajectories, channel-major.
    """
    u = np.asarray(u, dtype=float)
    blocks, samples = [], []
    for c in range(u.shape[1]):
        x = simulate(Ad, Bd, u[:, c])
        P = x.T @ x / len(x)
        blocks.append(covariance_realization(P, Ad, C, a, realization, sigmas))
        samples.append(x)
    return block_diag(*blocks), np.hstack(samples)


def covariance_realization(P, Ad, C, a=0.0, realization="diagonal", sigmas=5.0):
    """Realisation of a system whose states have the covariance ``P``.

    The states are realised as they are (``"diagonal"``) or by the
    minimum-noise realisation for the readout ``C`` through a lowpass of
    pole ``a`` (`min_noise_realization` of ``P`` and `readout_noise_gain`);
    then each realised state is scaled to ``sigmas`` times its RMS value (a
    state that never moves keeps unit scale).

    Parameters
    ----------
    P : (n, n) array_like
        Second moment of the states, ``E[x x^T]`` (symmetric, positive
        semi-definite).
    Ad : (n, n) array_like
        Discrete system (for the noise weighting of ``"min-noise"``).
    C : (k, n) array_like
        Readout the minimum-noise realisation is optimised for (any number
        of rows, e.g. the delay at ``theta`` or a layer's kernel reading
        the states).
    a : float
        Pole of the discrete lowpass synapse the system runs on (0: none).
    realization : {"diagonal", "min-noise"}
    sigmas : float
        Head room, in RMS values.

    Returns
    -------
    T : (n, n) ndarray
        The realisation ``m = T x``, scaled.
    """
    P = np.asarray(P, dtype=float)
    if realization == "min-noise":
        T = min_noise_realization(P, readout_noise_gain(Ad, C, a))
    else:
        T = np.eye(len(P))
    Ti = np.linalg.inv(T)
    variance = np.maximum(np.einsum("ij,jk,ik->i", Ti, P, Ti), 0)
    peak = sigmas * np.sqrt(variance)
    return T * np.where(peak > 0, peak, 1.0)[None, :]


def similarity(A, B, scale):
    """Apply ``T = diag(scale)``: return ``(T^-1 A T, T^-1 B)``."""
    A, B = check_state_space(A, B)
    scale = check_scale(scale, len(A))
    return A * scale[None, :] / scale[:, None], B / scale[:, None]


def check_scale(scale, n, attr="state_scale", obj=None):
    """Validate a scale of ``n`` finite positive values (one per state)."""
    scale = np.asarray(scale, dtype=float)
    if scale.shape != (n,):
        raise ValidationError(
            f"must have shape ({n},) (got {scale.shape})", attr=attr, obj=obj
        )
    if not np.all(np.isfinite(scale)) or np.any(scale <= 0):
        raise ValidationError(
            f"must be finite and > 0 (got {scale})", attr=attr, obj=obj
        )
    return scale


def readout_noise_gain(Ad, C, a=0.0):
    """Weighting ``M`` of state noise on the readout ``C`` of a recurrent network.

    A decoding error ``e`` on the state of a network realising
    ``x[k] = Ad x[k-1] + ...`` through a lowpass synapse with pole ``a``
    enters the dynamics as ``(Ad - a I) e`` and the readout directly as
    ``C e``. The output variance for white unit noise on every state is
    ``trace(M)`` with ``M = N^T Wo N + C^T C``, ``N = Ad - a I`` and ``Wo``
    the observability Gramian of ``(Ad, C)``.

    Parameters
    ----------
    Ad : (n, n) array_like
    C : (k, n) array_like
    a : float
        Pole of the discrete lowpass synapse, ``exp(-dt / tau)`` (0 for none).

    Returns
    -------
    M : (n, n) ndarray
    """
    from scipy.linalg import solve_discrete_lyapunov

    Ad = np.asarray(Ad, dtype=float)
    C = np.atleast_2d(np.asarray(C, dtype=float))
    Wo = solve_discrete_lyapunov(Ad.T, C.T @ C)
    N = Ad - a * np.eye(len(Ad))
    M = N.T @ Wo @ N + C.T @ C
    return (M + M.T) / 2


def min_noise_realization(P, M):
    """Similarity ``T`` minimising output noise for a given state covariance.

    Finds ``T`` with ``diag(T^-1 P T^-T) = 1`` (every state has unit
    variance, so all fit the same radius) that minimises ``trace(T^T M T)``,
    the output variance caused by independent unit noise on each state
    (Mullis & Roberts, 1976: balance, then rotate to equal diagonals). The
    minimum is ``(sum_i sqrt(lambda_i(P M)))**2 / n``.

    Parameters
    ----------
    P : (n, n) array_like
        State covariance (symmetric positive definite).
    M : (n, n) array_like
        Noise-to-output weighting (symmetric positive semi-definite), e.g.
        the observability Gramian of the readout.

    Returns
    -------
    T : (n, n) ndarray
        The realisation ``m = T x``.
    """
    P = np.asarray(P, dtype=float)
    M = np.asarray(M, dtype=float)
    n = len(P)
    # a little jitter keeps the factorisation defined for near-singular P
    L = np.linalg.cholesky(P + 1e-10 * np.trace(P) / n * np.eye(n))
    s2, U = np.linalg.eigh(L.T @ M @ L)
    s = np.sqrt(np.maximum(s2, 0))
    s = np.maximum(s, 1e-12 * max(s.max(), 1e-300))
    T0 = L @ U / np.sqrt(s)[None, :]  # balanced: T0^-1 P T0^-T = T0^T M T0 = diag(s)
    R = _equalize_diagonal(s)
    return T0 @ R * np.sqrt(s.sum() / n)


def _equalize_diagonal(s):
    """Orthogonal ``R`` such that ``R^T diag(s) R`` has a constant diagonal.

    Uses ``n - 1`` Givens rotations, each setting one diagonal entry to the
    mean (one entry above and one below the mean are always available).
    """
    n = len(s)
    S = np.diag(np.asarray(s, dtype=float))
    R = np.eye(n)
    target = np.trace(S) / n
    for _ in range(n - 1):
        d = np.diag(S)
        above = np.flatnonzero(d > target)
        below = np.flatnonzero(d < target)
        if len(above) == 0 or len(below) == 0:
            break
        i, j = above[np.argmax(d[above] - target)], below[np.argmax(target - d[below])]
        # rotate (i, j) so that the new S[i, i] equals target
        a, b, c = S[i, i], S[j, j], S[i, j]
        # S'[i,i] = cos^2 a + sin^2 b - 2 sin cos c ; solve for the angle
        phi = _rotation_angle(a, b, c, target)
        G = np.eye(n)
        co, si = np.cos(phi), np.sin(phi)
        G[i, i] = G[j, j] = co
        G[i, j], G[j, i] = si, -si
        S = G.T @ S @ G
        R = R @ G
    return R


def _rotation_angle(a, b, c, target):
    # S'[i,i](phi) = (a + b)/2 + (a - b)/2 cos(2 phi) - c sin(2 phi)
    mid, amp, ang = (a + b) / 2, np.hypot((a - b) / 2, c), np.arctan2(c, (a - b) / 2)
    # mid + amp cos(2 phi + ang) = target
    return (np.arccos(np.clip((target - mid) / amp, -1, 1)) - ang) / 2
