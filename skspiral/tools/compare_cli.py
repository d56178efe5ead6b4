"""The ``compare`` and ``animate`` subcommands of :mod:`skspiral.tools.cli`.

Their parsers and command functions live here, beside the tools they drive; the
argument helpers and error reporting (``UsageError``, exit status 2) are the
command line's own, from :mod:`~skspiral.tools.arguments`.
"""

from __future__ import annotations

import argparse
import shlex
import time

import skspiral

from ..optimizers import available_optimizers
from ..schedules import available_schedules
from . import animate as anim
from . import compare as cmp
from . import plots, report, summary, tuning, workloads
from .arguments import (
    DEFAULT_OUT,
    OUT_HELP,
    SEED_HELP,
    UsageError,
    check_optimizer,
    check_out_dir,
    positive_float,
    positive_int,
    prepare_out_dir,
    say,
    seed,
)

__all__ = ["add_animate", "add_compare", "run_animate", "run_compare"]


def _names(text: str) -> list[str]:
    names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if not names:
        raise argparse.ArgumentTypeError(f"no names in {text!r}")
    return names


def _compare_datasets(text: str) -> list[str]:
    names = _names(text)
    known = workloads.DATASETS + workloads.REGRESSION_DATASETS
    unknown = [n for n in names if n not in known]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown dataset(s) {unknown}; choose from " + ",".join(known)
        )
    return names


def _solvers(text: str) -> list[str]:
    if text.strip() == "none":
        return []
    names = _names(text)
    unknown = [n for n in names if n not in tuning.SKLEARN_SPACES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown solver(s) {unknown}; choose from "
            + ",".join(tuning.SKLEARN_SPACES)
            + " or none"
        )
    return names


def add_compare(subparsers) -> None:
    p = subparsers.add_parser(
        "compare",
        help="race optimizers with equal tuning budgets and several seeds "
        "(the main job)",
        description=cmp.__doc__.split("\n\n")[0] + " Writes DIR/results.csv (one "
        "row per run), DIR/summary.csv, DIR/report.html and its pictures.",
    )
    p.add_argument(
        "--task",
        choices=("classification", "regression"),
        default="classification",
        help="classification (accuracy) or regression (R2; needs "
        "MLPScratchRegressor) (%(default)s)",
    )
    p.add_argument(
        "--datasets",
        type=_compare_datasets,
        help="comma-separated subset of the task's datasets: "
        + ",".join(workloads.DATASETS)
        + " or "
        + ",".join(workloads.REGRESSION_DATASETS)
        + " (default: all of the task's)",
    )
    p.add_argument(
        "--optimizers",
        type=_names,
        help="comma-separated registered optimizers, or 'all' (default: the "
        "book's " + ",".join(workloads.BOOK_ORDER) + ")",
    )
    p.add_argument(
        "--sklearn",
        type=_solvers,
        default=list(cmp.DEFAULT_SKLEARN),
        help="scikit-learn solvers to race, or none (default: adam,sgd,lbfgs; "
        "sgd with Nesterov momentum)",
    )
    p.add_argument(
        "--budget",
        type=positive_int,
        help=f"random-search trials per contender (default {cmp.BUDGET}; "
        f"--quick {cmp.QUICK_BUDGET})",
    )
    p.add_argument(
        "--seeds",
        type=positive_int,
        help=f"seeds the tuned setting is retrained with (default {cmp.SEEDS}; "
        f"--quick {cmp.QUICK_SEEDS})",
    )
    p.add_argument(
        "--epochs",
        type=positive_int,
        help="epochs for every run (default: "
        f"{workloads.DEFAULT_EPOCHS['spiral']} on the spiral, "
        f"{workloads.DEFAULT_OTHER} elsewhere; --quick "
        f"{workloads.QUICK_EPOCHS['spiral']} and {workloads.QUICK_OTHER})",
    )
    p.add_argument(
        "--target-loss",
        type=positive_float,
        help="training loss that defines 'time to target' for every dataset "
        "(default: a value per dataset, shown in the report)",
    )
    p.add_argument(
        "--schedule",
        choices=available_schedules(),
        help="give every skspiral optimizer this learning-rate schedule, spanning "
        "each run from the tuned rate (decay is then not tuned)",
    )
    p.add_argument("--seed", type=seed, default=0, help=SEED_HELP)
    p.add_argument("--out", type=check_out_dir, default=DEFAULT_OUT, help=OUT_HELP)
    p.add_argument(
        "--quick", action="store_true", help="small budgets: under 30 s on 2 cores"
    )
    p.set_defaults(handler=run_compare)


def add_animate(subparsers) -> None:
    p = subparsers.add_parser(
        "animate",
        help="an animated GIF of the spiral's decision regions during training",
        description=anim.__doc__.split("\n\n")[0],
    )
    p.add_argument(
        "--optimizers",
        type=_names,
        default=list(workloads.BOOK_ORDER),
        help="comma-separated registered optimizers, one panel each "
        "(default: " + ",".join(workloads.BOOK_ORDER) + ")",
    )
    p.add_argument(
        "--epochs",
        type=positive_int,
        default=anim.EPOCHS,
        help="epochs of full-batch training (%(default)s)",
    )
    p.add_argument(
        "--frames",
        type=positive_int,
        default=anim.FRAMES,
        help="frames in the GIF (%(default)s)",
    )
    p.add_argument("--seed", type=seed, default=0, help=SEED_HELP)
    p.add_argument("--out", default="spiral.gif", help="the GIF to write (%(default)s)")
    p.set_defaults(handler=run_animate)


def _compare_command(args, datasets, optimizers) -> str:
    """The command that reruns this comparison, every setting spelled out."""
    words = ["skspiral", *(f"--plugin={m}" for m in args.plugin), "compare"]
    words += ["--task", args.task, "--datasets", ",".join(datasets)]
    words += ["--optimizers", ",".join(optimizers) or "none"]
    words += ["--sklearn", ",".join(args.sklearn) or "none"]
    for flag in ("budget", "seeds", "epochs", "target_loss", "schedule"):
        if getattr(args, flag) is not None:
            words += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
    words += ["--seed", str(args.seed), "--out", str(args.out)]
    return shlex.join(words + (["--quick"] if args.quick else []))


def _compare_plan(args) -> tuple[list[str], list[str]]:
    """The datasets and skspiral optimizers to race; UsageError if they don't fit."""
    task_sets = {
        "classification": workloads.DATASETS,
        "regression": workloads.REGRESSION_DATASETS,
    }[args.task]
    datasets = args.datasets or list(task_sets)
    wrong = [d for d in datasets if d not in task_sets]
    if wrong:
        raise UsageError(f"--datasets {','.join(wrong)}: not a {args.task} dataset")
    optimizers = args.optimizers or list(workloads.BOOK_ORDER)
    if optimizers == ["all"]:
        optimizers = cmp.ordered(available_optimizers())
    elif optimizers == ["none"]:
        optimizers = []
    for name in optimizers:
        check_optimizer(name)
    if optimizers and args.task == "regression":
        if not hasattr(skspiral, "MLPScratchRegressor"):
            raise UsageError(
                "--task regression needs skspiral.MLPScratchRegressor, which this "
                "version lacks; pass --optimizers none to race scikit-learn alone"
            )
    return datasets, optimizers


def run_compare(args) -> int:
    datasets, optimizers = _compare_plan(args)
    out = prepare_out_dir(args.out)
    command = _compare_command(args, datasets, optimizers)
    say(command)
    start = time.perf_counter()
    result = cmp.run_compare(
        datasets,
        optimizers=optimizers,
        sklearn=args.sklearn,
        budget=args.budget,
        seeds=args.seeds,
        epochs=args.epochs,
        quick=args.quick,
        seed=args.seed,
        target_loss=args.target_loss,
        progress=say,
        schedule=args.schedule,
    )
    seconds = time.perf_counter() - start
    print(summary.format_table(result.summary))
    written = report.write_tables(result, out)
    pictures = report.write_pictures(result, out)
    if not pictures:
        say(plots.PLOT_HINT)
    written += pictures
    written.append(
        report.write_report(
            result, out, command=command, pictures=pictures, seconds=seconds
        )
    )
    print("wrote " + ", ".join(str(p) for p in written))
    print(f"done in {seconds:.1f} s (training) with BLAS pinned to one thread")
    return 0


def run_animate(args) -> int:
    for name in args.optimizers:
        check_optimizer(name)
    if not plots.matplotlib_available():
        raise UsageError(plots.PLOT_HINT)
    start = time.perf_counter()
    path = anim.write_animation(
        args.optimizers,
        args.out,
        epochs=args.epochs,
        frames=args.frames,
        seed=args.seed,
        progress=say,
    )
    print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    return 0
