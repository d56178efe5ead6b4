"""The command line, run as a user runs it: ``python -m skspiral ...`` in a subprocess.

A few checks of help texts and argument errors call :func:`main` in-process, which
is the same code without the interpreter start-up.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import read_csv, skspiral

from skspiral import MLPScratchClassifier, __version__
from skspiral.optimizers import registry
from skspiral.tools import compare
from skspiral.tools import search as srch
from skspiral.tools.cli import build_parser, main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOT_HINT = 'pip install "skspiral[plot]"'


def assert_valid_png(path):
    from matplotlib.image import imread

    assert path.read_bytes()[:8] == PNG_SIGNATURE
    height, width = imread(path).shape[:2]
    assert height > 0 and width > 0


def env_shadowing(tmp_path, package):
    """An environment in which importing ``package`` raises ImportError."""
    fake = tmp_path / "shadow" / package
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(f"raise ImportError('no {package} here')\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(fake.parent), *filter(None, [env.get("PYTHONPATH")])]
    )
    return env


# ------------------------------------------------------------------ arguments
def test_help_lists_every_subcommand():
    done = skspiral("--help")
    assert done.returncode == 0
    for command in ("compare", "train", "search", "book"):
        assert command in done.stdout


@pytest.mark.parametrize(
    "command, flags",
    [
        ("compare", ["--datasets", "--epochs", "--seed", "--out", "--quick"]),
        (
            "train",
            ["--optimizer", "--learning-rate", "--beta-2", "--epsilon", "--hidden"],
        ),
        (
            "search",
            ["--optimizer", "--dataset", "--n-jobs", "--backend", "--scheduler"],
        ),
        ("book", ["--epochs"]),
    ],
)
def test_each_subcommand_has_help(command, flags, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: skspiral {command}")
    for flag in flags:
        assert flag in out


def all_parsers(parser):
    """``parser`` and every subcommand's parser."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from all_parsers(sub)


def test_every_flag_of_every_subcommand_has_help_text():
    bare = [
        f"{p.prog} {'/'.join(a.option_strings) or a.dest}"
        for p in all_parsers(build_parser())
        for a in p._actions
        if not a.help or a.help == argparse.SUPPRESS
    ]
    assert bare == []


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"skspiral {__version__}\n"


def test_a_bad_flag_exits_2_with_a_one_line_message():
    done = skspiral("compare", "--epochs", "zero")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "skspiral compare: error: argument --epochs: not an integer: 'zero' "
        "(see skspiral compare -h)"
    ]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--epochs", "0"], "--epochs: must be at least 1"),
        (["compare", "--datasets", "spiral,mnist"], "unknown dataset(s) ['mnist']"),
        (["compare", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
        (["search", "--backend", "spark"], "invalid choice: 'spark'"),
        (["search", "--dataset", "mnist"], "invalid choice: 'mnist'"),
        (["train", "--learning-rate", "fast"], "invalid float value: 'fast'"),
        (["train", "--hidden", "64,x"], "--hidden: not an integer: 'x'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(argv, message, capsys):
    status, line = one_error_line(argv, capsys)
    assert status == 2
    assert message in line


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--optimizer", "adabelief"], "unknown optimizer 'adabelief'"),
        (["search", "--optimizer", "adabelief"], "unknown optimizer 'adabelief'"),
        (["search", "--scheduler", "tcp://127.0.0.1:8786"], "needs --backend dask"),
    ],
)
def test_bad_values_found_after_parsing_also_exit_2(argv, message, capsys):
    status, line = one_error_line(argv, capsys)
    assert status == 2
    assert line.startswith(f"skspiral {argv[0]}: error:") and message in line


# ------------------------------------------------- user mistakes: one line, 2
def one_error_line(argv, capsys):
    """Run ``main(argv)``; return its exit status and its only stderr line.

    Fails if stderr holds anything but one line, or a traceback.
    """
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return status, lines[0]


@pytest.fixture
def no_training(monkeypatch):
    """Make any training fail the test: the checks must come before it."""

    def trained(*args, **kwargs):
        raise AssertionError("training started before the arguments were checked")

    monkeypatch.setattr(compare, "run_compare", trained)
    monkeypatch.setattr(srch, "fit_search", trained)
    monkeypatch.setattr(MLPScratchClassifier, "fit", trained)


@pytest.fixture
def isolated_registry(monkeypatch):
    """Names a plugin registers vanish after the test."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["train", "--learning-rate", "-1"],
            "error: --learning-rate -1: adam: learning_rate must be > 0, got -1.0",
        ),
        (
            ["train", "--optimizer", "sgd", "--momentum", "1.5"],
            "--momentum 1.5: sgd: momentum must be in [0, 1), got 1.5",
        ),
        (["train", "--decay", "-1"], "--decay -1: adam: decay must be >= 0"),
        (["train", "--beta-2", "1"], "beta_2 must be in [0, 1), got 1.0"),
        (["train", "--epsilon", "0"], "--epsilon 0: adam: epsilon must be > 0"),
        (["train", "--learning-rate", "inf"], "learning_rate must be finite"),
        (["train", "--seed", "-1"], "--seed: must be between 0 and 4294967295"),
        (["compare", "--seed", "4294967296"], "must be between 0 and 4294967295"),
        (["search", "--seed", "-1"], "--seed: must be between 0 and 4294967295"),
        (["search", "--cv", "1"], "--cv: cross-validation needs at least 2 folds"),
        (
            ["search", "--cv", "500"],
            "--cv 500: 500 folds are more than the 100 training samples of the "
            "smallest class of spiral",
        ),
        (
            ["search", "--dataset", "iris", "--cv", "38"],
            "38 folds are more than the 37 training samples",
        ),
        (["search", "--n-jobs", "0"], "--n-jobs: must be a number of parallel jobs"),
        (["search", "--scheduler-timeout", "0"], "must be a positive number"),
    ],
)
def test_out_of_range_numbers_are_one_line_before_any_training(
    argv, message, capsys, no_training, tmp_path
):
    if argv[0] != "train":
        argv = [*argv, "--out", str(tmp_path / "out")]
    status, line = one_error_line(argv, capsys)
    assert status == 2
    assert line.startswith(f"skspiral {argv[0]}: error: ")
    assert message in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["compare", "search"])
@pytest.mark.parametrize(
    "out, message",
    [
        ("a_file", "a_file is a file, not a folder"),
        ("a_file/sub/dir", "a_file/sub/dir would be under a_file, a file"),
    ],
)
def test_an_out_that_is_or_is_under_a_file_is_one_line(
    command, out, message, capsys, no_training, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("keep me")
    status, line = one_error_line([command, "--out", out], capsys)
    assert status == 2
    assert line.startswith(f"skspiral {command}: error: argument --out: ")
    assert message in line
    assert (tmp_path / "a_file").read_text() == "keep me"


@pytest.mark.parametrize("command", ["compare", "search"])
def test_an_unwritable_out_is_one_line(command, capsys, no_training, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("this user (root?) can write to a read-only folder")
        status, line = one_error_line([command, "--out", str(locked / "o")], capsys)
    finally:
        locked.chmod(0o700)
    assert status == 2
    assert f"cannot write to {locked / 'o'} (in {locked})" in line


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("command", ["compare", "search"])
def test_an_out_where_even_root_cannot_write_is_one_line(command, capsys, no_training):
    # /proc passes the look-before check for root; making the folder fails.
    status, line = one_error_line([command, "--out", "/proc/skspiral-out"], capsys)
    assert status == 2
    assert line.startswith(f"skspiral {command}: error: --out /proc/skspiral-out: ")
    assert "cannot write there" in line


PLUGINS = {
    "syntax": ("def broken(:\n", "raised SyntaxError: "),
    "raises": ("raise RuntimeError('no GPU found')\n", "RuntimeError: no GPU found"),
    "exits": ("import sys\nsys.exit(3)\n", "called sys.exit(3) while being imported"),
    "needs": ("import no_such_dependency_xyz\n", "No module named 'no_such_depen"),
    "empty_name": (
        "from skspiral.optimizers import SGD, register_optimizer\n"
        "register_optimizer('', SGD)\n",
        "raised TypeError: an optimizer name must be a non-empty string",
    ),
    "not_an_optimizer": (
        "from skspiral.optimizers import register_optimizer\n"
        "@register_optimizer('not_one')\nclass NotOne:\n    pass\n",
        "is not a subclass of skspiral Optimizer",
    ),
}


@pytest.mark.parametrize("case", sorted(PLUGINS))
def test_a_plugin_that_fails_to_import_is_one_line(
    case, capsys, no_training, isolated_registry, tmp_path, monkeypatch
):
    source, message = PLUGINS[case]
    module = f"skspiral_test_plugin_{case}"
    (tmp_path / f"{module}.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    status, line = one_error_line(["--plugin", module, "train"], capsys)
    sys.modules.pop(module, None)
    assert status == 2
    assert line.startswith(f"skspiral: error: --plugin {module}: ")
    assert message in line


def test_a_missing_plugin_module_is_one_line(capsys, no_training):
    status, line = one_error_line(["--plugin", "no_such_module_here", "book"], capsys)
    assert status == 2
    assert line == (
        "skspiral: error: --plugin no_such_module_here: no module named "
        "'no_such_module_here' in the current folder or on the Python path"
    )


def test_a_plugin_calling_sys_exit_is_one_line_from_the_real_command(tmp_path):
    (tmp_path / "exiting_plugin.py").write_text("import sys\nsys.exit('bye')\n")
    done = skspiral("--plugin", "exiting_plugin", "book", "--epochs", "1", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "skspiral: error: --plugin exiting_plugin: the module called "
        "sys.exit('bye') while being imported"
    ]


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.timeout(60)
def test_an_unreachable_scheduler_is_one_line_within_its_timeout(
    capsys, no_training, tmp_path
):
    pytest.importorskip("distributed", reason="needs dask.distributed")
    address = f"tcp://127.0.0.1:{closed_port()}"
    argv = ["search", "--backend", "dask", "--scheduler", address]
    argv += ["--scheduler-timeout", "2", "--out", str(tmp_path)]
    status, line = one_error_line(argv, capsys)
    assert status == 2
    assert line.startswith(
        f"skspiral search: error: --backend dask: cannot reach the Dask scheduler "
        f"at '{address}' within 2 s"
    )


def test_a_malformed_scheduler_address_is_one_line(capsys, no_training, tmp_path):
    pytest.importorskip("distributed", reason="needs dask.distributed")
    argv = ["search", "--backend", "dask", "--scheduler", "tcp://127.0.0.1:port"]
    status, line = one_error_line(argv + ["--out", str(tmp_path)], capsys)
    assert status == 2
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:port'" in line


def test_training_that_diverges_is_one_line_with_status_1(capsys):
    argv = ["train", "--optimizer", "sgd", "--learning-rate", "1e300"]
    status, line = one_error_line([*argv, "--epochs", "3"], capsys)
    assert status == 1
    assert line.startswith("skspiral train: ") and "diverged" in line


def test_the_largest_seed_trains(capsys):
    assert main(["train", "--seed", "4294967295", "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert "(a second spiral, seed 0)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "--dataset", "iris"],
        ["search", "--dataset", "spiral"],
        ["compare", "--datasets", "spiral"],
    ],
)
def test_the_largest_seed_runs_search_and_compare(argv, tmp_path, capsys):
    budget = ["--cv", "2", "--n-jobs", "1"] if argv[0] == "search" else []
    argv = [*argv, *budget, "--epochs", "1", "--seed", "4294967295"]
    assert main([*argv, "--out", str(tmp_path)]) == 0


# compare and animate: tests/test_compare_cli.py


# ------------------------------------------------------- train, search, book
def test_train_book_prints_the_books_progress_lines():
    done = skspiral("train", "--book", "--optimizer", "sgd", "--epochs", "21")
    assert done.returncode == 0, done.stderr
    lines = re.findall(
        r"^epoch: (\d+), acc: \d\.\d{3}, loss: (\d\.\d{3}), lr: [\d.e-]+$",
        done.stdout,
        flags=re.M,
    )
    assert [int(epoch) for epoch, _ in lines] == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    # The book's first line: 0.01-scale weights give the loss ln(3) = 1.099.
    assert lines[0][1] == "1.099"
    assert re.search(r"train accuracy 0\.\d{3}, test accuracy 0\.\d{3}", done.stdout)


def test_search_writes_its_csv_and_heatmap(tmp_path):
    out = tmp_path / "out"
    done = skspiral(
        "search",
        "--optimizer",
        "sgd",
        "--epochs",
        "20",
        "--cv",
        "2",
        "--n-jobs",
        "1",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    rows = read_csv(out / "search.csv")
    assert len(rows) == 3 * 2 * 2  # learning rates x decays x momenta
    assert {"learning_rate", "decay", "momentum", "mean_test_score"} <= set(rows[0])
    assert [int(r["rank"]) for r in rows] == sorted(int(r["rank"]) for r in rows)
    assert "best parameters: {" in done.stdout
    assert "momentum" in done.stdout.split("best parameters:")[1].splitlines()[0]
    if _have_matplotlib():
        assert_valid_png(out / "search_heatmap.png")


def test_search_with_dask_but_no_distributed_exits_2_saying_what_to_install(tmp_path):
    env = env_shadowing(tmp_path, "dask")
    done = skspiral(
        "search", "--backend", "dask", "--epochs", "1", "--out", str(tmp_path), env=env
    )
    assert done.returncode == 2
    assert 'pip install "skspiral[dask]"' in done.stderr
    assert "Traceback" not in done.stderr


def test_book_prints_the_chapter_10_table():
    done = skspiral("book", "--epochs", "3")
    assert done.returncode == 0, done.stderr
    assert "Adam(lr=.05, decay=5e-7)" in done.stdout
    assert len(re.findall(r"^(SGD|Adagrad|RMSprop|Adam)\(", done.stdout, re.M)) == 11


def test_console_script_runs_like_python_m():
    script = Path(sys.executable).with_name("skspiral")
    if not script.exists():
        pytest.skip("the skspiral console script is not installed next to python")
    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0
    assert done.stdout.startswith("usage: skspiral")


def _have_matplotlib():
    from skspiral.tools.plots import matplotlib_available

    return matplotlib_available()
