"""MLPScratchRegressor: the same engine with a squared-error head."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from ..network import SquaredError
from ._base import BaseMLPScratch
from ._docs import SHARED_ATTRIBUTES, SHARED_PARAMETERS
from ._sklearn_callbacks import SklearnCallbackMixin

__all__ = ["MLPScratchRegressor"]


class MLPScratchRegressor(RegressorMixin, SklearnCallbackMixin, BaseMLPScratch):
    __doc__ = f"""Multilayer perceptron regressor trained with skspiral's optimizers.

    The classifier's engine with an identity output and half the mean squared
    error, scaled as scikit-learn's ``MLPRegressor`` (``0.5 * mean((y - p)**2)``
    plus the same L2 term). Single- and multi-output ``y``; the defaults follow
    ``MLPRegressor``.

    Parameters
    ----------
{SHARED_PARAMETERS}
    Attributes
    ----------
{SHARED_ATTRIBUTES}
    history_ : dict of str to list
        ``loss``, ``r2`` (unweighted, from the epoch's forward passes),
        ``learning_rate``, plus ``val_loss`` and ``val_r2`` with early stopping
        (which stops on the validation R²).
    out_activation_ : "identity"

    Notes
    -----
    For several outputs, MLPRegressor steps along the gradient of the *sum* of
    the per-output losses while reporting their mean; skspiral steps along the
    exact gradient of the reported loss (the two agree for one output).

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from skspiral import MLPScratchRegressor
    >>> X, y = make_friedman1(300, random_state=0)
    >>> reg = MLPScratchRegressor(max_iter=300, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.6
    True
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _y_numeric = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _check_targets(self, y, dtype, *, classes, continuing, incremental):
        """``y`` as a 2-D float array of X's dtype; ``(y, n_outputs, {})``."""
        y = np.asarray(y, dtype=dtype)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        if continuing and y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y.shape[1]} output(s) but the fitted model has "
                f"{self.n_outputs_}; set warm_start=False to start afresh."
            )
        return y, y.shape[1], {}

    @staticmethod
    def _head(n_outputs: int):
        return SquaredError

    @staticmethod
    def _stratify(y):
        return None

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``."""
        return self._fit(X, y, sample_weight, incremental=True, classes=None)

    def predict(self, X) -> np.ndarray:
        """Predicted targets; 1-D when the model has one output (as MLPRegressor)."""
        z, model = self._forward(X)
        return z.ravel() if z.shape[1] == 1 else z
