"""Tuning spaces and the contenders ``compare`` tunes in them.

Every contender gets the same random-search budget. A skspiral optimizer's space
comes from :data:`SPACES` (keyed by registered name); a name the table does not
know gets :func:`fallback_space`: its learning rate log-uniform from 1/30 to 30
times its default. Keys an optimizer does not take are dropped, so the table can
name optimizers other branches add. scikit-learn's solvers get
:data:`SKLEARN_SPACES` over their own keyword names.

Drawn values are rounded to three significant digits, so every setting prints
exactly as it ran.

>>> import numpy as np
>>> from skspiral.tools.tuning import LogUniform, draw
>>> space = {"learning_rate": LogUniform(1e-3, 1.0)}
>>> 1e-3 <= draw(space, np.random.default_rng(0))["learning_rate"] <= 1.0
True
"""

from __future__ import annotations

import math
import numbers
import zlib
from dataclasses import dataclass, field

import numpy as np

from ..optimizers import get_optimizer, get_optimizer_class
from ..schedules import schedule_spanning
from .workloads import HIDDEN

__all__ = [
    "SKLEARN_SPACES",
    "SPACES",
    "Choice",
    "Contender",
    "LogUniform",
    "draw",
    "fallback_space",
    "scratch_contender",
    "sklearn_contender",
    "trial_rng",
]


@dataclass(frozen=True)
class LogUniform:
    """Uniform in ``log(value)`` between ``low`` and ``high``."""

    low: float
    high: float

    def draw(self, rng: np.random.Generator) -> float:
        value = math.exp(rng.uniform(math.log(self.low), math.log(self.high)))
        return float(f"{value:.3g}")

    def __str__(self) -> str:
        return f"log-uniform [{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class Choice:
    """One of ``values``, each equally likely."""

    values: tuple

    def draw(self, rng: np.random.Generator):
        return self.values[int(rng.integers(len(self.values)))]

    def __str__(self) -> str:
        shown = (f"{v:g}" if isinstance(v, float) else repr(v) for v in self.values)
        return "one of {" + ", ".join(shown) + "}"


_DECAY = Choice((0.0, 1e-4, 1e-3))  # the book's 1/t decay
_BETA_1 = Choice((0.8, 0.9, 0.95))
_ADAM_LR = LogUniform(1e-4, 1e-1)
# Main hyperparameters per registered name. Ranges follow common practice (the
# adaptive methods' rates an order or two below sgd's; Lion's 3-10x below Adam's).
SPACES: dict[str, dict] = {
    "sgd": {
        "learning_rate": LogUniform(1e-3, 1.0),
        "momentum": Choice((0.0, 0.5, 0.9, 0.95)),
        "decay": _DECAY,
    },
    "nesterov": {
        "learning_rate": LogUniform(1e-3, 1.0),
        "momentum": Choice((0.5, 0.9, 0.95)),
    },
    "adagrad": {"learning_rate": LogUniform(1e-3, 1.0), "decay": _DECAY},
    "rmsprop": {
        "learning_rate": _ADAM_LR,
        "rho": Choice((0.9, 0.99, 0.999)),
        "decay": _DECAY,
    },
    "adam": {"learning_rate": _ADAM_LR, "beta_1": _BETA_1, "decay": _DECAY},
    "adamw": {
        "learning_rate": _ADAM_LR,
        "beta_1": _BETA_1,
        "weight_decay": LogUniform(1e-5, 1e-1),
    },
    "nadam": {"learning_rate": _ADAM_LR, "beta_1": _BETA_1},
    "radam": {"learning_rate": _ADAM_LR, "beta_1": _BETA_1},
    "amsgrad": {"learning_rate": _ADAM_LR, "beta_1": _BETA_1},
    "adamax": {"learning_rate": LogUniform(1e-4, 3e-1), "beta_1": _BETA_1},
    "adadelta": {"learning_rate": LogUniform(1e-2, 10.0), "rho": Choice((0.9, 0.95))},
    "lion": {
        "learning_rate": LogUniform(1e-5, 1e-2),
        "weight_decay": Choice((0.0, 1e-3, 1e-2)),
    },
    "muon": {"learning_rate": _ADAM_LR, "momentum": Choice((0.9, 0.95))},
    "schedule_free_adamw": {"learning_rate": _ADAM_LR, "beta_1": _BETA_1},
    "lookahead": {  # around its inner optimizer (adam by default)
        "inner__learning_rate": _ADAM_LR,
        "k": Choice((5, 10)),
        "alpha": Choice((0.5, 0.8)),
    },
}
SKLEARN_SPACES: dict[str, dict] = {
    "adam": {"learning_rate_init": _ADAM_LR, "beta_1": _BETA_1},
    "sgd": {
        "learning_rate_init": LogUniform(1e-3, 1.0),
        "momentum": Choice((0.5, 0.9, 0.95)),
    },
    "lbfgs": {},  # no learning rate: every trial is the same run
}
# MLPClassifier's fixed settings per solver (sgd: Nesterov momentum, constant rate).
SKLEARN_FIXED = {
    "sgd": {"nesterovs_momentum": True, "learning_rate": "constant"},
}


def fallback_space(optimizer: str) -> dict:
    """The learning rate log-uniform over [default/30, default*30] (1e-3 if unknown)."""
    accepted = get_optimizer_class(optimizer).hyperparameters()
    if "learning_rate" not in accepted:
        return {}
    default = accepted["learning_rate"]
    if not isinstance(default, numbers.Real) or default <= 0:
        default = 1e-3
    return {"learning_rate": LogUniform(default / 30, default * 30)}


def _scratch_space(optimizer: str) -> dict:
    if optimizer not in SPACES:
        return fallback_space(optimizer)
    accepted = get_optimizer(optimizer).get_params(deep=True)  # inner__... too
    return {k: v for k, v in SPACES[optimizer].items() if k in accepted}


def draw(space: dict, rng: np.random.Generator) -> dict:
    """One setting: a value from each distribution, in the space's order."""
    return {name: dist.draw(rng) for name, dist in space.items()}


def trial_rng(seed: int, dataset: str, label: str) -> np.random.Generator:
    """The draws for one (dataset, contender), independent of which others run."""
    keys = [zlib.crc32(text.encode()) for text in (dataset, label)]
    return np.random.default_rng([seed, *keys])


@dataclass(frozen=True)
class Contender:
    """One line of the race: a skspiral optimizer or a scikit-learn solver."""

    label: str
    name: str
    space: dict = field(hash=False)
    sklearn: bool = False
    schedule: str | None = None  # a schedule spanning each run (skspiral only)

    def build(self, settings: dict, task: str, *, epochs: int, seed: int, n_samples=0):
        """The unfitted estimator for ``settings`` (the rest as every contender)."""
        common = {
            "hidden_layer_sizes": HIDDEN,
            "activation": "relu",
            "alpha": 0.0,
            "batch_size": "auto",  # min(200, n_samples) on both sides
            "max_iter": epochs,
            "shuffle": True,
            "tol": 0.0,  # early stopping off: every run trains all its epochs
            "n_iter_no_change": epochs,
            "early_stopping": False,
            "random_state": seed,
        }
        if self.sklearn:
            from sklearn import neural_network

            cls = neural_network.MLPClassifier
            if task == "regression":
                cls = neural_network.MLPRegressor
            fixed = SKLEARN_FIXED.get(self.name, {})
            return cls(solver=self.name, **common, **fixed, **settings)
        import skspiral

        cls = skspiral.MLPScratchClassifier
        if task == "regression":
            cls = skspiral.MLPScratchRegressor
        optimizer = self._optimizer(settings)
        if self.schedule is not None:
            batch = max(1, min(200, n_samples))  # batch_size="auto"
            steps = epochs * -(-n_samples // batch)
            rate = optimizer.learning_rate
            schedule = schedule_spanning(self.schedule, rate, steps)
            optimizer.set_params(learning_rate=schedule, decay=0.0)
        return cls(optimizer=optimizer, weight_init="glorot_uniform", **common)

    def _optimizer(self, settings: dict):
        """The optimizer with ``settings``; ``inner__x`` keys go to a wrapped one."""
        flat = {k: v for k, v in settings.items() if "__" not in k}
        optimizer = get_optimizer(self.name, **flat)
        return optimizer.set_params(**{k: v for k, v in settings.items() if "__" in k})

    def describe(self, settings: dict) -> str:
        """Every optimizer setting the run used, as ``SGD(learning_rate=0.1, ...)``."""
        if self.sklearn:
            values = {**SKLEARN_FIXED.get(self.name, {}), **settings}
            inner = ", ".join(f"{k}={v!r}" for k, v in values.items())
            return f"solver={self.name!r}" + (f", {inner}" if inner else "")
        described = repr(self._optimizer(settings))
        if self.schedule is not None:
            described += f" with its rate as the start of {self.schedule!r} per run"
        return described


def scratch_contender(optimizer: str, schedule: str | None = None) -> Contender:
    """A registered skspiral optimizer, labelled by its name (and its schedule).

    With ``schedule``, each run's tuned learning rate is the start (or peak) of
    that schedule spanning the run, and ``decay`` is not tuned. An optimizer
    without a learning rate of its own (lbfgs, lookahead) runs unscheduled.
    """
    space = _scratch_space(optimizer)
    if schedule is None or not isinstance(
        get_optimizer(optimizer).get_params(deep=False).get("learning_rate"), float
    ):
        return Contender(optimizer, optimizer, space)
    space = {k: v for k, v in space.items() if k != "decay"}
    return Contender(f"{optimizer}+{schedule}", optimizer, space, schedule=schedule)


def sklearn_contender(solver: str, task: str = "classification") -> Contender:
    """scikit-learn's MLPClassifier (or MLPRegressor) with ``solver``."""
    if solver not in SKLEARN_SPACES:
        raise ValueError(
            f"unknown solver {solver!r}; choose from {list(SKLEARN_SPACES)}"
        )
    cls = "MLPRegressor" if task == "regression" else "MLPClassifier"
    suffix = ", nesterov" if solver == "sgd" else ""
    return Contender(f"{cls}({solver}{suffix})", solver, SKLEARN_SPACES[solver], True)
