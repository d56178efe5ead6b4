"""MLPScratchClassifier: the from-scratch MLP as a scikit-learn classifier."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils._available_if import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ..network import LogisticCrossEntropy, SoftmaxCrossEntropy
from ._base import BaseMLPScratch, stepping_optimizer
from ._docs import CALLBACKS_NOTE, SHARED_ATTRIBUTES, SHARED_PARAMETERS
from ._sklearn_callbacks import SklearnCallbackMixin

__all__ = ["MLPScratchClassifier"]


class MLPScratchClassifier(ClassifierMixin, SklearnCallbackMixin, BaseMLPScratch):
    __doc__ = f"""Multilayer perceptron classifier trained with skspiral's optimizers.

    A from-scratch NumPy network (dense layers, a hidden activation, softmax or a
    logistic unit with cross-entropy) trained by mini-batch gradient descent with
    any optimizer in :mod:`skspiral.optimizers`. The defaults follow scikit-learn's
    ``MLPClassifier`` wherever the book does not fix one.

    Parameters
    ----------
{SHARED_PARAMETERS}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
{SHARED_ATTRIBUTES}
    history_ : dict of str to list
        ``loss``, ``accuracy`` (unweighted, from the epoch's forward passes),
        ``learning_rate`` (the rate of the epoch's first update), plus
        ``val_loss`` and ``val_accuracy`` with early stopping.
    out_activation_ : {{"softmax", "logistic"}}
        Softmax for 3+ classes, one logistic unit for 2 (as MLPClassifier).

    Notes
    -----
{CALLBACKS_NOTE}
    Examples
    --------
    >>> from skspiral import MLPScratchClassifier, make_spiral
    >>> X, y = make_spiral(300, 3, random_state=0)
    >>> clf = MLPScratchClassifier(
    ...     (64,), learning_rate=0.02, batch_size=None, max_iter=1000, random_state=0
    ... )
    >>> clf.fit(X, y).score(X, y) > 0.8
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    """

    def _check_targets(self, y, dtype, *, classes, continuing, incremental):
        """Labels -> class indices; ``(indices, n_classes, {"classes_": ...})``."""
        if y.ndim == 2 and y.shape[1] > 1:
            raise ValueError(
                "MLPScratchClassifier does not support multilabel or multi-output y "
                f"(got y of shape {y.shape}); pass a 1-D array of labels."
            )
        y = column_or_1d(y, warn=True)
        # Once, before sklearn's checks, whose errors are less clear here (each
        # pass sorts or hashes every label: ~5 ms per million rows).
        seen = _unique("y", y)
        if y.dtype.kind not in "biuUS":
            # Only floats and objects can be continuous or mixed; integer, bool
            # and string labels are always classes (sklearn's type_of_target costs
            # ~100 us a call, a fifth of a small partial_fit call).
            check_classification_targets(y)
        classes_ = self._classes(seen, classes, continuing, incremental)
        if seen.dtype.kind != classes_.dtype.kind and (
            "U" in (seen.dtype.kind, classes_.dtype.kind)
            or "O" in (seen.dtype.kind, classes_.dtype.kind)
        ):
            raise ValueError(
                f"y holds labels {seen.tolist()} of another type than classes "
                f"{classes_.tolist()}: use one type (all strings or all numbers)."
            )
        unseen = np.setdiff1d(seen, classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} not in classes "
                f"{classes_.tolist()}."
            )
        if len(classes_) < 2:
            raise ValueError(
                "Classifier can't train when only one class is present: "
                f"got classes {classes_.tolist()}."
            )
        return np.searchsorted(classes_, y), len(classes_), {"classes_": classes_}

    def _classes(self, seen, classes, continuing, incremental) -> np.ndarray:
        """The classes of this fit: the fitted ones, ``classes``, or ``seen``
        (the distinct labels of y)."""
        if continuing:
            classes_ = self.classes_
            if classes is not None and not np.array_equal(
                _unique("classes", classes), classes_
            ):
                raise ValueError(
                    f"classes={np.asarray(classes).tolist()} differs from the classes "
                    f"of the first call, {classes_.tolist()}."
                )
            if not incremental and not np.array_equal(seen, classes_):
                raise ValueError(
                    "warm_start needs y to have the same classes as the previous fit: "
                    f"previously {classes_.tolist()}, now {seen.tolist()}."
                )
        elif classes is not None:
            classes_ = _unique("classes", classes)
        elif incremental:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        else:
            classes_ = seen
        return classes_

    def _check_weights(self, sample_weight, X, y, incremental):
        sample_weight = super()._check_weights(sample_weight, X, y, incremental)
        if sample_weight is None or incremental:  # a batch may hold one class
            return sample_weight
        weight_per_class = np.bincount(y, weights=sample_weight)
        if np.count_nonzero(weight_per_class) < 2:
            raise ValueError(
                "sample_weight leaves only one class with non-zero weight; "
                "a classifier needs at least two classes."
            )
        return sample_weight

    @staticmethod
    def _head(n_classes: int):
        return LogisticCrossEntropy if n_classes == 2 else SoftmaxCrossEntropy

    @staticmethod
    def _stratify(y):
        return y

    @available_if(stepping_optimizer)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``(X, y)``; ``classes`` is required on the first call."""
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    # --------------------------------------------------------------- prediction
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        z, model = self._forward(X)
        return model.network_.head.proba(z)

    def predict_log_proba(self, X) -> np.ndarray:
        """Log of :meth:`predict_proba`, computed stably (finite for finite X)."""
        z, model = self._forward(X)
        return model.network_.head.log_proba(z)

    def predict(self, X) -> np.ndarray:
        """Predicted labels (from ``classes_``)."""
        z, model = self._forward(X)
        return model.classes_[model.network_.head.decide(z)]


def _unique(name: str, labels) -> np.ndarray:
    """Sorted distinct labels; a clear error for NaN, None or mixed types."""
    labels = np.asarray(labels)
    if labels.dtype.kind == "f" and np.isnan(labels).any():
        raise ValueError(f"{name} contains NaN; every class label must be a value.")
    if labels.dtype.kind == "O":
        values = labels.ravel().tolist()
        if any(v is None or (isinstance(v, float) and v != v) for v in values):
            raise ValueError(f"{name} contains None or NaN among its labels.")
        kinds = {"str" if isinstance(v, str) else "number" for v in values}
        if len(kinds) > 1:
            raise ValueError(
                f"{name} mixes strings and numbers ({values[:6]}...): labels must be "
                "all strings or all numbers."
            )
    return np.unique(labels)
