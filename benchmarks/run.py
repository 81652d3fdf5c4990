"""`make bench`: median timings of the engine, printed (never asserted in tests).

The Makefile runs it with one BLAS/OpenMP thread, as the targets are for one core.

Targets (issue 2, one core): 200 units × 20 periods × 300 indicators in a 4-level tree
< 20 ms; the IMPIC example (1,085 country-years × 67 items) < 5 ms.
Targets (issue 3): COINr's full example (P2) on ASEM, outlier treatment included, <= 2 ms
(COINr needs about 120 ms to rebuild it); 1,000 units × 500 indicators × 10 periods < 1 s.
Targets (issue 4), COINr's vignette design on ASEM: uncertainty N = 100 <= 20 ms (COINr 10.7 s);
sensitivity N = 100 (600 builds) <= 50 ms (COINr 63.9 s); N = 10,000 (60,000 builds) <= 3 s
with every bootstrap interval narrower than 0.05.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import polindex
from polindex.engine import Dataset, Results, Structure, aggregate, compute
from polindex.io import ReadOptions, encode, read_table

ROOT = Path(__file__).resolve().parents[1]


def median_ms(fn: Callable[[], Any], repeat: int = 30, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def large_framework(areas: int = 5, dims: int = 4, per_dim: int = 15) -> polindex.Framework:
    """Index → 5 areas → 20 dimensions → 300 indicators (4 levels)."""
    return polindex.load_framework(
        {
            "code": "BENCH",
            "name": "Benchmark index (random data)",
            "levels": ["area", "dimension"],
            "areas": [
                {
                    "code": f"A{a}",
                    "dimensions": [
                        {
                            "code": f"A{a}D{d}",
                            "indicators": [
                                {"code": f"A{a}D{d}I{i}", "type": "numeric", "weight": 1 + i % 3}
                                for i in range(per_dim)
                            ],
                        }
                        for d in range(dims)
                    ],
                }
                for a in range(areas)
            ],
        }
    )


def full(res: Results) -> Results:
    """Force the derived arrays (ranks, bands) that Results computes on first use."""
    _ = res.ranks, res.bands
    return res


def row(label: str, ms: float, target: float | None = None) -> None:
    goal = f"  (target < {target:g} ms)" if target is not None else ""
    print(f"  {label:<58} {ms:9.3f} ms{goal}")


def bench_large() -> None:
    fw = large_framework()
    rng = np.random.default_rng(1)
    n_u, n_p, n_i = 200, 20, len(fw.indicators)
    values = rng.uniform(0, 100, size=(n_u, n_p, n_i))
    values[rng.random(values.shape) < 0.05] = np.nan
    ds = Dataset.from_arrays(
        [f"U{u:03d}" for u in range(n_u)],
        list(range(2000, 2000 + n_p)),
        [i.code for i in fw.indicators],
        values,
    )
    s = Structure.from_framework(fw)
    print(f"Synthetic benchmark: {n_u} units × {n_p} periods × {n_i} indicators, 4 levels")
    row("scores of every node (compute)", median_ms(lambda: compute(fw, ds, structure=s)), 20)
    row(
        "scores + ranks + bands of every node",
        median_ms(lambda: full(compute(fw, ds, structure=s))),
        20,
    )
    res = compute(fw, ds, structure=s)
    row("tidy table (1.6 M rows)", median_ms(lambda: compute(fw, ds, structure=s).table(), 5))
    variants = 10
    weights = np.tile(s.edges[2], (variants, 1)) * rng.uniform(
        0.75, 1.25, (variants, s.edges[2].size)
    )
    row(
        f"{variants} weight variants in one batch (aggregate), per variant",
        median_ms(lambda: aggregate(s, ds.values, ds.not_applicable, weights), 5) / variants,
    )
    assert res.scores.shape == (1, n_u, n_p, s.n_nodes)


def bench_impic() -> None:
    data_dir = os.environ.get("POLINDEX_DATA_DIR")
    path = Path(data_dir) / "impic" / "impic2016.csv" if data_dir else None
    if path is None or not path.exists():
        print("IMPIC: skipped — POLINDEX_DATA_DIR does not hold impic/impic2016.csv")
        return
    fw = polindex.load_framework(ROOT / "examples" / "impic" / "framework.yaml")
    opts = ReadOptions(
        unit_column="cntry", period_column="year", column_prefix="AvgS_", extra_columns="ignore"
    )
    table = read_table(path, fw, opts)
    ds = encode(fw, table, str(path))
    s = Structure.from_framework(fw)
    n_rows = int(ds.present.sum())
    print(f"IMPIC 2016: {n_rows} country-years × {len(fw.indicators)} items")
    row("scores of every node (compute)", median_ms(lambda: compute(fw, ds, structure=s)), 5)
    row(
        "scores + ranks + bands of every node",
        median_ms(lambda: full(compute(fw, ds, structure=s))),
        5,
    )
    row(
        "read CSV + validate (read_table + encode)",
        median_ms(lambda: encode(fw, read_table(path, fw, opts), str(path)), 5),
    )


def asem_inputs() -> tuple[Any, ...] | None:
    """ASEM's framework (with P2 and the vignette design), data set and variables, or None."""
    from polindex.framework.pipeline import load_pipeline
    from polindex.io.tables import long_from_frame, read_frame
    from polindex.io.variables import align_variables, split_variables

    data_dir = os.environ.get("POLINDEX_DATA_DIR")
    idata = Path(data_dir) / "asem" / "asem_iData.csv" if data_dir else None
    if idata is None or not idata.exists():
        return None
    fw_path = ROOT / "examples" / "asem" / "framework.yaml"
    fw = polindex.load_framework(fw_path)
    pipe = load_pipeline(fw_path, fw)
    opts = ReadOptions(unit_column="uCode", period_column="Time", extra_columns="ignore")
    rest, var = split_variables(read_frame(idata, opts), pipe, str(idata), opts)
    ds = encode(fw, long_from_frame(rest, fw, str(idata), opts), str(idata), raw_numbers=True)
    return fw_path, idata, fw, pipe, ds, align_variables(var, pipe, ds, str(idata))


COINR_P2_MS = 120.0
"""COINr 1.1.14 rebuilding build_example_coin() on this machine (figure from issue 3)."""


def bench_pipelines() -> None:
    from polindex.engine.pipeline import plan_pipeline, run_pipeline

    asem = asem_inputs()
    if asem is None:
        print("ASEM P2: skipped — POLINDEX_DATA_DIR does not hold asem/asem_iData.csv")
    else:
        fw_path, idata, fw, pipe, ds, variables = asem
        plan = plan_pipeline(fw, pipe)
        print("COINr's full example (P2) on ASEM: 51 units × 49 indicators, denominate → impute →")
        print("screen → treat → normalise → aggregate")
        p2 = median_ms(lambda: run_pipeline(fw, ds, pipe, variables, plan=plan), 50)
        row("whole pipeline, compiled plan (Polindex)", p2, 2)
        row(
            "whole pipeline, planning included",
            median_ms(lambda: run_pipeline(fw, ds, pipe, variables), 50),
        )
        row(
            "build from the CSV file (read, check, plan, run)",
            median_ms(
                lambda: polindex.build(
                    fw_path,
                    idata,
                    unit_column="uCode",
                    period_column="Time",
                    extra_columns="ignore",
                ),
                10,
            ),
        )
        row("COINr 1.1.14 rebuild of the same (issue 3 figure)", COINR_P2_MS)
        print(f"  {'speed-up over COINr (compiled plan)':<58} {COINR_P2_MS / p2:9.0f} ×")

    n_u, n_i, n_p = 1000, 500, 10
    per = 25
    fw = polindex.load_framework(
        {
            "code": "BIG",
            "name": "Pipeline benchmark (random data)",
            "levels": ["pillar"],
            "pillars": [
                {
                    "code": f"P{k}",
                    "indicators": [
                        {"code": f"P{k}I{i}", "type": "numeric", "direction": 1 - 2 * (i % 2)}
                        for i in range(per)
                    ],
                }
                for k in range(n_i // per)
            ],
        }
    )
    rng = np.random.default_rng(2)
    values = rng.lognormal(3, 1, size=(n_u, n_p, n_i))
    values[rng.random(values.shape) < 0.05] = np.nan
    ds = Dataset.from_arrays(
        [f"U{u:04d}" for u in range(n_u)],
        list(range(2015, 2015 + n_p)),
        [i.code for i in fw.indicators],
        values,
    )
    pipe = polindex.Pipeline.model_validate(
        {
            "steps": [
                {"step": "impute", "method": "mean"},
                {"step": "treat", "winmax": 5},
                {"step": "normalise", "method": "minmax", "params": {"low": 0, "high": 100}},
                {"step": "aggregate", "method": "arithmetic"},
            ]
        }
    )
    plan = plan_pipeline(fw, pipe)
    print(
        f"Pipeline at scale: {n_u:,} units × {n_i} indicators × {n_p} periods (random, 5 % missing)"
    )
    row(
        "impute → treat → normalise → aggregate",
        median_ms(lambda: run_pipeline(fw, ds, pipe, plan=plan), 3, 1),
        1000,
    )


COINR_UA_S, COINR_SA_S = 10.7, 63.9
"""COINr 1.1.14 on this machine for the vignette design, N = 100 (figures from issue 4)."""


def bench_robustness() -> None:
    from polindex.analysis.audit import audit
    from polindex.analysis.sensitivity import sensitivity_analysis
    from polindex.analysis.uncertainty import uncertainty_analysis
    from polindex.framework.uncertainty import load_uncertainty

    asem = asem_inputs()
    if asem is None:
        print("ASEM robustness: skipped — POLINDEX_DATA_DIR does not hold asem/asem_iData.csv")
        return
    fw_path, idata, fw, pipe, ds, v = asem
    spec = load_uncertainty(fw_path)  # COINr's vignette design
    print("Robustness on ASEM, COINr's vignette design (winmax 1–5, minmax/zscore, weights ±25 %")
    print("at two levels, arithmetic/geometric)")
    ua = median_ms(lambda: uncertainty_analysis(fw, ds, pipe, spec, v), 10, 2)
    row("uncertainty, N = 100 (Polindex)", ua, 20)
    row("uncertainty, N = 100 (COINr 1.1.14, issue 4 figure)", COINR_UA_S * 1000)
    sa = median_ms(lambda: sensitivity_analysis(fw, ds, pipe, spec, v), 10, 2)
    row("sensitivity, N = 100, 600 builds, 1,000 bootstrap (Polindex)", sa, 50)
    row("sensitivity, N = 100 (COINr 1.1.14, issue 4 figure)", COINR_SA_S * 1000)
    print(
        f"  {'speed-up over COINr (uncertainty / sensitivity)':<58} "
        f"{COINR_UA_S * 1000 / ua:9.0f} × / {COINR_SA_S * 1000 / sa:.0f} ×"
    )
    big = spec.model_copy(update={"runs": 10_000})
    t0 = time.perf_counter()
    result = sensitivity_analysis(fw, ds, pipe, big, v)
    big_ms = (time.perf_counter() - t0) * 1000
    row("sensitivity, N = 10,000, 60,000 builds (one run)", big_ms, 3000)
    t = result.table()
    widest = max(
        (t["first_order_q95"] - t["first_order_q05"]).max(), (t["total_q95"] - t["total_q05"]).max()
    )
    print(
        f"  {'widest 5–95 % bootstrap interval at N = 10,000':<58} {widest:9.3f}"
        "     (target < 0.05)"
    )
    built = polindex.build(
        fw_path, idata, unit_column="uCode", period_column="Time", extra_columns="ignore"
    )
    row(
        "statistical audit (statistics, correlations, alpha, PCA, LOO)",
        median_ms(lambda: audit(built), 10, 1),
    )


if __name__ == "__main__":
    print(
        f"polindex {polindex.__version__}, Python {sys.version.split()[0]}, numpy "
        f"{np.__version__}; median of repeated runs, one thread"
    )
    bench_large()
    bench_impic()
    bench_pipelines()
    bench_robustness()
