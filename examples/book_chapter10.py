"""Reproduce the optimizer results of chapter 10 of "Neural Networks from Scratch".

Eleven runs of the book's experiment: the 300-point spiral, Dense(2, 64) -> ReLU ->
Dense(64, 3) -> softmax, weights 0.01 * N(0, 1) drawn after the data from one
RandomState(0), full batch for 10001 epochs. Each line shows the book's printed
epoch-10000 values beside skspiral's.

    python examples/book_chapter10.py              # the full run (~20 s)
    python examples/book_chapter10.py --epochs 50  # a quick smoke run
"""

import argparse

from skspiral.tools.book import report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10001)
    args = parser.parse_args(argv)

    return report(epochs=args.epochs)  # the table; exit status 1 if a row misses


if __name__ == "__main__":
    raise SystemExit(main())
