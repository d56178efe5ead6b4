"""Stochastic gradient descent with 1/t decay and momentum (book chapter 10)."""

from __future__ import annotations

import numpy as np

from .._checks import check_bool
from .base import Optimizer, check_unit_interval
from .registry import register_optimizer


@register_optimizer("sgd")
class SGD(Optimizer):
    r"""SGD with optional (Nesterov) momentum, the book's ``Optimizer_SGD``.

    With ``lr_t = learning_rate / (1 + decay * t)``::

        momentum == 0:  w <- w - lr_t * g
        momentum  > 0:  v <- momentum * v - lr_t * g;   w <- w + v
        nesterov:       v <- momentum * v - lr_t * g;   w <- w + momentum * v - lr_t * g

    Parameters
    ----------
    learning_rate : float, default=1.0
    decay : float, default=0.0
    momentum : float in [0, 1), default=0.0
    nesterov : bool, default=False
        Nesterov's look-ahead momentum, as scikit-learn's ``nesterovs_momentum``
        (``SGDOptimizer``) computes it. Without momentum it changes nothing.

    Notes
    -----
    The velocity holds the learning rate inside it (``v`` is the last update),
    as in the book and in scikit-learn's ``SGDOptimizer``; PyTorch's
    ``torch.optim.SGD`` instead keeps ``b <- momentum * b + g`` and steps
    ``w <- w - lr * b`` (Nesterov: ``w <- w - lr * (g + momentum * b)``). With a
    constant learning rate ``v = -lr * b`` and the two trajectories are equal;
    they differ once the learning rate changes. PyTorch refuses
    ``nesterov=True`` without momentum; here (as in scikit-learn) it is plain SGD.
    """

    def __init__(
        self,
        learning_rate: float = 1.0,
        decay: float = 0.0,
        momentum: float = 0.0,
        nesterov: bool = False,
    ):
        super().__init__(learning_rate, decay)
        self.momentum = check_unit_interval("momentum", momentum)
        self.nesterov = check_bool("nesterov", nesterov)

    @property
    def slot_names(self):
        return ("momentum",) if self.momentum else ()

    def _update(self, params, grads, state, lr):
        update = np.multiply(grads, lr, out=state.scratch(grads))
        if not self.momentum:
            params -= update
            return
        velocity = state.slots["momentum"]
        velocity *= self.momentum
        velocity -= update
        if self.nesterov:  # w += momentum * v - lr * g
            look_ahead = state.scratch(grads, 1)
            np.multiply(velocity, self.momentum, out=look_ahead)
            look_ahead -= update
            params += look_ahead
        else:
            params += velocity
