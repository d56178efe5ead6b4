"""The parts of a fit the two estimators share beyond the loop: the training state
a fit starts from, which callbacks it runs, the early-stopping split, the warnings
a finished fit raises, and what a ``partial_fit`` carries over. Functions of the
estimator's parameters."""

from __future__ import annotations

import copy

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from ..network import MLP
from ..training import (
    DivergenceGuard,
    EarlyStopping,
    History,
    LossPlateauStopping,
    PlateauScheduleDriver,
    VerbosePrinter,
)

__all__ = [
    "carry_schedule_state",
    "fit_callbacks",
    "fit_warnings",
    "training_state",
    "validation_split",
]


def training_state(est, sizes, head, dtype, continuing: bool) -> tuple:
    """``(network, optimizer state, history, RandomState)`` a fit starts from.

    Afresh: new weights (drawn first from the RandomState), no optimizer state, an
    empty history. Continuing (``warm_start``, ``partial_fit``): copies of the
    fitted network, state and history, so a failure leaves them intact; the
    RandomState itself, whose state the caller puts back if the fit fails.
    """
    if not continuing:
        rng = check_random_state(est.random_state)
        network = MLP(sizes, est.activation, head, dtype=dtype)
        network.initialize(est.weight_init, rng)
        return network, None, History(), rng
    network = est.network_
    if network.layer_sizes != sizes or network.activation != est.activation:
        raise ValueError(
            "warm_start/partial_fit need the same hidden_layer_sizes and activation"
            f" as the fitted model (layers {network.layer_sizes[1:-1]}, activation "
            f"{network.activation!r}); set warm_start=False to start afresh."
        )
    return (
        network.copy(),
        copy.deepcopy(est.optimizer_state_),
        est._history.copy(),
        est._random_state,
    )


def fit_callbacks(est, optimizer, head, history, incremental):
    """The fit's callbacks, and the one whose best record is reported."""
    tol, patience = float(est.tol), est.n_iter_no_change
    callbacks = [DivergenceGuard()]
    if bool(est.early_stopping):
        stopper = EarlyStopping(head.metric_name, tol, patience)
    else:
        stopper = LossPlateauStopping(tol, patience)
        if len(history):
            stopper.best_loss = min(history["loss"])
    schedule = getattr(optimizer, "learning_rate", None)
    if hasattr(schedule, "observe"):  # reduce-on-plateau replaces the stop rule
        early = isinstance(stopper, EarlyStopping)
        key = f"val_{head.metric_name}" if early else "loss"
        callbacks.append(PlateauScheduleDriver(schedule, key, negate=early))
        if early:  # still records the best epoch and restores it; never stops
            stopper.n_iter_no_change = np.inf
            callbacks.append(stopper)
    elif not incremental:
        callbacks.append(stopper)
    if est.verbose:
        every = 1 if est.verbose >= 2 else max(1, est.max_iter // 10)
        last = len(history) + (0 if incremental else est.max_iter - 1)
        callbacks.append(VerbosePrinter(every, last, head.metric_name))
    return callbacks + est._extra_callbacks(), stopper


def validation_split(est, X, y, sample_weight, rng):
    """Training arrays and, with early stopping, the held-out validation set."""
    if not bool(est.early_stopping):
        return (X, y, sample_weight), None
    arrays = [X, y] + ([] if sample_weight is None else [sample_weight])
    too_small = (
        f"The validation set is too small (validation_fraction="
        f"{est.validation_fraction!r} of {X.shape[0]} samples): increase "
        "validation_fraction or the number of samples."
    )
    try:
        parts = train_test_split(
            *arrays,
            test_size=float(est.validation_fraction),
            random_state=rng,
            stratify=est._stratify(y),
        )
    except ValueError as error:
        raise ValueError(f"{too_small} ({error})") from error
    train, val = parts[0::2], parts[1::2]
    if val[0].shape[0] < 2:
        raise ValueError(too_small)
    if sample_weight is None:
        return (*train, None), (*val, None)
    for side, part in (("training", train), ("validation", val)):
        if not part[2].sum() > 0:
            raise ValueError(
                f"The early-stopping split leaves zero total sample_weight on the "
                f"{side} side: give more rows non-zero weight or change "
                "validation_fraction / random_state."
            )
    return tuple(train), tuple(val)


def fit_warnings(est, reason: str, incremental: bool, X) -> list:
    out = []
    if reason == "interrupted":
        out.append(
            (
                "Training interrupted by the user; keeping the weights of the last"
                f" completed epoch ({len(est._history)} epochs in all).",
                UserWarning,
            )
        )
    elif reason in ("max_iter", "max_fun") and not incremental:
        out.append((_not_converged(est, reason), ConvergenceWarning))
    if not incremental and est.network_.has_dead_layer(X):
        out.append(
            (
                "Every hidden ReLU unit of a layer is inactive on every training "
                "row, so the model predicts a constant. Scale the features (e.g. "
                "StandardScaler) or use a smaller learning_rate.",
                ConvergenceWarning,
            )
        )
    return out


def _not_converged(est, reason: str) -> str:
    """MLPClassifier's words: per epoch, or L-BFGS's own (with SciPy's message)."""
    run = est.optimizer_state_.info.get("lbfgs")
    if run is None:
        return (
            f"Maximum iterations ({est.max_iter}) reached and the optimization "
            "hasn't converged yet."
        )
    return (
        f"lbfgs failed to converge after {run['nit']} iteration(s) (status="
        f"{run['status']}): {run['message']}. Increase the number of iterations "
        f"(max_iter={est.max_iter}) or max_fun, or scale the data."
    )


def carry_schedule_state(previous, optimizer) -> None:
    """``partial_fit`` continues a stateful schedule (a rate lowered on a plateau)
    where the previous call left it, as MLPClassifier keeps its optimizer."""
    schedule = getattr(optimizer, "learning_rate", None)
    if hasattr(schedule, "observe") and schedule == previous.learning_rate:
        optimizer.learning_rate = copy.deepcopy(previous.learning_rate)
