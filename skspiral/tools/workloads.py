"""What the tools train on: datasets, their splits, settings tables and the CSV writer.

``compare``, ``search``, ``train`` and ``animate`` all draw from here, so a dataset,
the book's tuned settings or the CSV format is defined once.

>>> from skspiral.tools.workloads import load_dataset, task_of
>>> split = load_dataset("iris", seed=0)
>>> split.X_train.shape, split.X_test.shape, task_of("diabetes")
((112, 4), (38, 4), 'regression')
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
from sklearn import datasets as sk_datasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from ..datasets import make_spiral
from ..estimator import MLPScratchClassifier

__all__ = [
    "BOOK_ORDER",
    "BOOK_SPIRAL",
    "DATASETS",
    "DEFAULT_EPOCHS",
    "HIDDEN",
    "MINI_BATCH",
    "REGRESSION_DATASETS",
    "QUICK_EPOCHS",
    "Split",
    "TARGET_LOSS",
    "epoch_budget",
    "load_dataset",
    "scratch_model",
    "task_of",
    "write_csv",
]

DATASETS = ("spiral", "moons", "iris", "wine", "breast_cancer", "digits")
REGRESSION_DATASETS = ("diabetes", "friedman1")
HIDDEN = (64,)
BOOK_ORDER = ("sgd", "adagrad", "rmsprop", "adam")

# The book's tuned chapter-10 settings (full batch on the spiral).
BOOK_SPIRAL = {
    "sgd": {"learning_rate": 1.0, "decay": 1e-3, "momentum": 0.9},
    "adagrad": {"decay": 1e-4},
    "rmsprop": {"learning_rate": 0.02, "decay": 1e-5, "rho": 0.999},
    "adam": {"learning_rate": 0.05, "decay": 5e-7},
}
# compare's epochs per dataset (the same for every contender), and with --quick.
DEFAULT_EPOCHS, QUICK_EPOCHS = {"spiral": 1000}, {"spiral": 300}
DEFAULT_OTHER, QUICK_OTHER = 200, 40
# compare's "time to target": the first epoch whose mean training loss
# (cross-entropy, or half the mean squared error on the standardised target) is
# at most this.
TARGET_LOSS = {
    "spiral": 0.3,
    "moons": 0.3,
    "iris": 0.1,
    "wine": 0.05,
    "breast_cancer": 0.1,
    "digits": 0.05,
    "diabetes": 0.3,
    "friedman1": 0.05,
}
# Common mini-batch settings (``search`` centres its grid on these).
MINI_BATCH = {
    "sgd": {"learning_rate": 0.01, "momentum": 0.9},
    "adagrad": {"learning_rate": 0.05},
    "rmsprop": {"learning_rate": 0.001},
    "adam": {"learning_rate": 0.001},
}


@dataclass
class Split:
    """One dataset's train and test parts (standardised with the training part's
    mean and scale; a regression target too)."""

    name: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def task_of(name: str) -> str:
    """``"classification"`` or ``"regression"``; ``ValueError`` for unknown names."""
    if name in DATASETS:
        return "classification"
    if name in REGRESSION_DATASETS:
        return "regression"
    raise ValueError(
        f"unknown dataset {name!r}; choose from {DATASETS + REGRESSION_DATASETS}."
    )


def _load(name: str, seed: int):
    if name == "moons":
        return sk_datasets.make_moons(500, noise=0.3, random_state=seed)
    if name == "friedman1":
        return sk_datasets.make_friedman1(1000, random_state=seed)
    return getattr(sk_datasets, f"load_{name}")(return_X_y=True)


def load_dataset(name: str, seed: int = 0, *, standardise: bool = True) -> Split:
    """The train/test split of ``name`` (one of :data:`DATASETS` or
    :data:`REGRESSION_DATASETS`).

    A quarter held out (stratified for classification), fixed by ``seed``; the
    spiral's test set is a second draw of ``make_spiral`` (seed ``seed + 1``).
    With ``standardise`` the features, and a regression target, are scaled with
    the training part's mean and standard deviation.
    """
    regression = task_of(name) == "regression"
    if name == "spiral":
        X_train, y_train = make_spiral(300, 3, random_state=seed)
        X_test, y_test = make_spiral(300, 3, random_state=(seed + 1) % 2**32)
    else:
        X, y = _load(name, seed)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=None if regression else y, random_state=seed
        )
    if standardise:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        if regression:
            mean, scale = y_train.mean(), y_train.std()
            y_train, y_test = (y_train - mean) / scale, (y_test - mean) / scale
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
    """An untuned MLPScratchClassifier for ``optimizer`` on ``dataset`` (``search``'s).

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


def write_csv(rows: list[dict], path, fieldnames=None) -> None:
    """Write ``rows`` with a header: ``fieldnames``, else the first row's keys."""
    fieldnames = list(rows[0]) if fieldnames is None else fieldnames
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
