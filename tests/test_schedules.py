"""Learning-rate schedules: formulas, value-object behaviour, references, use in fits.

References: formulas written out here, scikit-learn's own invscaling and adaptive
code, and torch.optim.lr_scheduler where torch is importable.
"""

import copy
import math
import pickle
import types
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

from skspiral import MLPScratchClassifier, make_spiral, schedules
from skspiral.optimizers import available_optimizers, get_optimizer
from skspiral.schedules import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    InvScaling,
    OneCycle,
    ReduceOnPlateau,
    Schedule,
    StepDecay,
    available_schedules,
    get_schedule,
)

STEPS = (0, 1, 2, 7, 99, 100, 101, 1234, 10**6)

# (schedule, the formula it must follow, written independently here)
FORMULAS = [
    (Constant(0.3), lambda t: 0.3),
    (InverseTimeDecay(0.3, decay=0.25), lambda t: 0.3 / (1 + 0.25 * t)),
    (InvScaling(0.3, power_t=0.7), lambda t: 0.3 / (t + 1) ** 0.7),
    (StepDecay(0.3, step_size=100, gamma=0.5), lambda t: 0.3 * 0.5 ** (t // 100)),
    (ExponentialDecay(0.3, 100, 0.5), lambda t: 0.3 * 0.5 ** (t / 100)),
    (ExponentialDecay(0.3, 100, 0.5, True), lambda t: 0.3 * 0.5 ** (t // 100)),
    (
        CosineDecay(0.3, decay_steps=1000, floor=0.01),
        lambda t: 0.01 + 0.29 * 0.5 * (1 + math.cos(math.pi * min(t, 1000) / 1000)),
    ),
]


@pytest.mark.parametrize(("schedule", "formula"), FORMULAS, ids=repr)
def test_schedule_values_equal_their_formula(schedule, formula):
    for t in STEPS:
        assert schedule(t) == pytest.approx(formula(t), rel=1e-13, abs=0), t


def test_cosine_warmup_is_linear_and_reaches_the_peak_at_warmup_steps():
    s = CosineDecay(0.02, decay_steps=400, warmup_steps=100, warmup_start=0.004)
    assert s(0) == 0.004
    assert s(50) == pytest.approx(0.012, rel=1e-15)
    assert s(99) == pytest.approx(0.004 + 0.016 * 99 / 100, rel=1e-15)
    assert s(99) < s(100) == 0.02
    assert s(101) < 0.02


def test_cosine_floor_is_reached_after_warmup_plus_decay_steps_and_held():
    s = CosineDecay(0.02, decay_steps=400, warmup_steps=100, floor=0.001)
    assert s(499) > 0.001
    assert s(300) == pytest.approx(0.001 + 0.019 / 2, rel=1e-15)
    assert s(500) == s(501) == s(10**7) == 0.001


def test_cosine_without_warmup_starts_at_the_peak():
    assert CosineDecay(0.02, decay_steps=10)(0) == 0.02


def test_one_cycle_rises_to_the_peak_then_falls_to_its_final_rate():
    s = OneCycle(0.1, total_steps=100, pct_start=0.3, div_factor=25.0)
    low, end = 0.1 / 25, 0.1 / 25 / 1e4
    assert s(0) == pytest.approx(low, rel=1e-15)
    assert s(29) == 0.1  # the rise ends at pct_start * total_steps - 1
    assert s(14.5) == pytest.approx((low + 0.1) / 2, rel=1e-15)
    rates = [s(t) for t in range(100)]
    assert np.all(np.diff(rates[:30]) > 0) and np.all(np.diff(rates[29:]) < 0)
    assert s(99) == pytest.approx(end, rel=1e-12) and s(99) == s(500)


def test_invscaling_matches_scikit_learn_when_steps_are_its_sample_count():
    for t in STEPS:
        reference = SGDOptimizer([np.zeros(1)], 0.3, lr_schedule="invscaling")
        reference.power_t = 0.7
        reference.iteration_ends(t)
        assert InvScaling(0.3, power_t=0.7)(t) == reference.learning_rate


def _sklearn_adaptive(losses, learning_rate, n_iter_no_change, tol):
    """Rates (and whether it stopped) from scikit-learn's own adaptive code."""
    fake = types.SimpleNamespace(loss_curve_=[], best_loss_=np.inf, tol=tol)
    fake._no_improvement_count = 0
    opt = SGDOptimizer([np.zeros(1)], learning_rate, lr_schedule="adaptive")
    rates = []
    for loss in losses:
        fake.loss_curve_.append(loss)
        MLPClassifier._update_no_improvement_count(fake, False, None, None, None)
        if fake._no_improvement_count > n_iter_no_change:
            if opt.trigger_stopping("", verbose=False):
                return rates, True
            fake._no_improvement_count = 0
        rates.append(opt.learning_rate)
    return rates, False


def _plateau_losses(n=120, seed=0):
    rng = np.random.RandomState(seed)
    return list(np.r_[np.linspace(1, 0.5, 10), 0.5 + 1e-5 * rng.rand(n - 10)])


@pytest.mark.parametrize(("n_iter_no_change", "tol"), [(2, 1e-4), (5, 0.0)])
def test_reduce_on_plateau_replays_scikit_learns_adaptive(n_iter_no_change, tol):
    losses = _plateau_losses()
    expected, expected_stop = _sklearn_adaptive(losses, 0.01, n_iter_no_change, tol)
    s = ReduceOnPlateau(0.01, n_iter_no_change=n_iter_no_change, tol=tol)
    rates, stopped = [], False
    for loss in losses:
        if s.observe(loss):
            stopped = True
            break
        rates.append(s(len(rates)))
    assert stopped and expected_stop
    assert rates == expected  # bit for bit, stop epoch included
    assert rates[-1] <= 1e-6 < rates[0]


def test_reduce_on_plateau_state_is_not_a_setting():
    s = ReduceOnPlateau(0.01, n_iter_no_change=1, tol=0.1)
    for loss in (1.0, 1.0, 1.0):
        s.observe(loss)
    assert s(0) == 0.01 / 5
    assert s == ReduceOnPlateau(0.01, n_iter_no_change=1, tol=0.1)
    assert "current_rate_" not in s.get_params()
    assert clone(s)(0) == 0.01  # clone = same settings, nothing learned
    assert pickle.loads(pickle.dumps(s))(0) == 0.01 / 5  # pickling keeps it
    s.reset()
    assert (s(0), s.best_loss_, s.no_improvement_count_) == (0.01, np.inf, 0)


# ------------------------------------------------------------- value objects
ALL = [f[0] for f in FORMULAS] + [
    CosineDecay(0.01, 2000, warmup_steps=100, warmup_start=0.001, floor=1e-4),
    OneCycle(0.1, total_steps=50),
    ReduceOnPlateau(0.01, n_iter_no_change=3),
]


@pytest.mark.parametrize("schedule", ALL, ids=repr)
def test_schedule_is_a_value_object(schedule):
    params = schedule.get_params()
    assert eval(repr(schedule), vars(schedules)) == schedule
    assert type(schedule)(**params) == schedule
    for twin in (clone(schedule), pickle.loads(pickle.dumps(schedule))):
        assert twin == schedule and twin is not schedule
        assert [twin(t) for t in STEPS] == [schedule(t) for t in STEPS]
    assert schedule != Constant(12.5) and schedule != 0.01
    with pytest.raises(TypeError):
        hash(schedule)


def test_set_params_validates_all_or_nothing():
    s = CosineDecay(0.01, decay_steps=2000, warmup_steps=100)
    assert s.set_params(warmup_steps=5) is s and s.warmup_steps == 5
    with pytest.raises(ValueError, match="floor"):
        s.set_params(warmup_steps=7, floor=1.0)
    assert s.warmup_steps == 5 and s.floor == 0.0
    with pytest.raises(ValueError, match=r"\['warmup'\]"):
        s.set_params(warmup=7)


BAD = [
    (Constant, {"learning_rate": 0.0}, ValueError, "learning_rate"),
    (Constant, {"learning_rate": "0.1"}, TypeError, "learning_rate"),
    (Constant, {"learning_rate": np.nan}, ValueError, "learning_rate"),
    (InverseTimeDecay, {"decay": -1.0}, ValueError, "decay"),
    (InvScaling, {"power_t": -0.5}, ValueError, "power_t"),
    (StepDecay, {"step_size": 0}, ValueError, "step_size"),
    (StepDecay, {"step_size": 2.0}, TypeError, "step_size"),
    (StepDecay, {"gamma": 1.5}, ValueError, "gamma"),
    (ExponentialDecay, {"decay_rate": 0.0}, ValueError, "decay_rate"),
    (ExponentialDecay, {"staircase": "yes"}, TypeError, "staircase"),
    (CosineDecay, {"decay_steps": 0}, ValueError, "decay_steps"),
    (CosineDecay, {"warmup_steps": -1}, ValueError, "warmup_steps"),
    (CosineDecay, {"warmup_start": 0.5}, ValueError, "warmup_start"),
    (CosineDecay, {"floor": -0.1}, ValueError, "floor"),
    (OneCycle, {"total_steps": 1}, ValueError, "total_steps"),
    (OneCycle, {"pct_start": 1.0}, ValueError, "pct_start"),
    (OneCycle, {"div_factor": 0}, ValueError, "div_factor"),
    (ReduceOnPlateau, {"divide_by": 0.1}, ValueError, "divide_by"),
    (ReduceOnPlateau, {"n_iter_no_change": 0}, ValueError, "n_iter_no_change"),
    (ReduceOnPlateau, {"tol": -1.0}, ValueError, "tol"),
]


@pytest.mark.parametrize(("cls", "kwargs", "error", "name"), BAD, ids=str)
def test_bad_settings_raise_naming_the_setting(cls, kwargs, error, name):
    with pytest.raises(error, match=name):
        cls(**kwargs)


# ------------------------------------------------------------------- PyTorch
@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="torch is optional: no reference")


def _torch_rates(torch, make, learning_rate, n):
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=learning_rate)
    scheduler, rates = make(opt, torch.optim.lr_scheduler), []
    for _ in range(n):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return rates


TORCH_CASES = [
    (StepDecay(0.3, step_size=7, gamma=0.5), lambda o, L: L.StepLR(o, 7, 0.5)),
    (ExponentialDecay(0.3, 1, 0.9), lambda o, L: L.ExponentialLR(o, 0.9)),
    (
        CosineDecay(0.3, decay_steps=40, floor=0.01),
        lambda o, L: L.CosineAnnealingLR(o, T_max=40, eta_min=0.01),
    ),
    (
        CosineDecay(0.3, decay_steps=30, warmup_steps=10, warmup_start=0.06),
        lambda o, L: L.SequentialLR(
            o,
            [L.LinearLR(o, 0.2, 1.0, total_iters=10), L.CosineAnnealingLR(o, 30)],
            milestones=[10],
        ),
    ),
    (
        OneCycle(0.3, total_steps=41, pct_start=0.25),
        lambda o, L: L.OneCycleLR(o, 0.3, total_steps=41, pct_start=0.25),
    ),
]


@pytest.mark.parametrize(
    ("schedule", "make"), TORCH_CASES, ids=[repr(c[0]) for c in TORCH_CASES]
)
def test_schedule_matches_torch_lr_scheduler(torch, schedule, make):
    expected = _torch_rates(torch, make, 0.3, 41)
    np.testing.assert_allclose([schedule(t) for t in range(41)], expected, rtol=1e-12)


def test_reduce_on_plateau_matches_torch_until_it_stops(torch):
    losses = _plateau_losses(seed=1)
    s = ReduceOnPlateau(0.01, n_iter_no_change=3, tol=1e-4)
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=0.01)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, factor=0.2, patience=3, threshold=1e-4, threshold_mode="abs"
    )
    n_compared = 0
    for loss in losses:
        if s.observe(loss):
            break
        ref.step(loss)
        assert s(0) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-12)
        n_compared += 1
    assert s(0) < 1e-5 and n_compared > 20  # several cuts were compared


# ----------------------------------------------------------------- optimizers
STEPPED_WITH_A_RATE = [
    name
    for name in available_optimizers()
    if {"learning_rate", "decay"} <= set(get_optimizer(name).hyperparameters())
    and not get_optimizer(name).needs_closure
]


@pytest.mark.parametrize("name", STEPPED_WITH_A_RATE)
def test_inverse_time_decay_steps_bit_identically_to_the_decay_shorthand(name):
    shorthand = get_optimizer(name, learning_rate=0.3, decay=0.25)
    scheduled = get_optimizer(name, learning_rate=InverseTimeDecay(0.3, 0.25))
    paths = []
    for opt in (shorthand, scheduled):
        w, rng = np.ones(5), np.random.RandomState(0)
        state = opt.init_state(w)
        rates = [opt.step(w, rng.randn(5), state) for _ in range(20)]
        paths.append((rates, w.tobytes()))
    assert paths[0] == paths[1]


def test_optimizer_asks_its_schedule_for_the_rate():
    opt = get_optimizer("sgd", learning_rate=StepDecay(1.0, step_size=2, gamma=0.5))
    assert [opt.learning_rate_at(t) for t in range(5)] == [1, 1, 0.5, 0.5, 0.25]
    w = np.zeros(1)
    state = opt.init_state(w)
    assert [opt.step(w, np.ones(1), state) for _ in range(3)] == [1, 1, 0.5]


def test_schedule_and_non_zero_decay_raise_naming_both():
    with pytest.raises(ValueError, match="learning_rate.*decay"):
        get_optimizer("adam", learning_rate=Constant(0.1), decay=1e-3)
    with pytest.raises(TypeError, match="learning_rate.*Schedule"):
        get_optimizer("adam", learning_rate=lambda t: 0.1)


def test_optimizer_with_a_schedule_is_still_a_value():
    schedule = CosineDecay(0.01, 2000, warmup_steps=100)
    opt = get_optimizer("adam", learning_rate=schedule, beta_1=0.8)
    assert opt.get_params()["learning_rate"] == schedule
    assert repr(opt).startswith("Adam(learning_rate=CosineDecay(learning_rate=0.01")
    for twin in (clone(opt), pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        assert twin == opt and twin.learning_rate is not opt.learning_rate
    opt.set_params(learning_rate=Constant(0.5))
    assert opt.learning_rate_at(10**6) == 0.5
    with pytest.raises(ValueError, match="decay"):
        opt.set_params(decay=0.1)
    assert opt.decay == 0.0


def test_optimizer_drives_its_own_copy_of_a_stateful_schedule():
    given = ReduceOnPlateau(0.01, n_iter_no_change=1, tol=0.1)
    opt = get_optimizer("sgd", learning_rate=given)
    for loss in (1.0, 1.0, 1.0):
        opt.learning_rate.observe(loss)
    assert opt.learning_rate_at(0) == 0.002 and given(0) == 0.01


# ----------------------------------------------------------------- estimator
def _classifier(schedule, **kw):
    settings = dict(
        hidden_layer_sizes=(8,),
        optimizer="adam",
        learning_rate=schedule,
        decay=0.0,
        batch_size=32,
        max_iter=6,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=100,
        early_stopping=False,
        random_state=0,
    )
    return MLPScratchClassifier(**{**settings, **kw})


@pytest.fixture(scope="module")
def spiral():
    return make_spiral(90, 3, random_state=0)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def test_estimator_records_the_schedule_at_each_epochs_first_step(spiral):
    schedule = CosineDecay(0.01, decay_steps=6, warmup_steps=4)
    clf = _classifier(schedule).fit(*spiral)
    # 90 rows in batches of 32: 3 steps per epoch
    assert clf.history_["learning_rate"] == [schedule(3 * k) for k in range(6)]
    assert clf.t_ == 18 and clf.learning_rate is schedule
    clf.partial_fit(*spiral)  # a continued fit continues the schedule
    assert clf.history_["learning_rate"][-1] == schedule(18)


def test_estimator_with_a_schedule_fits_clones_pickles_reproducibly(spiral):
    schedule = CosineDecay(0.01, decay_steps=2000, warmup_steps=100)
    clf = _classifier(schedule).fit(*spiral)
    twin = clone(clf)
    assert twin.learning_rate == schedule and twin.learning_rate is not schedule
    assert "CosineDecay(" in repr(clf)
    for w_a, w_b in zip(twin.fit(*spiral).coefs_, clf.coefs_):
        assert w_a.tobytes() == w_b.tobytes()
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        restored.predict_proba(spiral[0]), clf.predict_proba(spiral[0])
    )
    with pytest.raises(ValueError, match="decay"):
        _classifier(schedule, decay=1e-3).fit(*spiral)


def test_nested_set_params_reaches_the_schedule(spiral):
    clf = _classifier(CosineDecay(0.01, decay_steps=20, warmup_steps=100))
    clf.set_params(learning_rate__warmup_steps=5, learning_rate__floor=0.001)
    assert clf.get_params()["learning_rate__warmup_steps"] == 5
    assert clf.fit(*spiral).history_["learning_rate"][2] == pytest.approx(
        0.001 + 0.009 / 2 * (1 + math.cos(math.pi * (6 - 5) / 20)), rel=1e-15
    )


def test_grid_search_over_schedule_instances_and_their_settings(spiral):
    grid = {"learning_rate": [Constant(0.01), StepDecay(0.05, 3, 0.5)]}
    search = GridSearchCV(_classifier(None), grid, cv=2).fit(*spiral)
    assert search.cv_results_["param_learning_rate"].tolist() == grid["learning_rate"]

    template = _classifier(CosineDecay(0.05, decay_steps=18, warmup_steps=0))
    grid = {"learning_rate__warmup_steps": [0, 9]}
    search = GridSearchCV(template, grid, cv=2).fit(*spiral)
    best = search.best_params_["learning_rate__warmup_steps"]
    assert search.best_estimator_.learning_rate.warmup_steps == best
    assert len(set(search.cv_results_["mean_test_score"])) == 2  # both were used
    assert template.learning_rate.warmup_steps == 0  # the template is untouched


def test_base_schedule_cannot_be_called():
    with pytest.raises(NotImplementedError):
        Schedule()(0)


def test_get_schedule_by_name_class_or_instance():
    assert available_schedules() == sorted(available_schedules())
    assert len(available_schedules()) == 8
    by_name = get_schedule("cosine", learning_rate=0.01, decay_steps=500)
    assert by_name == CosineDecay(0.01, decay_steps=500)
    assert get_schedule(CosineDecay, learning_rate=0.01, decay_steps=500) == by_name
    copied = get_schedule(by_name, warmup_steps=5)
    assert copied.warmup_steps == 5 and by_name.warmup_steps == 0
    with pytest.raises(ValueError, match="unknown schedule 'cosin'.*'cosine'"):
        get_schedule("cosin")
    with pytest.raises(TypeError, match=r"\['warmup'\]"):
        get_schedule(by_name, warmup=5)
    with pytest.raises(ValueError, match="warmup_steps"):
        get_schedule("cosine", warmup_steps=-1)


def test_estimator_decay_shorthand_and_inverse_time_decay_train_identically(spiral):
    shorthand = _classifier(0.05, decay=1e-3).fit(*spiral)
    scheduled = _classifier(InverseTimeDecay(0.05, 1e-3), decay=0.0).fit(*spiral)
    assert shorthand.history_ == scheduled.history_
    for w_a, w_b in zip(shorthand.coefs_, scheduled.coefs_):
        assert w_a.tobytes() == w_b.tobytes()
