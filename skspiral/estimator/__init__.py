"""The scikit-learn face of skspiral."""

from .classifier import MLPScratchClassifier

__all__ = ["MLPScratchClassifier"]
