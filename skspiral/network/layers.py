"""The dense (fully connected) layer of book chapters 3 and 9."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["Dense"]


def matmul_into(a, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out[...] = a @ b``; ``a`` may be a SciPy sparse matrix (never densified)."""
    if isinstance(a, np.ndarray):  # the common case, without issparse's overhead
        return np.matmul(a, b, out=out)
    if sp.issparse(a):
        out[...] = a @ b
        return out
    return np.matmul(a, b, out=out)


class Dense:
    """``outputs = inputs @ W + b`` with ``W`` of shape (fan_in, fan_out).

    The layer owns no memory: ``W``, ``b`` and their gradients ``dW``, ``db`` are
    views handed in by the network (into its flat parameter and gradient vectors).

    Backward, for ``dvalues = dL/doutputs``::

        dW = inputs.T @ dvalues      db = dvalues.sum(axis=0)
        dinputs = dvalues @ W.T
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, dW: np.ndarray, db: np.ndarray):
        self.W, self.b, self.dW, self.db = W, b, dW, db

    def forward(self, inputs, out: np.ndarray | None = None) -> np.ndarray:
        if out is None:
            out = np.empty((inputs.shape[0], self.W.shape[1]), dtype=self.W.dtype)
        matmul_into(inputs, self.W, out)
        out += self.b
        return out

    def backward(self, dvalues: np.ndarray, inputs, dinputs: np.ndarray | None = None):
        """Fill ``dW`` and ``db``; return ``dL/dinputs`` (into ``dinputs`` if given).

        Pass ``dinputs=False`` to skip the input gradient (first layer).
        """
        matmul_into(inputs.T, dvalues, self.dW)
        dvalues.sum(axis=0, out=self.db)
        if dinputs is False:
            return None
        return np.matmul(dvalues, self.W.T, out=dinputs)
