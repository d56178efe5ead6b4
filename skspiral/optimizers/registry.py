"""The optimizer registry: names -> optimizer classes.

The built-in names (``sgd``, ``adagrad``, ``rmsprop``, ``adam``) are registered when
:mod:`skspiral.optimizers` is imported. User code adds its own with
:func:`register_optimizer`, and then every tool that takes an optimizer name (the
estimator, grid searches, the CLI) can use it.
"""

from __future__ import annotations

import copy

from .base import Optimizer

__all__ = [
    "available_optimizers",
    "get_optimizer",
    "get_optimizer_class",
    "is_builtin",
    "register_optimizer",
]

_REGISTRY: dict[str, type[Optimizer]] = {}
# The name each skspiral optimizer got when its module registered it. An alias a
# user adds later (``register_optimizer("my_adam", Adam)``) is not built in: a
# fresh process would not know it, so estimators must carry it to workers.
_BUILTIN: dict[str, type[Optimizer]] = {}
_BUILTIN_MODULE_PREFIX = "skspiral.optimizers."


def register_optimizer(name: str, cls: type[Optimizer] | None = None, *, replace=False):
    """Register an optimizer class under ``name``.

    Usable as a decorator (``@register_optimizer("nesterov")``) or a call
    (``register_optimizer("nesterov", Nesterov)``). Returns the class.

    Raises
    ------
    ValueError
        If ``name`` is taken by another class and ``replace`` is False.
    TypeError
        If ``cls`` is not a subclass of :class:`Optimizer`.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"an optimizer name must be a non-empty string, got {name!r}.")
    if name != name.strip():
        raise ValueError(
            f"an optimizer name must not start or end with whitespace, got {name!r}."
        )

    def decorate(cls):
        if not (isinstance(cls, type) and issubclass(cls, Optimizer)):
            raise TypeError(f"{cls!r} is not a subclass of skspiral Optimizer.")
        taken = _REGISTRY.get(name)
        if taken is not None and taken is not cls and not replace:
            raise ValueError(
                f"an optimizer named {name!r} is already registered ({taken.__name__});"
                " pass replace=True to override it."
            )
        first_name = cls not in _REGISTRY.values()
        if first_name and cls.__module__.startswith(_BUILTIN_MODULE_PREFIX):
            _BUILTIN.setdefault(name, cls)
        _REGISTRY[name] = cls
        return cls

    return decorate if cls is None else decorate(cls)


def available_optimizers() -> list[str]:
    """Registered optimizer names, sorted."""
    return sorted(_REGISTRY)


def is_builtin(name: str) -> bool:
    """Whether ``name`` is one of skspiral's own names, bound to skspiral's class.

    False for user names, including user aliases of built-in classes, and for a
    built-in name the user re-registered with another class.
    """
    return name in _BUILTIN and _REGISTRY.get(name) is _BUILTIN[name]


def get_optimizer_class(spec) -> type[Optimizer]:
    """The class behind a registered name, a class, or an instance."""
    spec = getattr(spec, "_skspiral_unavailable", spec)  # a class not loadable here
    if isinstance(spec, str):
        try:
            return _REGISTRY[spec]
        except KeyError:
            raise ValueError(
                f"unknown optimizer {spec!r}; registered optimizers are "
                f"{available_optimizers()}. Register yours with "
                "skspiral.optimizers.register_optimizer, or pass the class itself."
            ) from None
    if isinstance(spec, Optimizer):
        return type(spec)
    if isinstance(spec, type) and issubclass(spec, Optimizer):
        return spec
    raise TypeError(
        "optimizer must be a registered name, an Optimizer subclass or an "
        f"Optimizer instance, got {spec!r}."
    )


def get_optimizer(spec, **hyperparams) -> Optimizer:
    """Build an optimizer from a name, a class or an instance.

    An instance is copied (never modified); ``hyperparams`` override its settings.
    A hyperparameter the optimizer does not take raises ``TypeError`` naming it;
    an out-of-range value raises ``ValueError`` naming it.

    Examples
    --------
    >>> from skspiral.optimizers import get_optimizer
    >>> get_optimizer("sgd", learning_rate=0.5, momentum=0.9)
    SGD(learning_rate=0.5, decay=0.0, momentum=0.9, nesterov=False)
    """
    cls = get_optimizer_class(spec)
    accepted = cls.hyperparameters()
    unknown = sorted(set(hyperparams) - set(accepted))
    if unknown:
        raise TypeError(
            f"{cls.__name__} does not take hyperparameter(s) {unknown}; "
            f"it takes {sorted(accepted)}."
        )
    if isinstance(spec, Optimizer):
        if not hyperparams:
            return copy.deepcopy(spec)
        hyperparams = {**spec.get_params(deep=False), **hyperparams}
    return cls(**hyperparams)
