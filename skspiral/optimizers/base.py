"""The optimizer interface: settings in the object, everything that changes in a state.

An optimizer knows nothing of layers. It sees one flat parameter vector, the
matching gradient vector, and an :class:`OptimizerState` holding the step count
``t`` and its slots (velocities, caches), each a flat vector of the same size. The
state can be read per parameter name (``state["0.W"]["momentum"]``) because the
names map to views of the flat vectors.

Writing a new optimizer means: list its hyperparameters as ``__init__`` keywords
(validated there), name its slots, and write ``_update`` in place. See
``examples/custom_optimizer.py``.

Two hooks serve optimizers that do not fit "one step at a time on the weights the
model predicts with" (both are no-ops or off by default):

- **Train/eval weights** (:meth:`Optimizer.train_mode`, :meth:`Optimizer.eval_mode`).
  Some optimizers take the gradient at one point and want predictions made at
  another: schedule-free AdamW steps at ``y`` and predicts with the average ``x``.
  The training loop calls ``train_mode(params, state)`` before it takes steps
  (also on a fresh state), ``eval_mode(params, state)`` before every evaluation
  (validation scoring) and when ``fit`` ends (also after Ctrl-C), and
  ``train_mode`` again to resume. Both rewrite ``params`` in place and must be
  idempotent: calling one twice is the same as calling it once. Keep the current
  mode, and any other small non-array state, in ``state.info`` (pickled with the
  state).
- **Closure optimizers** (:attr:`Optimizer.needs_closure`). An optimizer that needs
  the whole objective (L-BFGS) sets ``needs_closure = True`` and implements
  :meth:`Optimizer.minimize`; the loop then hands it the full-batch objective
  instead of calling :meth:`Optimizer.step`.
"""

from __future__ import annotations

import copy
import functools
import inspect
import numbers
from dataclasses import dataclass, field

import numpy as np

from .._checks import check_non_negative, check_positive, check_unit_interval
from ..layout import ParamLayout
from ..schedules.base import Schedule, inverse_time_decay

__all__ = [
    "Optimizer",
    "OptimizerState",
    "check_non_negative",
    "check_positive",
    "check_unit_interval",
]


@dataclass
class OptimizerState:
    """Step count and per-parameter slots of an optimizer, as plain arrays.

    Attributes
    ----------
    layout : ParamLayout
        Names and shapes of the parameters the slots line up with.
    slots : dict of str to ndarray
        Slot name -> flat vector (e.g. ``"momentum"``, ``"cache"``).
    t : int
        Optimizer steps taken so far.
    info : dict
        Small non-array state (scalars, the train/eval mode), pickled with the
        slots. Keys are prefixed by the optimizer that owns them.
    """

    layout: ParamLayout
    slots: dict[str, np.ndarray] = field(default_factory=dict)
    t: int = 0
    info: dict = field(default_factory=dict)

    def __getitem__(self, param_name: str) -> dict[str, np.ndarray]:
        """The slots of one parameter, as views: ``state["0.W"]["momentum"]``."""
        return {
            slot: self.layout.views(flat)[param_name]
            for slot, flat in self.slots.items()
        }

    def scratch(self, like: np.ndarray, k: int = 0) -> np.ndarray:
        """Reusable work buffer ``k`` shaped like ``like`` (not pickled)."""
        buffers = self.__dict__.setdefault("_scratch", {})
        buf = buffers.get(k)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = buffers[k] = np.empty_like(like)
        return buf

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_scratch", None)
        return state

    def __setstate__(self, state):
        state.setdefault("info", {})  # pickled before ``info`` existed
        self.__dict__.update(state)


@functools.lru_cache(maxsize=256)
def _hyperparameters(cls) -> tuple:
    """``Optimizer.hyperparameters`` of a class, as ``(name, default)`` pairs.

    Cached: reading a signature costs ~8 us, and every fit and ``partial_fit``
    call asks several times (a stream of small ``partial_fit`` calls felt it).
    """
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    hidden = [p.name for p in params if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    if hidden:
        raise TypeError(
            f"{cls.__name__}.__init__ takes *{hidden[0]}/**{hidden[0]}: list its "
            "hyperparameters as named keywords with defaults, so that they can be "
            "discovered, validated and searched."
        )
    named = (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )
    return tuple((p.name, p.default) for p in params if p.kind in named)


class Optimizer:
    """Base class: a learning rate, a number or a schedule, and the book's 1/t decay.

    ``lr_t = learning_rate / (1 + decay * t)`` with ``t`` the number of steps
    already taken (so the first step uses ``learning_rate``). ``learning_rate`` may
    instead be a :class:`~skspiral.schedules.Schedule`, asked for ``lr_t``; ``decay``
    must then be 0 (it is shorthand for ``InverseTimeDecay(learning_rate, decay)``).

    Subclasses take their hyperparameters as ``__init__`` keywords, store them
    under the same names, list their state in ``slot_names`` and implement
    :meth:`_update`.
    """

    slot_names: tuple[str, ...] = ()
    #: True for an optimizer that needs the whole objective (see :meth:`minimize`).
    needs_closure: bool = False

    def __init__(self, learning_rate: float | Schedule = 1.0, decay: float = 0.0):
        self.decay = check_non_negative("decay", decay)
        if isinstance(learning_rate, Schedule):
            if self.decay:
                raise ValueError(
                    f"learning_rate is a schedule ({learning_rate!r}) and decay="
                    f"{decay!r} is not 0: decay is shorthand for InverseTimeDecay, "
                    "so give one or the other."
                )
            # Our own copy: a stateful schedule (ReduceOnPlateau) never changes
            # the instance the caller passed, e.g. an estimator's parameter.
            self.learning_rate = copy.deepcopy(learning_rate)
        elif isinstance(learning_rate, numbers.Real) and not isinstance(
            learning_rate, bool
        ):
            self.learning_rate = check_positive("learning_rate", learning_rate)
        else:
            raise TypeError(
                "learning_rate must be a positive number or a "
                f"skspiral.schedules.Schedule, got {learning_rate!r}."
            )

    @classmethod
    def hyperparameters(cls) -> dict[str, object]:
        """The hyperparameters this optimizer accepts, with their defaults."""
        return dict(_hyperparameters(cls))

    def get_params(self, deep: bool = True) -> dict[str, object]:
        """Current hyperparameter values (``deep`` is scikit-learn's; nothing nests)."""
        return {name: getattr(self, name) for name in self.hyperparameters()}

    def set_params(self, **params) -> Optimizer:
        """Change hyperparameters, validated as in ``__init__``; all or nothing.

        This is what scikit-learn's nested syntax calls, so a grid can search an
        optimizer instance's settings: ``{"optimizer__momentum": [0.5, 0.9]}``.
        """
        unknown = sorted(set(params) - set(self.hyperparameters()))
        if unknown:
            raise ValueError(
                f"{type(self).__name__} does not take hyperparameter(s) {unknown}; "
                f"it takes {sorted(self.hyperparameters())}."
            )
        updated = type(self)(**{**self.get_params(), **params})  # validates
        vars(self).update(vars(updated))
        return self

    def __sklearn_clone__(self):
        # scikit-learn's clone() takes anything with get_params for an estimator
        # and rebuilds it from get_params(deep=False). An optimizer given to
        # MLPScratchClassifier is a template, a value: clone copies it as such, so
        # GridSearchCV can clone estimators and grids that hold instances.
        return copy.deepcopy(self)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_params() == other.get_params()

    __hash__ = None

    def learning_rate_at(self, t: int) -> float:
        """The learning rate of step ``t`` (0-based): the schedule's, or the
        book's ``learning_rate / (1 + decay * t)`` for a number."""
        rate = self.learning_rate
        if isinstance(rate, Schedule):
            return rate(t)
        return inverse_time_decay(rate, self.decay, t)

    def init_state(self, params: np.ndarray, layout: ParamLayout | None = None):
        """A fresh state (``t = 0``, zeroed slots) for the flat vector ``params``."""
        if layout is None:
            layout = ParamLayout(("params",), (params.shape,))
        state = OptimizerState(layout)
        self._ensure_slots(state, params)
        return state

    def _ensure_slots(self, state: OptimizerState, params: np.ndarray) -> None:
        # Slots a changed hyperparameter now needs (say momentum 0 -> 0.9 between
        # warm starts) start at zero.
        for name in self.slot_names:
            if name not in state.slots:
                state.slots[name] = np.zeros_like(params)

    def step(self, params: np.ndarray, grads: np.ndarray, state: OptimizerState):
        """Update ``params`` in place from ``grads``; return the learning rate used."""
        self._ensure_slots(state, params)
        lr = self.learning_rate_at(state.t)
        self._update(params, grads, state, lr)
        state.t += 1
        return lr

    def _update(self, params, grads, state: OptimizerState, lr: float) -> None:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _update(self, params, grads, "
            "state, lr), the in-place update of the flat parameter vector."
        )

    def train_mode(self, params: np.ndarray, state: OptimizerState) -> None:
        """Put ``params`` in place where the next gradient is taken (default: no-op).

        Called before steps, on a fresh state too. Idempotent.
        """

    def eval_mode(self, params: np.ndarray, state: OptimizerState) -> None:
        """Put ``params`` in place to the weights to predict with (default: no-op).

        Called before every evaluation and when training ends. Idempotent.
        """

    def minimize(
        self,
        objective,
        params: np.ndarray,
        state: OptimizerState,
        *,
        max_iter: int,
        tol: float,
        callback=None,
    ) -> str:
        """Minimise ``objective`` from ``params`` (closure optimizers only).

        Parameters
        ----------
        objective : callable
            ``objective(flat) -> (loss, flat_grad)``: the full-batch objective,
            penalty included.
        params : ndarray
            Starting point; the final weights are written into it.
        state : OptimizerState
            ``state.t`` counts the iterations taken.
        max_iter : int
            Most iterations.
        tol : float
            Convergence tolerance.
        callback : callable, optional
            ``callback(loss) -> bool``, once per iteration; True stops.

        Returns
        -------
        str
            ``"converged"``, ``"max_iter"`` or ``"max_fun"``.
        """
        raise TypeError(
            f"{type(self).__name__} takes one step at a time (needs_closure is "
            "False): call step()."
        )
