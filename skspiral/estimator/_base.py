"""What MLPScratchClassifier and MLPScratchRegressor share (as scikit-learn's
``BaseMultilayerPerceptron``): hyperparameters, fit / partial_fit / warm start,
rollback, the early-stopping split, the callbacks of a fit, the weight views and
pickling. A subclass adds only its own: target checks and encoding, the head,
``predict*``, ``score`` and its tags.

A fit runs on a shadow copy of the estimator and is committed in one step at the
end (``self.__dict__`` replaced at once), so a failure, divergence or Ctrl-C leaves
the estimator exactly as it was, and a ``predict`` running in another thread sees
the old model or the new one, never a mix. (Fitting one object from two threads
at once is not supported.)
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ..optimizers import (
    adopt_carried_optimizers,
    carry_user_optimizers,
    get_optimizer_class,
)
from ..training import Trainer
from . import _hyperparams as hp
from ._fitting import (
    carry_schedule_state,
    fit_callbacks,
    fit_warnings,
    training_state,
    validation_split,
)
from ._views import WeightViews

__all__ = ["BaseMLPScratch", "stepping_optimizer"]

_SPARSE = ("csr", "csc")
_FLOATS = (np.float64, np.float32)


def stepping_optimizer(est) -> bool:
    """Whether ``est``'s optimizer takes one step at a time, so that ``partial_fit``
    makes sense (scikit-learn offers it only for its stochastic solvers).

    Used with ``available_if``: ``hasattr(est, "partial_fit")`` is False for L-BFGS
    and any optimizer that needs the whole objective. An optimizer that cannot be
    resolved yet counts as stepping; ``partial_fit`` then reports it.
    """
    try:
        cls = get_optimizer_class(est.optimizer)
    except (TypeError, ValueError):
        return True
    if cls.needs_closure:
        raise AttributeError(
            f"partial_fit is only available for optimizers that take one step at a "
            f"time; {cls.__name__} needs the whole objective (use fit)."
        )
    return True


class BaseMLPScratch(WeightViews, BaseEstimator):
    """Base class of the skspiral estimators; use a subclass."""

    _y_numeric = False  # whether validate_data should require a numeric y

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        optimizer="adam",
        learning_rate=None,
        decay=None,
        momentum=None,
        rho=None,
        beta_1=None,
        beta_2=None,
        epsilon=None,
        optimizer_params=None,
        alpha=1e-4,
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

    def set_params(self, **params):
        """scikit-learn's ``set_params``, with a clear error for nested keys on a
        value that has no settings of its own (``optimizer__momentum`` when the
        optimizer is a name or a class)."""
        for key in params:
            outer, _, inner = key.partition("__")
            value = params.get(outer, getattr(self, outer, None))
            if inner and outer in self.get_params(deep=False):
                if isinstance(value, type) or not hasattr(value, "set_params"):
                    raise ValueError(
                        f"cannot set {key!r}: {outer}={value!r} has no settings of its "
                        f"own. Pass an instance (e.g. {outer}=SGD(momentum=0.9)) or "
                        "use the estimator's flat keyword (e.g. momentum=0.9)."
                    )
        return super().set_params(**params)

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y, sample_weight=None):
        """Train on ``(X, y)`` for up to ``max_iter`` epochs; return ``self``.

        A fit that fails (bad input, divergence, Ctrl-C before the first epoch
        completes) leaves the estimator exactly as it was.
        """
        return self._fit(X, y, sample_weight, incremental=False, classes=None)

    def _fit(self, X, y, sample_weight, *, incremental, classes):
        warn = self._fit_and_commit(X, y, sample_weight, incremental, classes)
        for message, category in warn:
            warnings.warn(message, category, stacklevel=3)  # the caller's line
        return self

    def _fit_and_commit(self, X, y, sample_weight, incremental, classes):
        """Fit a shadow copy, then commit it; the warnings to emit afterwards.

        (A mixin may wrap this, e.g. to open scikit-learn's callback context.)
        """
        shadow = object.__new__(type(self))
        shadow.__dict__ = dict(self.__dict__)
        # A continued fit shuffles with the fitted RandomState itself; its state
        # is put back if the fit fails (a copy of the generator costs ~180 us,
        # its state ~25 us: most of a small partial_fit call). NumPy's global
        # generator (random_state=None) is left alone, as MLPClassifier leaves
        # it: rewinding it could replay draws other code made meanwhile.
        rng = self.__dict__.get("_random_state")
        own = rng is not None and rng is not np.random.mtrand._rand
        saved = rng.get_state() if own else None
        try:
            warn = shadow._fit_shadow(X, y, sample_weight, incremental, classes)
        except BaseException:
            if saved is not None:
                rng.set_state(saved)
            raise
        self.__dict__ = shadow.__dict__  # the commit: one reference swap
        return warn

    def _fit_shadow(self, X, y, sample_weight, incremental, classes):
        """Fit ``self`` (a private copy); return the warnings to emit afterwards."""
        hp.validate(self)
        if incremental and bool(self.early_stopping):
            raise ValueError("partial_fit does not support early_stopping=True.")
        warm = bool(self.warm_start)
        continuing = hasattr(self, "network_") and (incremental or warm)
        X, y, sample_weight, head, target_attrs = self._validated(
            X, y, sample_weight, classes, continuing, incremental
        )
        sizes = (X.shape[1], *hp.hidden_sizes(self.hidden_layer_sizes))
        sizes += (head.n_outputs(target_attrs.pop("n_targets")),)
        network, state, history, rng = training_state(
            self, sizes, head, X.dtype, continuing
        )
        optimizer = hp.build_optimizer(self)
        if state is None or type(optimizer) is not type(self.optimizer_):
            state = optimizer.init_state(network.params, network.layout)
        elif incremental:
            carry_schedule_state(self.optimizer_, optimizer)
        train, validation = validation_split(self, X, y, sample_weight, rng)
        callbacks, stopper = fit_callbacks(self, optimizer, head, history, incremental)
        trainer = Trainer(
            network, optimizer, state,
            batch_size=hp.resolve_batch_size(self.batch_size, train[0].shape[0]),
            shuffle=bool(self.shuffle), rng=rng,
            alpha=float(self.alpha), callbacks=callbacks, tol=float(self.tol),
        )  # fmt: skip
        epochs_before = len(history)
        epochs = 1 if incremental else self.max_iter
        history, reason = trainer.fit(
            *train, epochs=epochs, history=history, validation=validation
        )
        self.network_, self.optimizer_ = network, optimizer
        self.optimizer_state_, self._history, self._random_state = state, history, rng
        self._set_fitted_attributes(len(history) - epochs_before, stopper)
        return fit_warnings(self, reason, incremental, X)

    def _validated(self, X, y, sample_weight, classes, continuing, incremental):
        """Checked inputs, the task head, and the target attributes to set."""
        dtype = self.network_.dtype if continuing else _FLOATS
        X, y = validate_data(
            self, X, y, reset=not continuing, accept_sparse=_SPARSE, dtype=dtype,
            multi_output=True, y_numeric=self._y_numeric,
        )  # fmt: skip
        y, n_targets, target_attrs = self._check_targets(
            y, X.dtype, classes=classes, continuing=continuing, incremental=incremental
        )
        vars(self).update(target_attrs)  # classes_ is known before training starts
        sample_weight = self._check_weights(sample_weight, X, y, incremental)
        head = self._head(n_targets)
        return X, y, sample_weight, head, {**target_attrs, "n_targets": n_targets}

    def _extra_callbacks(self) -> list:
        """Callbacks added by mixins (scikit-learn's callback API)."""
        return []

    def _check_weights(self, sample_weight, X, y, incremental):
        if sample_weight is None:
            return None
        return _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        )

    def _set_fitted_attributes(self, n_new_epochs: int, stopper):
        h = self._history
        metric = self.network_.head.metric_name
        self.n_iter_ = n_new_epochs
        self.t_ = self.optimizer_state_.t
        self.loss_ = h["loss"][-1]
        self.loss_curve_ = list(h["loss"])
        self.history_ = h.as_dict()
        if bool(self.early_stopping):
            self.best_loss_ = None
            self.validation_scores_ = list(h[f"val_{metric}"])
            self.best_validation_score_ = stopper.best_score
        else:
            self.best_loss_ = min(h["loss"])
            self.validation_scores_ = self.best_validation_score_ = None
        self.out_activation_ = self.network_.head.out_activation
        self.n_layers_ = len(self.network_.layer_sizes)
        self.n_outputs_ = self.network_.layer_sizes[-1]

    # --------------------------------------------------------------- prediction
    def _view(self):
        """A frozen view of the fitted model: fits replace ``__dict__``, never edit
        it, so this stays one consistent model however long a prediction takes."""
        view = object.__new__(type(self))
        view.__dict__ = self.__dict__
        return view

    def _forward(self, X):
        """``(network outputs for X, the model view)``; raise rather than return NaN.

        Finite weights can still overflow (an epoch that made them huge but was
        never evaluated after its last update, or huge inputs): a clear error
        beats NaN outputs or an arbitrary argmax.
        """
        model = self._view()
        check_is_fitted(model)
        X = validate_data(
            model, X, reset=False, accept_sparse=_SPARSE, dtype=model.network_.dtype
        )
        with np.errstate(over="ignore", invalid="ignore"):
            z = model.network_.forward(X)
        if not np.isfinite(z).all():
            bad_rows = int(np.count_nonzero(~np.isfinite(z).all(axis=1)))
            largest_x = abs(X).max() if X.shape[0] else 0.0
            raise FloatingPointError(
                f"The network's outputs overflowed on {bad_rows} of {z.shape[0]} "
                f"rows (largest |weight| {np.abs(model.network_.params).max():.3g}, "
                f"largest |x| {largest_x:.3g}). Training probably diverged: "
                "refit with a smaller learning_rate, or scale the features."
            )
        return z, model

    # --------------------------------------------------------------- pickling
    def __getstate__(self):
        return carry_user_optimizers(super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(adopt_carried_optimizers(state))
