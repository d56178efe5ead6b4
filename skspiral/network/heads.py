"""Task heads: the output activation, the loss with its fused gradient, and the metric.

A head owns everything that makes a network a classifier or a regressor, so the
network and the training loop stay task-free. Every head answers the same calls:

- ``n_outputs(n_targets)``: output units for ``n_targets`` classes or targets;
- ``loss_and_grad(z, y, sample_weight) -> (loss, stat, grad)``: the (weighted) mean
  loss of a batch, an additive statistic from which the epoch's metric is computed
  (summed over batches), and the gradient of the mean loss w.r.t. the output-layer
  values ``z`` (written into ``z``: the training buffer is reused on purpose);
- ``epoch_metric(stat, y)``: the metric of a whole epoch from the summed statistic;
- ``loss(z, y, sample_weight)`` and ``score(z, y, sample_weight)``: the loss and the
  (weighted) metric of given outputs, for validation sets;
- ``metric_name`` (``"accuracy"``, ``"r2"``) and ``out_activation`` (scikit-learn's
  ``out_activation_``).

A new task (say Poisson regression) is one class here with these members.
"""

from __future__ import annotations

import functools

import numpy as np

from .activations import Logistic
from .losses import CLIP, clip, mean_loss, row_reduce, scale_to_mean

__all__ = ["HEADS", "LogisticCrossEntropy", "SoftmaxCrossEntropy", "SquaredError"]


def _log_of(proba: np.ndarray) -> np.ndarray:
    """``log(proba)`` exactly, ``-inf`` where a probability rounded to 0.

    scikit-learn's estimator checks (and MLPClassifier) require
    ``predict_log_proba == log(predict_proba)`` everywhere; the probabilities
    themselves come from the stable forms, so a 0 is a true underflow.
    """
    with np.errstate(divide="ignore"):
        return np.log(proba)


@functools.lru_cache(maxsize=8)
def _row_starts(n: int, k: int) -> np.ndarray:
    """Flat positions of the rows of an ``(n, k)`` array (read-only, cached: the
    same few batch sizes come back every step)."""
    starts = np.arange(0, n * k, k)
    starts.flags.writeable = False
    return starts


def _accuracy(predicted: np.ndarray, y: np.ndarray, sample_weight) -> float:
    return float(np.average(predicted == y, weights=sample_weight))


class _Head:
    """What every head derives from its ``loss_and_grad``."""

    @classmethod
    def loss(cls, z, y, sample_weight=None) -> float:
        """The loss of outputs ``z`` (left unchanged)."""
        return cls.loss_and_grad(z.copy(), y, sample_weight)[0]


class _ClassificationHead(_Head):
    """What both classification heads share: the metric and the log-probabilities."""

    metric_name = "accuracy"

    @staticmethod
    def epoch_metric(n_correct, y: np.ndarray) -> float:
        """Unweighted share of rows classified correctly during the epoch."""
        return n_correct / y.shape[0]

    @classmethod
    def log_proba(cls, z: np.ndarray) -> np.ndarray:
        return _log_of(cls.proba(z))

    @classmethod
    def score(cls, z, y, sample_weight=None) -> float:
        return _accuracy(cls.decide(z), y, sample_weight)


class SoftmaxCrossEntropy(_ClassificationHead):
    """Softmax output with categorical cross-entropy; one output unit per class.

    ``y`` holds class indices. The recorded loss clips ``p_true`` to
    ``[1e-7, 1 - 1e-7]`` as the book does; the gradient ``p - onehot`` is exact.
    """

    out_activation = "softmax"

    @staticmethod
    def n_outputs(n_classes: int) -> int:
        return n_classes

    @staticmethod
    def proba(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        e /= e.sum(axis=1, keepdims=True)
        return e

    @staticmethod
    def decide(z: np.ndarray) -> np.ndarray:
        """Index of the predicted class of each row."""
        return z.argmax(axis=1)

    @classmethod
    def loss_and_grad(cls, z: np.ndarray, y: np.ndarray, sample_weight=None, eps=CLIP):
        """``(loss, n_correct, gradient)``; the gradient overwrites ``z``.

        ``eps`` clips ``p_true`` in the loss value only (see ``losses.clip``).
        """
        if not z.flags.c_contiguous:  # (the training buffers are)
            z = np.ascontiguousarray(z)
        n, k = z.shape
        n_correct = int(np.count_nonzero(cls.decide(z) == y))
        z -= row_reduce(np.maximum, z)[:, None]
        np.exp(z, out=z)
        z /= row_reduce(np.add, z)[:, None]  # z now holds the probabilities p
        # The true classes' flat positions: one take and one put on the flat view
        # cost less than the 2-D fancy indexing z[rows, y] (read, then write).
        flat, true = z.reshape(-1), _row_starts(n, k) + y
        p_true = flat.take(true)
        # -(mean of log p) is exactly the mean of -log p (negation commutes with
        # rounding), one pass fewer.
        clipped = clip(p_true, eps)
        loss = -mean_loss(np.log(clipped, out=clipped), sample_weight)
        p_true -= 1
        flat.put(true, p_true)  # p - onehot, without building the one-hot matrix
        scale_to_mean(z, sample_weight)
        return loss, n_correct, z


class LogisticCrossEntropy(_ClassificationHead):
    """One logistic output unit for two classes (as MLPClassifier; book ch. 16).

    ``y`` holds class indices 0 and 1.
    """

    out_activation = "logistic"

    @staticmethod
    def n_outputs(n_classes: int) -> int:
        return 1

    @staticmethod
    def proba(z: np.ndarray) -> np.ndarray:
        # Both columns from sigmoid(+-z): 1 - sigmoid(z) would round to 0 above
        # z = 37 while its log, -logaddexp(0, z), stays finite.
        z = z[:, 0]
        return np.column_stack([Logistic.forward(-z), Logistic.forward(z)])

    @staticmethod
    def decide(z: np.ndarray) -> np.ndarray:
        return (z[:, 0] > 0).astype(np.intp)

    @classmethod
    def loss_and_grad(cls, z: np.ndarray, y: np.ndarray, sample_weight=None, eps=CLIP):
        """As :meth:`SoftmaxCrossEntropy.loss_and_grad`, for ``y`` in {0, 1}."""
        logit = z[:, 0]
        n_correct = int(np.count_nonzero((logit > 0) == y))  # decide(z) == y
        # sigmoid(v) is Logistic.forward's where(v >= 0, 1, e) / (1 + e) with
        # e = exp(-|v|). P(true class) = sigmoid(+z) for y == 1 and sigmoid(-z)
        # for y == 0; |-z| = |z|, so e and 1 + e serve both, and its numerator
        # is 1 exactly where (z >= 0) == y (at z == 0, e == 1 either way). The
        # same arithmetic as two sigmoid calls, so the same bits, in 20 NumPy
        # calls instead of 30: a step on 200 rows makes ~40 (1e6-row benchmark).
        e = np.abs(logit)
        np.negative(e, out=e)
        np.exp(e, out=e)
        denom = e + 1
        positive = logit >= 0
        p_true = np.where(positive == y, 1.0, e)
        p_true /= denom
        clipped = clip(p_true, eps)
        loss = -mean_loss(np.log(clipped, out=clipped), sample_weight)
        np.divide(np.where(positive, 1.0, e), denom, out=logit)  # sigmoid(z)
        logit -= y
        scale_to_mean(z, sample_weight)
        return loss, n_correct, z


class SquaredError(_Head):
    """Identity output with half the mean squared error, scaled as MLPRegressor.

    ``loss = 0.5 * mean over outputs of the (weighted) mean over rows of (y - z)**2``;
    ``y`` is 2-D, one column per output. The gradient is the exact gradient of that
    loss, ``(z - y) * w / (sum(w) * n_outputs)``. (MLPRegressor reports the same
    loss but steps along ``(z - y) * w / sum(w)``, the gradient of the *sum* over
    outputs: the two agree for one output; with several, skspiral's L2 term weighs
    ``n_outputs`` times more relative to the data term.)
    """

    out_activation = "identity"
    metric_name = "r2"

    @staticmethod
    def n_outputs(n_targets: int) -> int:
        return n_targets

    @staticmethod
    def predict(z: np.ndarray) -> np.ndarray:
        return z

    @staticmethod
    def loss_and_grad(z: np.ndarray, y: np.ndarray, sample_weight=None, eps=None):
        """``(loss, per-output sums of squared residuals, gradient)``.

        (``eps`` is the classification heads' clip; nothing is clipped here.)
        """
        z -= y  # z now holds the residuals: the gradient up to its scale
        squares = z * z
        sse = squares.sum(axis=0)
        if sample_weight is None:
            per_output = sse / z.shape[0]
        else:
            total = sample_weight.sum()
            per_output = sample_weight @ squares / total if total > 0 else sse * 0
        loss = 0.5 * float(per_output.mean())
        scale_to_mean(z, sample_weight)
        z /= z.shape[1]
        return loss, sse, z

    @staticmethod
    def epoch_metric(sse: np.ndarray, y: np.ndarray) -> float:
        """R² of the epoch's forward passes, averaged over outputs (unweighted)."""
        sst = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
        return _r2(np.asarray(sse, dtype=float), sst)

    @staticmethod
    def score(z, y, sample_weight=None) -> float:
        w = np.ones(y.shape[0]) if sample_weight is None else sample_weight
        sse = w @ (y - z) ** 2
        sst = w @ (y - np.average(y, axis=0, weights=w)) ** 2
        return _r2(sse, sst)


def _r2(sse: np.ndarray, sst: np.ndarray) -> float:
    """Mean over outputs of ``1 - sse / sst`` (1 for a perfect constant, as sklearn)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(sst > 0, 1 - sse / np.where(sst > 0, sst, 1), 0.0)
    r2 = np.where((sst == 0) & (sse == 0), 1.0, r2)
    return float(np.mean(r2))


HEADS = {
    "softmax": SoftmaxCrossEntropy,
    "logistic": LogisticCrossEntropy,
    "identity": SquaredError,
}
