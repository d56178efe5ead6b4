"""``skspiral train --schedule``: a schedule spanning the run, from the command line."""

import re

import pytest

from skspiral.tools.cli import main


def test_train_with_a_cosine_schedule_prints_its_rates(capsys):
    argv = ["train", "--optimizer", "adam", "--learning-rate", "0.02"]
    argv += ["--schedule", "cosine", "--warmup-steps", "4", "--epochs", "10"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "CosineDecay(learning_rate=0.02, decay_steps=20, warmup_steps=4" in out
    rates = [float(r) for r in re.findall(r"lr: ([0-9.e-]+)", out)]
    assert rates[0] == 0.0  # warmup starts from 0 (10 epochs x 2 steps each)
    assert max(rates) <= 0.02


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--schedule", "cosine", "--decay", "0.1"], "replaces --decay"),
        (["--warmup-steps", "3"], "--warmup-steps goes with --schedule cosine"),
        (["--schedule", "step", "--warmup-steps", "3"], "goes with --schedule cosine"),
        (["--schedule", "nope"], "invalid choice"),
    ],
)
def test_schedule_mistakes_are_one_line_and_status_2(extra, message, capsys):
    try:
        status = main(["train", "--epochs", "2", *extra])
    except SystemExit as stop:  # argparse's own errors exit from parse_args
        status = stop.code
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
