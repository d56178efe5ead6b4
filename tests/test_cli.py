"""The command line, run as a user runs it: ``python -m skspiral ...`` in a subprocess.

A few checks of help texts and argument errors call :func:`main` in-process, which
is the same code without the interpreter start-up.
"""

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from skspiral.tools.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOT_HINT = 'pip install "skspiral[plot]"'


def skspiral(*args, cwd=None, env=None, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "skspiral", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


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
        ("train", ["--optimizer", "--learning-rate", "--beta-2", "--hidden", "--book"]),
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


def test_a_bad_flag_exits_2_with_a_one_line_message():
    done = skspiral("compare", "--epochs", "zero")
    assert done.returncode == 2
    assert done.stdout == ""
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert errors == [
        "skspiral compare: error: argument --epochs: not an integer: 'zero'"
    ]
    assert "Traceback" not in done.stderr


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
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    (line,) = [ln for ln in err.splitlines() if "error:" in ln]
    assert message in line


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--optimizer", "adamw"], "unknown optimizer 'adamw'"),
        (["search", "--optimizer", "adamw"], "unknown optimizer 'adamw'"),
        (["search", "--scheduler", "tcp://127.0.0.1:8786"], "needs --backend dask"),
    ],
)
def test_bad_values_found_after_parsing_also_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"skspiral {argv[0]}: error:") and message in err
    assert "\n" not in err


def test_a_missing_plugin_module_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--plugin", "no_such_module_here", "book", "--epochs", "1"])
    assert exit_.value.code == 2
    assert "--plugin no_such_module_here" in capsys.readouterr().err


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
