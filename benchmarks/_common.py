"""Shared helpers of the benchmark scripts: options, timing, thread limits, output.

Every comparison is a ratio measured in one process, with the contenders run
alternately (A B C A B C ...) so that load from other programs on a shared machine
hits them alike; each figure is the median of the repeats, reported with its min
and max. Each figure is taken twice: BLAS pinned to one thread, and at the default
thread count.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

RESULTS = Path(__file__).resolve().parent / "results"


def parser(description: str, repeats: int = 5) -> argparse.ArgumentParser:
    """The options every script takes: ``--quick``, ``--out``, ``--repeats``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    p.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON")
    p.add_argument("--repeats", type=int, default=repeats, help="timed repeats (>= 5)")
    p.add_argument(
        "--threads",
        default="1,default",
        help="comma-separated BLAS thread settings: integers or 'default'",
    )
    return p


def thread_settings(spec: str) -> list[int | None]:
    """``"1,default"`` -> ``[1, None]`` (None: leave BLAS at its default)."""
    return [None if s.strip() == "default" else int(s) for s in spec.split(",")]


def thread_label(n: int | None) -> str:
    return f"{default_threads()} (default)" if n is None else str(n)


def default_threads() -> int:
    """BLAS threads with no limit set (the largest pool threadpoolctl sees)."""
    return max((pool["num_threads"] for pool in threadpool_info()), default=1)


@contextlib.contextmanager
def blas_threads(n: int | None):
    """BLAS limited to ``n`` threads, or untouched for ``None``."""
    if n is None:
        yield
    else:
        with threadpool_limits(limits=n, user_api="blas"):
            yield


def alternate(
    contenders: dict[str, Callable[[], object]],
    repeats: int,
    warmup: int = 1,
    timer: Callable[[Callable[[], object]], float] | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of each contender, run in turn ``repeats`` times.

    ``warmup`` untimed rounds come first. The order rotates every round, so no
    contender always runs right after the same other one.
    """
    timer = timer or _time_call
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(timer(contenders[name]))
    return times


def _time_call(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def matmul_epoch(n: int, d: int, h: int, k: int, batch: int, dtype):
    """A callable doing the GEMMs of one epoch (full batches plus the remainder)."""
    rng = np.random.default_rng(0)
    W1, W2 = rng.standard_normal((d, h)), rng.standard_normal((h, k))
    W1, W2 = W1.astype(dtype), W2.astype(dtype)
    full, rest = divmod(n, batch)
    sizes = [(batch, full)] + ([(rest, 1)] if rest else [])
    bufs = []
    for b, count in sizes:
        X, dZ = rng.standard_normal((b, d)), rng.standard_normal((b, k))
        X, dZ = X.astype(dtype), dZ.astype(dtype)
        H, dH = np.empty((b, h), dtype), np.empty((b, h), dtype)
        gW1, gW2 = np.empty_like(W1), np.empty_like(W2)
        bufs.append((count, X, dZ, H, dH, gW1, gW2))

    def run():
        for count, X, dZ, H, dH, gW1, gW2 in bufs:
            for _ in range(count):
                np.matmul(X, W1, out=H)
                np.matmul(H, W2, out=dZ)
                np.matmul(H.T, dZ, out=gW2)
                np.matmul(dZ, W2.T, out=dH)
                np.matmul(X.T, dH, out=gW1)

    return run


def summary(values: list[float], scale: float = 1.0) -> dict[str, float]:
    """min, median and max of ``values`` times ``scale``."""
    return {
        "min": min(values) * scale,
        "median": statistics.median(values) * scale,
        "max": max(values) * scale,
    }


def ratio_summary(slow: list[float], fast: list[float]) -> dict[str, float]:
    """Speed-up ``slow / fast`` per round (paired, since the rounds alternate)."""
    return summary([s / f for s, f in zip(slow, fast)])


def fmt(s: dict[str, float], spec: str = ".3g") -> str:
    """``median [min-max]``."""
    return f"{s['median']:{spec}} [{s['min']:{spec}}-{s['max']:{spec}}]"


def environment() -> dict:
    """What the figures depend on: versions, CPU count, BLAS."""
    import sklearn

    import skspiral

    blas = [
        {k: pool.get(k) for k in ("internal_api", "version", "num_threads")}
        for pool in threadpool_info()
        if pool.get("user_api") == "blas"
    ]
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "skspiral": getattr(skspiral, "__version__", "dev"),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "blas": blas,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def write(out: Path, name: str, payload: dict) -> Path:
    """Write ``payload`` (plus the environment) to ``out/name.json``."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    payload = {"benchmark": name, "environment": environment(), **payload}
    path.write_text(json.dumps(payload, indent=2, default=_plain))
    print(f"\nwrote {path}")
    return path


def _plain(obj):
    """NumPy scalars and arrays as plain Python values for JSON."""
    if isinstance(obj, (np.generic, np.ndarray)):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain text table, columns padded to their widest cell."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = "  ".join(f"{h:<{w}}" for h, w in zip(header, widths))
    out = [line, "-" * len(line)]
    out += ["  ".join(f"{str(c):<{w}}" for c, w in zip(row, widths)) for row in rows]
    return "\n".join(out)


def quiet_warnings() -> None:
    """Silence the ConvergenceWarning every fixed-epoch fit raises."""
    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)


def torch_or_none():
    """PyTorch if it happens to be installed (never a dependency), else None."""
    try:
        import torch
    except ImportError:
        return None
    return torch
