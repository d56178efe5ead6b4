"""L-BFGS through the estimators: an optimizer that needs the whole objective,
run by the same loop without special-casing its name, and equal to
MLPClassifier(solver="lbfgs") from the same weights."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skspiral import MLPScratchClassifier, MLPScratchRegressor


def standardised(load):
    X, y = load(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("load", [load_iris, load_breast_cancer])
def test_lbfgs_from_mlpclassifiers_weights_reaches_its_final_loss(load):
    X, y = standardised(load)
    theirs = MLPClassifier(solver="lbfgs", max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.fit(X, y)  # only to get its initial weights, copied below
    ours = MLPScratchClassifier(optimizer="lbfgs", max_iter=1, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
    start = np.random.RandomState(7)
    coefs = [start.uniform(-0.3, 0.3, w.shape) for w in theirs.coefs_]
    intercepts = [start.uniform(-0.3, 0.3, b.shape) for b in theirs.intercepts_]
    theirs.set_params(max_iter=200, warm_start=True)
    ours.set_params(max_iter=200, warm_start=True)
    theirs.coefs_, theirs.intercepts_ = [c.copy() for c in coefs], intercepts
    ours.coefs_, ours.intercepts_ = coefs, intercepts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.fit(X, y)
        ours.fit(X, y)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-6)
    assert ours.n_iter_ == theirs.n_iter_


def test_lbfgs_that_runs_out_of_iterations_warns_with_scipys_message():
    X, y = standardised(load_iris)
    clf = MLPScratchClassifier(optimizer="lbfgs", max_iter=3, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"lbfgs failed to converge after 3"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3 and clf.t_ == 3 and len(clf.loss_curve_) == 3
    # each iteration's metric is that of its iterate, the weights kept at the end
    assert clf.history_["accuracy"][-1] == clf.score(X, y) < 1


def test_lbfgs_records_one_loss_per_iteration_decreasing():
    X, y = standardised(load_iris)
    clf = MLPScratchClassifier(optimizer="lbfgs", max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert np.all(np.diff(clf.loss_curve_) <= 1e-12)
    assert clf.score(X, y) > 0.95


def test_lbfgs_trains_the_regressor_too():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=200)
    reg = MLPScratchRegressor((16,), optimizer="lbfgs", random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.95


def test_flat_learning_rate_reaches_the_optimizer_a_wrapper_wraps():
    X, y = standardised(load_iris)
    clf = MLPScratchClassifier(
        (8,), optimizer="lookahead", learning_rate=0.01, max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.optimizer_.inner.learning_rate == 0.01


def test_scikit_learn_callbacks_see_one_task_per_lbfgs_iteration():
    callback = pytest.importorskip("sklearn.callback")
    X, y = standardised(load_iris)
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = MLPScratchClassifier(optimizer="lbfgs", max_iter=8, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_callbacks(monitor).fit(X, y)
    rows = monitor.get_logs().data
    epochs = [r for r in rows if len(r["task_id_path"]) == 2]
    assert [r["task_name"] for r in epochs] == [f"epoch {k}" for k in range(8)]
    assert epochs[-1]["accuracy"] == pytest.approx(clf.score(X, y), abs=1e-12)


@pytest.mark.parametrize("cls", [MLPScratchClassifier, MLPScratchRegressor])
def test_partial_fit_exists_only_for_optimizers_that_step(cls):
    # As scikit-learn offers partial_fit only for its stochastic solvers.
    assert hasattr(cls(), "partial_fit")
    assert not hasattr(cls(optimizer="lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit") as info:
        cls(optimizer="lbfgs").partial_fit  # noqa: B018
    assert "needs the whole objective" in str(info.value.__cause__)
