"""skspiral: learn, tune and compare neural-network optimizers with scikit-learn.

A from-scratch NumPy multilayer perceptron after "Neural Networks from Scratch in
Python" (chapters 1-10), wrapped as the scikit-learn classifier
:class:`MLPScratchClassifier`, with the book's optimizers in a pluggable registry
and learning-rate schedules in :mod:`skspiral.schedules`.
"""

from . import schedules
from .datasets import make_spiral
from .estimator import MLPScratchClassifier
from .optimizers import available_optimizers, get_optimizer, register_optimizer

__version__ = "0.1.0"

__all__ = [
    "MLPScratchClassifier",
    "__version__",
    "available_optimizers",
    "get_optimizer",
    "make_spiral",
    "register_optimizer",
    "schedules",
]
