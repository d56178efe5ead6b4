"""The book's best-known picture, moving: the spiral's decision regions as it trains.

One panel per optimizer, all trained full batch on the same 300-point spiral from
the same initial weights (the book's ``0.01 * N(0, 1)``, drawn from ``seed``) with
the book's tuned chapter-10 settings (an optimizer the book lacks: its own
defaults). Each frame shows the predicted regions under the points, and each
panel's title its epoch and training loss (the cross-entropy of the weights
drawn). The GIF is written with matplotlib's ``FuncAnimation`` and
``PillowWriter`` (the ``plot`` extra, nothing more).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss

from ..datasets import make_spiral
from ..estimator import MLPScratchClassifier
from .plots import _class_colors, _figure
from .workloads import BOOK_SPIRAL, HIDDEN

__all__ = ["EPOCHS", "FRAMES", "frame_epochs", "train_frames", "write_animation"]

EPOCHS, FRAMES, RESOLUTION, FPS = 2000, 40, 120, 8


def frame_epochs(epochs: int, frames: int) -> list[int]:
    """The epochs drawn: evenly spaced, the last at ``epochs``, none repeated (so
    fewer frames when ``frames > epochs``).

    >>> frame_epochs(100, 4)
    [25, 50, 75, 100]
    """
    spaced = np.linspace(epochs / frames, epochs, frames).round().astype(int)
    return list(dict.fromkeys(int(e) for e in spaced if e >= 1))


def _model(optimizer: str, seed: int) -> MLPScratchClassifier:
    return MLPScratchClassifier(
        HIDDEN,
        activation="relu",
        optimizer=optimizer,
        batch_size=None,
        shuffle=False,
        weight_init="book",
        alpha=0.0,
        tol=0.0,
        n_iter_no_change=10**9,
        warm_start=True,
        random_state=seed,
        **BOOK_SPIRAL.get(optimizer, {}),
    )


def train_frames(
    optimizer: str, X, y, grid, epochs: Sequence[int], seed: int = 0
) -> tuple[list[np.ndarray], list[float]]:
    """Predicted classes on ``grid`` and the training loss after each of ``epochs``.

    One run, continued between frames (``warm_start`` keeps the weights and the
    optimizer's state, so the decay goes on from the step count): frame ``k``
    shows the model after ``epochs[k]`` epochs. The loss is the mean
    cross-entropy of the drawn weights on ``(X, y)``.
    """
    model = _model(optimizer, seed)
    regions, losses, done = [], [], 0
    for target in epochs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # the plan
            model.set_params(max_iter=target - done).fit(X, y)
        done = target
        regions.append(model.predict(grid))
        losses.append(log_loss(y, model.predict_proba(X), labels=model.classes_))
    return regions, losses


def _grid(X, resolution: int):
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0))
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    return np.c_[xx.ravel(), yy.ravel()], (lo[0], hi[0], lo[1], hi[1])


def _panels(fig, names, X, y, extent, resolution):
    """One axes per optimizer: an image for its regions over the points, and an
    empty title; return the images and the titles."""
    from matplotlib.colors import ListedColormap

    colors = _class_colors(3)
    ncols = 2 if len(names) == 4 else min(len(names), 3)
    nrows = -(-len(names) // ncols)
    fig.set_size_inches(3.2 * ncols, 3.3 * nrows)
    images, titles = [], []
    for i in range(len(names)):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        blank = np.zeros((resolution, resolution))
        images.append(
            ax.imshow(
                blank,
                extent=extent,
                origin="lower",
                cmap=ListedColormap(colors),
                vmin=0,
                vmax=2,  # the spiral's classes 0, 1, 2
                alpha=0.35,
                aspect="auto",
                interpolation="nearest",
            )
        )
        ax.scatter(X[:, 0], X[:, 1], c=[colors[k] for k in y], s=5, lw=0)
        ax.set(xticks=[], yticks=[])
        titles.append(ax.set_title("", fontsize=9))
    return images, titles


def write_animation(
    optimizers: Sequence[str],
    path,
    *,
    epochs: int = EPOCHS,
    frames: int = FRAMES,
    seed: int = 0,
    resolution: int = RESOLUTION,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Train each optimizer on the spiral and write the GIF to ``path``.

    Returns the path. Needs matplotlib (the ``plot`` extra).
    """
    from matplotlib.animation import FuncAnimation, PillowWriter
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    X, y = make_spiral(300, 3, random_state=seed)
    grid, extent = _grid(X, resolution)
    shown = frame_epochs(epochs, frames)
    runs = []
    for name in optimizers:
        runs.append(train_frames(name, X, y, grid, shown, seed))
        if progress is not None:
            progress(f"animate: trained {name} for {epochs} epochs")
    fig = _figure(layout="constrained")
    FigureCanvasAgg(fig)
    images, titles = _panels(fig, optimizers, X, y, extent, resolution)

    def draw(k: int):
        for name, (regions, losses), image, title in zip(
            optimizers, runs, images, titles
        ):
            image.set_data(regions[k].reshape(resolution, resolution))
            title.set_text(f"{name}: epoch {shown[k]}, loss {losses[k]:.3f}")
        return images + titles

    animation = FuncAnimation(fig, draw, frames=len(shown), cache_frame_data=False)
    path = Path(path)
    animation.save(path, writer=PillowWriter(fps=FPS), dpi=80)
    return path
