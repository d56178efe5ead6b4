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

__all__ = ["MLP"]


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
        self.layers = [
            Dense(p[f"{i}.W"], p[f"{i}.b"], g[f"{i}.W"], g[f"{i}.b"])
            for i in range(len(self.layer_sizes) - 1)
        ]
        self._workspaces: dict[int, list[np.ndarray]] = {}

    # Pickle only the flat vectors; the views are rebuilt so they still alias them.
    def __getstate__(self):
        state = self.__dict__.copy()
        del state["layers"], state["_workspaces"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._build_views()

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

    def has_dead_layer(self, X, chunk: int = 4096) -> bool:
        """Whether some hidden ReLU layer has no unit active on any row of ``X``.

        Then every row gives the same output: the network predicts a constant.
        Rows are pushed through in chunks, so memory stays small.
        """
        if self.activation != "relu" or len(self.layers) < 2:
            return False
        alive = [np.zeros(layer.W.shape[1], dtype=bool) for layer in self.layers[:-1]]
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, X.shape[0], chunk):
                a = X[start : start + chunk]
                for layer, seen in zip(self.layers[:-1], alive):
                    a = self.hidden.forward(layer.forward(a))
                    seen |= (a > 0).any(axis=0)
        return not all(seen.any() for seen in alive)

    # -- training: reuses per-batch-size buffers, one network per thread --
    def _workspace(self, n: int) -> list[np.ndarray]:
        """Activation and delta buffers for a batch of ``n`` rows, made once."""
        if n not in self._workspaces:
            widths = self.layer_sizes[1:]
            acts = [np.empty((n, w), dtype=self.dtype) for w in widths]
            deltas = [np.empty((n, w), dtype=self.dtype) for w in widths[:-1]]
            self._workspaces[n] = acts, deltas
        return self._workspaces[n]

    def loss_and_grad(
        self, X, y: np.ndarray, sample_weight=None, alpha: float = 0.0, eps=CLIP
    ):
        """Forward and backward pass on one batch; fills ``self.grads``.

        Returns ``(loss, stat)``: the (weighted) mean loss including the L2 term
        ``0.5 * alpha * sum(W**2) / sum(w)`` (MLPClassifier's scaling), and the
        head's additive statistic for the epoch metric, both from the forward pass
        before any update. ``eps`` is the clip of the head's loss value.
        """
        acts, deltas = self._workspace(X.shape[0])
        a = X
        for i, layer in enumerate(self.layers):
            a = layer.forward(a, out=acts[i])
            if i < len(self.layers) - 1:
                self.hidden.forward(a, out=a)
        loss, stat, delta = self.head.loss_and_grad(a, y, sample_weight, eps)

        for i in range(len(self.layers) - 1, -1, -1):
            inputs = X if i == 0 else acts[i - 1]
            dinputs = False if i == 0 else deltas[i - 1]
            delta = self.layers[i].backward(delta, inputs, dinputs)
            if i > 0:  # acts[i - 1] has served as inputs: reuse it as scratch
                self.hidden.backward(acts[i - 1], delta, overwrite_a=True)

        weight_sum = X.shape[0] if sample_weight is None else sample_weight.sum()
        if alpha and weight_sum > 0:
            penalty = 0.0
            for layer in self.layers:
                penalty += float(np.vdot(layer.W, layer.W))
                layer.dW += (alpha / weight_sum) * layer.W
            loss += 0.5 * alpha * penalty / weight_sum
        return loss, stat
