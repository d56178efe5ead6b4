"""The training loop: ``Trainer.fit -> train_epoch -> train_step``, plus callbacks.

Plain NumPy: it trains an :class:`~skspiral.network.MLP` with an optimizer and
knows nothing of scikit-learn, of classes or of accuracy (the network's head
computes the metric). Everything besides training (stopping, printing, restoring
the best weights, the divergence check) is a callback in
:mod:`skspiral.training.callbacks`.

For full batch, epoch ``k``'s recorded loss and metric are those of its forward
pass, before its update, as the book prints them; its recorded learning rate is
the one its (first) update used.
"""

from __future__ import annotations

import numpy as np

from ..network import MLP
from ..optimizers import Optimizer, OptimizerState
from .callbacks import Callback
from .history import History

__all__ = ["Trainer"]


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
    callbacks : sequence of Callback
    tol : float
        Tolerance handed to optimizers that drive their own iterations
        (``needs_closure``, such as L-BFGS).
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
        callbacks=(),
        tol: float = 1e-4,
    ):
        self.network, self.optimizer, self.state = network, optimizer, state
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng
        self.alpha, self.tol = alpha, tol
        self.callbacks = list(callbacks)

    def train_step(
        self, X, y, sample_weight=None, has_ones: bool = False
    ) -> tuple[float, object, float]:
        """One forward/backward pass and update; ``(loss, head statistic, lr)``.

        ``has_ones``: ``X`` comes from ``network.with_ones`` (see there).
        """
        net = self.network
        loss, stat = net.loss_and_grad(
            X, y, sample_weight, self.alpha, has_ones=has_ones
        )
        lr = self.optimizer.step(net.params, net.grads, self.state)
        return loss, stat, lr

    def train_epoch(self, X, y, sample_weight=None) -> tuple[float, float, float]:
        """One pass over the data; ``(mean loss, metric, first learning rate)``."""
        n = X.shape[0]
        batch = n if self.batch_size is None else min(self.batch_size, n)
        if batch == n:  # one full batch: no slicing, no shuffle (it could only
            return self._full_batch_epoch(X, y, sample_weight)  # reorder a sum)
        order = self.rng.permutation(n) if self.shuffle else None
        on_batch = self._batch_callbacks
        total_loss, total_stat, first_lr = 0.0, 0, None
        for start in range(0, n, batch):
            rows = slice(start, min(start + batch, n))
            Xb, yb, wb, has_ones = self._take(X, y, sample_weight, rows, order)
            loss, stat, lr = self.train_step(Xb, yb, wb, has_ones)
            weight = Xb.shape[0] if wb is None else float(wb.sum())
            total_loss += loss * weight
            total_stat += stat
            first_lr = lr if first_lr is None else first_lr
            for callback in on_batch:
                callback.on_batch_end(self, loss)
        total_weight = n if sample_weight is None else float(sample_weight.sum())
        metric = self.network.head.epoch_metric(total_stat, y)
        return total_loss / total_weight, metric, first_lr

    def _full_batch_epoch(self, X, y, sample_weight) -> tuple[float, float, float]:
        """``train_epoch`` for one batch; the loss goes through the same
        ``loss * weight / weight`` as in the loop over batches."""
        own = X is self.data[0]  # the fit's data: its ones column is appended once
        if own and self._data_with_ones is None:  # a 1-tuple; it may hold None
            self._data_with_ones = (self.network.with_ones(X),)
        X_1 = self._data_with_ones[0] if own else None
        has_ones = X_1 is not None
        loss, stat, lr = self.train_step(
            X_1 if has_ones else X, y, sample_weight, has_ones
        )
        for callback in self._batch_callbacks:
            callback.on_batch_end(self, loss)
        weight = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        metric = self.network.head.epoch_metric(stat, y)
        return loss * weight / weight, metric, lr

    def _take(self, X, y, sample_weight, rows: slice, order):
        """Batch ``rows`` (of the shuffled ``order``): ``(X, y, w, has_ones)``.

        Shuffled dense rows are copied straight into the network's input buffer,
        next to its column of ones (``MLP.input_buffer``), so a batch is copied
        once and no second buffer of its size is held.
        """
        if order is None:
            w = None if sample_weight is None else sample_weight[rows]
            return X[rows], y[rows], w, False
        idx = order[rows]
        w = None if sample_weight is None else sample_weight[idx]
        if not isinstance(X, np.ndarray):  # sparse
            return X[idx], y[idx], w, False
        X_1 = self.network.input_buffer(len(idx))
        # take's mode="clip" (a no-op on a permutation's indices) writes into a
        # contiguous ``out`` directly, where "raise" buffers (2.4x slower for
        # 256 x 256); the method skips np.take's Python wrapper (~0.6 us).
        X.take(idx, axis=0, out=X_1[:, :-1], mode="clip")
        return X_1, y[idx], w, True

    def fit(
        self,
        X,
        y: np.ndarray,
        sample_weight=None,
        *,
        epochs: int,
        history: History | None = None,
        validation: tuple | None = None,
    ) -> tuple[History, str]:
        """Train for up to ``epochs`` epochs (closure optimizers: iterations).

        Returns the history and why training ended: ``"max_iter"``, the
        ``stop_reason`` of the callback that stopped it (``"converged"``), or
        ``"interrupted"`` (Ctrl-C after at least one completed epoch: the weights
        and optimizer state of the last completed epoch are kept). Ctrl-C before
        any epoch completes re-raises ``KeyboardInterrupt``. ``X`` must not change
        during the call: a full batch is copied once, with its column of ones.
        """
        self.history = History() if history is None else history
        self.data, self.validation = (X, y, sample_weight), validation
        self._data_with_ones = None  # made by the first full-batch epoch
        # Hooks left as the base class's no-ops are not called: at the book's size
        # an epoch is ~0.1 ms, and each call of a Python method costs ~0.1 us.
        self._batch_callbacks = _overriding(self.callbacks, Callback, "on_batch_end")
        self._begin_callbacks = _overriding(self.callbacks, Callback, "on_epoch_begin")
        self._switches_modes = bool(
            _overriding([self.optimizer], Optimizer, "eval_mode")
            or _overriding([self.optimizer], Optimizer, "train_mode")
        )
        self.optimizer.train_mode(self.network.params, self.state)
        for callback in self.callbacks:
            callback.on_train_begin(self)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if self.optimizer.needs_closure:
                reason = self._run_closure(epochs)
            else:
                reason = self._run_epochs(epochs)
        self.optimizer.eval_mode(self.network.params, self.state)
        for callback in self.callbacks:
            callback.on_train_end(self, reason)
        return self.history, reason

    def _run_epochs(self, epochs: int) -> str:
        checkpoint = _Checkpoint(self.network.params, self.state)
        first = len(self.history)  # each epoch appends one record
        try:
            for epoch in range(first, first + epochs):
                for callback in self._begin_callbacks:
                    callback.on_epoch_begin(self, epoch)
                loss, metric, lr = self.train_epoch(*self.data)
                logs = {"loss": loss, self.network.head.metric_name: metric}
                logs["learning_rate"] = lr
                stop = self._end_epoch(epoch, logs)
                checkpoint.save()
                if stop is not None:
                    return stop
        except KeyboardInterrupt:
            if not checkpoint.saved:
                raise
            checkpoint.restore()
            return "interrupted"
        return "max_iter"

    def _end_epoch(self, epoch: int, logs: dict) -> str | None:
        """Validation records, history, callbacks; the stop reason, if any."""
        params, state = self.network.params, self.state
        if self._switches_modes:
            self.optimizer.eval_mode(params, state)
        try:
            if self.validation is not None:
                val_loss, val_metric = self.network.evaluate(*self.validation)
                logs["val_loss"] = val_loss
                logs["val_" + self.network.head.metric_name] = val_metric
            self.history.append(logs)
            stop = None
            for callback in self.callbacks:
                if callback.on_epoch_end(self, epoch, logs) and stop is None:
                    stop = callback.stop_reason
        finally:
            if self._switches_modes:
                self.optimizer.train_mode(params, state)
        return stop

    def _run_closure(self, max_iter: int) -> str:
        """Hand the whole objective to an optimizer that drives its own iterations."""
        net, (X, y, sample_weight) = self.network, self.data
        outcome = {"stop": None, "epochs": 0, "stat": 0}

        eps = float(np.finfo(net.dtype).eps)  # the loss value MLPClassifier reports

        def objective(flat: np.ndarray):
            net.params[...] = flat
            loss, outcome["stat"] = net.loss_and_grad(
                X, y, sample_weight, self.alpha, eps
            )
            return loss, net.grads.copy()

        def on_iteration(loss: float) -> bool:
            epoch = len(self.history)
            for callback in self._begin_callbacks:  # an iteration is an epoch
                callback.on_epoch_begin(self, epoch)
            # The iterate is the point the objective was last evaluated at (the
            # line search's accepted one), so its statistic is the metric's.
            metric = net.head.epoch_metric(outcome["stat"], y)
            logs = {"loss": loss, net.head.metric_name: metric, "learning_rate": 0.0}
            outcome["epochs"] += 1
            outcome["stop"] = self._end_epoch(epoch, logs)
            return outcome["stop"] is not None

        before = net.params.copy()
        try:
            reason = self.optimizer.minimize(
                objective,
                net.params,
                self.state,
                max_iter=max_iter,
                tol=self.tol,
                callback=on_iteration,
            )
        except KeyboardInterrupt:
            if not outcome["epochs"]:
                net.params[...] = before
                raise
            return "interrupted"
        return outcome["stop"] or reason


def _overriding(objects, base: type, hook: str) -> list:
    """The objects whose class overrides ``base``'s method ``hook``."""
    default = getattr(base, hook)
    return [obj for obj in objects if getattr(type(obj), hook) is not default]


class _Checkpoint:
    """The weights and optimizer state at the end of the last completed epoch.

    Copied into buffers made once, so saving costs a few memory copies per epoch;
    restoring after Ctrl-C leaves no half-done epoch (or half-done step) behind.
    The (array, copy) pairs are listed once and again only if the optimizer adds
    a slot array: at the book's size the bookkeeping, not the copying, is the cost.
    """

    def __init__(self, params: np.ndarray, state: OptimizerState):
        self.params, self.state, self.saved = params, state, False
        self._pairs: list[tuple[np.ndarray, np.ndarray]] = []
        self._key: tuple | None = None  # (no slots at all is a key too)
        self._t, self._info = state.t, dict(state.info)

    def save(self) -> None:
        slots = self.state.slots
        key = tuple(map(id, slots.values()))  # (the arrays listed stay alive)
        if key != self._key:
            self._key, arrays = key, [self.params, *slots.values()]
            self._pairs = [(a, np.empty_like(a)) for a in arrays]
        for array, copy in self._pairs:
            copy[...] = array
        self._t, self._info, self.saved = self.state.t, dict(self.state.info), True

    def restore(self) -> None:
        for array, copy in self._pairs:
            array[...] = copy
        self.state.t, self.state.info = self._t, dict(self._info)
