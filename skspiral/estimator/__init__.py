"""The scikit-learn face of skspiral: a classifier and a regressor on one base."""

from .classifier import MLPScratchClassifier
from .regressor import MLPScratchRegressor

__all__ = ["MLPScratchClassifier", "MLPScratchRegressor"]
