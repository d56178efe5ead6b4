"""The regressor and ``partial_fit``: s/epoch vs MLPRegressor, ms per call vs sklearn.

Regression: ``make_regression(20000, 20)`` with 1 and 3 targets (standardised),
one hidden layer of 64 ReLU units, adam, ``alpha=0`` on both, shuffled batches of
200 rows and full batch; the timed call is one ``partial_fit`` pass (one epoch)
of an already fitted estimator, the contenders alternating.

``partial_fit`` calls: many small calls, as a stream of mini-batches feeds them.
The spiral (300 rows, 3 classes) in batches of 32 rows, one ``partial_fit`` per
batch, against MLPClassifier doing the same; the figure is ms per call, input
checks included (issue 15: "nothing slower elsewhere").

    python benchmarks/regressor.py [--quick] [--out DIR]
"""

from __future__ import annotations

import sys

import numpy as np
from _common import (
    alternate,
    blas_threads,
    fmt,
    parser,
    quiet_warnings,
    ratio_summary,
    summary,
    table,
    thread_label,
    thread_settings,
    write,
)
from sklearn.datasets import make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skspiral import MLPScratchClassifier, MLPScratchRegressor, make_spiral

COMMON = {"hidden_layer_sizes": (64,), "max_iter": 1, "random_state": 0}


def regression_case(n: int, targets: int, batch):
    """Warm estimators; each contender is one more epoch (``partial_fit``)."""
    X, y = make_regression(n, 20, n_targets=targets, noise=1.0, random_state=0)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean(0)) / y.std(0)
    sk_batch = n if batch is None else batch
    ours = MLPScratchRegressor(**COMMON, batch_size=batch, alpha=0.0)
    theirs = MLPRegressor(**COMMON, batch_size=sk_batch, alpha=0.0)
    ours.fit(X, y)
    theirs.fit(X, y)
    return {
        "skspiral": lambda: ours.partial_fit(X, y),
        "sklearn": lambda: theirs.partial_fit(X, y),
    }


def partial_fit_case(batch: int):
    """One contender call = one pass of ``partial_fit`` calls over the spiral."""
    X, y = make_spiral(300, 3, random_state=0)
    classes = np.unique(y)
    ours = MLPScratchClassifier(**COMMON, alpha=0.0)
    theirs = MLPClassifier(**COMMON, alpha=0.0)
    ours.partial_fit(X[:batch], y[:batch], classes=classes)
    theirs.partial_fit(X[:batch], y[:batch], classes=classes)
    starts = range(0, len(y), batch)

    def stream(est):
        for s in starts:
            est.partial_fit(X[s : s + batch], y[s : s + batch])

    return {"skspiral": lambda: stream(ours), "sklearn": lambda: stream(theirs)}, len(
        starts
    )


def main(argv=None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    quiet_warnings()
    n = 2000 if args.quick else 20_000
    results, rows = [], []
    for threads in thread_settings(args.threads):
        with blas_threads(threads):
            for targets in (1, 3):
                for batch in (200, None):
                    times = alternate(regression_case(n, targets, batch), args.repeats)
                    speedup = ratio_summary(times["sklearn"], times["skspiral"])
                    results.append(
                        {
                            "case": "regression",
                            "threads": thread_label(threads),
                            "n_samples": n,
                            "n_targets": targets,
                            "batch_size": batch or "full",
                            "s_per_epoch": {k: summary(v) for k, v in times.items()},
                            "speedup_vs_sklearn": speedup,
                        }
                    )
                    rows.append(
                        [
                            thread_label(threads),
                            f"regression, {targets} target(s), batch {batch or 'full'}",
                            fmt(summary(times["skspiral"])) + " s/epoch",
                            fmt(summary(times["sklearn"])) + " s/epoch",
                            f"{fmt(speedup, '.2f')}x",
                        ]
                    )
            contenders, calls = partial_fit_case(32)
            times = alternate(contenders, args.repeats)
            ms = {k: summary(v, 1e3 / calls) for k, v in times.items()}
            speedup = ratio_summary(times["sklearn"], times["skspiral"])
            results.append(
                {
                    "case": "partial_fit",
                    "threads": thread_label(threads),
                    "batch_size": 32,
                    "calls_per_pass": calls,
                    "ms_per_call": ms,
                    "speedup_vs_sklearn": speedup,
                }
            )
            rows.append(
                [
                    thread_label(threads),
                    "partial_fit calls of 32 spiral rows",
                    fmt(ms["skspiral"]) + " ms/call",
                    fmt(ms["sklearn"]) + " ms/call",
                    f"{fmt(speedup, '.2f')}x",
                ]
            )
    print(table(["threads", "case", "skspiral", "sklearn", "speed-up"], rows))
    write(args.out, "regressor", {"quick": args.quick, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
