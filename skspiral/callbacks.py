"""Ready callbacks for the estimators, and the base class to write your own.

Give them to an estimator with ``set_callbacks``, next to scikit-learn's own
(``sklearn.callback.ProgressBar``, ``ScoringMonitor``; scikit-learn >= 1.9)::

    clf.set_callbacks(ValidationRecorder(X_val, y_val), LivePlot("curves.png"))

Like scikit-learn's callbacks they then travel with the estimator: ``clone``,
``Pipeline`` and ``GridSearchCV`` carry them, and every clone shares the same
instances. So a callback keeps no record of its own; per-fit state is built by
``for_fit(estimator)`` (optional; the default is the callback itself) or in
``on_train_begin``, and results go into the fitted estimator (``history_``) or a
file.

Writing one: subclass :class:`Callback` and override the hooks you need. Each
gets the training loop (``trainer.network``, ``trainer.history``,
``trainer.optimizer``...); ``on_epoch_end`` returning True stops training.

>>> from skspiral.callbacks import Callback
>>> class StopBelow(Callback):
...     stop_reason = "loss below target"
...     def __init__(self, target):
...         self.target = target
...     def on_epoch_end(self, trainer, epoch, logs):
...         return logs["loss"] < self.target
"""

from __future__ import annotations

import math
import os
import tempfile

import numpy as np

from .training.callbacks import Callback

__all__ = ["Callback", "LivePlot", "ValidationRecorder"]


class ValidationRecorder(Callback):
    """Records the loss and the metric on a held-out set after every epoch.

    The estimator's ``history_`` gains two lists, ``<prefix>loss`` and
    ``<prefix><metric>`` (``val_loss`` and ``val_accuracy`` for a classifier,
    ``val_loss`` and ``val_r2`` for a regressor), one value per epoch, computed
    with the epoch's final weights (the loop's eval mode). The loss is the
    training loss without the L2 term, as the loop's own ``val_loss`` under
    ``early_stopping``. Epochs of earlier fits (``warm_start``, ``partial_fit``)
    recorded without this callback read NaN, so every list has one entry per
    epoch. Nothing is stopped or restored: for that, use ``early_stopping``.

    This is the validation curve ``MLPClassifier`` has no way to give
    (scikit-learn issue #18507).

    Parameters
    ----------
    X_val : array-like or sparse matrix of shape (n_samples, n_features)
    y_val : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Labels as passed to ``fit`` (any labels seen in training).
    sample_weight : array-like of shape (n_samples,), default=None
    prefix : str, default="val_"
        Start of the two record names. ``early_stopping=True`` already records
        ``val_loss`` and ``val_<metric>`` on its own split: use another prefix
        with it (e.g. ``"test_"``).

    Examples
    --------
    >>> from skspiral import MLPScratchClassifier, make_spiral
    >>> from skspiral.callbacks import ValidationRecorder
    >>> X, y = make_spiral(100, 3, random_state=0)
    >>> X_val, y_val = make_spiral(50, 3, random_state=1)
    >>> clf = MLPScratchClassifier((16,), max_iter=5, random_state=0)
    >>> clf = clf.set_callbacks(ValidationRecorder(X_val, y_val))
    >>> len(clf.fit(X, y).history_["val_accuracy"])
    5
    """

    def __init__(self, X_val, y_val, sample_weight=None, *, prefix: str = "val_"):
        if not isinstance(prefix, str) or not prefix:
            raise ValueError(f"prefix must be a non-empty string, got {prefix!r}.")
        self.X_val, self.y_val = X_val, y_val
        self.sample_weight, self.prefix = sample_weight, prefix

    def __repr__(self):
        rows = _shape(self.X_val)
        return f"{type(self).__name__}(<{rows} rows>, prefix={self.prefix!r})"

    def for_fit(self, estimator) -> ValidationRecorder:
        """A recorder for one fit of ``estimator``, holding the held-out set checked
        and encoded as that fit's training data (labels as class indices)."""
        X, y, w = estimator._encode_eval_set(self.X_val, self.y_val, self.sample_weight)
        return ValidationRecorder(X, y, w, prefix=self.prefix)

    def on_train_begin(self, trainer):
        net = trainer.network
        if trainer.validation is not None and self.prefix == "val_":
            raise ValueError(
                "early_stopping=True already records val_loss and val_"
                f"{net.head.metric_name} on its own split: give ValidationRecorder "
                "another prefix (e.g. prefix='test_')."
            )
        y = np.asarray(self.y_val)
        if y.ndim == 2 and y.shape[1] != net.layer_sizes[-1]:
            raise ValueError(
                f"y_val has {y.shape[1]} outputs but the model has "
                f"{net.layer_sizes[-1]}."
            )

        def cast(a):
            return None if a is None else a.astype(net.dtype, copy=False)

        # class indices stay integers; features, weights and real targets take the
        # network's dtype
        self._data = (cast(self.X_val), cast(y) if y.dtype.kind == "f" else y,
                      cast(self.sample_weight))  # fmt: skip
        self._keys = (f"{self.prefix}loss", f"{self.prefix}{net.head.metric_name}")
        records, n = trainer.history.records, len(trainer.history)
        for key in self._keys:
            column = records.setdefault(key, [])
            column.extend([math.nan] * (n - len(column)))

    def on_epoch_end(self, trainer, epoch, logs):
        values = trainer.network.evaluate(*self._data)
        for key, value in zip(self._keys, values):
            trainer.history.records[key].append(float(value))


class LivePlot(Callback):
    """Redraws the loss and metric curves into a PNG every ``every`` epochs.

    The left panel shows every record ending in ``loss`` (training, and
    validation when recorded); the right one the metrics (accuracy or R², with
    their validation counterparts). The file is replaced atomically, so an image
    viewer never reads half a file; it is also drawn when training ends. Needs
    matplotlib (``pip install skspiral[plot]``); it draws without pyplot, so it
    neither opens windows nor touches pyplot's global state.

    Parameters
    ----------
    path : str or os.PathLike
        The PNG to write.
    every : int, default=10
        Epochs between redraws.
    """

    def __init__(self, path, every: int = 10):
        _matplotlib()  # fail now, not at the tenth epoch
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive int, got {every!r}.")
        self.path, self.every = os.fspath(path), every

    def __repr__(self):
        return f"{type(self).__name__}({self.path!r}, every={self.every})"

    def on_epoch_end(self, trainer, epoch, logs):
        if (epoch + 1) % self.every == 0:
            self.draw(trainer.history.as_dict())

    def on_train_end(self, trainer, reason):
        self.draw(trainer.history.as_dict())

    def draw(self, records: dict) -> None:
        """Plot ``records`` (name -> per-epoch values) into ``self.path``."""
        figure_cls, canvas_cls = _matplotlib()
        fig = figure_cls(figsize=(9, 3.5), layout="constrained")
        canvas_cls(fig)
        losses, metrics = fig.subplots(1, 2)
        # one colour per data set: "" (training), "val_", "test_"... as the
        # "<set>loss" records name them; each metric goes with its set's loss
        sets = sorted(n[: -len("loss")] for n in records if n.endswith("loss"))
        for name, values in records.items():
            if name == "learning_rate":
                continue
            data_set = max((p for p in sets if name.startswith(p)), key=len, default="")
            colour = f"C{sets.index(data_set) % 10}" if data_set in sets else None
            ax = losses if name.endswith("loss") else metrics
            ax.plot(values, label=name, color=colour)
        for ax, title in ((losses, "loss"), (metrics, "metric")):
            ax.set(title=title, xlabel="epoch")
            if ax.lines:
                ax.legend()
        # a private partial file per draw: clones training in threads may share
        # this callback, and so this path
        fd, partial = tempfile.mkstemp(
            suffix=".png", prefix=".partial-", dir=os.path.dirname(self.path) or "."
        )
        try:
            with os.fdopen(fd, "wb") as file:
                fig.savefig(file, format="png")
            os.replace(partial, self.path)
        except BaseException:
            os.unlink(partial)
            raise


def _matplotlib():
    """``(Figure, FigureCanvasAgg)``, imported on first use."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            "LivePlot needs matplotlib: pip install 'skspiral[plot]'."
        ) from error
    return Figure, FigureCanvasAgg


def _shape(X) -> str:
    shape = getattr(X, "shape", None)
    return str(shape[0]) if shape else "?"
