"""The optimizer registry, hyperparameter checks, and optimizer state."""

import copy
import pickle

import numpy as np
import pytest

from skspiral.datasets import make_spiral
from skspiral.network import MLP
from skspiral.optimizers import (
    LBFGS,
    SGD,
    Adadelta,
    AdaGrad,
    Adam,
    Adamax,
    AdamW,
    AMSGrad,
    Lion,
    Lookahead,
    Muon,
    NAdam,
    Optimizer,
    RAdam,
    RMSprop,
    ScheduleFreeAdamW,
    available_optimizers,
    check_unit_interval,
    get_optimizer,
    get_optimizer_class,
    is_builtin,
    register_optimizer,
)
from skspiral.optimizers import registry as registry_module
from skspiral.training import Trainer

BUILTIN = {
    "sgd": SGD,
    "adagrad": AdaGrad,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
    "amsgrad": AMSGrad,
    "nadam": NAdam,
    "radam": RAdam,
    "adamax": Adamax,
    "adadelta": Adadelta,
    "lion": Lion,
    "muon": Muon,
    "schedule_free_adamw": ScheduleFreeAdamW,
    "lookahead": Lookahead,
    "lbfgs": LBFGS,
}


@pytest.fixture
def clean_registry():
    """Undo any registration a test makes, so other tests see the built-ins only."""
    saved = dict(registry_module._REGISTRY)
    yield
    registry_module._REGISTRY.clear()
    registry_module._REGISTRY.update(saved)


class Nesterov(Optimizer):
    """SGD with Nesterov momentum, written outside the package.

    v <- mu * v - lr_t * g;   w <- w + mu * v - lr_t * g
    """

    slot_names = ("velocity",)

    def __init__(self, learning_rate=0.5, decay=0.0, momentum=0.9):
        super().__init__(learning_rate, decay)
        self.momentum = check_unit_interval("momentum", momentum)

    def _update(self, params, grads, state, lr):
        v = state.slots["velocity"]
        v *= self.momentum
        v -= lr * grads
        params += self.momentum * v - lr * grads


def spiral_problem(seed=0, hidden=16):
    rng = np.random.RandomState(seed)
    X, y = make_spiral(150, 3, random_state=rng)
    net = MLP([2, hidden, 3])
    net.initialize("he_normal", rng)
    return X, y, net


# ----------------------------------------------------------------- registry
def test_builtin_optimizers_are_registered_under_their_names():
    assert available_optimizers() == sorted(BUILTIN)
    for name, cls in BUILTIN.items():
        assert get_optimizer_class(name) is cls
        assert is_builtin(name)


@pytest.mark.parametrize(
    ("name", "defaults"),
    [
        (
            "sgd",
            {"learning_rate": 1.0, "decay": 0.0, "momentum": 0.0, "nesterov": False},
        ),
        ("adagrad", {"learning_rate": 1.0, "decay": 0.0, "epsilon": 1e-7}),
        (
            "rmsprop",
            {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7, "rho": 0.9},
        ),
        (
            "adam",
            {
                "learning_rate": 0.001,
                "decay": 0.0,
                "epsilon": 1e-7,
                "beta_1": 0.9,
                "beta_2": 0.999,
            },
        ),
    ],
)
def test_each_optimizer_lists_its_hyperparameters_with_the_book_defaults(
    name, defaults
):
    cls = get_optimizer_class(name)
    assert cls.hyperparameters() == defaults
    assert get_optimizer(name).get_params() == defaults


def test_registering_a_taken_name_raises_unless_replace(clean_registry):
    class Other(SGD):
        pass

    with pytest.raises(ValueError, match="'sgd'.*replace=True"):
        register_optimizer("sgd", Other)
    assert get_optimizer_class("sgd") is SGD

    assert register_optimizer("sgd", Other, replace=True) is Other
    assert get_optimizer_class("sgd") is Other
    assert not is_builtin("sgd")


def test_registering_the_same_class_again_is_harmless(clean_registry):
    assert register_optimizer("sgd", SGD) is SGD
    assert available_optimizers() == sorted(BUILTIN)


def test_register_optimizer_works_as_a_class_decorator(clean_registry):
    @register_optimizer("sign_sgd_test")
    class SignSGD(Optimizer):
        def _update(self, params, grads, state, lr):
            params -= lr * np.sign(grads)

    assert "sign_sgd_test" in available_optimizers()
    assert isinstance(get_optimizer("sign_sgd_test"), SignSGD)
    assert not is_builtin("sign_sgd_test")


@pytest.mark.parametrize("not_an_optimizer", [object, int, SGD()])
def test_registering_something_that_is_not_an_optimizer_class_raises(
    clean_registry, not_an_optimizer
):
    with pytest.raises(TypeError):
        register_optimizer("bogus", not_an_optimizer)
    assert "bogus" not in available_optimizers()


def test_unknown_name_raises_value_error_listing_the_registered_names():
    with pytest.raises(ValueError, match="'adabelief'") as info:
        get_optimizer("adabelief")
    for name in available_optimizers():
        assert repr(name) in str(info.value)


@pytest.mark.parametrize(
    ("name", "bad"), [("sgd", "rho"), ("adam", "momentum"), ("adagrad", "lr")]
)
def test_unknown_hyperparameter_raises_type_error_naming_it(name, bad):
    with pytest.raises(TypeError, match=repr(bad)):
        get_optimizer(name, **{bad: 0.5})


OUT_OF_RANGE = [
    ("sgd", "learning_rate", 0.0),
    ("sgd", "learning_rate", -0.1),
    ("adam", "learning_rate", -1e-3),
    ("sgd", "decay", -1e-3),
    ("rmsprop", "decay", -1.0),
    ("sgd", "momentum", 1.0),
    ("sgd", "momentum", -0.1),
    ("rmsprop", "rho", 1.0),
    ("rmsprop", "rho", -0.5),
    ("adam", "beta_1", 1.0),
    ("adam", "beta_1", -0.1),
    ("adam", "beta_2", 1.5),
    ("adam", "beta_2", -1e-9),
    ("adagrad", "epsilon", 0.0),
    ("rmsprop", "epsilon", -1e-7),
    ("adam", "epsilon", 0.0),
    ("sgd", "learning_rate", float("nan")),
    ("adam", "decay", float("inf")),
]


@pytest.mark.parametrize(("name", "hyperparameter", "value"), OUT_OF_RANGE)
def test_out_of_range_hyperparameter_raises_value_error_naming_it(
    name, hyperparameter, value
):
    with pytest.raises(ValueError, match=hyperparameter):
        get_optimizer(name, **{hyperparameter: value})
    with pytest.raises(ValueError, match=hyperparameter):
        BUILTIN[name](**{hyperparameter: value})


@pytest.mark.parametrize(
    ("name", "hyperparams"),
    [
        ("sgd", {"momentum": 0.0, "decay": 0.0}),
        ("sgd", {"momentum": 0.999}),
        ("rmsprop", {"rho": 0.0}),
        ("adam", {"beta_1": 0.0, "beta_2": 0.0}),
    ],
)
def test_boundary_values_inside_the_ranges_are_accepted(name, hyperparams):
    assert get_optimizer(name, **hyperparams).get_params().items() >= (
        hyperparams.items()
    )


def test_get_optimizer_accepts_a_class():
    opt = get_optimizer(RMSprop, rho=0.5)
    assert type(opt) is RMSprop
    assert opt.rho == 0.5


def test_get_optimizer_with_an_instance_returns_an_unshared_copy():
    original = SGD(learning_rate=0.3, decay=1e-2, momentum=0.5)
    before = copy.deepcopy(original.__dict__)
    built = get_optimizer(original)
    assert built == original and built is not original

    X, y, net = spiral_problem()
    state = built.init_state(net.params, net.layout)
    Trainer(net, built, state).fit(X, y, epochs=5)
    assert original.__dict__ == before

    overridden = get_optimizer(original, learning_rate=0.1)
    assert overridden.get_params() == {
        "learning_rate": 0.1,
        "decay": 1e-2,
        "momentum": 0.5,
        "nesterov": False,
    }
    assert original.learning_rate == 0.3


@pytest.mark.parametrize("spec", [3, None, "SGD ", np.float64(1.0)])
def test_get_optimizer_rejects_specs_that_are_not_names_classes_or_instances(spec):
    with pytest.raises((TypeError, ValueError)):
        get_optimizer(spec)


# ------------------------------------------------------ a user's optimizer
def test_user_nesterov_registers_and_trains_through_the_same_loop(clean_registry):
    register_optimizer("nesterov_test", Nesterov)
    assert "nesterov_test" in available_optimizers()
    opt = get_optimizer("nesterov_test", learning_rate=0.5, momentum=0.9)
    assert opt.get_params() == {"learning_rate": 0.5, "decay": 0.0, "momentum": 0.9}

    X, y, net = spiral_problem()
    state = opt.init_state(net.params, net.layout)
    history, reason = Trainer(net, opt, state).fit(X, y, epochs=200)
    assert reason == "max_iter"
    assert history.loss[-1] < 0.9 * history.loss[0]
    assert state.t == 200
    assert state["0.W"]["velocity"].shape == (2, 16)


def test_user_nesterov_takes_the_nesterov_step():
    opt = Nesterov(learning_rate=0.1, momentum=0.5)
    w = np.array([1.0, -2.0])
    state = opt.init_state(w)
    state.slots["velocity"][:] = [0.2, 0.4]
    opt.step(w, np.array([1.0, 1.0]), state)
    # v = 0.5 * v - 0.1 * g = [0.0, 0.1]; w += 0.5 * v - 0.1 * g
    np.testing.assert_allclose(state.slots["velocity"], [0.0, 0.1], atol=1e-15)
    np.testing.assert_allclose(w, [0.9, -2.05], atol=1e-15)


# ------------------------------------------------------------------- state
@pytest.mark.parametrize("name", available_optimizers())
def test_fresh_state_starts_at_step_zero_with_zeroed_slots(name):
    opt = get_optimizer(name)
    net = MLP([2, 4, 3])
    net.params[:] = 1.0
    state = opt.init_state(net.params, net.layout)
    assert state.t == 0
    assert set(state.slots) == set(opt.slot_names)
    for slot in state.slots.values():
        assert slot.shape == net.params.shape
        assert not np.shares_memory(slot, net.params)
        np.testing.assert_array_equal(slot, 0.0)


@pytest.mark.parametrize(
    ("name", "hyperparams", "slots"),
    [
        ("sgd", {"momentum": 0.9}, {"momentum"}),
        ("adagrad", {}, {"cache"}),
        ("rmsprop", {}, {"cache"}),
        ("adam", {}, {"momentum", "cache"}),
    ],
)
def test_state_slots_are_named_as_in_the_book(name, hyperparams, slots):
    opt = get_optimizer(name, **hyperparams)
    assert set(opt.init_state(np.zeros(3)).slots) == slots


def test_state_views_line_up_with_the_parameter_names():
    net = MLP([2, 3, 4, 2])
    grads = net.named_grads()
    for i, name in enumerate(net.layout.names):
        grads[name][...] = i + 1  # a distinct gradient per named array
    opt = SGD(learning_rate=0.5, momentum=0.9)
    state = opt.init_state(net.params, net.layout)
    opt.step(net.params, net.grads, state)

    for i, name in enumerate(net.layout.names):
        velocity = state[name]["momentum"]
        assert velocity.shape == net.named_params()[name].shape
        np.testing.assert_array_equal(velocity, -0.5 * (i + 1))
        np.testing.assert_array_equal(net.named_params()[name], -0.5 * (i + 1))
    state["1.b"]["momentum"][...] = 42.0  # the views write into the flat slot
    assert np.count_nonzero(state.slots["momentum"] == 42.0) == 4


@pytest.mark.parametrize("name", ["sgd", "adagrad", "rmsprop", "adam"])
def test_state_pickles_and_continues_exactly_like_the_original(name):
    opt = get_optimizer(name, **({"momentum": 0.9} if name == "sgd" else {}))
    X, y, net = spiral_problem(hidden=8)
    state = opt.init_state(net.params, net.layout)
    Trainer(net, opt, state).fit(X, y, epochs=3)

    restored = pickle.loads(pickle.dumps(state))
    assert restored.t == state.t == 3
    assert restored.layout == state.layout
    assert set(restored.slots) == set(state.slots)
    for slot in state.slots:
        np.testing.assert_array_equal(restored.slots[slot], state.slots[slot])
        assert np.any(state.slots[slot] != 0)
        np.testing.assert_array_equal(
            restored["0.W"][slot], state.slots[slot][: 2 * 8].reshape(2, 8)
        )

    twin = pickle.loads(pickle.dumps(net))
    Trainer(net, opt, state).fit(X, y, epochs=2)
    Trainer(twin, opt, restored).fit(X, y, epochs=2)
    np.testing.assert_array_equal(twin.params, net.params)
