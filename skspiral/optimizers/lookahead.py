"""Lookahead: a wrapper that makes any step-at-a-time optimizer take slow steps."""

from __future__ import annotations

import numpy as np

from .._checks import check_int, check_real
from .base import Optimizer
from .registry import get_optimizer, register_optimizer

__all__ = ["Lookahead"]

_PREFIX = "inner__"


@register_optimizer("lookahead")
class Lookahead(Optimizer):
    r"""Lookahead (Zhang et al. 2019) around another optimizer.

    The inner optimizer takes every step on the fast weights ``w``; every ``k``
    steps the slow weights ``s`` (starting at the first step's weights) move
    towards them and the fast weights restart from there::

        w <- inner step of w
        if (t + 1) % k == 0:   s <- s + alpha * (w - s);   w <- s

    Parameters
    ----------
    inner : str, Optimizer subclass or Optimizer instance, default="adam"
        The wrapped optimizer, built (copied) with
        :func:`~skspiral.optimizers.get_optimizer`. Its learning rate, decay
        and schedule are the ones used; its hyperparameters are reachable as
        ``inner__<name>`` (``optimizer__inner__learning_rate`` in a grid).
    k : int >= 1, default=5
        Fast steps per slow step.
    alpha : float in (0, 1], default=0.5
        Slow step size (``alpha=1`` is the inner optimizer alone).

    Notes
    -----
    The state is the inner optimizer's state (its slots, ``t`` and ``info``)
    plus the slots ``"slow"`` and ``"fast"``; the inner optimizer counts every
    fast step, as optax's ``lookahead`` does. Predictions use the slow weights,
    the paper's output (optax also advises evaluating them): :meth:`eval_mode`
    keeps the fast weights in ``"fast"`` and puts the slow ones in place,
    :meth:`train_mode` puts the fast ones back. A closure optimizer (L-BFGS)
    cannot be wrapped, nor a Lookahead (the slots would collide).

    References
    ----------
    Zhang, Lucas, Hinton & Ba, "Lookahead Optimizer: k steps forward, 1 step
    back", NeurIPS 2019.
    """

    def __init__(self, inner="adam", k: int = 5, alpha: float = 0.5):
        inner = get_optimizer(inner)  # a copy: the template is never modified
        if inner.needs_closure:
            raise ValueError(
                f"inner must step one gradient at a time; {type(inner).__name__} "
                "needs the whole objective."
            )
        if {"slow", "fast"} & set(inner.slot_names):
            raise ValueError(
                f"inner {type(inner).__name__} already has a 'slow' or 'fast' slot "
                "(a Lookahead cannot wrap a Lookahead)."
            )
        self.inner = inner
        self.k = check_int("k", k, 1)
        alpha = check_real("alpha", alpha)
        if not 0 < alpha <= 1:
            raise ValueError(f"alpha must be in (0, 1], got {alpha!r}.")
        self.alpha = alpha

    # The rate is the inner optimizer's (read by the loop and its messages).
    @property
    def learning_rate(self):
        return self.inner.learning_rate

    @property
    def decay(self):
        return self.inner.decay

    def learning_rate_at(self, t: int) -> float:
        """The inner optimizer's learning rate of step ``t``."""
        return self.inner.learning_rate_at(t)

    @property
    def slot_names(self):
        return (*self.inner.slot_names, "slow", "fast")

    # ---------------------------------------- nested parameters, scikit-learn style
    def get_params(self, deep: bool = True) -> dict[str, object]:
        """``inner``, ``k``, ``alpha``; with ``deep``, also ``inner__<name>``."""
        params = {"inner": self.inner, "k": self.k, "alpha": self.alpha}
        if deep:
            for name, value in self.inner.get_params(deep=True).items():
                params[_PREFIX + name] = value
        return params

    def set_params(self, **params) -> Lookahead:
        """Change ``inner``, ``k``, ``alpha`` or ``inner__<name>``; all or nothing."""
        nested = {
            key[len(_PREFIX) :]: params.pop(key)
            for key in list(params)
            if key.startswith(_PREFIX)
        }
        unknown = sorted(set(params) - {"inner", "k", "alpha"})
        if unknown:
            raise ValueError(
                f"Lookahead does not take hyperparameter(s) {unknown}; it takes "
                "['alpha', 'inner', 'k'] and inner__<name> for the inner optimizer."
            )
        inner = get_optimizer(params.pop("inner", self.inner))
        if nested:
            inner.set_params(**nested)
        updated = type(self)(inner, **{"k": self.k, "alpha": self.alpha, **params})
        vars(self).update(vars(updated))
        return self

    def __repr__(self) -> str:
        return f"Lookahead(inner={self.inner!r}, k={self.k!r}, alpha={self.alpha!r})"

    # ----------------------------------------------------------- the step
    def eval_mode(self, params, state):
        """Predict with the slow weights (the paper's output); keep the fast ones."""
        self.inner.eval_mode(params, state)
        if state.info.get("lookahead_mode", "train") == "eval":
            return
        if state.t > 0:  # the slow weights exist once a step was taken
            state.slots["fast"][...] = params
            params[...] = state.slots["slow"]
        state.info["lookahead_mode"] = "eval"

    def train_mode(self, params, state):
        """Resume from the fast weights."""
        if state.info.get("lookahead_mode", "train") == "eval":
            if state.t > 0:
                params[...] = state.slots["fast"]
            state.info["lookahead_mode"] = "train"
        self.inner.train_mode(params, state)

    def _update(self, params, grads, state, lr):
        slow = state.slots["slow"]
        if state.t == 0:
            slow[...] = params
        self.inner._update(params, grads, state, lr)
        if (state.t + 1) % self.k == 0:
            diff = np.subtract(params, slow, out=state.scratch(params, 0))
            diff *= self.alpha
            slow += diff
            params[...] = slow
