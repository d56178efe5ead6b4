"""Peak resident memory added by ``fit`` on the BLAS-bound problem, vs sklearn.

The data of ``blas.py`` at batch 4096, in float64 and float32. Each fit runs in a
fresh child process that loads the data from a ``.npy`` file, resets the kernel's
peak-RSS counter (``/proc/self/clear_refs``; a 1 ms psutil sampler where that is
unavailable), fits one epoch, and reports ``peak RSS - RSS before fit``. The data
itself is therefore not counted, only what each library allocates while training.

    python benchmarks/memory.py [--quick] [--out DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from _common import fmt, parser, summary, table, thread_settings, write

BATCH = 4096
CONTENDERS = ("skspiral", "sklearn")


def _rss_status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def child(library: str, path: str, hidden: int, batch: int, threads: str) -> None:
    """Fit once on the saved data; print the peak RSS increase as JSON."""
    import warnings

    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    from skspiral import MLPScratchClassifier

    warnings.filterwarnings("ignore")
    data = np.load(path)
    X, y = data["X"], data["y"]
    if library == "skspiral":
        # alpha=0 on both (skspiral's default is MLPClassifier's 1e-4)
        est = MLPScratchClassifier((hidden,), batch_size=batch, max_iter=1, alpha=0.0)
    else:
        est = MLPClassifier((hidden,), batch_size=batch, max_iter=1, alpha=0.0)
    limit = None if threads == "default" else int(threads)
    with threadpool_limits(limits=limit, user_api="blas"):
        before = _rss_status("VmRSS")
        try:
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to VmRSS
            sampler = None
        except OSError:
            sampler = _Sampler()
        est.fit(X, y)
        peak = _rss_status("VmHWM") if sampler is None else sampler.stop()
    method = "VmHWM" if sampler is None else "psutil 1ms"
    print(json.dumps({"increase": peak - before, "before": before, "method": method}))


class _Sampler:
    """Samples this process's RSS every millisecond in a thread."""

    def __init__(self):
        import psutil

        self.proc, self.peak, self.running = psutil.Process(), 0, True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.001)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return max(self.peak, self.proc.memory_info().rss)


def run_child(library, path, hidden, batch, threads) -> dict:
    cmd = [sys.executable, __file__, "--child", library, str(path), str(hidden)]
    cmd += [str(batch), threads]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        library, path, hidden, batch, threads = sys.argv[2:7]
        child(library, path, int(hidden), int(batch), threads)
        return 0
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    from sklearn.datasets import make_classification

    n, d, hidden = (2000, 32, 32) if args.quick else (100_000, 256, 512)
    batch = 256 if args.quick else BATCH
    X, y = make_classification(
        n, d, n_informative=min(64, d // 2), n_classes=10, random_state=0
    )
    results, rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for dtype in ("float64", "float32"):
            path = Path(tmp) / f"data_{dtype}.npz"
            np.savez(path, X=X.astype(dtype), y=y)
            for threads in thread_settings(args.threads):
                label = "default" if threads is None else str(threads)
                got = {name: [] for name in CONTENDERS}
                methods = set()
                for r in range(args.repeats):
                    order = CONTENDERS if r % 2 == 0 else CONTENDERS[::-1]
                    for name in order:
                        res = run_child(name, path, hidden, batch, label)
                        got[name].append(res["increase"])
                        methods.add(res["method"])
                mib = {name: summary(v, 1 / 2**20) for name, v in got.items()}
                ratio = mib["skspiral"]["median"] / mib["sklearn"]["median"]
                results.append(
                    {
                        "dtype": dtype,
                        "threads": label,
                        "batch_size": batch,
                        "data_mib": X.astype(dtype).nbytes / 2**20,
                        "peak_increase_mib": mib,
                        "skspiral_over_sklearn": ratio,
                        "goal_met": ratio <= 1.0,
                        "method": sorted(methods),
                    }
                )
                rows.append(
                    [
                        dtype,
                        label,
                        fmt(mib["skspiral"], ".1f"),
                        fmt(mib["sklearn"], ".1f"),
                        f"{ratio:.2f}",
                    ]
                )
    print(
        table(
            ["dtype", "threads", "skspiral MiB", "sklearn MiB", "skspiral/sklearn"],
            rows,
        )
    )
    write(args.out, "memory", {"quick": args.quick, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
