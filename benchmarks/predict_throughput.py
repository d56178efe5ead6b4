"""``predict_proba`` throughput on the BLAS-bound problem: rows per second vs sklearn.

The data and network of ``blas.py`` (256 features, 512 hidden ReLU units, 10
classes) in float64 and float32. The weights come from a one-epoch fit on a
slice of the data (their values do not change the cost); the timed call is
``predict_proba`` on all rows, input validation included.

    python benchmarks/predict_throughput.py [--quick] [--out DIR]
"""

from __future__ import annotations

import sys

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
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier

from skspiral import MLPScratchClassifier


def main(argv=None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    quiet_warnings()
    n, d, hidden = (2000, 32, 32) if args.quick else (100_000, 256, 512)
    X, y = make_classification(
        n, d, n_informative=min(64, d // 2), n_classes=10, random_state=0
    )
    fit_rows = slice(0, min(n, 5000))
    results, rows = [], []
    for dtype in ("float64", "float32"):
        Xd = X.astype(dtype)
        ours = MLPScratchClassifier((hidden,), max_iter=1, random_state=0)
        theirs = MLPClassifier((hidden,), max_iter=1, alpha=0.0, random_state=0)
        ours.fit(Xd[fit_rows], y[fit_rows])
        theirs.fit(Xd[fit_rows], y[fit_rows])
        for threads in thread_settings(args.threads):
            with blas_threads(threads):
                times = alternate(
                    {
                        "skspiral": lambda e=ours, X=Xd: e.predict_proba(X),
                        "sklearn": lambda e=theirs, X=Xd: e.predict_proba(X),
                    },
                    args.repeats,
                )
            # rows/s: min time gives the max rate, so the ends swap.
            rate = {k: summary([n / t for t in v]) for k, v in times.items()}
            speedup = ratio_summary(times["sklearn"], times["skspiral"])
            results.append(
                {
                    "dtype": dtype,
                    "threads": thread_label(threads),
                    "n_rows": n,
                    "rows_per_s": rate,
                    "speedup_vs_sklearn": speedup,
                }
            )
            rows.append(
                [
                    dtype,
                    thread_label(threads),
                    fmt(rate["skspiral"]),
                    fmt(rate["sklearn"]),
                    fmt(speedup, ".2f") + "x",
                ]
            )
    print(
        table(
            ["dtype", "threads", "skspiral rows/s", "sklearn rows/s", "speed-up"], rows
        )
    )
    write(args.out, "predict_throughput", {"quick": args.quick, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
