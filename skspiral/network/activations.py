"""Hidden-layer activations and the softmax output (book chapters 4 and 9).

Hidden activations work in place on a layer's buffer: ``forward`` turns
pre-activations ``z`` into ``a = f(z)``, and ``backward`` multiplies an upstream
gradient by ``f'(z)``, written in terms of the output ``a`` so ``z`` need not be
kept. ``backward(..., overwrite_a=True)`` may use ``a``'s buffer for ``f'``: the
training loop passes it once ``a`` is no longer needed, so no temporary of the
layer's size is allocated per step (on some machines a fresh large temporary
costs more than the arithmetic). The names are scikit-learn's (``"relu"``,
``"tanh"``, ``"logistic"``, ``"identity"``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ACTIVATIONS", "Identity", "Logistic", "ReLU", "Softmax", "Tanh"]


# np.maximum(z, 0) runs NumPy's loop for an array and a scalar, which is not
# vectorised: measured 3.3-3.5x slower (NumPy 2.4, float64, 300x64 up to 4096x512)
# than np.maximum(z, zeros) with an array of zeros, whose result is bit-identical
# (NaN, -0.0 and infinities included). So ReLU compares flat chunks of ``z`` with
# one read-only block of zeros per dtype; 32768 elements (256 KiB in float64) was
# the fastest chunk on a 4096x512 array and stays in L2.
_ZEROS_CHUNK = 32768
_ZEROS: dict[np.dtype, np.ndarray] = {}


def _zeros_block(dtype: np.dtype) -> np.ndarray:
    block = _ZEROS.get(dtype)
    if block is None:  # a race here only makes an extra block: harmless
        block = np.zeros(_ZEROS_CHUNK, dtype)
        block.flags.writeable = False
        _ZEROS[dtype] = block
    return block


def relu_into(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out[...] = max(z, 0)``, by chunks against a block of zeros (see above)."""
    if (
        z.dtype != out.dtype
        or z.dtype.kind != "f"
        or not (z.flags.c_contiguous and out.flags.c_contiguous)
    ):
        return np.maximum(z, 0, out=out)
    zeros, flat_z, flat_out = _zeros_block(z.dtype), z.reshape(-1), out.reshape(-1)
    size = flat_z.shape[0]
    if size <= _ZEROS_CHUNK:  # the common case: one call
        np.maximum(flat_z, zeros[:size], out=flat_out)
        return out
    for start in range(0, size, _ZEROS_CHUNK):
        part = flat_z[start : start + _ZEROS_CHUNK]
        np.maximum(
            part, zeros[: part.shape[0]], out=flat_out[start : start + _ZEROS_CHUNK]
        )
    return out


class ReLU:
    """``a = max(z, 0)``; ``da/dz = 1 where a > 0 else 0``."""

    name = "relu"
    #: f(1) == 1, and backward(overwrite_a=True) writes 1 where a == 1: a column
    #: of ones in the buffer survives both passes (see MLP.loss_and_grad).
    keeps_one = True

    @staticmethod
    def forward(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        if out is None:
            z = np.asarray(z)
            if z.dtype.kind != "f":
                return np.maximum(z, 0)
            out = np.empty_like(z)
        return relu_into(z, out)

    @staticmethod
    def backward(a: np.ndarray, grad: np.ndarray, overwrite_a=False) -> np.ndarray:
        """Zero ``grad`` (in place) where the unit was inactive."""
        # Multiplying by the 0/1 mask is one vectorised pass; the boolean-index
        # assignment grad[a <= 0] = 0 gathers positions first and was ~3-10x slower.
        # (A negative gradient times 0 gives -0.0, which equals 0 in every use.)
        mask = np.greater(a, 0, out=a) if overwrite_a else a > 0  # 1.0 / 0.0
        return np.multiply(grad, mask, out=grad)


class Tanh:
    """``a = tanh(z)``; ``da/dz = 1 - a**2``."""

    name = "tanh"
    keeps_one = False

    @staticmethod
    def forward(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.tanh(z, out=out)

    @staticmethod
    def backward(a: np.ndarray, grad: np.ndarray, overwrite_a=False) -> np.ndarray:
        derivative = np.multiply(a, a, out=a if overwrite_a else None)
        grad *= np.subtract(1, derivative, out=derivative)
        return grad


class Logistic:
    """``a = 1 / (1 + exp(-z))``; ``da/dz = a (1 - a)``."""

    name = "logistic"
    keeps_one = False

    @staticmethod
    def forward(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        # exp(-|z|) never overflows; pick the algebraically equal form per sign.
        e = np.exp(-np.abs(z))
        return np.divide(np.where(z >= 0, 1, e), 1 + e, out=out)

    @staticmethod
    def backward(a: np.ndarray, grad: np.ndarray, overwrite_a=False) -> np.ndarray:
        grad *= a * (1 - a)
        return grad


class Identity:
    """``a = z``; ``da/dz = 1``."""

    name = "identity"
    keeps_one = True

    @staticmethod
    def forward(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        if out is None:
            return z.copy()
        if out is not z:
            out[...] = z
        return out

    @staticmethod
    def backward(a: np.ndarray, grad: np.ndarray, overwrite_a=False) -> np.ndarray:
        return grad


ACTIVATIONS = {cls.name: cls for cls in (ReLU, Tanh, Logistic, Identity)}


class Softmax:
    """Row-wise ``p_j = exp(z_j - max z) / sum_k exp(z_k - max z)``.

    ``backward`` is the book's chapter-9 path through the full softmax Jacobian
    ``J = diag(p) - p p^T`` of every sample. The training loop never uses it: the
    fused softmax + cross-entropy gradient in :mod:`skspiral.network.losses` is
    exact and far cheaper. It is kept to show (and test) that both agree.
    """

    @staticmethod
    def forward(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    @staticmethod
    def backward(p: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Gradient w.r.t. the logits given ``grad`` w.r.t. the probabilities ``p``."""
        out = np.empty_like(grad)
        for i, (p_i, g_i) in enumerate(zip(p, grad)):
            jacobian = np.diagflat(p_i) - np.outer(p_i, p_i)
            out[i] = jacobian @ g_i
        return out
