"""The network: dense layers, activations, losses, task heads, the MLP."""

from .activations import ACTIVATIONS, Identity, Logistic, ReLU, Softmax, Tanh
from .heads import HEADS, LogisticCrossEntropy, SoftmaxCrossEntropy, SquaredError
from .initializers import WEIGHT_INITS, initialize
from .layers import Dense
from .losses import CategoricalCrossEntropy
from .mlp import MLP

__all__ = [
    "ACTIVATIONS",
    "HEADS",
    "WEIGHT_INITS",
    "CategoricalCrossEntropy",
    "Dense",
    "Identity",
    "Logistic",
    "LogisticCrossEntropy",
    "MLP",
    "ReLU",
    "Softmax",
    "SoftmaxCrossEntropy",
    "SquaredError",
    "Tanh",
    "initialize",
]
