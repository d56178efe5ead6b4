"""Schedules by name, for the command line and other text configuration."""

from __future__ import annotations

from .base import Schedule
from .cosine import CosineDecay, OneCycle
from .decay import Constant, ExponentialDecay, InverseTimeDecay, InvScaling, StepDecay
from .plateau import ReduceOnPlateau

__all__ = ["available_schedules", "get_schedule"]

_SCHEDULES: dict[str, type[Schedule]] = {
    "constant": Constant,
    "cosine": CosineDecay,
    "exponential": ExponentialDecay,
    "inverse_time": InverseTimeDecay,
    "invscaling": InvScaling,
    "onecycle": OneCycle,
    "reduce_on_plateau": ReduceOnPlateau,
    "step": StepDecay,
}


def available_schedules() -> list[str]:
    """The names :func:`get_schedule` accepts, sorted."""
    return sorted(_SCHEDULES)


def get_schedule(spec, **params) -> Schedule:
    """A schedule from a name, a :class:`Schedule` subclass, or an instance.

    An instance is copied (never modified); ``params`` override its settings. A
    bad name or setting raises ``ValueError``/``TypeError`` naming it.

    Examples
    --------
    >>> from skspiral.schedules import get_schedule
    >>> get_schedule("cosine", learning_rate=0.01, decay_steps=500)
    CosineDecay(learning_rate=0.01, decay_steps=500, warmup_steps=0, warmup_start=0.0, floor=0.0)
    """  # noqa: E501
    base: dict[str, object] = {}
    if isinstance(spec, Schedule):
        cls, base = type(spec), spec.get_params()
    elif isinstance(spec, type) and issubclass(spec, Schedule):
        cls = spec
    elif isinstance(spec, str) and spec in _SCHEDULES:
        cls = _SCHEDULES[spec]
    else:
        raise ValueError(
            f"unknown schedule {spec!r}; give one of {available_schedules()}, a "
            "Schedule subclass or an instance."
        )
    unknown = sorted(set(params) - set(cls._param_names()))
    if unknown:
        raise TypeError(
            f"{cls.__name__} does not take parameter(s) {unknown}; "
            f"it takes {sorted(cls._param_names())}."
        )
    return cls(**{**base, **params})
