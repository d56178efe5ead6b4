"""One run of ``compare``: fit a contender once and measure it.

>>> from skspiral.tools.runs import TIMING_COLUMNS
>>> TIMING_COLUMNS
('fit_seconds', 'ms_per_epoch', 'seconds_to_target')
"""

from __future__ import annotations

import math
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, mean_squared_error

__all__ = ["TIMING_COLUMNS", "fit_and_measure"]

# Columns that depend on the machine and its load (left out when comparing reruns).
TIMING_COLUMNS = ("fit_seconds", "ms_per_epoch", "seconds_to_target")


def _metrics(model, X, y, task: str) -> tuple[float, float]:
    """(score, loss): accuracy and log-loss, or R² and mean squared error."""
    if task == "regression":
        return model.score(X, y), mean_squared_error(y, model.predict(X))
    proba = model.predict_proba(X)
    return model.score(X, y), log_loss(y, proba, labels=model.classes_)


def fit_and_measure(contender, settings, task, data, *, epochs, seed, target):
    """Fit ``contender`` with ``settings`` on ``data[:2]``, score it on ``data[2:]``.

    Returns the run's measurements (score and loss on the evaluation part, final
    training loss, epochs, the first epoch at or below ``target``, timings and a
    status), the fitted model (None if it failed) and its loss curve. A failure
    (say a diverging trial) is caught and reported in ``status``.
    """
    X_fit, y_fit, X_eval, y_eval = data
    model = contender.build(
        settings, task, epochs=epochs, seed=seed, n_samples=X_fit.shape[0]
    )
    row = {"status": "ok", "score": math.nan, "loss": math.nan}
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            # A diverging trial is expected in tuning: its row says "failed".
            warnings.simplefilter("ignore", RuntimeWarning)
            model.fit(X_fit, y_fit)
            seconds = time.perf_counter() - start
            row["score"], row["loss"] = _metrics(model, X_eval, y_eval, task)
    except Exception as exc:  # one diverging run must not sink the table
        seconds = time.perf_counter() - start
        row["status"] = f"failed: {type(exc).__name__}: {exc}".splitlines()[0]
        model = None
    curve = [float(v) for v in getattr(model, "loss_curve_", [])]
    ran = int(getattr(model, "n_iter_", 0) or 0)
    reached = next((i + 1 for i, v in enumerate(curve) if v <= target), None)
    row.update(
        train_loss=curve[-1] if curve else math.nan,
        epochs=ran,
        epochs_to_target=math.nan if reached is None else reached,
        fit_seconds=seconds,
        ms_per_epoch=1000.0 * seconds / ran if ran else math.nan,
        # Estimated: assumes every epoch of the run cost the same.
        seconds_to_target=math.nan if reached is None else seconds * reached / ran,
    )
    return row, model, curve
