"""Optimizers in a pluggable registry: the book's four (chapter 10) and a catalog.

>>> from skspiral.optimizers import available_optimizers
>>> available_optimizers()  # doctest: +NORMALIZE_WHITESPACE
['adadelta', 'adagrad', 'adam', 'adamax', 'adamw', 'amsgrad', 'lbfgs', 'lion',
 'lookahead', 'muon', 'nadam', 'radam', 'rmsprop', 'schedule_free_adamw', 'sgd']
"""

from ._portable import adopt_carried_optimizers, carry_user_optimizers
from .adadelta import Adadelta
from .adam_family import Adamax, AdamW, AMSGrad
from .adam_schedules import NAdam, RAdam
from .adaptive import AdaGrad, Adam, RMSprop
from .base import (
    Optimizer,
    OptimizerState,
    check_non_negative,
    check_positive,
    check_unit_interval,
)
from .lbfgs import LBFGS
from .lion import Lion
from .lookahead import Lookahead
from .muon import Muon
from .registry import (
    available_optimizers,
    get_optimizer,
    get_optimizer_class,
    is_builtin,
    register_optimizer,
)
from .schedule_free import ScheduleFreeAdamW
from .sgd import SGD

__all__ = [
    "LBFGS",
    "SGD",
    "AMSGrad",
    "AdaGrad",
    "Adadelta",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "Lookahead",
    "Muon",
    "NAdam",
    "Optimizer",
    "OptimizerState",
    "RAdam",
    "RMSprop",
    "ScheduleFreeAdamW",
    "adopt_carried_optimizers",
    "available_optimizers",
    "carry_user_optimizers",
    "check_non_negative",
    "check_positive",
    "check_unit_interval",
    "get_optimizer",
    "get_optimizer_class",
    "is_builtin",
    "register_optimizer",
]
