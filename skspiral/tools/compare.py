"""The main job: optimizers raced fairly, with equal tuning budgets and several seeds.

For each dataset (:mod:`~skspiral.tools.workloads`) and each contender (skspiral
optimizers and scikit-learn's solvers, :mod:`~skspiral.tools.tuning`):

1. **Tune**: ``budget`` random-search trials over the contender's space, each
   trained on 80% of the training part and scored on the other 20% (stratified
   for classification; the test part is never seen). The lowest validation loss
   wins (log-loss, or mean squared error: smoother than accuracy on a few dozen
   rows); ties go to the higher validation score, then to the earlier trial.
2. **Retrain** the winning setting on the whole training part with ``seeds``
   seeds (``seed + 1``, ``seed + 2``, ...) and score each on the test part.

Every run trains the same network (one hidden layer of 64 ReLU units, no L2,
mini-batches of ``min(200, n)``, reshuffled each epoch) for the dataset's epoch
budget, early stopping off, with BLAS pinned to one thread. The summary's
intervals are over training seeds on one fixed split (:mod:`~skspiral.tools.stats`).

>>> from skspiral.tools.compare import run_compare
>>> result = run_compare(["iris"], optimizers=["adam"], sklearn=["adam"],
...                      budget=2, seeds=2, epochs=3)
>>> [(r["model"], r["phase"]) for r in result.runs][::2]
[('adam', 'tune'), ('adam', 'final'), ('MLPClassifier(adam)', 'tune'), \
('MLPClassifier(adam)', 'final')]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

import skspiral

from .runs import fit_and_measure
from .summary import summarise
from .tuning import Contender, draw, scratch_contender, sklearn_contender, trial_rng
from .workloads import (
    BOOK_ORDER,
    DATASETS,
    HIDDEN,
    TARGET_LOSS,
    Split,
    epoch_budget,
    load_dataset,
    task_of,
)

__all__ = [
    "CompareResult",
    "Plan",
    "make_contenders",
    "ordered",
    "run_compare",
]

BUDGET, SEEDS, QUICK_BUDGET, QUICK_SEEDS = 20, 5, 4, 3
DEFAULT_SKLEARN = ("adam", "sgd", "lbfgs")
VALIDATION_FRACTION = 0.2


@dataclass
class Plan:
    """What one ``compare`` run does; every field is reported with the results."""

    datasets: list[str]
    contenders: list[Contender]
    task: str
    budget: int
    seeds: int
    epochs: dict[str, int]
    targets: dict[str, float]
    seed: int


@dataclass
class CompareResult:
    """Every run, the summary, loss curves per seed and each best-seed model."""

    plan: Plan
    runs: list[dict] = field(default_factory=list)
    summary: list[dict] = field(default_factory=list)
    curves: dict[str, dict[str, list[list[float]]]] = field(default_factory=dict)
    models: dict[str, dict[str, object]] = field(default_factory=dict)
    splits: dict[str, Split] = field(default_factory=dict)


def ordered(names: Sequence[str]) -> list[str]:
    """The book's optimizers first, in its order, then the others as given."""
    book = [name for name in BOOK_ORDER if name in names]
    return book + [name for name in names if name not in BOOK_ORDER]


def make_contenders(
    optimizers: Sequence[str] | None,
    sklearn: Sequence[str],
    task: str,
    schedule: str | None = None,
) -> list[Contender]:
    """skspiral's optimizers (default: the book's four), then scikit-learn's solvers."""
    names = list(BOOK_ORDER) if optimizers is None else list(optimizers)
    if names and task == "regression" and not hasattr(skspiral, "MLPScratchRegressor"):
        raise ValueError(
            "the regression race needs skspiral.MLPScratchRegressor, which this "
            "version of skspiral lacks; race scikit-learn's solvers only with "
            "optimizers=[]."
        )
    return [scratch_contender(n, schedule) for n in dict.fromkeys(names)] + [
        sklearn_contender(s, task) for s in dict.fromkeys(sklearn)
    ]


def _validation_part(split: Split, task: str, seed: int):
    stratify = split.y_train if task == "classification" else None
    return train_test_split(
        split.X_train,
        split.y_train,
        test_size=VALIDATION_FRACTION,
        stratify=stratify,
        random_state=seed,
    )


class _Race:
    """Runs the plan, collecting rows; ``progress`` gets one line per run."""

    def __init__(self, plan: Plan, progress: Callable[[str], None] | None):
        self.plan, self.progress = plan, progress
        self.result = CompareResult(plan)
        per_pair = plan.budget + plan.seeds
        self.total = per_pair * len(plan.datasets) * len(plan.contenders)
        self.done = 0

    def record(self, dataset, contender, phase, index, settings, row):
        plan = self.plan
        rate = settings.get("learning_rate", settings.get("learning_rate_init"))
        full = {
            "dataset": dataset,
            "task": plan.task,
            "model": contender.label,
            "phase": phase,
            "index": index,
            "seed": plan.seed if phase == "tune" else (plan.seed + index) % 2**32,
            "eval_on": "validation" if phase == "tune" else "test",
            "settings": contender.describe(settings),
            "learning_rate": math.nan if rate is None else rate,
            "hidden_layer_sizes": ",".join(map(str, HIDDEN)),
            "batch_size": "min(200, n)",
            "max_epochs": plan.epochs[dataset],
            "target_loss": plan.targets[dataset],
            **row,
        }
        self.result.runs.append(full)
        self.done += 1
        if self.progress is not None:
            count = plan.budget if phase == "tune" else plan.seeds
            line = f"{row['score']:.3f} ({row['fit_seconds']:.2f} s)"
            if row["status"] != "ok":
                line = row["status"]
            self.progress(
                f"[{self.done:>{len(str(self.total))}}/{self.total}] {dataset:<13} "
                f"{contender.label:<28} {phase:<5} {index}/{count}  {line}"
            )

    def tune(self, dataset, contender, data) -> dict:
        plan = self.plan
        rng = trial_rng(plan.seed, dataset, contender.label)
        seen: dict[str, dict] = {}  # the same setting twice: the same run, reused
        best, best_key = None, None
        for trial in range(1, plan.budget + 1):
            settings = draw(contender.space, rng)
            key = contender.describe(settings)
            if key not in seen:
                seen[key] = fit_and_measure(
                    contender,
                    settings,
                    plan.task,
                    data,
                    epochs=plan.epochs[dataset],
                    seed=plan.seed,
                    target=plan.targets[dataset],
                )[0]
            row = seen[key]
            self.record(dataset, contender, "tune", trial, settings, row)
            rank = (-_or(row["loss"], math.inf), _or(row["score"], -math.inf))
            if best_key is None or rank > best_key:
                best, best_key = settings, rank
        return best

    def final(self, dataset, contender, settings, data) -> None:
        plan, result = self.plan, self.result
        curves = result.curves.setdefault(dataset, {})
        best_score = -math.inf
        for k in range(1, plan.seeds + 1):
            row, model, curve = fit_and_measure(
                contender,
                settings,
                plan.task,
                data,
                epochs=plan.epochs[dataset],
                seed=(plan.seed + k) % 2**32,
                target=plan.targets[dataset],
            )
            self.record(dataset, contender, "final", k, settings, row)
            if curve:
                curves.setdefault(contender.label, []).append(curve)
            if model is not None and _or(row["score"], -math.inf) > best_score:
                best_score = row["score"]
                result.models.setdefault(dataset, {})[contender.label] = model

    def run(self) -> CompareResult:
        plan = self.plan
        with threadpool_limits(limits=1, user_api="blas"):
            for dataset in plan.datasets:
                split = load_dataset(dataset, plan.seed)
                self.result.splits[dataset] = split
                X_fit, X_val, y_fit, y_val = _validation_part(
                    split, plan.task, plan.seed
                )
                tuning = (X_fit, y_fit, X_val, y_val)
                testing = (split.X_train, split.y_train, split.X_test, split.y_test)
                for contender in plan.contenders:
                    settings = self.tune(dataset, contender, tuning)
                    self.final(dataset, contender, settings, testing)
        self.result.summary = summarise(self.result.runs)
        return self.result


def _or(value: float, fallback: float) -> float:
    return fallback if value is None or np.isnan(value) else value


def run_compare(
    datasets: Sequence[str] = DATASETS,
    *,
    optimizers: Sequence[str] | None = None,
    sklearn: Sequence[str] = DEFAULT_SKLEARN,
    budget: int | None = None,
    seeds: int | None = None,
    epochs: int | None = None,
    quick: bool = False,
    seed: int = 0,
    target_loss: float | None = None,
    progress: Callable[[str], None] | None = None,
    schedule: str | None = None,
) -> CompareResult:
    """Tune and retrain every contender on every dataset; see the module docstring.

    ``budget``, ``seeds`` and ``epochs`` default to the full run's (20 trials, 5
    seeds, 1000 epochs on the spiral and 200 elsewhere) or, with ``quick``, to
    4, 3 and 300/40. ``target_loss`` replaces :data:`TARGET_LOSS` for every
    dataset. ``schedule`` (a name of :func:`skspiral.schedules.available_schedules`)
    makes every skspiral optimizer's tuned rate the start of that schedule. All
    datasets must share a task (classification or regression).
    """
    tasks = {task_of(name) for name in datasets}
    if len(tasks) != 1:
        raise ValueError(f"datasets of one task only, got {sorted(tasks)}.")
    task = tasks.pop()
    plan = Plan(
        datasets=list(dict.fromkeys(datasets)),
        contenders=make_contenders(optimizers, sklearn, task, schedule),
        task=task,
        budget=budget or (QUICK_BUDGET if quick else BUDGET),
        seeds=seeds or (QUICK_SEEDS if quick else SEEDS),
        epochs={d: epoch_budget(d, epochs, quick) for d in datasets},
        targets={d: target_loss or TARGET_LOSS.get(d, 0.1) for d in datasets},
        seed=seed,
    )
    return _Race(plan, progress).run()
