"""Optimizers of book chapter 10, held in a pluggable registry.

>>> from skspiral.optimizers import available_optimizers
>>> available_optimizers()
['adagrad', 'adam', 'rmsprop', 'sgd']
"""

from .adaptive import AdaGrad, Adam, RMSprop
from .base import (
    Optimizer,
    OptimizerState,
    check_non_negative,
    check_positive,
    check_unit_interval,
)
from .registry import (
    available_optimizers,
    get_optimizer,
    get_optimizer_class,
    is_builtin,
    register_optimizer,
)
from .sgd import SGD

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "Optimizer",
    "OptimizerState",
    "RMSprop",
    "available_optimizers",
    "check_non_negative",
    "check_positive",
    "check_unit_interval",
    "get_optimizer",
    "get_optimizer_class",
    "is_builtin",
    "register_optimizer",
]
