"""The :class:`Schedule` interface and the checks its subclasses validate with.

A schedule maps ``t``, the number of optimizer steps already taken (0-based), to
a learning rate. It is a small value object: its settings are its ``__init__``
keywords, stored under the same names and validated there; ``get_params``,
``set_params``, ``repr``, equality, pickling and ``sklearn.base.clone`` follow
from them. It knows nothing of optimizers; an optimizer calls it.
"""

from __future__ import annotations

import inspect

__all__ = ["Schedule", "inverse_time_decay"]


def inverse_time_decay(learning_rate: float, decay: float, t: int) -> float:
    """The book's 1/t decay, ``learning_rate / (1 + decay * t)``.

    The one place the formula is written: :class:`InverseTimeDecay` and an
    optimizer's ``decay`` shorthand both compute it here, so they agree to the bit.
    """
    return learning_rate / (1.0 + decay * t)


class Schedule:
    """A learning rate as a function of the optimizer step.

    Subclasses take their settings as ``__init__`` keywords, validate them there
    and store them under the same names, then implement :meth:`__call__`. See
    ``examples/custom_schedule.py``.

    Because it has ``get_params``/``set_params``, scikit-learn routes nested
    keywords to it: ``est.set_params(learning_rate__warmup_steps=5)`` and a
    ``GridSearchCV`` grid over ``learning_rate__warmup_steps`` both work.
    """

    def __call__(self, t: int) -> float:
        """The learning rate of step ``t`` (steps already taken, 0-based)."""
        raise NotImplementedError

    @classmethod
    def _param_names(cls) -> tuple[str, ...]:
        signature = inspect.signature(cls.__init__)
        kinds = (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        )
        return tuple(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind in kinds
        )

    def get_params(self, deep: bool = True) -> dict[str, object]:
        """The settings, by ``__init__`` keyword (``deep`` is scikit-learn's)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> Schedule:
        """Change settings, validated as in ``__init__``; all or nothing.

        Any running state (see :class:`ReduceOnPlateau`) starts afresh.
        """
        unknown = sorted(set(params) - set(self._param_names()))
        if unknown:
            raise ValueError(
                f"{type(self).__name__} does not take parameter(s) {unknown}; "
                f"it takes {sorted(self._param_names())}."
            )
        updated = type(self)(**{**self.get_params(), **params})  # validates
        vars(self).update(vars(updated))
        return self

    def __sklearn_clone__(self) -> Schedule:
        # clone() means "same settings, nothing learned": rebuild from the
        # settings, which also drops a ReduceOnPlateau's running state.
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_params() == other.get_params()

    __hash__ = None  # set_params mutates it
