"""Carry user-registered optimizers inside an estimator's pickle.

Workers of a cluster unpickle the estimator but never run the user's script, so a
name the user added to the optimizer registry is unknown there. GridSearchCV ships
the base estimator and the parameter grid separately (``set_params`` runs on the
worker), so the name that matters may not even be the estimator's own. Hence every
user-registered class travels with the pickle, serialized by cloudpickle (by value
when defined in ``__main__``, by reference when importable), and unpickling
registers the names the receiving process lacks. Built-in names stay plain names
(``registry.is_builtin``); a user alias of a built-in class travels.

A class that cannot be pickled here or restored there is skipped rather than
failing the whole pickle or unpickle; using its name there then fails fast at
``fit`` with a message that says to pass the class instead.

The sender's meaning of a carried name wins over the receiver's built-in default
(a user who re-registered ``"adam"`` gets their class on workers) and over a class
adopted from an earlier pickle: workers live on between searches (loky's reusable
executor, a Dask cluster) while the user re-registers an edited class with
``replace=True``. A name the receiving process's own code registered is kept.
"""

from __future__ import annotations

import pickle

from . import registry

_KEY = "_skspiral_user_optimizers"

# Names this process registered from a pickle (name -> class), as opposed to
# names its own code registered.
_ADOPTED: dict[str, type] = {}


def _cloudpickle():
    """cloudpickle (a dependency of joblib, hence of scikit-learn), else pickle."""
    try:
        import cloudpickle
    except ImportError:  # pragma: no cover - old joblib vendored it
        try:
            from joblib.externals import cloudpickle
        except ImportError:
            return pickle
    return cloudpickle


def _load_class(payload: bytes | None):
    if payload is None:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # unimportable here: skip, never break the unpickle
        return None


class _ClassByValue:
    """Pickles as ``cloudpickle.dumps(cls)``; unpickles to the class or None."""

    def __init__(self, cls):
        self.cls = cls

    def __reduce__(self):
        try:
            payload = _cloudpickle().dumps(self.cls)
        except Exception:  # an unpicklable class must not block other optimizers
            payload = None
        return _load_class, (payload,)


def _adopt(name: str, cls, known: set[str]) -> None:
    """Register ``cls`` under ``name`` unless this process's own code owns it."""
    if cls is None:
        return
    if name in known:
        current = registry.get_optimizer_class(name)
        overridable = registry.is_builtin(name) or _ADOPTED.get(name) is current
        if current is cls or not overridable:
            return
    try:
        registry.register_optimizer(name, cls, replace=True)
    except (TypeError, ValueError):  # not an Optimizer of this skspiral
        return
    _ADOPTED[name] = cls


class UnavailableOptimizer:
    """Stands in for a user optimizer whose class cannot be loaded here.

    A fitted model keeps predicting (prediction never needs the optimizer); a
    further ``fit`` fails with the registry's "unknown optimizer" message.
    """

    def __init__(self, label: str):
        self._skspiral_unavailable = label

    def __repr__(self) -> str:
        return f"UnavailableOptimizer({self._skspiral_unavailable!r})"


def _load_object(payload: bytes | None, label: str):
    obj = _load_class(payload)
    return UnavailableOptimizer(label) if obj is None else obj


class _ObjectByValue:
    """Pickles a user optimizer (class or instance) so that loading never fails."""

    def __init__(self, obj, label: str):
        self.obj, self.label = obj, label

    def __reduce__(self):
        try:
            payload = _cloudpickle().dumps(self.obj)
        except Exception:
            payload = None
        return _load_object, (payload, self.label)


def _is_user_optimizer(value) -> bool:
    cls = value if isinstance(value, type) else type(value)
    if not (isinstance(cls, type) and issubclass(cls, registry.Optimizer)):
        return False
    return not cls.__module__.startswith(registry._BUILTIN_MODULE_PREFIX)


def carry_user_optimizers(state: dict) -> dict:
    """An estimator's pickled state, carrying every user-registered optimizer.

    User optimizer classes and instances held in the state (the ``optimizer``
    parameter, the fitted ``optimizer_``) are wrapped so that unpickling them
    where their module is missing gives an :class:`UnavailableOptimizer` rather
    than failing the whole load.
    """
    state = {
        key: _ObjectByValue(value, _label(value))
        if _is_user_optimizer(value)
        else value
        for key, value in state.items()
    }
    user = {
        name: _ClassByValue(registry.get_optimizer_class(name))
        for name in registry.available_optimizers()
        if not registry.is_builtin(name)
    }
    if user:
        state[_KEY] = user
    return state


def adopt_carried_optimizers(state: dict) -> dict:
    """The state without the carried classes, which are registered here first."""
    state = dict(state)
    known = set(registry.available_optimizers())
    for name, cls in state.pop(_KEY, {}).items():
        _adopt(name, cls, known)
    return state


def _label(value) -> str:
    cls = value if isinstance(value, type) else type(value)
    return f"{cls.__module__}.{cls.__qualname__}"
