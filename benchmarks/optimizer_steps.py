"""Step time of every registered optimizer, per million parameters.

A dense stack 512-1024-512-10 (about 1.05 million parameters; ``--quick``:
32-64-64-10) with random weights and a fixed random gradient. Each timed call is
``--steps`` optimizer steps (after a warm-up that creates the slots and scratch
buffers); the optimizers run alternately, and each figure is the median (with min
and max) of the repeats, as milliseconds per step per million parameters. The
bytes a step allocates (tracemalloc: NumPy reports its buffers to it) show which
optimizers reuse their buffers. Closure optimizers (lbfgs) do not step and are
listed as such.

    python benchmarks/optimizer_steps.py [--quick] [--out DIR] [--repeats N]
"""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np
from _common import (
    alternate,
    blas_threads,
    fmt,
    parser,
    summary,
    table,
    thread_label,
    thread_settings,
    write,
)

from skspiral.layout import ParamLayout
from skspiral.optimizers import available_optimizers, get_optimizer


def layout_for(quick: bool) -> ParamLayout:
    sizes = [32, 64, 64, 10] if quick else [512, 1024, 512, 10]
    return ParamLayout.for_dense_stack(sizes)


def stepper(name: str, layout: ParamLayout, steps: int):
    """A closure taking ``steps`` steps of ``name`` on its own weights."""
    rng = np.random.RandomState(0)
    params = 0.05 * rng.standard_normal(layout.size)
    grads = 0.01 * rng.standard_normal(layout.size)
    optimizer = get_optimizer(name)
    state = optimizer.init_state(params, layout)
    optimizer.train_mode(params, state)

    def run():
        for _ in range(steps):
            optimizer.step(params, grads, state)

    run()  # warm-up: slots and scratch buffers exist from here on
    return run, lambda: allocated_per_step(optimizer, params, grads, state)


def allocated_per_step(optimizer, params, grads, state) -> int:
    """Peak bytes traced during one step (0: the step reuses its buffers)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        optimizer.step(params, grads, state)
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def main(argv=None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=10, help="steps per timed call")
    args = p.parse_args(argv)
    layout = layout_for(args.quick)
    millions = layout.size / 1e6
    names = available_optimizers()
    closure = [n for n in names if get_optimizer(n).needs_closure]
    stepping = [n for n in names if n not in closure]
    results, rows = [], []
    for threads in thread_settings(args.threads):
        with blas_threads(threads):
            runs = {n: stepper(n, layout, args.steps) for n in stepping}
            times = alternate({n: runs[n][0] for n in stepping}, args.repeats)
            for name in stepping:
                per_step = summary(times[name], 1e3 / args.steps / millions)
                allocated = runs[name][1]()
                results.append(
                    {
                        "optimizer": name,
                        "threads": thread_label(threads),
                        "ms_per_step_per_million": per_step,
                        "bytes_allocated_per_step": allocated,
                    }
                )
                rows.append([name, thread_label(threads), fmt(per_step), allocated])
            for name in closure:
                rows.append([name, thread_label(threads), "closure: no steps", "-"])
    print(
        f"{layout.size} parameters, {args.steps} steps per call, {args.repeats} repeats"
    )
    header = ["optimizer", "BLAS threads", "ms/step per 1M params", "bytes/step"]
    print(table(header, rows))
    write(
        args.out,
        "optimizer_steps",
        {
            "quick": args.quick,
            "n_params": layout.size,
            "steps_per_call": args.steps,
            "closure_optimizers": closure,
            "results": results,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
