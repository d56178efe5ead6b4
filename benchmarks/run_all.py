"""Run every benchmark, then print the README's "Performance" table from their JSON.

    python benchmarks/run_all.py [--quick] [--out DIR] [--repeats N] [--threads ...]
    python benchmarks/run_all.py --table-only [--out DIR]   # table from saved JSON

Each script runs in its own process (a fresh interpreter per benchmark, so one
cannot warm caches or grow the heap for the next).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from _common import parser
from blas import fraction_goal

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "overhead",
    "blas",
    "large_rows",
    "memory",
    "predict_throughput",
    "regressor",
    "optimizer_steps",
    "fused_gradient",
    "convergence",
)


def _r(s: dict, spec: str = ".2f") -> str:
    return f"{s['median']:{spec}}x ({s['min']:{spec}}-{s['max']:{spec}})"


def _less_or_more(ours_over_theirs: float) -> str:
    """``1.10x less`` or ``1.37x more`` (never "0.73x less")."""
    if ours_over_theirs <= 1:
        return f"{1 / ours_over_theirs:.2f}x less"
    return f"{ours_over_theirs:.2f}x more"


def readme_table(out: Path) -> str:
    """Markdown rows: one figure per line, median with (min-max), per thread setting."""
    load = {name: json.loads((out / f"{name}.json").read_text()) for name in SCRIPTS}
    rows = [
        "| benchmark | BLAS threads | skspiral | scikit-learn | skspiral speed-up |"
    ]
    rows.append("|---|---|---|---|---|")
    for r in load["overhead"]["results"]:
        ms = r["ms_per_epoch"]
        rows.append(
            f"| spiral 300x3, (64,), full batch, {r['optimizer']}, "
            f"shuffle={r['shuffle']} (ms/epoch) "
            f"| {r['threads']} | {ms['skspiral']['median']:.3f} "
            f"| {ms['sklearn']['median']:.3f} | {_r(r['speedup_vs_sklearn'])} "
            f"(goal {r['goal']:g}x); epoch = {_r(r['epoch_over_gemm'])} its GEMMs' "
            f"time (goal <= {r['gemm_goal']:g}x) |"
        )
    for r in load["blas"]["results"]:
        s, q = r["s_per_epoch"], r["ratios"]
        goal = fraction_goal(r["threads"])
        for dt in ("float64", "float32"):
            torch = q.get(f"{dt} vs pytorch {dt}")
            torch = f"; vs PyTorch {_r(torch)} (goal > 1)" if torch else ""
            rows.append(
                f"| 100000x256, (512,), adam, batch {r['batch_size']}, {dt} (s/epoch) "
                f"| {r['threads']} | {s[f'skspiral {dt}']['median']:.3g} "
                f"| {s[f'sklearn {dt}']['median']:.3g} "
                f"| {_r(q[f'{dt} vs sklearn {dt}'])}; vs sklearn float64 "
                f"{_r(q[f'{dt} vs sklearn float64'])}; "
                f"{_r(q[f'{dt} fraction of matmul limit'])} of matmul limit "
                f"(goal {goal:g})"
                f"{torch} |"
            )
    for r in load["large_rows"]["results"]:
        s, m = r["s_per_epoch"], r["peak_mib_per_epoch"]
        rows.append(
            f"| {r['n_samples']}x20, (64,), adam, batch {r['batch_size']} (s/epoch; "
            f"peak MiB {m['skspiral']:.1f} / {m['sklearn']:.1f}) | {r['threads']} "
            f"| {s['skspiral']['median']:.3g} | {s['sklearn']['median']:.3g} "
            f"| {_r(r['speedup_vs_sklearn'])} (goal {r['goal']:g}x) |"
        )
    for r in load["memory"]["results"]:
        m = r["peak_increase_mib"]
        rows.append(
            f"| peak RSS added by fit, batch {r['batch_size']}, {r['dtype']} (MiB) "
            f"| {r['threads']} | {m['skspiral']['median']:.0f} "
            f"| {m['sklearn']['median']:.0f} "
            f"| {_less_or_more(r['skspiral_over_sklearn'])} |"
        )
    for r in load["predict_throughput"]["results"]:
        v = r["rows_per_s"]
        rows.append(
            f"| predict_proba, {r['dtype']} (rows/s) | {r['threads']} "
            f"| {v['skspiral']['median']:.3g} | {v['sklearn']['median']:.3g} "
            f"| {_r(r['speedup_vs_sklearn'])} |"
        )
    for r in load["regressor"]["results"]:
        if r["case"] == "regression":
            s = r["s_per_epoch"]
            rows.append(
                f"| MLPScratchRegressor vs MLPRegressor, {r['n_samples']}x20, "
                f"{r['n_targets']} target(s), batch {r['batch_size']} (s/epoch) "
                f"| {r['threads']} | {s['skspiral']['median']:.3g} "
                f"| {s['sklearn']['median']:.3g} | {_r(r['speedup_vs_sklearn'])} |"
            )
        else:
            ms = r["ms_per_call"]
            rows.append(
                f"| partial_fit, calls of {r['batch_size']} spiral rows (ms/call) "
                f"| {r['threads']} | {ms['skspiral']['median']:.3g} "
                f"| {ms['sklearn']['median']:.3g} | {_r(r['speedup_vs_sklearn'])} |"
            )
    steps: dict[str, list[str]] = {}
    for r in load["optimizer_steps"]["results"]:
        ms = r["ms_per_step_per_million"]["median"]
        steps.setdefault(r["threads"], []).append(f"{r['optimizer']} {ms:.2f}")
    for threads, cells in steps.items():
        rows.append(
            f"| optimizer step, ms per million parameters | {threads} "
            f"| {', '.join(cells)} | - | - |"
        )
    for r in load["fused_gradient"]["results"]:
        us = r["us_per_call"]
        n, k = r["shape"]
        rows.append(
            f"| fused vs Jacobian softmax gradient, {n}x{k}, {r['comparison']} (us) "
            f"| {r['threads']} | {us['fused']['median']:.3g} (fused) "
            f"| {us['separate']['median']:.3g} (separate) "
            f"| {_r(r['speedup'], '.1f')} |"
        )
    for r in load["convergence"]["results"]:
        f = r["final_loss_curve"]
        rows.append(
            f"| adam training loss after {r['epochs']} epochs, {r['problem']} "
            f"| - | {f['skspiral']:.4g} | {f['sklearn']:.4g} "
            f"| loss ratio {r['final_ratio']:.3f} (goal {r['goal']}) |"
        )
    return "\n".join(rows)


def main(argv=None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--table-only", action="store_true")
    args = p.parse_args(argv)
    if not args.table_only:
        passthrough = ["--out", str(args.out), "--repeats", str(args.repeats)]
        passthrough += ["--threads", args.threads] + (["--quick"] if args.quick else [])
        for name in SCRIPTS:
            print(f"\n=== {name} ===", flush=True)
            script = HERE / f"{name}.py"
            subprocess.run([sys.executable, str(script), *passthrough], check=True)
    print("\n" + readme_table(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
