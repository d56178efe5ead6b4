"""Grid search over Adam's learning_rate x decay x beta_1 x beta_2 on a Dask cluster.

scikit-learn dispatches ``GridSearchCV`` through joblib, and joblib runs on Dask:
``with joblib.parallel_config(backend="dask"): search.fit(X, y)`` sends every fit
to the cluster's workers. Workers need the same skspiral, scikit-learn and
cloudpickle as this script (``pip install "skspiral[dask]"``). The search runs
again with ``n_jobs=1`` (BLAS on one thread, as on each worker) to compare the
wall time and check the scores match.

    python examples/dask_gridsearch.py                                # LocalCluster
    python examples/dask_gridsearch.py --scheduler tcp://host:8786   # your cluster
    python examples/dask_gridsearch.py --quick                        # tiny grid
"""

from __future__ import annotations

import argparse
import contextlib
import time
import warnings

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

from skspiral import MLPScratchClassifier, make_spiral

GRID = {
    "learning_rate": [0.005, 0.01, 0.02, 0.05],
    "decay": [0.0, 1e-3],
    "beta_1": [0.8, 0.9],
    "beta_2": [0.99, 0.999],
}
QUICK_GRID = {
    "learning_rate": [0.01, 0.05],
    "decay": [0.0],
    "beta_1": [0.9],
    "beta_2": [0.999],
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="connect to this Dask scheduler (e.g. tcp://host:8786) instead of "
        "starting a LocalCluster on 127.0.0.1",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="LocalCluster workers (default 2)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a 2-point grid on tiny data (tests)"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the n_jobs=1 comparison"
    )
    return parser.parse_args(argv)


def _quiet_convergence_warnings() -> None:
    warnings.simplefilter("ignore", ConvergenceWarning)


@contextlib.contextmanager
def dask_client(scheduler: str | None, n_workers: int):
    """A Client to ``scheduler``, or to a LocalCluster started (and stopped) here."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,  # one fit per core; NumPy stays single-threaded
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster, timeout="30s") as client,
    ):
        client.run(_quiet_convergence_warnings)  # our own workers only
        yield client


def make_search(quick: bool) -> tuple[GridSearchCV, np.ndarray, np.ndarray]:
    n_samples, max_iter, cv = (150, 20, 2) if quick else (600, 200, 3)
    # shuffle=True: the rows come in random order, so the unshuffled folds of
    # cv=3 each hold every arm (in the book's order they would be one arm each).
    X, y = make_spiral(n_samples, 3, shuffle=True, random_state=0)
    # Every setting the result depends on is spelled out, estimator defaults aside.
    estimator = MLPScratchClassifier(
        hidden_layer_sizes=(64, 64),
        activation="relu",
        optimizer="adam",
        epsilon=1e-7,
        alpha=0.0,
        batch_size=200,
        shuffle=True,
        weight_init="glorot_uniform",
        max_iter=max_iter,
        tol=1e-4,
        n_iter_no_change=10,
        random_state=0,
    )
    grid = QUICK_GRID if quick else GRID
    return GridSearchCV(estimator, grid, cv=cv, n_jobs=-1), X, y


def timed_fit(search: GridSearchCV, X, y) -> float:
    start = time.perf_counter()
    search.fit(X, y)
    return time.perf_counter() - start


def main(argv=None) -> int:
    args = parse_args(argv)
    _quiet_convergence_warnings()
    search, X, y = make_search(args.quick)
    with dask_client(args.scheduler, args.workers) as client:
        cores = sum(client.nthreads().values())
        with joblib.parallel_config(backend="dask"):
            dask_time = timed_fit(search, X, y)
    n_fits = len(search.cv_results_["params"]) * search.n_splits_
    print(f"{n_fits} fits on {cores} Dask worker threads: {dask_time:.2f} s")
    print(f"best parameters: {search.best_params_}")
    print(f"best mean CV accuracy: {search.best_score_:.3f}")
    if args.no_baseline:
        return 0

    sequential = clone(search).set_params(n_jobs=1)
    # Dask's workers run BLAS on one thread each: so does the baseline, or on a
    # busy machine its threads contend and the comparison measures only that.
    with threadpool_limits(limits=1):
        sequential_time = timed_fit(sequential, X, y)
    same = np.array_equal(
        search.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
    )
    speedup = sequential_time / dask_time
    print(f"n_jobs=1: {sequential_time:.2f} s (Dask speed-up x{speedup:.2f})")
    print(f"same scores as n_jobs=1: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
