"""Checks of hyperparameters that are not plain real numbers (flags, counts)."""

from __future__ import annotations

import numbers

import numpy as np

from .base import _check_real


def check_bool(name: str, value) -> bool:
    """``True``/``False`` or a ``ValueError`` naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def check_int(name: str, value, low: int, high: int | None = None) -> int:
    """An integer in ``[low, high]`` or a ``ValueError`` naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}.")
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {bounds}, got {value!r}.")
    return int(value)


def check_closed_unit_interval(name: str, value) -> float:
    """``0 <= value <= 1`` or a ``ValueError`` naming ``name``."""
    value = _check_real(name, value)
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}.")
    return value
