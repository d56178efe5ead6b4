"""The dense (fully connected) layer of book chapters 3 and 9."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["Dense"]


#: Operand sizes (elements) for which ``dense_matmul`` splits a thin product.
THIN_RANGE = (2**13, 2**15)


def dense_matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out[...] = a @ b``, with thin products done as matrix-vector products.

    OpenBLAS's GEMM (its Haswell kernels) costs ~5 us a call before any
    arithmetic, packing its operands; with 2 or 3 output columns (or rows) and a
    mid-sized operand, one GEMV per column is cheaper: the spiral's output
    layer ``300x65 @ 65x3`` takes 7.5 instead of 10 us, its first layer's
    gradient ``3x300 @ 300x64`` 6.5 instead of 9 (~7 us of a ~85 us epoch).
    One column NumPy already sends to GEMV. Measured on this kind of machine,
    the split wins between ``THIN_RANGE`` elements of the operand it reads once
    per column: below, OpenBLAS's GEMM is quick (2-4 us); above, re-reading
    the operand costs more than the packing; from 4 columns, the GEMM wins.
    Each entry is a dot product either way, summed in BLAS's order: the bits
    can differ from the GEMM's, never between runs or thread counts.
    """
    n, m = out.shape
    low, high = THIN_RANGE
    if m in (2, 3) and low <= a.size <= high:
        for j in range(m):
            np.matmul(a, b[:, j], out=out[:, j])
        return out
    if n in (2, 3) and low <= b.size <= high:
        for i in range(n):
            np.matmul(a[i], b, out=out[i])
        return out
    return np.matmul(a, b, out=out)


def matmul_into(a, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out[...] = a @ b``; ``a`` may be a SciPy sparse matrix (never densified)."""
    if isinstance(a, np.ndarray):  # the common case, without issparse's overhead
        return dense_matmul(a, b, out)
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

    def __init__(
        self,
        W: np.ndarray,
        b: np.ndarray,
        dW: np.ndarray,
        db: np.ndarray,
        Wb: np.ndarray | None = None,
        dWb: np.ndarray | None = None,
    ):
        self.W, self.b, self.dW, self.db = W, b, dW, db
        # ``Wb = [W; b]``, shape (fan_in + 1, fan_out), when the network stores b
        # right after W (its flat layout does): the bias then rides in the GEMM.
        self.Wb, self.dWb = Wb, dWb

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
        if dinputs is None:
            dinputs = np.empty((dvalues.shape[0], self.W.shape[0]), dtype=self.W.dtype)
        return dense_matmul(dvalues, self.W.T, dinputs)

    # The training path's variant: ``inputs`` carry a last column of ones, so
    # ``[inputs, 1] @ [W; b]`` adds the bias inside the GEMM and
    # ``[inputs, 1].T @ dvalues`` gives ``[dW; db]`` in one GEMM. At small sizes
    # this saves the two passes NumPy makes one row at a time (the broadcast bias
    # add and the column sums: ~10 us of a ~100 us spiral epoch). The sums are
    # then BLAS's, so the last bits differ from ``inputs @ W + b`` and
    # ``dvalues.sum(axis=0)`` (tests/test_book_reference.py bounds the drift).
    def forward_stacked(self, inputs_1: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``out[...] = [inputs, 1] @ [W; b]``; ``out`` may be a column slice."""
        return dense_matmul(inputs_1, self.Wb, out)

    def backward_stacked(self, dvalues, inputs_1: np.ndarray, dinputs_1=None):
        """Fill ``[dW; db]``; return ``dvalues @ [W; b].T`` into ``dinputs_1``.

        The returned array has one column more than the inputs (the gradient
        with respect to the ones, which nothing uses). ``dinputs_1=False`` skips it.
        """
        dense_matmul(inputs_1.T, dvalues, self.dWb)
        if dinputs_1 is False:
            return None
        if dvalues.shape[1] == 1:
            # One output (binary or single-target heads): the product is an outer
            # product, which OpenBLAS's GEMM does ~2.5x slower than a broadcast
            # multiply (200 x 65: 13 vs 5 us); each entry is one rounded product
            # either way, so the bits are the same.
            return np.multiply(dvalues, self.Wb.T, out=dinputs_1)
        return dense_matmul(dvalues, self.Wb.T, dinputs_1)
