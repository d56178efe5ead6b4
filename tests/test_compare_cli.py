"""``skspiral compare`` and ``skspiral animate`` run as a user runs them."""

import os
import re
import textwrap

import pytest
from clitools import read_csv, skspiral

from skspiral.tools import compare, report, workloads
from skspiral.tools.cli import main

PLOT_HINT = 'pip install "skspiral[plot]"'
TINY = ["--budget", "2", "--seeds", "2", "--epochs", "3"]
DEFAULT_LABELS = [
    "sgd",
    "adagrad",
    "rmsprop",
    "adam",
    "MLPClassifier(adam)",
    "MLPClassifier(sgd, nesterov)",
    "MLPClassifier(lbfgs)",
]


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


def test_compare_writes_runs_summary_pictures_and_report(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "out"
    done = skspiral("compare", "--datasets", "spiral,wine", *TINY, "--out", str(out))
    assert done.returncode == 0, done.stderr

    runs = read_csv(out / "results.csv")
    assert list(runs[0]) == list(report.RUN_COLUMNS)
    assert len(runs) == 2 * len(DEFAULT_LABELS) * (2 + 2)
    summary = read_csv(out / "summary.csv")
    assert [(r["dataset"], r["model"]) for r in summary] == [
        (d, m) for d in ("spiral", "wine") for m in DEFAULT_LABELS
    ]
    names = {p.name for p in out.iterdir()}
    assert names == {"results.csv", "summary.csv", "report.html", *report.PICTURES}

    # The summary table on stdout; the exact command, then one line per run, on
    # stderr.
    for label in DEFAULT_LABELS:
        assert label in done.stdout
    command = done.stderr.splitlines()[0]
    assert command.startswith("skspiral compare --task classification ")
    assert "--budget 2 --seeds 2 --epochs 3 --seed 0" in command
    progress = re.findall(r"^\[\s*\d+/(\d+)\] ", done.stderr, flags=re.M)
    assert len(progress) == len(runs) and set(progress) == {str(len(runs))}


def test_compare_without_matplotlib_writes_the_csvs_and_report_and_says_so_once(
    tmp_path,
):
    out = tmp_path / "out"
    env = env_shadowing(tmp_path, "matplotlib")
    done = skspiral(
        "compare",
        "--datasets",
        "iris",
        "--optimizers",
        "adam",
        "--sklearn",
        "none",
        *TINY,
        "--out",
        str(out),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert len(read_csv(out / "results.csv")) == 4
    assert (done.stdout + done.stderr).count(PLOT_HINT) == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "results.csv",
        "summary.csv",
    ]


def test_compare_races_an_optimizer_registered_by_a_plugin(tmp_path):
    (tmp_path / "my_optimizers.py").write_text(
        textwrap.dedent(
            """
            from skspiral.optimizers import SGD, register_optimizer

            @register_optimizer("plain_sgd")
            class PlainSGD(SGD):
                pass
            """
        )
    )
    out = tmp_path / "out"
    done = skspiral(
        "--plugin",
        "my_optimizers",
        "compare",
        "--datasets",
        "iris",
        "--optimizers",
        "sgd,plain_sgd",
        "--sklearn",
        "adam",
        *TINY,
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    models = [r["model"] for r in read_csv(out / "summary.csv")]
    assert models == ["sgd", "plain_sgd", "MLPClassifier(adam)"]


def test_quick_sets_the_small_budgets(capsys, tmp_path):
    argv = ["compare", "--quick", "--datasets", "iris", "--optimizers", "adam"]
    assert main([*argv, "--sklearn", "none", "--out", str(tmp_path)]) == 0
    runs = read_csv(tmp_path / "results.csv")
    phases = [r["phase"] for r in runs]
    assert phases.count("tune") == compare.QUICK_BUDGET
    assert phases.count("final") == compare.QUICK_SEEDS
    assert {int(r["max_epochs"]) for r in runs} == {workloads.QUICK_OTHER}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--budget", "0"], "--budget: must be at least 1"),
        (["compare", "--seeds", "x"], "--seeds: not an integer: 'x'"),
        (["compare", "--datasets", "spiral,mnist"], "unknown dataset(s) ['mnist']"),
        (["compare", "--sklearn", "newton"], "unknown solver(s) ['newton']"),
        (["compare", "--target-loss", "-1"], "--target-loss: must be a positive"),
        (["compare", "--task", "vision"], "invalid choice: 'vision'"),
        (["animate", "--frames", "0"], "--frames: must be at least 1"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    (line,) = [ln for ln in capsys.readouterr().err.splitlines() if "error:" in ln]
    assert message in line


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--optimizers", "adamz"], "unknown optimizer 'adamz'"),
        (
            ["compare", "--task", "regression", "--datasets", "iris"],
            "--datasets iris: not a regression dataset",
        ),
        (["animate", "--optimizers", "sgd,adamz"], "unknown optimizer 'adamz'"),
    ],
)
def test_bad_values_found_after_parsing_exit_2_before_training(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"skspiral {argv[0]}: error:") and message in err
    assert "\n" not in err


def test_animate_writes_a_gif_with_the_asked_frames(tmp_path):
    image = pytest.importorskip("PIL.Image")
    pytest.importorskip("matplotlib")
    out = tmp_path / "spiral.gif"
    done = skspiral(
        "animate",
        "--optimizers",
        "sgd,adam",
        "--epochs",
        "6",
        "--frames",
        "3",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    with image.open(out) as gif:
        assert gif.n_frames == 3


def test_help_names_the_statistics_and_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = capsys.readouterr().out
    for flag in (
        "--budget",
        "--seeds",
        "--optimizers",
        "--sklearn",
        "--task",
        "--target-loss",
        "--quick",
    ):
        assert flag in out
