"""MLPScratchClassifier: the from-scratch MLP as a scikit-learn classifier."""

from __future__ import annotations

import copy
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ..network import MLP
from ..training import History, StoppingMonitor, Trainer
from . import _params
from ._portable import PortableStateMixin

__all__ = ["MLPScratchClassifier"]

_SPARSE = ("csr", "csc")
_FLOATS = (np.float64, np.float32)
_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


class MLPScratchClassifier(PortableStateMixin, ClassifierMixin, BaseEstimator):
    """Multilayer perceptron classifier trained with the book's optimizers.

    A from-scratch NumPy network (dense layers, a hidden activation, softmax or a
    logistic unit with cross-entropy) trained by mini-batch gradient descent with
    any optimizer in :mod:`skspiral.optimizers`.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(64,)
        Width of each hidden layer.
    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
        Hidden activation.
    optimizer : str, Optimizer subclass or Optimizer instance, default="adam"
        A registered name (see :func:`skspiral.available_optimizers`), a class,
        or an instance used as a template (copied, never modified by ``fit``;
        its own settings are used and the flat hyperparameters below ignored).
    learning_rate : float or None, default=None
        Initial learning rate; None means the optimizer's book default (sgd and
        adagrad 1.0, rmsprop and adam 0.001).
    decay : float, default=0.0
        The book's 1/t decay: step ``t`` uses ``learning_rate / (1 + decay * t)``.
    momentum : float in [0, 1), default=0.0
        SGD momentum.
    rho : float in [0, 1), default=0.9
        RMSprop cache decay.
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Adam moment decays.
    epsilon : float, default=1e-7
        Adaptive optimizers' denominator guard (outside the square root).
    optimizer_params : dict or None, default=None
        Further hyperparameters for the optimizer (for custom optimizers).
        The flat hyperparameters above go only to optimizers that take them.
    alpha : float, default=0.0
        L2 penalty on the weights (not biases): ``0.5 * alpha * sum(W**2) / sum(w)``
        per batch, as MLPClassifier, and included in the recorded loss.
    batch_size : int, "auto" or None, default="auto"
        Rows per step: "auto" is ``min(200, n_samples)``, None the full batch; an
        int is clipped to ``n_samples``.
    max_iter : int, default=200
        Maximum number of epochs.
    shuffle : bool, default=True
        Reshuffle the rows every epoch (mini-batch training only).
    tol : float, default=1e-4
        Improvement that resets the ``n_iter_no_change`` counter.
    n_iter_no_change : int, default=10
        Stop after this many epochs without a ``tol`` improvement of the training
        loss (or of the validation accuracy with ``early_stopping``).
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the data, stop on its
        accuracy and restore the best weights.
    validation_fraction : float in (0, 1), default=0.1
    weight_init : {"auto", "he_normal", "glorot_uniform", "book"}, default="auto"
        "auto" is He-normal for ReLU and Glorot-uniform (MLPClassifier's) otherwise;
        "book" is ``0.01 * N(0, 1)`` with zero biases. Weights are drawn layer by
        layer before anything else from ``random_state``.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, shuffling and the validation split.
    verbose : int, default=0
        1 prints book-style progress lines ten times per fit, 2 every epoch.
    warm_start : bool, default=False
        Continue from the fitted weights and optimizer state (decay continues
        from the step count); changed hyperparameters apply from the next step.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when fitted on data with string column names.
    coefs_, intercepts_ : list of ndarray
        Weights and biases per layer, in MLPClassifier's layout (views into the
        network's parameter vector: writing to them changes the model).
    network_ : skspiral.network.MLP
    optimizer_ : skspiral.optimizers.Optimizer
        The optimizer built for this fit.
    optimizer_state_ : skspiral.optimizers.OptimizerState
        Its state (step count and slots, readable per parameter name).
    n_iter_ : int
        Epochs trained since the weights were initialised.
    t_ : int
        Optimizer steps taken. (MLPClassifier's ``t_`` counts samples seen.)
    loss_ : float
    loss_curve_ : list of float
        Mean training loss per epoch; with full batch, before the epoch's update.
    best_loss_ : float or None
    validation_scores_ : list of float or None
    best_validation_score_ : float or None
    history_ : dict of str to list
        ``loss``, ``accuracy``, ``learning_rate`` (the rate of the epoch's first
        update), plus ``val_loss`` and ``val_accuracy`` with early stopping.
    out_activation_ : {"softmax", "logistic"}
        Softmax for 3+ classes, one logistic unit for 2 (as MLPClassifier).

    Examples
    --------
    >>> from skspiral import MLPScratchClassifier, make_spiral
    >>> X, y = make_spiral(300, 3, random_state=0)
    >>> clf = MLPScratchClassifier(
    ...     learning_rate=0.02, batch_size=None, max_iter=1000, random_state=0
    ... )
    >>> clf.fit(X, y).score(X, y) > 0.8
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    """

    def __init__(
        self,
        hidden_layer_sizes=(64,),
        activation="relu",
        *,
        optimizer="adam",
        learning_rate=None,
        decay=0.0,
        momentum=0.0,
        rho=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        optimizer_params=None,
        alpha=0.0,
        batch_size="auto",
        max_iter=200,
        shuffle=True,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        weight_init="auto",
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.decay = decay
        self.momentum = momentum
        self.rho = rho
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.optimizer_params = optimizer_params
        self.alpha = alpha
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.weight_init = weight_init
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y, sample_weight=None):
        """Train on ``(X, y)`` for up to ``max_iter`` epochs; return ``self``.

        A fit that fails (bad input, divergence) leaves a fitted estimator's
        previous state untouched.
        """
        return self._fit(X, y, sample_weight, incremental=False, classes=None)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``(X, y)``; ``classes`` is required on the first call."""
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _fit(self, X, y, sample_weight, *, incremental, classes):
        # validate_data sets n_features_in_ / feature_names_in_ before the checks
        # that follow it can fail: put them back, so that a failed fit leaves a
        # fitted model usable and an unfitted one unfitted (NotFittedError).
        saved = {k: vars(self)[k] for k in _INPUT_ATTRIBUTES if k in vars(self)}
        network_before = vars(self).get("network_")
        try:
            return self._fit_or_raise(
                X, y, sample_weight, incremental=incremental, classes=classes
            )
        except BaseException:
            if vars(self).get("network_") is network_before:  # nothing committed
                for name in _INPUT_ATTRIBUTES:
                    vars(self).pop(name, None)
                vars(self).update(saved)
            raise

    def _fit_or_raise(self, X, y, sample_weight, *, incremental, classes):
        _params.validate(self)
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True.")
        continuing = hasattr(self, "network_") and (incremental or self.warm_start)
        X, y_idx, classes_ = self._check_training_data(
            X, y, classes, continuing=continuing, incremental=incremental
        )
        sample_weight = self._check_weights(sample_weight, X, y_idx, len(classes_))

        sizes = self._layer_sizes(X.shape[1], len(classes_))
        network, state, history, monitor, rng = (
            self._continued(sizes) if continuing else self._fresh(sizes, X.dtype)
        )
        optimizer = _params.build_optimizer(self)
        if state is None or type(optimizer) is not type(self.optimizer_):
            state = optimizer.init_state(network.params, network.layout)

        train, validation = self._split(X, y_idx, sample_weight, rng)
        trainer = Trainer(
            network,
            optimizer,
            state,
            batch_size=_params.resolve_batch_size(self.batch_size, train[0].shape[0]),
            shuffle=self.shuffle,
            rng=rng,
            alpha=self.alpha,
        )
        history, reason = trainer.fit(
            *train,
            epochs=1 if incremental else self.max_iter,
            history=history,
            monitor=monitor,
            validation=validation,
            on_epoch=self._report if self.verbose else None,
        )
        if validation is not None and monitor.best_params is not None:
            network.params[...] = monitor.best_params

        self.classes_ = classes_
        self.network_, self.optimizer_, self.optimizer_state_ = (
            network,
            optimizer,
            state,
        )
        self._history, self._monitor, self._random_state = history, monitor, rng
        self._set_fitted_attributes()
        self._warn(reason, incremental)
        return self

    def _layer_sizes(self, n_features: int, n_classes: int) -> tuple[int, ...]:
        n_out = 1 if n_classes == 2 else n_classes  # one logistic unit for 2
        return (n_features, *_params.hidden_sizes(self.hidden_layer_sizes), n_out)

    def _fresh(self, sizes, dtype):
        """New weights (drawn first from the RandomState), state, history, monitor."""
        rng = check_random_state(self.random_state)
        output = "logistic" if sizes[-1] == 1 else "softmax"
        network = MLP(sizes, self.activation, output, dtype=dtype)
        network.initialize(self.weight_init, rng)
        monitor = StoppingMonitor(self.tol, self.n_iter_no_change)
        return network, None, History(), monitor, rng

    def _continued(self, sizes):
        """Copies of the fitted training state, so a failure leaves it intact."""
        network = self.network_
        if network.layer_sizes != sizes or network.activation != self.activation:
            raise ValueError(
                "warm_start/partial_fit need the same hidden_layer_sizes and activation"
                f" as the fitted model (layers {network.layer_sizes[1:-1]}, activation "
                f"{network.activation!r}); set warm_start=False to start afresh."
            )
        monitor = copy.deepcopy(self._monitor)
        monitor.tol, monitor.n_iter_no_change = self.tol, self.n_iter_no_change
        monitor.no_improvement_count = 0
        return (
            copy.deepcopy(network),
            copy.deepcopy(self.optimizer_state_),
            self._history.copy(),
            monitor,
            copy.deepcopy(self._random_state),
        )

    def _check_training_data(self, X, y, classes, *, continuing, incremental):
        dtype = self.network_.dtype if continuing else _FLOATS
        X, y = validate_data(
            self,
            X,
            y,
            reset=not continuing,
            accept_sparse=_SPARSE,
            dtype=dtype,
            multi_output=True,  # so that 2-D y gets the message below
        )
        if y.ndim == 2 and y.shape[1] > 1:
            raise ValueError(
                "MLPScratchClassifier does not support multilabel or multi-output y "
                f"(got y of shape {y.shape}); pass a 1-D array of labels."
            )
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if continuing:
            classes_ = self.classes_
            if classes is not None and not np.array_equal(np.unique(classes), classes_):
                raise ValueError(
                    f"classes={np.asarray(classes).tolist()} differs from the classes "
                    f"of the first call, {classes_.tolist()}."
                )
            if not incremental and not np.array_equal(np.unique(y), classes_):
                raise ValueError(
                    "warm_start needs y to have the same classes as the previous fit: "
                    f"previously {classes_.tolist()}, now {np.unique(y).tolist()}."
                )
        elif classes is not None:
            classes_ = np.unique(classes)
        elif incremental:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        else:
            classes_ = np.unique(y)
        unseen = np.setdiff1d(np.unique(y), classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} not in classes "
                f"{classes_.tolist()}."
            )
        if len(classes_) < 2:
            raise ValueError(
                "Classifier can't train when only one class is present: "
                f"got classes {classes_.tolist()}."
            )
        return X, np.searchsorted(classes_, y), classes_

    def _check_weights(self, sample_weight, X, y_idx, n_classes):
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        )
        weight_per_class = np.bincount(
            y_idx, weights=sample_weight, minlength=n_classes
        )
        if np.count_nonzero(weight_per_class) < 2:
            raise ValueError(
                "sample_weight leaves only one class with non-zero weight; "
                "a classifier needs at least two classes."
            )
        return sample_weight

    def _split(self, X, y_idx, sample_weight, rng):
        """Training arrays and, with early stopping, the held-out validation set."""
        if not self.early_stopping:
            return (X, y_idx, sample_weight), None
        arrays = [X, y_idx] + ([] if sample_weight is None else [sample_weight])
        too_small = (
            f"The validation set is too small (validation_fraction="
            f"{self.validation_fraction!r} of {X.shape[0]} samples, "
            f"{np.bincount(y_idx).size} classes): increase validation_fraction or "
            "the number of samples."
        )
        try:  # stratified: needs a row of every class on both sides
            parts = train_test_split(
                *arrays,
                test_size=self.validation_fraction,
                random_state=rng,
                stratify=y_idx,
            )
        except ValueError as error:
            raise ValueError(f"{too_small} ({error})") from error
        train, val = parts[0::2], parts[1::2]
        if val[0].shape[0] < 2:
            raise ValueError(too_small)
        if sample_weight is None:
            train, val = (*train, None), (*val, None)
        return tuple(train), tuple(val)

    def _set_fitted_attributes(self):
        h = self._history
        self.n_iter_ = len(h.loss)
        self.t_ = self.optimizer_state_.t
        self.loss_ = h.loss[-1]
        self.loss_curve_ = list(h.loss)
        self.history_ = {k: list(v) for k, v in h.as_dict().items()}
        if self.early_stopping:
            self.best_loss_ = None
            self.validation_scores_ = list(h.val_accuracy)
            self.best_validation_score_ = self._monitor.best_score
        else:
            self.best_loss_ = self._monitor.best_loss
            self.validation_scores_ = self.best_validation_score_ = None
        self.out_activation_ = self.network_.head.out_activation
        self.n_layers_ = len(self.network_.layer_sizes)
        self.n_outputs_ = self.network_.layer_sizes[-1]

    def _report(self, epoch: int, history: History) -> None:
        every = 1 if self.verbose >= 2 else max(1, self.max_iter // 10)
        if epoch % every == 0 or epoch == self.max_iter - 1:
            line = (
                f"epoch: {epoch}, acc: {history.accuracy[-1]:.3f}, "
                f"loss: {history.loss[-1]:.3f}, lr: {history.learning_rate[-1]}"
            )
            if history.val_accuracy:
                line += f", val_acc: {history.val_accuracy[-1]:.3f}"
            print(line, flush=True)

    def _warn(self, reason: str, incremental: bool) -> None:
        # stacklevel 5: _warn <- _fit_or_raise <- _fit <- fit <- the user's line.
        if reason == "interrupted":
            warnings.warn(
                "Training interrupted by the user; keeping the weights trained so far.",
                UserWarning,
                stacklevel=5,
            )
        elif reason == "max_iter" and not incremental:
            warnings.warn(
                f"Maximum iterations ({self.max_iter}) reached and the optimization "
                "hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=5,
            )

    # --------------------------------------------------------------- prediction
    def _check_input(self, X):
        check_is_fitted(self)
        return validate_data(
            self, X, reset=False, accept_sparse=_SPARSE, dtype=self.network_.dtype
        )

    def _logits(self, X) -> np.ndarray:
        """The network's outputs for ``X``; raise rather than return NaN.

        Finite weights can still overflow (an epoch that made them huge but was
        never evaluated after its last update, or huge inputs): a clear error
        beats NaN probabilities or an arbitrary argmax.
        """
        X = self._check_input(X)
        with np.errstate(over="ignore", invalid="ignore"):
            z = self.network_.logits(X)
        if not np.isfinite(z).all():
            bad_rows = int(np.count_nonzero(~np.isfinite(z).all(axis=1)))
            raise FloatingPointError(
                f"The network's outputs overflowed on {bad_rows} of {z.shape[0]} "
                f"rows (largest |weight| {np.abs(self.network_.params).max():.3g}, "
                f"largest |x| {abs(X).max():.3g}). Training probably diverged: "
                "refit with a smaller learning_rate, or scale the features."
            )
        return z

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        z = self._logits(X)  # first: it raises NotFittedError before fit
        return self.network_.head.proba(z)

    def predict_log_proba(self, X) -> np.ndarray:
        """Log of :meth:`predict_proba`, computed stably (finite for finite X)."""
        z = self._logits(X)  # first: it raises NotFittedError before fit
        return self.network_.head.log_proba(z)

    def predict(self, X) -> np.ndarray:
        """Predicted labels (from ``classes_``)."""
        z = self._logits(X)  # first: it raises NotFittedError before fit
        return self.classes_[self.network_.head.decide(z)]

    # ----------------------------------------------- MLPClassifier-style views
    @property
    def coefs_(self) -> list[np.ndarray]:
        return self.network_.coefs

    @coefs_.setter
    def coefs_(self, values):
        _assign_into(self.network_.coefs, values, "coefs_")

    @property
    def intercepts_(self) -> list[np.ndarray]:
        return self.network_.intercepts

    @intercepts_.setter
    def intercepts_(self, values):
        _assign_into(self.network_.intercepts, values, "intercepts_")


def _assign_into(targets: list[np.ndarray], values, name: str) -> None:
    """Copy ``values`` into the network's arrays after checking every shape."""
    values = [np.asarray(v) for v in values]
    shapes = [t.shape for t in targets]
    if [v.shape for v in values] != shapes:
        raise ValueError(f"{name} must have shapes {shapes}.")
    for target, value in zip(targets, values):
        target[...] = value
