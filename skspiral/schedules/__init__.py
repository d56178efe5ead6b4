"""Learning-rate schedules: the rate of optimizer step ``t`` as a small value object.

Give one as an optimizer's (or :class:`~skspiral.MLPScratchClassifier`'s)
``learning_rate``::

    MLPScratchClassifier(learning_rate=CosineDecay(0.01, 2000, warmup_steps=100))

``t`` counts the optimizer steps already taken (0-based), across epochs and warm
starts. An optimizer's ``decay`` keyword is shorthand for :class:`InverseTimeDecay`.
To write your own, subclass :class:`Schedule` (``examples/custom_schedule.py``).
By name (for the command line): :func:`get_schedule`, :func:`available_schedules`.
"""

from .base import Schedule
from .cosine import CosineDecay, OneCycle
from .decay import Constant, ExponentialDecay, InverseTimeDecay, InvScaling, StepDecay
from .plateau import ReduceOnPlateau
from .registry import available_schedules, get_schedule, schedule_spanning

__all__ = [
    "Constant",
    "CosineDecay",
    "ExponentialDecay",
    "InvScaling",
    "InverseTimeDecay",
    "OneCycle",
    "ReduceOnPlateau",
    "Schedule",
    "StepDecay",
    "available_schedules",
    "get_schedule",
    "schedule_spanning",
]
