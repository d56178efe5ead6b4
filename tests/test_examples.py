"""Every script in examples/ runs to the end with a reduced budget and says something
meaningful (each is run as a user runs it, in a subprocess)."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

CASES = {
    "quickstart.py": (
        ["--epochs", "50"],
        r"test accuracy  0\.\d{3}\n50 epochs, final loss \d\.\d{3}",
    ),
    "pipeline_gridsearch.py": (
        ["--epochs", "20", "--n-jobs", "1"],
        r"best parameters: \{'mlp__beta_1': [\d.]+, 'mlp__beta_2': [\d.]+, "
        r"'mlp__decay': [\d.e-]+, 'mlp__learning_rate': [\d.]+",
    ),
    "compare_with_mlpclassifier.py": (
        ["--epochs", "10"],
        r"MLPScratchClassifier\(adam\) +0\.\d{3} +0\.\d{3}.*\n"
        r"MLPClassifier\(adam\) +0\.\d{3} +0\.\d{3}",
    ),
    "custom_optimizer.py": (
        ["--epochs", "20", "--n-jobs", "1"],
        r"registered optimizers: \[.*'nesterov'.*\][\s\S]*"
        r"fitted optimizer: Nesterov\(learning_rate=",
    ),
    "custom_schedule.py": (
        ["--epochs", "40"],
        r"fitted with CosineWarmRestarts\(learning_rate=0\.05, period=10, "
        r"floor=0\.0001\)\nlearning rate at each restart: (0\.0500, ){3}0\.0500; "
        r"before it: (0\.0013, ){3}0\.0013\n[\s\S]*test accuracy  0\.\d{3}",
    ),
    "decision_boundaries.py": (
        ["--epochs", "10", "--out", "boundaries.png"],
        r"adam +train accuracy 0\.\d{3}  test accuracy 0\.\d{3}",
    ),
    "training_callbacks.py": (
        ["--epochs", "30", "--plot", "curves.png"],
        r"ran all 30 epochs: best validation accuracy 0\.\d{3}\n"
        r"validation accuracy by epoch: 0: 0\.\d{3}, [\s\S]*wrote curves\.png",
    ),
    "book_chapter10.py": (
        ["--epochs", "5"],
        r"Adam\(lr=\.05, decay=5e-7\) +0\.967",
    ),
    "out_of_core_dask.py": (
        ["--rows", "6000", "--block", "2000", "--passes", "2"],
        r"6000 rows in 3 blocks of up to 2000 .*\n"
        r"pass 1: held-out accuracy 0\.\d{3}\npass 2: held-out accuracy 0\.\d{3}",
    ),
}
NEEDS = {"out_of_core_dask.py": "dask_ml"}


def test_every_example_has_a_case():
    assert {p.name for p in EXAMPLES.glob("*.py")} >= set(CASES)
    missing = {p.name for p in EXAMPLES.glob("*.py")} - set(CASES)
    # Examples owned elsewhere (say the dask one) are tested where they are owned.
    assert missing <= {"dask_gridsearch.py"}


@pytest.mark.parametrize("script", sorted(CASES))
def test_example_runs_with_a_reduced_budget(script, tmp_path):
    args, expected = CASES[script]
    needed = NEEDS.get(script)
    if needed and importlib.util.find_spec(needed) is None:
        pytest.skip(f'{script} needs {needed}: pip install "skspiral[dask]"')
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(expected, done.stdout), done.stdout
    if script == "decision_boundaries.py" and "wrote" in done.stdout:
        assert (tmp_path / "boundaries.png").read_bytes()[:8] == PNG_SIGNATURE
    if script == "training_callbacks.py":
        assert (tmp_path / "curves.png").read_bytes()[:8] == PNG_SIGNATURE
