"""Smoke test: every benchmark script runs in ``--quick`` mode and writes its JSON.

No timing is asserted (timing belongs in the benchmark output, not in tests).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = (
    "overhead",
    "blas",
    "large_rows",
    "memory",
    "predict_throughput",
    "regressor",
    "optimizer_steps",
    "fused_gradient",
    "convergence",
)


@pytest.mark.slow
def test_run_all_quick_runs_every_script_and_writes_json(tmp_path):
    cmd = [sys.executable, str(BENCHMARKS / "run_all.py"), "--quick"]
    cmd += ["--out", str(tmp_path), "--repeats", "1", "--threads", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in SCRIPTS:
        payload = json.loads((tmp_path / f"{name}.json").read_text())
        assert payload["benchmark"] == name
        assert payload["quick"] is True
        assert payload["results"]
    assert "| benchmark |" in done.stdout  # the README table was printed
