"""Carry user-registered optimizers inside an estimator's pickle.

Workers of a cluster unpickle the estimator but never run the user's script, so a
name the user added to the optimizer registry is unknown there. GridSearchCV ships
the base estimator and the parameter grid separately (``set_params`` runs on the
worker), so the name that matters may not even be the estimator's own. Hence every
user-registered class travels with the pickle, serialized by cloudpickle (by value
when defined in ``__main__``, by reference when importable), and unpickling
registers any name the receiving process lacks. Built-in names stay plain names.

A class that cannot be restored on the other side is skipped rather than failing
the whole unpickle; using its name then fails fast at ``fit`` with a message that
says to pass the class instead.
"""

from __future__ import annotations

import pickle

from ..optimizers import registry

_KEY = "_skspiral_user_optimizers"


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


def _load_class(payload: bytes):
    try:
        return pickle.loads(payload)
    except Exception:  # unimportable here: skip, never break the unpickle
        return None


class _ClassByValue:
    """Pickles as ``cloudpickle.dumps(cls)``; unpickles to the class or None."""

    def __init__(self, cls):
        self.cls = cls

    def __reduce__(self):
        return _load_class, (_cloudpickle().dumps(self.cls),)


class PortableStateMixin:
    """Adds the user-registered optimizers to ``__getstate__``."""

    def __getstate__(self):
        state = super().__getstate__()
        user = {
            name: _ClassByValue(registry.get_optimizer_class(name))
            for name in registry.available_optimizers()
            if not registry.is_builtin(name)
        }
        if user:
            state = {**state, _KEY: user}
        return state

    def __setstate__(self, state):
        state = dict(state)
        known = set(registry.available_optimizers())
        for name, cls in state.pop(_KEY, {}).items():
            if cls is not None and name not in known:
                registry.register_optimizer(name, cls)
        super().__setstate__(state)
