"""Register a new optimizer (Nesterov momentum) and grid-search it like the others.

An optimizer is its hyperparameters (``__init__`` keywords, validated there), the
names of its state slots, and an in-place ``_update``. Once registered, its name
works everywhere an optimizer name does: the estimator, GridSearchCV (also on
parallel workers) and the command line, e.g. from this folder

    skspiral --plugin custom_optimizer compare --quick

adds a ``nesterov`` row for every dataset.

    python examples/custom_optimizer.py              # 500 epochs per fit
    python examples/custom_optimizer.py --epochs 30  # a quick smoke run
"""

import argparse
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skspiral import MLPScratchClassifier, available_optimizers, make_spiral
from skspiral.optimizers import Optimizer, check_unit_interval, register_optimizer


@register_optimizer("nesterov")
class Nesterov(Optimizer):
    """SGD with Nesterov momentum (scikit-learn's ``nesterovs_momentum=True``).

    With ``lr_t = learning_rate / (1 + decay * t)``::

        v <- momentum * v - lr_t * g
        w <- w + momentum * v - lr_t * g
    """

    slot_names = ("velocity",)  # one zero-initialised array, like the parameters

    def __init__(self, learning_rate=0.1, decay=0.0, momentum=0.9):
        super().__init__(learning_rate, decay)  # validates both
        self.momentum = check_unit_interval("momentum", momentum)

    def _update(self, params, grads, state, lr):
        velocity = state.slots["velocity"]
        velocity *= self.momentum
        velocity -= lr * grads
        params += self.momentum * velocity - lr * grads


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--n-jobs", type=int, default=-1)
    args = parser.parse_args(argv)
    print("registered optimizers:", available_optimizers())

    X, y = make_spiral(300, 3, random_state=0)
    # The flat estimator parameters learning_rate, decay and momentum reach the
    # new optimizer because its __init__ takes them.
    clf = MLPScratchClassifier(
        optimizer="nesterov", batch_size=None, max_iter=args.epochs, random_state=0
    )
    grid = {"learning_rate": [0.1, 0.3, 1.0], "decay": [0.0, 1e-3], "momentum": [0.9]}
    # make_spiral returns the classes in blocks, arm by arm: shuffle the folds.
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    search = GridSearchCV(clf, grid, cv=folds, n_jobs=args.n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # short budgets
        search.fit(X, y)
    print("best parameters:", search.best_params_)
    print(f"best mean CV accuracy {search.best_score_:.3f}")
    print("fitted optimizer:", search.best_estimator_.optimizer_)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
