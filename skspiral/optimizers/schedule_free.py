"""Schedule-free AdamW, as the ``schedulefree`` package's ``AdamWScheduleFree``."""

from __future__ import annotations

import numpy as np

from .._checks import check_int
from .base import Optimizer, check_non_negative, check_positive, check_unit_interval
from .registry import register_optimizer

__all__ = ["ScheduleFreeAdamW"]


def _lerp(start, end, weight, buf):
    """``start <- lerp(start, end, weight)`` in place, with ATen's two formulas."""
    if weight < 0.5:
        np.subtract(end, start, out=buf)
        buf *= weight
        start += buf
    else:  # end - (end - start) * (1 - weight)
        np.subtract(end, start, out=buf)
        buf *= 1 - weight
        np.subtract(end, buf, out=start)


@register_optimizer("schedule_free_adamw")
class ScheduleFreeAdamW(Optimizer):
    r"""Schedule-free AdamW (Defazio et al. 2024), ``schedulefree.AdamWScheduleFree``.

    Three sequences: ``z`` (the base steps), ``x`` (their weighted average, the
    weights to predict with) and ``y = (1 - beta_1) z + beta_1 x`` (where the
    gradient is taken). In train mode the parameters hold ``y``, in eval mode
    ``x``. With ``k = t + 1``, ``lr = lr_t * min(1, k / warmup_steps)``,
    ``lr_max`` the largest ``lr`` so far and ``c = w_k / sum(w_1..w_k)`` where
    ``w_k = k**r * lr_max**weight_lr_power``::

        v <- beta_2 * v + (1 - beta_2) * g**2
        d <- g / (sqrt(v / (1 - beta_2**k)) + epsilon) + weight_decay * y
        y <- (1 - c) * y + c * z + lr * (beta_1 * (1 - c) - 1) * d
        z <- z - lr * d

    and the modes switch by ``x = y + (1 - 1/beta_1) (z - y)`` (eval) and
    ``y = x + (1 - beta_1) (z - x)`` (train). ``z`` starts at the weights of the
    first step.

    Parameters
    ----------
    learning_rate : float, default=0.0025
        Schedule-free needs no decay or schedule; ``decay`` (and any schedule)
        still apply, scaling ``lr`` as they do for every optimizer.
    decay : float, default=0.0
    epsilon : float, default=1e-8
    beta_1 : float in (0, 1), default=0.9
        The interpolation between ``z`` and ``x`` (the package's ``betas[0]``).
    beta_2 : float in [0, 1), default=0.999
    weight_decay : float >= 0, default=0.0
        Taken at ``y``, as the package does.
    warmup_steps : int >= 0, default=0
        Linear warm-up of the learning rate over the first steps.
    r : float >= 0, default=0.0
        Polynomial weighting of the average.
    weight_lr_power : float >= 0, default=2.0
        How strongly the learning rate weighs a step in the average.

    Notes
    -----
    This optimizer uses the train/eval hooks of :class:`Optimizer`: the loop
    calls :meth:`eval_mode` before it evaluates and when training ends, so the
    fitted weights are ``x``. Stepping in eval mode raises, as the package does.
    ``lr_max``, the sum of weights and the mode live in ``state.info``. Unlike
    the package, a fresh state starts in train mode (the package starts in eval
    mode and insists on ``train()`` first; before the first step both are the
    same weights).

    References
    ----------
    Defazio et al., "The Road Less Scheduled", NeurIPS 2024.
    """

    slot_names = ("z", "cache")

    def __init__(
        self,
        learning_rate: float = 0.0025,
        decay: float = 0.0,
        epsilon: float = 1e-8,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        weight_decay: float = 0.0,
        warmup_steps: int = 0,
        r: float = 0.0,
        weight_lr_power: float = 2.0,
    ):
        super().__init__(learning_rate, decay)
        self.epsilon = check_positive("epsilon", epsilon)
        self.beta_1 = check_unit_interval("beta_1", beta_1)
        if self.beta_1 == 0:
            raise ValueError("beta_1 must be in (0, 1), got 0.0.")
        self.beta_2 = check_unit_interval("beta_2", beta_2)
        self.weight_decay = check_non_negative("weight_decay", weight_decay)
        self.warmup_steps = check_int("warmup_steps", warmup_steps, 0)
        self.r = check_non_negative("r", r)
        self.weight_lr_power = check_non_negative("weight_lr_power", weight_lr_power)

    # ------------------------------------------------------------- the hooks
    def train_mode(self, params, state):
        """Move ``params`` from ``x`` to ``y`` (no-op if already in train mode)."""
        if state.info.get("schedule_free_mode", "train") == "train":
            return
        if state.t > 0:  # z exists once a step was taken
            _lerp(params, state.slots["z"], 1 - self.beta_1, state.scratch(params))
        state.info["schedule_free_mode"] = "train"

    def eval_mode(self, params, state):
        """Move ``params`` from ``y`` to ``x`` (no-op if already in eval mode)."""
        if state.info.get("schedule_free_mode", "train") == "eval":
            return
        if state.t > 0:
            weight = 1 - 1 / self.beta_1
            _lerp(params, state.slots["z"], weight, state.scratch(params))
        state.info["schedule_free_mode"] = "eval"

    # ------------------------------------------------------------- the step
    def _average_weight(self, state, lr) -> float:
        """``c``, the weight of this step in the average ``x``."""
        k, info = state.t, state.info
        lr_max = info["schedule_free_lr_max"] = max(
            lr, info.get("schedule_free_lr_max", -1.0)
        )
        weight = (k + 1) ** self.r * lr_max**self.weight_lr_power
        weight_sum = info["schedule_free_weight_sum"] = (
            info.get("schedule_free_weight_sum", 0.0) + weight
        )
        return weight / weight_sum if weight_sum else 0.0

    def _update(self, params, grads, state, lr):
        if state.info.get("schedule_free_mode", "train") != "train":
            raise RuntimeError(
                "schedule-free AdamW was asked to step in eval mode: call "
                "train_mode(params, state) before training resumes."
            )
        k = state.t
        z, v = state.slots["z"], state.slots["cache"]
        if k == 0:
            z[...] = params
        if k < self.warmup_steps:
            lr = lr * (k + 1) / self.warmup_steps
        ckp1 = self._average_weight(state, lr)
        buf = np.multiply(grads, grads, out=state.scratch(grads, 0))
        buf *= 1 - self.beta_2
        v *= self.beta_2
        v += buf
        denom = np.divide(v, 1 - self.beta_2 ** (k + 1), out=state.scratch(grads, 1))
        np.sqrt(denom, out=denom)
        denom += self.epsilon
        direction = np.divide(grads, denom, out=denom)
        if self.weight_decay:
            np.multiply(params, self.weight_decay, out=buf)
            direction += buf
        _lerp(params, z, ckp1, buf)
        np.multiply(direction, lr * (self.beta_1 * (1 - ckp1) - 1), out=buf)
        params += buf
        direction *= lr
        z -= direction
