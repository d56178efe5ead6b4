"""``compare``'s summary: one row per (dataset, contender) from the per-run rows.

>>> rows = [
...     {"dataset": "d", "task": "classification", "model": m, "phase": "final",
...      "settings": "s", "learning_rate": 0.1, "target_loss": 0.1, "score": s,
...      "loss": 0.5, "epochs_to_target": 3, "seconds_to_target": 0.1,
...      "ms_per_epoch": 1.0, "status": "ok"}
...     for m, s in [("a", 0.9), ("a", 0.8), ("b", 0.5), ("b", 0.4)]
... ]
>>> [(r["model"], r["rank"], r["tied_with_best"]) for r in summarise(rows)]
[('a', 1, True), ('b', 2, False)]
"""

from __future__ import annotations

import math

import numpy as np

from .stats import mean_interval, tied_with_best

__all__ = ["METRICS", "format_table", "summarise"]

# (score, loss) names per task, for headers and the CSV.
METRICS = {
    "classification": ("accuracy", "log_loss"),
    "regression": ("r2", "mse"),
}


def _mean(values) -> float:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else math.nan


def _one(dataset: str, model: str, tune: list[dict], final: list[dict]) -> dict:
    task = final[0]["task"]
    score_name, loss_name = METRICS[task]
    scores = [r["score"] for r in final]
    score, score_low, score_high = mean_interval(scores)
    loss, loss_low, loss_high = mean_interval([r["loss"] for r in final])
    reached = [r for r in final if np.isfinite(r["epochs_to_target"])]
    best_trial = max(
        (r["score"] for r in tune if np.isfinite(r["score"])), default=math.nan
    )
    return {
        "dataset": dataset,
        "task": task,
        "model": model,
        "settings": final[0]["settings"],
        "learning_rate": final[0]["learning_rate"],
        "trials": len(tune),
        "seeds": len(final),
        "failed": sum(r["status"] != "ok" for r in final),
        "best_validation_score": best_trial,
        "score_metric": score_name,
        "score_mean": score,
        "score_low": score_low,
        "score_high": score_high,
        "loss_metric": loss_name,
        "loss_mean": loss,
        "loss_low": loss_low,
        "loss_high": loss_high,
        "target_loss": final[0]["target_loss"],
        "reached_target": f"{len(reached)}/{len(final)}",
        "epochs_to_target": _mean([r["epochs_to_target"] for r in reached]),
        "seconds_to_target": _mean([r["seconds_to_target"] for r in reached]),
        "ms_per_epoch": _mean([r["ms_per_epoch"] for r in final]),
        "_scores": scores,
    }


def summarise(runs: list[dict]) -> list[dict]:
    """Per (dataset, model), in run order: the tuned setting, the test score's and
    loss's mean with a 95% t-interval over seeds, time to the target loss (mean
    over the seeds that reached it), ms/epoch, rank by mean score and whether it
    is tied with the best (Welch's t-test, see :mod:`~skspiral.tools.stats`)."""
    pairs = list(dict.fromkeys((r["dataset"], r["model"]) for r in runs))
    rows = []
    for dataset, model in pairs:
        mine = [r for r in runs if (r["dataset"], r["model"]) == (dataset, model)]
        tune = [r for r in mine if r["phase"] == "tune"]
        final = [r for r in mine if r["phase"] == "final"]
        rows.append(_one(dataset, model, tune, final))
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        mine = [r for r in rows if r["dataset"] == dataset]
        tied = tied_with_best({r["model"]: r["_scores"] for r in mine})
        order = sorted(mine, key=lambda r: -_or_low(r["score_mean"]))
        for rank, r in enumerate(order, 1):
            r["rank"] = rank
            r["tied_with_best"] = tied[r["model"]]
    for r in rows:
        del r["_scores"]
    return rows


def _or_low(value: float) -> float:
    return -math.inf if math.isnan(value) else value


def format_table(summary: list[dict]) -> str:
    """The summary as aligned text, one block per dataset; ``*`` marks a tie with
    the best."""
    width = max([len(r["model"]) for r in summary] + [5])
    lines = []
    for dataset in dict.fromkeys(r["dataset"] for r in summary):
        rows = sorted(
            (r for r in summary if r["dataset"] == dataset), key=lambda r: r["rank"]
        )
        score, loss = rows[0]["score_metric"], rows[0]["loss_metric"]
        header = (
            f"{dataset} (target loss {rows[0]['target_loss']:g})\n"
            f"  {'model':<{width}} {'test ' + score:>22} {'test ' + loss:>22} "
            f"{'reached':>7} {'epochs':>7} {'ms/ep':>6}  settings"
        )
        lines.append(header)
        for r in rows:
            mark = "*" if r["tied_with_best"] else " "
            lines.append(
                f"{mark} {r['model']:<{width}} {_interval(r, 'score'):>22} "
                f"{_interval(r, 'loss'):>22} {r['reached_target']:>7} "
                f"{r['epochs_to_target']:>7.0f} {r['ms_per_epoch']:>6.2f}  "
                f"{r['settings']}"
            )
        lines.append("")
    return "\n".join(lines)


def _interval(row: dict, key: str) -> str:
    mean, low, high = row[f"{key}_mean"], row[f"{key}_low"], row[f"{key}_high"]
    return f"{mean:.3f} [{low:.3f}, {high:.3f}]"
