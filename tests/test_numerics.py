"""Numerical edge cases: extreme scales and logits, divergence, degenerate data.

Every test here turns NumPy's RuntimeWarning (overflow, invalid value, divide by
zero) into an error: legitimate input must not make skspiral emit one.
Expected values come from the data (class frequencies, hand-computed
log-probabilities), never from the code under test.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from skspiral import MLPScratchClassifier, available_optimizers
from skspiral.optimizers import get_optimizer, get_optimizer_class, is_builtin
from skspiral.training import DivergenceError

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]

# Closure optimizers (lbfgs) skip: the loop does not call minimize() yet.
OPTIMIZERS = [
    name
    for name in available_optimizers()
    if is_builtin(name) and not get_optimizer_class(name).needs_closure
]
DTYPES = [np.float32, np.float64]
# Rows of predict_proba sum to 1 within a few ulps of the dtype.
SUM_TOL = {np.float32: 1e-6, np.float64: 1e-12}


def assert_valid_probabilities(est, X, n_classes):
    dtype = X.dtype.type
    proba = est.predict_proba(X)
    log_proba = est.predict_log_proba(X)
    assert proba.shape == log_proba.shape == (X.shape[0], n_classes)
    assert proba.dtype == log_proba.dtype == dtype
    assert np.isfinite(proba).all()
    # log_proba is log(proba) exactly: finite where proba > 0, -inf where it is 0
    assert (np.isfinite(log_proba) == (proba > 0)).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    assert (log_proba <= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=0, atol=SUM_TOL[dtype])
    assert set(est.predict(X)) <= set(est.classes_)
    assert all(np.isfinite(c).all() for c in est.coefs_ + est.intercepts_)
    return proba


def separable(n=120, n_features=3, scale=1.0, dtype=np.float64, seed=0):
    """Labels from the sign of the first feature, away from the boundary."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, n_features)
    X[:, 0] += np.sign(X[:, 0])
    return (X * scale).astype(dtype), (X[:, 0] > 0).astype(int)


# ------------------------------------------------------------ feature scales
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", [1e8, 1e-8])
@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "adagrad"])
def test_extreme_feature_scales_give_finite_probabilities(optimizer, scale, dtype):
    X, y = separable(scale=scale, dtype=dtype)
    est = MLPScratchClassifier((8,), optimizer=optimizer, max_iter=30, random_state=0)
    est.fit(X, y)
    assert_valid_probabilities(est, X, 2)
    assert np.isfinite(est.loss_curve_).all()


# ------------------------------------------------------------ extreme logits
def model_with_logits(n_classes, dtype, scale=1e4):
    """A 1-unit identity network whose logits are ``x * scale * w``."""
    X = np.array([[1.0], [-1.0], [0.5], [0.0]], dtype=dtype)
    y = np.arange(4) % n_classes
    est = MLPScratchClassifier((1,), activation="identity", max_iter=1).fit(X, y)
    w = np.array([[1.0]]) if n_classes == 2 else np.linspace(-1, 1, n_classes)[None]
    est.coefs_ = [np.ones((1, 1)), w * scale]
    est.intercepts_ = [np.zeros(1), np.zeros(w.shape[1])]
    return est, X


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_logits_of_1e4_give_finite_probabilities_summing_to_one(n_classes, dtype):
    est, X = model_with_logits(n_classes, dtype)
    proba = assert_valid_probabilities(est, X, n_classes)
    # x = +1 and +0.5 put everything on the last class, x = -1 on the first, and
    # x = 0 gives equal logits.
    last = np.eye(n_classes)[-1]
    np.testing.assert_array_equal(proba[[0, 2]], [last, last])
    np.testing.assert_array_equal(proba[1], np.eye(n_classes)[0])
    np.testing.assert_allclose(proba[3], 1 / n_classes, rtol=1e-6)
    np.testing.assert_array_equal(est.predict(X)[:3], est.classes_[[-1, 0, -1]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_proba_of_logits_1e4_is_the_log_of_proba(dtype):
    # As MLPClassifier and scikit-learn's check_classifiers_train require: a
    # probability that underflows to 0 has log -inf, never a finite stand-in.
    inf = np.inf
    est, X = model_with_logits(2, dtype)
    expected = [[-inf, 0.0], [0.0, -inf], [-inf, 0.0], [np.log(0.5), np.log(0.5)]]
    np.testing.assert_allclose(est.predict_log_proba(X), expected, rtol=1e-6)
    est, X = model_with_logits(3, dtype)
    expected = [[-inf, -inf, 0], [0, -inf, -inf], [-inf, -inf, 0], [-np.log(3)] * 3]
    np.testing.assert_allclose(est.predict_log_proba(X), expected, rtol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_training_on_from_logits_of_1e4_stays_finite(n_classes):
    est, X = model_with_logits(n_classes, np.float64)
    est.set_params(warm_start=True, max_iter=5, learning_rate=1e-3)
    y = np.arange(4)[::-1] % n_classes  # the saturated model gets these wrong
    est.fit(X, y)
    assert np.isfinite(est.loss_curve_).all()
    assert_valid_probabilities(est, X, n_classes)


# ---------------------------------------------------------------- divergence
def diverging(dtype, **params):
    """SGD at learning_rate=1e6 through two linear layers: the weights overflow.

    The labels do not follow the features, so no step can zero the gradient.
    """
    X, _ = separable(n=60, scale=10.0, dtype=dtype)
    y = np.arange(60) % 3
    params = {
        "hidden_layer_sizes": (8, 8),
        "activation": "identity",
        "optimizer": "sgd",
        "learning_rate": 1e6,
        "max_iter": 50,
        "random_state": 0,
        **params,
    }
    return MLPScratchClassifier(**params), X, y


DIVERGED = r"diverged at optimizer step \d+.*smaller learning_rate.*1000000\.0"


@pytest.mark.parametrize("dtype", DTYPES)
def test_divergence_raises_clear_error_and_leaves_estimator_unfitted(dtype):
    est, X, y = diverging(dtype)
    with pytest.raises(DivergenceError, match=DIVERGED):
        est.fit(X, y)
    assert not hasattr(est, "network_")
    with pytest.raises(NotFittedError):
        est.predict(X)


def test_divergence_error_is_a_floating_point_error():
    est, X, y = diverging(np.float64)
    with pytest.raises(FloatingPointError):
        est.fit(X, y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("warm_start", [False, True])
def test_divergence_keeps_previous_finite_weights(warm_start, dtype):
    est, X, y = diverging(dtype, learning_rate=1e-3, max_iter=5)
    est.fit(X, y)
    params = est.network_.params.copy()
    proba = est.predict_proba(X)
    est.set_params(learning_rate=1e6, max_iter=50, warm_start=warm_start)
    with pytest.raises(DivergenceError, match=DIVERGED):
        est.fit(X, y)
    assert np.isfinite(est.network_.params).all()
    np.testing.assert_array_equal(est.network_.params, params)
    np.testing.assert_array_equal(est.predict_proba(X), proba)


@pytest.mark.parametrize("dtype", DTYPES)
def test_partial_fit_divergence_keeps_the_last_epoch_weights(dtype):
    est, X, y = diverging(dtype)
    last_good = None
    with pytest.raises(DivergenceError, match=DIVERGED):
        for _ in range(50):
            est.partial_fit(X, y, classes=[0, 1, 2])
            last_good = est.network_.params.copy()
    assert last_good is not None, "the first epoch already diverged"
    assert np.isfinite(est.network_.params).all()
    np.testing.assert_array_equal(est.network_.params, last_good)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_overflowing_outputs_raise_instead_of_returning_nan(method):
    # Finite weights so large that the logits overflow: the state one epoch
    # before a divergence. Predictions must not be NaN or an arbitrary argmax.
    est, X = model_with_logits(3, np.float64, scale=1e200)
    est.coefs_ = [np.full((1, 1), 1e200), est.coefs_[1]]
    with pytest.raises(FloatingPointError, match="overflowed.*smaller learning_rate"):
        getattr(est, method)(X)


# ------------------------------------------------------------- degenerate data
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_one_sample_per_class_is_learned(n_classes, optimizer, dtype):
    X = (3 * np.eye(n_classes, 4)).astype(dtype)
    y = np.array(["ant", "bee", "cat"][:n_classes])
    lr = {"sgd": 0.5, "adagrad": 0.1, "adadelta": 1.0}.get(optimizer, 0.01)
    if "learning_rate" not in get_optimizer_class(optimizer).hyperparameters():
        # A wrapper (lookahead): the rate is its inner optimizer's.
        optimizer = get_optimizer(optimizer).set_params(inner__learning_rate=lr)
    est = MLPScratchClassifier(
        (8,), optimizer=optimizer, learning_rate=lr, max_iter=300, random_state=0
    ).fit(X, y)
    assert_valid_probabilities(est, X, n_classes)
    np.testing.assert_array_equal(est.predict(X), y)


@pytest.mark.parametrize("dtype", DTYPES)
def test_one_hundred_classes(dtype):
    rng = np.random.RandomState(0)
    y = np.repeat(np.arange(100), 3)
    X = (rng.randn(100, 5)[y] + 0.01 * rng.randn(300, 5)).astype(dtype)
    est = MLPScratchClassifier(
        (32,), learning_rate=0.03, batch_size=None, max_iter=100, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(est.classes_, np.arange(100))
    assert_valid_probabilities(est, X, 100)
    assert est.score(X, y) > 0.9  # 100 well-separated clusters


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_one_hidden_unit(n_classes, activation):
    X, _ = separable(n=80)
    y = np.arange(80) % n_classes
    est = MLPScratchClassifier(1, activation, max_iter=20, random_state=0).fit(X, y)
    assert [c.shape for c in est.coefs_][0] == (3, 1)
    assert_valid_probabilities(est, X, n_classes)


FULL_BATCH = {
    "batch_size": None,
    "learning_rate": 0.01,
    "max_iter": 1000,
    "tol": 0.0,
    "n_iter_no_change": 1000,
    "random_state": 0,
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("value", [0.0, 2.0, -1e6])
def test_constant_features_learn_the_class_frequencies(value, dtype):
    # With nothing to tell rows apart, the best model predicts the priors.
    y = np.repeat([0, 1, 2], [30, 15, 5])
    X = np.full((50, 3), value, dtype=dtype)
    est = MLPScratchClassifier((4,), **FULL_BATCH).fit(X, y)
    proba = assert_valid_probabilities(est, X, 3)
    np.testing.assert_allclose(proba, np.tile([0.6, 0.3, 0.1], (50, 1)), atol=0.02)
    np.testing.assert_array_equal(est.predict(X), np.zeros(50))


@pytest.mark.parametrize("dtype", DTYPES)
def test_duplicate_rows_with_conflicting_labels_learn_the_label_frequencies(dtype):
    base = np.random.RandomState(1).randn(4, 2)
    X = np.repeat(base, 4, axis=0).astype(dtype)
    y = np.array([0, 0, 0, 1] * 4)
    y[4:8] = [1, 1, 1, 0]  # the second point is mostly class 1
    est = MLPScratchClassifier((16,), **FULL_BATCH).fit(X, y)
    proba = assert_valid_probabilities(est, base.astype(dtype), 2)
    np.testing.assert_allclose(proba[:, 1], [0.25, 0.75, 0.25, 0.25], atol=0.03)


# ------------------------------------------------------------------- float32
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_float32_input_stays_float32_end_to_end(optimizer, n_classes, early_stopping):
    X, _ = separable(n=90, dtype=np.float32)
    y = np.arange(90) % n_classes
    weights = np.linspace(0.5, 2.0, 90)  # float64 weights do not upcast the model
    est = MLPScratchClassifier(
        (6,),
        optimizer=optimizer,
        learning_rate=0.01,
        max_iter=5,
        early_stopping=early_stopping,
        random_state=0,
    ).fit(X, y, sample_weight=weights)
    assert {a.dtype for a in est.coefs_ + est.intercepts_} == {np.dtype(np.float32)}
    assert {s.dtype for s in est.optimizer_state_.slots.values()} <= {
        np.dtype(np.float32)
    }
    assert_valid_probabilities(est, X, n_classes)
    assert est.predict_proba(X.astype(np.float64)).dtype == np.float32
    est.set_params(early_stopping=False).partial_fit(X.astype(np.float64), y)
    assert est.network_.params.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float16])
def test_other_numeric_input_is_trained_in_float64(dtype):
    X, y = separable(n=40)
    est = MLPScratchClassifier((4,), max_iter=3, random_state=0).fit(X.astype(dtype), y)
    assert est.coefs_[0].dtype == np.float64
    assert_valid_probabilities(est, X, 2)


def test_no_runtime_warning_escapes_from_fit_and_predict_at_any_scale():
    X, y = separable(n=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for scale in (1e-300, 1e-8, 1, 1e8, 1e150):
            est = MLPScratchClassifier((4,), max_iter=3, random_state=0)
            est.fit(X * scale, y)
            est.predict_proba(X * scale)
            est.predict_log_proba(X * scale)


@pytest.mark.parametrize("method", ["fit", "fit_warm_start"])
def test_convergence_warning_points_at_the_callers_line(method):
    X, y = separable(n=40)
    est = MLPScratchClassifier((4,), max_iter=1, random_state=0)
    if method == "fit_warm_start":
        est.set_params(warm_start=True).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    [warning] = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert warning.filename == __file__
