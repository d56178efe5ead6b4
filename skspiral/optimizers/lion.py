"""Lion, as optax implements it (``optax.lion``)."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, check_non_negative, check_unit_interval
from .registry import register_optimizer

__all__ = ["Lion"]


@register_optimizer("lion")
class Lion(Optimizer):
    r"""Lion (EvoLved Sign Momentum), ``optax.lion``.

    ::

        u <- sign(beta_1 * m + (1 - beta_1) * g)
        m <- beta_2 * m + (1 - beta_2) * g
        w <- w - lr_t * (u + weight_decay * w)

    Parameters
    ----------
    learning_rate : float, default=1e-4
        optax has no default; the authors advise 3-10 times smaller than
        AdamW's (AdamW here defaults to 1e-3).
    decay : float, default=0.0
    beta_1 : float in [0, 1), default=0.9
        Interpolation of the update direction.
    beta_2 : float in [0, 1), default=0.99
        Decay of the momentum.
    weight_decay : float >= 0, default=1e-3
        Decoupled, scaled by the learning rate as in optax (and the paper's
        Algorithm 2); the authors advise 3-10 times AdamW's.

    Notes
    -----
    Every coordinate moves by exactly ``lr_t`` (plus the decay), so the update
    has no epsilon. ``sign(0) = 0`` (NumPy and JAX agree). PyTorch has no Lion;
    Keras' ``Lion`` has the same order of operations.

    References
    ----------
    Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023.
    """

    slot_names = ("momentum",)

    def __init__(
        self,
        learning_rate: float = 1e-4,
        decay: float = 0.0,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
        weight_decay: float = 1e-3,
    ):
        super().__init__(learning_rate, decay)
        self.beta_1 = check_unit_interval("beta_1", beta_1)
        self.beta_2 = check_unit_interval("beta_2", beta_2)
        self.weight_decay = check_non_negative("weight_decay", weight_decay)

    def _update(self, params, grads, state, lr):
        m = state.slots["momentum"]
        direction = np.multiply(grads, 1 - self.beta_1, out=state.scratch(grads, 0))
        buf = np.multiply(m, self.beta_1, out=state.scratch(grads, 1))
        direction += buf
        np.sign(direction, out=direction)
        np.multiply(grads, 1 - self.beta_2, out=buf)
        m *= self.beta_2
        m += buf
        if self.weight_decay:
            np.multiply(params, self.weight_decay, out=buf)
            direction += buf
        direction *= lr
        params -= direction
