"""The holes a scikit-learn user fell into, each pinned down (issue: settle the
defaults and close every hole)."""

import pickle
import subprocess
import sys
import textwrap
import threading
import warnings
from fractions import Fraction

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError

import skspiral
from skspiral import DivergenceError, MLPScratchClassifier
from skspiral.optimizers import SGD, Optimizer, register_optimizer, registry
from skspiral.schedules import ReduceOnPlateau

X, Y = make_classification(120, 5, n_informative=3, random_state=0)


def small(**params):
    base = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    return MLPScratchClassifier(**{**base, **params})


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))


# ------------------------------------------------------------------ defaults
def test_defaults_follow_mlpclassifier():
    params = MLPScratchClassifier().get_params()
    assert params["hidden_layer_sizes"] == (100,)
    assert params["alpha"] == 1e-4 and params["weight_init"] == "auto"
    flat = ("learning_rate", "decay", "momentum", "rho", "beta_1", "beta_2", "epsilon")
    assert all(params[name] is None for name in flat)


class HeavyMomentum(SGD):
    def __init__(self, learning_rate=0.1, decay=0.0, momentum=0.9):
        super().__init__(learning_rate, decay, momentum)


def test_a_registered_optimizer_trains_with_its_own_defaults(clean_registry):
    register_optimizer("heavy_momentum", HeavyMomentum)
    clf = small(optimizer="heavy_momentum").fit(X, Y)
    assert (clf.optimizer_.momentum, clf.optimizer_.learning_rate) == (0.9, 0.1)


class KeywordOnly(SGD):
    def __init__(self, learning_rate=0.1, *, decay=0.0, momentum=0.5):
        super().__init__(learning_rate, decay, momentum)


class TakesKwargs(SGD):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)


def test_hyperparameter_discovery_handles_keyword_only_and_refuses_kwargs():
    assert KeywordOnly.hyperparameters() == {
        "learning_rate": 0.1,
        "decay": 0.0,
        "momentum": 0.5,
    }
    assert (
        small(optimizer=KeywordOnly, momentum=0.7).fit(X, Y).optimizer_.momentum == 0.7
    )
    with pytest.raises(TypeError, match="list its hyperparameters"):
        small(optimizer=TakesKwargs).fit(X, Y)


@pytest.mark.parametrize("optimizer", ["sgd", SGD])
def test_nested_optimizer_key_on_a_name_or_class_says_what_to_do(optimizer):
    clf = small(optimizer=optimizer)
    with pytest.raises(ValueError, match="Pass an instance.*flat keyword"):
        clf.set_params(optimizer__momentum=0.9)
    clf = small(optimizer=SGD()).set_params(optimizer__momentum=0.9)
    assert clf.optimizer.momentum == 0.9


# --------------------------------------------------- values sklearn accepts
@pytest.mark.parametrize(
    "params",
    [
        {"shuffle": np.bool_(False), "early_stopping": np.bool_(True)},
        {"warm_start": np.bool_(True)},
        {"verbose": False},
        {"n_iter_no_change": np.inf},
        {"validation_fraction": np.float32(0.2), "early_stopping": True},
        {"hidden_layer_sizes": (np.int64(5), np.int32(3)), "batch_size": np.int64(16)},
        {"max_iter": np.int64(5)},
        {"learning_rate": Fraction(1, 100)},
        {"learning_rate": np.float32(0.01)},
    ],
)
def test_values_scikit_learn_accepts_are_accepted(params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = small(**params).fit(X, Y)
    assert clf.score(X, Y) > 0.5


def test_verbose_true_prints_the_book_lines(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        small(verbose=True, max_iter=3).fit(X, Y)
    assert capsys.readouterr().out.startswith("epoch: 0, acc: ")


def test_a_generator_of_layer_sizes_is_refused_rather_than_used_up():
    clf = small(hidden_layer_sizes=(s for s in (4, 3)))
    with pytest.raises(TypeError, match="iterator or generator"):
        clf.fit(X, Y)


@pytest.mark.parametrize("name", ["", " adam2", "adam2 ", "\tx"])
def test_registry_names_must_be_non_empty_and_unpadded(name, clean_registry):
    with pytest.raises((TypeError, ValueError), match="optimizer name"):
        register_optimizer(name, HeavyMomentum)


# ---------------------------------------------------- outputs that agree
def test_binary_log_proba_and_proba_agree_at_extreme_logits():
    clf = small().fit(X, Y)
    clf.coefs_[-1][...] *= 1e3  # push logits far beyond 37
    with np.errstate(divide="ignore"):
        proba = clf.predict_proba(X)
        log_proba = clf.predict_log_proba(X)
        log_of_proba = np.log(proba)
    positive = proba > 0
    assert np.abs(clf.network_.forward(X)).max() > 40
    np.testing.assert_allclose(log_proba[positive], log_of_proba[positive], rtol=1e-9)
    assert (proba[np.isneginf(log_proba)] == 0).all()


# ----------------------------------------------------- faults, rollback
class InterruptAtFirstStep(SGD):
    def _update(self, params, grads, state, lr):
        raise KeyboardInterrupt


def test_ctrl_c_before_the_first_epoch_leaves_a_new_estimator_unfitted():
    clf = small(optimizer=InterruptAtFirstStep)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, Y)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    assert not hasattr(clf, "n_features_in_")


def test_ctrl_c_before_the_first_epoch_leaves_a_fitted_estimator_as_it_was():
    clf = small().fit(X, Y)
    before = pickle.dumps(clf)
    proba = clf.predict_proba(X)
    clf.set_params(optimizer=InterruptAtFirstStep)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X[:, :3], Y)
    assert clf.n_features_in_ == 5
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    clf.set_params(optimizer="adam")
    assert pickle.dumps(clf) == before


class InterruptAtThirdStep(SGD):
    def _update(self, params, grads, state, lr):
        if state.t >= 2:
            raise KeyboardInterrupt
        super()._update(params, grads, state, lr)


def test_failed_partial_fit_puts_back_the_shuffling_generator():
    """A continued fit shuffles with the fitted RandomState itself (no copy);
    a failure after the permutation was drawn must leave it, and everything
    else, as it was."""
    clf = small(batch_size=16, optimizer="sgd").partial_fit(X, Y, classes=[0, 1])
    before = pickle.dumps(clf)
    state_before = clf._random_state.get_state()[1].copy()
    clf.set_params(optimizer=InterruptAtThirdStep)
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, Y)  # steps 0 and 1 of this epoch ran, then Ctrl-C
    np.testing.assert_array_equal(clf._random_state.get_state()[1], state_before)
    clf.set_params(optimizer="sgd")
    assert pickle.dumps(clf) == before
    # and the next call draws what it would have drawn without the failure
    twin = pickle.loads(before)
    clf.partial_fit(X, Y)
    twin.partial_fit(X, Y)
    np.testing.assert_array_equal(clf.coefs_[0], twin.coefs_[0])


def test_predictions_during_a_refit_see_one_model_or_the_other():
    clf = small(max_iter=5).fit(X, Y)
    wide = np.hstack([X, X])
    errors, stop = [], threading.Event()

    def predict_forever():
        while not stop.is_set():
            for data in (X, wide):
                try:
                    clf.predict(data)
                except ValueError as error:  # wrong feature count: a clear message
                    if "features" not in str(error):
                        errors.append(error)
                except Exception as error:  # noqa: BLE001 - any other is a mix
                    errors.append(error)

    thread = threading.Thread(target=predict_forever)
    thread.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for data in (wide, X) * 5:
            clf.fit(data, Y)
    stop.set()
    thread.join()
    assert errors == []


def test_warm_start_with_early_stopping_keeps_the_new_training():
    clf = small(early_stopping=True, warm_start=True, max_iter=30, n_iter_no_change=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, Y)
        first_best = clf.best_validation_score_
        clf.set_params(learning_rate=1e-9).fit(X, Y)  # cannot improve on anything
    # a fresh record: the best of the new fit, whose weights are the ones kept
    assert clf.best_validation_score_ <= first_best
    assert len(clf.validation_scores_) == 60


@pytest.mark.parametrize("classes", [[0, np.nan], [0, None], np.array([0.0, np.nan])])
def test_partial_fit_classes_with_nan_or_none_is_a_clear_error(classes):
    with pytest.raises(ValueError, match="NaN|None"):
        small().partial_fit(X, Y, classes=classes)


def test_mixed_string_and_integer_labels_name_the_problem():
    y = np.array(["a", 1] * 60, dtype=object)
    with pytest.raises(ValueError, match="strings and numbers"):
        small().fit(X, y)


def test_early_stopping_split_without_weight_on_one_side_is_a_clear_error():
    weights = np.zeros(len(Y))
    weights[[1, 3]] = 1.0  # one row per class; with random_state=0 both validate
    with pytest.raises(ValueError, match="zero total sample_weight"):
        small(early_stopping=True, validation_fraction=0.5).fit(X, Y, weights)


def test_one_class_partial_fit_batch_is_accepted_with_weights():
    clf = small().partial_fit(X, Y, classes=[0, 1])
    one_class = Y == 1
    weighted = pickle.loads(pickle.dumps(clf))
    clf.partial_fit(X[one_class], Y[one_class])
    weighted.partial_fit(
        X[one_class], Y[one_class], sample_weight=np.ones(one_class.sum())
    )
    np.testing.assert_array_equal(weighted.coefs_[0], clf.coefs_[0])


@pytest.mark.parametrize(
    "X_scale, weights", [(1.7e308, None), (1.0, np.full(len(Y), 1e308))]
)
def test_divergence_at_the_first_step_names_the_input_scale(X_scale, weights):
    Xb = X.copy()
    Xb[0, 0] = X_scale if X_scale > 1 else Xb[0, 0]
    with pytest.raises(DivergenceError, match=r"input scale.*largest \|x\|"):
        small(optimizer="sgd").fit(Xb, Y, weights)
    assert skspiral.DivergenceError is DivergenceError


def test_dead_network_warns_and_suggests_scaling():
    X_raw, y_raw = load_breast_cancer(return_X_y=True)
    clf = MLPScratchClassifier(optimizer="sgd", random_state=0)
    with pytest.warns(ConvergenceWarning, match="inactive.*Scale the features"):
        clf.fit(X_raw, y_raw)


class NoUpdate(Optimizer):
    pass


class SkipsInit(SGD):
    def __init__(self, learning_rate=0.1, decay=0.0, momentum=0.0):
        self.momentum = momentum


@pytest.mark.parametrize(
    "optimizer, match",
    [(NoUpdate, "NoUpdate.*_update"), (SkipsInit, "SkipsInit.*__init__")],
)
def test_incomplete_optimizer_classes_fail_at_fit_naming_what_to_write(
    optimizer, match
):
    with pytest.raises(TypeError, match=match):
        small(optimizer=optimizer).fit(X, Y)


def test_coefs_of_an_unfitted_estimator_raise_not_fitted():
    with pytest.raises(NotFittedError):
        MLPScratchClassifier().coefs_  # noqa: B018
    assert not hasattr(MLPScratchClassifier(), "intercepts_")


def test_reduce_on_plateau_lowers_the_rate_instead_of_stopping():
    schedule = ReduceOnPlateau(
        0.01, n_iter_no_change=2, tol=1e9, min_learning_rate=1e-5
    )
    clf = small(learning_rate=schedule, batch_size=None, max_iter=100).fit(X, Y)
    rates = clf.history_["learning_rate"]
    # three epochs without a tol gain after the first: the fourth lowers the rate
    assert rates[:4] == [0.01] * 4 and rates[4] == pytest.approx(0.002)
    assert min(rates) < 1e-5 and clf.n_iter_ < 100  # stopped below the floor
    assert schedule.current_rate_ == 0.01  # the user's instance is untouched


def test_a_pickle_whose_optimizer_module_is_missing_still_predicts(tmp_path):
    module = tmp_path / "gone_optimizers.py"
    module.write_text(
        textwrap.dedent(
            """
            from skspiral.optimizers import SGD

            class GoneSGD(SGD):
                pass
            """
        )
    )
    make = f"""
import pickle, sys
sys.path.insert(0, {str(tmp_path)!r})
from gone_optimizers import GoneSGD
from sklearn.datasets import make_classification
from skspiral import MLPScratchClassifier
X, y = make_classification(60, 4, random_state=0)
clf = MLPScratchClassifier((4,), optimizer=GoneSGD, max_iter=3).fit(X, y)
open({str(tmp_path / "model.pkl")!r}, "wb").write(pickle.dumps(clf))
"""
    use = f"""
import pickle
from sklearn.datasets import make_classification
X, y = make_classification(60, 4, random_state=0)
clf = pickle.loads(open({str(tmp_path / "model.pkl")!r}, "rb").read())
print(clf.predict(X).shape)
try:
    clf.fit(X, y)
except ValueError as error:
    print(error)
"""
    for code in (make, use):
        done = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path.parent,
        )
        assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("(60,)")
    assert "unknown optimizer" in done.stdout and "pass the class itself" in done.stdout
