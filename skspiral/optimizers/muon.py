"""Muon for the hidden weight matrices, AdamW for everything else."""

from __future__ import annotations

import math
import numbers
import re

import numpy as np

from .._checks import check_bool, check_int
from .adam_family import _update_moments
from .base import Optimizer, check_non_negative, check_positive, check_unit_interval
from .registry import register_optimizer

__all__ = ["Muon"]

_WEIGHT_NAME = re.compile(r"(\d+)\.W$")
_ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


def muon_names(layout) -> set[str]:
    """The names Muon updates: 2-D ``"i.W"`` of every layer but the last."""
    layers = {
        name: int(match.group(1))
        for name in layout.names
        if (match := _WEIGHT_NAME.match(name))
    }
    if not layers:
        return set()
    last = max(layers.values())
    shapes = dict(zip(layout.names, layout.shapes))
    return {n for n, i in layers.items() if i != last and len(shapes[n]) == 2}


def newton_schulz(update, coefficients, steps, eps):
    """``torch.optim.Muon``'s quintic Newton-Schulz orthogonalisation of ``update``.

    ``update`` is in PyTorch's orientation, ``(fan_out, fan_in)``. PyTorch runs
    the iteration in bfloat16; this runs it in the array's dtype.
    """
    a, b, c = coefficients
    wide = update.shape[0] > update.shape[1]
    x = update.T if wide else update
    x = x / max(np.linalg.norm(x), eps)  # spectral norm <= Frobenius norm <= 1
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return x.T if wide else x


@register_optimizer("muon")
class Muon(Optimizer):
    r"""Muon (``torch.optim.Muon``) for hidden weight matrices, AdamW for the rest.

    The named layout decides: each 2-D ``"i.W"`` except the output layer's (the
    highest ``i``) is a Muon matrix; biases and the output layer go to AdamW,
    as Muon's authors recommend. For a matrix ``W`` (gradient ``G``, both seen
    as PyTorch's ``(fan_out, fan_in)``, i.e. transposed)::

        B <- momentum * B + (1 - momentum) * G
        U <- (1 - momentum) * G + momentum * B        (nesterov; else U = B)
        O <- NewtonSchulz_{ns_steps}(U)               (coefficients, ns_epsilon)
        W <- W * (1 - lr_t * weight_decay) - lr_t * s * O

    with ``s = sqrt(max(1, fan_out / fan_in))`` (``adjust_lr_fn="original"``) or
    ``0.2 * sqrt(max(fan_out, fan_in))`` (``"match_rms_adamw"``). Every other
    array takes :class:`AdamW`'s step with rate ``lr_t * adamw_lr_ratio``.

    Parameters
    ----------
    learning_rate : float, default=0.001
        PyTorch's Muon default (Keller Jordan's runs use 0.02).
    decay : float, default=0.0
        Applies to both parts (so does any schedule).
    momentum : float in [0, 1), default=0.95
    nesterov : bool, default=True
    weight_decay : float >= 0, default=0.1
        Muon's decoupled decay, times ``lr_t`` (not the adjusted rate).
    ns_steps : int in [1, 99], default=5
    ns_coefficients : tuple of 3 floats, default=(3.4445, -4.775, 2.0315)
    ns_epsilon : float, default=1e-7
        Lower bound of the norm the update is divided by (PyTorch's ``eps``).
    adjust_lr_fn : {None, "original", "match_rms_adamw"}, default=None
        None is "original".
    adamw_lr_ratio : float, default=1.0
        AdamW's learning rate over Muon's (1 gives both PyTorch's 1e-3; Keller
        Jordan pairs 0.02 with 3e-4, a ratio of 0.015).
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        AdamW's.
    epsilon : float, default=1e-8
        AdamW's.
    adamw_weight_decay : float >= 0, default=0.01
        AdamW's decoupled decay.

    Notes
    -----
    PyTorch's ``Muon`` takes only 2-D parameters and leaves pairing it with
    AdamW to the user; here one optimizer does both, splitting by name. The
    slot ``"momentum"`` holds Muon's buffer on the matrices and AdamW's first
    moment elsewhere; ``"cache"`` is AdamW's second moment. PyTorch computes
    Newton-Schulz in bfloat16; here it runs in float64 (or the weights' dtype),
    so it matches PyTorch's algorithm with the cast removed.

    References
    ----------
    Jordan et al., "Muon: An optimizer for hidden layers in neural networks",
    2024, https://kellerjordan.github.io/posts/muon/; Liu et al., "Muon is
    Scalable for LLM Training", arXiv:2502.16982.
    """

    slot_names = ("momentum", "cache")

    def __init__(
        self,
        learning_rate: float = 0.001,
        decay: float = 0.0,
        momentum: float = 0.95,
        nesterov: bool = True,
        weight_decay: float = 0.1,
        ns_steps: int = 5,
        ns_coefficients: tuple = (3.4445, -4.7750, 2.0315),
        ns_epsilon: float = 1e-7,
        adjust_lr_fn: str | None = None,
        adamw_lr_ratio: float = 1.0,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        adamw_weight_decay: float = 0.01,
    ):
        super().__init__(learning_rate, decay)
        self.momentum = check_unit_interval("momentum", momentum)
        self.nesterov = check_bool("nesterov", nesterov)
        self.weight_decay = check_non_negative("weight_decay", weight_decay)
        self.ns_steps = check_int("ns_steps", ns_steps, 1, 99)
        self.ns_coefficients = _check_coefficients(ns_coefficients)
        self.ns_epsilon = check_positive("ns_epsilon", ns_epsilon)
        if adjust_lr_fn not in _ADJUST_LR_FNS:
            raise ValueError(
                f"adjust_lr_fn must be one of {_ADJUST_LR_FNS}, got {adjust_lr_fn!r}."
            )
        self.adjust_lr_fn = adjust_lr_fn
        self.adamw_lr_ratio = check_positive("adamw_lr_ratio", adamw_lr_ratio)
        self.beta_1 = check_unit_interval("beta_1", beta_1)
        self.beta_2 = check_unit_interval("beta_2", beta_2)
        self.epsilon = check_positive("epsilon", epsilon)
        self.adamw_weight_decay = check_non_negative(
            "adamw_weight_decay", adamw_weight_decay
        )

    def _adjusted(self, lr, fan_out, fan_in) -> float:
        if self.adjust_lr_fn == "match_rms_adamw":
            return lr * 0.2 * math.sqrt(max(fan_out, fan_in))
        return lr * math.sqrt(max(1, fan_out / fan_in))

    def _update(self, params, grads, state, lr):
        matrices = muon_names(state.layout)
        p_views, g_views = state.layout.views(params), state.layout.views(grads)
        m_views = state.layout.views(state.slots["momentum"])
        v_views = state.layout.views(state.slots["cache"])
        k = state.t + 1
        adamw_lr = lr * self.adamw_lr_ratio
        for name in state.layout.names:
            w, g, m = p_views[name], g_views[name], m_views[name]
            if name in matrices:
                self._muon_step(w, g, m, lr)
            else:
                self._adamw_step(w, g, m, v_views[name], adamw_lr, k)

    def _muon_step(self, w, g, buf, lr):
        buf += (1 - self.momentum) * (g - buf)  # torch's lerp
        # torch: grad.lerp(buf, momentum), weight >= 0.5: buf - (buf - g) (1 - mu)
        update = buf - (1 - self.momentum) * (buf - g) if self.nesterov else buf
        ortho = newton_schulz(
            update.T, self.ns_coefficients, self.ns_steps, self.ns_epsilon
        )
        fan_in, fan_out = w.shape
        w *= 1 - lr * self.weight_decay
        w -= self._adjusted(lr, fan_out, fan_in) * ortho.T

    def _adamw_step(self, w, g, m, v, lr, k):
        w *= 1 - lr * self.adamw_weight_decay
        _update_moments(g, m, v, self.beta_1, self.beta_2, np.empty_like(g))
        denom = np.sqrt(v) / math.sqrt(1 - self.beta_2**k) + self.epsilon
        w -= (lr / (1 - self.beta_1**k)) * m / denom


def _check_coefficients(value) -> tuple:
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 3
        or not all(
            isinstance(c, numbers.Real) and not isinstance(c, bool) and math.isfinite(c)
            for c in value
        )
    ):
        raise ValueError(
            f"ns_coefficients must be three finite numbers (a, b, c), got {value!r}."
        )
    return tuple(float(c) for c in value)
