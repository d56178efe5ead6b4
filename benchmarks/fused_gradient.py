"""The fused softmax + cross-entropy gradient vs the book's separate Jacobian path.

Book chapter 9 times the combined ``(p - onehot) / n`` backward against the
categorical cross-entropy backward followed by the softmax backward through each
sample's Jacobian, and finds the combined one ~7x faster. Two comparisons:

- backward only (the book's): given the probabilities ``p``, fused
  ``(p - onehot) / n`` vs ``CategoricalCrossEntropy.backward`` + ``Softmax.backward``;
- forward + backward: ``SoftmaxCrossEntropy.loss_and_grad`` (softmax, loss,
  accuracy and gradient in the logits buffer) vs ``Softmax.forward`` +
  ``CategoricalCrossEntropy.forward`` + both backwards.

Shapes: the 3 x 3 example the book times, the book's spiral batch 300 x 3, and a
mini-batch 4096 x 10.

    python benchmarks/fused_gradient.py [--quick] [--out DIR]
"""

from __future__ import annotations

import sys
import time

import numpy as np
from _common import (
    alternate,
    blas_threads,
    fmt,
    parser,
    ratio_summary,
    summary,
    table,
    thread_label,
    thread_settings,
    write,
)

from skspiral.network import CategoricalCrossEntropy, Softmax, SoftmaxCrossEntropy


def fused_backward(p, y):
    """The book's ``Activation_Softmax_Loss_CategoricalCrossentropy.backward``."""
    grad = p.copy()
    grad[np.arange(len(y)), y] -= 1
    grad /= len(y)
    return grad


def separate_backward(p, y):
    return Softmax.backward(p, CategoricalCrossEntropy.backward(p, y))


def separate_full(z, y):
    p = Softmax.forward(z)
    loss = CategoricalCrossEntropy.forward(p, y)
    return loss, Softmax.backward(p, CategoricalCrossEntropy.backward(p, y))


def fused_full(z, buf, y):
    np.copyto(buf, z)  # loss_and_grad overwrites its input with the gradient
    return SoftmaxCrossEntropy.loss_and_grad(buf, y)


def calls(fn, number: int):
    """A callable that runs ``fn`` ``number`` times (so one timing is long enough)."""

    def run():
        for _ in range(number):
            fn()

    return run


def main(argv=None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    shapes = [(3, 3), (300, 3), (4096, 10)]
    results, rows = [], []
    for n, k in shapes:
        rng = np.random.default_rng(0)
        z = rng.standard_normal((n, k))
        y = rng.integers(0, k, n)
        p = Softmax.forward(z)
        buf = np.empty_like(z)
        # The two paths agree (to rounding) before anything is timed.
        np.testing.assert_allclose(fused_backward(p, y), separate_backward(p, y))
        np.testing.assert_allclose(fused_full(z, buf, y)[2], separate_full(z, y)[1])
        # Enough calls of the slow path for ~20 ms per timing (fewer with --quick).
        start = time.perf_counter()
        separate_backward(p, y)
        one = time.perf_counter() - start
        number = 1 if args.quick else max(1, int(0.02 / one))
        pairs = {
            "backward only": (
                lambda p=p, y=y: fused_backward(p, y),
                lambda p=p, y=y: separate_backward(p, y),
            ),
            "forward + backward": (
                lambda z=z, b=buf, y=y: fused_full(z, b, y),
                lambda z=z, y=y: separate_full(z, y),
            ),
        }
        for threads in thread_settings(args.threads):
            for what, (fused, separate) in pairs.items():
                with blas_threads(threads):
                    times = alternate(
                        {
                            "fused": calls(fused, number),
                            "separate": calls(separate, number),
                        },
                        args.repeats,
                    )
                us = {k_: summary(v, 1e6 / number) for k_, v in times.items()}
                speedup = ratio_summary(times["separate"], times["fused"])
                results.append(
                    {
                        "shape": [n, k],
                        "threads": thread_label(threads),
                        "comparison": what,
                        "us_per_call": us,
                        "speedup": speedup,
                    }
                )
                rows.append(
                    [
                        f"{n}x{k}",
                        thread_label(threads),
                        what,
                        fmt(us["fused"]),
                        fmt(us["separate"]),
                        fmt(speedup, ".1f") + "x",
                    ]
                )
    header = ["shape", "threads", "comparison", "fused us", "separate us", "speed-up"]
    print(table(header, rows))
    write(args.out, "fused_gradient", {"quick": args.quick, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
