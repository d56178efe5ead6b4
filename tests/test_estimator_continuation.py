"""Training that continues or stops early: warm_start, partial_fit, divergence and
Ctrl-C. Continuing runs are checked against one uninterrupted run."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.optimizers import SGD, registry

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, Y = make_spiral(120, 3, random_state=0)


def _full_batch(**params):
    base = dict(hidden_layer_sizes=(6,), batch_size=None, shuffle=False, tol=0.0)
    return MLPScratchClassifier(**{**base, "random_state": 0, **params})


def _assert_same_weights(a, b):
    for x, y in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(x, y)


# ---------------------------------------------------------------- warm_start
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_warm_start_continues_weights_and_optimizer_state(optimizer):
    params = dict(optimizer=optimizer, learning_rate=0.01, decay=0.05)
    one_run = _full_batch(max_iter=8, **params).fit(X, Y)
    clf = _full_batch(max_iter=5, warm_start=True, **params).fit(X, Y)
    clf.set_params(max_iter=3).fit(X, Y)
    _assert_same_weights(clf, one_run)
    # t_ and loss_curve_ grow across fits; n_iter_ counts the latest fit's epochs
    assert (clf.t_, clf.n_iter_, len(clf.loss_curve_)) == (8, 3, 8)
    np.testing.assert_allclose(
        clf.history_["learning_rate"], [0.01 / (1 + 0.05 * t) for t in range(8)]
    )
    np.testing.assert_allclose(clf.loss_curve_, one_run.loss_curve_, rtol=1e-12)


def test_without_warm_start_a_second_fit_starts_afresh():
    clf = _full_batch(max_iter=5).fit(X, Y)
    clf.fit(X, Y)
    _assert_same_weights(clf, _full_batch(max_iter=5).fit(X, Y))
    assert (clf.t_, clf.n_iter_) == (5, 5)


def test_warm_start_applies_changed_hyperparameters_from_the_next_step():
    clf = _full_batch(
        optimizer="sgd", learning_rate=0.1, decay=0.5, max_iter=4, warm_start=True
    ).fit(X, Y)
    clf.set_params(learning_rate=0.3, momentum=0.9, max_iter=2).fit(X, Y)
    assert clf.optimizer_.momentum == 0.9
    rates = clf.history_["learning_rate"]
    np.testing.assert_allclose(rates[:4], [0.1 / (1 + 0.5 * t) for t in range(4)])
    np.testing.assert_allclose(rates[4:], [0.3 / (1 + 0.5 * t) for t in (4, 5)])


def test_warm_start_with_another_architecture_is_an_error_and_keeps_the_model():
    clf = _full_batch(max_iter=3, warm_start=True).fit(X, Y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        clf.set_params(hidden_layer_sizes=(7,)).fit(X, Y)
    np.testing.assert_array_equal(clf.predict_proba(X), before)


# --------------------------------------------------------------- partial_fit
def test_partial_fit_trains_one_epoch_per_call_like_fit():
    clf = _full_batch(optimizer="adam", learning_rate=0.01)
    for calls in (1, 2, 3):
        clf.partial_fit(X, Y, classes=[0, 1, 2])
        assert (clf.n_iter_, clf.t_, len(clf.loss_curve_)) == (1, calls, calls)
    _assert_same_weights(clf, _full_batch(learning_rate=0.01, max_iter=3).fit(X, Y))


def test_partial_fit_counts_every_mini_batch_step():
    clf = MLPScratchClassifier((4,), batch_size=25, random_state=0)
    clf.partial_fit(X, Y, classes=np.unique(Y))
    clf.partial_fit(X[:50], Y[:50])
    assert (clf.n_iter_, clf.t_, len(clf.loss_curve_)) == (1, 5 + 2, 2)


def test_partial_fit_requires_classes_on_the_first_call():
    with pytest.raises(ValueError, match="classes must be passed"):
        MLPScratchClassifier().partial_fit(X, Y)


def test_partial_fit_takes_classes_absent_from_the_first_batch():
    clf = MLPScratchClassifier((4,), random_state=0)
    first = Y < 2
    clf.partial_fit(X[first], Y[first], classes=[0, 1, 2])
    assert clf.classes_.tolist() == [0, 1, 2]
    assert clf.predict_proba(X).shape == (len(Y), 3)
    clf.partial_fit(X[~first], Y[~first])
    assert (clf.n_iter_, len(clf.loss_curve_)) == (1, 2)


@pytest.mark.parametrize("classes", [[0, 1], ["a", "b"]])
def test_partial_fit_rejects_labels_outside_the_first_calls_classes(classes):
    y = np.asarray(classes)[(Y > 0).astype(int)]
    clf = MLPScratchClassifier((4,), random_state=0).partial_fit(X, y, classes=classes)
    bad = y.copy()
    bad[0] = 7 if isinstance(classes[0], int) else "z"
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match="not in classes"):
        clf.partial_fit(X, bad)
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    assert clf.n_iter_ == 1


# ---------------------------------------------------------------- divergence
HUGE = dict(optimizer="sgd", learning_rate=1e200)


def test_divergence_raises_an_error_suggesting_a_smaller_learning_rate():
    clf = MLPScratchClassifier((6,), max_iter=50, random_state=0, **HUGE)
    with pytest.raises(FloatingPointError, match="smaller learning_rate"):
        clf.fit(X, Y)
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)


@pytest.mark.parametrize("warm_start", [False, True])
def test_divergence_leaves_a_fitted_estimator_unchanged_and_usable(warm_start):
    clf = _full_batch(max_iter=5, warm_start=warm_start, learning_rate=0.01).fit(X, Y)
    weights = [w.copy() for w in clf.coefs_ + clf.intercepts_]
    proba, t, curve = clf.predict_proba(X), clf.t_, list(clf.loss_curve_)
    with pytest.raises(FloatingPointError, match="smaller learning_rate"):
        clf.set_params(max_iter=50, **HUGE).fit(X, Y)
    for now, then in zip(clf.coefs_ + clf.intercepts_, weights):
        np.testing.assert_array_equal(now, then)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert (clf.t_, clf.loss_curve_) == (t, curve)
    assert all(np.isfinite(w).all() for w in clf.coefs_ + clf.intercepts_)


# --------------------------------------------------------------- Ctrl-C
class InterruptAtStep(SGD):
    """SGD that raises KeyboardInterrupt when about to take step ``interrupt_at``."""

    interrupt_at = 3

    def _update(self, params, grads, state, lr):
        if state.t == self.interrupt_at:
            raise KeyboardInterrupt
        super()._update(params, grads, state, lr)


@pytest.fixture
def interrupting_optimizer(monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "interrupt_at_step", InterruptAtStep)
    return "interrupt_at_step"


def test_keyboard_interrupt_keeps_the_weights_trained_so_far(interrupting_optimizer):
    clf = _full_batch(optimizer=interrupting_optimizer, learning_rate=0.1, max_iter=9)
    with pytest.warns(UserWarning, match="interrupted"):
        returned = clf.fit(X, Y)
    assert returned is clf
    assert (clf.t_, clf.n_iter_) == (3, 3)
    _assert_same_weights(
        clf, _full_batch(optimizer="sgd", learning_rate=0.1, max_iter=3).fit(X, Y)
    )
    assert clf.score(X, Y) >= 0


@pytest.mark.parametrize("momentum", [0.0, 0.9])  # without and with a state slot
def test_keyboard_interrupt_rolls_back_the_steps_of_the_unfinished_epoch(
    interrupting_optimizer, monkeypatch, momentum
):
    steps = -(-len(Y) // 50)  # per epoch
    monkeypatch.setattr(InterruptAtStep, "interrupt_at", steps + 1)  # epoch 2, step 2
    common = dict(batch_size=50, shuffle=False, random_state=0, momentum=momentum)
    clf = MLPScratchClassifier((6,), optimizer=interrupting_optimizer, **common)
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, Y)
    assert (clf.t_, clf.n_iter_) == (steps, 1)  # epoch 2's first step was undone
    one_epoch = MLPScratchClassifier((6,), optimizer="sgd", max_iter=1, **common)
    _assert_same_weights(clf, one_epoch.fit(X, Y))


def test_keyboard_interrupt_mid_epoch_keeps_the_steps_taken(interrupting_optimizer):
    clf = MLPScratchClassifier(
        (6,), optimizer=interrupting_optimizer, batch_size=50, max_iter=9
    )
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, Y)
    assert clf.t_ == 3  # epoch 1 (3 steps of 50, 50, 20 rows) is complete
    assert clf.n_iter_ == 1
    assert all(np.isfinite(w).all() for w in clf.coefs_)
