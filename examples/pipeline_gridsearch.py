"""Tune MLPScratchClassifier inside a Pipeline with GridSearchCV.

The grid covers the learning rate, the book's 1/t decay and Adam's two betas. The
optimizer hyperparameters are plain estimator parameters, so they are addressed
as ``<step>__<name>`` like any other.

    python examples/pipeline_gridsearch.py              # 300 epochs per fit
    python examples/pipeline_gridsearch.py --epochs 30  # a quick smoke run
"""

import argparse
import warnings

from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skspiral import MLPScratchClassifier


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--n-jobs", type=int, default=-1)
    args = parser.parse_args(argv)

    X, y = make_moons(400, noise=0.3, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )

    # The scaler is fitted inside each fold, so no test rows leak into it.
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("mlp", MLPScratchClassifier(optimizer="adam", max_iter=args.epochs)),
        ]
    )
    grid = {
        "mlp__learning_rate": [0.001, 0.01, 0.05],
        "mlp__decay": [0.0, 1e-3],
        "mlp__beta_1": [0.8, 0.9],
        "mlp__beta_2": [0.99, 0.999],
        "mlp__random_state": [0],
    }
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=args.n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # short budgets
        search.fit(X_train, y_train)

    print("best parameters:", search.best_params_)
    print(f"best mean CV accuracy {search.best_score_:.3f}")
    print(f"test accuracy of the refitted pipeline {search.score(X_test, y_test):.3f}")

    # The top rows of cv_results_ (pandas.DataFrame(search.cv_results_) works too).
    results = search.cv_results_
    order = results["rank_test_score"].argsort()[:5]
    print("\nrank  lr      decay   beta_1  beta_2  mean CV accuracy")
    for i in order:
        p = results["params"][i]
        print(
            f"{results['rank_test_score'][i]:>4}  {p['mlp__learning_rate']:<6g}  "
            f"{p['mlp__decay']:<6g}  {p['mlp__beta_1']:<6g}  {p['mlp__beta_2']:<6g}  "
            f"{results['mean_test_score'][i]:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
