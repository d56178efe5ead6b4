"""The book's chapter-10 experiment, rerun on skspiral's engine.

Data ``make_spiral(300, 3, shuffle=False)`` then weights ``0.01 * N(0, 1)``
(biases 0) drawn from one ``RandomState(0)``; Dense(2, 64) -> ReLU ->
Dense(64, 3) -> softmax + categorical cross-entropy; full batch for 10001 epochs.
The book prints epoch 10000's accuracy and loss (before that epoch's update) and
the learning rate of epoch 9999's update, so that is what is compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..datasets import make_spiral
from ..network import MLP
from ..optimizers import get_optimizer
from ..training import Trainer

__all__ = ["BOOK_RUNS", "BookRun", "format_table", "report", "run_book", "run_one"]


@dataclass(frozen=True)
class BookRun:
    """One chapter-10 configuration and the book's printed final line."""

    label: str
    optimizer: str
    hyperparams: dict
    acc: float
    loss: float
    lr: float
    acc_tol: float = 0.08
    loss_tol: float = 0.10


# The book's printed epoch-10000 lines (shared/book/README.md). The two
# constant-rate SGD runs are chaotic, hence their wider tolerances.
BOOK_RUNS = (
    BookRun("SGD()", "sgd", {}, 0.633, 0.848, 1.0, 0.15, 0.25),
    BookRun(
        "SGD(lr=.85)", "sgd", {"learning_rate": 0.85}, 0.657, 0.816, 0.85, 0.15, 0.25
    ),
    BookRun(
        "SGD(decay=1e-2)", "sgd", {"decay": 1e-2}, 0.397, 1.072, 0.009901970492127933
    ),
    BookRun(
        "SGD(decay=1e-3)", "sgd", {"decay": 1e-3}, 0.667, 0.771, 0.09091735612328393
    ),
    BookRun(
        "SGD(decay=1e-3, momentum=.5)",
        "sgd",
        {"decay": 1e-3, "momentum": 0.5},
        0.800,
        0.539,
        0.09091735612328393,
    ),
    BookRun(
        "SGD(decay=1e-3, momentum=.9)",
        "sgd",
        {"decay": 1e-3, "momentum": 0.9},
        0.933,
        0.173,
        0.09091735612328393,
    ),
    BookRun(
        "Adagrad(decay=1e-4)",
        "adagrad",
        {"decay": 1e-4},
        0.847,
        0.379,
        0.5000250012500626,
    ),
    BookRun(
        "RMSprop(decay=1e-4)",
        "rmsprop",
        {"decay": 1e-4},
        0.730,
        0.668,
        0.0005000250012500625,
    ),
    BookRun(
        "RMSprop(lr=.02, decay=1e-5, rho=.999)",
        "rmsprop",
        {"learning_rate": 0.02, "decay": 1e-5, "rho": 0.999},
        0.910,
        0.221,
        0.018181983472577025,
    ),
    BookRun(
        "Adam(lr=.02, decay=1e-5)",
        "adam",
        {"learning_rate": 0.02, "decay": 1e-5},
        0.967,
        0.081,
        0.018181983472577025,
    ),
    BookRun(
        "Adam(lr=.05, decay=5e-7)",
        "adam",
        {"learning_rate": 0.05, "decay": 5e-7},
        0.967,
        0.074,
        0.04975126853296942,
    ),
)


def run_one(run: BookRun, epochs: int = 10001) -> dict:
    """Train one configuration; return the final line as the book prints it."""
    rng = np.random.RandomState(0)
    X, y = make_spiral(300, 3, shuffle=False, random_state=rng)  # the book's order
    network = MLP([2, 64, 3], activation="relu")
    network.initialize("book", rng)  # after the data, from the same stream
    optimizer = get_optimizer(run.optimizer, **run.hyperparams)
    state = optimizer.init_state(network.params, network.layout)
    history, _ = Trainer(network, optimizer, state).fit(X, y, epochs=epochs)
    last = epochs - 1
    return {
        "acc": history.accuracy[last],
        "loss": history.loss[last],
        # The book prints the rate of the previous epoch's update.
        "lr": history.learning_rate[max(last - 1, 0)],
    }


def run_book(epochs: int = 10001, runs=BOOK_RUNS) -> list[dict]:
    """All configurations: one row each, with the book's values and the checks."""
    rows = []
    for run in runs:
        got = run_one(run, epochs)
        row = {"optimizer": run.label, "epochs": epochs}
        row.update({f"book_{k}": getattr(run, k) for k in ("acc", "loss", "lr")})
        row.update(got)
        if epochs == 10001:
            row["ok"] = (
                abs(got["acc"] - run.acc) <= run.acc_tol
                and abs(got["loss"] - run.loss) <= run.loss_tol
                and abs(got["lr"] - run.lr) <= 1e-9 * run.lr
            )
        rows.append(row)
    return rows


def format_table(rows: list[dict]) -> str:
    header = (
        f"{'optimizer':<38} {'book acc':>8} {'acc':>6} {'book loss':>9} {'loss':>6}"
        f" {'book lr':>12} {'lr':>12} {'ok':>3}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        ok = {True: "yes", False: "NO"}.get(r.get("ok"), "-")
        lines.append(
            f"{r['optimizer']:<38} {r['book_acc']:>8.3f} {r['acc']:>6.3f} "
            f"{r['book_loss']:>9.3f} {r['loss']:>6.3f} {r['book_lr']:>12.6g} "
            f"{r['lr']:>12.6g} {ok:>3}"
        )
    return "\n".join(lines)


def report(epochs: int = 10001) -> int:
    """Print the table; return 1 if a full-length run misses the book (a CLI status)."""
    rows = run_book(epochs=epochs)
    print(format_table(rows))
    if epochs != 10001:
        print(f"\n(only {epochs} epochs: the book's values are for 10001)")
        return 0
    failed = [r["optimizer"] for r in rows if not r["ok"]]
    print(f"\n{len(rows) - len(failed)}/{len(rows)} rows within tolerance of the book")
    return 1 if failed else 0
