"""Property-based tests: whatever shape, labels, optimizer, batch size and dtype,
``fit`` then ``predict_proba`` gives finite probabilities of the right shape that
sum to 1, ``predict`` returns labels from ``classes_``, ``score`` is in [0, 1], and
the arrays passed in are unchanged.

The one failure allowed is a clear :class:`~skspiral.training.DivergenceError`
(SGD and AdaGrad default to the book's ``learning_rate=1.0``, which can blow up
on some draws); any other exception, or a NaN, fails the property.

The profile is fixed (derandomized, no example database), so CI runs the same
examples every time.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from skspiral import MLPScratchClassifier, available_optimizers
from skspiral.optimizers import get_optimizer_class, is_builtin
from skspiral.training import DivergenceError

# Closure optimizers (lbfgs) skip: the loop does not call minimize() yet.
OPTIMIZERS = [
    name
    for name in available_optimizers()
    if is_builtin(name) and not get_optimizer_class(name).needs_closure
]
MAX_EXAMPLES = 250
PROFILE = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SUM_TOL = {np.float32: 1e-5, np.float64: 1e-12}
SCALES = [1e-3, 1.0, 1e3]

RUN = {"examples": 0, "diverged": 0}  # reported by the last test of the module


def make_labels(kind: str, n_classes: int, draw) -> np.ndarray:
    """``n_classes`` distinct labels of the given kind, in a random order."""
    if kind == "int":
        values = draw(
            st.lists(
                st.integers(-(10**6), 10**6),
                min_size=n_classes,
                max_size=n_classes,
                unique=True,
            )
        )
        return np.array(values, dtype=draw(st.sampled_from([np.int64, np.int32])))
    if kind == "str":
        values = draw(
            st.lists(
                st.text(min_size=1, max_size=5),
                min_size=n_classes,
                max_size=n_classes,
                unique=True,
            )
        )
        return np.array(values, dtype=draw(st.sampled_from([str, object])))
    if kind == "bool":
        return np.array([False, True])
    values = draw(  # float-valued integers: classes, not a regression target
        st.lists(
            st.integers(-1000, 1000),
            min_size=n_classes,
            max_size=n_classes,
            unique=True,
        )
    )
    return np.array(values, dtype=np.float64)


@st.composite
def problems(draw):
    n_samples = draw(st.integers(1, 300))
    n_features = draw(st.integers(1, 50))
    n_classes = draw(st.integers(2, 6))
    kind = draw(st.sampled_from(["int", "str", "float"] + ["bool"] * (n_classes == 2)))
    labels = make_labels(kind, n_classes, draw)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.RandomState(seed)
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    X = (rng.randn(n_samples, n_features) * draw(st.sampled_from(SCALES))).astype(dtype)
    if draw(st.booleans()):  # structure real data has: constant and repeated columns
        X[:, 0] = 1.0
        X[:, -1] = X[:, 0]
    y = labels[rng.randint(n_classes, size=n_samples)]
    y[: min(n_classes, n_samples)] = labels[: min(n_classes, n_samples)]
    sample_weight = None
    if draw(st.booleans()):
        sample_weight = rng.uniform(0.1, 3.0, size=n_samples)
    params = {
        "hidden_layer_sizes": tuple(
            draw(st.lists(st.integers(1, 12), min_size=0, max_size=2))
        ),
        "activation": draw(st.sampled_from(["relu", "tanh", "logistic", "identity"])),
        "optimizer": draw(st.sampled_from(OPTIMIZERS)),
        "batch_size": draw(
            st.one_of(st.just("auto"), st.none(), st.integers(1, n_samples + 10))
        ),
        "max_iter": draw(st.integers(1, 4)),
        "shuffle": draw(st.booleans()),
        "random_state": draw(st.integers(0, 1000)),
    }
    return X, y, sample_weight, params


@PROFILE
@given(problem=problems())
def test_fit_then_predict_gives_valid_probabilities_and_labels(problem):
    X, y, sample_weight, params = problem
    RUN["examples"] += 1
    X_before, y_before = X.copy(), y.copy()
    w_before = None if sample_weight is None else sample_weight.copy()
    est = MLPScratchClassifier(**params)
    if np.unique(y).size < 2:  # a single sample: one class only
        with pytest.raises(ValueError, match="one class"):
            est.fit(X, y, sample_weight=sample_weight)
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("error", RuntimeWarning)
            est.fit(X, y, sample_weight=sample_weight)
    except DivergenceError as error:
        RUN["diverged"] += 1
        assert "smaller learning_rate" in str(error)
        with pytest.raises(NotFittedError):
            est.predict(X)
        return
    finally:
        np.testing.assert_array_equal(X, X_before)
        np.testing.assert_array_equal(y, y_before)
        assert X.dtype == X_before.dtype and y.dtype == y_before.dtype
        if sample_weight is not None:
            np.testing.assert_array_equal(sample_weight, w_before)

    classes = np.unique(y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        proba = est.predict_proba(X)
        log_proba = est.predict_log_proba(X)
        predicted = est.predict(X)
        score = est.score(X, y)
    np.testing.assert_array_equal(est.classes_, classes)
    assert proba.shape == log_proba.shape == (X.shape[0], classes.size)
    assert proba.dtype == log_proba.dtype == X.dtype
    assert np.isfinite(proba).all()
    # log_proba is log(proba): -inf exactly where a probability underflowed to 0
    assert (np.isfinite(log_proba) == (proba > 0)).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=0, atol=SUM_TOL[X.dtype.type])
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-3, atol=1e-6)
    assert predicted.shape == (X.shape[0],) and np.isin(predicted, classes).all()
    assert predicted.dtype == classes.dtype
    # A class of highest probability (ties in rounded probabilities are fine:
    # predict decides on the logits, which are more precise).
    chosen = proba[np.arange(X.shape[0]), np.searchsorted(classes, predicted)]
    np.testing.assert_array_equal(chosen, proba.max(axis=1))
    assert 0.0 <= score <= 1.0
    np.testing.assert_array_equal(X, X_before)


def test_property_examples_were_run():
    # Runs after the property (same module, file order); proves it ran at all.
    if RUN["examples"] == 0:
        pytest.skip("the property test was not selected")
    print(f"\nproperty examples run: {RUN['examples']}, diverged: {RUN['diverged']}")
    assert RUN["examples"] >= MAX_EXAMPLES // 2
