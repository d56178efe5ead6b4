"""Checks of single hyperparameter values, shared by optimizers and schedules.

Each returns the value as a plain Python number, or raises ``TypeError`` (wrong
type) or ``ValueError`` (out of range) naming the hyperparameter. Any
``numbers.Real`` is a real (NumPy scalars and ``Fraction`` included); ``bool``
is not.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "check_bool",
    "check_closed_unit_interval",
    "check_int",
    "check_non_negative",
    "check_positive",
    "check_real",
    "check_unit_interval",
]


def check_real(name: str, value) -> float:
    """A finite real number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    if not math.isfinite(float(value)):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return float(value)


def check_positive(name: str, value) -> float:
    """``value > 0``."""
    value = check_real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}.")
    return value


def check_non_negative(name: str, value) -> float:
    """``value >= 0``."""
    value = check_real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}.")
    return value


def check_unit_interval(name: str, value) -> float:
    """``0 <= value < 1``."""
    value = check_real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}.")
    return value


def check_closed_unit_interval(name: str, value) -> float:
    """``0 <= value <= 1``."""
    value = check_real(name, value)
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}.")
    return value


def check_int(name: str, value, minimum: int, maximum: int | None = None) -> int:
    """An integer in ``[minimum, maximum]`` (no upper bound by default)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be {bounds}, got {value!r}.")
    return int(value)


def check_bool(name: str, value) -> bool:
    """``True``/``False`` or a NumPy bool (scikit-learn's "boolean")."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be a boolean, got {value!r}.")
