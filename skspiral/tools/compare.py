"""The main job: every registered optimizer and scikit-learn's MLPClassifier, raced.

For each dataset (standardised, one fixed stratified train/test split; the spiral's
test set is a held-out draw of :func:`~skspiral.make_spiral`) this trains one
:class:`~skspiral.MLPScratchClassifier` per registered optimizer and scikit-learn's
``MLPClassifier`` with adam and with sgd + momentum, all with one hidden layer of
64 ReLU units and the same number of epochs (early stopping off on both sides).

Settings: on the spiral the book's tuned chapter-10 runs (full batch, the book's
``0.01 * N(0, 1)`` initialisation); elsewhere mini-batches of 200 with common
defaults. An optimizer the tables below do not know gets its own defaults.

>>> from skspiral.tools.compare import run_compare
>>> result = run_compare(["iris"], epochs=2, seed=0)
>>> [row["model"] for row in result.rows][-2:]
['MLPClassifier(adam)', 'MLPClassifier(sgd, momentum=0.9)']
"""

from __future__ import annotations

import csv
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn import datasets as sk_datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from ..datasets import make_spiral
from ..estimator import MLPScratchClassifier
from ..optimizers import available_optimizers

__all__ = [
    "DATASETS",
    "CompareResult",
    "Split",
    "epoch_budget",
    "format_table",
    "load_dataset",
    "make_models",
    "optimizer_names",
    "run_compare",
    "scratch_model",
    "write_csv",
]

DATASETS = ("spiral", "moons", "iris", "wine", "breast_cancer", "digits")
HIDDEN = (64,)
# Epochs per dataset: the book's 10001 on the spiral, MLPClassifier's default 200
# elsewhere; --quick keeps the whole run under a minute on two cores.
DEFAULT_EPOCHS = {"spiral": 10001}
QUICK_EPOCHS = {"spiral": 1000}
DEFAULT_OTHER, QUICK_OTHER = 200, 50
BOOK_ORDER = ("sgd", "adagrad", "rmsprop", "adam")

# The book's tuned chapter-10 settings (full batch on the spiral).
BOOK_SPIRAL = {
    "sgd": {"learning_rate": 1.0, "decay": 1e-3, "momentum": 0.9},
    "adagrad": {"decay": 1e-4},
    "rmsprop": {"learning_rate": 0.02, "decay": 1e-5, "rho": 0.999},
    "adam": {"learning_rate": 0.05, "decay": 5e-7},
}
MINI_BATCH = {
    "sgd": {"learning_rate": 0.01, "momentum": 0.9},
    "adagrad": {"learning_rate": 0.05},
    "rmsprop": {"learning_rate": 0.001},
    "adam": {"learning_rate": 0.001},
}
# MLPClassifier's counterparts: constant rates, classical (not Nesterov) momentum.
SKLEARN = {
    "spiral": {"adam": 0.05, "sgd": 0.1},
    "other": {"adam": 0.001, "sgd": 0.01},
}
SKLEARN_ADAM, SKLEARN_SGD = "MLPClassifier(adam)", "MLPClassifier(sgd, momentum=0.9)"


@dataclass
class Split:
    """One dataset, standardised with the training part's mean and scale."""

    name: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


@dataclass
class CompareResult:
    """Rows of the table, loss/learning-rate curves, and the spiral's models."""

    rows: list[dict] = field(default_factory=list)
    curves: dict[str, dict[str, dict[str, list[float]]]] = field(default_factory=dict)
    spiral_models: dict[str, object] = field(default_factory=dict)
    spiral: Split | None = None


def load_dataset(name: str, seed: int = 0, *, standardise: bool = True) -> Split:
    """The train/test split of ``name`` (one of :data:`DATASETS`).

    Stratified, a quarter held out, fixed by ``seed``; the spiral's test set is a
    second draw of ``make_spiral`` (seed ``seed + 1``). With ``standardise`` both
    parts are scaled with the training part's mean and standard deviation.
    """
    if name == "spiral":
        X_train, y_train = make_spiral(300, 3, random_state=seed)
        X_test, y_test = make_spiral(300, 3, random_state=seed + 1)
    else:
        if name == "moons":
            X, y = sk_datasets.make_moons(500, noise=0.3, random_state=seed)
        elif name in DATASETS:
            X, y = getattr(sk_datasets, f"load_{name}")(return_X_y=True)
        else:
            raise ValueError(f"unknown dataset {name!r}; choose from {DATASETS}.")
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=seed
        )
    if standardise:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    return Split(name, X_train, X_test, y_train, y_test)


def epoch_budget(dataset: str, epochs: int | None = None, quick: bool = False) -> int:
    """``epochs`` if given, else the dataset's default (or quick) budget."""
    if epochs is not None:
        return epochs
    if quick:
        return QUICK_EPOCHS.get(dataset, QUICK_OTHER)
    return DEFAULT_EPOCHS.get(dataset, DEFAULT_OTHER)


def scratch_model(
    optimizer: str, dataset: str, epochs: int, seed: int = 0
) -> MLPScratchClassifier:
    """The MLPScratchClassifier ``compare`` trains for ``optimizer`` on ``dataset``.

    The spiral gets the book's setup (full batch, its initialisation, its tuned
    hyperparameters); other datasets mini-batches of 200. Early stopping is off.
    """
    spiral = dataset == "spiral"
    tuned = (BOOK_SPIRAL if spiral else MINI_BATCH).get(optimizer, {})
    return MLPScratchClassifier(
        HIDDEN,
        optimizer=optimizer,
        batch_size=None if spiral else "auto",
        weight_init="book" if spiral else "auto",
        random_state=seed,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        **tuned,
    )


def optimizer_names() -> list[str]:
    """Registered optimizers: the book's in its order, then any others by name."""
    registered = available_optimizers()
    book = [name for name in BOOK_ORDER if name in registered]
    return book + [name for name in registered if name not in BOOK_ORDER]


def make_models(dataset: str, epochs: int, seed: int = 0) -> dict[str, object]:
    """Unfitted models by label: each registered optimizer, then MLPClassifier."""
    models: dict[str, object] = {
        name: scratch_model(name, dataset, epochs, seed) for name in optimizer_names()
    }
    spiral = dataset == "spiral"
    never_stop = {"max_iter": epochs, "tol": 0.0, "n_iter_no_change": epochs}
    rates = SKLEARN["spiral" if spiral else "other"]
    common = {
        "hidden_layer_sizes": HIDDEN,
        "alpha": 0.0,  # no L2 penalty, as MLPScratchClassifier's default
        "batch_size": 300 if spiral else "auto",  # the spiral's 300 rows: full batch
        "random_state": seed,
        **never_stop,
    }
    models[SKLEARN_ADAM] = MLPClassifier(
        solver="adam", learning_rate_init=rates["adam"], **common
    )
    models[SKLEARN_SGD] = MLPClassifier(
        solver="sgd",
        learning_rate_init=rates["sgd"],
        momentum=0.9,
        nesterovs_momentum=False,
        **common,
    )
    return models


def _fit(model, split: Split) -> dict:
    """Fit ``model`` on the split; return its table row (without the labels)."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(split.X_train, split.y_train)
    seconds = time.perf_counter() - start
    proba = model.predict_proba(split.X_test)
    epochs = int(model.n_iter_)
    return {
        "train_accuracy": model.score(split.X_train, split.y_train),
        "test_accuracy": model.score(split.X_test, split.y_test),
        "test_log_loss": log_loss(split.y_test, proba, labels=model.classes_),
        "epochs": epochs,
        "fit_seconds": seconds,
        "ms_per_epoch": 1000.0 * seconds / max(epochs, 1),
    }


def _curves(model) -> dict[str, list[float]]:
    """Loss and learning rate per epoch (MLPClassifier's rate is constant)."""
    if isinstance(model, MLPScratchClassifier):
        return {
            "loss": list(model.history_["loss"]),
            "learning_rate": list(model.history_["learning_rate"]),
        }
    loss = list(model.loss_curve_)
    return {"loss": loss, "learning_rate": [model.learning_rate_init] * len(loss)}


def _failed_row(epochs: int) -> dict:
    metrics = ("train_accuracy", "test_accuracy", "test_log_loss", "fit_seconds")
    return {
        **dict.fromkeys(metrics, math.nan),
        "epochs": epochs,
        "ms_per_epoch": math.nan,
    }


def run_compare(
    datasets: Sequence[str] = DATASETS,
    *,
    epochs: int | None = None,
    seed: int = 0,
    quick: bool = False,
    progress: Callable[[str], None] | None = None,
) -> CompareResult:
    """Train and score every model on every dataset; ``progress`` gets one line each.

    A model that fails (say a custom optimizer diverges) gets a row of NaN and a
    progress line saying why; the others still run.
    """
    result = CompareResult()
    n_models = len(optimizer_names()) + 2
    total, done = n_models * len(datasets), 0
    for dataset in datasets:
        split = load_dataset(dataset, seed)
        budget = epoch_budget(dataset, epochs, quick)
        result.curves[dataset] = {}
        for label, model in make_models(dataset, budget, seed).items():
            done += 1
            try:
                row = _fit(model, split)
            except Exception as exc:  # one bad model must not sink the table
                row, line = _failed_row(budget), f"FAILED: {exc}"
            else:
                result.curves[dataset][label] = _curves(model)
                if dataset == "spiral":
                    result.spiral_models[label] = model
                line = (
                    f"train {row['train_accuracy']:.3f}  "
                    f"test {row['test_accuracy']:.3f}  ({row['fit_seconds']:.1f} s)"
                )
            result.rows.append({"dataset": dataset, "model": label, **row})
            if progress is not None:
                progress(f"[{done:>2}/{total}] {dataset:<13} {label:<32} {line}")
        if dataset == "spiral":
            result.spiral = split
    return result


COLUMNS = (
    "dataset",
    "model",
    "train_accuracy",
    "test_accuracy",
    "test_log_loss",
    "epochs",
    "fit_seconds",
    "ms_per_epoch",
)


def write_csv(rows: list[dict], path, fieldnames=COLUMNS) -> None:
    """Write ``rows`` with a header (by default the compare table's columns)."""
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def format_table(rows: list[dict]) -> str:
    """The table as aligned text."""
    width = max([len(r["model"]) for r in rows] + [5])
    header = (
        f"{'dataset':<13} {'model':<{width}} {'train acc':>9} {'test acc':>8} "
        f"{'test loss':>9} {'epochs':>6} {'fit s':>7} {'ms/epoch':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['dataset']:<13} {r['model']:<{width}} {r['train_accuracy']:>9.3f} "
            f"{r['test_accuracy']:>8.3f} {r['test_log_loss']:>9.3f} "
            f"{r['epochs']:>6d} {r['fit_seconds']:>7.2f} {r['ms_per_epoch']:>8.3f}"
        )
    return "\n".join(lines)
