"""scikit-learn 1.9's callback API on both estimators (``set_callbacks``).

The reference for "the model as it stood after epoch k" is an independent fit
stopped there: same seed, full batch, no early stop, ``max_iter=k + 1``.
"""

import pickle
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skspiral import MLPScratchClassifier, MLPScratchRegressor, make_spiral
from skspiral.callbacks import Callback, ValidationRecorder

callback = pytest.importorskip("sklearn.callback")
ProgressBar, ScoringMonitor = callback.ProgressBar, callback.ScoringMonitor

ROOT = Path(__file__).resolve().parents[1]
EPOCHS = 6


def _spiral(labels=None):
    X, y = make_spiral(60, 3, random_state=0)
    return X, (y if labels is None else np.asarray(labels)[y])


def _classifier(max_iter=EPOCHS, **kw):
    """Full batch and no plateau stop: every fit runs all its epochs, exactly."""
    params = dict(hidden_layer_sizes=(8,), batch_size=None, learning_rate=0.05)
    params.update(tol=0.0, n_iter_no_change=10**9, max_iter=max_iter, random_state=0)
    return MLPScratchClassifier(**{**params, **kw})


def _regressor(max_iter=EPOCHS, **kw):
    params = dict(hidden_layer_sizes=(8,), batch_size=None, learning_rate=0.01)
    params.update(tol=0.0, n_iter_no_change=10**9, max_iter=max_iter, random_state=0)
    return MLPScratchRegressor(**{**params, **kw})


def _fit(est, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kw)


class Quiet:
    """scikit-learn's callback protocol, every hook doing nothing."""

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        pass


class StopAtScore(Quiet):
    """A user callback: stop once the model scores at least ``target`` on
    ``(X, y)``."""

    def __init__(self, X, y, target):
        self.X, self.y, self.target = X, y, target

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.max_subtasks != 0:
            return False  # the fit's own task, not an epoch: nothing to stop
        return fitted_estimator.score(self.X, self.y) >= self.target


class KeepModels(Quiet):
    """Keeps every epoch's ``fitted_estimator``; never stops."""

    def __init__(self):
        self.models = []

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.max_subtasks == 0:  # an epoch
            self.models.append(fitted_estimator)


def test_progress_bar_advances_one_step_per_epoch(capsys):
    pytest.importorskip("rich")
    from sklearn.callback._progressbar import RichProgressMonitor

    progress = []
    original = RichProgressMonitor._on_task_end

    def record(self, task_info):
        original(self, task_info)
        progress.append(self.root_rich_task.progress)

    X, y = _spiral()
    with mock.patch.object(RichProgressMonitor, "_on_task_end", record):
        _fit(_classifier().set_callbacks(ProgressBar()), X, y)
    expected = [(k + 1) / EPOCHS for k in range(EPOCHS)] + [1.0]
    np.testing.assert_allclose(progress, expected)
    out = capsys.readouterr().out
    assert "MLPScratchClassifier - fit" in out and "100%" in out


@pytest.mark.parametrize(
    "make, data, scoring",
    [
        (_classifier, _spiral(["a", "b", "c"]), "accuracy"),
        (_regressor, make_regression(40, 3, noise=1.0, random_state=0), "r2"),
    ],
)
def test_scoring_monitor_logs_the_score_of_each_epochs_model(make, data, scoring):
    X, y = data
    monitor = ScoringMonitor(scoring=scoring)
    _fit(make().set_callbacks(monitor), X, y)
    rows = monitor.get_logs().data
    epochs = [r for r in rows if len(r["task_id_path"]) == 2]
    assert [r["task_name"] for r in epochs] == [f"epoch {k}" for k in range(EPOCHS)]
    for k, row in enumerate(epochs):
        stopped_there = _fit(make(max_iter=k + 1), X, y)
        assert row[scoring] == pytest.approx(stopped_there.score(X, y), abs=1e-12)
    (root,) = [r for r in rows if len(r["task_id_path"]) == 1]
    assert root["task_name"] == "fit"
    assert root[scoring] == pytest.approx(epochs[-1][scoring], abs=1e-12)


def test_fitted_estimator_is_a_snapshot_of_its_epoch():
    X, y = _spiral()
    keep = KeepModels()
    _fit(_classifier().set_callbacks(keep), X, y)
    assert len(keep.models) == EPOCHS
    for k, model in enumerate(keep.models):  # read after training went on
        stopped_there = _fit(_classifier(max_iter=k + 1), X, y)
        np.testing.assert_array_equal(
            model.predict_proba(X), stopped_there.predict_proba(X)
        )
        assert model.n_iter_ == k + 1 and len(model.loss_curve_) == k + 1
    # a snapshot is an estimator of its own: it refits, without this fit's hooks
    snapshot = keep.models[0].set_callbacks()
    np.testing.assert_array_equal(
        _fit(snapshot, X, y).predict_proba(X),
        _fit(_classifier(), X, y).predict_proba(X),
    )
    assert len(keep.models) == EPOCHS


def test_a_callback_returning_true_stops_training_without_a_warning():
    X, y = _spiral()
    full = _fit(_classifier(max_iter=60), X, y)
    target = np.median(full.history_["accuracy"][1:])  # reached mid-way
    clf = _classifier(max_iter=60).set_callbacks(StopAtScore(X, y, target))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ < 60
    assert clf.score(X, y) >= target
    one_epoch_less = _fit(_classifier(max_iter=clf.n_iter_ - 1), X, y)
    assert one_epoch_less.score(X, y) < target


def test_callbacks_leave_the_training_bit_identical():
    X, y = _spiral()
    plain = _fit(_classifier(), X, y)
    watched = _classifier().set_callbacks(
        ScoringMonitor(scoring="accuracy"), KeepModels()
    )
    _fit(watched, X, y)
    for a, b in zip(plain.coefs_, watched.coefs_):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(plain.intercepts_, watched.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert plain.history_ == watched.history_


def test_partial_fit_is_one_task_with_one_epoch():
    X, y = _spiral()
    monitor = ScoringMonitor(scoring="accuracy")
    clf = _classifier().set_callbacks(monitor)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X, y)
    runs = monitor.get_logs(select="all")
    names = [[r["task_name"] for r in run.data] for run in runs]
    assert names == [["partial_fit", "epoch 0"], ["partial_fit", "epoch 1"]]


def test_a_failed_fit_tears_callbacks_down_and_leaves_the_estimator_as_it_was():
    class CountTeardown(Quiet):
        def __init__(self):
            self.teardowns = 0

        def teardown(self, estimator, context):
            self.teardowns += 1

    X, y = _spiral()
    counter = CountTeardown()
    clf = _fit(_classifier().set_callbacks(counter), X, y)
    before = dict(vars(clf))
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X_bad, y)
    assert counter.teardowns == 2
    assert vars(clf).keys() == before.keys()
    assert all(vars(clf)[k] is v for k, v in before.items())


def test_estimator_with_callbacks_clones_and_pickles():
    X, y = _spiral()
    monitor = ScoringMonitor(scoring="accuracy")
    clf = _fit(_classifier().set_callbacks(monitor), X, y)
    assert clone(clf)._skl_callbacks == [monitor]  # shared, as scikit-learn does
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict(X), clf.predict(X))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_callbacks_reach_the_estimator_through_pipeline_and_grid_search(n_jobs, capsys):
    pytest.importorskip("rich")
    X, y = _spiral()
    monitor = ScoringMonitor(scoring="accuracy")
    recorder = ValidationRecorder(X[::3], y[::3])
    est = _classifier(max_iter=4).set_callbacks(monitor, recorder)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), est),
        {"mlpscratchclassifier__learning_rate": [0.01, 0.05]},
        cv=2,
        n_jobs=n_jobs,
    )
    search.set_callbacks(ProgressBar(max_propagation_depth=None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    out = capsys.readouterr().out
    epochs_bar = r"Pipeline - fit-final-estimator \| MLPScratchClassifier - fit"
    assert re.search(epochs_bar, out)
    runs = monitor.get_logs(select="all")
    # one run of the search; 2 candidates x 2 folds + the refit = 5 fits of 4 epochs
    rows = [r for run in runs for r in run.data if r["task_name"].startswith("epoch")]
    assert len(rows) == 5 * 4
    assert all(0.0 <= r["accuracy"] <= 1.0 for r in rows)
    best = search.best_estimator_[-1]
    assert len(best.history_["val_accuracy"]) == 4


def test_without_sklearn_callback_the_package_works_and_set_callbacks_explains():
    code = textwrap.dedent(
        """
        import sys
        import sklearn.model_selection, sklearn.pipeline  # import what needs it first
        sys.modules["sklearn.callback"] = None  # as on scikit-learn < 1.9
        from skspiral import MLPScratchClassifier, make_spiral
        X, y = make_spiral(30, 3, random_state=0)
        clf = MLPScratchClassifier((4,), max_iter=3, random_state=0).fit(X, y)
        assert clf.predict(X).shape == y.shape
        clf.partial_fit(X, y)
        try:
            clf.set_callbacks()
        except ImportError as error:
            print(error)
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "scikit-learn >= 1.9" in result.stdout


def test_skspiral_loop_callbacks_go_through_set_callbacks():
    class StopAfter(Callback):
        stop_reason = "enough"

        def __init__(self, n):
            self.n = n

        def on_epoch_end(self, trainer, epoch, logs):
            return epoch + 1 >= self.n

    X, y = _spiral()
    clf = _classifier(max_iter=50).set_callbacks(StopAfter(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    with pytest.raises(TypeError, match="FitCallback"):
        clf.set_callbacks(object())


def test_an_interrupted_epoch_still_ends_its_task():
    class Interrupt(Callback):
        def on_batch_end(self, trainer, loss):  # mid-epoch: after its step
            if len(trainer.history) == 3:
                raise KeyboardInterrupt

    class Count(Quiet):
        def __init__(self):
            self.begun, self.ended = [], []

        def on_fit_task_begin(self, estimator, context):
            self.begun.append(context.task_name)

        def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
            self.ended.append((context.task_name, fitted_estimator is not None))

    X, y = _spiral()
    count = Count()
    clf = _classifier().set_callbacks(Interrupt(), count)
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    assert count.begun == ["fit", "epoch 0", "epoch 1", "epoch 2", "epoch 3"]
    # the rolled-back epoch ends without a model; the fit ends with epoch 2's
    assert count.ended == [
        ("epoch 0", True), ("epoch 1", True), ("epoch 2", True),
        ("epoch 3", False), ("fit", True),
    ]  # fmt: skip


def test_a_stopping_callback_stops_the_estimator_inside_a_pipeline():
    """There the fit's task is merged into the pipeline's (it has a parent)."""
    X, y = _spiral()
    clf = _classifier(max_iter=60, learning_rate=0.02)
    pipe = make_pipeline(StandardScaler(), clf)
    _fit(pipe, X, y)
    target = np.median(clf.history_["accuracy"][1:])
    clf.set_callbacks(StopAtScore(StandardScaler().fit_transform(X), y, target))
    _fit(pipe, X, y)
    assert clf.n_iter_ < 60
    assert clf.score(pipe[0].transform(X), y) >= target
