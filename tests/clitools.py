"""Helpers the command-line tests share: run ``python -m skspiral``, read a CSV."""

import csv
import subprocess
import sys


def skspiral(*args, cwd=None, env=None, timeout=300):
    """``python -m skspiral ARGS`` in a fresh interpreter; the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "skspiral", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def read_csv(path):
    """The rows of a CSV file as dicts."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
