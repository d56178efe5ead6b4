"""The training loop: what the history records, batching, shuffling, divergence."""

import pickle

import numpy as np
import pytest

from skspiral.datasets import make_spiral
from skspiral.network import MLP
from skspiral.optimizers import SGD, Adam, get_optimizer
from skspiral.training import (
    Callback,
    DivergenceError,
    DivergenceGuard,
    LossPlateauStopping,
    Trainer,
)


class OnEpoch(Callback):
    """Calls ``fn(epoch, history)`` at every epoch end."""

    def __init__(self, fn):
        self.fn = fn

    def on_epoch_end(self, trainer, epoch, logs):
        self.fn(epoch, trainer.history)


def hand_loss_and_accuracy(flat, layout, X, y, alpha=0.0):
    """Mean clipped cross-entropy (+ L2) and accuracy of a ReLU MLP, by hand."""
    P = layout.views(flat)
    n_layers = len(layout.names) // 2
    a = X
    for i in range(n_layers):
        z = a @ P[f"{i}.W"] + P[f"{i}.b"]
        a = np.maximum(z, 0) if i < n_layers - 1 else z
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p_true = np.clip(p[np.arange(len(y)), y], 1e-7, 1 - 1e-7)
    penalty = sum(np.sum(P[f"{i}.W"] ** 2) for i in range(n_layers))
    loss = -np.log(p_true).mean() + 0.5 * alpha * penalty / len(y)
    return loss, np.mean(z.argmax(axis=1) == y)


def problem(seed=0, n_samples=90, hidden=8):
    rng = np.random.RandomState(seed)
    X, y = make_spiral(n_samples, 3, random_state=rng)
    net = MLP([2, hidden, 3])
    net.initialize("he_normal", rng)
    return X, y, net


def make_trainer(net, optimizer, **kwargs):
    return Trainer(
        net, optimizer, optimizer.init_state(net.params, net.layout), **kwargs
    )


@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_full_batch_history_records_each_epochs_forward_pass_before_its_update(alpha):
    X, y, net = problem()
    optimizer = SGD(learning_rate=0.5, decay=0.1, momentum=0.5)
    weights = [net.params.copy()]  # weights[k]: the weights epoch k starts from

    def snapshot(epoch, history):
        weights.append(net.params.copy())

    trainer = make_trainer(net, optimizer, alpha=alpha, callbacks=[OnEpoch(snapshot)])
    history, reason = trainer.fit(X, y, epochs=6)
    assert reason == "max_iter"
    assert len(history["loss"]) == len(history["accuracy"]) == 6
    assert not np.array_equal(weights[0], weights[-1])
    for k in range(6):
        loss, accuracy = hand_loss_and_accuracy(weights[k], net.layout, X, y, alpha)
        assert history["loss"][k] == pytest.approx(loss, rel=1e-12)
        assert history["accuracy"][k] == pytest.approx(accuracy, abs=1e-15)
        assert history["learning_rate"][k] == pytest.approx(0.5 / (1 + 0.1 * k), 1e-15)


def test_first_recorded_loss_is_that_of_the_initial_weights():
    X, y, net = problem(seed=3)
    loss, accuracy = hand_loss_and_accuracy(net.params.copy(), net.layout, X, y)
    history, _ = make_trainer(net, Adam(learning_rate=0.05)).fit(X, y, epochs=1)
    assert history["loss"] == [pytest.approx(loss, rel=1e-12)]
    assert history["accuracy"] == [pytest.approx(accuracy)]


@pytest.mark.parametrize(("batch_size", "steps_per_epoch"), [(32, 3), (45, 2), (1, 90)])
def test_mini_batches_take_one_step_per_batch_and_record_the_first_rate(
    batch_size, steps_per_epoch
):
    X, y, net = problem()
    optimizer = SGD(learning_rate=0.2, decay=0.05)
    trainer = make_trainer(net, optimizer, batch_size=batch_size)
    history, _ = trainer.fit(X, y, epochs=3)
    assert trainer.state.t == 3 * steps_per_epoch
    expected = [0.2 / (1 + 0.05 * steps_per_epoch * k) for k in range(3)]
    np.testing.assert_allclose(history["learning_rate"], expected, rtol=1e-15)


def test_first_mini_batch_epoch_records_the_mean_of_the_batch_losses():
    X, y, net = problem()
    optimizer = SGD(learning_rate=0.3)
    start = net.params.copy()
    history, _ = make_trainer(net, optimizer, batch_size=60).fit(X, y, epochs=1)

    # by hand: batch 1 (60 rows) from the initial weights, one SGD step on its
    # gradient, then batch 2 (30 rows) from the updated weights
    twin = MLP([2, 8, 3])
    twin.params[:] = start
    loss_1, _ = hand_loss_and_accuracy(start, net.layout, X[:60], y[:60])
    twin.loss_and_grad(X[:60], y[:60])
    after_1 = start - 0.3 * twin.grads
    loss_2, _ = hand_loss_and_accuracy(after_1, net.layout, X[60:], y[60:])
    assert history["loss"][0] == pytest.approx((60 * loss_1 + 30 * loss_2) / 90, 1e-12)


def test_batch_size_at_least_n_is_full_batch():
    X, y, net = problem()
    twin = pickle.loads(pickle.dumps(net))
    full, _ = make_trainer(net, SGD(momentum=0.9)).fit(X, y, epochs=4)
    big, _ = make_trainer(twin, SGD(momentum=0.9), batch_size=500).fit(X, y, epochs=4)
    assert big["loss"] == full["loss"]
    np.testing.assert_array_equal(twin.params, net.params)


def shuffled_run(seed, shuffle=True):
    X, y, net = problem()
    optimizer = get_optimizer("adam", learning_rate=0.01)
    rng = np.random.RandomState(seed)
    trainer = make_trainer(net, optimizer, batch_size=16, shuffle=shuffle, rng=rng)
    history, _ = trainer.fit(X, y, epochs=4)
    return history, net.params.copy()


def test_shuffled_mini_batches_are_deterministic_for_a_given_random_state():
    history_a, params_a = shuffled_run(seed=11)
    history_b, params_b = shuffled_run(seed=11)
    assert history_a["loss"] == history_b["loss"]
    np.testing.assert_array_equal(params_a, params_b)

    _, params_other_seed = shuffled_run(seed=12)
    _, params_unshuffled = shuffled_run(seed=11, shuffle=False)
    assert not np.array_equal(params_a, params_other_seed)
    assert not np.array_equal(params_a, params_unshuffled)


def test_integer_sample_weights_train_like_repeated_rows():
    X, y, net = problem()
    counts = np.arange(len(y)) % 3 + 1
    twin = pickle.loads(pickle.dumps(net))
    weighted, _ = make_trainer(net, SGD(learning_rate=0.5)).fit(
        X, y, counts.astype(float), epochs=5
    )
    repeated, _ = make_trainer(twin, SGD(learning_rate=0.5)).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts), epochs=5
    )
    np.testing.assert_allclose(weighted["loss"], repeated["loss"], rtol=1e-12)
    np.testing.assert_allclose(net.params, twin.params, rtol=1e-10, atol=1e-14)


def test_huge_learning_rate_raises_divergence_error_suggesting_a_smaller_one():
    X, y, net = problem()
    trainer = make_trainer(net, SGD(learning_rate=1e200), callbacks=[DivergenceGuard()])
    with pytest.raises(DivergenceError, match="smaller learning_rate"):
        trainer.fit(X, y, epochs=50)
    assert issubclass(DivergenceError, FloatingPointError)


def test_validation_history_is_the_evaluation_after_each_update():
    X, y, net = problem()
    X_val, y_val = X[::2], y[::2]
    weights = []
    snapshot = OnEpoch(lambda k, h: weights.append(net.params.copy()))
    trainer = make_trainer(net, SGD(learning_rate=0.5), callbacks=[snapshot])
    history, _ = trainer.fit(X, y, epochs=3, validation=(X_val, y_val))
    for k in range(3):
        loss, acc = hand_loss_and_accuracy(weights[k], net.layout, X_val, y_val)
        assert history["val_loss"][k] == pytest.approx(loss, rel=1e-12)
        assert history["val_accuracy"][k] == pytest.approx(acc)
    assert set(history.as_dict()) >= {"loss", "accuracy", "learning_rate", "val_loss"}


def test_loss_plateau_stopping_fires_after_n_iter_no_change_epochs_without_gain():
    monitor = LossPlateauStopping(tol=0.01, n_iter_no_change=2)

    def update(loss):
        return monitor.on_epoch_end(None, 0, {"loss": loss})

    # 0.995 is within tol of the best 1.0 -> no gain; 0.5 resets
    decisions = [update(v) for v in [1.0, 0.995, 0.5, 0.499]]
    assert decisions == [False, False, False, False]
    assert monitor.no_improvement_count == 1
    assert update(0.498) is False
    assert update(0.6) is True
    assert monitor.best_loss == 0.498


def test_fit_stops_with_converged_when_the_monitor_fires():
    X, y, net = problem()
    monitor = LossPlateauStopping(tol=1.0, n_iter_no_change=2)  # no gain counts
    trainer = make_trainer(net, SGD(learning_rate=0.01), callbacks=[monitor])
    history, reason = trainer.fit(X, y, epochs=100)
    assert reason == "converged"
    assert len(history["loss"]) == 4  # epoch 1 sets the best, then 3 without gain
