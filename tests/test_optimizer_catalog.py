"""The catalog: exact steps against formulas written here, hooks, wrappers, L-BFGS.

Each one-step test injects a non-zero state (as if ``t`` steps had been taken)
and compares with the update equations written out below, independently of
the package. The 50-step comparisons with the reference implementations are in
``tests/test_optimizers_torch.py``.
"""

import pickle

import numpy as np
import pytest
from scipy.optimize import minimize as scipy_minimize
from scipy.special import expit, softmax
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skspiral import MLPScratchClassifier
from skspiral.layout import ParamLayout
from skspiral.network import MLP
from skspiral.optimizers import (
    LBFGS,
    SGD,
    Adadelta,
    Adam,
    Adamax,
    AdamW,
    AMSGrad,
    Lion,
    Lookahead,
    Muon,
    NAdam,
    OptimizerState,
    RAdam,
    ScheduleFreeAdamW,
    available_optimizers,
    get_optimizer,
    get_optimizer_class,
)
from skspiral.optimizers.muon import muon_names

T = 7  # steps "already taken" in the injected states
K = T + 1


def injected(optimizer, params, slots, t=T, layout=None):
    state = optimizer.init_state(params, layout)
    state.t = t
    for name, value in slots.items():
        state.slots[name][...] = value
    return state


@pytest.fixture
def arrays():
    rng = np.random.RandomState(0)
    return {
        "w": rng.standard_normal(6),
        "g": rng.standard_normal(6),
        "m": rng.standard_normal(6),
        "v": rng.uniform(0.1, 2.0, 6),
        "u": rng.uniform(0.1, 2.0, 6),
    }


def step(optimizer, w, g, state):
    w = w.copy()
    optimizer.step(w, g, state)
    return w


# --------------------------------------------------------------- one step
@pytest.mark.parametrize("t", [0, T])
def test_sgd_nesterov_step(arrays, t):
    w, g, v = arrays["w"], arrays["g"], arrays["m"]
    opt = SGD(learning_rate=0.4, decay=0.1, momentum=0.9, nesterov=True)
    state = injected(opt, w, {"momentum": v}, t)
    new_w = step(opt, w, g, state)
    lr = 0.4 / (1 + 0.1 * t)
    new_v = 0.9 * v - lr * g
    np.testing.assert_allclose(state.slots["momentum"], new_v, rtol=1e-14)
    np.testing.assert_allclose(new_w, w + 0.9 * new_v - lr * g, rtol=1e-13)


def test_sgd_nesterov_without_momentum_is_plain_sgd(arrays):
    w, g = arrays["w"], arrays["g"]
    opt = SGD(learning_rate=0.3, nesterov=True)
    np.testing.assert_allclose(step(opt, w, g, opt.init_state(w)), w - 0.3 * g)


def adam_moments(m, v, g, b1, b2):
    return b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2


def test_adamw_step(arrays):
    w, g, m, v = arrays["w"], arrays["g"], arrays["m"], arrays["v"]
    opt = AdamW(
        learning_rate=0.05,
        decay=0.01,
        epsilon=0.1,
        beta_1=0.8,
        beta_2=0.9,
        weight_decay=0.3,
    )
    state = injected(opt, w, {"momentum": m, "cache": v})
    new_w = step(opt, w, g, state)
    lr = 0.05 / (1 + 0.01 * T)
    m1, v1 = adam_moments(m, v, g, 0.8, 0.9)
    decayed = w * (1 - lr * 0.3)
    expected = decayed - lr / (1 - 0.8**K) * m1 / (
        np.sqrt(v1) / np.sqrt(1 - 0.9**K) + 0.1
    )
    np.testing.assert_allclose(state.slots["momentum"], m1, rtol=1e-14)
    np.testing.assert_allclose(state.slots["cache"], v1, rtol=1e-14)
    np.testing.assert_allclose(new_w, expected, rtol=1e-13)


def test_amsgrad_step_divides_by_the_running_maximum(arrays):
    w, g, m, v = arrays["w"], arrays["g"], arrays["m"], arrays["v"]
    v_max = np.where(np.arange(6) % 2, 5.0, 0.0)  # above v on odd entries only
    opt = AMSGrad(learning_rate=0.05, epsilon=0.1, beta_1=0.8, beta_2=0.9)
    state = injected(opt, w, {"momentum": m, "cache": v, "max_cache": v_max})
    new_w = step(opt, w, g, state)
    m1, v1 = adam_moments(m, v, g, 0.8, 0.9)
    v_max1 = np.maximum(v_max, v1)
    expected = w - 0.05 / (1 - 0.8**K) * m1 / (
        np.sqrt(v_max1) / np.sqrt(1 - 0.9**K) + 0.1
    )
    np.testing.assert_allclose(state.slots["max_cache"], v_max1, rtol=1e-14)
    np.testing.assert_allclose(new_w, expected, rtol=1e-13)


def nadam_mu(k, beta_1, psi):
    return beta_1 * (1 - 0.5 * 0.96 ** (k * psi))


@pytest.mark.parametrize("stored", [None, 0.3])
def test_nadam_step(arrays, stored):
    w, g, m, v = arrays["w"], arrays["g"], arrays["m"], arrays["v"]
    opt = NAdam(
        learning_rate=0.05, epsilon=0.1, beta_1=0.8, beta_2=0.9, momentum_decay=0.2
    )
    state = injected(opt, w, {"momentum": m, "cache": v})
    if stored is None:  # rebuilt from t: mu_1 * ... * mu_7
        product = np.prod([nadam_mu(s, 0.8, 0.2) for s in range(1, K)])
    else:
        product = stored
        state.info["nadam_mu_product"] = (T, stored)
    new_w = step(opt, w, g, state)
    mu, mu_next = nadam_mu(K, 0.8, 0.2), nadam_mu(K + 1, 0.8, 0.2)
    product *= mu
    m1, v1 = adam_moments(m, v, g, 0.8, 0.9)
    d = np.sqrt(v1 / (1 - 0.9**K)) + 0.1
    expected = (
        w
        - 0.05 * (1 - mu) / (1 - product) * g / d
        - 0.05 * mu_next / (1 - product * mu_next) * m1 / d
    )
    np.testing.assert_allclose(new_w, expected, rtol=1e-13)
    assert state.info["nadam_mu_product"][0] == K
    assert state.info["nadam_mu_product"][1] == pytest.approx(product, rel=1e-14)


@pytest.mark.parametrize("t", [0, T])  # rho_1 = 1 (no rectification), rho_8 > 5
def test_radam_step(arrays, t):
    w, g, m, v = arrays["w"], arrays["g"], arrays["m"], arrays["v"]
    opt = RAdam(learning_rate=0.05, epsilon=0.1)
    state = injected(opt, w, {"momentum": m, "cache": v}, t)
    new_w = step(opt, w, g, state)
    k = t + 1
    m1, v1 = adam_moments(m, v, g, 0.9, 0.999)
    bc1, bc2 = 1 - 0.9**k, 1 - 0.999**k
    rho_inf = 2 / (1 - 0.999) - 1
    rho = rho_inf - 2 * k * 0.999**k / bc2
    if t == 0:
        assert rho <= 5
        expected = w - 0.05 * m1 / bc1
    else:
        assert rho > 5
        r = np.sqrt(
            (rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)
        )
        expected = w - 0.05 * (m1 / bc1) * r * np.sqrt(bc2) / (np.sqrt(v1) + 0.1)
    np.testing.assert_allclose(new_w, expected, rtol=1e-13)


def test_adamax_step(arrays):
    w, g, m, u = arrays["w"], arrays["g"], arrays["m"], arrays["u"]
    opt = Adamax(learning_rate=0.05, epsilon=0.1, beta_1=0.8, beta_2=0.9)
    state = injected(opt, w, {"momentum": m, "inf_norm": u})
    new_w = step(opt, w, g, state)
    m1 = 0.8 * m + 0.2 * g
    u1 = np.maximum(0.9 * u, np.abs(g) + 0.1)
    np.testing.assert_allclose(state.slots["inf_norm"], u1, rtol=1e-14)
    np.testing.assert_allclose(new_w, w - 0.05 / (1 - 0.8**K) * m1 / u1, rtol=1e-13)


def test_adadelta_step(arrays):
    w, g, v, u = arrays["w"], arrays["g"], arrays["v"], arrays["u"]
    opt = Adadelta(learning_rate=0.5, decay=0.1, epsilon=0.01, rho=0.7)
    state = injected(opt, w, {"cache": v, "delta_cache": u})
    new_w = step(opt, w, g, state)
    v1 = 0.7 * v + 0.3 * g**2
    delta = np.sqrt(u + 0.01) / np.sqrt(v1 + 0.01) * g
    u1 = 0.7 * u + 0.3 * delta**2
    np.testing.assert_allclose(state.slots["delta_cache"], u1, rtol=1e-14)
    np.testing.assert_allclose(new_w, w - 0.5 / (1 + 0.1 * T) * delta, rtol=1e-13)


def test_lion_step(arrays):
    # optax.lion = chain(scale_by_lion, add_decayed_weights, scale_by_lr(-lr)):
    # the sign uses the old momentum, then the momentum is updated.
    w, g, m = arrays["w"], arrays["g"], arrays["m"]
    opt = Lion(learning_rate=0.05, beta_1=0.8, beta_2=0.9, weight_decay=0.3)
    state = injected(opt, w, {"momentum": m})
    new_w = step(opt, w, g, state)
    direction = np.sign(0.8 * m + 0.2 * g)
    np.testing.assert_allclose(state.slots["momentum"], 0.9 * m + 0.1 * g, rtol=1e-14)
    np.testing.assert_allclose(new_w, w - 0.05 * (direction + 0.3 * w), rtol=1e-14)


def test_lion_moves_every_weight_by_exactly_the_learning_rate():
    # Loss 0.5 * ||w - c||**2 from w = 0, no decay: the sign of the gradient is
    # the sign of -c until a weight passes its target; each step is +-0.1.
    c = np.array([0.35, -1.0, 2.0])
    opt = Lion(learning_rate=0.1, weight_decay=0.0)
    w = np.zeros(3)
    state = opt.init_state(w)
    path = []
    for _ in range(5):
        opt.step(w, w - c, state)
        path.append(w.copy())
    # weight 0 reaches 0.4 at step 4 (past 0.35): the gradient turns positive,
    # but the momentum (0.9 of it negative) keeps the direction for step 5.
    expected_0 = [0.1, 0.2, 0.3, 0.4, 0.5]
    np.testing.assert_allclose(np.array(path)[:, 0], expected_0, rtol=1e-14)
    np.testing.assert_allclose(np.array(path)[:, 1], -0.1 * np.arange(1, 6))
    np.testing.assert_allclose(np.array(path)[:, 2], 0.1 * np.arange(1, 6))


def test_schedule_free_adamw_step(arrays):
    w, g, z, v = arrays["w"], arrays["g"], arrays["m"], arrays["v"]
    opt = ScheduleFreeAdamW(
        learning_rate=0.05, epsilon=0.1, beta_1=0.8, beta_2=0.9, weight_decay=0.2, r=1.0
    )
    state = injected(opt, w, {"z": z, "cache": v})
    state.info.update(schedule_free_lr_max=0.04, schedule_free_weight_sum=0.5)
    y = step(opt, w, g, state)
    weight = K**1.0 * 0.05**2  # lr_max = max(0.04, 0.05)
    c = weight / (0.5 + weight)
    v1 = 0.9 * v + 0.1 * g**2
    d = g / (np.sqrt(v1 / (1 - 0.9**K)) + 0.1) + 0.2 * w
    expected_y = (1 - c) * w + c * z + 0.05 * (0.8 * (1 - c) - 1) * d
    np.testing.assert_allclose(state.slots["z"], z - 0.05 * d, rtol=1e-13)
    np.testing.assert_allclose(y, expected_y, rtol=1e-13)
    assert state.info["schedule_free_weight_sum"] == pytest.approx(0.5 + weight)


def test_schedule_free_first_step_starts_z_at_the_weights(arrays):
    w, g = arrays["w"], arrays["g"]
    opt = ScheduleFreeAdamW(learning_rate=0.05, weight_decay=0.0)
    state = opt.init_state(w)
    y = step(opt, w, g, state)
    d = g / (np.abs(g) + 1e-8)  # v_hat = g**2 at the first step
    np.testing.assert_allclose(state.slots["z"], w - 0.05 * d, rtol=1e-13)
    # c = 1: y = z + lr (0 - 1) d ... = w - 0.05 d - 0.05 d * (1 - 0.9 * 0)
    np.testing.assert_allclose(y, w - 0.05 * d, rtol=1e-13)


# -------------------------------------------------------------------- Muon
def newton_schulz_reference(G, steps=5, a=3.4445, b=-4.7750, c=2.0315):
    """Keller Jordan's zeropower_via_newtonschulz5, in float64."""
    X = G.T if G.shape[0] > G.shape[1] else G
    X = X / max(np.linalg.norm(X), 1e-7)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X.T if G.shape[0] > G.shape[1] else X


def test_muon_updates_hidden_matrices_only_and_adamw_the_rest():
    layout = ParamLayout.for_dense_stack([3, 5, 4, 2])
    assert muon_names(layout) == {"0.W", "1.W"}
    assert muon_names(ParamLayout.for_dense_stack([3, 2])) == set()
    assert muon_names(ParamLayout(("params",), ((6,),))) == set()


def test_muon_step_on_a_hidden_matrix_and_an_output_layer():
    layout = ParamLayout.for_dense_stack([3, 5, 2])  # 0.W hidden, 1.W output
    rng = np.random.RandomState(3)
    w, g = rng.standard_normal(layout.size), rng.standard_normal(layout.size)
    m = rng.standard_normal(layout.size)
    v = rng.uniform(0.1, 2, layout.size)
    opt = Muon(
        learning_rate=0.02,
        momentum=0.9,
        weight_decay=0.1,
        beta_1=0.8,
        beta_2=0.9,
        epsilon=0.1,
        adamw_weight_decay=0.2,
        adamw_lr_ratio=0.5,
    )
    state = injected(opt, w, {"momentum": m, "cache": v}, layout=layout)
    new = layout.views(step(opt, w, g, state))
    W, G, B = (layout.views(a)["0.W"] for a in (w, g, m))
    B1 = 0.9 * B + 0.1 * G
    U = 0.1 * G + 0.9 * B1  # Nesterov
    ortho = newton_schulz_reference(U.T).T  # orthogonalised as PyTorch's (out, in)
    fan_in, fan_out = W.shape  # (3, 5): scale sqrt(max(1, 5 / 3))
    expected_W = W * (1 - 0.02 * 0.1) - 0.02 * np.sqrt(5 / 3) * ortho
    np.testing.assert_allclose(new["0.W"], expected_W, rtol=1e-12)
    # The output layer's weights: AdamW at rate 0.02 * 0.5.
    w1, g1, m1, v1 = (layout.views(a)["1.W"] for a in (w, g, m, v))
    mm, vv = adam_moments(m1, v1, g1, 0.8, 0.9)
    expected_1 = w1 * (1 - 0.01 * 0.2) - 0.01 / (1 - 0.8**K) * mm / (
        np.sqrt(vv) / np.sqrt(1 - 0.9**K) + 0.1
    )
    np.testing.assert_allclose(new["1.W"], expected_1, rtol=1e-12)


def test_newton_schulz_roughly_orthogonalises():
    # Singular values land near 1 (Keller Jordan: roughly Uniform(0.5, 1.5)).
    G = np.random.RandomState(0).standard_normal((20, 8))
    s = np.linalg.svd(newton_schulz_reference(G), compute_uv=False)
    assert 0.5 < s.min() and s.max() < 1.5


# --------------------------------------------------------- several steps
def test_lookahead_follows_a_hand_computed_sequence():
    # SGD lr 0.5 on 0.5 * w**2 (gradient w) from 1; k = 2, alpha = 0.5:
    #   step 1: fast 0.5
    #   step 2: fast 0.25 -> slow 1 + 0.5 (0.25 - 1) = 0.625, fast = 0.625
    #   step 3: fast 0.3125
    #   step 4: fast 0.15625 -> slow 0.625 + 0.5 (0.15625 - 0.625) = 0.390625
    opt = Lookahead(SGD(learning_rate=0.5), k=2, alpha=0.5)
    w = np.array([1.0])
    state = opt.init_state(w)
    path = []
    for _ in range(4):
        opt.step(w, w.copy(), state)
        path.append(w[0])
    assert path == [0.5, 0.625, 0.3125, 0.390625]
    assert state.slots["slow"][0] == 0.390625


def test_lookahead_with_alpha_one_is_the_inner_optimizer():
    rng = np.random.RandomState(0)
    grads = rng.standard_normal((12, 4))
    w1, w2 = np.ones(4), np.ones(4)
    inner = NAdam(learning_rate=0.01, decay=0.1)
    wrapped = Lookahead(inner, k=3, alpha=1.0)
    s1, s2 = inner.init_state(w1), wrapped.init_state(w2)
    for g in grads:
        inner.step(w1, g, s1)
        wrapped.step(w2, g, s2)
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(s1.slots["momentum"], s2.slots["momentum"])


@pytest.mark.parametrize("inner", ["sgd", SGD, SGD(momentum=0.9)])
def test_lookahead_takes_a_name_a_class_or_an_instance(inner):
    opt = Lookahead(inner)
    assert type(opt.inner) is SGD
    assert opt.inner is not inner  # a copy: the template stays untouched


def test_lookahead_state_keeps_the_inner_slots_and_the_slow_weights():
    opt = Lookahead(Adam(), k=3)
    slots = set(opt.init_state(np.zeros(3)).slots)
    assert slots == {"momentum", "cache", "slow", "fast"}
    assert opt.learning_rate == Adam().learning_rate


def test_lookahead_params_nest_as_scikit_learn_expects():
    opt = Lookahead(Adam(learning_rate=0.01), k=4)
    deep, shallow = opt.get_params(deep=True), opt.get_params(deep=False)
    assert shallow == {"inner": Adam(learning_rate=0.01), "k": 4, "alpha": 0.5}
    assert deep["inner__learning_rate"] == 0.01 and deep["inner__beta_1"] == 0.9
    opt.set_params(inner__learning_rate=0.2, alpha=0.8)
    assert opt.inner.learning_rate == 0.2 and opt.alpha == 0.8 and opt.k == 4
    with pytest.raises(ValueError, match="learning_rate"):
        opt.set_params(inner__learning_rate=-1.0)
    with pytest.raises(ValueError, match="'bogus'"):
        opt.set_params(bogus=1)
    assert opt.inner.learning_rate == 0.2  # all or nothing


def test_lookahead_equality_repr_pickle_and_clone():
    opt = Lookahead(AdamW(weight_decay=0.1), k=3, alpha=0.25)
    assert opt == Lookahead("adamw", k=3, alpha=0.25).set_params(
        inner__weight_decay=0.1
    )
    assert opt != Lookahead(AdamW(), k=3, alpha=0.25)
    assert repr(opt).startswith("Lookahead(inner=AdamW(")
    assert eval(repr(opt)) == opt
    assert pickle.loads(pickle.dumps(opt)) == opt
    assert clone(opt) == opt and clone(opt) is not opt


def test_estimator_routes_nested_lookahead_parameters():
    est = MLPScratchClassifier(optimizer=Lookahead(Adam()))
    assert est.get_params()["optimizer__inner__learning_rate"] == 0.001
    est.set_params(optimizer__inner__learning_rate=0.05, optimizer__k=2)
    assert est.optimizer.inner.learning_rate == 0.05 and est.optimizer.k == 2


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_over_the_inner_learning_rate():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    est = MLPScratchClassifier(
        hidden_layer_sizes=(8,),
        optimizer=Lookahead(Adam()),
        max_iter=20,
        random_state=0,
    )
    grid = {"optimizer__inner__learning_rate": [1e-4, 0.05]}
    search = GridSearchCV(est, grid, cv=2, n_jobs=1).fit(X, y)
    rates = [p["optimizer__inner__learning_rate"] for p in search.cv_results_["params"]]
    assert rates == [1e-4, 0.05]
    assert search.best_params_ == {"optimizer__inner__learning_rate": 0.05}
    assert search.best_estimator_.optimizer_.inner.learning_rate == 0.05
    assert est.optimizer.inner.learning_rate == 0.001  # the template is untouched


def test_lookahead_refuses_closure_and_nested_lookahead():
    with pytest.raises(ValueError, match="whole objective"):
        Lookahead("lbfgs")
    with pytest.raises(ValueError, match="slow"):
        Lookahead(Lookahead())


def test_lookahead_evaluates_with_the_slow_weights_and_resumes_from_the_fast():
    opt = Lookahead(SGD(learning_rate=0.5), k=2, alpha=0.5)
    w = np.array([1.0])
    state = opt.init_state(w)
    opt.eval_mode(w, state)  # fresh state: nothing to swap
    opt.train_mode(w, state)
    assert w[0] == 1.0
    for _ in range(3):  # fast 0.5, sync to 0.625, fast 0.3125 (as above)
        opt.step(w, w.copy(), state)
    opt.eval_mode(w, state)
    opt.eval_mode(w, state)  # idempotent
    assert w[0] == 0.625
    opt.train_mode(w, state)
    opt.train_mode(w, state)
    assert w[0] == 0.3125
    opt.step(w, w.copy(), state)
    assert w[0] == 0.390625


# ------------------------------------------------------------ train / eval
def test_default_train_and_eval_hooks_leave_the_weights_alone(arrays):
    w = arrays["w"].copy()
    opt = Adam()
    state = opt.init_state(w)
    opt.step(w, arrays["g"], state)
    before = w.copy()
    opt.eval_mode(w, state)
    opt.train_mode(w, state)
    np.testing.assert_array_equal(w, before)


def trained_schedule_free(arrays, steps=5):
    opt = ScheduleFreeAdamW(learning_rate=0.05)
    w = arrays["w"].copy()
    state = opt.init_state(w)
    opt.train_mode(w, state)  # on a fresh state: nothing to move
    np.testing.assert_array_equal(w, arrays["w"])
    for i in range(steps):
        opt.step(w, arrays["g"] * (i + 1), state)
    return opt, w, state


def test_schedule_free_eval_moves_to_the_average_and_train_moves_back(arrays):
    opt, y, state = trained_schedule_free(arrays)
    z = state.slots["z"].copy()
    w = y.copy()
    opt.eval_mode(w, state)
    np.testing.assert_allclose(w, (y - 0.1 * z) / 0.9, rtol=1e-12)  # x
    opt.eval_mode(w, state)  # idempotent
    np.testing.assert_allclose(w, (y - 0.1 * z) / 0.9, rtol=1e-12)
    opt.train_mode(w, state)
    opt.train_mode(w, state)
    np.testing.assert_allclose(w, y, rtol=1e-12)


def test_schedule_free_refuses_to_step_in_eval_mode_and_pickles_its_mode(arrays):
    opt, w, state = trained_schedule_free(arrays)
    opt.eval_mode(w, state)
    restored = pickle.loads(pickle.dumps(state))
    assert restored.info["schedule_free_mode"] == "eval"
    with pytest.raises(RuntimeError, match="train_mode"):
        opt.step(w, arrays["g"], restored)


def test_state_pickled_before_info_existed_gets_an_empty_info():
    state = OptimizerState.__new__(OptimizerState)
    state.__setstate__({"layout": ParamLayout(("p",), ((2,),)), "slots": {}, "t": 3})
    assert state.info == {} and state.t == 3


# ------------------------------------------------------------------ L-BFGS
def quadratic(A, c):
    def objective(w):
        r = w - c
        return 0.5 * r @ A @ r, A @ r

    return objective


def test_lbfgs_finds_the_minimum_of_a_quadratic():
    rng = np.random.RandomState(0)
    M = rng.standard_normal((5, 5))
    A, c = M @ M.T + np.eye(5), rng.standard_normal(5)
    opt = LBFGS()
    w = np.zeros(5)
    state = opt.init_state(w)
    losses = []
    objective = quadratic(A, c)
    reason = opt.minimize(
        objective, w, state, max_iter=200, tol=1e-10, callback=losses.append
    )
    assert reason == "converged"
    # SciPy also stops on a relative loss change below ftol (2.2e-9), as for
    # MLPClassifier: close to the minimum, not at it to the last digit.
    assert objective(w)[0] < 1e-9 * objective(np.zeros(5))[0]
    np.testing.assert_allclose(w, c, atol=1e-4)
    assert state.t == len(losses) == state.info["lbfgs"]["nit"] > 0


def test_lbfgs_reports_which_limit_stopped_it():
    A, c = np.diag([1.0, 10.0, 100.0]), np.array([1.0, -2.0, 3.0])
    state = LBFGS().init_state(np.zeros(3))
    reason = LBFGS().minimize(quadratic(A, c), np.zeros(3), state, max_iter=2, tol=0)
    assert reason == "max_iter" and state.t == 2
    state = LBFGS(max_fun=3).init_state(np.zeros(3))
    assert (
        LBFGS(max_fun=3).minimize(
            quadratic(A, c), np.zeros(3), state, max_iter=100, tol=0
        )
        == "max_fun"
    )
    assert "EVALUATIONS" in state.info["lbfgs"]["message"]


def test_lbfgs_stops_when_the_callback_says_so():
    A, c = np.diag([1.0, 10.0, 100.0]), np.array([1.0, -2.0, 3.0])
    calls = []
    w = np.zeros(3)
    state = LBFGS().init_state(w)
    reason = LBFGS().minimize(
        quadratic(A, c),
        w,
        state,
        max_iter=100,
        tol=0,
        callback=lambda loss: calls.append(loss) or len(calls) == 2,
    )
    assert reason == "converged" and len(calls) == 2 and state.t == 2
    assert not np.allclose(w, c)  # stopped early, at the current point


def test_lbfgs_equals_scipy_on_logistic_regression():
    rng = np.random.RandomState(1)
    X = rng.standard_normal((80, 4))
    y = (X @ [1.0, -2.0, 0.5, 0.0] + 0.5 * rng.standard_normal(80) > 0).astype(float)

    def objective(w):  # mean log loss + 0.01 * ||w||**2 / 2
        p = 1 / (1 + np.exp(-X @ w))
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + 0.005 * w @ w
        return loss, X.T @ (p - y) / len(y) + 0.01 * w

    options = {"maxfun": 15000, "maxiter": 50, "gtol": 1e-6}
    reference = scipy_minimize(
        objective, np.zeros(4), method="L-BFGS-B", jac=True, options=options
    )
    w = np.zeros(4)
    state = LBFGS().init_state(w)
    assert LBFGS().minimize(objective, w, state, max_iter=50, tol=1e-6) == "converged"
    np.testing.assert_array_equal(w, reference.x)
    assert state.t == reference.nit and state.info["lbfgs"]["fun"] == reference.fun


def test_closure_and_step_optimizers_refuse_the_other_call():
    w = np.zeros(2)
    with pytest.raises(TypeError, match="whole objective.*minimize"):
        LBFGS().step(w, w, LBFGS().init_state(w))
    with pytest.raises(TypeError, match="step"):
        Adam().minimize(
            quadratic(np.eye(2), w), w, Adam().init_state(w), max_iter=1, tol=0
        )
    assert [
        n for n in available_optimizers() if get_optimizer_class(n).needs_closure
    ] == ["lbfgs"]


# -------------------------------------------------------------- validation
OUT_OF_RANGE = [
    ("sgd", "nesterov", 1),
    ("adamw", "weight_decay", -0.1),
    ("adamw", "epsilon", 0.0),
    ("adamw", "beta_1", 1.0),
    ("amsgrad", "beta_2", -0.1),
    ("nadam", "momentum_decay", -1e-3),
    ("nadam", "beta_2", 1.0),
    ("radam", "epsilon", -1e-8),
    ("adamax", "beta_1", 1.5),
    ("adadelta", "rho", 1.0),
    ("adadelta", "epsilon", 0.0),
    ("lion", "beta_1", 1.0),
    ("lion", "beta_2", -0.5),
    ("lion", "weight_decay", -1e-3),
    ("lion", "learning_rate", 0.0),
    ("muon", "momentum", 1.0),
    ("muon", "nesterov", "yes"),
    ("muon", "weight_decay", -0.1),
    ("muon", "ns_steps", 0),
    ("muon", "ns_steps", 100),
    ("muon", "ns_steps", 2.5),
    ("muon", "ns_coefficients", (1.0, 2.0)),
    ("muon", "ns_epsilon", 0.0),
    ("muon", "adjust_lr_fn", "bogus"),
    ("muon", "adamw_lr_ratio", 0.0),
    ("muon", "epsilon", 0.0),
    ("muon", "adamw_weight_decay", -1.0),
    ("schedule_free_adamw", "beta_1", 0.0),
    ("schedule_free_adamw", "beta_2", 1.0),
    ("schedule_free_adamw", "weight_decay", -0.1),
    ("schedule_free_adamw", "warmup_steps", -1),
    ("schedule_free_adamw", "r", -1.0),
    ("schedule_free_adamw", "weight_lr_power", -2.0),
    ("lookahead", "k", 0),
    ("lookahead", "alpha", 0.0),
    ("lookahead", "alpha", 1.5),
    ("lbfgs", "max_fun", 0),
    ("lbfgs", "max_fun", 1.5),
]


@pytest.mark.parametrize(("name", "hyperparameter", "value"), OUT_OF_RANGE)
def test_out_of_range_hyperparameter_raises_value_error_naming_it(
    name, hyperparameter, value
):
    # a value of the wrong type (2.5 steps, "yes") is a TypeError, as in scikit-learn
    wrong_type = (
        (isinstance(value, str) and hyperparameter != "adjust_lr_fn")
        or (isinstance(value, float) and hyperparameter in ("ns_steps", "max_fun", "k"))
        or (hyperparameter == "nesterov" and not isinstance(value, bool))
    )
    with pytest.raises(TypeError if wrong_type else ValueError, match=hyperparameter):
        get_optimizer(name, **{hyperparameter: value})


@pytest.mark.parametrize("name", available_optimizers())
def test_every_optimizer_round_trips_through_get_params_and_pickle(name):
    opt = get_optimizer(name)
    assert type(opt)(**opt.get_params(deep=False)) == opt
    assert pickle.loads(pickle.dumps(opt)) == opt
    assert clone(opt) == opt


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("loader", [load_iris, load_breast_cancer])
def test_lbfgs_on_the_network_objective_equals_mlpclassifier_lbfgs(loader):
    # From MLPClassifier's weights after one iteration, both run 200 more. The
    # loss reported to SciPy is scikit-learn's (probabilities clipped to
    # [eps, 1 - eps]; the gradient is not clipped), so both line searches see
    # the same values.
    X, y = loader(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    theirs = MLPClassifier(
        (100,),
        solver="lbfgs",
        alpha=1e-4,
        max_iter=1,
        random_state=0,
        warm_start=True,
    ).fit(X, y)
    start = theirs.coefs_ + theirs.intercepts_
    start = [a.copy() for a in start]
    theirs.set_params(max_iter=200).fit(X, y)

    n_classes = np.unique(y).size
    binary = n_classes == 2
    net = MLP(
        [X.shape[1], 100, 1 if binary else n_classes],
        head="logistic" if binary else "softmax",
    )
    for i in range(2):
        net.named_params()[f"{i}.W"][...] = start[i]
        net.named_params()[f"{i}.b"][...] = start[2 + i]
    eps = np.finfo(np.float64).eps

    def objective(flat):
        net.params[...] = flat
        net.loss_and_grad(X, y, None, 1e-4)  # fills net.grads
        z = net.forward(X)
        if binary:
            p = np.clip(expit(z[:, 0]), eps, 1 - eps)
            loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        else:
            p = np.clip(softmax(z, axis=1), eps, 1 - eps)
            loss = -np.mean(np.log(p[np.arange(y.size), y]))
        penalty = sum(float(np.vdot(W, W)) for W in net.coefs)
        return loss + 0.5 * 1e-4 * penalty / y.size, net.grads.copy()

    w = net.params.copy()
    state = LBFGS().init_state(w, net.layout)
    assert LBFGS().minimize(objective, w, state, max_iter=200, tol=1e-4) == (
        "converged"
    )
    assert state.t == theirs.n_iter_
    assert state.info["lbfgs"]["fun"] == pytest.approx(theirs.loss_, rel=1e-6)
