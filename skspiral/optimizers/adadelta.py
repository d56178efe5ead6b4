"""Adadelta, as ``torch.optim.Adadelta`` implements it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, check_positive, check_unit_interval
from .registry import register_optimizer

__all__ = ["Adadelta"]


@register_optimizer("adadelta")
class Adadelta(Optimizer):
    r"""Adadelta, ``torch.optim.Adadelta``.

    ::

        cache       <- rho * cache + (1 - rho) * g**2
        delta       <- sqrt(delta_cache + epsilon) / sqrt(cache + epsilon) * g
        delta_cache <- rho * delta_cache + (1 - rho) * delta**2
        w           <- w - lr_t * delta

    Parameters
    ----------
    learning_rate : float, default=1.0
        Zeiler's method has none (it is 1); PyTorch scales the step by it.
    decay : float, default=0.0
    epsilon : float, default=1e-6
        Inside both square roots (PyTorch, Keras and the paper).
    rho : float in [0, 1), default=0.9
        Decay of both running averages (Keras defaults to 0.95).

    References
    ----------
    Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012.
    """

    slot_names = ("cache", "delta_cache")

    def __init__(
        self,
        learning_rate: float = 1.0,
        decay: float = 0.0,
        epsilon: float = 1e-6,
        rho: float = 0.9,
    ):
        super().__init__(learning_rate, decay)
        self.epsilon = check_positive("epsilon", epsilon)
        self.rho = check_unit_interval("rho", rho)

    def _update(self, params, grads, state, lr):
        cache, delta_cache = state.slots["cache"], state.slots["delta_cache"]
        buf = np.multiply(grads, grads, out=state.scratch(grads, 0))
        buf *= 1 - self.rho
        cache *= self.rho
        cache += buf
        std = np.add(cache, self.epsilon, out=state.scratch(grads, 1))
        np.sqrt(std, out=std)
        delta = np.add(delta_cache, self.epsilon, out=buf)
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= grads
        np.multiply(delta, delta, out=std)  # std is spent: reuse it for delta**2
        std *= 1 - self.rho
        delta_cache *= self.rho
        delta_cache += std
        delta *= lr
        params -= delta
