"""Quickstart: fit, predict and score MLPScratchClassifier on the book's spiral.

python examples/quickstart.py              # 1000 epochs, a few seconds
python examples/quickstart.py --epochs 50  # a quick smoke run
"""

import argparse
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skspiral import MLPScratchClassifier, make_spiral


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    args = parser.parse_args(argv)

    # 1. Data: the book's three interleaved spiral arms, 300 points in 2-D.
    X, y = make_spiral(300, 3, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )

    # 2. A 2-64-3 ReLU network trained by the book's tuned Adam on the full batch.
    clf = MLPScratchClassifier(
        hidden_layer_sizes=(64,),
        optimizer="adam",
        learning_rate=0.05,
        decay=5e-7,
        batch_size=None,  # full batch, as in the book
        max_iter=args.epochs,
        random_state=0,
    )
    with warnings.catch_warnings():
        # A short --epochs budget ends before convergence; that is expected here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)

    # 3. Predict and score like any scikit-learn classifier.
    print("predicted classes of five test points:", clf.predict(X_test[:5]))
    print("their true classes:                   ", y_test[:5])
    print("class probabilities:\n", clf.predict_proba(X_test[:5]).round(3))
    print(f"train accuracy {clf.score(X_train, y_train):.3f}")
    print(f"test accuracy  {clf.score(X_test, y_test):.3f}")

    # 4. What training did: epochs run, final loss, the learning rate per epoch.
    lr = clf.history_["learning_rate"]
    print(
        f"{clf.n_iter_} epochs, final loss {clf.loss_:.3f}, lr {lr[0]:g} -> {lr[-1]:g}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
