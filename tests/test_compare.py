"""``compare`` as a benchmark: equal budgets, seeds, reproducibility, failures.

Budgets here are tiny (a few epochs): these tests check the protocol, not which
optimizer wins.
"""

import csv
import io
import math

import numpy as np
import pytest

import skspiral
from skspiral.optimizers import SGD, register_optimizer
from skspiral.optimizers.registry import _REGISTRY
from skspiral.tools import compare, report, tuning, workloads
from skspiral.tools.compare import run_compare
from skspiral.tools.runs import TIMING_COLUMNS

SMALL = {"budget": 3, "seeds": 2, "epochs": 4}
CONTENDERS = {"optimizers": ["sgd", "adam"], "sklearn": ["adam", "lbfgs"]}
LABELS = ["sgd", "adam", "MLPClassifier(adam)", "MLPClassifier(lbfgs)"]


@pytest.fixture(scope="module")
def result():
    return run_compare(["spiral", "iris"], seed=3, **CONTENDERS, **SMALL)


def _csv_without_timings(result, tmp_path, name):
    out = tmp_path / name
    out.mkdir()
    report.write_tables(result, out)
    text = {}
    for file in ("results.csv", "summary.csv"):
        rows = list(csv.DictReader(io.StringIO((out / file).read_text())))
        for row in rows:
            for column in TIMING_COLUMNS:
                row.pop(column, None)
        text[file] = rows
    return text


def test_every_contender_gets_the_same_number_of_trials_and_seeds(result):
    for dataset in ("spiral", "iris"):
        for label in LABELS:
            mine = [
                r for r in result.runs if (r["dataset"], r["model"]) == (dataset, label)
            ]
            phases = [r["phase"] for r in mine]
            assert phases == ["tune"] * 3 + ["final"] * 2, (dataset, label)
            assert [r["index"] for r in mine] == [1, 2, 3, 1, 2]
            assert {r["eval_on"] for r in mine if r["phase"] == "final"} == {"test"}
    assert len(result.summary) == 2 * len(LABELS)
    assert {(r["trials"], r["seeds"]) for r in result.summary} == {(3, 2)}


def test_the_final_runs_use_the_best_validation_setting_and_new_seeds(result):
    for dataset in ("spiral", "iris"):
        for label in ("sgd", "adam", "MLPClassifier(adam)"):
            mine = [
                r for r in result.runs if (r["dataset"], r["model"]) == (dataset, label)
            ]
            tune = [r for r in mine if r["phase"] == "tune"]
            best = min(tune, key=lambda r: (r["loss"], -r["score"], r["index"]))
            final = [r for r in mine if r["phase"] == "final"]
            assert {r["settings"] for r in final} == {best["settings"]}
            assert {r["seed"] for r in tune} == {3}
            assert [r["seed"] for r in final] == [4, 5]


def test_tuning_draws_distinct_settings_from_the_documented_space(result):
    adam = [
        r
        for r in result.runs
        if r["model"] == "adam" and r["phase"] == "tune" and r["dataset"] == "iris"
    ]
    rates = [r["learning_rate"] for r in adam]
    assert len(set(rates)) == 3
    space = tuning.SPACES["adam"]["learning_rate"]
    assert all(space.low <= rate <= space.high for rate in rates)
    # Every row names every optimizer setting it ran with.
    assert all(r["settings"].startswith("Adam(learning_rate=") for r in adam)
    assert all(f"learning_rate={r['learning_rate']}" in r["settings"] for r in adam)


def test_the_same_seed_gives_the_same_csv_bit_for_bit(result, tmp_path):
    again = run_compare(["spiral", "iris"], seed=3, **CONTENDERS, **SMALL)
    first = _csv_without_timings(result, tmp_path, "first")
    second = _csv_without_timings(again, tmp_path, "second")
    assert first == second
    other = run_compare(["spiral", "iris"], seed=4, **CONTENDERS, **SMALL)
    assert _csv_without_timings(other, tmp_path, "other") != first


def test_adding_a_contender_leaves_the_others_draws_unchanged(result):
    alone = run_compare(["iris"], optimizers=["adam"], sklearn=[], seed=3, **SMALL)
    mine = [r["settings"] for r in alone.runs]
    theirs = [
        r["settings"]
        for r in result.runs
        if (r["dataset"], r["model"]) == ("iris", "adam")
    ]
    assert mine == theirs


def test_summary_holds_intervals_and_one_best_per_dataset(result):
    for dataset in ("spiral", "iris"):
        rows = [r for r in result.summary if r["dataset"] == dataset]
        assert sorted(r["rank"] for r in rows) == [1, 2, 3, 4]
        best = next(r for r in rows if r["rank"] == 1)
        assert best["tied_with_best"] is True
        for r in rows:
            if np.isfinite(r["score_low"]):
                assert r["score_low"] <= r["score_mean"] <= r["score_high"]
            assert r["score_metric"] == "accuracy" and r["loss_metric"] == "log_loss"


def test_time_to_target_is_the_first_epoch_at_or_below_the_target():
    result = run_compare(
        ["iris"],
        optimizers=["adam"],
        sklearn=[],
        budget=1,
        seeds=1,
        epochs=30,
        target_loss=0.9,
    )
    run = result.runs[-1]
    curve = result.curves["iris"]["adam"][0]
    first = next(i + 1 for i, loss in enumerate(curve) if loss <= 0.9)
    assert run["epochs_to_target"] == first
    assert curve[first - 2] > 0.9 if first > 1 else True
    assert math.isnan(
        run_compare(
            ["iris"],
            optimizers=["adam"],
            sklearn=[],
            budget=1,
            seeds=1,
            epochs=2,
            target_loss=1e-9,
        ).runs[-1]["epochs_to_target"]
    )


def test_one_progress_line_per_run_numbered_out_of_the_total():
    lines = []
    result = run_compare(
        ["iris"],
        optimizers=["sgd"],
        sklearn=["lbfgs"],
        progress=lines.append,
        **SMALL,
    )
    assert len(lines) == len(result.runs) == 2 * (3 + 2)
    assert lines[0].startswith("[ 1/10] iris") and lines[-1].startswith("[10/10]")


@pytest.fixture
def exploding_optimizer():
    @register_optimizer("test_exploding")
    class Exploding(SGD):
        def step(self, params, grads, state):
            raise FloatingPointError("boom")

    yield "test_exploding"
    _REGISTRY.pop("test_exploding")


def test_a_failing_optimizer_gets_nan_rows_and_the_others_still_run(
    exploding_optimizer,
):
    result = run_compare(
        ["iris"], optimizers=["sgd", exploding_optimizer], sklearn=[], **SMALL
    )
    bad = [r for r in result.runs if r["model"] == exploding_optimizer]
    assert len(bad) == 5
    assert all(r["status"].startswith("failed: FloatingPointError: boom") for r in bad)
    assert all(math.isnan(r["score"]) for r in bad)
    good = [r for r in result.runs if r["model"] == "sgd"]
    assert all(r["status"] == "ok" for r in good)
    summary = {r["model"]: r for r in result.summary}
    assert (
        summary["sgd"]["rank"] == 1
        and not summary[exploding_optimizer]["tied_with_best"]
    )


def test_an_unknown_optimizer_gets_its_learning_rate_around_its_default():
    @register_optimizer("test_unknown_sgd")
    class Unknown(SGD):
        pass

    try:
        space = tuning.scratch_contender("test_unknown_sgd").space
    finally:
        _REGISTRY.pop("test_unknown_sgd")
    default = SGD.hyperparameters()["learning_rate"]
    assert list(space) == ["learning_rate"]
    assert space["learning_rate"].low == pytest.approx(default / 30)
    assert space["learning_rate"].high == pytest.approx(default * 30)


def test_keys_an_optimizer_does_not_take_are_dropped_from_its_space(monkeypatch):
    monkeypatch.setitem(
        tuning.SPACES, "adagrad", {**tuning.SPACES["adagrad"], "beta_9": None}
    )
    assert "beta_9" not in tuning.scratch_contender("adagrad").space


def test_training_runs_with_blas_pinned_to_one_thread():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not threadpoolctl.threadpool_info():
        pytest.skip("no BLAS library reported by threadpoolctl")
    seen = []

    @register_optimizer("test_thread_spy")
    class Spy(SGD):
        def step(self, params, grads, state):
            info = threadpoolctl.threadpool_info()
            seen.append({i["num_threads"] for i in info if i["user_api"] == "blas"})
            return super().step(params, grads, state)

    try:
        run_compare(
            ["iris"],
            optimizers=["test_thread_spy"],
            sklearn=[],
            budget=1,
            seeds=1,
            epochs=1,
        )
    finally:
        _REGISTRY.pop("test_thread_spy")
    assert seen and all(threads <= {1} for threads in seen)


def test_datasets_of_two_tasks_are_refused():
    with pytest.raises(ValueError, match="one task"):
        run_compare(["iris", "diabetes"], **SMALL)


@pytest.mark.skipif(
    hasattr(skspiral, "MLPScratchRegressor"), reason="the regressor exists"
)
def test_regression_without_the_regressor_says_what_is_missing():
    with pytest.raises(ValueError, match="MLPScratchRegressor"):
        run_compare(["diabetes"], **SMALL)


def test_regression_races_mlpregressor_alone_on_both_datasets():
    result = run_compare(["diabetes", "friedman1"], optimizers=[], **SMALL)
    labels = {r["model"] for r in result.summary}
    assert labels == {
        "MLPRegressor(adam)",
        "MLPRegressor(sgd, nesterov)",
        "MLPRegressor(lbfgs)",
    }
    assert {r["score_metric"] for r in result.summary} == {"r2"}
    assert all(r["status"] == "ok" for r in result.runs if "lbfgs" in r["model"])


@pytest.mark.skipif(
    not hasattr(skspiral, "MLPScratchRegressor"),
    reason="skspiral.MLPScratchRegressor does not exist yet in this branch",
)
def test_regression_races_skspiral_optimizers_too():
    result = run_compare(["diabetes"], optimizers=["adam"], sklearn=["adam"], **SMALL)
    assert [r["model"] for r in result.summary] == ["adam", "MLPRegressor(adam)"]
    assert all(r["status"] == "ok" for r in result.runs)


def test_default_contenders_are_the_books_four_and_three_sklearn_solvers():
    labels = [
        c.label
        for c in compare.make_contenders(
            None, compare.DEFAULT_SKLEARN, "classification"
        )
    ]
    assert labels == [
        "sgd",
        "adagrad",
        "rmsprop",
        "adam",
        "MLPClassifier(adam)",
        "MLPClassifier(sgd, nesterov)",
        "MLPClassifier(lbfgs)",
    ]


class _StandInRegressor:
    """MLPScratchRegressor's part of the interface compare uses, until it exists:
    scikit-learn's MLPRegressor driven by the optimizer's learning rate."""

    def __init__(self, optimizer, weight_init, **common):
        from sklearn.neural_network import MLPRegressor

        self.optimizer = optimizer
        rate = optimizer.learning_rate
        self._model = MLPRegressor(solver="adam", learning_rate_init=rate, **common)

    def fit(self, X, y):
        self._model.fit(X, y)
        self.loss_curve_, self.n_iter_ = self._model.loss_curve_, self._model.n_iter_
        return self

    def predict(self, X):
        return self._model.predict(X)

    def score(self, X, y):
        return self._model.score(X, y)


def test_the_regression_race_shares_the_machinery(monkeypatch):
    if not hasattr(skspiral, "MLPScratchRegressor"):
        monkeypatch.setattr(
            skspiral, "MLPScratchRegressor", _StandInRegressor, raising=False
        )
    result = run_compare(
        ["diabetes", "friedman1"], optimizers=["adam"], sklearn=["adam"], **SMALL
    )
    assert [(r["dataset"], r["model"]) for r in result.summary] == [
        (d, m)
        for d in ("diabetes", "friedman1")
        for m in ("adam", "MLPRegressor(adam)")
    ]
    assert {r["score_metric"] for r in result.summary} == {"r2"}
    assert {r["loss_metric"] for r in result.summary} == {"mse"}
    finals = [r for r in result.runs if r["phase"] == "final"]
    assert all(r["status"] == "ok" and r["score"] <= 1 for r in finals)
    assert all(r["target_loss"] == workloads.TARGET_LOSS[r["dataset"]] for r in finals)


def test_a_schedule_spans_each_run_from_the_tuned_rate():
    from skspiral.schedules import CosineDecay
    from skspiral.tools.tuning import scratch_contender

    contender = scratch_contender("adam", "cosine")
    assert contender.label == "adam+cosine" and "decay" not in contender.space
    model = contender.build(
        {"learning_rate": 0.02}, "classification", epochs=7, seed=0, n_samples=450
    )
    # 450 rows in batches of 200: 3 steps per epoch, 21 steps in the run
    assert model.optimizer.learning_rate == CosineDecay(0.02, decay_steps=21)
    assert "'cosine'" in contender.describe({"learning_rate": 0.02})
    # an optimizer without a rate of its own runs as it is
    assert scratch_contender("lbfgs", "cosine").schedule is None
