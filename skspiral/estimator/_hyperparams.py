"""The estimators' hyperparameters: their checks, and the optimizer they build.

scikit-learn's convention: ``__init__`` only stores, ``fit`` validates. Each check
raises ``ValueError`` (bad value) or ``TypeError`` (bad type) naming the parameter.
The optimizer's own hyperparameters (learning rate, momentum...) are checked by the
optimizer alone: the estimator passes them through, ``None`` meaning "the chosen
optimizer's own default".
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator

import numpy as np

from .._checks import check_bool, check_int
from ..network import ACTIVATIONS, WEIGHT_INITS
from ..optimizers import Optimizer, get_optimizer, get_optimizer_class

# The optimizer hyperparameters the estimators expose as flat keywords. Each goes
# to whichever optimizer takes it and is ignored by the others (as MLPClassifier
# ignores momentum for adam).
FLAT_HYPERPARAMETERS = (
    "learning_rate",
    "decay",
    "momentum",
    "rho",
    "beta_1",
    "beta_2",
    "epsilon",
)


def _check_range(name: str, value, low: float, high: float | None = None) -> float:
    # Not _checks.check_non_negative: scikit-learn's intervals for alpha and tol
    # are open-ended, so +inf passes here (NaN does not), as in MLPClassifier.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    if np.isnan(float(value)) or value < low or (high is not None and value >= high):
        bounds = f">= {low}" if high is None else f"in [{low}, {high})"
        raise ValueError(f"{name} must be {bounds}, got {value!r}.")
    return float(value)


def _check_choice(name: str, value, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}.")
    return value


def hidden_sizes(value) -> tuple[int, ...]:
    """``hidden_layer_sizes`` as a tuple of positive ints (an int means one layer).

    Iterators and generators are refused: the first fit would consume them and a
    refit or a clone would silently lose the layers.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        value = (value,)
    if isinstance(value, Iterator):
        raise TypeError(
            "hidden_layer_sizes must be a sequence such as a tuple or list, not an "
            f"iterator or generator ({type(value).__name__}): it would be used up by "
            "the first fit. Pass tuple(...) of it."
        )
    if isinstance(value, str) or not hasattr(value, "__len__"):
        raise TypeError(
            f"hidden_layer_sizes must be an int or a sequence of ints, got {value!r}."
        )
    for size in value:
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Integral):
            raise TypeError(f"hidden_layer_sizes must hold integers, got {value!r}.")
        if size < 1:
            raise ValueError(f"hidden_layer_sizes must be positive, got {value!r}.")
    return tuple(int(s) for s in value)


def validate(est) -> None:
    """Check the estimator's own hyperparameters; raise naming the first bad one."""
    hidden_sizes(est.hidden_layer_sizes)
    _check_choice("activation", est.activation, ACTIVATIONS)
    _check_choice("weight_init", est.weight_init, WEIGHT_INITS)
    get_optimizer_class(est.optimizer)  # unknown name / wrong type
    _check_range("alpha", est.alpha, 0.0)
    if est.batch_size is not None and not (
        isinstance(est.batch_size, str) and est.batch_size == "auto"
    ):
        check_int("batch_size", est.batch_size, 1)
    check_int("max_iter", est.max_iter, 1)
    if not (isinstance(est.n_iter_no_change, float) and est.n_iter_no_change == np.inf):
        check_int("n_iter_no_change", est.n_iter_no_change, 1)
    _check_range("tol", est.tol, 0.0)
    fraction = _check_range("validation_fraction", est.validation_fraction, 0.0, 1.0)
    if fraction == 0:
        raise ValueError("validation_fraction must be in (0, 1), got 0.")
    if not isinstance(est.verbose, (bool, np.bool_)):
        check_int("verbose", est.verbose, 0)
    for name in ("shuffle", "early_stopping", "warm_start"):
        check_bool(name, getattr(est, name))
    if est.optimizer_params is not None and not isinstance(est.optimizer_params, dict):
        raise TypeError(
            f"optimizer_params must be a dict or None, got {est.optimizer_params!r}."
        )


def build_optimizer(est) -> Optimizer:
    """The optimizer ``est``'s parameters describe (a new object, never the template).

    A name or a class gets the flat keywords it takes that are set (not None),
    then ``optimizer_params``. An instance keeps its own settings, updated by
    ``optimizer_params``. Setting the same hyperparameter in two places raises.
    """
    cls = get_optimizer_class(est.optimizer)
    accepted = cls.hyperparameters()
    extra = dict(est.optimizer_params or {})
    unknown = sorted(set(extra) - set(accepted), key=repr)
    if unknown:
        raise ValueError(
            f"optimizer_params has key(s) {unknown} that {cls.__name__} does not take;"
            f" it takes {sorted(accepted)}."
        )
    flat = {
        name: getattr(est, name)
        for name in FLAT_HYPERPARAMETERS
        if name in accepted and getattr(est, name) is not None
    }
    if isinstance(est.optimizer, Optimizer) and flat:
        raise ValueError(
            f"{sorted(flat)} set both on the estimator and on the optimizer instance "
            f"{est.optimizer!r}: set it in one place (leave the estimator's at None, "
            "or pass the optimizer by name or class)."
        )
    twice = sorted(set(flat) & set(extra))
    if twice:
        raise ValueError(
            f"{twice} set both as the estimator's keyword and in optimizer_params: "
            "set each hyperparameter in one place."
        )
    optimizer = get_optimizer(est.optimizer, **{**flat, **extra})
    _check_implemented(optimizer)
    _route_to_wrapped(est, optimizer, accepted)
    return optimizer


def _route_to_wrapped(est, optimizer: Optimizer, accepted) -> None:
    """Flat keywords a wrapper lacks go to the optimizer it wraps (``inner__``).

    ``MLPScratchClassifier(optimizer="lookahead", learning_rate=0.01)`` sets the
    inner optimizer's rate; a keyword neither takes is ignored as usual.
    """
    if isinstance(est.optimizer, Optimizer):
        return
    nested = optimizer.get_params(deep=True)
    routed = {
        f"inner__{name}": getattr(est, name)
        for name in FLAT_HYPERPARAMETERS
        if name not in accepted
        and getattr(est, name) is not None
        and f"inner__{name}" in nested
    }
    if routed:
        optimizer.set_params(**routed)


def _check_implemented(optimizer: Optimizer) -> None:
    """Fail before training when a user optimizer class is incomplete."""
    name = type(optimizer).__name__
    if optimizer.needs_closure:
        return
    cls = type(optimizer)
    if cls._update is Optimizer._update and cls.step is Optimizer.step:
        raise TypeError(
            f"{name} does not implement _update(self, params, grads, state, lr), the "
            "in-place update every skspiral optimizer defines."
        )
    if not all(hasattr(optimizer, name) for name in ("learning_rate", "decay")):
        raise TypeError(
            f"{name}.__init__ does not call Optimizer.__init__ (super().__init__("
            "learning_rate, decay)), which sets the learning rate and its decay."
        )


def resolve_batch_size(batch_size, n_samples: int) -> int:
    """``"auto"`` -> min(200, n); None -> full batch; an int is clipped to n."""
    if isinstance(batch_size, str):
        return min(200, n_samples)
    if batch_size is None:
        return n_samples
    return min(int(batch_size), n_samples)
