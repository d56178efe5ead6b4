"""Reduce-on-plateau: the one schedule that follows the loss, not the step count."""

from __future__ import annotations

import math

from .._checks import check_int, check_non_negative, check_positive
from .base import Schedule

__all__ = ["ReduceOnPlateau"]


class ReduceOnPlateau(Schedule):
    """MLPClassifier's ``learning_rate="adaptive"``: divide the rate by ``divide_by``
    after more than ``n_iter_no_change`` epochs without a ``tol`` gain in loss.

    The training loop feeds it one loss per epoch through :meth:`observe`;
    ``__call__`` ignores the step and returns the current rate. After each epoch::

        if loss > best_loss - tol:  count += 1   else: count = 0
        best_loss = min(best_loss, loss)
        if count > n_iter_no_change:
            if rate <= min_learning_rate: stop training
            else: rate = rate / divide_by; count = 0

    exactly scikit-learn's ``_update_no_improvement_count`` followed by
    ``SGDOptimizer.trigger_stopping`` (defaults: 10, 1e-4, 5, 1e-6). To follow a
    validation score instead (scikit-learn's ``early_stopping=True``), observe
    ``-score``: the rule is then the same as scikit-learn's on the score.

    PyTorch: ``ReduceLROnPlateau(opt, mode="min", factor=1 / divide_by,
    patience=n_iter_no_change, threshold=tol, threshold_mode="abs")``, which counts
    a loss exactly ``tol`` below the best as no gain, multiplies by ``factor`` and
    never stops training. Keras: ``ReduceLROnPlateau`` callback (``min_delta=tol``).
    optax: ``contrib.reduce_on_plateau`` (relative tolerance by default).

    Parameters
    ----------
    learning_rate : float, default=0.001
        The starting rate.
    n_iter_no_change : int, default=10
    tol : float, default=1e-4
    divide_by : float, default=5.0
        Greater than 1. (PyTorch's and Keras' ``factor`` is its reciprocal.)
    min_learning_rate : float, default=1e-6
        A plateau reached at or below this rate stops training instead.

    Attributes
    ----------
    current_rate_ : float
    best_loss_ : float
    no_improvement_count_ : int
        The running state. It is not a setting: ``get_params``, equality and
        ``clone`` ignore it, ``set_params`` and :meth:`reset` restart it, pickling
        and ``copy.deepcopy`` keep it.

    Notes
    -----
    How a training loop drives it: call :meth:`reset` when a fresh fit begins
    (not when continuing one), then ``if schedule.observe(epoch_loss): stop``
    after each epoch. An optimizer keeps its own copy of the schedule it is given,
    so the instance to drive is ``optimizer.learning_rate``.

    Examples
    --------
    >>> from skspiral.schedules import ReduceOnPlateau
    >>> s = ReduceOnPlateau(0.1, n_iter_no_change=1, tol=0.1)
    >>> [s.observe(loss) for loss in (1.0, 1.0, 1.0)], s(0)
    ([False, False, False], 0.02)
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        divide_by: float = 5.0,
        min_learning_rate: float = 1e-6,
    ):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.n_iter_no_change = check_int("n_iter_no_change", n_iter_no_change, 1)
        self.tol = check_non_negative("tol", tol)
        self.divide_by = check_positive("divide_by", divide_by)
        if self.divide_by <= 1:
            raise ValueError(
                f"divide_by must be > 1 (the rate is divided by it), got {divide_by!r};"
                " PyTorch's factor=0.1 is divide_by=10."
            )
        self.min_learning_rate = check_non_negative(
            "min_learning_rate", min_learning_rate
        )
        self.reset()

    def reset(self) -> None:
        """Back to ``learning_rate``, with no loss seen yet."""
        self.current_rate_ = self.learning_rate
        self.best_loss_ = math.inf
        self.no_improvement_count_ = 0

    def observe(self, loss: float) -> bool:
        """Record an epoch's loss; return True when training should stop.

        It may lower the rate that the next calls return.
        """
        if loss > self.best_loss_ - self.tol:
            self.no_improvement_count_ += 1
        else:
            self.no_improvement_count_ = 0
        if loss < self.best_loss_:
            self.best_loss_ = loss
        if self.no_improvement_count_ > self.n_iter_no_change:
            if self.current_rate_ <= self.min_learning_rate:
                return True
            self.current_rate_ /= self.divide_by
            self.no_improvement_count_ = 0
        return False

    def __call__(self, t: int) -> float:
        return self.current_rate_
