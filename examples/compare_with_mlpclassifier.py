"""MLPScratchClassifier next to scikit-learn's MLPClassifier, like for like.

Same data, architecture (one hidden layer of 64 ReLU units), optimizer (Adam),
learning rate, mini-batch size, epoch budget and no L2 penalty; early stopping
off on both sides so both run every epoch. ``skspiral compare`` does this for
every optimizer and several datasets.

    python examples/compare_with_mlpclassifier.py              # 200 epochs
    python examples/compare_with_mlpclassifier.py --epochs 20  # a quick smoke run
"""

import argparse
import time
import warnings

from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skspiral import MLPScratchClassifier


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args(argv)

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    # Shared settings; tol=0 with n_iter_no_change=max_iter never stops early.
    same = {"batch_size": 200, "alpha": 0.0, "max_iter": args.epochs, "tol": 0.0}
    same["n_iter_no_change"] = args.epochs
    models = {
        "MLPScratchClassifier(adam)": MLPScratchClassifier(
            (64,), optimizer="adam", learning_rate=0.001, random_state=0, **same
        ),
        "MLPClassifier(adam)": MLPClassifier(
            (64,), solver="adam", learning_rate_init=0.001, random_state=0, **same
        ),
    }

    print(f"{'model':<28} {'train acc':>9} {'test acc':>8} {'test loss':>9} {'s':>6}")
    for name, model in models.items():
        pipe = make_pipeline(StandardScaler(), model)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # by design
            pipe.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        loss = log_loss(y_test, pipe.predict_proba(X_test))
        print(
            f"{name:<28} {pipe.score(X_train, y_train):>9.3f} "
            f"{pipe.score(X_test, y_test):>8.3f} {loss:>9.3f} {seconds:>6.2f}"
        )
    # Both record the mean training loss per epoch under the same name.
    for name, model in models.items():
        curve = model.loss_curve_
        print(f"{name}: {len(curve)} epochs, loss {curve[0]:.3f} -> {curve[-1]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
