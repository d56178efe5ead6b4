"""Grid search on Dask: two worker processes of a LocalCluster on 127.0.0.1.

Every test has a timeout, so a hang fails instead of stalling CI. The workers can
import this module (they inherit ``sys.path``), so classes defined at module level
travel by reference; those defined in a function travel by value, as a user's
``__main__`` classes do. ``test_portability.py`` covers workers that share nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.optimizers import SGD, Optimizer, _portable, registry

distributed = pytest.importorskip(
    "distributed",
    reason='the Dask tests need dask.distributed: pip install "skspiral[dask]"',
)

pytestmark = [pytest.mark.distributed, pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[1]


class ModuleSGD(SGD):
    """SGD with momentum 0.9 by default, defined at module level."""

    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.9):
        super().__init__(learning_rate, decay, momentum)


def by_value_sign_sgd():
    """A class defined in a function: cloudpickle ships it by value."""

    class SignSGD(Optimizer):
        r"""``w <- w - lr_t * sign(g)``."""

        def _update(self, params, grads, state, lr):
            params -= lr * np.sign(grads)

    return SignSGD


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster, timeout="30s") as client,
    ):
        yield client


@pytest.fixture(autouse=True)
def isolated_registry(monkeypatch):
    """Names registered here vanish after each test (workers keep theirs)."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(_portable, "_ADOPTED", dict(_portable._ADOPTED))


def data():
    return make_spiral(120, 3, random_state=0)


def search_for(grid, n_jobs):
    est = MLPScratchClassifier((16,), max_iter=20, random_state=0)
    return GridSearchCV(est, grid, cv=2, n_jobs=n_jobs, error_score="raise")


def fit_quietly(search, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return search.fit(X, y)


def dask_and_sequential_scores(client, grid):
    """``mean_test_score`` on Dask and with n_jobs=1, and the workers that ran."""
    X, y = data()
    with distributed.get_task_stream(client) as tasks:
        with joblib.parallel_config(backend="dask"):
            on_dask = fit_quietly(search_for(grid, n_jobs=-1), X, y)
    workers = sorted({task["worker"] for task in tasks.data})
    assert workers, "no task reached the Dask workers"
    sequential = fit_quietly(search_for(grid, n_jobs=1), X, y)
    scores = [s.cv_results_["mean_test_score"] for s in (on_dask, sequential)]
    return *scores, workers


def registered_on(client, workers) -> list[list[str]]:
    """The optimizer names each of ``workers`` knows."""
    return list(client.run(registry.available_optimizers, workers=workers).values())


def test_dask_scores_equal_sequential_ones_for_module_level_optimizers(client):
    registry.register_optimizer("dask_module_sgd", ModuleSGD)
    rates = [0.02, 0.1]
    grid = [
        {"optimizer": [ModuleSGD, "dask_module_sgd", "adam"], "learning_rate": rates},
        {  # an instance holds its own rate: the flat keyword stays None
            "optimizer": [ModuleSGD(momentum=0.5, learning_rate=r) for r in rates],
            "learning_rate": [None],
        },
    ]

    on_dask, sequential, workers = dask_and_sequential_scores(client, grid)

    np.testing.assert_array_equal(on_dask, sequential)
    assert all("dask_module_sgd" in names for names in registered_on(client, workers))


def test_dask_workers_run_optimizers_pickled_by_value(client):
    sign_sgd = by_value_sign_sgd()
    registry.register_optimizer("dask_sign_sgd", sign_sgd)  # a name only in the grid
    grid = {"optimizer": [sign_sgd, sign_sgd(0.05), "dask_sign_sgd", "sgd"]}

    on_dask, sequential, workers = dask_and_sequential_scores(client, grid)

    np.testing.assert_array_equal(on_dask, sequential)
    assert all("dask_sign_sgd" in names for names in registered_on(client, workers))


def test_a_name_workers_cannot_restore_fails_fast_saying_pass_the_class(
    client, tmp_path, monkeypatch
):
    # The workers started before this folder joined sys.path: they cannot import
    # the module, so the name is unknown there although it is known here.
    (tmp_path / "only_here_optimizers.py").write_text(
        "from skspiral.optimizers import SGD\n\nclass OnlyHereSGD(SGD):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "only_here_optimizers", raising=False)
    from only_here_optimizers import OnlyHereSGD

    registry.register_optimizer("only_here_sgd", OnlyHereSGD)
    X, y = data()
    search = search_for({"optimizer": ["only_here_sgd"]}, n_jobs=-1)
    with joblib.parallel_config(backend="dask"):
        with pytest.raises(ValueError, match="pass the class itself"):
            fit_quietly(search, X, y)
    sys.modules.pop("only_here_optimizers", None)


def run(args, cwd) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=110
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_cli_search_runs_on_the_dask_scheduler_it_is_given(client, tmp_path):
    address = client.scheduler.address
    with distributed.get_task_stream(client) as tasks:
        done = run(
            ["-m", "skspiral", "search", "--backend", "dask"]
            + ["--scheduler", address, "--optimizer", "sgd", "--epochs", "5"]
            + ["--cv", "2", "--out", str(tmp_path)],
            cwd=tmp_path,
        )
    assert "best parameters" in done.stdout
    assert (tmp_path / "search.csv").exists()
    assert len(tasks.data) > 0, "the CLI's fits did not reach the scheduler"


def test_example_runs_its_reduced_grid_on_the_dask_scheduler_it_is_given(
    client, tmp_path
):
    # --scheduler, not the example's own LocalCluster: a second cluster would
    # take tens of seconds to start on a loaded CI machine.
    example = ROOT / "examples" / "dask_gridsearch.py"
    address = client.scheduler.address
    with distributed.get_task_stream(client) as tasks:
        done = run([str(example), "--quick", "--scheduler", address], tmp_path)
    assert "best parameters: {" in done.stdout
    assert "same scores as n_jobs=1: True" in done.stdout
    assert len(tasks.data) > 0, "the example's fits did not reach the scheduler"


def test_backend_benchmark_times_every_backend_with_identical_scores(client, tmp_path):
    script = ROOT / "benchmarks" / "search_backends.py"
    address = client.scheduler.address
    done = run(
        [str(script), "--quick", "--repeats", "1", "--scheduler", address]
        + ["--out", str(tmp_path)],
        tmp_path,
    )
    result = json.loads((tmp_path / "search_backends.json").read_text())
    assert set(result["times"]) == {"n_jobs=1", "loky n_jobs=2", "dask (2 workers)"}
    assert all(len(runs) == 1 and runs[0] > 0 for runs in result["times"].values())
    assert result["identical_scores"] is True
    assert "identical scores: True" in done.stdout


def test_dask_ml_incremental_trains_block_by_block_as_partial_fit_does(client):
    wrappers = pytest.importorskip(
        "dask_ml.wrappers",
        reason='the out-of-core test needs dask-ml: pip install "skspiral[dask]"',
    )
    import dask.array as da

    X, y = make_spiral(600, 3, random_state=0)
    rows = 150
    dX, dy = da.from_array(X, chunks=(rows, 2)), da.from_array(y, chunks=rows)
    settings = dict(
        hidden_layer_sizes=(16,),
        optimizer="adam",
        learning_rate=0.02,
        batch_size=50,
        shuffle=True,
        weight_init="glorot_uniform",
        random_state=0,
    )
    with distributed.get_task_stream(client) as tasks:
        incremental = wrappers.Incremental(
            MLPScratchClassifier(**settings), shuffle_blocks=False
        ).fit(dX, dy, classes=[0, 1, 2])
    assert tasks.data, "no block reached the Dask workers"

    # The same blocks in the same order, in memory here.
    reference = MLPScratchClassifier(**settings)
    for start in range(0, len(y), rows):
        block = slice(start, start + rows)
        reference.partial_fit(X[block], y[block], classes=[0, 1, 2])
    trained = incremental.estimator_
    assert len(trained.loss_curve_) == len(reference.loss_curve_) == 4
    assert trained.t_ == reference.t_
    for got, want in zip(
        trained.coefs_ + trained.intercepts_, reference.coefs_ + reference.intercepts_
    ):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(
        incremental.predict(dX).compute(), reference.predict(X)
    )


def test_every_registered_optimizer_runs_on_dask_workers_as_in_process(client):
    # The whole catalog, by name and as instances (Lookahead wraps another).
    names = registry.available_optimizers()
    grid = {"optimizer": [*names, registry.get_optimizer("lookahead", inner="sgd")]}

    on_dask, sequential, _ = dask_and_sequential_scores(client, grid)

    np.testing.assert_array_equal(on_dask, sequential)
    assert len(on_dask) == len(names) + 1 and np.isfinite(on_dask).all()
