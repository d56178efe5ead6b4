"""Cross-entropy (book chapters 5 and 9) and the reductions the task heads share.

The recorded loss is the mean over samples (or the ``sample_weight`` average) of
``-log p_true``, with ``p_true`` clipped to ``[1e-7, 1 - 1e-7]`` as the book does, so
figures are comparable with the book's. Probabilities come from shifted
exponentials, so logits of +-1e4 give finite losses.

The gradients are the fused, exact ones, ``(p - onehot) * w / sum(w)``: no clipping,
no Jacobian (see :mod:`skspiral.network.heads`). :class:`CategoricalCrossEntropy`
keeps the book's separate backward (w.r.t. probabilities) for the chapter-9
comparison with the fused path.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CLIP",
    "CategoricalCrossEntropy",
    "clip",
    "mean_loss",
    "row_reduce",
    "scale_to_mean",
]

CLIP = 1e-7


def mean_loss(per_sample: np.ndarray, sample_weight: np.ndarray | None) -> float:
    """Mean of ``per_sample``, or its ``sample_weight`` average (0 if all are 0)."""
    if sample_weight is None:
        # sum / n is exactly what ndarray.mean computes, minus its Python wrapper.
        return float(per_sample.sum() / per_sample.shape[0])
    total = sample_weight.sum()
    return float(per_sample @ sample_weight / total) if total > 0 else 0.0


def clip(p: np.ndarray, eps: float = CLIP) -> np.ndarray:
    """The clip of ``p_true`` to ``[eps, 1 - eps]`` in the recorded loss.

    ``eps`` is the book's ``1e-7`` in training; optimizers that need the whole
    objective (L-BFGS) use the float's own epsilon, as scikit-learn's ``log_loss``
    does, so the value they minimise matches MLPClassifier's. Two ufunc calls:
    np.clip's wrapper costs more than the arithmetic on a batch.
    """
    clipped = np.maximum(p, eps)
    return np.minimum(clipped, 1 - eps, out=clipped)


def scale_to_mean(grad: np.ndarray, sample_weight: np.ndarray | None) -> None:
    """Turn per-sample gradients into the gradient of the (weighted) mean, in place.

    A batch whose weights are all zero contributes nothing (zero gradient).
    """
    if sample_weight is None:
        grad /= grad.shape[0]
        return
    total = sample_weight.sum()
    if total > 0:
        # Weights first, then the division by their sum: unit weights then give
        # the unweighted gradient bit for bit (grad * 1 / n), where one factor
        # w / sum(w) = 1/n would round differently.
        grad *= sample_weight[:, None]
        grad /= total
    else:
        grad *= 0


def row_reduce(ufunc, z: np.ndarray) -> np.ndarray:
    """``ufunc.reduce(z, axis=1)``, fast when rows are short (few classes).

    NumPy's reduction along a short last axis pays its loop overhead per row; for
    up to 16 columns, ``k - 1`` elementwise calls on whole columns are several
    times faster. The columns are combined left to right, which for fewer than 8
    columns is also the order (and so the rounding) of NumPy's own sum.
    """
    k = z.shape[1]
    if k > 16:
        return ufunc.reduce(z, axis=1)
    if k == 1:
        return z[:, 0].copy()
    out = ufunc(z[:, 0], z[:, 1])
    for j in range(2, k):
        ufunc(out, z[:, j], out=out)
    return out


class CategoricalCrossEntropy:
    """``-log p[y]`` on probabilities, with the book's separate backward."""

    @staticmethod
    def forward(p: np.ndarray, y: np.ndarray, sample_weight=None) -> float:
        p_true = clip(p[np.arange(len(y)), y])
        return mean_loss(-np.log(p_true), sample_weight)

    @staticmethod
    def backward(p: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Gradient of the mean loss w.r.t. the probabilities: ``-onehot / p / n``."""
        grad = np.zeros_like(p)
        rows = np.arange(len(y))
        grad[rows, y] = -1.0 / p[rows, y]
        return grad / len(y)
