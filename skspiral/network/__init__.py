"""The network: named parameters, dense layers, activations, losses, the MLP."""

from .activations import ACTIVATIONS, Identity, Logistic, ReLU, Softmax, Tanh
from .initializers import WEIGHT_INITS, initialize
from .layers import Dense
from .losses import CategoricalCrossEntropy, LogisticCrossEntropy, SoftmaxCrossEntropy
from .mlp import MLP
from .params import ParamLayout

__all__ = [
    "ACTIVATIONS",
    "WEIGHT_INITS",
    "CategoricalCrossEntropy",
    "Dense",
    "Identity",
    "Logistic",
    "LogisticCrossEntropy",
    "MLP",
    "ParamLayout",
    "ReLU",
    "Softmax",
    "SoftmaxCrossEntropy",
    "Tanh",
    "initialize",
]
