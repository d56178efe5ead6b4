"""What MLPScratchClassifier.fit records and how it trains, checked by hand.

The references here are independent of the package: initial weights are redrawn
from a ``RandomState`` following the documented schemes ("book", "he_normal":
drawn layer by layer before anything else), and losses are computed with a plain
NumPy forward pass.
"""

import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skspiral import MLPScratchClassifier, make_spiral

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _replay_weights(sizes, seed, scheme):
    """The documented initial weights: layer by layer from RandomState(seed)."""
    rng = np.random.RandomState(seed)
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        z = rng.standard_normal((fan_in, fan_out))
        scale = 0.01 if scheme == "book" else np.sqrt(2.0 / fan_in)
        coefs.append(z * scale)
        intercepts.append(np.zeros(fan_out))
    return coefs, intercepts


def _reference_loss(X, y, coefs, intercepts, alpha=0.0):
    """Mean clipped cross-entropy (+ L2 term) and accuracy of a ReLU network."""
    a = X
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        a = np.maximum(a @ W + b, 0.0)
    z = a @ coefs[-1] + intercepts[-1]
    if z.shape[1] == 1:  # one logistic unit
        p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
        p_true = np.where(y == 1, p1, 1.0 - p1)
        predicted = (p1 > 0.5).astype(int)
    else:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        p_true = p[np.arange(len(y)), y]
        predicted = p.argmax(axis=1)
    loss = np.mean(-np.log(np.clip(p_true, 1e-7, 1 - 1e-7)))
    loss += 0.5 * alpha * sum(np.sum(W**2) for W in coefs) / X.shape[0]
    return loss, np.mean(predicted == y)


def _full_batch(**params):
    base = dict(batch_size=None, shuffle=False, random_state=0, alpha=0.0)
    base["weight_init"] = "he_normal"  # the draw _replay_weights repeats
    return MLPScratchClassifier(**{**base, **params})


@pytest.mark.parametrize("weight_init", ["book", "he_normal"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_first_recorded_loss_is_the_initial_networks_full_batch_loss(
    weight_init, n_classes, alpha
):
    X, y = make_spiral(120, n_classes, random_state=1)
    hidden = (8, 5)
    clf = _full_batch(
        hidden_layer_sizes=hidden, weight_init=weight_init, alpha=alpha, max_iter=2
    ).fit(X, y)
    n_out = 1 if n_classes == 2 else n_classes
    coefs, intercepts = _replay_weights((2, *hidden, n_out), 0, weight_init)
    loss, accuracy = _reference_loss(X, y, coefs, intercepts, alpha)
    assert clf.loss_curve_[0] == pytest.approx(loss, rel=1e-10)
    assert clf.history_["accuracy"][0] == pytest.approx(accuracy)


def test_later_recorded_loss_is_the_loss_before_that_epochs_update():
    X, y = make_spiral(120, 3, random_state=1)
    params = dict(hidden_layer_sizes=(8,), optimizer="sgd", learning_rate=0.5)
    after_one = _full_batch(max_iter=1, **params).fit(X, y)
    loss, _ = _reference_loss(X, y, after_one.coefs_, after_one.intercepts_)
    three = _full_batch(max_iter=3, **params).fit(X, y)
    assert three.loss_curve_[1] == pytest.approx(loss, rel=1e-10)
    assert three.loss_curve_[1] != pytest.approx(three.loss_curve_[0])


@pytest.mark.parametrize("alpha", [0.01, 1.0])
def test_alpha_adds_half_alpha_squared_weights_over_n_to_the_loss(alpha):
    X, y = make_spiral(90, 3, random_state=2)
    hidden = (7,)
    plain = _full_batch(hidden_layer_sizes=hidden, max_iter=1).fit(X, y)
    penalised = _full_batch(hidden_layer_sizes=hidden, max_iter=1, alpha=alpha)
    penalised.fit(X, y)
    coefs, _ = _replay_weights((2, *hidden, 3), 0, "he_normal")
    expected = 0.5 * alpha * sum(np.sum(W**2) for W in coefs) / X.shape[0]
    difference = penalised.loss_curve_[0] - plain.loss_curve_[0]
    assert difference == pytest.approx(expected, rel=1e-9)


def test_alpha_shrinks_each_weight_by_lr_alpha_over_n_per_sgd_step():
    # One full-batch SGD step: W1(alpha) - W1(0) = -lr * alpha / n * W0 on the
    # weights, and nothing on the biases.
    X, y = make_spiral(90, 3, random_state=2)
    lr, alpha, hidden = 0.3, 2.0, (7,)
    params = dict(hidden_layer_sizes=hidden, optimizer="sgd", learning_rate=lr)
    plain = _full_batch(max_iter=1, **params).fit(X, y)
    penalised = _full_batch(max_iter=1, alpha=alpha, **params).fit(X, y)
    coefs, _ = _replay_weights((2, *hidden, 3), 0, "he_normal")
    for W_pen, W_plain, W0 in zip(penalised.coefs_, plain.coefs_, coefs):
        np.testing.assert_allclose(W_pen - W_plain, -lr * alpha / 90 * W0, atol=1e-12)
    for b_pen, b_plain in zip(penalised.intercepts_, plain.intercepts_):
        np.testing.assert_allclose(b_pen, b_plain, atol=1e-15)


@pytest.mark.parametrize(
    "n, batch_size, steps_per_epoch",
    [(250, "auto", 2), (150, "auto", 1), (250, None, 1), (250, 32, 8), (250, 10**4, 1)],
)
def test_t_counts_optimizer_steps_epochs_times_batches(n, batch_size, steps_per_epoch):
    X, y = make_spiral(n, 3, random_state=0)
    clf = MLPScratchClassifier(
        (4,), batch_size=batch_size, max_iter=3, n_iter_no_change=50, random_state=0
    ).fit(X, y)
    assert clf.n_iter_ == 3
    assert clf.t_ == 3 * steps_per_epoch


@pytest.mark.parametrize("early_stopping", [False, True])
def test_history_has_one_entry_per_epoch_under_documented_keys(early_stopping):
    X, y = make_spiral(150, 3, random_state=0)
    clf = MLPScratchClassifier(
        (8,), max_iter=7, early_stopping=early_stopping, random_state=0
    ).fit(X, y)
    expected = {"loss", "accuracy", "learning_rate"}
    if early_stopping:
        expected |= {"val_loss", "val_accuracy"}
    assert set(clf.history_) == expected
    assert all(len(v) == clf.n_iter_ == 7 for v in clf.history_.values())
    assert clf.loss_curve_ == clf.history_["loss"]
    assert clf.loss_ == clf.loss_curve_[-1]
    if early_stopping:
        assert clf.validation_scores_ == clf.history_["val_accuracy"]
        assert clf.best_loss_ is None
    else:
        assert clf.validation_scores_ is None and clf.best_validation_score_ is None
        assert clf.best_loss_ == min(clf.loss_curve_)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("batch_size", [None, 40])
def test_decay_gives_the_book_1_over_t_learning_rate_per_epoch(optimizer, batch_size):
    X, y = make_spiral(120, 3, random_state=0)
    lr, decay = 0.05, 0.1
    clf = MLPScratchClassifier(
        (4,),
        optimizer=optimizer,
        learning_rate=lr,
        decay=decay,
        batch_size=batch_size,
        max_iter=5,
        n_iter_no_change=50,
        random_state=0,
    ).fit(X, y)
    steps = 1 if batch_size is None else 3
    expected = [lr / (1 + decay * epoch * steps) for epoch in range(5)]
    np.testing.assert_allclose(clf.history_["learning_rate"], expected, rtol=1e-12)


# ------------------------------------------------------------ sample_weight
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_integer_sample_weight_equals_repeating_rows_in_full_batch(optimizer):
    X, y = make_spiral(60, 3, random_state=3)
    weights = np.random.RandomState(0).randint(0, 4, size=len(y))
    params = dict(
        hidden_layer_sizes=(6,), optimizer=optimizer, learning_rate=0.05, max_iter=15
    )
    weighted = _full_batch(**params).fit(X, y, sample_weight=weights)
    repeated = _full_batch(**params).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-8, atol=1e-12
    )


def test_zero_sample_weight_equals_removing_the_rows():
    X, y = make_spiral(60, 3, random_state=3)
    keep = np.ones(len(y), dtype=bool)
    keep[::4] = False
    params = dict(hidden_layer_sizes=(6,), learning_rate=0.05, max_iter=10)
    weighted = _full_batch(**params).fit(X, y, sample_weight=keep.astype(float))
    removed = _full_batch(**params).fit(X[keep], y[keep])
    np.testing.assert_allclose(
        weighted.predict_proba(X), removed.predict_proba(X), rtol=1e-8, atol=1e-12
    )


def test_sample_weight_changes_the_fit():
    X, y = make_spiral(60, 3, random_state=3)
    weights = np.where(y == 0, 5.0, 1.0)
    params = dict(hidden_layer_sizes=(6,), learning_rate=0.05, max_iter=10)
    weighted = _full_batch(**params).fit(X, y, sample_weight=weights)
    plain = _full_batch(**params).fit(X, y)
    assert not np.allclose(weighted.predict_proba(X), plain.predict_proba(X))


# ------------------------------------------------------------------ stopping
@pytest.mark.parametrize("n_iter_no_change", [1, 3, 6])
def test_huge_tol_stops_after_n_iter_no_change_plus_two_epochs(n_iter_no_change):
    # MLPClassifier's rule: the first epoch always improves on +inf, then every
    # epoch fails to improve by tol; stop once the count exceeds n_iter_no_change.
    X, y = make_spiral(90, 3, random_state=0)
    clf = MLPScratchClassifier(
        (4,), tol=1e9, n_iter_no_change=n_iter_no_change, max_iter=100, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == n_iter_no_change + 2


def test_easy_problem_converges_before_max_iter_without_warning():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(-3, 0.3, (40, 2)), rng.normal(3, 0.3, (40, 2))])
    y = np.repeat([0, 1], 40)
    clf = MLPScratchClassifier((8,), learning_rate=0.05, max_iter=1000, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ < 1000
    assert clf.score(X, y) == 1.0


def test_reaching_max_iter_unconverged_warns():
    X, y = make_spiral(90, 3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(3\\)"):
        clf = MLPScratchClassifier((4,), max_iter=3, random_state=0).fit(X, y)
    assert clf.n_iter_ == 3


@pytest.mark.parametrize("seed", [0, 3])
def test_early_stopping_restores_the_weights_of_the_best_validation_epoch(seed):
    X, y = make_spiral(300, 3, random_state=0)
    fraction, hidden = 0.2, (16,)
    clf = MLPScratchClassifier(
        hidden,
        optimizer="sgd",
        learning_rate=1.0,
        batch_size=16,
        early_stopping=True,
        validation_fraction=fraction,
        weight_init="book",
        max_iter=30,
        n_iter_no_change=30,
        random_state=seed,
    ).fit(X, y)
    # The documented draw order: weights first (book init: one normal draw per
    # layer), then the stratified validation split from the same generator.
    rng = np.random.RandomState(seed)
    for shape in [(2, 16), (16, 3)]:
        rng.standard_normal(shape)
    X_tr, X_val, y_tr, y_val = train_test_split(
        X, y, test_size=fraction, random_state=rng, stratify=y
    )
    assert np.bincount(y_val).tolist() == [20, 20, 20]
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_validation_score_ > clf.validation_scores_[-1]  # restoring matters
    assert clf.score(X_val, y_val) == pytest.approx(clf.best_validation_score_)
    assert clf.t_ == clf.n_iter_ * math.ceil(len(y_tr) / 16)  # trained on the rest


def test_early_stopping_stops_when_validation_accuracy_stalls():
    X, y = make_spiral(150, 3, random_state=0)
    clf = MLPScratchClassifier(
        (4,),
        early_stopping=True,
        tol=1.0,  # no epoch can gain 1.0 accuracy on the last best
        n_iter_no_change=3,
        max_iter=100,
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ == 3 + 2
