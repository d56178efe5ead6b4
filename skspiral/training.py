"""The training loop: ``Trainer.fit -> train_epoch -> train_step``.

Plain NumPy: it trains an :class:`~skspiral.network.MLP` with an optimizer on arrays
of integer class indices, and knows nothing of scikit-learn. The estimator
(:mod:`skspiral.estimator`) validates inputs and calls it.

For full batch, epoch ``k``'s recorded loss and accuracy are those of its forward
pass, before its update, as the book prints them; its recorded learning rate is
the one its (first) update used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields

import numpy as np

from .network import MLP
from .optimizers import Optimizer, OptimizerState

__all__ = ["DivergenceError", "History", "StoppingMonitor", "Trainer"]


class DivergenceError(FloatingPointError):
    """The loss or the weights stopped being finite."""


@dataclass
class History:
    """Per-epoch records, one entry per epoch in each list.

    ``loss`` is the (sample-weighted) mean loss; ``accuracy`` the unweighted share of
    rows classified correctly during the epoch's forward passes.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[float]]:
        out = {"loss": self.loss, "accuracy": self.accuracy}
        out["learning_rate"] = self.learning_rate
        if self.val_loss:
            out.update(val_loss=self.val_loss, val_accuracy=self.val_accuracy)
        return out

    def copy(self) -> History:
        """An independent copy; the entries are floats, so list copies suffice.

        (``copy.deepcopy`` visits every float: it made ``partial_fit`` quadratic
        in the number of epochs recorded.)
        """
        return History(*(list(getattr(self, f.name)) for f in fields(self)))


@dataclass
class StoppingMonitor:
    """MLPClassifier's rule: stop after ``n_iter_no_change`` epochs without a gain
    of ``tol`` in training loss (or validation accuracy, with a validation set).

    With a validation set the best weights seen are kept in ``best_params``.
    """

    tol: float = 1e-4
    n_iter_no_change: int = 10
    best_loss: float = np.inf
    best_score: float = -np.inf
    no_improvement_count: int = 0
    best_params: np.ndarray | None = None

    def update(self, loss: float, score: float | None, params: np.ndarray) -> bool:
        """Record an epoch; return True when training should stop."""
        if score is None:
            worse = loss > self.best_loss - self.tol
            self.best_loss = min(self.best_loss, loss)
        else:
            worse = score < self.best_score + self.tol
            if score > self.best_score:
                self.best_score = score
                self.best_params = params.copy()
            self.best_loss = min(self.best_loss, loss)
        self.no_improvement_count = self.no_improvement_count + 1 if worse else 0
        return self.no_improvement_count > self.n_iter_no_change


class Trainer:
    """Trains ``network`` in place with ``optimizer``, whose state is ``state``.

    Parameters
    ----------
    network : MLP
    optimizer : Optimizer
    state : OptimizerState
        From ``optimizer.init_state(network.params, network.layout)``, or a
        previous run's to continue it.
    batch_size : int or None
        Rows per step; None for full batch.
    shuffle : bool
        Reshuffle the rows every epoch with ``rng``.
    rng : numpy.random.RandomState, optional
    alpha : float
        L2 penalty on the weights.
    """

    def __init__(
        self,
        network: MLP,
        optimizer: Optimizer,
        state: OptimizerState,
        *,
        batch_size: int | None = None,
        shuffle: bool = False,
        rng: np.random.RandomState | None = None,
        alpha: float = 0.0,
    ):
        self.network, self.optimizer, self.state = network, optimizer, state
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng
        self.alpha = alpha
        self._batch_buffers: dict[int, np.ndarray] = {}

    def train_step(self, X, y, sample_weight=None) -> tuple[float, int, float]:
        """One forward/backward pass and update; ``(loss, n_correct, lr)``."""
        net = self.network
        loss, n_correct = net.loss_and_grad(X, y, sample_weight, self.alpha)
        if not math.isfinite(loss):  # a Python float: math is ~5x cheaper than np
            self._diverged("the loss became " + str(loss))
        lr = self.optimizer.step(net.params, net.grads, self.state)
        return loss, n_correct, lr

    def train_epoch(self, X, y, sample_weight=None) -> tuple[float, float, float]:
        """One pass over the data; ``(mean loss, accuracy, first learning rate)``."""
        n = X.shape[0]
        batch = n if self.batch_size is None else min(self.batch_size, n)
        order = self.rng.permutation(n) if self.shuffle and batch < n else None
        total_loss, total_correct, first_lr = 0.0, 0, None
        for start in range(0, n, batch):
            rows = slice(start, min(start + batch, n))
            Xb, yb, wb = self._take(X, y, sample_weight, rows, order)
            loss, n_correct, lr = self.train_step(Xb, yb, wb)
            weight = Xb.shape[0] if wb is None else float(wb.sum())
            total_loss += loss * weight
            total_correct += n_correct
            first_lr = lr if first_lr is None else first_lr
        if not np.isfinite(self.network.params).all():
            self._diverged("the weights became NaN or infinite")
        total_weight = n if sample_weight is None else float(sample_weight.sum())
        return total_loss / total_weight, total_correct / n, first_lr

    def _take(self, X, y, sample_weight, rows: slice, order):
        """Batch ``rows`` (of the shuffled ``order``), copied into a reused buffer."""
        if order is None:
            w = None if sample_weight is None else sample_weight[rows]
            return X[rows], y[rows], w
        idx = order[rows]
        w = None if sample_weight is None else sample_weight[idx]
        if not isinstance(X, np.ndarray):  # sparse
            return X[idx], y[idx], w
        buf = self._batch_buffers.get(len(idx))
        if buf is None:  # one buffer per batch size, reused every step on purpose
            buf = self._batch_buffers[len(idx)] = np.empty(
                (len(idx), X.shape[1]), dtype=X.dtype
            )
        return np.take(X, idx, axis=0, out=buf), y[idx], w

    def fit(
        self,
        X,
        y: np.ndarray,
        sample_weight=None,
        *,
        epochs: int,
        history: History | None = None,
        monitor: StoppingMonitor | None = None,
        validation: tuple | None = None,
        on_epoch: Callable[[int, History], None] | None = None,
    ) -> tuple[History, str]:
        """Train for up to ``epochs`` epochs.

        Returns the history and why training ended: ``"max_iter"``,
        ``"converged"`` (the monitor fired) or ``"interrupted"`` (Ctrl-C: the
        weights trained so far are kept). Raises :class:`DivergenceError` if the
        loss or weights stop being finite.
        """
        history = History() if history is None else history
        reason = "max_iter"
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                for _ in range(epochs):
                    loss, accuracy, lr = self.train_epoch(X, y, sample_weight)
                    history.loss.append(loss)
                    history.accuracy.append(accuracy)
                    history.learning_rate.append(lr)
                    score = None
                    if validation is not None:
                        val_loss, score = self.network.evaluate(*validation)
                        history.val_loss.append(val_loss)
                        history.val_accuracy.append(score)
                    if on_epoch is not None:
                        on_epoch(len(history.loss) - 1, history)
                    if monitor is not None and monitor.update(
                        loss, score, self.network.params
                    ):
                        reason = "converged"
                        break
        except KeyboardInterrupt:
            reason = "interrupted"
            if not np.isfinite(self.network.params).all():
                self._diverged("the weights became NaN or infinite")
        return history, reason

    def _diverged(self, what: str):
        raise DivergenceError(
            f"Training diverged at optimizer step {self.state.t}: {what}. "
            f"Try a smaller learning_rate (it was {self.optimizer.learning_rate!r})."
        )
