"""MLPScratchClassifier inside scikit-learn's tooling, and the inputs it accepts.

What ``parametrize_with_checks`` (tests/test_sklearn_checks.py) already covers is
not repeated here: these tests pin down the issue's own promises.
"""

import json
import pickle
import re
import subprocess
import sys
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_iris, make_blobs
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.optimizers import SGD, AdaGrad, Adam, RMSprop

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ROOT = Path(__file__).resolve().parents[1]
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_SPIRAL, Y_SPIRAL = make_spiral(150, 3, random_state=0)


def _blobs(n_classes, n=90, seed=0):
    centers = 4.0 * np.eye(n_classes, 3)
    return make_blobs(n, centers=centers, cluster_std=0.5, random_state=seed)


# ------------------------------------------------------- scikit-learn tooling
def test_pipeline_with_scaler_works_in_cross_val_score():
    pipe = make_pipeline(StandardScaler(), MLPScratchClassifier(random_state=0))
    scores = cross_val_score(pipe, X_IRIS, Y_IRIS, cv=3)
    assert scores.shape == (3,)
    assert scores.min() > 0.8


def test_grid_search_over_learning_rate_decay_and_betas_in_parallel():
    grid = {
        "learning_rate": [0.05, 0.0005],
        "decay": [0.0, 0.01],
        "beta_1": [0.9, 0.8],
        "beta_2": [0.999],
    }
    search = GridSearchCV(
        MLPScratchClassifier((8,), max_iter=20, random_state=0), grid, cv=2, n_jobs=2
    )
    search.fit(X_IRIS, Y_IRIS)
    assert len(search.cv_results_["params"]) == 8
    assert len(set(search.cv_results_["mean_test_score"])) > 1  # parameters matter
    built = search.best_estimator_.optimizer_
    assert {k: getattr(built, k) for k in grid} == search.best_params_


def test_grid_search_over_optimizer_names_matches_a_serial_search():
    names = ["sgd", "adagrad", "rmsprop", "adam"]
    kinds = {"sgd": SGD, "adagrad": AdaGrad, "rmsprop": RMSprop, "adam": Adam}
    est = MLPScratchClassifier((8,), max_iter=15, random_state=0)
    results = {}
    for n_jobs in (1, 2):
        search = GridSearchCV(est, {"optimizer": names}, cv=2, n_jobs=n_jobs)
        results[n_jobs] = search.fit(X_IRIS, Y_IRIS).cv_results_["mean_test_score"]
        best = search.best_params_["optimizer"]
        assert type(search.best_estimator_.optimizer_) is kinds[best]
    np.testing.assert_array_equal(results[1], results[2])


def test_clone_is_an_independent_unfitted_copy():
    est = MLPScratchClassifier(
        (5,), optimizer_params={"beta_1": 0.8}, max_iter=5, random_state=0
    ).fit(X_SPIRAL, Y_SPIRAL)
    copy = clone(est)
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    assert copy.get_params() == est.get_params()
    assert copy.optimizer_params is not est.optimizer_params
    copy.set_params(hidden_layer_sizes=(3,)).fit(X_SPIRAL, Y_SPIRAL)
    copy.optimizer_params["beta_1"] = 0.5
    assert est.hidden_layer_sizes == (5,) and est.optimizer_params == {"beta_1": 0.8}
    assert est.coefs_[0].shape == (2, 5)


def test_clone_and_grid_search_copy_optimizer_instances():
    template = SGD(learning_rate=0.05, momentum=0.5)
    est = MLPScratchClassifier((4,), optimizer=template, max_iter=3, random_state=0)
    copy = clone(est)
    assert copy.optimizer is not template
    assert copy.optimizer == template
    grid = {"optimizer": [template, Adam(learning_rate=0.01)]}
    search = GridSearchCV(est, grid, cv=2).fit(X_SPIRAL, Y_SPIRAL)
    assert len(search.cv_results_["params"]) == 2
    assert search.best_estimator_.optimizer_ == search.best_params_["optimizer"]
    assert template.get_params() == {
        "learning_rate": 0.05,
        "decay": 0.0,
        "momentum": 0.5,
        "nesterov": False,
    }


@pytest.mark.parametrize("batch_size", [None, 32])
def test_pickle_round_trip_predicts_identically_and_continues_identically(batch_size):
    est = MLPScratchClassifier(
        (6,), batch_size=batch_size, max_iter=5, warm_start=True, random_state=0
    ).fit(X_SPIRAL, Y_SPIRAL)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(
        restored.predict_proba(X_SPIRAL), est.predict_proba(X_SPIRAL)
    )
    restored.fit(X_SPIRAL, Y_SPIRAL)
    est.fit(X_SPIRAL, Y_SPIRAL)
    for a, b in zip(restored.coefs_, est.coefs_):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_same_random_state_gives_bit_identical_coefs(optimizer):
    def fit(seed):
        return MLPScratchClassifier(
            (8,), optimizer=optimizer, batch_size=16, max_iter=5, random_state=seed
        ).fit(X_SPIRAL, Y_SPIRAL)

    a, b, other = fit(3), fit(3), fit(4)
    a_rs = fit(np.random.RandomState(3))
    for wa, wb, wr in zip(a.coefs_, b.coefs_, a_rs.coefs_):
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_array_equal(wa, wr)
    assert not np.array_equal(a.coefs_[0], other.coefs_[0])


@pytest.mark.parametrize("fmt", ["dense64", "dense32", "csr", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
def test_user_data_is_never_modified_and_read_only_data_works(fmt, weighted):
    X = X_SPIRAL.astype(np.float32) if fmt == "dense32" else X_SPIRAL.copy()
    if fmt in ("csr", "csc"):
        X = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
        arrays = [X.data, X.indices, X.indptr]
    else:
        arrays = [X]
    y = Y_SPIRAL.copy()
    weights = np.linspace(0.5, 2.0, len(y)) if weighted else None
    arrays += [y] + ([weights] if weighted else [])
    snapshots = [a.copy() for a in arrays]
    for a in arrays:
        a.setflags(write=False)

    est = MLPScratchClassifier((6,), batch_size=32, max_iter=3, random_state=0)
    est.fit(X, y, sample_weight=weights)
    est.partial_fit(X, y, sample_weight=weights)
    est.predict(X), est.predict_proba(X), est.score(X, y)
    for a, before in zip(arrays, snapshots):
        np.testing.assert_array_equal(a, before)


# ------------------------------------------------------------------- labels
@pytest.mark.parametrize(
    "labels",
    [
        ["a", "b"],
        ["cat", "dog", "emu"],
        [-3, 10],
        [2, 5, 7, 11],
        [False, True],
        np.array(["x", "y", "z"], dtype=object),
        [1.0, 2.0, 3.0],
    ],
)
def test_predictions_come_back_as_the_original_labels(labels):
    labels = np.asarray(labels)
    X, idx = _blobs(len(labels))
    y = labels[idx]
    est = MLPScratchClassifier((8,), learning_rate=0.05, random_state=0).fit(X, y)
    np.testing.assert_array_equal(est.classes_, np.unique(labels))
    predicted = est.predict(X)
    assert predicted.dtype == y.dtype
    assert np.mean(predicted == y) >= 0.95
    probabilities = est.predict_proba(X)
    assert probabilities.shape == (len(y), len(labels))
    np.testing.assert_array_equal(est.classes_[probabilities.argmax(axis=1)], predicted)


@pytest.mark.parametrize(
    "y",
    [
        np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 10),
        np.array([[0, 1, 2], [1, 2, 0]] * 20),
    ],
)
def test_multilabel_or_multioutput_y_is_a_clear_error(y):
    X = np.random.RandomState(0).normal(size=(len(y), 3))
    with pytest.raises(ValueError, match="multilabel or multi-output"):
        MLPScratchClassifier().fit(X, y)


# -------------------------------------------------------------------- inputs
def test_float32_is_kept_through_training_and_prediction():
    X32 = X_SPIRAL.astype(np.float32)
    est = MLPScratchClassifier((8,), max_iter=5, random_state=0).fit(X32, Y_SPIRAL)
    assert all(w.dtype == np.float32 for w in est.coefs_ + est.intercepts_)
    assert est.predict_proba(X32).dtype == np.float32
    assert est.predict_log_proba(X32).dtype == np.float32
    est64 = MLPScratchClassifier((8,), max_iter=5, random_state=0)
    est64.fit(X_SPIRAL, Y_SPIRAL)
    np.testing.assert_allclose(est.coefs_[0], est64.coefs_[0], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("batch_size", [None, 16])
def test_sparse_input_trains_and_predicts_like_dense(fmt, batch_size):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 12)) * (rng.uniform(size=(80, 12)) < 0.3)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    params = dict(batch_size=batch_size, max_iter=5, random_state=0)
    dense = MLPScratchClassifier((6,), **params).fit(X, y)
    sparse = MLPScratchClassifier((6,), **params).fit(sp.csr_matrix(X).asformat(fmt), y)
    for a, b in zip(dense.coefs_, sparse.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    X_test = sp.csr_matrix(X[:20]).asformat(fmt)
    np.testing.assert_allclose(
        dense.predict_proba(X[:20]), dense.predict_proba(X_test), rtol=1e-12
    )
    np.testing.assert_array_equal(dense.predict(X[:20]), dense.predict(X_test))


def test_sparse_input_is_never_densified():
    # 300 x 200_000 float64 would take 480 MB dense; the sparse matrix, the
    # weights (200_000 x 2) and the optimizer state need a few dozen MB.
    n, d = 300, 200_000
    rng = np.random.RandomState(0)
    entries = (rng.normal(size=n), (np.arange(n), rng.randint(0, 5, n)))
    X = sp.csr_matrix(entries, shape=(n, d))
    y = np.asarray(X[:, :5].sum(axis=1)).ravel() > 0
    est = MLPScratchClassifier((2,), batch_size=100, max_iter=2, random_state=0)
    tracemalloc.start()
    try:
        est.fit(X, y)
        est.predict_proba(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.2 * n * d * 8


def test_dataframe_feature_names_are_recorded_and_checked():
    pd = pytest.importorskip("pandas")
    columns = ["radius", "angle"]
    df = pd.DataFrame(X_SPIRAL, columns=columns)
    est = MLPScratchClassifier((4,), max_iter=3, random_state=0).fit(df, Y_SPIRAL)
    np.testing.assert_array_equal(est.feature_names_in_, columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.predict(df)
    with pytest.raises(ValueError, match="feature names"):
        est.predict(df[columns[::-1]])
    with pytest.raises(ValueError, match="feature names"):
        est.predict(df.rename(columns={"angle": "theta"}))
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        est.predict(X_SPIRAL)


def test_array_fit_then_dataframe_predict_warns():
    pd = pytest.importorskip("pandas")
    est = MLPScratchClassifier((4,), max_iter=3, random_state=0)
    est.fit(X_SPIRAL, Y_SPIRAL)
    assert not hasattr(est, "feature_names_in_")
    with pytest.warns(UserWarning, match="fitted without feature names"):
        est.predict(pd.DataFrame(X_SPIRAL, columns=["a", "b"]))


def test_predict_log_proba_is_the_log_of_proba_for_extreme_finite_input():
    est = MLPScratchClassifier((8,), max_iter=20, random_state=0)
    est.fit(X_SPIRAL, Y_SPIRAL)
    for scale in (1e3, 1e8, 1e150):
        proba = est.predict_proba(X_SPIRAL * scale)
        log_p = est.predict_log_proba(X_SPIRAL * scale)
        assert not np.isnan(log_p).any() and (log_p <= 0).all()
        with np.errstate(divide="ignore"):
            np.testing.assert_array_equal(log_p, np.log(proba))
        np.testing.assert_allclose(np.exp(log_p).sum(axis=1), 1.0)


# ------------------------------------------------------------------- verbose
LINE = re.compile(
    r"^epoch: (\d+), acc: \d\.\d{3}, loss: \d+\.\d{3}, lr: [0-9.e+-]+"
    r"(, val_acc: \d\.\d{3})?$"
)


@pytest.mark.parametrize(
    "verbose, max_iter, expected_epochs",
    [
        (1, 20, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 19]),
        (2, 5, [0, 1, 2, 3, 4]),
    ],
)
def test_verbose_prints_book_style_progress_lines(
    capsys, verbose, max_iter, expected_epochs
):
    est = MLPScratchClassifier(
        (4,),
        learning_rate=0.02,
        decay=0.1,
        max_iter=max_iter,
        n_iter_no_change=100,
        verbose=verbose,
        random_state=0,
    ).fit(X_SPIRAL, Y_SPIRAL)
    lines = capsys.readouterr().out.splitlines()
    assert all(LINE.match(line) for line in lines), lines
    epochs = [int(LINE.match(line).group(1)) for line in lines]
    assert epochs == expected_epochs
    first = lines[0]
    assert f"loss: {est.loss_curve_[0]:.3f}" in first
    assert f"lr: {est.history_['learning_rate'][0]}" in first


def test_verbose_with_early_stopping_adds_validation_accuracy(capsys):
    MLPScratchClassifier(
        (4,), max_iter=3, early_stopping=True, verbose=2, random_state=0
    ).fit(X_SPIRAL, Y_SPIRAL)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert all(LINE.match(line).group(2) for line in lines)


def test_verbose_zero_prints_nothing(capsys):
    est = MLPScratchClassifier((4,), max_iter=5, random_state=0)
    est.fit(X_SPIRAL, Y_SPIRAL)
    est.partial_fit(X_SPIRAL, Y_SPIRAL)
    est.predict(X_SPIRAL)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# ----------------------------------------------------------------- benchmark
def test_heldout_quality_benchmark_runs_quick_and_writes_json(tmp_path):
    script = ROOT / "benchmarks" / "heldout_quality.py"
    done = subprocess.run(
        [sys.executable, str(script), "--quick", "--lbfgs", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads((tmp_path / "heldout_quality.json").read_text())
    assert (payload["benchmark"], payload["quick"]) == ("heldout_quality", True)
    rows = {row["dataset"]: row for row in payload["results"]}
    assert set(rows) == {"iris", "spiral"}
    for row in rows.values():
        for key in ("skspiral", "MLPClassifier"):
            assert 0.0 <= row[key]["mean"] <= 1.0
            assert len(row[key]["scores"]) == row["n_splits"]
    assert "iris" in done.stdout and "spiral" in done.stdout
    lbfgs = {row["dataset"]: row for row in payload["lbfgs_results"]}
    assert set(lbfgs) == {"iris"} and lbfgs["iris"]["skspiral"]["mean"] > 0.8
    regression = {row["dataset"]: row for row in payload["regression_results"]}
    assert set(regression) == {"diabetes", "friedman1"}
    for row in regression.values():
        for key in ("skspiral", "MLPRegressor"):
            assert 0.2 < row[key]["mean"] <= 1.0  # both learn well above a constant
            assert len(row[key]["scores"]) == 2
        assert (
            row["difference"] == row["skspiral"]["mean"] - row["MLPRegressor"]["mean"]
        )
    assert "diabetes" in done.stdout and "friedman1" in done.stdout
