"""The ``skspiral`` command line (also ``python -m skspiral``).

Subcommands: ``compare`` (the main job, with ``animate`` in
:mod:`~skspiral.tools.compare_cli`), ``train``, ``search`` and ``book``; run
``skspiral COMMAND --help`` for each. Bad arguments exit with status 2 and a
one-line message, as argparse does.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from ..optimizers import available_optimizers, get_optimizer_class
from . import compare_cli, plots, workloads
from . import search as srch

__all__ = ["build_parser", "main"]

DEFAULT_OUT = "skspiral-results"
OPTIMIZER_FLAGS = ("learning_rate", "decay", "momentum", "rho", "beta_1", "beta_2")


class UsageError(Exception):
    """A bad argument found after parsing; reported like argparse's (status 2)."""


# ------------------------------------------------------------------ arguments
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _datasets(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in workloads.DATASETS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown dataset(s) {unknown or [text]}; choose from "
            + ",".join(workloads.DATASETS)
        )
    return list(dict.fromkeys(names))


def _hidden(text: str) -> tuple[int, ...]:
    return tuple(_positive_int(part) for part in text.split(","))


def _add_train(subparsers) -> None:
    p = subparsers.add_parser(
        "train",
        help="train on the spiral with book-style progress lines",
        description="Train MLPScratchClassifier on the 300-point spiral, printing "
        "the book's progress lines. Unset hyperparameters take the book's tuned "
        "chapter-10 values for the optimizer (its own defaults for others).",
    )
    p.add_argument("--optimizer", default="adam", help="a registered name (adam)")
    for flag in OPTIMIZER_FLAGS:
        p.add_argument(f"--{flag.replace('_', '-')}", type=float, dest=flag)
    p.add_argument(
        "--epochs", type=_positive_int, help="default: 10001 with --book, else 1000"
    )
    p.add_argument(
        "--hidden", type=_hidden, default=(64,), help="layer widths, e.g. 64 or 64,32"
    )
    p.add_argument(
        "--book",
        action="store_true",
        help="the book's setup: 0.01*N(0,1) weights drawn after the data from one "
        "RandomState, full batch, no shuffling",
    )
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(handler=run_train)


def _add_search(subparsers) -> None:
    p = subparsers.add_parser(
        "search",
        help="GridSearchCV over an optimizer's hyperparameters",
        description=srch.__doc__.split("\n\n")[0] + " Writes DIR/search.csv and "
        "DIR/search_heatmap.png.",
    )
    p.add_argument("--optimizer", default="adam", help="a registered name (adam)")
    p.add_argument("--dataset", choices=workloads.DATASETS, default="spiral")
    p.add_argument(
        "--n-jobs", type=int, default=-1, help="parallel fits (-1: all cores/workers)"
    )
    p.add_argument("--out", default=DEFAULT_OUT, help="output folder (%(default)s)")
    p.add_argument("--backend", choices=srch.BACKENDS, default="loky")
    p.add_argument("--scheduler", help="dask scheduler address (with --backend dask)")
    p.add_argument("--epochs", type=_positive_int, default=500, help="(500)")
    p.add_argument("--cv", type=_positive_int, default=3, help="folds (3)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(handler=run_search)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skspiral",
        description="Learn, tune and compare the book's optimizers on "
        "scikit-learn problems.",
    )
    parser.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE first, e.g. one that registers an optimizer",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    compare_cli.add_compare(sub)
    compare_cli.add_animate(sub)
    _add_train(sub)
    _add_search(sub)
    book = sub.add_parser(
        "book",
        help="the chapter-10 reproduction table",
        description="Rerun the eleven optimizer runs of the book's chapter 10.",
    )
    book.add_argument("--epochs", type=_positive_int, default=10001)
    book.set_defaults(handler=run_book)
    return parser


def _check_optimizer(name: str) -> None:
    if name not in available_optimizers():
        raise UsageError(
            f"unknown optimizer {name!r}; registered: "
            + ", ".join(available_optimizers())
        )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------- commands
def _train_settings(args) -> dict:
    """The book's tuned values for the optimizer, then the flags given."""
    accepted = get_optimizer_class(args.optimizer).hyperparameters()
    settings = dict(workloads.BOOK_SPIRAL.get(args.optimizer, {}))
    for flag in OPTIMIZER_FLAGS:
        value = getattr(args, flag)
        if value is None:
            continue
        if flag not in accepted:
            _say(f"note: {args.optimizer} does not take {flag}; ignored")
        settings[flag] = value
    return settings


def run_train(args) -> int:
    from ..datasets import make_spiral
    from ..estimator import MLPScratchClassifier

    _check_optimizer(args.optimizer)
    epochs = args.epochs or (10001 if args.book else 1000)
    # With --book the data and then the weights come from one stream, as in the book.
    rng = np.random.RandomState(args.seed) if args.book else args.seed
    X, y = make_spiral(300, 3, random_state=rng)
    X_test, y_test = make_spiral(300, 3, random_state=args.seed + 1)
    setup = {"batch_size": None, "shuffle": False, "weight_init": "book"}
    clf = MLPScratchClassifier(
        args.hidden,
        optimizer=args.optimizer,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        random_state=rng,
        verbose=1,
        **(setup if args.book else {}),
        **_train_settings(args),
    )
    print(f"training on the spiral: hidden {args.hidden}, {epochs} epochs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter reached is the plan here
        clf.fit(X, y)
    print(f"optimizer: {clf.optimizer_!r}")
    print(
        f"train accuracy {clf.score(X, y):.3f}, test accuracy "
        f"{clf.score(X_test, y_test):.3f} (a second spiral, seed {args.seed + 1})"
    )
    return 0


def run_search(args) -> int:
    _check_optimizer(args.optimizer)
    if args.scheduler is not None and args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with srch.parallel_backend(args.backend, args.scheduler):
            search, test_score = srch.run_search(
                args.optimizer,
                args.dataset,
                epochs=args.epochs,
                n_jobs=args.n_jobs,
                cv=args.cv,
                seed=args.seed,
            )
    except srch.MissingDependency as exc:
        raise UsageError(str(exc)) from None
    rows = srch.result_rows(search)
    best = {k.split("__", 1)[1]: v for k, v in search.best_params_.items()}
    print(f"best parameters: {best}")
    print(
        f"best mean CV accuracy {search.best_score_:.3f}; "
        f"test accuracy of the refitted best {test_score:.3f}\n"
    )
    print(srch.format_rows(rows))
    srch.write_csv(rows, out / "search.csv")
    written = [out / "search.csv"]
    if plots.matplotlib_available():
        fig = plots.plot_search_heatmap(
            rows, title=f"{args.optimizer} on {args.dataset}: mean CV accuracy"
        )
        plots.save(fig, out / "search_heatmap.png")
        written.append(out / "search_heatmap.png")
    else:
        _say(plots.PLOT_HINT)
    print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def run_book(args) -> int:
    from .book import report

    return report(args.epochs)


# ----------------------------------------------------------------------- main
def _import_plugins(parser, modules) -> None:
    if modules and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # the console script lacks the cwd
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            parser.error(f"--plugin {module}: {exc}")


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _import_plugins(parser, args.plugin)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"skspiral {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
