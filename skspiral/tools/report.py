"""``compare``'s outputs: the CSVs, the pictures and one self-contained report.html.

The report embeds its pictures as base64 ``data:`` URIs and its style inline, and
links to nothing, so it opens in any browser with no network and can be mailed as
one file. Without matplotlib it still has every table.
"""

from __future__ import annotations

import base64
import html
import platform
import sys
from importlib import metadata
from pathlib import Path

from . import compare_plots, plots
from .compare import CompareResult
from .runs import TIMING_COLUMNS
from .workloads import write_csv

__all__ = ["RUN_COLUMNS", "write_pictures", "write_report", "write_tables"]

RUN_COLUMNS = (
    "dataset",
    "task",
    "model",
    "phase",
    "index",
    "seed",
    "eval_on",
    "settings",
    "learning_rate",
    "hidden_layer_sizes",
    "batch_size",
    "max_epochs",
    "target_loss",
    "status",
    "score",
    "loss",
    "train_loss",
    "epochs",
    "epochs_to_target",
    *TIMING_COLUMNS,
)
PICTURES = {
    "ranking.png": "Ranking",
    "loss_curves.png": "Training loss over seeds",
    "tuning.png": "Tuning trials",
    "spiral_decision_boundaries.png": "Decision regions on the spiral",
}
HOW_TO_READ = """
<p>Each contender (a skspiral optimizer or one of scikit-learn's solvers) had the
same budget: <b>{budget}</b> random-search trials over its own settings (the
spaces are listed below), each trained on 80% of the training part and scored by
its loss (log-loss, or mean squared error) on the other 20%. The trial with the
lowest validation loss won; its setting was then retrained with <b>{seeds}</b>
seeds on the whole training part and scored on the test part, which tuning never
saw. Every contender trains the same network (64 ReLU units, no L2 penalty,
mini-batches of min(200, n)) for the same number of epochs, early stopping off.</p>
<ul>
<li><b>[low, high]</b> is a 95% Student-t interval of the mean over those seeds.
It covers training randomness (initial weights, batch order) on one fixed split,
not the sampling of the test set: on a small test set a one-point difference is a
few rows.</li>
<li><b>*</b> (tied with the best): Welch's two-sided t-test cannot tell the
contender's test scores from the best mean's at the 5% level. Several ties are
the usual outcome on easy datasets; with {seeds} seeds, small differences stay
undetected.</li>
<li><b>reached / epochs / s to target</b>: how many seeds brought the training
loss to the dataset's target (listed with each table), and the mean first epoch
(and estimated seconds, assuming equal epochs) at which they did. scikit-learn's
lbfgs records no per-iteration loss, so it has none; its "epochs" are L-BFGS
iterations over the full batch.</li>
<li><b>ms/epoch</b> is wall time per epoch with BLAS pinned to one thread; like
every timing here it depends on the machine and its load.</li>
</ul>
"""
_STYLE = """
body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}
td.l,th.l{text-align:left}
td.n{white-space:nowrap}
tr.tied td{background:#eef6ee}
code,pre{background:#f4f4f4;padding:.1em .3em}
img{max-width:100%}
"""


def write_tables(result: CompareResult, out: Path) -> list[Path]:
    """``results.csv`` (one row per run) and ``summary.csv`` in ``out``."""
    runs, summary = out / "results.csv", out / "summary.csv"
    write_csv(result.runs, runs, RUN_COLUMNS)
    write_csv(result.summary, summary)
    return [runs, summary]


def write_pictures(result: CompareResult, out: Path) -> list[Path]:
    """The PNGs of :data:`PICTURES` that apply (none without matplotlib)."""
    if not plots.matplotlib_available():
        return []
    figures = {
        "ranking.png": compare_plots.plot_ranking(result.summary),
        "tuning.png": compare_plots.plot_tuning(result.runs),
    }
    if result.curves:
        figures["loss_curves.png"] = compare_plots.plot_loss_bands(result.curves)
    if result.models.get("spiral"):
        split = result.splits["spiral"]
        figures["spiral_decision_boundaries.png"] = plots.plot_decision_boundaries(
            result.models["spiral"],
            split.X_test,
            split.y_test,
            title="Decision regions on the spiral: each contender's best seed "
            "(held-out test points)",
            resolution=150,
            ncols=4,
        )
    written = []
    for name in PICTURES:
        if name in figures:
            written.append(out / name)
            plots.save(figures[name], written[-1])
    return written


def _versions() -> dict[str, str]:
    found = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in ("skspiral", "numpy", "scipy", "scikit-learn", "matplotlib"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _versions_table() -> str:
    rows = [
        f"<tr>{_cell(k, True)}{_cell(v, True)}</tr>" for k, v in _versions().items()
    ]
    return "<table>" + "".join(rows) + "</table>"


def _cell(value, left: bool = False, digits: int = 3) -> str:
    if isinstance(value, float):
        value = "" if value != value else f"{value:.{digits}f}"
    attr = ' class="l"' if left else ""
    return f"<td{attr}>{html.escape(str(value))}</td>"


def _summary_table(result: CompareResult, dataset: str) -> str:
    rows = sorted(
        (r for r in result.summary if r["dataset"] == dataset), key=lambda r: r["rank"]
    )
    score, loss = rows[0]["score_metric"], rows[0]["loss_metric"]
    head = ["rank", "model", "tied", f"test {score}", f"test {loss}"]
    head += ["reached", "epochs to target", "s to target", "ms/epoch", "setting"]
    left = ("model", "setting")
    lines = ["<table><tr>"]
    lines += [f"<th{' class=l' if h in left else ''}>{h}</th>" for h in head]
    lines.append("</tr>")
    for r in rows:
        cells = [
            _cell(r["rank"]),
            _cell(r["model"], left=True),
            _cell("*" if r["tied_with_best"] else ""),
            _cell(_interval(r, "score")).replace("<td>", "<td class=n>"),
            _cell(_interval(r, "loss")).replace("<td>", "<td class=n>"),
            _cell(r["reached_target"]),
            _cell(r["epochs_to_target"], digits=0),
            _cell(r["seconds_to_target"]),
            _cell(r["ms_per_epoch"], digits=2),
            _cell(r["settings"], left=True),
        ]
        tied = ' class="tied"' if r["tied_with_best"] else ""
        lines.append(f"<tr{tied}>" + "".join(cells) + "</tr>")
    return "\n".join(lines) + "</table>"


def _dataset_section(result: CompareResult, dataset: str) -> str:
    plan, split = result.plan, result.splits[dataset]
    return (
        f"<h2>{html.escape(dataset)}</h2>\n"
        f"<p>{len(split.y_train)} training rows, {len(split.y_test)} test rows; "
        f"{plan.epochs[dataset]} epochs; target training loss "
        f"{plan.targets[dataset]:g}.</p>\n" + _summary_table(result, dataset)
    )


def _interval(r: dict, key: str) -> str:
    return f"{r[key + '_mean']:.3f} [{r[key + '_low']:.3f}, {r[key + '_high']:.3f}]"


def _plan(result: CompareResult) -> str:
    plan = result.plan
    rows = ["<table><tr><th class='l'>contender</th><th class='l'>tuned</th></tr>"]
    for c in plan.contenders:
        space = "; ".join(f"{k}: {v}" for k, v in c.space.items()) or "nothing"
        rows.append(f"<tr>{_cell(c.label, True)}{_cell(space, True)}</tr>")
    data = ["<table><tr><th class='l'>dataset</th><th>train</th><th>test</th>"]
    data[0] += "<th>epochs</th><th>target loss</th></tr>"
    for d in plan.datasets:
        split = result.splits[d]
        data.append(
            f"<tr>{_cell(d, True)}{_cell(len(split.y_train))}"
            f"{_cell(len(split.y_test))}{_cell(plan.epochs[d])}"
            f"{_cell(plan.targets[d])}</tr>"
        )
    return "\n".join(rows) + "</table>\n" + "\n".join(data) + "</table>"


def _image(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f"<figure><img alt='{html.escape(caption)}' src='data:image/png;base64,"
        f"{data}'><figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def write_report(
    result: CompareResult,
    out: Path,
    *,
    command: str,
    pictures: list[Path],
    seconds: float | None = None,
) -> Path:
    """Write ``out/report.html``: how to read it, the tables, the pictures, the
    exact command, the versions; return its path."""
    plan = result.plan
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>skspiral compare</title><style>{_STYLE}</style></head><body>",
        "<h1>skspiral compare: optimizers with equal tuning budgets</h1>",
        f"<p>Command: <code>{html.escape(command)}</code></p>",
        "<h2>How to read this</h2>",
        HOW_TO_READ.format(budget=plan.budget, seeds=plan.seeds),
    ]
    ranking = [p for p in pictures if p.name == "ranking.png"]
    parts += [_image(p, PICTURES[p.name]) for p in ranking]
    parts += [_dataset_section(result, dataset) for dataset in plan.datasets]
    others = [p for p in pictures if p.name != "ranking.png"]
    parts += [_image(p, PICTURES.get(p.name, p.stem)) for p in others]
    if not pictures:
        parts.append(f"<p>No pictures: {html.escape(plots.PLOT_HINT)}</p>")
    parts += ["<h2>What ran</h2>", _plan(result)]
    parts.append(
        f"<p>{len(result.runs)} runs, BLAS pinned to one thread, seed {plan.seed}"
        + (f", {seconds:.1f} s wall time" if seconds is not None else "")
        + ". Every run is a row of results.csv; summary.csv holds the tables.</p>"
    )
    parts += ["<h2>Versions</h2>", _versions_table(), "</body></html>"]
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
