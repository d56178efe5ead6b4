"""Grid search over an optimizer's hyperparameters with scikit-learn's GridSearchCV.

The grid covers ``learning_rate`` (around the setting ``compare`` uses), ``decay``
and the optimizer's own hyperparameters (momentum for sgd, rho for rmsprop, both
betas for adam). The estimator is ``StandardScaler -> MLPScratchClassifier`` in a
``Pipeline``, so the scaling is learnt inside each fold.

Parallelism goes through joblib: :func:`parallel_backend` applies a backend for
the duration of the search, including a dask cluster (``pip install
"skspiral[dask]"``).

>>> from skspiral.tools.search import param_grid
>>> grid = param_grid("sgd", "spiral")
>>> grid["learning_rate"], grid["decay"], grid["momentum"]
([0.3, 1.0, 3.0], [0.0, 0.001], [0.5, 0.9])
"""

from __future__ import annotations

import numbers
import warnings
from contextlib import contextmanager

import joblib
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..optimizers import get_optimizer_class
from . import workloads
from .workloads import BOOK_SPIRAL, MINI_BATCH, load_dataset, scratch_model

__all__ = [
    "BACKENDS",
    "CONNECT_TIMEOUT",
    "DASK_HINT",
    "MissingDependency",
    "SchedulerUnreachable",
    "TooManyFolds",
    "check_folds",
    "fit_search",
    "format_rows",
    "make_search",
    "param_grid",
    "parallel_backend",
    "result_rows",
    "run_search",
    "write_csv",
]

BACKENDS = ("loky", "threading", "multiprocessing", "dask")


class MissingDependency(ImportError):
    """An optional dependency the requested feature needs is not installed."""


class SchedulerUnreachable(OSError):
    """No Dask scheduler answered at the given address within the timeout."""


class TooManyFolds(ValueError):
    """The training data cannot be cut into that many stratified folds."""


DASK_HINT = 'the dask backend needs dask.distributed: pip install "skspiral[dask]"'
CONNECT_TIMEOUT = 10.0  # seconds to reach a Dask scheduler
DECAYS = [0.0, 1e-3]
RATE_FACTORS = (0.3, 1.0, 3.0)
OWN = {
    "sgd": {"momentum": [0.5, 0.9]},
    "rmsprop": {"rho": [0.9, 0.999]},
    "adam": {"beta_1": [0.8, 0.9], "beta_2": [0.99, 0.999]},
}
STEP = "mlp"  # the classifier's name inside the pipeline


def param_grid(optimizer: str, dataset: str = "spiral") -> dict[str, list]:
    """The default grid for ``optimizer`` on ``dataset``, without pipeline prefixes.

    The learning rates are 0.3x, 1x and 3x the rate ``compare`` uses (an unknown
    optimizer's own default); an unknown optimizer's other hyperparameters stay
    at their defaults.
    """
    tuned = (BOOK_SPIRAL if dataset == "spiral" else MINI_BATCH).get(optimizer, {})
    base = tuned.get("learning_rate")
    if base is None:
        base = get_optimizer_class(optimizer).hyperparameters().get("learning_rate")
    if not isinstance(base, (int, float)):
        base = 0.01
    rates = [float(f"{base * f:.3g}") for f in RATE_FACTORS]
    return {"learning_rate": rates, "decay": list(DECAYS), **OWN.get(optimizer, {})}


def make_search(
    optimizer: str = "adam",
    dataset: str = "spiral",
    *,
    epochs: int = 500,
    n_jobs: int | None = None,
    cv: int = 3,
    seed: int = 0,
    grid: dict[str, list] | None = None,
    verbose: int = 0,
):
    """The unfitted ``GridSearchCV`` and the dataset's split, checked but not run.

    Raises :class:`TooManyFolds` (a ``ValueError``) before any training when the
    training part cannot be cut into ``cv`` stratified folds.
    """
    split = load_dataset(dataset, seed, standardise=False)
    check_folds(cv, split.y_train, dataset)
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            (STEP, scratch_model(optimizer, dataset, epochs, seed)),
        ]
    )
    grid = param_grid(optimizer, dataset) if grid is None else grid
    search = GridSearchCV(
        pipeline,
        {f"{STEP}__{name}": values for name, values in grid.items()},
        cv=StratifiedKFold(cv, shuffle=True, random_state=seed),
        n_jobs=n_jobs,
        verbose=verbose,
        error_score="raise",
    )
    return search, split


def check_folds(cv: int, y, dataset: str = "the data") -> None:
    """``cv`` stratified folds need at least ``cv`` members in every class.

    Raises :class:`TooManyFolds` naming the smallest class otherwise
    (scikit-learn would only warn, and some folds would then lack a class).
    """
    if isinstance(cv, bool) or not isinstance(cv, numbers.Integral) or cv < 2:
        raise ValueError(f"cv must be an integer of at least 2 folds, got {cv!r}.")
    counts = np.unique(np.asarray(y), return_counts=True)[1]
    if cv > counts.min():
        raise TooManyFolds(
            f"{cv} folds are more than the {counts.min()} training samples of the "
            f"smallest class of {dataset} ({len(y)} samples in all); use at most "
            f"{counts.min()}."
        )


def fit_search(search, split):
    """Fit ``search`` on the training part; return it and the held-out accuracy."""
    with warnings.catch_warnings():
        # Every fit runs its full budget; scikit-learn carries this filter to
        # its joblib workers.
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(split.X_train, split.y_train)
    return search, search.score(split.X_test, split.y_test)


def run_search(optimizer: str = "adam", dataset: str = "spiral", **options):
    """Fit the grid search on the dataset's training part.

    ``options`` are those of :func:`make_search`. Returns the fitted
    ``GridSearchCV`` and the best model's accuracy on the held-out test part.
    """
    return fit_search(*make_search(optimizer, dataset, **options))


def result_rows(search) -> list[dict]:
    """``cv_results_`` as rows sorted by rank, parameters under their short names."""
    results = search.cv_results_
    prefix = f"param_{STEP}__"
    params = [key for key in results if key.startswith(prefix)]
    scores = [
        key
        for key in results
        if key.endswith("_test_score") and not key.startswith("rank")
    ]
    rows = []
    for i in range(len(results["params"])):
        row = {"rank": int(results["rank_test_score"][i])}
        row.update({key[len(prefix) :]: results[key][i] for key in params})
        row.update({key: float(results[key][i]) for key in scores})
        row["mean_fit_time"] = float(results["mean_fit_time"][i])
        rows.append(row)
    return sorted(rows, key=lambda r: (r["rank"], -r["mean_test_score"]))


def write_csv(rows: list[dict], path) -> None:
    """The search results, one row per candidate, columns as in ``result_rows``."""
    workloads.write_csv(rows, path)


def format_rows(rows: list[dict], top: int = 5) -> str:
    """The first ``top`` rows as an aligned table."""
    names = [k for k in rows[0] if k != "rank" and not k.endswith(("score", "time"))]
    header = f"{'rank':>4}  " + "  ".join(f"{n:>13}" for n in names)
    header += f"  {'mean score':>10}  {'std':>6}  {'fit s':>6}"
    lines = [header, "-" * len(header)]
    for r in rows[:top]:
        values = "  ".join(f"{r[n]:>13g}" for n in names)
        lines.append(
            f"{r['rank']:>4}  {values}  {r['mean_test_score']:>10.3f}  "
            f"{r['std_test_score']:>6.3f}  {r['mean_fit_time']:>6.2f}"
        )
    return "\n".join(lines)


@contextmanager
def parallel_backend(
    backend: str = "loky",
    scheduler: str | None = None,
    timeout: float = CONNECT_TIMEOUT,
):
    """Run joblib work (GridSearchCV's fits) inside ``backend``.

    For ``"dask"``, connect to the scheduler at ``scheduler`` or, without one,
    start a two-worker local cluster and close it afterwards. Raises
    :class:`MissingDependency` (an ``ImportError``) saying :data:`DASK_HINT` when
    dask.distributed is missing, and :class:`SchedulerUnreachable` (an
    ``OSError``) when no scheduler answers at ``scheduler`` within ``timeout``
    seconds or the address is malformed.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}.")
    if scheduler is not None and backend != "dask":
        raise ValueError("a scheduler address needs the dask backend.")
    if backend != "dask":
        with joblib.parallel_config(backend=backend):
            yield None
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise MissingDependency(DASK_HINT) from exc
    if scheduler is not None:
        cluster, client = None, _connect(Client, scheduler, timeout)
    else:
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        # n_jobs=-1: every worker, unless the caller passes its own n_jobs.
        with joblib.parallel_config(backend="dask", n_jobs=-1):
            yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(client_class, address: str, timeout: float):
    try:
        return client_class(address, timeout=timeout)
    except (OSError, ValueError, TypeError) as exc:
        # OSError: nothing answered in time; ValueError/TypeError: a bad address.
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise SchedulerUnreachable(
            f"cannot reach the Dask scheduler at {address!r} within "
            f"{timeout:g} s: {reason}"
        ) from None
