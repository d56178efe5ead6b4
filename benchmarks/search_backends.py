"""Wall time of one GridSearchCV on three joblib backends: n_jobs=1, loky, Dask.

The search is the one of ``examples/dask_gridsearch.py`` (32 candidates x 3 folds on
a 600-point spiral). Each backend runs it ``--repeats`` times, alternating, after a
warm-up (worker start-up and first imports are not timed; the LocalCluster's
start-up is reported apart). The scores must be identical on every backend.

    python benchmarks/search_backends.py            # 3 repeats (about a minute)
    python benchmarks/search_backends.py --quick    # the example's 2-point grid
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import joblib
import numpy as np
from sklearn.base import clone

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from dask_gridsearch import (  # noqa: E402
    _quiet_convergence_warnings,
    dask_client,
    make_search,
    timed_fit,
)

BACKENDS = ("n_jobs=1", "loky n_jobs=2", "dask (2 workers)")


def run(search, X, y, label: str) -> tuple[float, np.ndarray]:
    search = clone(search)
    if label == "n_jobs=1":
        search.set_params(n_jobs=1)
        seconds = timed_fit(search, X, y)
    elif label.startswith("loky"):
        search.set_params(n_jobs=2)
        with joblib.parallel_config(backend="loky"):
            seconds = timed_fit(search, X, y)
    else:
        with joblib.parallel_config(backend="dask"):
            seconds = timed_fit(search, X, y)
    return seconds, search.cv_results_["mean_test_score"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument(
        "--scheduler", help="a running scheduler (default: a 2-worker LocalCluster)"
    )
    args = parser.parse_args(argv)

    _quiet_convergence_warnings()
    search, X, y = make_search(quick=args.quick)
    start = time.perf_counter()
    with dask_client(args.scheduler, n_workers=2):
        startup = time.perf_counter() - start
        warm = clone(search).set_params(param_grid={"learning_rate": [0.01]}, cv=2)
        for label in BACKENDS:  # warm-up: spawn workers, import skspiral there
            run(warm, X, y, label)
        times = {label: [] for label in BACKENDS}
        scores = {}
        for _ in range(args.repeats):
            for label in BACKENDS:
                seconds, scores[label] = run(search, X, y, label)
                times[label].append(seconds)
    same = all(np.array_equal(scores[BACKENDS[0]], s) for s in scores.values())
    base = statistics.median(times[BACKENDS[0]])
    for label, runs in times.items():
        median = statistics.median(runs)
        print(
            f"{label:>30}: median {median:6.2f} s (min {min(runs):.2f}, max "
            f"{max(runs):.2f}), speed-up {base / median:.2f}x"
        )
    print(f"cluster start-up {startup:.2f} s; identical scores: {same}")
    args.out.mkdir(parents=True, exist_ok=True)
    result = {"times": times, "cluster_startup": startup, "identical_scores": same}
    (args.out / "search_backends.json").write_text(json.dumps(result, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
