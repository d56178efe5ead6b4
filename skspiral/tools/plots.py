"""Pictures for the command line: decision regions and search heatmaps.

``compare``'s own pictures (loss over seeds, ranking, tuning) are in
:mod:`skspiral.tools.compare_plots`.

matplotlib is optional (``pip install "skspiral[plot]"``) and imported only inside
these functions. They build :class:`matplotlib.figure.Figure` objects directly,
without pyplot, so they neither need a display nor change the user's backend;
:func:`save` writes one to a file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "PLOT_HINT",
    "matplotlib_available",
    "plot_decision_boundaries",
    "plot_search_heatmap",
    "save",
]

_NOT_PARAMS = ("_score", "_time")
PLOT_HINT = 'matplotlib is not installed, so no pictures: pip install "skspiral[plot]"'


def matplotlib_available() -> bool:
    """Whether matplotlib can be imported."""
    try:
        import matplotlib.figure  # noqa: F401
    except ImportError:
        return False
    return True


def _figure(**kwargs):
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _class_colors(n: int):
    from matplotlib import colormaps

    cmap = colormaps["tab10"] if n <= 10 else colormaps["viridis"].resampled(n)
    return [cmap(i) for i in range(n)]


def plot_decision_boundaries(
    models: Mapping[str, object],
    X: np.ndarray,
    y: np.ndarray,
    *,
    title: str | None = None,
    resolution: int = 200,
    ncols: int = 3,
):
    """One panel per fitted 2-D classifier: predicted regions under the points.

    Parameters
    ----------
    models : mapping of label to fitted classifier
        Each must take two features; the panel is titled with its label and its
        accuracy on ``(X, y)``.
    X, y : the points to draw (say, a held-out test set), coloured by class.
    title : str, optional
        The figure's title.
    resolution : int
        Grid points per axis for the predicted regions.

    Returns
    -------
    matplotlib.figure.Figure
        With exactly ``len(models)`` axes.
    """
    from matplotlib.lines import Line2D

    classes = np.unique(y)
    colors = _class_colors(len(classes))
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0))
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    ncols = min(ncols, len(models))
    nrows = math.ceil(len(models) / ncols)
    fig = _figure(figsize=(4.0 * ncols, 3.9 * nrows + 0.6), layout="constrained")
    for i, (label, model) in enumerate(models.items()):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        _draw_regions(ax, model, xx, yy, classes, colors)
        point_colors = [colors[k] for k in np.searchsorted(classes, y)]
        ax.scatter(X[:, 0], X[:, 1], c=point_colors, s=12, edgecolors="k", lw=0.3)
        ax.set_title(f"{label}\naccuracy {model.score(X, y):.3f}", fontsize=10)
        ax.set(xlabel="feature 1", ylabel="feature 2")
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
    handles = [
        Line2D([], [], ls="", marker="o", mfc=c, mec="k", label=f"class {k}")
        for k, c in zip(classes, colors)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(classes))
    if title:
        fig.suptitle(title)
    return fig


def _draw_regions(ax, model, xx, yy, classes, colors) -> None:
    """Fill the plane with the colour of the class ``model`` predicts there."""
    from matplotlib.colors import ListedColormap

    predicted = model.predict(np.c_[xx.ravel(), yy.ravel()])
    regions = np.searchsorted(classes, predicted).reshape(xx.shape)
    levels = np.arange(len(classes) + 1) - 0.5  # one band per class index
    ax.contourf(xx, yy, regions, levels=levels, cmap=ListedColormap(colors), alpha=0.3)


def plot_search_heatmap(
    rows: Sequence[Mapping[str, object]],
    *,
    x: str = "learning_rate",
    y: str = "decay",
    score: str = "mean_test_score",
    title: str | None = None,
):
    """Heatmap of ``score`` over ``x`` by ``y``, best over any other parameters.

    Parameters
    ----------
    rows : sequence of mappings
        One per candidate, holding ``x``, ``y`` and ``score`` (as the rows of
        :func:`skspiral.tools.search.result_rows`).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with an image and a colorbar; each cell is annotated.
    """
    xs = sorted({r[x] for r in rows})
    ys = sorted({r[y] for r in rows})
    best = np.full((len(ys), len(xs)), np.nan)
    for r in rows:
        i, j = ys.index(r[y]), xs.index(r[x])
        value = float(r[score])
        if np.isnan(best[i, j]) or value > best[i, j]:
            best[i, j] = value
    fig = _figure(
        figsize=(1.3 * len(xs) + 3, 0.8 * len(ys) + 2.2), layout="constrained"
    )
    ax = fig.add_subplot()
    image = ax.imshow(best, origin="lower", cmap="viridis", aspect="auto")
    fig.colorbar(image, ax=ax, label=score.replace("_", " "))
    ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    middle = np.nanmean(best) if np.isfinite(best).any() else 0.0
    for (i, j), value in np.ndenumerate(best):
        color = "black" if value > middle else "white"
        ax.text(j, i, f"{value:.3f}", ha="center", va="center", color=color)
    others = [
        k for k in rows[0] if k not in (x, y, "rank") and not k.endswith(_NOT_PARAMS)
    ]
    title = title or f"{score} over {x} x {y}"
    if others:
        title += f"\n(best over {', '.join(others)})"
    ax.set_title(title, fontsize=10)
    return fig


def save(fig, path) -> None:
    """Write ``fig`` to ``path`` (the format follows the extension)."""
    fig.savefig(path, dpi=110)
