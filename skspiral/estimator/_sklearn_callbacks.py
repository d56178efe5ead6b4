"""scikit-learn 1.9's callback API (``sklearn.callback``) for both estimators.

``est.set_callbacks(ProgressBar(), ScoringMonitor(scoring="accuracy"), ...)``
works as for any scikit-learn estimator that supports callbacks: a fit is one
root task (``"fit"``, or ``"partial_fit"``) with one sub-task per epoch
(``max_subtasks=max_iter``; 1 for ``partial_fit``). At each epoch's end the
callbacks may ask for ``fitted_estimator``, a predict-ready copy of the model as
if training had stopped there, and any ``on_fit_task_end`` returning True stops
training after that epoch (``fit`` then emits no ``ConvergenceWarning``).
Callbacks set on a ``Pipeline`` or ``GridSearchCV`` reach the estimator through
scikit-learn's own propagation.

``set_callbacks`` also takes skspiral's own loop callbacks
(:class:`skspiral.callbacks.Callback` instances): they are kept with the
scikit-learn ones (so ``clone`` and meta-estimators carry them) and handed to the
training loop, which calls them at every epoch with the live network and history.

With no callback set, ``fit`` takes exactly the path it takes without this mixin:
nothing runs per epoch. With scikit-learn older than 1.9 the estimators work as
before and ``set_callbacks`` raises an ``ImportError`` naming the version needed.
"""

from __future__ import annotations

import copy

import numpy as np
import sklearn
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    validate_data,
)

from ..training import Callback, EarlyStopping
from ._base import _FLOATS, _SPARSE

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # pragma: no cover - exercised in a subprocess test
    CallbackSupportMixin = None

    def with_callbacks(method):
        return method


__all__ = ["SklearnCallbackMixin"]

_Base = object if CallbackSupportMixin is None else CallbackSupportMixin


class SklearnCallbackMixin(_Base):
    """Adds ``set_callbacks`` (scikit-learn's callback API) to an estimator.

    Put it left of the estimator base: ``class C(ClassifierMixin,
    SklearnCallbackMixin, BaseMLPScratch)``.
    """

    def set_callbacks(self, *callbacks):
        """Set the callbacks of the next fits; return ``self``.

        Parameters
        ----------
        *callbacks : callback instances
            scikit-learn callbacks (``sklearn.callback.ProgressBar``,
            ``ScoringMonitor``, or any object following its ``FitCallback``
            protocol) and skspiral loop callbacks
            (:class:`skspiral.callbacks.Callback`). No argument removes them all.

        Returns
        -------
        self : estimator instance
        """
        if CallbackSupportMixin is None:
            raise ImportError(
                "set_callbacks needs scikit-learn >= 1.9 (its sklearn.callback "
                f"module); scikit-learn {sklearn.__version__} is installed."
            )
        wrap = [_LoopCallback(c) if isinstance(c, Callback) else c for c in callbacks]
        return super().set_callbacks(*wrap)

    def _fit_and_commit(self, X, y, sample_weight, incremental, classes):
        if not self.__dict__.get("_skl_callbacks"):  # the path without callbacks
            return super()._fit_and_commit(X, y, sample_weight, incremental, classes)
        return self._fit_with_callbacks(X, y, sample_weight, incremental, classes)

    @with_callbacks  # tears the callbacks down whether fit succeeds or fails
    def _fit_with_callbacks(self, X, y, sample_weight, incremental, classes):
        context = self._init_callback_context(
            task_name="partial_fit" if incremental else "fit",
            max_subtasks=1 if incremental else self.max_iter,
        )
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        # Read by the shadow copy's _extra_callbacks; dropped once the fit is over.
        self._callback_fit = _FitTask(self, context, X, y, metadata)
        try:
            return super()._fit_and_commit(X, y, sample_weight, incremental, classes)
        finally:
            self.__dict__.pop("_callback_fit", None)

    def _encode_eval_set(self, X, y, sample_weight=None):
        """A user's held-out ``(X, y, sample_weight)``, checked against the model
        being fitted and encoded as its training targets (class indices for a
        classifier). For callbacks' ``for_fit``; call it on the shadow copy."""
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE, dtype=_FLOATS)
        check_consistent_length(X, y)
        y, _, _ = self._check_targets(
            np.asarray(y),
            X.dtype,
            classes=self.__dict__.get("classes_"),
            continuing=False,
            incremental=True,
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        return X, y, sample_weight

    def _extra_callbacks(self) -> list:
        """This fit's loop callbacks: skspiral's, then the scikit-learn bridge.

        Called on the shadow copy being trained, after the data are validated.
        """
        task = self.__dict__.get("_callback_fit")
        if task is None:
            return []
        loop = [
            c.callback.for_fit(self) if hasattr(c.callback, "for_fit") else c.callback
            for c in self._skl_callbacks
            if isinstance(c, _LoopCallback)
        ]
        return loop + [_TaskBridge(task, shadow=self)]


class _FitTask:
    """What one fit's callback hooks receive besides the model: the estimator the
    user called (scikit-learn callbacks key their state by it), the root task,
    and the data as passed to ``fit``."""

    def __init__(self, estimator, context, X, y, metadata):
        self.estimator, self.context = estimator, context
        self.X, self.y, self.metadata = X, y, metadata

    def hooks(self, context, hook, **kwargs):
        """Call ``hook`` (begin or end) of ``context``; whether to stop."""
        call = getattr(context, f"call_on_fit_task_{hook}")
        kw = dict(X=self.X, y=self.y, metadata=self.metadata, **kwargs)
        return call(estimator=self.estimator, **kw)


class _TaskBridge(Callback):
    """The loop callback that drives scikit-learn's task tree: the root task spans
    the fit, one sub-task spans each epoch, and an epoch-end hook returning True
    stops training."""

    stop_reason = "stopped by a callback"

    def __init__(self, task: _FitTask, shadow):
        self.task, self.shadow = task, shadow
        self.epoch_context, self.epochs_before = None, 0

    def on_train_begin(self, trainer):
        self.epochs_before = len(trainer.history)
        self.task.hooks(self.task.context, "begin")

    def on_epoch_begin(self, trainer, epoch):
        self.epoch_context = self.task.context.subcontext(task_name=f"epoch {epoch}")
        self.task.hooks(self.epoch_context, "begin")

    def on_epoch_end(self, trainer, epoch, logs):
        if self.epoch_context is None:  # optimizers that run their own iterations
            self.on_epoch_begin(trainer, epoch)
        context, self.epoch_context = self.epoch_context, None
        return self.task.hooks(
            context, "end", reconstruction_attributes=lambda: self._model(trainer)
        )

    def on_train_end(self, trainer, reason):
        if self.epoch_context is not None:  # Ctrl-C: that epoch was rolled back
            self.task.hooks(self.epoch_context, "end")
        self.task.hooks(
            self.task.context,
            "end",
            reconstruction_attributes=lambda: self._model(trainer),
        )

    def _model(self, trainer) -> dict:
        """The fitted attributes of the model as it stands, as independent copies.

        Evaluated only when a callback asks for ``fitted_estimator``; the network
        then holds the weights to predict with (the loop's eval mode).
        """
        model = object.__new__(type(self.shadow))
        model.__dict__ = dict(self.shadow.__dict__)
        model.network_ = trainer.network.copy()
        model.optimizer_ = copy.deepcopy(trainer.optimizer)
        model.optimizer_state_ = copy.deepcopy(trainer.state)
        model._history = trainer.history.copy()
        model._random_state = copy.deepcopy(trainer.rng)
        stopper = next(
            (c for c in trainer.callbacks if isinstance(c, EarlyStopping)), None
        )
        model._set_fitted_attributes(len(trainer.history) - self.epochs_before, stopper)
        model._callback_fit = None  # this fit's plumbing is not part of the model
        return vars(model)


class _LoopCallback:
    """Holds a skspiral loop callback among the scikit-learn ones.

    scikit-learn calls its hooks (which do nothing); the estimator hands the
    wrapped callback to its training loop. Being in ``_skl_callbacks`` is what
    makes ``clone`` and the meta-estimators carry it.
    """

    def __init__(self, callback: Callback):
        self.callback = callback

    def __repr__(self):
        return f"{type(self).__name__}({self.callback!r})"

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        pass
