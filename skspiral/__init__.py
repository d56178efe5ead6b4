"""skspiral: learn, tune and compare neural-network optimizers with scikit-learn.

A from-scratch NumPy multilayer perceptron after "Neural Networks from Scratch in
Python" (chapters 1-10), wrapped as the scikit-learn estimators
:class:`MLPScratchClassifier` and :class:`MLPScratchRegressor`, with the book's
optimizers (and many more) in a pluggable registry and learning-rate schedules in
:mod:`skspiral.schedules`.
"""

from . import callbacks, schedules
from .datasets import make_spiral
from .estimator import MLPScratchClassifier, MLPScratchRegressor
from .optimizers import available_optimizers, get_optimizer, register_optimizer
from .training import DivergenceError

__version__ = "0.2.0"

__all__ = [
    "DivergenceError",
    "MLPScratchClassifier",
    "MLPScratchRegressor",
    "__version__",
    "callbacks",
    "available_optimizers",
    "get_optimizer",
    "make_spiral",
    "register_optimizer",
    "schedules",
]
