"""NAdam and RAdam as PyTorch implements them: Adam with a step shaped over time.

NAdam warms its momentum up (Dozat's ``mu_t``), RAdam rectifies the variance of
its early steps. Both build on :class:`~skspiral.optimizers.adam_family._AdamBase`
and follow ``torch.optim`` line by line; defaults are PyTorch's.
"""

from __future__ import annotations

import math

import numpy as np

from .adam_family import _AdamBase
from .base import check_non_negative
from .registry import register_optimizer

__all__ = ["NAdam", "RAdam"]


@register_optimizer("nadam")
class NAdam(_AdamBase):
    r"""NAdam, ``torch.optim.NAdam``: Adam with Nesterov momentum.

    With ``k = t + 1``, ``mu_k = beta_1 * (1 - 0.5 * 0.96**(k * momentum_decay))``
    and ``P_k = mu_1 * ... * mu_k``::

        m <- m + (1 - beta_1) * (g - m)
        v <- beta_2 * v + (1 - beta_2) * g**2
        d <- sqrt(v / (1 - beta_2**k)) + epsilon
        w <- w - lr_t * (1 - mu_k) / (1 - P_k) * g / d
               - lr_t * mu_{k+1} / (1 - P_k * mu_{k+1}) * m / d

    Parameters
    ----------
    learning_rate : float, default=0.002
    decay : float, default=0.0
    epsilon : float, default=1e-8
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    momentum_decay : float >= 0, default=0.004
        PyTorch's ``momentum_decay`` (Dozat's warming schedule ``psi``).

    Notes
    -----
    The product ``P_k`` is kept in ``state.info`` (rebuilt from ``t`` when
    absent, e.g. in a state made by hand). Keras' ``Nadam`` uses the same
    schedule; optax's ``nadam`` uses a constant ``beta_1`` instead.

    References
    ----------
    Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop.
    """

    def __init__(
        self,
        learning_rate: float = 0.002,
        decay: float = 0.0,
        epsilon: float = 1e-8,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        momentum_decay: float = 0.004,
    ):
        super().__init__(learning_rate, decay, epsilon, beta_1, beta_2)
        self.momentum_decay = check_non_negative("momentum_decay", momentum_decay)

    def _mu(self, k):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** (k * self.momentum_decay))

    def _mu_product(self, state) -> float:
        """``P_t``, the product of ``mu`` over the ``t`` steps taken."""
        stored = state.info.get("nadam_mu_product")
        if stored is not None and stored[0] == state.t:
            return stored[1]
        product = 1.0
        for k in range(1, state.t + 1):
            product *= self._mu(k)
        return product

    def _update(self, params, grads, state, lr):
        k = state.t + 1
        mu, mu_next = self._mu(k), self._mu(k + 1)
        mu_product = self._mu_product(state) * mu
        state.info["nadam_mu_product"] = (k, mu_product)
        m, v = self._moments(grads, state)
        denom = np.divide(v, 1 - self.beta_2**k, out=state.scratch(params, 1))
        np.sqrt(denom, out=denom)
        denom += self.epsilon
        step = np.divide(grads, denom, out=state.scratch(params, 0))
        step *= lr * (1.0 - mu) / (1.0 - mu_product)
        params -= step
        np.divide(m, denom, out=step)
        step *= lr * mu_next / (1.0 - mu_product * mu_next)
        params -= step


@register_optimizer("radam")
class RAdam(_AdamBase):
    r"""RAdam, ``torch.optim.RAdam``: Adam with a rectified warm-up.

    With ``k = t + 1``, ``bc1``, ``bc2`` as in Adam, ``rho_inf = 2/(1 - beta_2) - 1``
    and ``rho_k = rho_inf - 2 k beta_2**k / bc2``::

        m <- m + (1 - beta_1) * (g - m);   v <- beta_2 v + (1 - beta_2) g**2
        rho_k > 5:  r = sqrt((rho_k-4)(rho_k-2) rho_inf / ((rho_inf-4)(rho_inf-2)rho_k))
                    w <- w - lr_t * (m / bc1) * r * sqrt(bc2) / (sqrt(v) + epsilon)
        otherwise:  w <- w - lr_t * m / bc1          (SGD with momentum)

    Parameters
    ----------
    learning_rate : float, default=0.001
    decay : float, default=0.0
    epsilon : float, default=1e-8
        Added to ``sqrt(v)`` before the bias correction (PyTorch's placement).
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999

    References
    ----------
    Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond",
    ICLR 2020.
    """

    def _update(self, params, grads, state, lr):
        k = state.t + 1
        m, v = self._moments(grads, state)
        bc1, bc2 = 1 - self.beta_1**k, 1 - self.beta_2**k
        rho_inf = 2 / (1 - self.beta_2) - 1
        rho_k = rho_inf - 2 * k * self.beta_2**k / bc2
        step = np.multiply(m, lr / bc1, out=state.scratch(params, 0))
        if rho_k > 5.0:
            rect = math.sqrt(
                (rho_k - 4)
                * (rho_k - 2)
                * rho_inf
                / ((rho_inf - 4) * (rho_inf - 2) * rho_k)
            )
            denom = np.sqrt(v, out=state.scratch(params, 1))
            denom += self.epsilon
            step *= math.sqrt(bc2) * rect
            step /= denom
        params -= step
