"""Write a new learning-rate schedule (cosine with warm restarts) and train with it.

A schedule is one small class: its settings as ``__init__`` keywords, validated and
stored under the same names, and ``__call__(t)`` giving the rate of optimizer step
``t`` (steps already taken, 0-based). ``get_params``/``set_params``, ``repr``,
equality, pickling and ``clone`` come from :class:`skspiral.schedules.Schedule`, so
the new class works in GridSearchCV, including its own settings
(``learning_rate__period``).

    python examples/custom_schedule.py              # 1000 epochs, a few seconds
    python examples/custom_schedule.py --epochs 40  # a quick smoke run
"""

import argparse
import math
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.optimizers import check_non_negative, check_positive
from skspiral.schedules import Schedule


class CosineWarmRestarts(Schedule):
    """SGDR: cosine decay from ``learning_rate`` to ``floor``, restarted every
    ``period`` steps.

    ``lr_t = floor + (learning_rate - floor) / 2 * (1 + cos(pi * (t % p) / p))``
    with ``p = period``.

    PyTorch: ``CosineAnnealingWarmRestarts(opt, T_0=period, eta_min=floor)``.
    """

    def __init__(self, learning_rate=0.05, period=100, floor=0.0):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        if isinstance(period, bool) or not isinstance(period, int) or period < 1:
            raise ValueError(f"period must be a positive integer, got {period!r}.")
        self.period = period
        self.floor = check_non_negative("floor", floor)

    def __call__(self, t):
        pct = (t % self.period) / self.period
        return self.floor + (self.learning_rate - self.floor) / 2 * (
            1 + math.cos(math.pi * pct)
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    args = parser.parse_args(argv)

    X, y = make_spiral(300, 3, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    period = max(args.epochs // 4, 1)  # four cycles; full batch: one step per epoch
    schedule = CosineWarmRestarts(learning_rate=0.05, period=period, floor=1e-4)
    clf = MLPScratchClassifier(
        hidden_layer_sizes=(64,),
        optimizer="adam",
        learning_rate=schedule,
        decay=0.0,  # the book's 1/t decay would be a second schedule: not both
        batch_size=None,
        max_iter=args.epochs,
        n_iter_no_change=args.epochs,  # a restart raises the loss: don't stop
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)

    print(f"fitted with {clf.optimizer_.learning_rate!r}")
    lr = clf.history_["learning_rate"]
    starts = ", ".join(f"{lr[k]:.4f}" for k in range(0, len(lr), period))
    ends = ", ".join(f"{lr[k - 1]:.4f}" for k in range(period, len(lr) + 1, period))
    print(f"learning rate at each restart: {starts}; before it: {ends}")
    print(f"train accuracy {clf.score(X_train, y_train):.3f}")
    print(f"test accuracy  {clf.score(X_test, y_test):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
