"""skspiral's own callbacks (:mod:`skspiral.callbacks`), given with set_callbacks."""

import math
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score

from skspiral import MLPScratchClassifier, MLPScratchRegressor, make_spiral
from skspiral.callbacks import Callback, LivePlot, ValidationRecorder

pytest.importorskip("sklearn.callback")

EPOCHS = 5


def _classifier(max_iter=EPOCHS, **kw):
    """Full batch and no plateau stop: every fit runs all its epochs, exactly."""
    params = dict(hidden_layer_sizes=(8,), batch_size=None, learning_rate=0.05)
    params.update(tol=0.0, n_iter_no_change=10**9, max_iter=max_iter, random_state=0)
    return MLPScratchClassifier(**{**params, **kw})


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def _split(labels=("ant", "bee", "cat")):
    X, y = make_spiral(80, 3, random_state=0)
    y = np.asarray(labels)[y]
    return (X[::2], y[::2]), (X[1::2], y[1::2])


def test_validation_recorder_matches_sklearn_metrics_at_every_epoch():
    (X, y), (X_val, y_val) = _split()
    clf = _fit(_classifier().set_callbacks(ValidationRecorder(X_val, y_val)), X, y)
    h = clf.history_
    assert len(h["val_loss"]) == len(h["val_accuracy"]) == len(h["loss"]) == EPOCHS
    for k in range(EPOCHS):
        stopped_there = _fit(_classifier(max_iter=k + 1), X, y)
        proba = stopped_there.predict_proba(X_val)
        assert h["val_loss"][k] == pytest.approx(
            log_loss(y_val, proba, labels=clf.classes_), rel=1e-9
        )
        assert h["val_accuracy"][k] == accuracy_score(
            y_val, stopped_there.predict(X_val)
        )


def test_validation_recorder_on_a_regressor_uses_half_the_squared_error():
    X, y = make_regression(60, 3, noise=1.0, random_state=0)
    X_val, y_val = X[40:], y[40:]
    reg = MLPScratchRegressor(
        (8,), batch_size=None, learning_rate=0.01, max_iter=3, random_state=0
    )
    _fit(reg.set_callbacks(ValidationRecorder(X_val, y_val, prefix="hold_")), X, y)
    # the last epoch's weights are the fitted model's
    pred = reg.predict(X_val)
    assert reg.history_["hold_loss"][-1] == pytest.approx(
        0.5 * mean_squared_error(y_val, pred), rel=1e-9
    )
    assert reg.history_["hold_r2"][-1] == pytest.approx(r2_score(y_val, pred))


def test_validation_recorder_weights_the_rows():
    (X, y), (X_val, y_val) = _split()
    w = np.where(y_val == "ant", 3.0, 1.0)
    clf = _fit(_classifier().set_callbacks(ValidationRecorder(X_val, y_val, w)), X, y)
    pred = clf.predict(X_val)
    assert clf.history_["val_accuracy"][-1] == pytest.approx(
        accuracy_score(y_val, pred, sample_weight=w)
    )


def test_epochs_fitted_without_the_recorder_read_nan():
    (X, y), (X_val, y_val) = _split()
    clf = _fit(_classifier(max_iter=3, warm_start=True), X, y)
    clf.set_callbacks(ValidationRecorder(X_val, y_val))
    _fit(clf.set_params(max_iter=2), X, y)
    assert len(clf.history_["val_loss"]) == len(clf.history_["loss"]) == 5
    assert all(math.isnan(v) for v in clf.history_["val_loss"][:3])
    assert not any(math.isnan(v) for v in clf.history_["val_loss"][3:])


def test_validation_recorder_and_early_stopping_need_distinct_names():
    (X, y), (X_val, y_val) = _split()
    clf = _classifier(early_stopping=True).set_callbacks(
        ValidationRecorder(X_val, y_val)
    )
    with pytest.raises(ValueError, match="prefix"):
        clf.fit(X, y)
    assert not hasattr(clf, "history_")  # the failed fit left nothing behind
    clf.set_callbacks(ValidationRecorder(X_val, y_val, prefix="test_"))
    h = _fit(clf, X, y).history_
    assert len(h["val_accuracy"]) == len(h["test_accuracy"]) == len(h["loss"])


@pytest.mark.parametrize(
    "X_val, y_val, match",
    [
        (np.zeros((4, 2)), ["ant", "bee", "cat", "dog"], r"\['dog'\] not in classes"),
        (np.zeros((4, 5)), ["ant"] * 4, "5 features"),
        (np.zeros((4, 2)), ["ant"] * 3, "inconsistent numbers of samples"),
    ],
)
def test_validation_recorder_rejects_a_set_unlike_the_training_data(
    X_val, y_val, match
):
    (X, y), _ = _split()
    clf = _classifier().set_callbacks(ValidationRecorder(X_val, y_val))
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_validation_recorder_rejects_a_bad_prefix():
    with pytest.raises(ValueError, match="prefix"):
        ValidationRecorder(np.zeros((2, 2)), [0, 1], prefix="")


class CountDraws(LivePlot):
    def __init__(self, path, every):
        super().__init__(path, every)
        self.drawn_at = []

    def draw(self, records):
        self.drawn_at.append(len(records["loss"]))
        super().draw(records)


def test_live_plot_redraws_every_n_epochs_and_at_the_end(tmp_path):
    (X, y), (X_val, y_val) = _split()
    path = tmp_path / "curves.png"
    plot = CountDraws(path, every=2)
    clf = _classifier().set_callbacks(ValidationRecorder(X_val, y_val), plot)
    _fit(clf, X, y)
    assert plot.drawn_at == [2, 4, 5]
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert list(tmp_path.iterdir()) == [path]  # no partial file left behind


def test_live_plot_draws_every_record_but_the_learning_rate(tmp_path):
    plot = LivePlot(tmp_path / "c.png")
    from matplotlib.figure import Figure

    axes = []
    original = Figure.subplots

    def keep(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        axes.extend(out)
        return out

    records = {"val_loss": [1.1, 0.7], "loss": [1, 0.5], "accuracy": [0.3, 0.6]}
    records.update(learning_rate=[0.1, 0.1], val_accuracy=[0.2, 0.4])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Figure, "subplots", keep)
        plot.draw(records)
    lines = {line.get_label(): line for ax in axes for line in ax.lines}
    labels = [[line.get_label() for line in ax.lines] for ax in axes]
    assert labels == [["val_loss", "loss"], ["accuracy", "val_accuracy"]]
    colour = {name: line.get_color() for name, line in lines.items()}
    assert colour["loss"] == colour["accuracy"] != colour["val_loss"]
    assert colour["val_loss"] == colour["val_accuracy"]


def test_live_plot_checks_its_arguments_and_matplotlib(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="every"):
        LivePlot(tmp_path / "c.png", every=0)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"skspiral\[plot\]"):
        LivePlot(tmp_path / "c.png")


def test_base_class_is_the_training_loops():
    from skspiral.training import Callback as LoopCallback

    assert Callback is LoopCallback
