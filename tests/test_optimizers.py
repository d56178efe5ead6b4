"""Optimizers: exact steps against the book's equations, and convergence for all.

The update formulas below are written out from the book (chapter 10) and
shared/book/README.md, independently of the package's implementation.
"""

import numpy as np
import pytest

from skspiral.datasets import make_spiral
from skspiral.network import MLP
from skspiral.optimizers import (
    SGD,
    AdaGrad,
    Adam,
    RMSprop,
    available_optimizers,
    get_optimizer,
    get_optimizer_class,
)
from skspiral.training import Trainer


def injected_state(optimizer, params, slot_values, t):
    """A state as if ``t`` steps had been taken, with the given slot contents."""
    state = optimizer.init_state(params)
    state.t = t
    for name, value in slot_values.items():
        state.slots[name][...] = value
    return state


@pytest.fixture
def arrays():
    rng = np.random.RandomState(0)
    params = rng.standard_normal(6)
    grads = rng.standard_normal(6)
    first = rng.standard_normal(6)  # a velocity / first moment
    second = rng.uniform(0.1, 2.0, 6)  # a cache / second moment (non-negative)
    return params, grads, first, second


@pytest.mark.parametrize("t", [0, 7])
@pytest.mark.parametrize(("learning_rate", "decay"), [(1.0, 0.0), (0.3, 0.05)])
def test_sgd_step_is_params_minus_decayed_rate_times_gradient(
    arrays, learning_rate, decay, t
):
    params, grads, _, _ = arrays
    opt = SGD(learning_rate=learning_rate, decay=decay)
    state = injected_state(opt, params, {}, t)
    w = params.copy()
    lr = opt.step(w, grads, state)

    lr_t = learning_rate / (1 + decay * t)
    assert lr == pytest.approx(lr_t, rel=1e-15)
    np.testing.assert_allclose(w, params - lr_t * grads, rtol=1e-14)
    assert state.t == t + 1


@pytest.mark.parametrize("t", [0, 7])
def test_sgd_momentum_step_matches_the_book(arrays, t):
    params, grads, velocity, _ = arrays
    opt = SGD(learning_rate=0.4, decay=0.1, momentum=0.9)
    state = injected_state(opt, params, {"momentum": velocity}, t)
    w = params.copy()
    opt.step(w, grads, state)

    lr_t = 0.4 / (1 + 0.1 * t)
    new_velocity = 0.9 * velocity - lr_t * grads  # weight_momentums
    np.testing.assert_allclose(state.slots["momentum"], new_velocity, rtol=1e-14)
    np.testing.assert_allclose(w, params + new_velocity, rtol=1e-14)


@pytest.mark.parametrize("epsilon", [1e-7, 0.5])
@pytest.mark.parametrize("t", [0, 7])
def test_adagrad_step_matches_the_book(arrays, t, epsilon):
    params, grads, _, cache = arrays
    opt = AdaGrad(learning_rate=0.7, decay=0.01, epsilon=epsilon)
    state = injected_state(opt, params, {"cache": cache}, t)
    w = params.copy()
    opt.step(w, grads, state)

    lr_t = 0.7 / (1 + 0.01 * t)
    new_cache = cache + grads**2
    expected = params - lr_t * grads / (np.sqrt(new_cache) + epsilon)
    np.testing.assert_allclose(state.slots["cache"], new_cache, rtol=1e-14)
    np.testing.assert_allclose(w, expected, rtol=1e-13)


@pytest.mark.parametrize("epsilon", [1e-7, 0.5])
@pytest.mark.parametrize("t", [0, 7])
def test_rmsprop_step_matches_the_book(arrays, t, epsilon):
    params, grads, _, cache = arrays
    opt = RMSprop(learning_rate=0.02, decay=1e-3, epsilon=epsilon, rho=0.8)
    state = injected_state(opt, params, {"cache": cache}, t)
    w = params.copy()
    opt.step(w, grads, state)

    lr_t = 0.02 / (1 + 1e-3 * t)
    new_cache = 0.8 * cache + (1 - 0.8) * grads**2
    expected = params - lr_t * grads / (np.sqrt(new_cache) + epsilon)
    np.testing.assert_allclose(state.slots["cache"], new_cache, rtol=1e-14)
    np.testing.assert_allclose(w, expected, rtol=1e-13)


@pytest.mark.parametrize("epsilon", [1e-7, 0.5])
@pytest.mark.parametrize("t", [0, 7])
def test_adam_step_matches_the_book_with_bias_correction_at_t_plus_one(
    arrays, t, epsilon
):
    params, grads, m, v = arrays
    opt = Adam(learning_rate=0.05, decay=1e-2, epsilon=epsilon, beta_1=0.8, beta_2=0.9)
    state = injected_state(opt, params, {"momentum": m, "cache": v}, t)
    w = params.copy()
    opt.step(w, grads, state)

    lr_t = 0.05 / (1 + 1e-2 * t)
    new_m = 0.8 * m + (1 - 0.8) * grads
    new_v = 0.9 * v + (1 - 0.9) * grads**2
    m_hat = new_m / (1 - 0.8 ** (t + 1))
    v_hat = new_v / (1 - 0.9 ** (t + 1))
    expected = params - lr_t * m_hat / (np.sqrt(v_hat) + epsilon)
    np.testing.assert_allclose(state.slots["momentum"], new_m, rtol=1e-14)
    np.testing.assert_allclose(state.slots["cache"], new_v, rtol=1e-14)
    np.testing.assert_allclose(w, expected, rtol=1e-13)


def test_adam_first_step_from_fresh_state_moves_each_weight_by_about_lr():
    # With bias correction at t + 1 = 1: m_hat = g, v_hat = g**2, so the step is
    # lr * g / (|g| + eps) whatever beta_1 and beta_2 are.
    grads = np.array([3.0, -0.5, 1e-3])
    opt = Adam(learning_rate=0.01)
    w = np.zeros(3)
    opt.step(w, grads, opt.init_state(w))
    np.testing.assert_allclose(w, -0.01 * grads / (np.abs(grads) + 1e-7), rtol=1e-12)


def test_sgd_with_decay_and_momentum_follows_a_hand_computed_sequence():
    # Loss 0.5 * w**2 (gradient w), learning_rate 1, decay 0.5, momentum 0.5:
    #   t  lr_t        g      v = 0.5 v - lr_t g     w = w + v
    #   0  1           1      -1                      0
    #   1  1/1.5       0      -0.5                   -0.5
    #   2  1/2        -0.5     0                     -0.5
    #   3  1/2.5      -0.5     0.2                   -0.3
    #   4  1/3        -0.3     0.2                   -0.1
    opt = SGD(learning_rate=1.0, decay=0.5, momentum=0.5)
    w = np.array([1.0, 2.0])  # the second weight follows the same path, doubled
    state = opt.init_state(w)
    rates, path = [], []
    for _ in range(5):
        rates.append(opt.step(w, w.copy(), state))
        path.append(w.copy())
    np.testing.assert_allclose(rates, [1, 1 / 1.5, 1 / 2, 1 / 2.5, 1 / 3], rtol=1e-15)
    expected = np.array([0.0, -0.5, -0.5, -0.3, -0.1])
    np.testing.assert_allclose(
        np.array(path), np.c_[expected, 2 * expected], atol=1e-15
    )
    assert state.t == 5


def skip_closure_optimizers(name):
    if get_optimizer_class(name).needs_closure:
        pytest.skip(f"{name} needs the whole objective (needs_closure): it never steps")


def with_rate(name, **rate):
    """``name`` built with ``rate``; a wrapper (``inner``) passes it to its inner."""
    if "learning_rate" in get_optimizer_class(name).hyperparameters():
        return get_optimizer(name, **rate)
    return get_optimizer(name).set_params(
        **{f"inner__{key}": value for key, value in rate.items()}
    )


@pytest.mark.parametrize("name", available_optimizers())
def test_learning_rate_decays_as_one_over_one_plus_decay_times_steps_taken(name):
    skip_closure_optimizers(name)
    opt = with_rate(name, learning_rate=0.3, decay=0.25)
    w = np.ones(3)
    state = opt.init_state(w)
    used = [opt.step(w, np.full(3, 0.1), state) for _ in range(6)]
    expected = [0.3 / (1 + 0.25 * t) for t in range(6)]
    np.testing.assert_allclose(used, expected, rtol=1e-15)
    assert [opt.learning_rate_at(t) for t in range(6)] == pytest.approx(expected)


# ---------------------------------------- convergence, for every registered name
# Learning rates that suit each problem; an optimizer registered later gets the
# fallback (None: its own default).
QUADRATIC_LR = {
    "sgd": 0.05,
    "adagrad": 0.5,
    "rmsprop": 0.02,
    "adam": 0.05,
    "adadelta": 1.0,
}
SPIRAL_LR = {
    "sgd": 1.0,
    "adagrad": 0.1,
    "rmsprop": 0.01,
    "adam": 0.01,
    "adamw": 0.01,
    "amsgrad": 0.01,
    "nadam": 0.01,
    "radam": 0.01,
    "adamax": 0.01,
    "lion": 0.001,
    "muon": 0.02,
    "schedule_free_adamw": 0.01,
    "lookahead": 0.01,
}


def build(name, learning_rates, fallback):
    skip_closure_optimizers(name)
    lr = learning_rates.get(name, fallback)
    return get_optimizer(name) if lr is None else with_rate(name, learning_rate=lr)


@pytest.mark.parametrize("name", available_optimizers())
def test_optimizer_decreases_a_convex_quadratic(name):
    rng = np.random.RandomState(1)
    A = 0.3 * rng.standard_normal((4, 4)) + 2 * np.eye(4)  # well conditioned
    b = rng.standard_normal(4)

    def loss(w):
        r = A @ w - b
        return 0.5 * r @ r

    opt = build(name, QUADRATIC_LR, fallback=0.01)
    w = np.zeros(4)
    state = opt.init_state(w)
    initial = loss(w)
    for _ in range(300):
        opt.step(w, A.T @ (A @ w - b), state)
    assert np.isfinite(w).all()
    assert loss(w) < 0.05 * initial


@pytest.mark.parametrize("name", available_optimizers())
def test_optimizer_decreases_the_training_loss_on_the_spiral(name):
    rng = np.random.RandomState(0)
    X, y = make_spiral(300, 3, random_state=rng)
    net = MLP([2, 32, 32, 3])
    net.initialize("he_normal", rng)
    opt = build(name, SPIRAL_LR, fallback=None)
    state = opt.init_state(net.params, net.layout)
    history, reason = Trainer(net, opt, state).fit(X, y, epochs=200)
    assert reason == "max_iter"
    assert len(history.loss) == 200
    assert history.loss[-1] < 0.9 * history.loss[0]
    assert history.accuracy[-1] > history.accuracy[0]
