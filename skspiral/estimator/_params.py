"""Validation of MLPScratchClassifier's hyperparameters, and the optimizer they build.

scikit-learn's convention: ``__init__`` only stores, ``fit`` validates. Each check
raises ``ValueError`` (bad value) or ``TypeError`` (bad type) naming the parameter.
"""

from __future__ import annotations

import numbers

from ..network import ACTIVATIONS, WEIGHT_INITS
from ..optimizers import (
    Optimizer,
    check_non_negative,
    check_positive,
    check_unit_interval,
    get_optimizer,
    get_optimizer_class,
)
from ..schedules import Schedule

# The optimizer hyperparameters the estimator exposes as flat keywords. Each goes
# to whichever optimizer takes it and is ignored by the others.
FLAT_HYPERPARAMETERS = (
    "learning_rate",
    "decay",
    "momentum",
    "rho",
    "beta_1",
    "beta_2",
    "epsilon",
)


def _check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}.")
    return int(value)


def _check_choice(name: str, value, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}.")
    return value


def _check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, numbers.Integral)):
        raise TypeError(f"{name} must be a boolean, got {value!r}.")
    return bool(value)


def hidden_sizes(value) -> tuple[int, ...]:
    """``hidden_layer_sizes`` as a tuple of positive ints (an int means one layer)."""
    sizes = (value,) if isinstance(value, numbers.Integral) else value
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise TypeError(
            f"hidden_layer_sizes must be an int or a sequence of ints, got {value!r}."
        ) from None
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral):
            raise TypeError(f"hidden_layer_sizes must hold integers, got {value!r}.")
        if size < 1:
            raise ValueError(f"hidden_layer_sizes must be positive, got {value!r}.")
    return tuple(int(s) for s in sizes)


def validate(est) -> None:
    """Check every hyperparameter of ``est``; raise naming the first bad one."""
    hidden_sizes(est.hidden_layer_sizes)
    _check_choice("activation", est.activation, ACTIVATIONS)
    _check_choice("weight_init", est.weight_init, WEIGHT_INITS)
    get_optimizer_class(est.optimizer)  # unknown name / wrong type
    if est.learning_rate is not None and not isinstance(est.learning_rate, Schedule):
        check_positive("learning_rate", est.learning_rate)
    check_non_negative("decay", est.decay)
    for name in ("momentum", "rho", "beta_1", "beta_2"):
        check_unit_interval(name, getattr(est, name))
    check_positive("epsilon", est.epsilon)
    check_non_negative("alpha", est.alpha)
    if est.batch_size is not None and est.batch_size != "auto":
        _check_int("batch_size", est.batch_size, 1)
    _check_int("max_iter", est.max_iter, 1)
    _check_int("n_iter_no_change", est.n_iter_no_change, 1)
    check_non_negative("tol", est.tol)
    fraction = est.validation_fraction
    if not isinstance(fraction, numbers.Real) or isinstance(fraction, bool):
        raise TypeError(f"validation_fraction must be a number, got {fraction!r}.")
    if not 0 < fraction < 1:
        raise ValueError(f"validation_fraction must be in (0, 1), got {fraction!r}.")
    _check_int("verbose", est.verbose, 0)
    for name in ("shuffle", "early_stopping", "warm_start"):
        _check_bool(name, getattr(est, name))
    if est.optimizer_params is not None and not isinstance(est.optimizer_params, dict):
        raise TypeError(
            f"optimizer_params must be a dict or None, got {est.optimizer_params!r}."
        )


def build_optimizer(est) -> Optimizer:
    """The optimizer ``est``'s parameters describe (a new object, never the template).

    An instance is used with its own settings; a name or class gets the flat
    hyperparameters it accepts, then ``optimizer_params`` on top.
    """
    cls = get_optimizer_class(est.optimizer)
    accepted = cls.hyperparameters()
    extra = dict(est.optimizer_params or {})
    unknown = sorted(set(extra) - set(accepted), key=repr)
    if unknown:  # the same ValueError for a name, a class or an instance
        raise ValueError(
            f"optimizer_params has key(s) {unknown} that {cls.__name__} does not take;"
            f" it takes {sorted(accepted)}."
        )
    if isinstance(est.optimizer, Optimizer):
        return get_optimizer(est.optimizer, **extra)
    hyperparams = {
        name: getattr(est, name)
        for name in FLAT_HYPERPARAMETERS
        if name in accepted and getattr(est, name) is not None
    }
    return get_optimizer(cls, **{**hyperparams, **extra})


def resolve_batch_size(batch_size, n_samples: int) -> int:
    """``"auto"`` -> min(200, n); None -> full batch; an int is clipped to n."""
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size is None:
        return n_samples
    return min(int(batch_size), n_samples)
