"""Cosine schedules: cosine decay with a linear warmup and a floor, and one-cycle."""

from __future__ import annotations

import math

from .._checks import check_int, check_non_negative, check_positive
from .base import Schedule

__all__ = ["CosineDecay", "OneCycle"]


def _cosine(start: float, end: float, pct: float) -> float:
    """From ``start`` (``pct = 0``) to ``end`` (``pct = 1``) along half a cosine.

    PyTorch's ``OneCycleLR._annealing_cos``, operation for operation.
    """
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


class CosineDecay(Schedule):
    """Linear warmup, then cosine decay to a floor, then the floor.

    With ``w = warmup_steps`` and ``d = decay_steps``::

        t <  w:           lr_t = warmup_start + (learning_rate - warmup_start) * t / w
        w <= t <= w + d:  lr_t = floor + (learning_rate - floor) / 2
                                         * (cos(pi * (t - w) / d) + 1)
        t >  w + d:       lr_t = floor

    so the rate is ``warmup_start`` at step 0, reaches ``learning_rate`` at step
    ``w`` and ``floor`` at step ``w + d``.

    Keras: ``CosineDecay(warmup_start, decay_steps=d, alpha=floor / learning_rate,
    warmup_target=learning_rate, warmup_steps=w)`` (``decay_steps`` likewise counts
    the steps after the warmup). optax: ``warmup_cosine_decay_schedule(
    warmup_start, learning_rate, w, decay_steps=w + d, end_value=floor)``: its
    ``decay_steps`` includes the warmup. PyTorch: ``CosineAnnealingLR(opt, T_max=d,
    eta_min=floor)``, after ``LinearLR(opt, warmup_start / learning_rate, 1.0, w)``
    through ``SequentialLR`` when ``w > 0``.

    Parameters
    ----------
    learning_rate : float, default=0.001
        The peak rate, at the end of the warmup.
    decay_steps : int, default=1000
        Length of the cosine part, after the warmup.
    warmup_steps : int, default=0
    warmup_start : float, default=0.0
        Rate of step 0 when ``warmup_steps > 0`` (0 makes the first step a no-op,
        as in optax and Keras).
    floor : float, default=0.0
        Final rate, held after step ``warmup_steps + decay_steps``.

    Examples
    --------
    >>> from skspiral.schedules import CosineDecay
    >>> s = CosineDecay(0.01, decay_steps=2000, warmup_steps=100)
    >>> s(0), s(50), s(100), s(1100), s(2100), s(5000)
    (0.0, 0.005, 0.01, 0.005, 0.0, 0.0)
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        decay_steps: int = 1000,
        warmup_steps: int = 0,
        warmup_start: float = 0.0,
        floor: float = 0.0,
    ):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.decay_steps = check_int("decay_steps", decay_steps, 1)
        self.warmup_steps = check_int("warmup_steps", warmup_steps, 0)
        self.warmup_start = check_non_negative("warmup_start", warmup_start)
        self.floor = check_non_negative("floor", floor)
        for name in ("warmup_start", "floor"):
            if getattr(self, name) > self.learning_rate:
                raise ValueError(
                    f"{name} must be <= learning_rate ({learning_rate!r}), "
                    f"got {getattr(self, name)!r}."
                )

    def __call__(self, t: int) -> float:
        w = self.warmup_steps
        if t < w:
            return self.warmup_start + (self.learning_rate - self.warmup_start) * (
                t / w
            )
        pct = min(t - w, self.decay_steps) / self.decay_steps
        return _cosine(self.learning_rate, self.floor, pct)


class OneCycle(Schedule):
    """Leslie Smith's one-cycle policy, two cosine phases, as PyTorch's ``OneCycleLR``.

    With ``lo = learning_rate / div_factor``, ``end = lo / final_div_factor``,
    ``e1 = pct_start * total_steps - 1`` and ``e2 = total_steps - 1``::

        t <= e1:  lr_t = cos_anneal(lo, learning_rate, t / e1)
        t >  e1:  lr_t = cos_anneal(learning_rate, end, (min(t, e2) - e1) / (e2 - e1))

    where ``cos_anneal(a, b, p) = b + (a - b) / 2 * (cos(pi * p) + 1)``. Steps past
    ``total_steps`` keep the final rate (PyTorch raises instead).

    PyTorch: ``OneCycleLR(opt, max_lr=learning_rate, total_steps, pct_start,
    anneal_strategy="cos", div_factor, final_div_factor, three_phase=False)``, same
    float operations; its momentum cycling is not part of a schedule. optax:
    ``cosine_onecycle_schedule(total_steps, learning_rate, pct_start, div_factor,
    final_div_factor)``, whose peak comes one step later, at step
    ``int(pct_start * total_steps)``.

    Parameters
    ----------
    learning_rate : float, default=0.01
        The peak (PyTorch's ``max_lr``).
    total_steps : int, default=1000
        Length of the cycle, in optimizer steps (epochs x steps per epoch).
    pct_start : float, default=0.3
        Share of the cycle spent rising.
    div_factor : float, default=25.0
    final_div_factor : float, default=1e4

    Examples
    --------
    >>> from skspiral.schedules import OneCycle
    >>> s = OneCycle(1.0, total_steps=10, pct_start=0.5, div_factor=4.0)
    >>> s(0), s(2), s(4), s(9), s(20)
    (0.25, 0.625, 1.0, 2.5e-05, 2.5e-05)
    """

    def __init__(
        self,
        learning_rate: float = 0.01,
        total_steps: int = 1000,
        pct_start: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
    ):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.total_steps = check_int("total_steps", total_steps, 2)
        self.pct_start = check_positive("pct_start", pct_start)
        self.div_factor = check_positive("div_factor", div_factor)
        self.final_div_factor = check_positive("final_div_factor", final_div_factor)
        if not 0 < self.pct_start * self.total_steps - 1 < self.total_steps - 1:
            raise ValueError(
                "pct_start * total_steps must lie in (1, total_steps) so both phases "
                f"have steps; got pct_start={pct_start!r}, total_steps={total_steps!r}."
            )

    def __call__(self, t: int) -> float:
        low = self.learning_rate / self.div_factor
        rise_end = float(self.pct_start * self.total_steps) - 1
        if t <= rise_end:
            return _cosine(low, self.learning_rate, t / rise_end)
        last = self.total_steps - 1
        pct = (min(t, last) - rise_end) / (last - rise_end)
        return _cosine(self.learning_rate, low / self.final_div_factor, pct)
