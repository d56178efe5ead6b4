"""Adam's relatives as PyTorch implements them: AdamW, AMSGrad and Adamax.

NAdam and RAdam, which reshape the step over time, are in :mod:`.adam_schedules`.

Each follows the named ``torch.optim`` class line by line (epsilon placement, bias
correction, order of operations), so that with equal hyperparameters and a
constant learning rate the trajectories agree (``tests/test_optimizers_torch.py``).
Their defaults are PyTorch's (``epsilon=1e-8``), not the book's ``1e-7``.

PyTorch's coupled ``weight_decay`` (an L2 term added to the gradient) is the
estimator's ``alpha``; only AdamW's decoupled decay is a hyperparameter here. The
learning rate ``lr`` of a step is the scheduled one (the book's ``1/t`` decay or
any schedule), used wherever PyTorch uses its group's ``lr``.
"""

from __future__ import annotations

import math

import numpy as np

from .base import Optimizer, check_non_negative, check_positive, check_unit_interval
from .registry import register_optimizer

__all__ = ["AMSGrad", "AdamW", "Adamax"]


def _lerp_first_moment(grads, m, beta_1, buf):
    """``m <- lerp(m, g, 1 - beta_1)``; ``buf`` is a scratch vector, overwritten."""
    np.subtract(grads, m, out=buf)  # torch's lerp with weight < 0.5: m + w (g - m)
    buf *= 1 - beta_1
    m += buf


def _update_moments(grads, m, v, beta_1, beta_2, buf):
    """``m <- lerp(m, g, 1 - beta_1)``, ``v <- beta_2 v + (1 - beta_2) g**2``.

    ``buf`` is a scratch vector, overwritten.
    """
    _lerp_first_moment(grads, m, beta_1, buf)
    np.multiply(grads, grads, out=buf)
    buf *= 1 - beta_2
    v *= beta_2
    v += buf


class _AdamBase(Optimizer):
    """Hyperparameters and moments shared by the family.

    The defaults are ``torch.optim.Adam``'s; a member whose reference defaults
    differ (a larger rate, an extra setting) states its own ``__init__``.
    """

    slot_names = ("momentum", "cache")

    def __init__(
        self,
        learning_rate: float = 0.001,
        decay: float = 0.0,
        epsilon: float = 1e-8,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
    ):
        super().__init__(learning_rate, decay)
        self.epsilon = check_positive("epsilon", epsilon)
        self.beta_1 = check_unit_interval("beta_1", beta_1)
        self.beta_2 = check_unit_interval("beta_2", beta_2)

    def _moments(self, grads, state):
        m, v = state.slots["momentum"], state.slots["cache"]
        _update_moments(grads, m, v, self.beta_1, self.beta_2, state.scratch(grads))
        return m, v

    def _adam_step(self, params, m, second, state, lr):
        """torch.optim.Adam's step from the (max) second moment ``second``.

        ``w <- w - (lr / bc1) * m / (sqrt(second) / sqrt(bc2) + epsilon)``
        """
        k = state.t + 1
        denom = np.sqrt(second, out=state.scratch(params, 1))
        denom /= math.sqrt(1 - self.beta_2**k)
        denom += self.epsilon
        step = np.divide(m, denom, out=state.scratch(params, 0))
        step *= lr / (1 - self.beta_1**k)
        params -= step


@register_optimizer("adamw")
class AdamW(_AdamBase):
    r"""AdamW, ``torch.optim.AdamW``: Adam with decoupled weight decay.

    With ``k = t + 1``, ``bc1 = 1 - beta_1**k``, ``bc2 = 1 - beta_2**k``::

        w <- w * (1 - lr_t * weight_decay)
        m <- m + (1 - beta_1) * (g - m)
        v <- beta_2 * v + (1 - beta_2) * g**2
        w <- w - (lr_t / bc1) * m / (sqrt(v) / sqrt(bc2) + epsilon)

    Parameters
    ----------
    learning_rate : float, default=0.001
    decay : float, default=0.0
    epsilon : float, default=1e-8
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    weight_decay : float >= 0, default=0.01
        Decoupled decay, multiplied by the scheduled learning rate as PyTorch does
        (Keras and optax ``adamw`` do the same; the paper's version scales by the
        schedule multiplier only).

    Notes
    -----
    Equal to ``torch.optim.AdamW`` (its ``amsgrad=False``) at constant learning
    rate. The decay applies to every array, biases included, as PyTorch does when
    given all parameters in one group.

    References
    ----------
    Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        decay: float = 0.0,
        epsilon: float = 1e-8,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        weight_decay: float = 0.01,
    ):
        super().__init__(learning_rate, decay, epsilon, beta_1, beta_2)
        self.weight_decay = check_non_negative("weight_decay", weight_decay)

    def _update(self, params, grads, state, lr):
        if self.weight_decay:
            params *= 1 - lr * self.weight_decay
        m, v = self._moments(grads, state)
        self._adam_step(params, m, v, state, lr)


@register_optimizer("amsgrad")
class AMSGrad(_AdamBase):
    r"""AMSGrad, ``torch.optim.Adam(amsgrad=True)``.

    As :class:`AdamW` without weight decay, dividing by the running maximum of
    the second moment::

        v_max <- max(v_max, v)
        w     <- w - (lr_t / bc1) * m / (sqrt(v_max) / sqrt(bc2) + epsilon)

    Parameters
    ----------
    learning_rate : float, default=0.001
    decay : float, default=0.0
    epsilon : float, default=1e-8
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999

    Notes
    -----
    PyTorch's (and Keras') variant: the maximum is of the raw second moment and
    the bias correction is applied after it; the paper has no bias correction.

    References
    ----------
    Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond", ICLR 2018.
    """

    slot_names = ("momentum", "cache", "max_cache")

    def _update(self, params, grads, state, lr):
        m, v = self._moments(grads, state)
        v_max = np.maximum(state.slots["max_cache"], v, out=state.slots["max_cache"])
        self._adam_step(params, m, v_max, state, lr)


@register_optimizer("adamax")
class Adamax(_AdamBase):
    r"""Adamax, ``torch.optim.Adamax``: Adam with an infinity norm.

    With ``k = t + 1``::

        m <- m + (1 - beta_1) * (g - m)
        u <- max(beta_2 * u, |g| + epsilon)
        w <- w - lr_t / (1 - beta_1**k) * m / u

    Parameters
    ----------
    learning_rate : float, default=0.002
    decay : float, default=0.0
    epsilon : float, default=1e-8
        Added to ``|g|`` inside the maximum (PyTorch); Keras adds it to ``u``.
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999

    References
    ----------
    Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, sec. 7.
    """

    slot_names = ("momentum", "inf_norm")

    def __init__(
        self,
        learning_rate: float = 0.002,
        decay: float = 0.0,
        epsilon: float = 1e-8,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
    ):
        super().__init__(learning_rate, decay, epsilon, beta_1, beta_2)

    def _update(self, params, grads, state, lr):
        m, u = state.slots["momentum"], state.slots["inf_norm"]
        buf = state.scratch(grads, 0)
        _lerp_first_moment(grads, m, self.beta_1, buf)
        np.abs(grads, out=buf)
        buf += self.epsilon
        u *= self.beta_2
        np.maximum(u, buf, out=u)
        np.divide(m, u, out=buf)
        buf *= lr / (1 - self.beta_1 ** (state.t + 1))
        params -= buf
