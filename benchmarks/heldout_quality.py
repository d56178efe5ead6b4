"""Held-out quality: default skspiral estimators against scikit-learn's MLPs.

Classification: default MLPScratchClassifier against default MLPClassifier.
Regression: default MLPScratchRegressor against default MLPRegressor.

All estimators run at their default parameters (only ``random_state`` is set),
each behind a ``StandardScaler`` in a ``Pipeline``. For iris, wine, breast_cancer
and digits the score is the mean test accuracy over 5 stratified 70/30 splits
(``StratifiedShuffleSplit(test_size=0.3)``, fixed seeds). For the spiral, split
``i`` trains on one ``make_spiral`` draw and tests on an independent draw (70/30
sizes), so the test points are genuinely unseen. For regression the score is the
mean test R² over 5 random 70/30 splits (``ShuffleSplit(test_size=0.3)``) of
diabetes, whose target is also standardised (a ``StandardScaler`` fitted on the
training split, through ``TransformedTargetRegressor``; R² is measured on the
original scale), and of ``make_friedman1(1000, random_state=0)`` (raw target).

The issue's bar: skspiral no worse than scikit-learn by more than 0.02 on every
dataset, in accuracy or in R². With ``--lbfgs`` a third table races
``optimizer="lbfgs"`` against ``solver="lbfgs"`` on the four classification data
sets (the same bar).

Usage::

    python benchmarks/heldout_quality.py            # full run (a few minutes)
    python benchmarks/heldout_quality.py --quick    # smoke test (seconds)
    python benchmarks/heldout_quality.py --out DIR  # where the JSON goes
    python benchmarks/heldout_quality.py --lbfgs    # also L-BFGS on both sides
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_friedman1,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skspiral import MLPScratchClassifier, MLPScratchRegressor, __version__, make_spiral

BAR = 0.02
RESULTS_DIR = Path(__file__).resolve().parent / "results"
CLASSIFIERS = {
    "skspiral": lambda seed: MLPScratchClassifier(random_state=seed),
    "MLPClassifier": lambda seed: MLPClassifier(random_state=seed),
}
# L-BFGS on both sides, each at its defaults otherwise (``--lbfgs``).
LBFGS = {
    "skspiral": lambda seed: MLPScratchClassifier(optimizer="lbfgs", random_state=seed),
    "MLPClassifier": lambda seed: MLPClassifier(solver="lbfgs", random_state=seed),
}
REGRESSORS = {
    "skspiral": lambda seed: MLPScratchRegressor(random_state=seed),
    "MLPRegressor": lambda seed: MLPRegressor(random_state=seed),
}
# task -> (estimators, the scikit-learn reference among them, metric name)
TASKS = {
    "classification": (CLASSIFIERS, "MLPClassifier", "accuracy"),
    "regression": (REGRESSORS, "MLPRegressor", "R²"),
}
LOADERS = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
    "diabetes": load_diabetes,
    "friedman1": lambda return_X_y: make_friedman1(1000, random_state=0),
}
REGRESSION = ("diabetes", "friedman1")
STANDARDISED_TARGET = ("diabetes",)
SPIRAL_TRAIN, SPIRAL_TEST, SPIRAL_CLASSES = 700, 300, 3


def splits(name: str, n_splits: int):
    """``(X_train, y_train, X_test, y_test)`` for each of ``n_splits`` splits."""
    if name == "spiral":
        for i in range(n_splits):
            X_tr, y_tr = make_spiral(SPIRAL_TRAIN, SPIRAL_CLASSES, random_state=2 * i)
            X_te, y_te = make_spiral(
                SPIRAL_TEST, SPIRAL_CLASSES, random_state=2 * i + 1
            )
            yield X_tr, y_tr, X_te, y_te
        return
    X, y = LOADERS[name](return_X_y=True)
    splitter = ShuffleSplit if name in REGRESSION else StratifiedShuffleSplit
    cv = splitter(n_splits=n_splits, test_size=0.3, random_state=0)
    for train, test in cv.split(X, y):
        yield X[train], y[train], X[test], y[test]


def make_model(name: str, estimator):
    """``estimator`` behind a StandardScaler (and a standardised target if asked)."""
    model = make_pipeline(StandardScaler(), estimator)
    if name in STANDARDISED_TARGET:
        return TransformedTargetRegressor(model, transformer=StandardScaler())
    return model


def evaluate(name: str, n_splits: int, lbfgs: bool = False) -> dict:
    """Test scores (accuracy or R²) and fit times of each estimator on ``name``."""
    task = "regression" if name in REGRESSION else "classification"
    estimators, reference, metric = TASKS[task]
    if lbfgs:
        estimators = LBFGS
    scores = {key: [] for key in estimators}
    seconds = {key: [] for key in estimators}
    n_iters = {key: [] for key in estimators}
    for seed, (X_tr, y_tr, X_te, y_te) in enumerate(splits(name, n_splits)):
        for key, make in estimators.items():
            model = make_model(name, make(seed))
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X_tr, y_tr)
            seconds[key].append(time.perf_counter() - start)
            scores[key].append(float(model.score(X_te, y_te)))
            fitted = getattr(model, "regressor_", model)[-1]
            n_iters[key].append(int(fitted.n_iter_))
    row = {"dataset": name, "task": task, "metric": metric, "n_splits": n_splits}
    for key in estimators:
        row[key] = {
            "mean": float(np.mean(scores[key])),
            "std": float(np.std(scores[key])),
            "scores": scores[key],
            "fit_seconds": float(np.mean(seconds[key])),
            "n_iter": n_iters[key],
        }
    row["difference"] = row["skspiral"]["mean"] - row[reference]["mean"]
    row["meets_bar"] = bool(row["difference"] >= -BAR)
    return row


def format_table(rows: list[dict], reference: str = "MLPClassifier") -> str:
    """One line per dataset."""
    header = (
        f"{'dataset':<14} {'skspiral':>15} {reference:>15} {'diff':>7} "
        f"{'fit s (ours)':>12} {'fit s (sk)':>10}  {'bar':<6}"
    )
    lines = [header.rstrip(), "-" * len(header.rstrip())]
    for r in rows:
        ours, theirs = r["skspiral"], r[reference]
        line = (
            f"{r['dataset']:<14} "
            f"{ours['mean']:>8.4f}±{ours['std']:.4f} "
            f"{theirs['mean']:>8.4f}±{theirs['std']:.4f} "
            f"{r['difference']:>+7.4f} "
            f"{ours['fit_seconds']:>12.3f} {theirs['fit_seconds']:>10.3f}  "
            f"{'ok' if r['meets_bar'] else 'MISSED':<6}"
        )
        lines.append(line.rstrip())
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="iris, spiral, diabetes and friedman1, 2 splits (smoke test)",
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS_DIR, help="directory for the JSON"
    )
    parser.add_argument(
        "--lbfgs",
        action="store_true",
        help="also race optimizer='lbfgs' against solver='lbfgs' (classification)",
    )
    args = parser.parse_args(argv)

    names = ["iris", "spiral"] if args.quick else [*LOADERS, "spiral"]
    names = [n for n in names if n not in REGRESSION]
    n_splits = 2 if args.quick else 5
    rows = [evaluate(name, n_splits) for name in names]
    print("classification: mean test accuracy")
    print(format_table(rows, "MLPClassifier"))
    regression = [evaluate(name, n_splits) for name in REGRESSION]
    print("\nregression: mean test R²")
    print(format_table(regression, "MLPRegressor"))
    lbfgs = []
    if args.lbfgs:
        lbfgs = [evaluate(n, n_splits, lbfgs=True) for n in names if n != "spiral"]
        print("\nL-BFGS on both sides: mean test accuracy")
        print(format_table(lbfgs, "MLPClassifier"))

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "heldout_quality.json"
    payload = {
        "benchmark": "heldout_quality",
        "quick": args.quick,
        "bar": BAR,
        "all_meet_bar": all(r["meets_bar"] for r in rows + regression + lbfgs),
        "versions": {
            "skspiral": __version__,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "results": rows,
        "regression_results": regression,
        "lbfgs_results": lbfgs,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
