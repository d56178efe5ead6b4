"""Stochastic gradient descent with 1/t decay and momentum (book chapter 10)."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, check_unit_interval
from .registry import register_optimizer


@register_optimizer("sgd")
class SGD(Optimizer):
    r"""SGD with optional momentum, the book's ``Optimizer_SGD``.

    With ``lr_t = learning_rate / (1 + decay * t)``::

        momentum == 0:  w <- w - lr_t * g
        momentum  > 0:  v <- momentum * v - lr_t * g;   w <- w + v

    Parameters
    ----------
    learning_rate : float, default=1.0
    decay : float, default=0.0
    momentum : float in [0, 1), default=0.0

    Notes
    -----
    The velocity holds the learning rate inside it (``v`` is the last update),
    as in the book and in scikit-learn's ``SGDOptimizer``; PyTorch's
    ``torch.optim.SGD`` instead keeps ``v <- momentum * v + g`` and steps
    ``w <- w - lr * v``, which differs once the learning rate changes.
    """

    def __init__(
        self, learning_rate: float = 1.0, decay: float = 0.0, momentum: float = 0.0
    ):
        super().__init__(learning_rate, decay)
        self.momentum = check_unit_interval("momentum", momentum)

    @property
    def slot_names(self):
        return ("momentum",) if self.momentum else ()

    def _update(self, params, grads, state, lr):
        update = np.multiply(grads, lr, out=state.scratch(grads))
        if self.momentum:
            velocity = state.slots["momentum"]
            velocity *= self.momentum
            velocity -= update
            params += velocity
        else:
            params -= update
