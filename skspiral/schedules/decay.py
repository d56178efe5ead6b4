"""Schedules that are a closed formula of the step: constant, 1/t, power, step,
exponential."""

from __future__ import annotations

from .._checks import check_bool, check_int, check_non_negative, check_positive
from .base import Schedule, inverse_time_decay

__all__ = [
    "Constant",
    "ExponentialDecay",
    "InvScaling",
    "InverseTimeDecay",
    "StepDecay",
]


class Constant(Schedule):
    """The same rate at every step: ``lr_t = learning_rate``.

    PyTorch: no scheduler (``ConstantLR`` is a temporary factor, not this);
    optax: ``constant_schedule``; Keras: a float ``learning_rate``.

    Parameters
    ----------
    learning_rate : float, default=0.001

    Examples
    --------
    >>> from skspiral.schedules import Constant
    >>> Constant(0.1)(1000)
    0.1
    """

    def __init__(self, learning_rate: float = 0.001):
        self.learning_rate = check_positive("learning_rate", learning_rate)

    def __call__(self, t: int) -> float:
        return self.learning_rate


class InverseTimeDecay(Schedule):
    """The book's 1/t decay: ``lr_t = learning_rate / (1 + decay * t)``.

    An optimizer's ``decay`` keyword is shorthand for this schedule, computed by the
    same float operations, so ``SGD(1.0, decay=1e-3)`` and
    ``SGD(InverseTimeDecay(1.0, 1e-3))`` take bit-identical steps.

    PyTorch: ``LambdaLR(opt, lambda t: 1 / (1 + decay * t))``; Keras:
    ``InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)``; optax has
    no named equivalent.

    Parameters
    ----------
    learning_rate : float, default=1.0
        The rate of step 0.
    decay : float, default=0.0

    Examples
    --------
    >>> from skspiral.schedules import InverseTimeDecay
    >>> InverseTimeDecay(1.0, decay=0.5)(2)
    0.5
    """

    def __init__(self, learning_rate: float = 1.0, decay: float = 0.0):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.decay = check_non_negative("decay", decay)

    def __call__(self, t: int) -> float:
        return inverse_time_decay(self.learning_rate, self.decay, t)


class InvScaling(Schedule):
    """MLPClassifier's ``learning_rate="invscaling"``, counted in steps:
    ``lr_t = learning_rate / (t + 1) ** power_t``.

    scikit-learn counts *samples* instead of steps and changes the rate only at the
    end of each epoch: after ``k`` epochs over ``n`` rows it uses
    ``learning_rate_init / (k * n + 1) ** power_t`` for the whole next epoch. Here
    ``t`` is the optimizer step, so with batches of ``b`` rows the rate falls about
    ``b ** power_t`` times more slowly and changes at every step. To replay
    scikit-learn's exactly, subclass and map ``t`` to its sample count.

    PyTorch: ``LambdaLR(opt, lambda t: (t + 1) ** -power_t)``; optax:
    ``polynomial_schedule`` is a different (bounded) curve; Keras: none.

    Parameters
    ----------
    learning_rate : float, default=0.001
    power_t : float, default=0.5
        scikit-learn's default.

    Examples
    --------
    >>> from skspiral.schedules import InvScaling
    >>> InvScaling(0.1, power_t=0.5)(3)
    0.05
    """

    def __init__(self, learning_rate: float = 0.001, power_t: float = 0.5):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.power_t = check_non_negative("power_t", power_t)

    def __call__(self, t: int) -> float:
        return self.learning_rate / (t + 1) ** self.power_t


class StepDecay(Schedule):
    """Multiply by ``gamma`` every ``step_size`` steps:
    ``lr_t = learning_rate * gamma ** (t // step_size)``.

    PyTorch: ``StepLR(opt, step_size, gamma)``; optax:
    ``exponential_decay(learning_rate, step_size, gamma, staircase=True)``; Keras:
    ``ExponentialDecay(learning_rate, step_size, gamma, staircase=True)``.

    Parameters
    ----------
    learning_rate : float, default=0.001
    step_size : int, default=1000
        Steps between two cuts.
    gamma : float, default=0.1
        Factor of each cut, in (0, 1].

    Examples
    --------
    >>> from skspiral.schedules import StepDecay
    >>> [StepDecay(1.0, step_size=2, gamma=0.5)(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self, learning_rate: float = 0.001, step_size: int = 1000, gamma: float = 0.1
    ):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.step_size = check_int("step_size", step_size, 1)
        self.gamma = check_positive("gamma", gamma)
        if self.gamma > 1:
            raise ValueError(f"gamma must be in (0, 1], got {gamma!r}.")

    def __call__(self, t: int) -> float:
        return self.learning_rate * self.gamma ** (t // self.step_size)


class ExponentialDecay(Schedule):
    """Smooth exponential decay:
    ``lr_t = learning_rate * decay_rate ** (t / decay_steps)``, with
    ``t // decay_steps`` in the exponent when ``staircase`` (then it is
    :class:`StepDecay`).

    optax: ``exponential_decay(learning_rate, decay_steps, decay_rate,
    staircase=staircase)``; Keras: ``ExponentialDecay`` with the same arguments;
    PyTorch: ``ExponentialLR(opt, gamma=decay_rate)`` is ``decay_steps=1``.

    Parameters
    ----------
    learning_rate : float, default=0.001
    decay_steps : int, default=1000
        Steps over which the rate is multiplied by ``decay_rate``.
    decay_rate : float, default=0.96
        In (0, 1].
    staircase : bool, default=False

    Examples
    --------
    >>> from skspiral.schedules import ExponentialDecay
    >>> ExponentialDecay(1.0, decay_steps=10, decay_rate=0.25)(5)
    0.5
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        decay_steps: int = 1000,
        decay_rate: float = 0.96,
        staircase: bool = False,
    ):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.decay_steps = check_int("decay_steps", decay_steps, 1)
        self.decay_rate = check_positive("decay_rate", decay_rate)
        if self.decay_rate > 1:
            raise ValueError(f"decay_rate must be in (0, 1], got {decay_rate!r}.")
        self.staircase = check_bool("staircase", staircase)

    def __call__(self, t: int) -> float:
        exponent = t // self.decay_steps if self.staircase else t / self.decay_steps
        return self.learning_rate * self.decay_rate**exponent
