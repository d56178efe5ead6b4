"""Cross-entropy losses (book chapters 5 and 9) and the output heads that fuse them.

The recorded loss is the mean over samples (or the ``sample_weight`` average) of
``-log p_true``, with ``p_true`` clipped to ``[1e-7, 1 - 1e-7]`` as the book does, so
figures are comparable with the book's. Probabilities come from shifted
exponentials, so logits of +-1e4 give finite losses.

The gradients are the fused, exact ones, ``(p - onehot) * w / sum(w)``: no clipping,
no Jacobian. :class:`CategoricalCrossEntropy` keeps the book's separate backward
(w.r.t. probabilities) for the chapter-9 comparison with the fused path.
"""

from __future__ import annotations

import numpy as np

from .activations import Logistic

__all__ = ["CategoricalCrossEntropy", "LogisticCrossEntropy", "SoftmaxCrossEntropy"]

CLIP = 1e-7


def _mean(per_sample: np.ndarray, sample_weight: np.ndarray | None) -> float:
    if sample_weight is None:
        # sum / n is exactly what ndarray.mean computes, minus its Python wrapper.
        return float(per_sample.sum() / per_sample.shape[0])
    total = sample_weight.sum()
    return float(per_sample @ sample_weight / total) if total > 0 else 0.0


def _clip(p: np.ndarray) -> np.ndarray:
    """The book's clip of ``p_true`` to ``[CLIP, 1 - CLIP]``, used by every loss.

    Two ufunc calls: np.clip's wrapper costs more than the arithmetic on a batch.
    """
    clipped = np.maximum(p, CLIP)
    return np.minimum(clipped, 1 - CLIP, out=clipped)


def _scale_to_mean(grad: np.ndarray, sample_weight: np.ndarray | None) -> None:
    """Turn per-sample gradients into the gradient of the (weighted) mean, in place.

    A batch whose weights are all zero contributes nothing (zero gradient).
    """
    if sample_weight is None:
        grad /= grad.shape[0]
        return
    total = sample_weight.sum()
    grad *= (sample_weight / total)[:, None] if total > 0 else 0


def _row_reduce(ufunc, z: np.ndarray) -> np.ndarray:
    """``ufunc.reduce(z, axis=1)``, fast when rows are short (few classes).

    NumPy's reduction along a short last axis pays its loop overhead per row; for
    up to 16 columns, ``k - 1`` elementwise calls on whole columns are several
    times faster. The columns are combined left to right, which for fewer than 8
    columns is also the order (and so the rounding) of NumPy's own sum.
    """
    if z.shape[1] > 16:
        return ufunc.reduce(z, axis=1)
    out = z[:, 0].copy()
    for j in range(1, z.shape[1]):
        ufunc(out, z[:, j], out=out)
    return out


class CategoricalCrossEntropy:
    """``-log p[y]`` on probabilities, with the book's separate backward."""

    @staticmethod
    def forward(p: np.ndarray, y: np.ndarray, sample_weight=None) -> float:
        p_true = _clip(p[np.arange(len(y)), y])
        return _mean(-np.log(p_true), sample_weight)

    @staticmethod
    def backward(p: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Gradient of the mean loss w.r.t. the probabilities: ``-onehot / p / n``."""
        grad = np.zeros_like(p)
        rows = np.arange(len(y))
        grad[rows, y] = -1.0 / p[rows, y]
        return grad / len(y)


class SoftmaxCrossEntropy:
    """Softmax output with categorical cross-entropy; one output unit per class."""

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

    @staticmethod
    def log_proba(z: np.ndarray) -> np.ndarray:
        shifted = z - z.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    @staticmethod
    def loss_and_grad(z: np.ndarray, y: np.ndarray, sample_weight=None):
        """Loss, correct count and gradient w.r.t. the logits ``z``.

        Overwrites ``z`` with the gradient (the training loop's buffer is reused on
        purpose) and returns ``(loss, n_correct, z)``.
        """
        z = np.ascontiguousarray(z)  # (a no-op for the training buffers)
        n, k = z.shape
        n_correct = int(np.count_nonzero(SoftmaxCrossEntropy.decide(z) == y))
        z -= _row_reduce(np.maximum, z)[:, None]
        np.exp(z, out=z)
        z /= _row_reduce(np.add, z)[:, None]  # z now holds the probabilities p
        # The true classes' flat positions: one take and one put on the flat view
        # cost less than the 2-D fancy indexing z[rows, y] (read, then write).
        flat, true = z.reshape(-1), np.arange(0, n * k, k) + y
        p_true = flat.take(true)
        loss = _mean(-np.log(_clip(p_true)), sample_weight)
        p_true -= 1
        flat.put(true, p_true)  # p - onehot, without building the one-hot matrix
        _scale_to_mean(z, sample_weight)
        return loss, n_correct, z


class LogisticCrossEntropy:
    """One logistic output unit for two classes (as MLPClassifier; book ch. 16)."""

    out_activation = "logistic"

    @staticmethod
    def n_outputs(n_classes: int) -> int:
        return 1

    @staticmethod
    def proba(z: np.ndarray) -> np.ndarray:
        p = Logistic.forward(z[:, 0])
        return np.column_stack([1 - p, p])

    @staticmethod
    def decide(z: np.ndarray) -> np.ndarray:
        return (z[:, 0] > 0).astype(np.intp)

    @staticmethod
    def log_proba(z: np.ndarray) -> np.ndarray:
        z = z[:, 0]
        return -np.column_stack([np.logaddexp(0, z), np.logaddexp(0, -z)])

    @staticmethod
    def loss_and_grad(z: np.ndarray, y: np.ndarray, sample_weight=None):
        """As :meth:`SoftmaxCrossEntropy.loss_and_grad`, for ``y`` in {0, 1}."""
        logit = z[:, 0]
        n_correct = int(np.count_nonzero(LogisticCrossEntropy.decide(z) == y))
        # P(true class) = sigmoid(+z) for y == 1, sigmoid(-z) for y == 0.
        p_true = Logistic.forward(np.where(y == 1, logit, -logit))
        loss = _mean(-np.log(_clip(p_true)), sample_weight)
        Logistic.forward(logit, out=logit)
        logit -= y
        _scale_to_mean(z, sample_weight)
        return loss, n_correct, z
