"""``skspiral train``: one model on the 300-point spiral, the book's progress lines.

Unset optimizer flags take the book's tuned chapter-10 values for the optimizer
(its own defaults for others). The optimizer is built before any training, so its
own range checks report a bad flag as a one-line usage error.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from ..optimizers import get_optimizer_class
from ..schedules import available_schedules, schedule_spanning
from ..training import DivergenceError
from .arguments import (
    SEED_HELP,
    SEED_MAX,
    UsageError,
    build_optimizer,
    one_line,
    positive_int,
    seed,
)
from .workloads import BOOK_SPIRAL

__all__ = ["OPTIMIZER_FLAGS", "add_train_parser", "run_train"]

OPTIMIZER_FLAGS = {
    "learning_rate": "initial learning rate",
    "decay": "the book's 1/t decay: lr / (1 + decay * step)",
    "momentum": "SGD momentum",
    "rho": "RMSprop cache decay",
    "beta_1": "Adam first-moment decay",
    "beta_2": "Adam second-moment decay",
    "epsilon": "adaptive optimizers' denominator guard",
}


def _hidden(text: str) -> tuple[int, ...]:
    return tuple(positive_int(part) for part in text.split(","))


def add_train_parser(subparsers) -> None:
    """Add the ``train`` subcommand to an argparse ``subparsers`` object."""
    p = subparsers.add_parser(
        "train",
        help="train on the spiral with book-style progress lines",
        description="Train MLPScratchClassifier on the 300-point spiral, printing "
        "the book's progress lines. Unset hyperparameters take the book's tuned "
        "chapter-10 values for the optimizer (its own defaults for others); "
        "a flag the optimizer does not take is ignored, with a note.",
    )
    p.add_argument(
        "--optimizer", default="adam", help="a registered name (default: adam)"
    )
    for flag, meaning in OPTIMIZER_FLAGS.items():
        p.add_argument(
            f"--{flag.replace('_', '-')}",
            type=float,
            dest=flag,
            metavar="X",
            help=meaning,
        )
    p.add_argument(
        "--epochs", type=positive_int, help="default: 10001 with --book, else 1000"
    )
    p.add_argument(
        "--hidden",
        type=_hidden,
        default=(64,),
        help="hidden layer widths, e.g. 64 or 64,32 (default: 64)",
    )
    p.add_argument(
        "--book",
        action="store_true",
        help="the book's setup: 0.01*N(0,1) weights drawn after the data from one "
        "RandomState, full batch, no shuffling",
    )
    p.add_argument(
        "--schedule",
        choices=available_schedules(),
        help="a learning-rate schedule starting from the optimizer's rate and "
        "spanning the run (cosine and onecycle end with the last epoch, step "
        "divides by 10 at each third, exponential ends at 1%%)",
    )
    p.add_argument(
        "--warmup-steps",
        type=positive_int,
        help="with --schedule cosine: steps of linear warmup from 0",
    )
    p.add_argument("--seed", type=seed, default=0, help=SEED_HELP)
    p.set_defaults(handler=run_train)


def _train_optimizer(args):
    """The optimizer: the book's tuned values for it, then the flags given.

    Built before any training, so that its own range checks report a bad flag,
    named as it was typed.
    """
    build_optimizer(args.optimizer, {})  # an unknown name: the registered ones
    accepted = get_optimizer_class(args.optimizer).hyperparameters()
    settings = dict(BOOK_SPIRAL.get(args.optimizer, {}))
    for flag in OPTIMIZER_FLAGS:
        value = getattr(args, flag)
        if value is None:
            continue
        if flag not in accepted:
            print(
                f"note: {args.optimizer} does not take {flag}; ignored",
                file=sys.stderr,
            )
            continue
        build_optimizer(args.optimizer, {flag: value}, flag=_option(flag, value))
        settings[flag] = value
    return build_optimizer(args.optimizer, settings)


def _with_schedule(args, optimizer, steps: int):
    """``optimizer`` with its learning rate turned into ``--schedule``'s schedule."""
    if args.schedule is None:
        if args.warmup_steps is not None:
            raise UsageError("--warmup-steps goes with --schedule cosine")
        return optimizer
    params = optimizer.get_params(deep=False)
    if "learning_rate" not in params or not isinstance(params["learning_rate"], float):
        raise UsageError(f"--schedule: {args.optimizer} has no learning rate to vary")
    if args.decay:  # the book's tuned decay, if any, is replaced silently
        raise UsageError(f"--schedule {args.schedule} replaces --decay: give one")
    extra = {}
    if args.warmup_steps is not None:
        if args.schedule != "cosine":
            raise UsageError("--warmup-steps goes with --schedule cosine")
        extra["warmup_steps"] = args.warmup_steps
    try:
        schedule = schedule_spanning(
            args.schedule, params["learning_rate"], steps, **extra
        )
    except (TypeError, ValueError) as error:
        raise UsageError(f"--schedule {args.schedule}: {one_line(error)}") from None
    return optimizer.set_params(learning_rate=schedule, decay=0.0)


def _option(flag: str, value: float) -> str:
    return f"--{flag.replace('_', '-')} {value:g}"


def run_train(args) -> int:
    """Train as ``args`` say; return the exit status (1 if training diverged)."""
    from ..datasets import make_spiral
    from ..estimator import MLPScratchClassifier

    epochs = args.epochs or (10001 if args.book else 1000)
    steps_per_epoch = 1 if args.book else 2  # 300 rows: full batch, or 200 + 100
    optimizer = _with_schedule(args, _train_optimizer(args), epochs * steps_per_epoch)
    # With --book the data (in the book's order) and then the weights come from
    # one stream, as in the book.
    rng = np.random.RandomState(args.seed) if args.book else args.seed
    X, y = make_spiral(300, 3, shuffle=not args.book, random_state=rng)
    test_seed = (args.seed + 1) % (SEED_MAX + 1)
    X_test, y_test = make_spiral(300, 3, random_state=test_seed)
    if args.book:
        setup = {"batch_size": None, "shuffle": False, "weight_init": "book"}
    else:
        setup = {"batch_size": 200, "shuffle": True, "weight_init": "he_normal"}
    clf = MLPScratchClassifier(
        args.hidden,
        activation="relu",
        optimizer=optimizer,
        alpha=0.0,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        random_state=rng,
        verbose=1,
        **setup,
    )
    print(f"training on the spiral: hidden {args.hidden}, {epochs} epochs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter reached is the plan here
        try:
            clf.fit(X, y)
        except DivergenceError as exc:
            print(f"skspiral train: {one_line(exc)}", file=sys.stderr)
            return 1
    print(f"optimizer: {clf.optimizer_!r}")
    print(
        f"train accuracy {clf.score(X, y):.3f}, test accuracy "
        f"{clf.score(X_test, y_test):.3f} (a second spiral, seed {test_seed})"
    )
    return 0
