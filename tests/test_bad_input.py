"""Bad input gets a clear error that names the problem, and changes nothing.

Every case asserts the exception type (scikit-learn's conventions: ``ValueError``
for a bad value, ``TypeError`` for a bad type, ``NotFittedError`` before ``fit``),
that the message names the parameter or the offending value, that the arrays
passed in are unchanged, and that a previously fitted estimator still has the
same weights and predicts exactly as before.
"""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from skspiral import MLPScratchClassifier, get_optimizer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N, N_FEATURES = 40, 3
_RNG = np.random.RandomState(0)
X_GOOD = _RNG.randn(N, N_FEATURES)
Y_GOOD = np.arange(N) % 2


def fitted(**params) -> MLPScratchClassifier:
    """A small estimator fitted on the good data (a few epochs, fixed seed)."""
    params = {"hidden_layer_sizes": (5,), "max_iter": 3, "random_state": 0, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPScratchClassifier(**params).fit(X_GOOD, Y_GOOD)


class Snapshot:
    """What a fitted estimator looks like from outside: weights and predictions."""

    def __init__(self, est):
        self.params = est.get_params()
        self.coefs = [c.copy() for c in est.coefs_]
        self.intercepts = [b.copy() for b in est.intercepts_]
        self.proba = est.predict_proba(X_GOOD)
        self.classes = est.classes_.copy()
        self.n_features_in = est.n_features_in_
        self.n_iter = est.n_iter_

    def assert_unchanged(self, est):
        for before, now in zip(self.coefs, est.coefs_):
            np.testing.assert_array_equal(now, before)
        for before, now in zip(self.intercepts, est.intercepts_):
            np.testing.assert_array_equal(now, before)
        np.testing.assert_array_equal(est.predict_proba(X_GOOD), self.proba)
        np.testing.assert_array_equal(est.classes_, self.classes)
        assert est.n_features_in_ == self.n_features_in
        assert est.n_iter_ == self.n_iter


def assert_same_inputs(before, after):
    """The call left every array it was given as it was (values, dtype, shape)."""
    for a, b in zip(before, after):
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_array_equal(b, a)  # NaN == NaN here


def with_value(array, index, value, dtype=float):
    out = np.array(array, dtype=dtype)
    out[index] = value
    return out


# (id, X, y, sample_weight, extra fit params, exception, message pattern)
BAD_FIT_DATA = [
    ("nan_in_X", with_value(X_GOOD, (0, 1), np.nan), Y_GOOD, None, {}, "NaN"),
    ("inf_in_X", with_value(X_GOOD, (3, 0), np.inf), Y_GOOD, None, {}, "infinity"),
    ("minus_inf_in_X", with_value(X_GOOD, (3, 0), -np.inf), Y_GOOD, None, {}, "inf"),
    ("nan_in_y", X_GOOD, with_value(Y_GOOD, 5, np.nan), None, {}, "y contains NaN"),
    ("inf_in_y", X_GOOD, with_value(Y_GOOD, 5, np.inf), None, {}, "y contains inf"),
    ("empty_X", np.empty((0, 3)), np.empty(0), None, {}, "0 sample"),
    ("X_with_0_features", np.empty((N, 0)), Y_GOOD, None, {}, "0 feature"),
    ("1d_X", X_GOOD[:, 0], Y_GOOD, None, {}, "Expected 2D array, got 1D"),
    ("3d_X", X_GOOD.reshape(N, 3, 1), Y_GOOD, None, {}, "dim 3"),
    ("X_y_lengths_differ", X_GOOD, Y_GOOD[:-1], None, {}, r"inconsistent.*\[40, 39\]"),
    (
        "object_X_of_words",
        np.array([["red", "green", "blue"]] * N, dtype=object),
        Y_GOOD,
        None,
        {},
        "could not convert string to float: 'red'",
    ),
    ("complex_X", X_GOOD + 1j, Y_GOOD, None, {}, "Complex data not supported"),
    ("single_class_y", X_GOOD, np.full(N, 7), None, {}, r"one class.*\[7\]"),
    (
        "continuous_y",
        X_GOOD,
        np.linspace(0, 1, N),
        None,
        {},
        "Unknown label type: continuous",
    ),
    ("2d_y", X_GOOD, np.c_[Y_GOOD, Y_GOOD], None, {}, "multi-output"),
    ("y_is_None", X_GOOD, None, None, {}, "requires y to be passed"),
    (
        "sample_weight_wrong_length",
        X_GOOD,
        Y_GOOD,
        np.ones(N - 1),
        {},
        r"sample_weight.*\(39,\).*\(40,\)",
    ),
    (
        "sample_weight_negative",
        X_GOOD,
        Y_GOOD,
        with_value(np.ones(N), 2, -1.0),
        {},
        "Negative values.*sample_weight",
    ),
    ("sample_weight_all_zero", X_GOOD, Y_GOOD, np.zeros(N), {}, "non-zero"),
    (
        "sample_weight_zero_for_all_but_one_class",
        X_GOOD,
        Y_GOOD,
        (Y_GOOD == 1).astype(float),
        {},
        "sample_weight leaves only one class",
    ),
    ("sample_weight_nan", X_GOOD, Y_GOOD, with_value(np.ones(N), 0, np.nan), {}, "NaN"),
    (
        "sample_weight_2d",
        X_GOOD,
        Y_GOOD,
        np.ones((N, 1)),
        {},
        "Sample weights must be 1D",
    ),
    (
        "validation_set_too_small",
        X_GOOD[:6],
        Y_GOOD[:6],
        None,
        {"early_stopping": True},
        "validation set is too small.*validation_fraction",
    ),
]


# A batch of one class is fine for partial_fit, and it has no early stopping.
NOT_FOR_PARTIAL_FIT = {
    "single_class_y",
    "validation_set_too_small",
    "sample_weight_zero_for_all_but_one_class",
}
BAD_FIT_CALLS = [
    pytest.param(method, *case[1:], id=f"{method}-{case[0]}")
    for method in ("fit", "partial_fit")
    for case in BAD_FIT_DATA
    if method == "fit" or case[0] not in NOT_FOR_PARTIAL_FIT
]


@pytest.mark.parametrize("method, X, y, sample_weight, extra, match", BAD_FIT_CALLS)
def test_bad_training_data_raises_and_leaves_fitted_model_unchanged(
    method, X, y, sample_weight, extra, match
):
    est = fitted(**extra)
    snapshot = Snapshot(est)
    inputs = [copy.deepcopy(v) for v in (X, y, sample_weight)]
    kwargs = {"sample_weight": sample_weight}
    if method == "partial_fit":
        kwargs["classes"] = [0, 1]
    with pytest.raises(ValueError, match=match):
        getattr(est, method)(X, y, **kwargs)
    assert_same_inputs(inputs, (X, y, sample_weight))
    snapshot.assert_unchanged(est)


@pytest.mark.parametrize(
    "X, y, sample_weight, extra, match",
    [case[1:] for case in BAD_FIT_DATA],
    ids=[case[0] for case in BAD_FIT_DATA],
)
def test_bad_training_data_leaves_new_estimator_unfitted(
    X, y, sample_weight, extra, match
):
    est = MLPScratchClassifier(max_iter=2, **extra)
    with pytest.raises(ValueError, match=match):
        est.fit(X, y, sample_weight=sample_weight)
    assert not hasattr(est, "n_features_in_")
    with pytest.raises(NotFittedError):
        est.predict(X_GOOD)


def test_failed_fit_keeps_feature_names_of_fitted_model():
    frame = pd.DataFrame(X_GOOD, columns=["a", "b", "c"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = MLPScratchClassifier((5,), max_iter=2, random_state=0).fit(frame, Y_GOOD)
    expected = est.predict_proba(frame)
    other = pd.DataFrame(X_GOOD[:, :2], columns=["u", "v"])
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        est.fit(other, np.linspace(0, 1, N))
    assert list(est.feature_names_in_) == ["a", "b", "c"]
    np.testing.assert_array_equal(est.predict_proba(frame), expected)


# ------------------------------------------------------------- predict-time
BAD_PREDICT_X = [
    ("fewer_features", X_GOOD[:, :2], "X has 2 features, but .* expecting 3"),
    ("more_features", np.c_[X_GOOD, X_GOOD], "X has 6 features, but .* expecting 3"),
    ("nan_in_X", with_value(X_GOOD, (1, 1), np.nan), "NaN"),
    ("inf_in_X", with_value(X_GOOD, (1, 1), np.inf), "infinity"),
    ("1d_X", X_GOOD[0], "Expected 2D array, got 1D"),
    ("3d_X", X_GOOD.reshape(N, 3, 1), "dim 3"),
    ("empty_X", np.empty((0, 3)), "0 sample"),
    ("complex_X", X_GOOD + 1j, "Complex data not supported"),
    (
        "object_X_of_words",
        np.array([["a", "b", "c"]], dtype=object),
        "could not convert string to float: 'a'",
    ),
]


@pytest.mark.parametrize(
    "X, match", [c[1:] for c in BAD_PREDICT_X], ids=[c[0] for c in BAD_PREDICT_X]
)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_bad_prediction_input_raises_value_error(X, match, method):
    est = fitted()
    snapshot = Snapshot(est)
    before = copy.deepcopy(X)
    with pytest.raises(ValueError, match=match):
        getattr(est, method)(X)
    assert_same_inputs([before], [X])
    snapshot.assert_unchanged(est)


@pytest.mark.parametrize(
    "method, args",
    [
        ("predict", (X_GOOD,)),
        ("predict_proba", (X_GOOD,)),
        ("predict_log_proba", (X_GOOD,)),
        ("score", (X_GOOD, Y_GOOD)),
    ],
)
def test_unfitted_estimator_raises_not_fitted_error(method, args):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(MLPScratchClassifier(), method)(*args)


# -------------------------------------------------- partial_fit / warm start
def test_partial_fit_without_classes_on_first_call_raises():
    est = MLPScratchClassifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        est.partial_fit(X_GOOD, Y_GOOD)
    with pytest.raises(NotFittedError):
        est.predict(X_GOOD)


@pytest.mark.parametrize(
    "y_second, classes_second, match",
    [
        (Y_GOOD + 5, None, r"labels \[5, 6\] not in classes \[0, 1\]"),
        (np.where(Y_GOOD == 0, 0, 9), None, r"labels \[9\] not in classes \[0, 1\]"),
        (Y_GOOD, [0, 1, 2], r"classes=\[0, 1, 2\] differs .* \[0, 1\]"),
        (Y_GOOD, [1, 2], r"classes=\[1, 2\] differs"),
    ],
    ids=["all_new_labels", "one_new_label", "extra_class", "other_classes"],
)
def test_partial_fit_labels_outside_first_classes_raise(
    y_second, classes_second, match
):
    est = MLPScratchClassifier((5,), random_state=0)
    est.partial_fit(X_GOOD, Y_GOOD, classes=[0, 1])
    snapshot = Snapshot(est)
    y_before = y_second.copy()
    with pytest.raises(ValueError, match=match):
        est.partial_fit(X_GOOD, y_second, classes=classes_second)
    np.testing.assert_array_equal(y_second, y_before)
    snapshot.assert_unchanged(est)


def test_partial_fit_first_call_labels_outside_classes_raise():
    est = MLPScratchClassifier()
    with pytest.raises(ValueError, match=r"labels \[1\] not in classes \[0, 2\]"):
        est.partial_fit(X_GOOD, Y_GOOD, classes=[0, 2])
    with pytest.raises(NotFittedError):
        est.predict(X_GOOD)


def test_partial_fit_with_different_number_of_features_raises():
    est = MLPScratchClassifier((5,), random_state=0)
    est.partial_fit(X_GOOD, Y_GOOD, classes=[0, 1])
    snapshot = Snapshot(est)
    with pytest.raises(ValueError, match="X has 2 features, but .* expecting 3"):
        est.partial_fit(X_GOOD[:, :2], Y_GOOD)
    snapshot.assert_unchanged(est)


def test_partial_fit_rejects_early_stopping():
    est = MLPScratchClassifier(early_stopping=True)
    with pytest.raises(ValueError, match="early_stopping"):
        est.partial_fit(X_GOOD, Y_GOOD, classes=[0, 1])


@pytest.mark.parametrize(
    "change, y, match",
    [
        ({"hidden_layer_sizes": (7,)}, Y_GOOD, "hidden_layer_sizes"),
        ({"activation": "tanh"}, Y_GOOD, "activation"),
        ({}, np.arange(N) % 3, r"same classes.*\[0, 1\].*\[0, 1, 2\]"),
    ],
    ids=["new_layer_sizes", "new_activation", "new_classes"],
)
def test_warm_start_with_incompatible_change_raises(change, y, match):
    est = fitted(warm_start=True)
    snapshot = Snapshot(est)
    est.set_params(**change)
    with pytest.raises(ValueError, match=match):
        est.fit(X_GOOD, y)
    snapshot.assert_unchanged(est)


# ----------------------------------------------------------- hyperparameters
BAD_HYPERPARAMETERS = [
    ("hidden_layer_sizes", (0,), ValueError),
    ("hidden_layer_sizes", -3, ValueError),
    ("hidden_layer_sizes", (4, -1), ValueError),
    ("hidden_layer_sizes", (4, 0, 4), ValueError),
    ("hidden_layer_sizes", 2.5, TypeError),
    ("hidden_layer_sizes", None, TypeError),
    ("hidden_layer_sizes", "abc", TypeError),
    ("hidden_layer_sizes", (True,), TypeError),
    ("hidden_layer_sizes", (8.0,), TypeError),
    ("activation", "softplus", ValueError),
    ("activation", "ReLU", ValueError),
    ("activation", None, ValueError),
    ("optimizer", "lbfgs2", ValueError),
    ("optimizer", 3, TypeError),
    ("optimizer", None, TypeError),
    ("weight_init", "zeros", ValueError),
    ("weight_init", None, ValueError),
    ("learning_rate", 0, ValueError),
    ("learning_rate", -0.1, ValueError),
    ("learning_rate", np.nan, ValueError),
    ("learning_rate", np.inf, ValueError),
    ("learning_rate", "0.1", TypeError),
    ("learning_rate", True, TypeError),
    ("decay", -1e-3, ValueError),
    ("decay", np.inf, ValueError),
    ("decay", "none", TypeError),
    *[
        (name, value, ValueError)
        for name in ("momentum", "rho", "beta_1", "beta_2")
        for value in (1, 1.5, -0.1)
    ],
    *[(name, "0.9", TypeError) for name in ("momentum", "rho", "beta_1", "beta_2")],
    ("epsilon", 0, ValueError),
    ("epsilon", -1e-8, ValueError),
    ("epsilon", np.nan, ValueError),
    ("alpha", -1.0, ValueError),
    ("batch_size", 0, ValueError),
    ("batch_size", -5, ValueError),
    ("batch_size", 2.5, TypeError),
    ("batch_size", "big", TypeError),
    ("batch_size", True, TypeError),
    ("validation_fraction", 0, ValueError),
    ("validation_fraction", 1, ValueError),
    ("validation_fraction", -0.1, ValueError),
    ("validation_fraction", 1.5, ValueError),
    ("validation_fraction", "0.1", TypeError),
    ("validation_fraction", None, TypeError),
    ("max_iter", 0, ValueError),
    ("max_iter", -1, ValueError),
    ("max_iter", 1.5, TypeError),
    ("max_iter", "10", TypeError),
    ("max_iter", None, TypeError),
    ("n_iter_no_change", 0, ValueError),
    ("tol", -1e-4, ValueError),
    ("verbose", -1, ValueError),
    ("shuffle", "yes", TypeError),
    ("early_stopping", "no", TypeError),
    ("warm_start", None, TypeError),
    ("optimizer_params", [("beta_1", 0.5)], TypeError),
    ("optimizer_params", "beta_1=0.5", TypeError),
    ("optimizer_params", {"foo": 1}, ValueError),
    ("optimizer_params", {"momentum": 0.5}, ValueError),  # adam takes no momentum
    ("optimizer_params", {1: 0.5}, ValueError),
]


def _expected_message(name, value):
    if name == "optimizer" and isinstance(value, str):
        return f"unknown optimizer {value!r}"
    if name == "optimizer_params" and isinstance(value, dict):
        return rf"optimizer_params has key\(s\) \[{next(iter(value))!r}\]"
    return name


@pytest.mark.parametrize(
    "name, value, error",
    BAD_HYPERPARAMETERS,
    ids=[f"{n}={v!r}" for n, v, _ in BAD_HYPERPARAMETERS],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_hyperparameter_raises_naming_it(name, value, error, method):
    est = fitted()
    snapshot = Snapshot(est)
    # An optimizer owns its hyperparameters: pick one that takes this keyword
    # (adam, the default, ignores momentum and rho as MLPClassifier does).
    owner = {"momentum": "sgd", "rho": "rmsprop"}.get(name)
    est.set_params(**{name: value}, **({"optimizer": owner} if owner else {}))
    X, y = X_GOOD.copy(), Y_GOOD.copy()
    kwargs = {"classes": [0, 1]} if method == "partial_fit" else {}
    with pytest.raises(error, match=_expected_message(name, value)):
        getattr(est, method)(X, y, **kwargs)
    np.testing.assert_array_equal(X, X_GOOD)
    np.testing.assert_array_equal(y, Y_GOOD)
    snapshot.assert_unchanged(est)
    assert est.get_params()[name] is value  # fit does not "fix" parameters


@pytest.mark.parametrize(
    "params, error, match",
    [
        (
            {"optimizer": get_optimizer("adam"), "optimizer_params": {"foo": 1}},
            ValueError,
            r"optimizer_params has key\(s\) \['foo'\] that Adam does not take",
        ),
        (
            {"optimizer": get_optimizer("adam"), "optimizer_params": {"beta_1": 2.0}},
            ValueError,
            r"beta_1 must be in \[0, 1\), got 2.0",
        ),
        (
            {"optimizer": "sgd", "optimizer_params": {"beta_1": 0.5}},
            ValueError,
            r"\['beta_1'\] that SGD does not take",
        ),
        ({"optimizer_params": {"epsilon": -1.0}}, ValueError, "epsilon must be > 0"),
        ({"random_state": "seed"}, ValueError, "'seed' cannot be used to seed"),
    ],
    ids=[
        "instance_with_unknown_key",
        "instance_with_bad_value",
        "key_of_another_optimizer",
        "bad_value_in_optimizer_params",
        "random_state_string",
    ],
)
def test_bad_optimizer_setting_raises_naming_it(params, error, match):
    est = fitted()
    snapshot = Snapshot(est)
    with pytest.raises(error, match=match):
        est.set_params(**params).fit(X_GOOD, Y_GOOD)
    snapshot.assert_unchanged(est)


def test_invalid_hyperparameter_is_not_checked_in_init():
    est = MLPScratchClassifier(learning_rate=-1.0, hidden_layer_sizes=(0,))
    assert est.learning_rate == -1.0 and est.hidden_layer_sizes == (0,)
