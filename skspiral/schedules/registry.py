"""Schedules by name, for the command line and other text configuration."""

from __future__ import annotations

from .base import Schedule
from .cosine import CosineDecay, OneCycle
from .decay import Constant, ExponentialDecay, InverseTimeDecay, InvScaling, StepDecay
from .plateau import ReduceOnPlateau

__all__ = ["SPANNING", "available_schedules", "get_schedule", "schedule_spanning"]

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


# How a schedule named in text spans a run of ``steps`` optimizer steps: cosine and
# one-cycle end with the run, step decay divides by 10 at each third, exponential
# decay ends at 1% of the rate. The others need no length.
SPANNING = {
    "cosine": lambda steps: {"decay_steps": steps},
    "onecycle": lambda steps: {"total_steps": steps},
    "step": lambda steps: {"step_size": max(1, steps // 3)},
    "exponential": lambda steps: {"decay_steps": steps, "decay_rate": 0.01},
}


def schedule_spanning(name: str, learning_rate: float, steps: int, **params):
    """The schedule ``name`` starting from ``learning_rate`` over ``steps`` steps.

    >>> schedule_spanning("cosine", 0.1, 1000)(1000)
    0.0
    """
    span = SPANNING.get(name, lambda steps: {})(max(1, int(steps)))
    return get_schedule(name, learning_rate=learning_rate, **{**span, **params})
