"""The pictures: what each figure holds, valid PNGs, matplotlib staying optional."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.tools import plots

mpl = pytest.importorskip("matplotlib")
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.image import AxesImage, imread  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def spiral():
    return make_spiral(60, 3, random_state=0)


def _fitted(spiral, n):
    X, y = spiral
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for i in range(n):
            clf = MLPScratchClassifier(8, max_iter=3, random_state=i)
            models[f"model {i}"] = clf.fit(X, y)
    return models


def assert_valid_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    image = imread(path)
    assert image.shape[0] > 0 and image.shape[1] > 0


@pytest.mark.parametrize("n_models", [1, 4, 6])
def test_decision_boundaries_draw_one_filled_panel_per_model(spiral, n_models):
    X, y = spiral
    models = _fitted(spiral, n_models)
    fig = plots.plot_decision_boundaries(models, X, y, title="spiral", resolution=30)

    assert len(fig.axes) == n_models
    for ax, (label, model) in zip(fig.axes, models.items()):
        assert ax.get_title().startswith(label)
        assert f"{model.score(X, y):.3f}" in ax.get_title()
        contours = [c for c in ax.collections if isinstance(c, ContourSet)]
        assert len(contours) == 1 and contours[0].filled
        points = [c for c in ax.collections if isinstance(c, PathCollection)]
        assert len(points) == 1 and len(points[0].get_offsets()) == len(X)
    assert fig.get_suptitle() == "spiral"
    legend_labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend_labels == ["class 0", "class 1", "class 2"]


def test_decision_regions_follow_the_model_prediction(spiral):
    # A model that predicts class 2 everywhere fills the panel with one level.
    X, y = spiral

    class Constant:
        def predict(self, Z):
            return np.full(len(Z), 2)

        def score(self, Z, t):
            return float(np.mean(t == 2))

    fig = plots.plot_decision_boundaries({"always 2": Constant()}, X, y, resolution=20)
    (contour,) = [c for c in fig.axes[0].collections if isinstance(c, ContourSet)]
    drawn_levels = [i for i, paths in enumerate(contour.get_paths()) if len(paths)]
    assert drawn_levels == [2]


def _curves():
    return {
        "spiral": {
            "adam": {"loss": [1.0, 0.5, 0.25], "learning_rate": [0.05] * 3},
            "sgd": {"loss": [1.1, 0.9, 0.7], "learning_rate": [1.0, 0.5, 0.33]},
            "MLPClassifier(adam)": {
                "loss": [1.0, 0.6, 0.4],
                "learning_rate": [0.05] * 3,
            },
        },
        "iris": {
            "adam": {"loss": [1.0, 0.8], "learning_rate": [0.001] * 2},
            "sgd": {"loss": [1.0, 0.7], "learning_rate": [0.01] * 2},
        },
    }


def test_loss_curves_have_a_loss_and_a_rate_panel_per_dataset():
    curves = _curves()
    fig = plots.plot_loss_curves(curves)

    assert len(fig.axes) == 2 * len(curves)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "spiral: training loss",
        "spiral: learning rate",
        "iris: training loss",
        "iris: learning rate",
    ]
    loss_ax, lr_ax = fig.axes[0], fig.axes[1]
    assert [line.get_label() for line in loss_ax.get_lines()] == list(curves["spiral"])
    np.testing.assert_allclose(lr_ax.get_lines()[1].get_ydata(), [1.0, 0.5, 0.33])
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
    assert [ln.get_linestyle() for ln in loss_ax.get_lines()] == ["-", "-", "--"]
    legend_labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend_labels == ["adam", "sgd", "MLPClassifier(adam)"]


def test_search_heatmap_shows_the_best_score_over_other_parameters():
    rows = [
        {"learning_rate": lr, "decay": d, "momentum": m, "mean_test_score": score}
        for lr, d, m, score in [
            (0.1, 0.0, 0.5, 0.50),
            (0.1, 0.0, 0.9, 0.60),
            (1.0, 0.0, 0.5, 0.70),
            (1.0, 0.0, 0.9, 0.65),
            (0.1, 1e-3, 0.5, 0.40),
            (0.1, 1e-3, 0.9, 0.45),
            (1.0, 1e-3, 0.5, 0.80),
            (1.0, 1e-3, 0.9, 0.90),
        ]
    ]
    fig = plots.plot_search_heatmap(rows, title="sgd")

    image_axes = [
        ax for ax in fig.axes if any(isinstance(i, AxesImage) for i in ax.images)
    ]
    assert len(image_axes) == 1  # plus the colorbar's axes
    ax = image_axes[0]
    np.testing.assert_allclose(ax.images[0].get_array(), [[0.60, 0.70], [0.45, 0.90]])
    assert sorted(t.get_text() for t in ax.texts) == [
        "0.450",
        "0.600",
        "0.700",
        "0.900",
    ]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("learning_rate", "decay")
    assert "best over momentum" in ax.get_title()


def test_save_writes_a_png_matplotlib_can_read(tmp_path):
    path = tmp_path / "curves.png"
    plots.save(plots.plot_loss_curves(_curves()), path)
    assert_valid_png(path)


def test_importing_skspiral_and_its_tools_leaves_matplotlib_unimported():
    code = (
        "import sys, skspiral, skspiral.tools.cli, skspiral.tools.plots;"
        "print('matplotlib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
