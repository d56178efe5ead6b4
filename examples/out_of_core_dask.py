"""Train on data that never sits in memory at once: dask-ml's Incremental.

The training set is a Dask array of blocks, each made only when a worker needs
it (here: a fresh spiral draw per block; in practice, files read block by block
with ``dask.array.from_zarr``, ``from_npy_stack`` or ``dask.dataframe``).
``dask_ml.wrappers.Incremental`` walks the blocks in turn and calls
``MLPScratchClassifier.partial_fit`` on each, passing the model from block to
block, so memory holds the model and a few blocks, never the whole array. Every
pass over the data is one ``partial_fit`` call on the wrapper. Needs
``pip install "skspiral[dask]"``.

    python examples/out_of_core_dask.py                               # this machine
    python examples/out_of_core_dask.py --scheduler tcp://host:8786   # a cluster
    python examples/out_of_core_dask.py --rows 20000000 --block 200000
"""

from __future__ import annotations

import argparse
import contextlib
import time

import numpy as np

from skspiral import MLPScratchClassifier, make_spiral

CLASSES = [0, 1, 2]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=600_000, help="training rows (default 600000)"
    )
    parser.add_argument(
        "--block", type=int, default=30_000, help="rows per block (default 30000)"
    )
    parser.add_argument(
        "--passes", type=int, default=3, help="passes over the data (default 3)"
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a Dask scheduler (e.g. tcp://host:8786); without it Dask's threads "
        "in this process do the work",
    )
    return parser.parse_args(argv)


def spiral_blocks(n_rows: int, block: int, seed: int):
    """A lazy Dask array pair: block ``i`` is ``make_spiral(..., random_state=seed+i)``.

    Nothing is drawn until a block is needed; each block is shuffled, so every
    ``partial_fit`` call sees all three classes.
    """
    import dask
    import dask.array as da

    X_blocks, y_blocks = [], []
    for i, start in enumerate(range(0, n_rows, block)):
        rows = min(block, n_rows - start)
        X, y = dask.delayed(make_spiral, nout=2)(
            rows, len(CLASSES), shuffle=True, random_state=seed + i
        )
        X_blocks.append(da.from_delayed(X, shape=(rows, 2), dtype=np.float64))
        y_blocks.append(da.from_delayed(y, shape=(rows,), dtype=np.int64))
    return da.concatenate(X_blocks), da.concatenate(y_blocks)


def model() -> MLPScratchClassifier:
    # Every setting spelled out: the result does not hang on estimator defaults.
    return MLPScratchClassifier(
        hidden_layer_sizes=(64, 64),
        activation="relu",
        optimizer="adam",
        learning_rate=0.005,
        epsilon=1e-7,
        alpha=0.0,
        batch_size=200,  # each partial_fit walks its block in batches of 200
        shuffle=True,
        weight_init="glorot_uniform",
        random_state=0,
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    from dask_ml.wrappers import Incremental

    X, y = spiral_blocks(args.rows, args.block, seed=0)
    X_test, y_test = spiral_blocks(max(args.rows // 10, 300), args.block, seed=10**6)
    print(
        f"{args.rows} rows in {X.numblocks[0]} blocks of up to {args.block} "
        f"({args.block * 3 * 8 / 2**20:.1f} MiB each)"
    )
    incremental = Incremental(model(), shuffle_blocks=True, random_state=0)
    client = contextlib.nullcontext()
    if args.scheduler:
        from dask.distributed import Client

        client = Client(args.scheduler, timeout="30s")
    with client:
        start = time.perf_counter()
        for n in range(1, args.passes + 1):
            incremental.partial_fit(X, y, classes=CLASSES)
            accuracy = incremental.score(X_test, y_test)
            print(f"pass {n}: held-out accuracy {accuracy:.3f}")
    print(f"{args.passes} passes in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
