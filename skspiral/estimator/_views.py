"""``coefs_`` and ``intercepts_``: the network's weights in scikit-learn's layout."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["WeightViews"]


class WeightViews:
    """Per-layer weights and biases as in MLPClassifier/MLPRegressor.

    The lists hold views into the network's one parameter vector: writing to them
    (or assigning new lists of the same shapes) changes the model, so weights copy
    across from and to scikit-learn's MLPs.
    """

    @property
    def coefs_(self) -> list[np.ndarray]:
        check_is_fitted(self, "network_")
        return self.network_.coefs

    @coefs_.setter
    def coefs_(self, values):
        check_is_fitted(self, "network_")
        _assign_into(self.network_.coefs, values, "coefs_")

    @property
    def intercepts_(self) -> list[np.ndarray]:
        check_is_fitted(self, "network_")
        return self.network_.intercepts

    @intercepts_.setter
    def intercepts_(self, values):
        check_is_fitted(self, "network_")
        _assign_into(self.network_.intercepts, values, "intercepts_")


def _assign_into(targets: list[np.ndarray], values, name: str) -> None:
    """Copy ``values`` into the network's arrays after checking every shape."""
    values = [np.asarray(v) for v in values]
    shapes = [t.shape for t in targets]
    if [v.shape for v in values] != shapes:
        raise ValueError(f"{name} must have shapes {shapes}.")
    for target, value in zip(targets, values):
        target[...] = value
