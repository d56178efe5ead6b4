"""The book's chapter-10 experiment, reproduced.

The book's printed epoch-10000 lines are typed in here from
shared/book/README.md, independently of ``skspiral.tools.book.BOOK_RUNS``.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skspiral.tools.book import BOOK_RUNS, BookRun, run_one

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "book_chapter10.py"

# (optimizer, hyperparameters, book accuracy range, book loss, book lr, chaotic)
BOOK = [
    ("sgd", {}, (0.633, 0.633), 0.848, 1.0, True),
    ("sgd", {"learning_rate": 0.85}, (0.657, 0.657), 0.816, 0.85, True),
    ("sgd", {"decay": 1e-2}, (0.397, 0.397), 1.072, 0.009901970492127933, False),
    ("sgd", {"decay": 1e-3}, (0.667, 0.667), 0.771, 0.09091735612328393, False),
    (
        "sgd",
        {"decay": 1e-3, "momentum": 0.5},
        (0.800, 0.800),
        0.539,
        0.09091735612328393,
        False,
    ),
    (
        "sgd",
        {"decay": 1e-3, "momentum": 0.9},
        (0.933, 0.933),
        0.173,
        0.09091735612328393,
        False,
    ),
    ("adagrad", {"decay": 1e-4}, (0.847, 0.847), 0.379, 0.5000250012500626, False),
    ("rmsprop", {"decay": 1e-4}, (0.730, 0.730), 0.668, 0.0005000250012500625, False),
    (
        "rmsprop",
        {"learning_rate": 0.02, "decay": 1e-5, "rho": 0.999},
        (0.910, 0.910),
        0.221,
        0.018181983472577025,
        False,
    ),
    (
        "adam",
        {"learning_rate": 0.02, "decay": 1e-5},
        (0.967, 0.967),
        0.081,
        0.018181983472577025,
        False,
    ),
    (
        "adam",
        {"learning_rate": 0.05, "decay": 5e-7},
        (0.967, 0.983),
        0.074,
        0.04975126853296942,
        False,
    ),
]
IDS = ["-".join([name, *(f"{k}={v}" for k, v in hp.items())]) for name, hp, *_ in BOOK]


def tolerances(chaotic):
    """The issue's (accuracy, loss) tolerances."""
    return (0.15, 0.25) if chaotic else (0.08, 0.10)


def as_run(name, hyperparams):
    # run_one only reads the optimizer and its hyperparameters.
    return BookRun("test", name, hyperparams, acc=np.nan, loss=np.nan, lr=np.nan)


def test_the_example_prints_every_configurations_row_in_a_quick_run():
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--epochs", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = [line for line in lines if line[:3] in ("SGD", "Ada", "RMS")]
    assert len(rows) == len(BOOK)
    assert "only 5 epochs" in result.stdout


def test_the_tables_book_columns_and_tolerances_are_the_books():
    assert len(BOOK_RUNS) == len(BOOK)
    for run, (name, hp, (acc_lo, acc_hi), loss, lr, chaotic) in zip(BOOK_RUNS, BOOK):
        assert (run.optimizer, run.hyperparams) == (name, hp)
        assert acc_lo <= run.acc <= acc_hi
        assert (run.loss, run.lr) == (loss, lr)
        assert (run.acc_tol, run.loss_tol) == tolerances(chaotic)


def test_the_book_setup_draws_data_then_weights_from_one_seeded_stream():
    # The book: np.random.seed(0); spiral_data(100, 3); Dense(2, 64); Dense(64, 3),
    # weights 0.01 * randn, biases zero; epoch 0 is printed before any update.
    rng = np.random.RandomState(0)
    X, y = np.zeros((300, 2)), np.repeat(np.arange(3), 100)
    for c in range(3):
        r = np.linspace(0.0, 1, 100)
        t = np.linspace(c * 4, (c + 1) * 4, 100) + rng.randn(100) * 0.2
        X[100 * c : 100 * (c + 1)] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]
    W1, W2 = 0.01 * rng.randn(2, 64), 0.01 * rng.randn(64, 3)
    z = np.maximum(X @ W1, 0) @ W2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)

    got = run_one(as_run("sgd", {}), epochs=1)
    assert got["loss"] == pytest.approx(-np.log(p[np.arange(300), y]).mean(), 1e-12)
    assert got["acc"] == pytest.approx(np.mean(z.argmax(axis=1) == y))


@pytest.mark.parametrize(("name", "hp"), [("sgd", {"decay": 1e-2}), ("adam", {})])
def test_the_printed_rate_is_that_of_the_previous_epochs_update(name, hp):
    got = run_one(as_run(name, hp), epochs=4)
    lr = hp.get("learning_rate", 1.0 if name == "sgd" else 0.001)
    assert got["lr"] == pytest.approx(lr / (1 + hp.get("decay", 0.0) * 2), rel=1e-15)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "hp", "acc", "loss", "lr", "chaotic"), BOOK, ids=IDS)
def test_full_10001_epoch_run_lands_within_tolerance_of_the_book(
    name, hp, acc, loss, lr, chaotic
):
    acc_tol, loss_tol = tolerances(chaotic)
    got = run_one(as_run(name, hp), epochs=10001)
    assert acc[0] - acc_tol <= got["acc"] <= acc[1] + acc_tol, got
    assert abs(got["loss"] - loss) <= loss_tol, got
    assert got["lr"] == pytest.approx(lr, rel=1e-9, abs=0)
