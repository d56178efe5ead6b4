"""Many rows, small network: s/epoch vs sklearn and the memory a pass adds.

``make_classification(1_000_000, 20)`` (two classes), one hidden layer of 64 ReLU
units, adam, shuffled mini-batches of 200 rows (MLPClassifier's default batch
size), float64. Each library is fitted once (one epoch) as a warm-up; the timed
call is one ``partial_fit`` pass over all rows, the contenders alternating. At
this size a step is ~40 small NumPy calls on 200 x 64 arrays, so the figure
measures per-call overhead again, 5000 times per epoch. Goal: 2.5x per epoch.

The memory figure is the peak of NumPy's and Python's allocations during one
``partial_fit`` pass (``tracemalloc``, which NumPy reports its buffers to),
measured apart from the timed runs.

    python benchmarks/large_rows.py [--quick] [--out DIR]
"""

from __future__ import annotations

import sys
import tracemalloc

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
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier

from skspiral import MLPScratchClassifier

GOAL = 2.5
BATCH = 200


def estimators(X, y) -> dict:
    """Warm (fitted for one epoch) estimators; each call is one more epoch."""
    classes = np.unique(y)
    common = {"hidden_layer_sizes": (64,), "batch_size": BATCH, "max_iter": 1}
    common.update(random_state=0, alpha=0.0)
    ours = MLPScratchClassifier(**common, optimizer="adam", epsilon=1e-8).fit(X, y)
    theirs = MLPClassifier(**common, solver="adam").fit(X, y)
    return {
        "skspiral": lambda: ours.partial_fit(X, y, classes=classes),
        "sklearn": lambda: theirs.partial_fit(X, y, classes=classes),
    }


def peak_mib(fn) -> float:
    """Peak MiB allocated (above the start) while ``fn`` runs."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        fn()
        return (tracemalloc.get_traced_memory()[1] - start) / 2**20
    finally:
        tracemalloc.stop()


def main(argv=None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    quiet_warnings()
    n = 20_000 if args.quick else 1_000_000
    X, y = make_classification(n, 20, random_state=0)
    results, rows = [], []
    for threads in thread_settings(args.threads):
        with blas_threads(threads):
            runs = estimators(X, y)
            times = alternate(runs, args.repeats)
            memory = {name: peak_mib(fn) for name, fn in runs.items()}
        speedup = ratio_summary(times["sklearn"], times["skspiral"])
        result = {
            "threads": thread_label(threads),
            "n_samples": n,
            "batch_size": BATCH,
            "s_per_epoch": {name: summary(t) for name, t in times.items()},
            "speedup_vs_sklearn": speedup,
            "peak_mib_per_epoch": memory,
            "goal": GOAL,
            "goal_met": speedup["median"] >= GOAL,
        }
        results.append(result)
        s = result["s_per_epoch"]
        rows.append(
            [
                result["threads"],
                fmt(s["skspiral"]),
                fmt(s["sklearn"]),
                f"{fmt(speedup, '.2f')}x (goal {GOAL:g})",
                f"{memory['skspiral']:.1f} / {memory['sklearn']:.1f}",
            ]
        )
    header = ["threads", "skspiral s/epoch", "sklearn s/epoch", "speed-up"]
    print(table(header + ["peak MiB (ours / sklearn)"], rows))
    write(args.out, "large_rows", {"quick": args.quick, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
