"""The pictures: what each figure holds, valid PNGs, matplotlib staying optional."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skspiral import MLPScratchClassifier, make_spiral
from skspiral.tools import compare_plots, plots

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
            "adam": [[1.0, 0.5, 0.25], [1.0, 0.7, 0.35]],
            "MLPClassifier(adam)": [[1.0, 0.6, 0.4, 0.3]],
        },
        "iris": {"adam": [[1.0, 0.8], [0.9, 0.6]]},
    }


def test_loss_bands_draw_the_mean_over_seeds_and_its_range_on_a_log_axis():
    fig = compare_plots.plot_loss_bands(_curves())

    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["spiral", "iris"]
    assert all(ax.get_yscale() == "log" for ax in axes)
    adam, sklearn = axes[0].get_lines()
    np.testing.assert_allclose(adam.get_ydata(), [1.0, 0.6, 0.3])
    assert (adam.get_linestyle(), sklearn.get_linestyle()) == ("-", "--")
    band = axes[0].collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(0.25) and band.max() == pytest.approx(1.0)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["adam", "MLPClassifier(adam)"]


def _summary():
    rows = []
    for dataset in ("spiral", "iris"):
        for rank, (model, tied) in enumerate([("adam", True), ("sgd", False)], 1):
            mean = 0.9 / rank
            rows.append(
                {
                    "dataset": dataset,
                    "model": model,
                    "rank": rank,
                    "tied_with_best": tied,
                    "score_metric": "accuracy",
                    "score_mean": mean,
                    "score_low": mean - 0.05,
                    "score_high": mean + 0.05,
                }
            )
    return rows


def test_ranking_puts_the_best_on_top_and_fills_only_the_tied():
    fig = compare_plots.plot_ranking(_summary())

    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["spiral", "iris"]
    ax = axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sgd", "adam"]
    interval, sgd_mark, _, adam_mark = ax.get_lines()
    np.testing.assert_allclose(interval.get_xdata(), [0.4, 0.5])
    assert sgd_mark.get_markerfacecolor() == "white"
    assert adam_mark.get_markerfacecolor() != "white"
    assert ax.get_xlabel() == "test accuracy"


def test_tuning_plots_loss_by_learning_rate_and_stars_the_pick():
    runs = [
        {
            "dataset": "iris",
            "task": "classification",
            "model": m,
            "phase": p,
            "learning_rate": lr,
            "loss": loss,
        }
        for m, p, lr, loss in [
            ("adam", "tune", 0.01, 0.2),
            ("adam", "tune", 0.001, 0.5),
            ("adam", "final", 0.01, 0.1),
            ("MLPClassifier(lbfgs)", "tune", float("nan"), 0.3),
        ]
    ]
    fig = compare_plots.plot_tuning(runs)

    ax = fig.axes[0]
    trials, star = ax.get_lines()
    np.testing.assert_allclose(trials.get_xdata(), [0.001, 0.01])
    np.testing.assert_allclose(trials.get_ydata(), [0.5, 0.2])
    assert (star.get_marker(), list(star.get_xdata()), list(star.get_ydata())) == (
        "*",
        [0.01],
        [0.2],
    )
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_ylabel() == "validation log-loss"


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
    plots.save(compare_plots.plot_loss_bands(_curves()), path)
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
