"""The ``skspiral`` command line (also ``python -m skspiral``).

Subcommands: ``compare`` (the main job) and ``animate`` (both in
:mod:`~skspiral.tools.compare_cli`), ``train``, ``search`` and ``book``; run
``skspiral COMMAND --help`` for each. Every user mistake (a bad flag or value, an
output folder that cannot be written, a plugin that does not import, an
unreachable scheduler) exits with status 2 and one line on stderr, before any
training starts; the checks live in :mod:`skspiral.tools.arguments`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from .. import __version__
from . import compare_cli, plots, workloads
from . import search as srch
from .arguments import (
    DEFAULT_OUT,
    OUT_HELP,
    SEED_HELP,
    OneLineParser,
    UsageError,
    build_optimizer,
    check_out_dir,
    folds,
    import_plugins,
    n_jobs,
    one_line,
    positive_float,
    positive_int,
    prepare_out_dir,
    say,
    seed,
)
from .train import add_train_parser

__all__ = ["build_parser", "main"]


# ------------------------------------------------------------------ arguments
def _datasets(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in workloads.DATASETS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown dataset(s) {unknown or [text]}; choose from "
            + ",".join(workloads.DATASETS)
        )
    return list(dict.fromkeys(names))


def _add_search(subparsers) -> None:
    p = subparsers.add_parser(
        "search",
        help="GridSearchCV over an optimizer's hyperparameters",
        description=srch.__doc__.split("\n\n")[0] + " Writes DIR/search.csv and "
        "DIR/search_heatmap.png.",
    )
    p.add_argument(
        "--optimizer", default="adam", help="a registered name (default: adam)"
    )
    p.add_argument(
        "--dataset",
        choices=workloads.DATASETS,
        default="spiral",
        help="one of " + ", ".join(workloads.DATASETS) + " (default: %(default)s)",
    )
    p.add_argument(
        "--n-jobs",
        type=n_jobs,
        default=-1,
        help="parallel fits, -1 for all cores/workers (default: %(default)s)",
    )
    p.add_argument("--out", type=check_out_dir, default=DEFAULT_OUT, help=OUT_HELP)
    p.add_argument(
        "--backend",
        choices=srch.BACKENDS,
        default="loky",
        help="joblib backend: " + ", ".join(srch.BACKENDS) + " (default: %(default)s)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://host:8786 (with --backend dask; without "
        "it a two-worker LocalCluster starts on 127.0.0.1)",
    )
    p.add_argument(
        "--scheduler-timeout",
        type=positive_float,
        default=srch.CONNECT_TIMEOUT,
        metavar="SECONDS",
        help="give up reaching --scheduler after this long (default: %(default)g)",
    )
    p.add_argument(
        "--epochs", type=positive_int, default=500, help="(default: %(default)s)"
    )
    p.add_argument(
        "--cv",
        type=folds,
        default=3,
        help="stratified cross-validation folds, at least 2 (default: %(default)s)",
    )
    p.add_argument("--seed", type=seed, default=0, help=SEED_HELP)
    p.set_defaults(handler=run_search)


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="skspiral",
        description="Learn, tune and compare the book's optimizers on "
        "scikit-learn problems.",
    )
    parser.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE first, e.g. one that registers an optimizer "
        "(repeatable; the current folder is searched)",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="one of these; skspiral COMMAND -h lists its flags",
    )
    compare_cli.add_compare(sub)
    compare_cli.add_animate(sub)
    add_train_parser(sub)
    _add_search(sub)
    book = sub.add_parser(
        "book",
        help="the chapter-10 reproduction table",
        description="Rerun the eleven optimizer runs of the book's chapter 10.",
    )
    book.add_argument(
        "--epochs",
        type=positive_int,
        default=10001,
        help="epochs per run; the book's values are for %(default)s",
    )
    book.set_defaults(handler=run_book)
    return parser


# ------------------------------------------------------------------- commands
def run_search(args) -> int:
    build_optimizer(args.optimizer, {})
    if args.scheduler is not None and args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")
    try:
        search, split = srch.make_search(
            args.optimizer,
            args.dataset,
            epochs=args.epochs,
            n_jobs=args.n_jobs,
            cv=args.cv,
            seed=args.seed,
        )
    except srch.TooManyFolds as exc:
        raise UsageError(f"--cv {args.cv}: {one_line(exc)}") from None
    out = prepare_out_dir(args.out)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(
                srch.parallel_backend(
                    args.backend, args.scheduler, timeout=args.scheduler_timeout
                )
            )
        except (srch.MissingDependency, srch.SchedulerUnreachable) as exc:
            raise UsageError(f"--backend {args.backend}: {exc}") from None
        search, test_score = srch.fit_search(search, split)
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
        say(plots.PLOT_HINT)
    print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def run_book(args) -> int:
    from .book import report

    return report(args.epochs)


# ----------------------------------------------------------------------- main
def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = "skspiral"
    try:
        import_plugins(args.plugin)
        prog = f"skspiral {args.command}"
        return args.handler(args)
    except UsageError as exc:
        print(f"{prog}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 130
