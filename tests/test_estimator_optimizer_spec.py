"""How MLPScratchClassifier turns ``optimizer`` and its hyperparameters into
``optimizer_``: names, classes, instances, book defaults and ``optimizer_params``."""

import copy
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.optimizers import SGD, Adam, Optimizer, get_optimizer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, Y = make_spiral(90, 3, random_state=0)

FLAT = dict(
    learning_rate=0.02,
    decay=0.01,
    momentum=0.5,
    rho=0.8,
    beta_1=0.8,
    beta_2=0.99,
    epsilon=1e-6,
)
ACCEPTS = {
    "sgd": {"learning_rate", "decay", "momentum"},
    "adagrad": {"learning_rate", "decay", "epsilon"},
    "rmsprop": {"learning_rate", "decay", "epsilon", "rho"},
    "adam": {"learning_rate", "decay", "epsilon", "beta_1", "beta_2"},
}


class ScaledSGD(Optimizer):
    """Plain SGD whose step is multiplied by ``scale`` (a custom hyperparameter)."""

    def __init__(self, learning_rate=1.0, decay=0.0, scale=1.0):
        super().__init__(learning_rate, decay)
        self.scale = scale

    def _update(self, params, grads, state, lr):
        params -= lr * self.scale * grads


def _fit(**params):
    base = dict(hidden_layer_sizes=(5,), batch_size=None, shuffle=False, max_iter=4)
    return MLPScratchClassifier(**{**base, "random_state": 0, **params}).fit(X, Y)


@pytest.mark.parametrize("name", sorted(ACCEPTS))
def test_flat_hyperparameters_reach_only_the_optimizers_that_take_them(name):
    clf = _fit(optimizer=name, **FLAT)
    expected = {key: FLAT[key] for key in ACCEPTS[name]}
    # The rest (sgd's nesterov) stays at the optimizer's own default.
    own = get_optimizer(name).get_params()
    assert clf.optimizer_.get_params() == {**own, **expected}


@pytest.mark.parametrize(
    "name, book_rate",
    [("sgd", 1.0), ("adagrad", 1.0), ("rmsprop", 0.001), ("adam", 0.001)],
)
def test_learning_rate_none_uses_the_books_default_for_the_optimizer(name, book_rate):
    clf = _fit(optimizer=name, learning_rate=None)
    assert clf.optimizer_.learning_rate == book_rate
    assert clf.history_["learning_rate"][0] == book_rate


def test_optimizer_class_gets_the_flat_hyperparameters():
    clf = _fit(optimizer=Adam, learning_rate=0.01, beta_1=0.8, momentum=0.7)
    assert type(clf.optimizer_) is Adam
    assert (clf.optimizer_.learning_rate, clf.optimizer_.beta_1) == (0.01, 0.8)


def test_optimizer_instance_is_used_with_its_own_settings_and_never_mutated():
    template = SGD(learning_rate=0.05, momentum=0.5)
    snapshot = copy.deepcopy(vars(template))
    flat_ignored = dict(rho=0.3, beta_1=0.2)  # keywords SGD does not take

    first = _fit(optimizer=template, **flat_ignored)
    second = _fit(optimizer=template, **flat_ignored)
    by_name = _fit(optimizer="sgd", learning_rate=0.05, momentum=0.5)

    assert first.optimizer_ is not template
    assert first.optimizer_.get_params() == template.get_params()
    assert vars(template).keys() == snapshot.keys()
    assert all(np.array_equal(vars(template)[k], v) for k, v in snapshot.items())
    for a, b, c in zip(first.coefs_, second.coefs_, by_name.coefs_):
        np.testing.assert_array_equal(a, b)  # no state leaked between fits
        np.testing.assert_array_equal(a, c)


def test_optimizer_params_configure_a_custom_optimizer():
    clf = _fit(optimizer=ScaledSGD, learning_rate=0.2, optimizer_params={"scale": 0.5})
    assert (clf.optimizer_.learning_rate, clf.optimizer_.scale) == (0.2, 0.5)
    reference = _fit(optimizer="sgd", learning_rate=0.1)
    for mine, ref in zip(clf.coefs_, reference.coefs_):
        np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-15)


def test_optimizer_params_repeating_a_set_flat_keyword_is_an_error_naming_both():
    with pytest.raises(ValueError, match=r"beta_1.*both.*optimizer_params"):
        _fit(optimizer="adam", beta_1=0.8, optimizer_params={"beta_1": 0.7})
    clf = _fit(optimizer="adam", optimizer_params={"beta_1": 0.7})  # one place: fine
    assert clf.optimizer_.beta_1 == 0.7


@pytest.mark.parametrize("flat", [{"learning_rate": 0.9}, {"momentum": 0.1}])
def test_instance_plus_a_flat_keyword_it_also_has_is_an_error_naming_both(flat):
    with pytest.raises(ValueError, match=rf"{next(iter(flat))}.*both.*instance"):
        _fit(optimizer=SGD(learning_rate=0.05, momentum=0.5), **flat)


@pytest.mark.parametrize(
    "optimizer, key", [("adam", "nesterov"), (ScaledSGD, "momentum"), ("sgd", "rho")]
)
def test_unknown_optimizer_params_key_is_an_error_naming_it(optimizer, key):
    with pytest.raises(ValueError, match=key):
        _fit(optimizer=optimizer, optimizer_params={key: 0.5})


@pytest.mark.parametrize(
    "optimizer, error, match",
    [
        ("adabelief", ValueError, "unknown optimizer 'adabelief'"),
        (object(), TypeError, "optimizer must be"),
        (np.ndarray, TypeError, "optimizer must be"),
    ],
)
def test_bad_optimizer_spec_is_rejected_at_fit(optimizer, error, match):
    clf = MLPScratchClassifier(optimizer=optimizer)  # __init__ only stores
    with pytest.raises(error, match=match):
        clf.fit(X, Y)


def test_an_optimizer_instance_exposes_its_settings_as_nested_parameters():
    template = SGD(learning_rate=0.1, momentum=0.5)
    clf = MLPScratchClassifier(optimizer=template)

    nested = clf.get_params(deep=True)
    assert nested["optimizer__momentum"] == 0.5
    assert nested["optimizer__learning_rate"] == 0.1

    # GridSearchCV clones first, so the user's template is never the one changed.
    searched = clone(clf).set_params(optimizer__momentum=0.9)
    assert searched.optimizer.momentum == 0.9
    assert template.momentum == 0.5


def test_nested_optimizer_parameters_are_validated_all_or_nothing():
    template = SGD(learning_rate=0.1, momentum=0.5)
    with pytest.raises(ValueError, match="momentum"):
        template.set_params(learning_rate=0.2, momentum=1.5)
    assert (template.learning_rate, template.momentum) == (0.1, 0.5)
    with pytest.raises(ValueError, match="rho"):
        template.set_params(rho=0.9)


def test_grid_search_over_nested_optimizer_parameters_uses_them():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    base = MLPScratchClassifier(
        (8,), optimizer=SGD(learning_rate=0.05), max_iter=5, random_state=0
    )
    grid = {"optimizer__momentum": [0.0, 0.9]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(base, grid, cv=2, refit=True).fit(X, y)
    assert search.best_estimator_.optimizer_.momentum in (0.0, 0.9)
    assert base.optimizer.momentum == 0.0
    scores = search.cv_results_["mean_test_score"]
    assert scores.shape == (2,) and np.isfinite(scores).all()
