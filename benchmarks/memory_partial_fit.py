"""Memory and per-call time of ``partial_fit`` over many epochs.

Calls ``partial_fit`` on the book's spiral for ``--epochs`` epochs and prints the
process's resident set size (psutil) and the mean milliseconds per call in each
window of ``--every`` epochs. RSS should stay flat after the first window (the
per-epoch history grows by a few floats per epoch), and so should the time per
call: a copy of the whole history on every call would make it grow linearly.

    python benchmarks/memory_partial_fit.py [--quick] [--epochs N] [--rows N]

``tests/test_persistence.py`` asserts the RSS bound (growth < 50 MiB over 2000
epochs after a warm-up); this script shows the curve.
"""

from __future__ import annotations

import argparse
import gc
import time

import psutil

from skspiral import MLPScratchClassifier, make_spiral


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="200 epochs (smoke test)")
    p.add_argument("--epochs", type=int, default=2000)
    p.add_argument("--every", type=int, default=200, help="epochs per report line")
    p.add_argument("--rows", type=int, default=300, help="rows of the spiral")
    args = p.parse_args()
    epochs = 200 if args.quick else args.epochs
    every = min(args.every, epochs)

    X, y = make_spiral(max(1, args.rows // 3), 3, random_state=0)
    est = MLPScratchClassifier((64,), random_state=0)
    process = psutil.Process()
    print(f"{'epochs':>7} {'RSS MiB':>9} {'growth MiB':>11} {'ms/call':>8}")
    first_rss = None
    for start in range(0, epochs, every):
        tic = time.perf_counter()
        for _ in range(every):
            est.partial_fit(X, y, classes=[0, 1, 2])
        ms = (time.perf_counter() - tic) / every * 1e3
        gc.collect()
        rss = process.memory_info().rss / 2**20
        first_rss = rss if first_rss is None else first_rss
        print(f"{start + every:>7} {rss:>9.1f} {rss - first_rss:>11.2f} {ms:>8.2f}")
    print(f"RSS growth after the first {every} epochs: {rss - first_rss:.2f} MiB")


if __name__ == "__main__":
    main()
