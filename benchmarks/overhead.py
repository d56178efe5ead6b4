"""Overhead-bound training: the book's spiral, full batch, ms per epoch vs sklearn.

``make_spiral(300, 3)``, one hidden layer of 64 ReLU units, full batch, ``tol=0``
and a huge ``n_iter_no_change`` so every fit runs all its epochs; adam and SGD with
(classical) momentum, both libraries starting from the same Glorot-uniform weights.
At this size a step is a few dozen tiny NumPy calls, so the figure measures
per-call overhead, not arithmetic.

Each case runs twice, with the same ``shuffle`` on both estimators: ``True``, both
libraries' default, and ``False``. With a full batch, MLPClassifier still permutes
and copies the rows every epoch; skspiral skips a shuffle that could only change
the order of a sum, so its time is the same either way.

A third contender times the epoch's five GEMMs alone (``X W1``, ``H W2``,
``H^T dZ``, ``dZ W2^T``, ``X^T dH`` at the same shapes, as ``blas.py`` does), so
each round also gives the ratio of skspiral's epoch to its GEMM time (goal: at
most 2). Goals against MLPClassifier: 3x with ``shuffle=False``, 4x at the
defaults (``shuffle=True``).

    python benchmarks/overhead.py [--quick] [--out DIR]
"""

from __future__ import annotations

import sys

import numpy as np
from _common import (
    alternate,
    blas_threads,
    fmt,
    matmul_epoch,
    parser,
    quiet_warnings,
    ratio_summary,
    summary,
    table,
    thread_label,
    thread_settings,
    write,
)
from sklearn.neural_network import MLPClassifier

from skspiral import MLPScratchClassifier, make_spiral

# (skspiral kwargs, MLPClassifier kwargs) per optimizer; rates matched.
OPTIMIZERS = {
    "adam": (
        {"optimizer": "adam", "learning_rate": 0.02, "epsilon": 1e-8},
        {"solver": "adam", "learning_rate_init": 0.02, "epsilon": 1e-8},
    ),
    "sgd+momentum": (
        {"optimizer": "sgd", "learning_rate": 0.1, "momentum": 0.9},
        {
            "solver": "sgd",
            "learning_rate_init": 0.1,
            "momentum": 0.9,
            "nesterovs_momentum": False,
        },
    ),
}
GOALS = {False: 3.0, True: 4.0}  # speed-up vs sklearn, by shuffle
GEMM_GOAL = 2.0  # skspiral epoch / its GEMMs' time, at most


def contenders(optimizer: str, shuffle: bool, epochs: int, X, y) -> dict:
    ours, theirs = OPTIMIZERS[optimizer]
    common = {"hidden_layer_sizes": (64,), "max_iter": epochs, "random_state": 0}
    common.update(shuffle=shuffle, tol=0.0, n_iter_no_change=10**9, alpha=0.0)
    skspiral = MLPScratchClassifier(
        **common, **ours, batch_size=None, weight_init="glorot_uniform"
    )
    sklearn = MLPClassifier(**common, **theirs, batch_size=X.shape[0])
    n, d = X.shape
    gemms = matmul_epoch(n, d, 64, len(set(y)), n, np.float64)

    def gemm_epochs():
        for _ in range(epochs):
            gemms()

    return {
        "skspiral": lambda: skspiral.fit(X, y),
        "sklearn": lambda: sklearn.fit(X, y),
        "gemm": gemm_epochs,
    }


def measure(optimizer, shuffle, threads, epochs, X, y, args):
    """One (optimizer, shuffle, threads) case: its JSON record and table row."""
    with blas_threads(threads):
        # Three warm-up rounds: the first configuration timed was otherwise ~1.5x
        # slow (CPU clocks and caches settling).
        times = alternate(
            contenders(optimizer, shuffle, epochs, X, y), args.repeats, warmup=3
        )
    ms = {name: summary(t, 1e3 / epochs) for name, t in times.items()}
    speedup = ratio_summary(times["sklearn"], times["skspiral"])
    over_gemm = ratio_summary(times["skspiral"], times["gemm"])
    result = {
        "threads": thread_label(threads),
        "shuffle": shuffle,
        "optimizer": optimizer,
        "epochs_per_fit": epochs,
        "ms_per_epoch": ms,
        "speedup_vs_sklearn": speedup,
        "goal": GOALS[shuffle],
        "goal_met": speedup["median"] >= GOALS[shuffle],
        "epoch_over_gemm": over_gemm,
        "gemm_goal": GEMM_GOAL,
        "gemm_goal_met": over_gemm["median"] <= GEMM_GOAL,
    }
    row = [
        thread_label(threads),
        str(shuffle),
        optimizer,
        fmt(ms["skspiral"]),
        fmt(ms["sklearn"]),
        fmt(ms["gemm"]),
        f"{fmt(speedup, '.2f')}x (goal {GOALS[shuffle]:g})",
        f"{fmt(over_gemm, '.2f')}x (goal <= {GEMM_GOAL:g})",
    ]
    return result, row


def main(argv=None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    quiet_warnings()
    epochs = 20 if args.quick else 500
    X, y = make_spiral(300, 3, random_state=0)
    results, rows = [], []
    for threads in thread_settings(args.threads):
        for shuffle in (True, False):
            for optimizer in OPTIMIZERS:
                result, row = measure(optimizer, shuffle, threads, epochs, X, y, args)
                results.append(result)
                rows.append(row)
    print(
        table(
            [
                "threads",
                "shuffle",
                "optimizer",
                "skspiral ms/epoch",
                "sklearn ms/epoch",
                "GEMMs ms/epoch",
                "speed-up vs sklearn",
                "epoch / GEMMs",
            ],
            rows,
        )
    )
    write(args.out, "overhead", {"quick": args.quick, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
