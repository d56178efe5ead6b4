"""Watch a fit: a progress bar, a validation curve, a live plot, a stop at a target.

``set_callbacks`` takes scikit-learn's callbacks (``ProgressBar``, needs rich) and
skspiral's own: :class:`~skspiral.callbacks.ValidationRecorder` adds the loss and
accuracy on a held-out set to ``history_`` after every epoch,
:class:`~skspiral.callbacks.LivePlot` redraws the curves into a PNG, and a
three-line :class:`~skspiral.callbacks.Callback` stops training once the
validation accuracy reaches a target.

    python examples/training_callbacks.py               # stops near epoch 300
    python examples/training_callbacks.py --epochs 30   # a quick smoke run
"""

import argparse
import importlib.util
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.callbacks import Callback, LivePlot, ValidationRecorder


class StopAtValidationAccuracy(Callback):
    """Stop once the last recorded ``val_accuracy`` reaches ``target``."""

    stop_reason = "target reached"

    def __init__(self, target):
        self.target = target

    def on_epoch_end(self, trainer, epoch, logs):
        return trainer.history["val_accuracy"][-1] >= self.target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--plot", default="training_curves.png")
    args = parser.parse_args(argv)

    X, y = make_spiral(1000, 3, random_state=0)
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, test_size=0.4, stratify=y, random_state=0
    )
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=0
    )
    clf = MLPScratchClassifier(
        (64, 64), learning_rate=0.01, batch_size=None, max_iter=args.epochs,
        n_iter_no_change=args.epochs, random_state=0,
    )  # fmt: skip
    callbacks = [
        ValidationRecorder(X_val, y_val),  # first: the stop rule reads its record
        StopAtValidationAccuracy(args.target),
        LivePlot(args.plot, every=100),
    ]
    if importlib.util.find_spec("rich") is not None:
        from sklearn.callback import ProgressBar

        callbacks.append(ProgressBar())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_callbacks(*callbacks).fit(X_train, y_train)

    val = clf.history_["val_accuracy"]
    if val[-1] >= args.target:
        print(f"stopped after {clf.n_iter_} epochs: validation accuracy {val[-1]:.3f}")
    else:
        print(f"ran all {clf.n_iter_} epochs: best validation accuracy {max(val):.3f}")
    step = max(len(val) // 5, 1)
    curve = ", ".join(f"{k}: {val[k]:.3f}" for k in range(0, len(val), step))
    print(f"validation accuracy by epoch: {curve}")
    print(f"test accuracy  {clf.score(X_test, y_test):.3f}")
    print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
