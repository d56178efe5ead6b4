"""MLPScratchRegressor: the squared-error head and every claim of issue 11.

Gradients are checked by central differences against a loss written out here
(not the package's forward pass). Interoperability and parity are checked against
scikit-learn's MLPRegressor, the independent reference.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.utils.validation import check_is_fitted
from test_network import HAND_ACTIVATIONS, numerical_gradient, relative_error

from skspiral import MLPScratchRegressor
from skspiral.network import MLP, SquaredError
from skspiral.optimizers import SGD, Adam
from skspiral.training import DivergenceError

TOL = 1e-6  # relative error allowed between analytic and numerical gradients


def _data(n=120, n_outputs=1, seed=0):
    """Standardised friedman1 features; 1-D ``y`` for one output, else 2-D."""
    X, y = make_friedman1(n, n_features=6, random_state=seed)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (y - y.mean()) / y.std()
    if n_outputs == 1:
        return X, y
    return X, np.column_stack([y * (k + 1) + k for k in range(n_outputs)])


X, Y = _data()
X3, Y3 = _data(n_outputs=3)


def _reg(**params):
    """A small, quiet, deterministic regressor; ``params`` override."""
    settings = dict(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    return MLPScratchRegressor(**{**settings, **params})


def _fit(est, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **fit_params)


def _weights(est):
    return [w.copy() for w in est.coefs_ + est.intercepts_]


def _assert_same_weights(a, b):
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)


# ------------------------------------------------------------ the loss head
def hand_squared_error(z, y, w):
    """``0.5 * mean over outputs of the (weighted) mean over rows of (y - z)**2``."""
    per_row = (y - z) ** 2
    per_output = per_row.mean(axis=0) if w is None else w @ per_row / w.sum()
    return 0.5 * float(per_output.mean())


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_squared_error_gradient_matches_finite_differences(n_outputs, weighted):
    rng = np.random.RandomState(1)
    z = rng.standard_normal((7, n_outputs))
    y = rng.standard_normal((7, n_outputs))
    w = rng.uniform(0.2, 3.0, 7) if weighted else None

    loss, sse, grad = SquaredError.loss_and_grad(z.copy(), y, w)
    numeric = numerical_gradient(lambda: hand_squared_error(z, y, w), z)

    assert loss == pytest.approx(hand_squared_error(z, y, w), rel=1e-12)
    assert relative_error(grad, numeric) < TOL
    np.testing.assert_allclose(sse, ((y - z) ** 2).sum(axis=0), rtol=1e-12)


def test_squared_error_with_all_zero_weights_is_zero_with_zero_gradient():
    z, y = np.array([[0.3], [1.0]]), np.array([[1.0], [-1.0]])
    loss, _, grad = SquaredError.loss_and_grad(z, y, np.zeros(2))
    assert loss == 0.0
    np.testing.assert_array_equal(grad, 0.0)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_squared_error_score_is_sklearns_r2(n_outputs, weighted):
    rng = np.random.RandomState(2)
    y = rng.standard_normal((20, n_outputs))
    z = y + 0.5 * rng.standard_normal((20, n_outputs))
    w = rng.uniform(0.2, 3.0, 20) if weighted else None
    assert SquaredError.score(z, y, w) == pytest.approx(
        r2_score(y, z, sample_weight=w), rel=1e-12
    )


def hand_mlp_loss(flat, layout, X, y, activation, w, alpha):
    """The regression network's training loss written out from the formulas."""
    P = layout.views(flat)
    n_layers = len(layout.names) // 2
    a = X
    for i in range(n_layers):
        z = a @ P[f"{i}.W"] + P[f"{i}.b"]
        a = HAND_ACTIVATIONS[activation](z) if i < n_layers - 1 else z
    weight_sum = len(y) if w is None else w.sum()
    penalty = sum(np.sum(P[f"{i}.W"] ** 2) for i in range(n_layers))
    return hand_squared_error(z, y, w) + 0.5 * alpha * penalty / weight_sum


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_mlp_regression_gradient_matches_finite_differences(
    n_outputs, activation, alpha, weighted
):
    rng = np.random.RandomState(7)
    net = MLP([3, 5, 4, n_outputs], activation=activation, head="identity")
    net.params[:] = 0.8 * rng.standard_normal(net.params.size)
    Xs, ys = rng.standard_normal((9, 3)), rng.standard_normal((9, n_outputs))
    w = rng.uniform(0.2, 3.0, 9) if weighted else None
    reference = (net.layout, Xs, ys, activation, w, alpha)

    loss, _ = net.loss_and_grad(Xs, ys, w, alpha)
    analytic = net.grads.copy()
    flat = net.params.copy()
    numeric = numerical_gradient(lambda: hand_mlp_loss(flat, *reference), flat)

    assert loss == pytest.approx(hand_mlp_loss(net.params, *reference), rel=1e-10)
    assert relative_error(analytic, numeric) < TOL


# ------------------------------------------------- MLPRegressor's layout
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_weights_copied_either_way_with_mlpregressor_give_equal_predict(
    n_outputs, activation
):
    Xs, ys = (X, Y) if n_outputs == 1 else (X3, Y3)
    params = dict(hidden_layer_sizes=(6, 4), activation=activation, max_iter=5)
    theirs = _fit(MLPRegressor(**params, random_state=1), Xs, ys)
    ours = _fit(MLPScratchRegressor(**params, random_state=2), Xs, ys)
    assert ours.n_outputs_ == theirs.n_outputs_ == n_outputs
    assert ours.out_activation_ == theirs.out_activation_ == "identity"
    assert [w.shape for w in ours.coefs_] == [w.shape for w in theirs.coefs_]

    ours.coefs_, ours.intercepts_ = theirs.coefs_, theirs.intercepts_
    np.testing.assert_allclose(ours.predict(Xs), theirs.predict(Xs), rtol=1e-12)

    other = _fit(MLPScratchRegressor(**params, random_state=3), Xs, ys)
    theirs.coefs_ = [w.copy() for w in other.coefs_]
    theirs.intercepts_ = [b.copy() for b in other.intercepts_]
    np.testing.assert_allclose(theirs.predict(Xs), other.predict(Xs), rtol=1e-12)
    assert other.predict(Xs).shape == theirs.predict(Xs).shape


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.DataConversionWarning")
@pytest.mark.parametrize("y_shape", ["1-D", "column"])
def test_one_output_predicts_1d_like_mlpregressor(y_shape):
    y = Y if y_shape == "1-D" else Y.reshape(-1, 1)
    ours = _fit(_reg(), X, y)
    theirs = MLPRegressor(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    _fit(theirs, X, y)
    assert ours.predict(X).shape == theirs.predict(X).shape == (len(y),)


def test_multi_output_y_gives_one_column_per_output_and_mean_r2():
    est = _fit(_reg(max_iter=50, learning_rate=0.01), X3, Y3)
    predicted = est.predict(X3)
    assert predicted.shape == Y3.shape and est.n_outputs_ == 3
    assert est.coefs_[-1].shape == (8, 3) and est.intercepts_[-1].shape == (3,)
    assert est.score(X3, Y3) == pytest.approx(r2_score(Y3, predicted), rel=1e-12)
    assert est.score(X3, Y3) > 0.5  # it learned all three outputs, not one
    assert min(r2_score(Y3, predicted, multioutput="raw_values")) > 0.5


def test_warm_start_with_another_number_of_outputs_is_a_clear_error():
    est = _fit(_reg(warm_start=True), X3, Y3)
    with pytest.raises(ValueError, match="y has 1 output.* has 3"):
        est.fit(X, Y)
    assert est.n_outputs_ == 3


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_target_too_large_to_square_is_a_clear_error_naming_y(dtype):
    big = 1e160 if dtype == np.float64 else 1e19
    with pytest.raises(ValueError, match="y is too large.*Scale the target"):
        _reg().fit(X.astype(dtype), Y * big)
    _fit(_reg(max_iter=2), X.astype(dtype), Y * big / 1e10)  # representable


def test_partial_fit_with_another_number_of_outputs_is_a_clear_error():
    est = _reg().partial_fit(X3, Y3)
    with pytest.raises(ValueError, match="y has 1 output.* has 3.*call fit"):
        est.partial_fit(X, Y)
    assert est.n_outputs_ == 3


def test_sparse_y_is_a_clear_error():
    with pytest.raises(ValueError, match="sparse"):
        _reg().fit(X, sp.csr_matrix(Y3))


# --------------------------------------------------------- the training run
def test_first_epoch_loss_is_half_the_mean_squared_error_plus_l2():
    alpha, y = 0.5, Y + 5.0  # off-centre, so an R² about 0 instead of the mean shows
    params = dict(batch_size=None, shuffle=False, alpha=alpha, optimizer="sgd")
    # One epoch at a 1e-300 learning rate keeps the initial weights exactly.
    start = _fit(_reg(**params, max_iter=1, learning_rate=1e-300), X, y)
    p0 = start.predict(X)
    penalty = sum(float(np.sum(W**2)) for W in start.coefs_)
    expected = 0.5 * np.mean((y - p0) ** 2) + 0.5 * alpha * penalty / len(y)

    est = _fit(_reg(**params, max_iter=3, learning_rate=0.1), X, y)
    assert est.loss_curve_[0] == pytest.approx(expected, rel=1e-12)
    assert est.history_["r2"][0] == pytest.approx(r2_score(y, p0), rel=1e-12)
    assert est.loss_curve_[1] < est.loss_curve_[0]


def test_history_has_loss_r2_and_learning_rate_per_epoch():
    est = _fit(_reg(learning_rate=0.01), X, Y)
    assert set(est.history_) == {"loss", "r2", "learning_rate"}
    assert all(len(v) == est.n_iter_ == 10 for v in est.history_.values())
    assert est.history_["loss"] == est.loss_curve_
    assert est.history_["learning_rate"] == [0.01] * 10
    assert est.validation_scores_ is None and est.best_loss_ == min(est.loss_curve_)


def test_early_stopping_stops_on_validation_r2_and_restores_the_best_weights():
    params = dict(early_stopping=True, learning_rate=0.05, n_iter_no_change=5)
    est = _fit(_reg(**params, max_iter=300), X, Y)
    h = est.history_
    assert set(h) == {"loss", "r2", "learning_rate", "val_loss", "val_r2"}
    assert est.validation_scores_ == h["val_r2"]
    assert est.best_validation_score_ == max(h["val_r2"])
    best = int(np.argmax(h["val_r2"]))
    assert best + 1 < est.n_iter_ < 300  # stopped, after epochs worse than the best
    assert h["val_r2"][-1] < h["val_r2"][best]

    # The same run cut at the best epoch ends on the weights that were restored.
    cut = _fit(_reg(**params, max_iter=best + 1), X, Y)
    assert cut.history_["val_r2"] == h["val_r2"][: best + 1]
    _assert_same_weights(_weights(est), _weights(cut))


def test_sample_weight_equals_repeated_rows():
    counts = np.random.RandomState(0).randint(0, 4, len(Y))
    params = dict(batch_size=None, shuffle=False, learning_rate=0.01, alpha=1e-3)
    weighted = _fit(_reg(**params), X, Y, sample_weight=counts.astype(float))
    repeated = _fit(_reg(**params), np.repeat(X, counts, 0), np.repeat(Y, counts))
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-9)
    for a, b in zip(_weights(weighted), _weights(repeated)):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)


def test_float32_is_kept_through_training_and_prediction():
    est = _fit(_reg(), X.astype(np.float32), Y)  # float64 y follows X
    assert all(w.dtype == np.float32 for w in _weights(est))
    assert est.predict(X.astype(np.float32)).dtype == np.float32
    assert est.predict(X).dtype == np.float32
    assert np.isfinite(est.loss_curve_).all()


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("batch_size", [None, 16])
def test_sparse_x_trains_and_predicts_like_dense(fmt, batch_size):
    Xs = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    dense = _fit(_reg(batch_size=batch_size), X, Y)
    sparse = _fit(_reg(batch_size=batch_size), Xs, Y)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(sparse.predict(Xs), dense.predict(X), rtol=1e-9)


def test_partial_fit_trains_one_epoch_per_call_and_extends_the_curve():
    est = _reg(batch_size=40, learning_rate=0.01)
    for calls in (1, 2, 3):
        est.partial_fit(X, Y)
        assert est.n_iter_ == 1
        assert len(est.loss_curve_) == len(est.history_["r2"]) == calls
        assert est.t_ == 3 * calls  # 120 rows in batches of 40
    assert est.loss_curve_[2] < est.loss_curve_[0]


def test_warm_start_continues_exactly_where_the_last_fit_stopped():
    params = dict(shuffle=False, tol=0.0, n_iter_no_change=10**6, batch_size=40)
    once = _fit(_reg(**params, max_iter=20), X, Y)
    twice = _reg(**params, max_iter=10, warm_start=True)
    _fit(twice, X, Y)
    _fit(twice, X, Y)
    assert twice.n_iter_ == 10 and twice.t_ == once.t_ == 60
    assert twice.loss_curve_ == once.loss_curve_
    _assert_same_weights(_weights(twice), _weights(once))


def test_without_warm_start_a_second_fit_starts_afresh():
    est = _fit(_reg(), X, Y)
    first = _weights(est)
    _fit(est, X, Y)
    assert len(est.loss_curve_) == 10
    _assert_same_weights(_weights(est), first)


# ----------------------------------------------------------- the guarantees
def test_divergence_raises_and_leaves_a_fitted_model_unchanged():
    est = _fit(_reg(batch_size=None, learning_rate=0.01), X, Y)
    weights, predicted, curve = _weights(est), est.predict(X), list(est.loss_curve_)
    with pytest.raises(DivergenceError, match="smaller learning_rate"):
        est.set_params(optimizer="sgd", learning_rate=1e200).fit(X, Y)
    _assert_same_weights(_weights(est), weights)
    np.testing.assert_array_equal(est.predict(X), predicted)
    assert est.loss_curve_ == curve and est.t_ == 10


def test_divergence_on_a_first_fit_leaves_the_estimator_unfitted():
    est = _reg(optimizer="sgd", learning_rate=1e200)
    with pytest.raises(DivergenceError):
        est.fit(X, Y)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


class InterruptAtStep(SGD):
    """SGD that raises KeyboardInterrupt when about to take step 3."""

    def _update(self, params, grads, state, lr):
        if state.t == 3:
            raise KeyboardInterrupt
        super()._update(params, grads, state, lr)


def test_keyboard_interrupt_keeps_the_epochs_completed_so_far():
    params = dict(batch_size=None, shuffle=False, learning_rate=0.01, max_iter=9)
    est = _reg(**params, optimizer=InterruptAtStep)
    with pytest.warns(UserWarning, match="interrupted"):
        _fit(est, X, Y)
    assert (est.t_, est.n_iter_, len(est.loss_curve_)) == (3, 3, 3)
    three = _fit(_reg(**{**params, "max_iter": 3}, optimizer="sgd"), X, Y)
    _assert_same_weights(_weights(est), _weights(three))


def test_keyboard_interrupt_in_the_first_epoch_leaves_a_fitted_model_unchanged():
    est = _fit(_reg(learning_rate=0.01), X, Y)
    weights, curve = _weights(est), list(est.loss_curve_)
    est.set_params(optimizer=InterruptAtStep, batch_size=10)  # 12 steps an epoch
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, Y)
    _assert_same_weights(_weights(est), weights)
    assert est.loss_curve_ == curve and type(est.optimizer_) is Adam


@pytest.mark.parametrize("fmt", ["dense64", "dense32", "csr"])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_user_data_is_never_modified_and_read_only_data_works(fmt, n_outputs):
    Xs, ys = (X, Y) if n_outputs == 1 else (X3, Y3)
    Xs = Xs.astype(np.float32) if fmt == "dense32" else Xs.copy()
    if fmt == "csr":
        Xs = sp.csr_matrix(Xs)
    arrays = [Xs.data, Xs.indices, Xs.indptr] if fmt == "csr" else [Xs]
    weights = np.linspace(0.5, 2.0, len(ys))
    arrays += [ys.copy(), weights]
    ys = arrays[-2]
    snapshots = [a.copy() for a in arrays]
    for a in arrays:
        a.setflags(write=False)

    est = _fit(_reg(batch_size=32, early_stopping=True), Xs, ys, sample_weight=weights)
    est.set_params(early_stopping=False).partial_fit(Xs, ys, sample_weight=weights)
    est.predict(Xs), est.score(Xs, ys, sample_weight=weights)
    for a, before in zip(arrays, snapshots):
        np.testing.assert_array_equal(a, before)


def test_same_random_state_gives_bit_identical_coefs():
    def fit(seed):
        params = dict(batch_size=16, early_stopping=True, random_state=seed)
        return _fit(_reg(**params), X, Y)

    a, b, other = fit(3), fit(3), fit(4)
    _assert_same_weights(_weights(a), _weights(b))
    _assert_same_weights(_weights(a), _weights(fit(np.random.RandomState(3))))
    assert a.history_ == b.history_
    assert not np.array_equal(a.coefs_[0], other.coefs_[0])


def test_pickle_round_trip_predicts_identically_and_continues_identically():
    est = _fit(_reg(batch_size=32, warm_start=True), X3, Y3)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X3), est.predict(X3))
    _fit(restored, X3, Y3)
    _fit(est, X3, Y3)
    _assert_same_weights(_weights(restored), _weights(est))


# ------------------------------------------------- parity with MLPRegressor
@pytest.mark.parametrize("batch_size", [None, 40], ids=["full", "batch40"])
def test_adam_from_identical_weights_ends_within_1pct_of_mlpregressor(batch_size):
    common = dict(hidden_layer_sizes=(16,), max_iter=100, random_state=0)
    common.update(shuffle=False, tol=0.0, n_iter_no_change=10**6, alpha=1e-4)

    def pair(lr, epochs):
        ours = MLPScratchRegressor(
            **{**common, "max_iter": epochs},
            optimizer="adam",
            learning_rate=lr,
            epsilon=1e-8,
            batch_size=batch_size,
            weight_init="glorot_uniform",
        )
        theirs = MLPRegressor(
            **{**common, "max_iter": epochs},
            solver="adam",
            learning_rate_init=lr,
            epsilon=1e-8,
            batch_size=len(Y) if batch_size is None else batch_size,
        )
        return ours, theirs

    # One epoch at a 1e-300 learning rate leaves both at their initial weights.
    start = [_fit(est, X, Y) for est in pair(1e-300, 1)]
    _assert_same_weights(_weights(start[0]), start[1].coefs_ + start[1].intercepts_)

    ours, theirs = (_fit(est, X, Y) for est in pair(0.001, 100))
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == 100
    assert ours.loss_curve_[-1] < 0.5 * ours.loss_curve_[0]  # it did train
    assert ours.loss_curve_[-1] == pytest.approx(theirs.loss_curve_[-1], rel=0.01)


def test_multi_output_steps_are_mlpregressors_divided_by_the_number_of_outputs():
    # The documented difference: MLPRegressor steps along the gradient of the sum
    # of the per-output losses, skspiral along that of their mean (the reported
    # loss). Without L2, plain SGD at n_outputs times the rate retraces it.
    common = dict(hidden_layer_sizes=(16,), max_iter=20, random_state=0, alpha=0.0)
    common.update(shuffle=False, tol=0.0, n_iter_no_change=10**6, batch_size=40)
    theirs = MLPRegressor(**common, solver="sgd", learning_rate_init=0.01, momentum=0)
    ours = MLPScratchRegressor(**common, optimizer="sgd", learning_rate=0.03)
    ours.set_params(momentum=0.0, decay=0.0, weight_init="glorot_uniform")
    _fit(theirs, X3, Y3)
    _fit(ours, X3, Y3)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    np.testing.assert_allclose(ours.predict(X3), theirs.predict(X3), rtol=1e-8)
