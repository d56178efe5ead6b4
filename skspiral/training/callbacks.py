"""Callbacks: what the training loop does at fixed points, besides training.

The loop (:class:`~skspiral.training.Trainer`) calls every callback in its list at
the start and end of training and of each epoch (and after each batch for those
that define ``on_batch_end``). ``on_epoch_end`` returning True stops training;
the callback's ``stop_reason`` says why. Stopping on a plateau, early stopping with
the best weights restored, reduce-on-plateau schedules, the verbose printer and
the divergence guard are all callbacks, as in skorch and Keras.

During ``on_epoch_end`` the network holds the weights to evaluate (see
``Optimizer.eval_mode``), so a callback may predict with them.

Writing one: subclass :class:`Callback` and override the hooks you need.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "Callback",
    "DivergenceError",
    "DivergenceGuard",
    "EarlyStopping",
    "LossPlateauStopping",
    "PlateauScheduleDriver",
    "VerbosePrinter",
]


class DivergenceError(FloatingPointError):
    """The loss or the weights stopped being finite."""


class Callback:
    """Base class; every hook does nothing."""

    stop_reason = "stopped"

    def on_train_begin(self, trainer) -> None:
        """Before the first epoch of a ``Trainer.fit`` call."""

    def on_epoch_begin(self, trainer, epoch: int) -> None:
        """Before epoch ``epoch`` (counted over the whole history, from 0)."""

    def on_batch_end(self, trainer, loss: float) -> None:
        """After each optimizer step (only called when overridden)."""

    def on_epoch_end(self, trainer, epoch: int, logs: dict) -> bool | None:
        """After the epoch, with its records; return True to stop training."""

    def on_train_end(self, trainer, reason: str) -> None:
        """After the last epoch; ``reason`` is why training ended."""


class LossPlateauStopping(Callback):
    """MLPClassifier's rule: stop after ``n_iter_no_change`` epochs in a row whose
    training loss is not ``tol`` below the best so far."""

    stop_reason = "converged"

    def __init__(self, tol: float = 1e-4, n_iter_no_change: float = 10):
        self.tol, self.n_iter_no_change = tol, n_iter_no_change
        self.best_loss, self.no_improvement_count = np.inf, 0

    def on_epoch_end(self, trainer, epoch, logs):
        loss = logs["loss"]
        worse = loss > self.best_loss - self.tol
        self.best_loss = min(self.best_loss, loss)
        self.no_improvement_count = self.no_improvement_count + 1 if worse else 0
        return self.no_improvement_count > self.n_iter_no_change


class EarlyStopping(Callback):
    """Stop on the validation metric and restore the best weights at the end.

    MLPClassifier's ``early_stopping=True`` rule: an epoch counts as no
    improvement when ``val_<metric>`` is below the best plus ``tol``; training
    stops after more than ``n_iter_no_change`` such epochs in a row. Each fit
    starts its own record (a warm start does not inherit the previous best).
    """

    stop_reason = "converged"

    def __init__(self, metric: str, tol: float = 1e-4, n_iter_no_change=10):
        self.key, self.tol, self.n_iter_no_change = (
            f"val_{metric}",
            tol,
            n_iter_no_change,
        )
        self.best_score, self.no_improvement_count = -np.inf, 0
        self.best_params: np.ndarray | None = None

    def on_epoch_end(self, trainer, epoch, logs):
        score = logs[self.key]
        worse = score < self.best_score + self.tol
        if score > self.best_score:
            self.best_score = score
            self.best_params = trainer.network.params.copy()
        self.no_improvement_count = self.no_improvement_count + 1 if worse else 0
        return self.no_improvement_count > self.n_iter_no_change

    def on_train_end(self, trainer, reason):
        if self.best_params is not None:
            trainer.network.params[...] = self.best_params


class PlateauScheduleDriver(Callback):
    """Feeds each epoch's loss (or negated validation score) to a schedule.

    The schedule's ``observe(value) -> bool`` lowers its rate after a plateau and
    returns True when the rate has fallen below its floor, which stops training
    (MLPClassifier's ``learning_rate="adaptive"``).
    """

    stop_reason = "converged"

    def __init__(self, schedule, key: str = "loss", negate: bool = False):
        self.schedule, self.key, self.sign = schedule, key, -1.0 if negate else 1.0

    def on_epoch_end(self, trainer, epoch, logs):
        return bool(self.schedule.observe(self.sign * logs[self.key]))


class VerbosePrinter(Callback):
    """Prints the book's progress line every ``every`` epochs and at ``last``."""

    def __init__(self, every: int, last: int, metric: str):
        self.every, self.last = max(1, int(every)), last
        self.short = {"accuracy": "acc"}.get(metric, metric)
        self.metric = metric

    def on_epoch_end(self, trainer, epoch, logs):
        if epoch % self.every and epoch != self.last:
            return None
        line = (
            f"epoch: {epoch}, {self.short}: {logs[self.metric]:.3f}, "
            f"loss: {logs['loss']:.3f}, lr: {logs['learning_rate']}"
        )
        if f"val_{self.metric}" in logs:
            line += f", val_{self.short}: {logs[f'val_{self.metric}']:.3f}"
        print(line, flush=True)
        return None


class DivergenceGuard(Callback):
    """Raises :class:`DivergenceError` once the loss or the weights are not finite.

    It tells the two causes apart: if the loss is not even finite at the weights
    training started from, the inputs (or sample weights) overflow the arithmetic
    and no learning rate can help; otherwise the steps were too large.
    """

    def on_train_begin(self, trainer):
        self.start = trainer.network.params.copy()
        self.start_step = trainer.state.t

    def on_epoch_end(self, trainer, epoch, logs):
        params, finite_loss = trainer.network.params, math.isfinite(logs["loss"])
        # A sum is finite only if every term is (a NaN or an infinity carries
        # through it): one reduction instead of isfinite plus all, which is
        # asked only when the sum overflowed.
        if finite_loss and (
            math.isfinite(np.add.reduce(params)) or np.isfinite(params).all()
        ):
            return None
        what = "the weights" if finite_loss else "the loss"
        raise DivergenceError(self._message(trainer, what))

    def _message(self, trainer, what: str) -> str:
        X, y, sample_weight = trainer.data
        net = trainer.network
        current = net.params.copy()
        net.params[...] = self.start
        try:
            with np.errstate(all="ignore"):
                start_loss = net.evaluate(X, y, sample_weight)[0]
        finally:
            net.params[...] = current
        fresh = self.start_step == 0  # weights as drawn, not as trained so far
        # Inputs whose squares overflow make the first steps overflow whatever the
        # learning rate; so does a loss that is not finite at the drawn weights.
        limit = np.sqrt(np.finfo(self.start.dtype).max)
        scale = max(_largest_abs(X), _largest_abs(sample_weight))
        inputs_fine = scale < limit and math.isfinite(start_loss)
        if not fresh or (inputs_fine and np.isfinite(self.start).all()):
            return (
                f"Training diverged at optimizer step {trainer.state.t}: {what} became "
                "NaN or infinite. Try a smaller learning_rate (it was "
                f"{trainer.optimizer.learning_rate!r})."
            )
        largest_x = _largest_abs(X)
        largest_w = float(np.max(np.abs(self.start))) if self.start.size else 0.0
        weights = ""
        if sample_weight is not None:
            weights = f", largest sample_weight {float(np.max(sample_weight)):.3g}"
        return (
            f"Training diverged at its first step (optimizer step {self.start_step}): "
            "the loss is not finite even at the starting weights, so the input scale "
            f"overflows the arithmetic (largest |x| {largest_x:.3g}, largest |weight| "
            f"{largest_w:.3g}{weights}). Scale the features (e.g. StandardScaler) "
            "or the sample weights; a smaller learning rate cannot fix this."
        )


def _largest_abs(X) -> float:
    if X is None:
        return 0.0
    data = X.data if hasattr(X, "data") and not isinstance(X, np.ndarray) else X
    with np.errstate(all="ignore"):
        return float(np.max(np.abs(data))) if np.size(data) else 0.0
