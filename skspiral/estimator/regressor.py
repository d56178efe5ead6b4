"""MLPScratchRegressor: the same engine with a squared-error head."""

from __future__ import annotations

import numpy as np
from scipy.sparse import issparse
from sklearn.base import RegressorMixin
from sklearn.utils._available_if import available_if

from ..network import SquaredError
from ._base import BaseMLPScratch, stepping_optimizer
from ._docs import CALLBACKS_NOTE, SHARED_ATTRIBUTES, SHARED_PARAMETERS
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
{CALLBACKS_NOTE}
    For several outputs, MLPRegressor steps along the gradient of the *sum* of
    the per-output losses while reporting their mean; skspiral steps along the
    exact gradient of the reported loss (the two agree for one output).

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from skspiral import MLPScratchRegressor
    >>> X, y = make_friedman1(300, random_state=0)
    >>> reg = MLPScratchRegressor(learning_rate=0.01, max_iter=500, random_state=0)
    >>> reg.fit(X, y).score(X, y) > 0.8
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
        if issparse(y):  # validate_data lets a sparse y through with multi_output
            raise ValueError(
                "MLPScratchRegressor does not take a sparse y; pass a dense array "
                "(y.toarray())."
            )
        y = np.asarray(y, dtype=dtype)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        if continuing and y.shape[1] != self.n_outputs_:
            afresh = "call fit" if incremental else "set warm_start=False"
            raise ValueError(
                f"y has {y.shape[1]} output(s) but the fitted model has "
                f"{self.n_outputs_}; {afresh} to start afresh."
            )
        _check_target_scale(y)
        return y, y.shape[1], {}

    @staticmethod
    def _head(n_outputs: int):
        return SquaredError

    @staticmethod
    def _stratify(y):
        return None

    @available_if(stepping_optimizer)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``."""
        return self._fit(X, y, sample_weight, incremental=True, classes=None)

    def predict(self, X) -> np.ndarray:
        """Predicted targets; 1-D when the model has one output (as MLPRegressor)."""
        z, model = self._forward(X)
        predicted = model.network_.head.predict(z)
        return predicted.ravel() if predicted.shape[1] == 1 else predicted


def _check_target_scale(y: np.ndarray) -> None:
    """Raise if the squared-error sums of ``y`` overflow its dtype.

    Then the very first loss is infinite whatever the weights, and the divergence
    check would blame the features; the target's scale is the cause.
    """
    with np.errstate(over="ignore"):
        finite = np.isfinite(np.square(y).sum(axis=0)).all()
    if not finite:
        raise ValueError(
            f"y is too large for a squared-error loss in {y.dtype.name}: the sum of "
            f"its squares overflows (largest |y| {np.abs(y).max():.3g}). Scale the "
            "target, e.g. TransformedTargetRegressor(MLPScratchRegressor(), "
            "transformer=StandardScaler())."
        )
