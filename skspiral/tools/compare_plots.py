"""``compare``'s pictures: loss bands over seeds, the ranking, the tuning trials.

matplotlib is optional and imported inside the functions, as in
:mod:`skspiral.tools.plots` (whose decision-region plot ``compare`` also uses).
Each function returns a :class:`matplotlib.figure.Figure` with one axes per
dataset.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .plots import _figure

__all__ = ["plot_loss_bands", "plot_ranking", "plot_tuning"]

_STYLES = ("-", "--", "-.", ":")


def _styles(labels: Sequence[str]) -> dict[str, dict]:
    """A colour and line style per label, readable with many overlapping lines:
    scikit-learn's dashed, the rest solid, ten distinct colours before reusing."""
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    styles = {}
    for i, label in enumerate(labels):
        dash = "--" if label.startswith("MLP") else _STYLES[(i // 10) * 2 % 4]
        styles[label] = {"color": cmap(i % 10), "ls": dash}
    return styles


def _grid(n: int, ncols: int = 3, size=(4.6, 3.4), extra: float = 0.9):
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig = _figure(
        figsize=(size[0] * ncols, size[1] * nrows + extra), layout="constrained"
    )
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _legend(fig, styles: Mapping[str, dict]) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], lw=2, label=k, **v) for k, v in styles.items()]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4))


def plot_loss_bands(
    curves: Mapping[str, Mapping[str, Sequence[Sequence[float]]]],
    *,
    title: str | None = None,
):
    """Training loss per epoch: the mean over seeds, shaded from the lowest to the
    highest seed, on a log axis; one panel per dataset.

    Parameters
    ----------
    curves : mapping dataset -> label -> list of per-seed loss curves
        As :attr:`skspiral.tools.compare.CompareResult.curves`.
    """
    labels = list(dict.fromkeys(m for per in curves.values() for m in per))
    styles = _styles(labels)
    fig, axes = _grid(max(len(curves), 1))
    for ax, (dataset, per_label) in zip(axes, curves.items()):
        for label, runs in per_label.items():
            length = min(len(c) for c in runs)
            stack = np.array([c[:length] for c in runs], dtype=float)
            epochs = np.arange(1, length + 1)
            ax.plot(epochs, stack.mean(axis=0), lw=1.4, **styles[label])
            ax.fill_between(
                epochs,
                stack.min(axis=0),
                stack.max(axis=0),
                color=styles[label]["color"],
                alpha=0.15,
                lw=0,
            )
        ax.set_yscale("log")
        ax.set(title=dataset, xlabel="epoch", ylabel="training loss")
        ax.grid(True, which="major", alpha=0.3)
    _legend(fig, styles)
    fig.suptitle(title or "Training loss: mean over seeds, band from min to max")
    return fig


def plot_ranking(summary: Sequence[Mapping[str, object]], *, title: str | None = None):
    """Mean test score with its 95% interval per contender, best on top; filled
    markers are tied with the best, hollow ones are not."""
    datasets = list(dict.fromkeys(r["dataset"] for r in summary))
    fig, axes = _grid(len(datasets), size=(5.2, 3.2), extra=0.5)
    for ax, dataset in zip(axes, datasets):
        rows = sorted(
            (r for r in summary if r["dataset"] == dataset),
            key=lambda r: r["rank"],
            reverse=True,
        )
        for i, r in enumerate(rows):
            low, high, mean = r["score_low"], r["score_high"], r["score_mean"]
            if np.isfinite(low):
                ax.plot([low, high], [i, i], color="tab:blue", lw=2)
            face = "tab:blue" if r["tied_with_best"] else "white"
            ax.plot(mean, i, "o", mfc=face, mec="tab:blue", ms=7)
        ax.set_yticks(range(len(rows)), [r["model"] for r in rows], fontsize=8)
        ax.set_xlabel(f"test {rows[0]['score_metric']}")
        ax.set_title(dataset)
        ax.grid(True, axis="x", alpha=0.3)
    fig.suptitle(
        title
        or "Mean test score with 95% interval over seeds "
        "(filled: tied with the best, Welch's t-test)"
    )
    return fig


def plot_tuning(runs: Sequence[Mapping[str, object]], *, title: str | None = None):
    """Validation loss (the tuning criterion) against learning rate for every
    tuning trial, both axes logarithmic; a star marks each contender's pick.
    Contenders without a learning rate (lbfgs) are left out."""
    trials = [
        r for r in runs if r["phase"] == "tune" and np.isfinite(r["learning_rate"])
    ]
    datasets = list(dict.fromkeys(r["dataset"] for r in runs))
    labels = list(dict.fromkeys(r["model"] for r in trials))
    styles = _styles(labels)
    fig, axes = _grid(len(datasets))
    for ax, dataset in zip(axes, datasets):
        for label in labels:
            mine = sorted(
                (r["learning_rate"], r["loss"])
                for r in trials
                if r["dataset"] == dataset and r["model"] == label
            )
            if not mine:
                continue
            x, y = zip(*mine)
            ax.plot(x, y, marker="o", ms=3, lw=1, **styles[label])
            picked = [r for r in runs if r["phase"] == "final"]
            picked = [
                r["learning_rate"]
                for r in picked
                if r["dataset"] == dataset and r["model"] == label
            ][:1]
            for rate in picked:
                loss = min(v for u, v in mine if u == rate)
                ax.plot(rate, loss, "*", ms=12, mec="k", color=styles[label]["color"])
        metric = "log-loss" if runs[0]["task"] == "classification" else "MSE"
        ax.set(xscale="log", yscale="log", title=dataset, xlabel="learning rate")
        ax.set_ylabel(f"validation {metric}")
        ax.grid(True, alpha=0.3)
    _legend(fig, styles)
    fig.suptitle(
        title or "Tuning trials: validation loss by learning rate (star: the pick)"
    )
    return fig
