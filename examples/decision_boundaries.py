"""Decision regions of every registered optimizer on the spiral, as in the book.

Each optimizer trains the book's 2-64-3 network with its tuned chapter-10 settings
(full batch), then one panel per optimizer shows the predicted class of every
point of the plane under a fresh, held-out spiral. Needs matplotlib
(``pip install "skspiral[plot]"``).

    python examples/decision_boundaries.py              # 10001 epochs, as the book
    python examples/decision_boundaries.py --epochs 50  # a quick smoke run
"""

import argparse
import warnings

from sklearn.exceptions import ConvergenceWarning

from skspiral import MLPScratchClassifier, available_optimizers, make_spiral
from skspiral.tools import plots

# The book's tuned settings; any other registered optimizer uses its defaults.
BOOK_SETTINGS = {
    "sgd": {"learning_rate": 1.0, "decay": 1e-3, "momentum": 0.9},
    "adagrad": {"decay": 1e-4},
    "rmsprop": {"learning_rate": 0.02, "decay": 1e-5, "rho": 0.999},
    "adam": {"learning_rate": 0.05, "decay": 5e-7},
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10001)
    parser.add_argument("--out", default="decision_boundaries.png")
    args = parser.parse_args(argv)

    X, y = make_spiral(300, 3, random_state=0)
    X_test, y_test = make_spiral(300, 3, random_state=1)  # a second draw
    models = {}
    for name in available_optimizers():
        clf = MLPScratchClassifier(
            (64,),
            optimizer=name,
            batch_size=None,
            weight_init="book",  # 0.01 * N(0, 1), as the book
            max_iter=args.epochs,
            tol=0.0,
            n_iter_no_change=args.epochs,  # run every epoch
            random_state=0,
            **BOOK_SETTINGS.get(name, {}),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            models[name] = clf.fit(X, y)
        train, test = clf.score(X, y), clf.score(X_test, y_test)
        print(f"{name:<8} train accuracy {train:.3f}  test accuracy {test:.3f}")

    if not plots.matplotlib_available():
        print(plots.PLOT_HINT)
        return 0
    fig = plots.plot_decision_boundaries(
        models, X_test, y_test, title=f"The spiral after {args.epochs} epochs"
    )
    plots.save(fig, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
