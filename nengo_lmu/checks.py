"""Validation of scalar settings, shared by the networks and the training parts.

Each check returns the value in its canonical type or raises
`nengo.exceptions.ValidationError` naming the setting and the bad value.
"""

import numbers

import numpy as np
from nengo.exceptions import ValidationError


def check_int(value, attr, obj=None, low=None):
    """``value`` as an ``int``; a bool, a float or a string is refused."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValidationError(f"must be an integer (got {value!r})", attr=attr, obj=obj)
    if low is not None and value < low:
        raise ValidationError(
            f"must be an integer >= {low} (got {value!r})", attr=attr, obj=obj
        )
    return int(value)


def check_number(value, attr, obj=None, low=None, low_open=False, optional=False):
    """``value`` as a finite ``float`` (> ``low`` with ``low_open``, else >=).

    With ``optional``, ``None`` is accepted and returned as is. Bools and
    strings are refused.
    """
    if value is None and optional:
        return None
    real = (
        isinstance(value, numbers.Real)
        and not isinstance(value, (bool, np.bool_))
        and np.isfinite(value)
    )
    ok = real and (low is None or (value > low if low_open else value >= low))
    if not ok:
        bound = "" if low is None else f" {'>' if low_open else '>='} {low}"
        none = "None or " if optional else ""
        raise ValidationError(
            f"must be {none}a finite number{bound} (got {value!r})",
            attr=attr,
            obj=obj,
        )
    return float(value)


def check_bool(value, attr, obj=None):
    """``value`` as a ``bool``; only True and False are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValidationError(
            f"must be True or False (got {value!r})", attr=attr, obj=obj
        )
    return bool(value)


def check_choice(value, choices, attr, obj=None):
    """``value`` if it is one of ``choices`` (compared with ``==``)."""
    if not isinstance(value, str) or value not in choices:
        raise ValidationError(
            f"must be one of {tuple(choices)} (got {value!r})", attr=attr, obj=obj
        )
    return value


def check_dt(dt):
    """A simulator time step: a finite number of seconds > 0."""
    return check_number(dt, "dt", low=0, low_open=True)


def check_state_space(A, B):
    """``(A, B)`` of a linear system as float arrays, ``A`` square and ``B``
    (a vector is one column) with as many rows."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValidationError(f"must be square (got shape {A.shape})", attr="A")
    if B.ndim != 2 or B.shape[0] != A.shape[0]:
        raise ValidationError(
            f"must have {A.shape[0]} rows (got shape {B.shape})", attr="B"
        )
    return A, B
