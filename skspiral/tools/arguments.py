"""The command line's argument checks: argparse ``type=`` functions and friends.

Every user mistake becomes one line on stderr and exit status 2, before any work
starts. Checks that need only the text are ``type=`` functions (argparse reports
their ``ArgumentTypeError`` as ``argument --flag: message``); checks that need the
file system or an import raise :class:`UsageError`, which ``main`` prints the same
way. Ranges of optimizer hyperparameters are not restated here: the optimizer owns
them (see :func:`build_optimizer`).

>>> seed("4294967295")
4294967295
>>> n_jobs("-1"), positive_int("3")
(-1, 3)
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from pathlib import Path

from ..optimizers import available_optimizers, get_optimizer

__all__ = [
    "OUT_HELP",
    "SEED_HELP",
    "SEED_MAX",
    "OneLineParser",
    "UsageError",
    "build_optimizer",
    "check_out_dir",
    "folds",
    "import_plugins",
    "n_jobs",
    "one_line",
    "positive_float",
    "positive_int",
    "prepare_out_dir",
    "seed",
]

DEFAULT_OUT = "skspiral-results"
SEED_MAX = 2**32 - 1  # numpy.random.RandomState takes 0 .. 2**32 - 1
SEED_HELP = f"random seed, 0 to {SEED_MAX} (default: %(default)s)"
OUT_HELP = "output folder, made if missing (default: %(default)s)"


class UsageError(Exception):
    """A bad argument found after parsing; reported like argparse's (status 2)."""


def one_line(text: str) -> str:
    """``text`` with its line breaks and runs of spaces folded into single spaces."""
    return " ".join(str(text).split())


class OneLineParser(argparse.ArgumentParser):
    """argparse, except that an error is one line on stderr (then exit status 2).

    The usage block argparse prints first is replaced by a pointer to ``--help``.
    Subparsers inherit the class.
    """

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} -h)\n")


# ------------------------------------------------------------- type= functions
def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def positive_int(text: str) -> int:
    """An integer >= 1."""
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0 (a time, say)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def seed(text: str) -> int:
    """A random seed NumPy accepts: 0 .. 4294967295."""
    value = _integer(text)
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(
            f"must be between 0 and {SEED_MAX}, got {value}"
        )
    return value


def n_jobs(text: str) -> int:
    """joblib's ``n_jobs``: a positive count, or -1 (all cores), -2 (all but one)..."""
    value = _integer(text)
    if value == 0:
        raise argparse.ArgumentTypeError(
            "must be a number of parallel jobs (1, 2, ...) or -1 for all cores, not 0"
        )
    return value


def folds(text: str) -> int:
    """A number of cross-validation folds: at least 2."""
    value = _integer(text)
    if value < 2:
        raise argparse.ArgumentTypeError(
            f"cross-validation needs at least 2 folds, got {value}"
        )
    return value


def check_out_dir(text: str) -> Path:
    """An output folder that exists or can be made, and can be written to.

    A ``type=`` function: it looks only, making nothing (argparse also runs it on
    the default). :func:`prepare_out_dir` makes the folder before any training.
    """
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    ancestor = path
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise argparse.ArgumentTypeError(f"{text} would be under {ancestor}, a file")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        where = "" if ancestor == path else f" (in {ancestor})"
        raise argparse.ArgumentTypeError(f"cannot write to {text}{where}")
    return path


def prepare_out_dir(path) -> Path:
    """Make the output folder and prove it writable, or raise :class:`UsageError`.

    Call it before any training, so that a bad ``--out`` costs no work.
    """
    try:
        path = check_out_dir(str(path))
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"--out: {exc}") from None
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot write there ({exc.strerror})") from None
    return path


# ------------------------------------------------------- checks after parsing
def build_optimizer(name: str, hyperparams: dict, *, flag: str | None = None):
    """The optimizer ``name`` with ``hyperparams``; its own checks as a UsageError.

    The message starts with ``flag`` (the option as typed) when given, else with
    ``--optimizer name``.
    """
    if name not in available_optimizers():
        raise UsageError(
            f"unknown optimizer {name!r}; registered: "
            + ", ".join(available_optimizers())
        )
    try:
        return get_optimizer(name, **hyperparams)
    except (TypeError, ValueError) as exc:
        where = flag or f"--optimizer {name}"
        raise UsageError(f"{where}: {name}: {one_line(exc)}") from None


def import_plugins(modules) -> None:
    """Import each ``--plugin`` module; any failure is a one-line UsageError."""
    if modules and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # the console script lacks the cwd
    for module in modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module or module.startswith(f"{exc.name}."):
                raise UsageError(
                    f"--plugin {module}: no module named {exc.name!r} in the "
                    "current folder or on the Python path"
                ) from None
            raise UsageError(_failed(module, exc)) from None
        except SystemExit as exc:
            raise UsageError(
                f"--plugin {module}: the module called sys.exit({exc.code!r}) "
                "while being imported"
            ) from None
        except Exception as exc:  # a plugin may fail in any way: report it
            raise UsageError(_failed(module, exc)) from None


def _failed(module: str, exc: BaseException) -> str:
    return (
        f"--plugin {module}: importing it raised {type(exc).__name__}: "
        f"{one_line(exc) or '(no message)'}"
    )


def check_optimizer(name: str) -> None:
    """A registered optimizer name, or a UsageError listing them."""
    if name not in available_optimizers():
        raise UsageError(
            f"unknown optimizer {name!r}; registered: "
            + ", ".join(available_optimizers())
        )


def say(message: str) -> None:
    """A progress or hint line, on stderr so that stdout stays the result."""
    print(message, file=sys.stderr, flush=True)
