"""The adaptive optimizers of book chapter 10: AdaGrad, RMSprop and Adam.

All three divide the step by ``sqrt(cache) + epsilon`` with ``epsilon`` outside the
square root and default ``1e-7``, as the book (and Keras) do. PyTorch and
scikit-learn also add it outside but default to ``1e-8``.
"""

from __future__ import annotations

import math

import numpy as np

from .adam_family import _AdamBase
from .base import Optimizer, check_positive, check_unit_interval
from .registry import register_optimizer


def _scaled_step(params, numerator, cache, lr, epsilon, state):
    """``params -= lr * numerator / (sqrt(cache) + epsilon)``, using scratch buffers.

    The denominator goes first, so ``cache`` may itself be scratch buffer 0.
    """
    denom = np.sqrt(cache, out=state.scratch(params, 1))
    denom += epsilon
    step = np.multiply(numerator, lr, out=state.scratch(params, 0))
    step /= denom
    params -= step


@register_optimizer("adagrad")
class AdaGrad(Optimizer):
    r"""AdaGrad, the book's ``Optimizer_Adagrad``.

    ::

        cache <- cache + g**2
        w     <- w - lr_t * g / (sqrt(cache) + epsilon)

    Parameters
    ----------
    learning_rate : float, default=1.0
    decay : float, default=0.0
    epsilon : float, default=1e-7

    Notes
    -----
    The cache starts at zero (PyTorch's ``initial_accumulator_value=0``; Keras
    starts it at 0.1).
    """

    slot_names = ("cache",)

    def __init__(
        self, learning_rate: float = 1.0, decay: float = 0.0, epsilon: float = 1e-7
    ):
        super().__init__(learning_rate, decay)
        self.epsilon = check_positive("epsilon", epsilon)

    def _update(self, params, grads, state, lr):
        cache = state.slots["cache"]
        square = np.multiply(grads, grads, out=state.scratch(grads, 0))
        cache += square
        _scaled_step(params, grads, cache, lr, self.epsilon, state)


@register_optimizer("rmsprop")
class RMSprop(Optimizer):
    r"""RMSprop, the book's ``Optimizer_RMSprop``.

    ::

        cache <- rho * cache + (1 - rho) * g**2
        w     <- w - lr_t * g / (sqrt(cache) + epsilon)

    Parameters
    ----------
    learning_rate : float, default=0.001
    decay : float, default=0.0
    epsilon : float, default=1e-7
    rho : float in [0, 1), default=0.9
        Decay of the cache (Keras' ``rho``; PyTorch calls it ``alpha`` and
        defaults to 0.99).
    """

    slot_names = ("cache",)

    def __init__(
        self,
        learning_rate: float = 0.001,
        decay: float = 0.0,
        epsilon: float = 1e-7,
        rho: float = 0.9,
    ):
        super().__init__(learning_rate, decay)
        self.epsilon = check_positive("epsilon", epsilon)
        self.rho = check_unit_interval("rho", rho)

    def _update(self, params, grads, state, lr):
        cache = state.slots["cache"]
        square = np.multiply(grads, grads, out=state.scratch(grads, 0))
        square *= 1 - self.rho
        cache *= self.rho
        cache += square
        _scaled_step(params, grads, cache, lr, self.epsilon, state)


@register_optimizer("adam")
class Adam(_AdamBase):
    r"""Adam, the book's ``Optimizer_Adam``.

    With ``k = t + 1`` (steps including this one)::

        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g**2
        w <- w - lr_t * (m / (1 - beta_1**k)) / (sqrt(v / (1 - beta_2**k)) + epsilon)

    Parameters
    ----------
    learning_rate : float, default=0.001
    decay : float, default=0.0
    epsilon : float, default=1e-7
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999

    Notes
    -----
    ``epsilon`` is added outside the square root of the bias-corrected cache, as in
    the book, PyTorch and Keras; scikit-learn's ``AdamOptimizer`` folds the bias
    correction into the learning rate instead, which moves ``epsilon`` by a factor
    ``sqrt(1 - beta_2**k)``. The book's ``1/t`` decay has no counterpart there.

    References
    ----------
    Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        decay: float = 0.0,
        epsilon: float = 1e-7,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
    ):
        # The family's hyperparameters and checks, the book's epsilon.
        super().__init__(learning_rate, decay, epsilon, beta_1, beta_2)

    def _update(self, params, grads, state, lr):
        # The book's moment update, m <- beta_1 m + (1 - beta_1) g (PyTorch's
        # lerp in the family rounds differently), and its own step.
        m, v = state.slots["momentum"], state.slots["cache"]
        k = state.t + 1
        buf, denom = state.scratch(grads, 0), state.scratch(grads, 1)
        np.multiply(grads, 1 - self.beta_1, out=buf)
        m *= self.beta_1
        m += buf
        np.multiply(grads, grads, out=buf)
        buf *= 1 - self.beta_2
        v *= self.beta_2
        v += buf
        # The bias corrections move onto scalars (twelve passes over the vectors
        # instead of fourteen; ~15% of a step on large layers):
        #   (m / bc1) / (sqrt(v / bc2) + eps)
        #     = (sqrt(bc2) / bc1) * m / (sqrt(v) + eps * sqrt(bc2)),
        # the same value, rounded in another order (tests/test_book_reference.py).
        root_bc2 = math.sqrt(1 - self.beta_2**k)
        np.sqrt(v, out=denom)
        denom += self.epsilon * root_bc2
        np.multiply(m, lr * root_bc2 / (1 - self.beta_1**k), out=buf)
        buf /= denom
        params -= buf
