"""A multilayer perceptron: dense layers, one hidden activation, a task head."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..layout import ParamLayout
from .activations import ACTIVATIONS
from .heads import HEADS, SoftmaxCrossEntropy
from .initializers import initialize
from .layers import Dense
from .losses import CLIP

__all__ = ["MLP", "STACKED_INPUT_LIMIT"]

#: Largest batch copy (elements) the training path makes to append a column of
#: ones to the inputs: 2**20 (8 MiB in float64) keeps a full-batch fit on big
#: data from holding a second copy of X.
STACKED_INPUT_LIMIT = 2**20


def _with_ones(n: int, width: int, dtype) -> np.ndarray:
    """An ``(n, width + 1)`` buffer whose last column is 1."""
    buf = np.empty((n, width + 1), dtype=dtype)
    buf[:, -1] = 1
    return buf


class MLP:
    """Dense layers ``layer_sizes[0] -> ... -> layer_sizes[-1]`` with a task head.

    All weights live in one flat vector ``params`` (and their gradients in
    ``grads``); ``named_params()`` gives the per-name views (``"0.W"``, ``"0.b"``,
    ...). The head (:mod:`skspiral.network.heads`) owns the output activation, the
    loss and its fused gradient, and the metric; the network never looks inside.

    Parameters
    ----------
    layer_sizes : sequence of int
        Inputs, hidden widths, outputs.
    activation : {"relu", "tanh", "logistic", "identity"}
        Hidden activation.
    head : head class or name, default=SoftmaxCrossEntropy
        A head of :mod:`skspiral.network.heads`, or its ``out_activation`` name
        (``"softmax"``, ``"logistic"``, ``"identity"``).
    dtype : float32 or float64
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        head=SoftmaxCrossEntropy,
        dtype=np.float64,
    ):
        self.layer_sizes = tuple(int(s) for s in layer_sizes)
        self.activation = activation
        self.hidden = ACTIVATIONS[activation]
        self.head = HEADS[head] if isinstance(head, str) else head
        self.layout = ParamLayout.for_dense_stack(self.layer_sizes)
        self.params = self.layout.zeros(dtype)
        self.grads = self.layout.zeros(dtype)
        self._build_views()

    def _build_views(self) -> None:
        p, g = self.layout.views(self.params), self.layout.views(self.grads)
        Wb, dWb = self._stacked_views(self.params), self._stacked_views(self.grads)
        self.layers = [
            Dense(p[f"{i}.W"], p[f"{i}.b"], g[f"{i}.W"], g[f"{i}.b"], Wb[i], dWb[i])
            for i in range(len(self.layer_sizes) - 1)
        ]
        self._workspaces: dict[int, tuple] = {}

    def _stacked_views(self, flat: np.ndarray) -> list[np.ndarray]:
        """``[W; b]`` of each layer: the layout stores ``"i.b"`` right after
        ``"i.W"``, so the pair is one ``(fan_in + 1, fan_out)`` block of ``flat``."""
        views, start = [], 0
        for fan_in, fan_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            size = (fan_in + 1) * fan_out
            views.append(flat[start : start + size].reshape(fan_in + 1, fan_out))
            start += size
        return views

    # Pickle only the flat vectors; the views are rebuilt so they still alias them.
    def __getstate__(self):
        state = self.__dict__.copy()
        del state["layers"], state["_workspaces"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._build_views()

    def copy(self) -> MLP:
        """An independent copy: its own weights, gradients and buffers.

        (What ``copy.deepcopy`` gives, at a third of its cost: ~20 us, paid by
        every ``partial_fit`` call.)
        """
        state = self.__getstate__()
        state["params"], state["grads"] = self.params.copy(), self.grads.copy()
        twin = object.__new__(MLP)
        twin.__setstate__(state)
        return twin

    @property
    def dtype(self):
        return self.params.dtype

    def named_params(self) -> dict[str, np.ndarray]:
        return self.layout.views(self.params)

    def named_grads(self) -> dict[str, np.ndarray]:
        return self.layout.views(self.grads)

    @property
    def coefs(self) -> list[np.ndarray]:
        return [layer.W for layer in self.layers]

    @property
    def intercepts(self) -> list[np.ndarray]:
        return [layer.b for layer in self.layers]

    def initialize(self, scheme: str, rng: np.random.RandomState) -> None:
        """Draw the weights layer by layer from ``rng`` (see ``initializers``)."""
        initialize(self.coefs, self.intercepts, scheme, self.activation, rng)

    # -- inference: allocates fresh arrays, so it is safe from several threads --
    def forward(self, X) -> np.ndarray:
        """Output-layer values before the head's output activation."""
        a = X
        for i, layer in enumerate(self.layers):
            a = layer.forward(a)
            if i < len(self.layers) - 1:
                self.hidden.forward(a, out=a)
        return a

    def evaluate(self, X, y: np.ndarray, sample_weight=None) -> tuple[float, float]:
        """Mean loss (no L2 term) and the head's metric on ``(X, y)``."""
        z = self.forward(X)
        return self.head.loss(z, y, sample_weight), self.head.score(z, y, sample_weight)

    def has_dead_layer(self, X, chunk: int = 256) -> bool:
        """Whether some hidden ReLU layer has no unit active on any row of ``X``.

        Then every row gives the same output: the network predicts a constant.
        Rows are pushed through in small chunks, so the check adds no memory
        worth measuring to a fit (a layer's activations for 256 rows).
        """
        if self.activation != "relu" or len(self.layers) < 2:
            return False
        alive = [np.zeros(layer.W.shape[1], dtype=bool) for layer in self.layers[:-1]]
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, X.shape[0], chunk):
                a = X[start : start + chunk]
                for layer, seen in zip(self.layers[:-1], alive):
                    a = layer.forward(a)
                    self.hidden.forward(a, out=a)
                    seen |= (a > 0).any(axis=0)
        return not all(seen.any() for seen in alive)

    # -- training: reuses per-batch-size buffers, one network per thread --
    def _workspace(self, n: int) -> tuple:
        """Buffers for ``n`` rows, made once: ``(inputs_1, acts, deltas, outs)``.

        Hidden activations and their deltas get one extra last column, kept at 1
        in the activations, so each layer's bias rides in its GEMM (see
        ``Dense.forward_stacked``). ``inputs_1`` holds a copy of the batch with
        its column of ones, or is None when that copy would exceed
        ``STACKED_INPUT_LIMIT`` elements (then the first layer adds its bias
        itself, and no large copy of the data is made).
        """
        if n not in self._workspaces:
            d, *hidden, k = self.layer_sizes
            acts = [_with_ones(n, w, self.dtype) for w in hidden]
            acts.append(np.empty((n, k), dtype=self.dtype))
            deltas = [np.empty((n, w + 1), dtype=self.dtype) for w in hidden]
            small = n * (d + 1) <= STACKED_INPUT_LIMIT
            inputs_1 = _with_ones(n, d, self.dtype) if small else None
            # The GEMMs' targets: each hidden buffer without its ones column.
            outs = [a[:, :-1] for a in acts[:-1]] + [acts[-1]]
            self._workspaces[n] = inputs_1, acts, deltas, outs
        return self._workspaces[n]

    def input_buffer(self, n: int) -> np.ndarray:
        """The training buffer for a batch of ``n`` rows and its column of ones.

        Write a batch into ``buffer[:, :-1]`` and pass the whole buffer to
        ``loss_and_grad(..., has_ones=True)``; the next such call may overwrite
        it. A loop that copies its batches anyway (shuffled rows) gets one at
        any size: ``STACKED_INPUT_LIMIT`` only bounds the copies made to add
        the column.
        """
        inputs_1, acts, deltas, outs = self._workspace(n)
        if inputs_1 is None:
            inputs_1 = _with_ones(n, self.layer_sizes[0], self.dtype)
            self._workspaces[n] = inputs_1, acts, deltas, outs
        return inputs_1

    def with_ones(self, X) -> np.ndarray | None:
        """``X`` with a last column of ones, for ``loss_and_grad(..., has_ones=True)``.

        A loop training on the same full batch every epoch makes this copy once
        instead of once per step. None if ``X`` is sparse or the copy would exceed
        ``STACKED_INPUT_LIMIT`` elements.
        """
        if not isinstance(X, np.ndarray) or X.size + len(X) > STACKED_INPUT_LIMIT:
            return None
        X_1 = _with_ones(X.shape[0], X.shape[1], self.dtype)
        X_1[:, :-1] = X
        return X_1

    def loss_and_grad(
        self,
        X,
        y: np.ndarray,
        sample_weight=None,
        alpha: float = 0.0,
        eps=CLIP,
        has_ones: bool = False,
    ):
        """Forward and backward pass on one batch; fills ``self.grads``.

        Returns ``(loss, stat)``: the (weighted) mean loss including the L2 term
        ``0.5 * alpha * sum(W**2) / sum(w)`` (MLPClassifier's scaling), and the
        head's additive statistic for the epoch metric, both from the forward pass
        before any update. ``eps`` is the clip of the head's loss value;
        ``has_ones``: ``X`` is ``with_ones(X)``.
        """
        inputs_1, acts, deltas, outs = self._workspace(X.shape[0])
        stacked = has_ones or (inputs_1 is not None and isinstance(X, np.ndarray))
        if stacked and not has_ones:
            inputs_1[:, :-1] = X
            X = inputs_1  # from here on X carries its column of ones
        last, a = len(self.layers) - 1, X
        for i, layer in enumerate(self.layers):
            if i == 0 and not stacked:  # sparse or large X: adds its own bias
                layer.forward(a, out=outs[i])
            else:
                layer.forward_stacked(a, out=outs[i])
            if i < last:
                self.hidden.forward(acts[i], out=acts[i])  # whole buffer: contiguous
                if not getattr(self.hidden, "keeps_one", False):  # tanh(1) != 1
                    acts[i][:, -1] = 1
            a = acts[i]
        loss, stat, delta = self.head.loss_and_grad(a, y, sample_weight, eps)

        for i in range(last, 0, -1):
            self.layers[i].backward_stacked(delta, acts[i - 1], deltas[i - 1])
            # acts[i - 1] has served as inputs: reuse it as scratch
            self.hidden.backward(acts[i - 1], deltas[i - 1], overwrite_a=True)
            delta = deltas[i - 1][:, :-1]  # (a view; its ones column is unused)
        if stacked:
            self.layers[0].backward_stacked(delta, X, False)
        else:
            self.layers[0].backward(delta, X, False)

        weight_sum = X.shape[0] if sample_weight is None else sample_weight.sum()
        if alpha and weight_sum > 0:
            penalty = 0.0
            for layer in self.layers:
                penalty += float(np.vdot(layer.W, layer.W))
                layer.dW += (alpha / weight_sum) * layer.W
            loss += 0.5 * alpha * penalty / weight_sum
        return loss, stat
