"""`make bench`: timings of the engine and the command line, printed (never asserted in tests).

Each figure is the median of repeated runs with its minimum and maximum. The Makefile runs it
with one BLAS/OpenMP thread, as the targets are for one core. COINr is timed in the same run
when ``Rscript`` with the COINr package is installed; otherwise its figures say "not measured".

Targets (issue 12): `polindex --help` <= 0.3 s and `polindex validate` of the MIPEX-style
example <= 0.5 s as whole processes; `polindex build` of ASEM <= 0.6 s (>= 3x faster than
COINr's Rscript); `polindex.build()` of ASEM from its files <= 30 ms in process; every-node
scoring of the synthetic case <= 10 ms.

Targets (issue 2, one core): 200 units × 20 periods × 300 indicators in a 4-level tree
< 20 ms; the IMPIC example (1,085 country-years × 67 items) < 5 ms.
Targets (issue 3): COINr's full example (P2) on ASEM, outlier treatment included, <= 2 ms
(COINr needs about 120 ms to rebuild it); 1,000 units × 500 indicators × 10 periods < 1 s.
Targets (issue 4), COINr's vignette design on ASEM: uncertainty N = 100 <= 20 ms (COINr 10.7 s);
sensitivity N = 100 (600 builds) <= 50 ms (COINr 63.9 s); N = 10,000 (60,000 builds) <= 3 s
with every bootstrap interval narrower than 0.05.
Targets (issue 15), the MIPEX-style example (61 questions) with invented answers: goal seeking
for one country and one target < 1 s; a custom-weights ranking of 200 countries p95 < 50 ms; a
what-if in the library well under the page's 50 ms (p95); a typology with 1,000 resamples < 2 s.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import polindex
from polindex.engine import Dataset, Results, Structure, aggregate, compute
from polindex.io import ReadOptions, encode, read_table

ROOT = Path(__file__).resolve().parents[1]


class Timing:
    """Minimum, median and maximum of repeated runs, in milliseconds, and the median CPU time
    of this process when it was measured (on a busy machine wall time runs ahead of it)."""

    def __init__(self, times: list[float], cpu: list[float] | None = None) -> None:
        self.min, self.median, self.max = (
            min(times) * 1000,
            statistics.median(times) * 1000,
            max(times) * 1000,
        )
        self.cpu = statistics.median(cpu) * 1000 if cpu else None

    def __truediv__(self, n: float) -> Timing:
        out = Timing([1.0])
        out.min, out.median, out.max = self.min / n, self.median / n, self.max / n
        out.cpu = self.cpu / n if self.cpu is not None else None
        return out


def timed(
    fn: Callable[[], Any],
    repeat: int = 30,
    warmup: int = 3,
    clock: Callable[[], float] = time.perf_counter,
) -> Timing:
    """Time ``fn`` in process: ``repeat`` runs after ``warmup`` untimed ones (``clock``:
    ``time.process_time`` for CPU time, which other processes on a shared machine disturb
    less than wall time)."""
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), clock()
        fn()
        times.append(clock() - t0)
        cpu.append(time.process_time() - c0)
    return Timing(times, cpu)


def timed_process(
    args: list[str],
    repeat: int = 5,
    env: dict[str, str] | None = None,
    warmup: int = 1,
    cpu: list[float] | None = None,
) -> Timing:
    """Time a whole process (start-up included), ``repeat`` runs after ``warmup`` untimed;
    each run's CPU time (user + system) is appended to ``cpu`` when given.

    The process may write bytecode caches whatever the calling shell says: a user's Python
    reads its modules' caches after the first run, and without them every run compiles the
    package's 50 modules again (0.15–0.25 s here, where ``PYTHONDONTWRITEBYTECODE`` is set)."""
    import resource

    env = {k: v for k, v in (os.environ if env is None else env).items()
           if k != "PYTHONDONTWRITEBYTECODE"}  # fmt: skip
    times = []
    for k in range(repeat + warmup):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(args, capture_output=True, env=env, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.decode()[-500:]}")
        if k >= warmup:
            times.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if cpu is not None:
                cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timing(times)


def coinr_available() -> bool:
    """``Rscript`` with the COINr package is installed here."""
    if shutil.which("Rscript") is None:
        return False
    done = subprocess.run(
        ["Rscript", "-e", "library(COINr)"], capture_output=True, check=False, timeout=60
    )
    return done.returncode == 0


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


def row(label: str, t: Timing | None, target: float | None = None, unit: str = "ms") -> None:
    """One line: the median, [min–max], and the target when there is one."""
    goal = f"  (target <= {target:g} {unit})" if target is not None else ""
    if t is None:
        print(f"  {label:<58} {'not measured':>12}{goal}")
        return
    scale = 1000 if unit == "s" else 1
    mid, low, high = t.median / scale, t.min / scale, t.max / scale
    digits = 3 if unit == "ms" else 2
    cpu = f", CPU {t.cpu / scale:.{digits}f} {unit}" if t.cpu is not None else ""
    print(f"  {label:<58} {mid:9.{digits}f} {unit} [{low:.{digits}f}–{high:.{digits}f}]{cpu}{goal}")


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
    row("scores of every node (compute)", timed(lambda: compute(fw, ds, structure=s)), 20)
    row(
        "  the same, CPU time (issue 12's target)",
        timed(lambda: compute(fw, ds, structure=s), 40, 3, time.process_time),
        10,
    )
    row(
        "scores + ranks + bands of every node",
        timed(lambda: full(compute(fw, ds, structure=s))),
        20,
    )
    res = compute(fw, ds, structure=s)
    row("tidy table (1.6 M rows)", timed(lambda: compute(fw, ds, structure=s).table(), 5))
    variants = 10
    weights = np.tile(s.edges[2], (variants, 1)) * rng.uniform(
        0.75, 1.25, (variants, s.edges[2].size)
    )
    row(
        f"{variants} weight variants in one batch (aggregate), per variant",
        timed(lambda: aggregate(s, ds.values, ds.not_applicable, weights), 5) / variants,
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
    row("scores of every node (compute)", timed(lambda: compute(fw, ds, structure=s)), 5)
    row(
        "scores + ranks + bands of every node",
        timed(lambda: full(compute(fw, ds, structure=s))),
        5,
    )
    row(
        "read CSV + validate (read_table + encode)",
        timed(lambda: encode(fw, read_table(path, fw, opts), str(path)), 5),
    )


def asem_inputs() -> tuple[Any, ...] | None:
    """ASEM's framework (with P2 and the vignette design), data set and variables, or None."""
    from polindex.io.tables import long_from_frame, read_frame
    from polindex.io.variables import align_variables, split_variables

    data_dir = os.environ.get("POLINDEX_DATA_DIR")
    idata = Path(data_dir) / "asem" / "asem_iData.csv" if data_dir else None
    if idata is None or not idata.exists():
        return None
    fw_path = ROOT / "examples" / "asem" / "framework.yaml"
    definition = polindex.load_index(fw_path)
    fw, pipe = definition.framework, definition.require_pipeline()
    opts = ReadOptions(unit_column="uCode", period_column="Time", extra_columns="ignore")
    rest, var = split_variables(read_frame(idata, opts), pipe, str(idata), opts)
    ds = encode(fw, long_from_frame(rest, fw, str(idata), opts), str(idata), raw_numbers=True)
    return fw_path, idata, fw, pipe, ds, align_variables(var, pipe, ds, str(idata))


COINR_SETUP = """
suppressMessages(library(COINr))
coin <- build_example_coin(quietly = TRUE)
"""
COINR_CODE = {
    "rebuild": "invisible(Regen(coin, quietly = TRUE))",
    "uncertainty": "invisible(get_sensitivity(coin, SA_specs = specs, N = 100, SA_type = 'UA', "
    "dset = 'Aggregated', iCode = 'Index', Nboot = 1000, quietly = TRUE))",
    "sensitivity": "invisible(get_sensitivity(coin, SA_specs = specs, N = 100, SA_type = 'SA', "
    "dset = 'Aggregated', iCode = 'Index', Nboot = 1000, quietly = TRUE))",
}
COINR_SPECS = """
l_winmax <- list(Address = "$Log$Treat$global_specs$f1_para$winmax", Distribution = 1:5,
                 Type = "discrete")
l_norm <- list(Address = "$Log$Normalise$global_specs",
               Distribution = list(list(f_n = "n_minmax", f_n_para = list(c(1, 100))),
                                   list(f_n = "n_zscore", f_n_para = list(c(10, 2)))),
               Type = "discrete")
w_nom <- coin$Meta$Weights$Original
noisy_wts <- get_noisy_weights(w = w_nom, noise_specs = data.frame(
  Level = 2:3, NoiseFactor = c(0.25, 0.25)), Nrep = 100)
l_weights <- list(Address = "$Log$Aggregate$w", Distribution = noisy_wts, Type = "discrete")
l_agg <- list(Address = "$Log$Aggregate$f_ag", Distribution = c("a_amean", "a_gmean"),
              Type = "discrete")
specs <- list(Winmax = l_winmax, Normalisation = l_norm, Weights = l_weights, Aggregation = l_agg)
"""


def coinr_timing(what: str, repeat: int) -> Timing | None:
    """COINr's own time for ``what`` (see :data:`COINR_CODE`), measured now in R (the COINr
    example coin is COINr's ASEM build); ``None`` when Rscript with COINr is not installed."""
    if not coinr_available():
        return None
    script = (
        COINR_SETUP
        + (COINR_SPECS if what != "rebuild" else "")
        + f"""
times <- replicate({repeat}, system.time({COINR_CODE[what]})[["elapsed"]])
cat(times, sep = "\\n")
"""
    )
    done = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    return Timing([float(t) for t in done.stdout.split()])


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
        p2 = timed(lambda: run_pipeline(fw, ds, pipe, variables, plan=plan), 50)
        row("whole pipeline, compiled plan (Polindex)", p2, 2)
        row(
            "whole pipeline, planning included",
            timed(lambda: run_pipeline(fw, ds, pipe, variables), 50),
        )
        row(
            "build from its files (parse, read, check, plan, run)",
            timed(
                lambda: polindex.build(
                    fw_path,
                    idata,
                    unit_column="uCode",
                    period_column="Time",
                    extra_columns="ignore",
                ),
                10,
            ),
            30,
        )
        from polindex.api import read_inputs

        opts = ReadOptions(unit_column="uCode", period_column="Time", extra_columns="ignore")
        definition = polindex.load_index(fw_path)
        parse = timed(lambda: polindex.load_index(fw_path), 30)
        row("  of which: parse + check the definition (load_index)", parse)
        read = timed(lambda: read_inputs(definition, idata, build=True, options=opts), 30)
        row("  of which: read + check the data (read_inputs)", read)
        coinr = coinr_timing("rebuild", 10)
        row("COINr rebuild of the same (Regen, measured now)", coinr)
        if coinr is not None:
            print(
                f"  {'speed-up over COINr (compiled plan)':<58} {coinr.median / p2.median:9.0f} ×"
            )

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
        timed(lambda: run_pipeline(fw, ds, pipe, plan=plan), 3, 1),
        1000,
    )


def bench_robustness() -> None:
    from polindex.analysis.audit import audit
    from polindex.analysis.sensitivity import sensitivity_analysis
    from polindex.analysis.uncertainty import uncertainty_analysis

    asem = asem_inputs()
    if asem is None:
        print("ASEM robustness: skipped — POLINDEX_DATA_DIR does not hold asem/asem_iData.csv")
        return
    fw_path, idata, fw, pipe, ds, v = asem
    spec = polindex.load_index(fw_path).require_uncertainty()  # COINr's vignette design
    print("Robustness on ASEM, COINr's vignette design (winmax 1–5, minmax/zscore, weights ±25 %")
    print("at two levels, arithmetic/geometric)")
    ua = timed(lambda: uncertainty_analysis(fw, ds, pipe, spec, v), 10, 2)
    row("uncertainty, N = 100 (Polindex)", ua, 20)
    coinr_ua = coinr_timing("uncertainty", 3)
    row("uncertainty, N = 100 (COINr, measured now)", coinr_ua)
    sa = timed(lambda: sensitivity_analysis(fw, ds, pipe, spec, v), 10, 2)
    row("sensitivity, N = 100, 600 builds, 1,000 bootstrap (Polindex)", sa, 50)
    coinr_sa = coinr_timing("sensitivity", 3)
    row("sensitivity, N = 100 (COINr, measured now)", coinr_sa)
    if coinr_ua is not None and coinr_sa is not None:
        print(
            f"  {'speed-up over COINr (uncertainty / sensitivity)':<58} "
            f"{coinr_ua.median / ua.median:9.0f} × / {coinr_sa.median / sa.median:.0f} ×"
        )
    big = spec.model_copy(update={"runs": 10_000})
    t0 = time.perf_counter()
    result = sensitivity_analysis(fw, ds, pipe, big, v)
    one_run = Timing([time.perf_counter() - t0])
    row("sensitivity, N = 10,000, 60,000 builds (one run)", one_run, 3000)
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
        timed(lambda: audit(built), 10, 1),
    )


def p95(fn: Callable[[int], Any], n: int, warmup: int = 3) -> Timing:
    """Time ``fn(k)`` for k in range(n); the figure's "max" is the 95th percentile."""
    for k in range(warmup):
        fn(k)
    times, cpu = [], []
    for k in range(n):
        c0, t0 = time.process_time(), time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out = Timing(times, cpu)
    out.max = float(np.quantile(times, 0.95)) * 1000
    return out


def bench_dialogue() -> None:
    """What-if, goal seeking, recommendations and custom weights on the MIPEX-style example."""
    from polindex.analysis.comparison import compare_results
    from polindex.analysis.custom_weights import custom_ranking
    from polindex.analysis.goals import seek_goal
    from polindex.analysis.peers import nearest_peers
    from polindex.analysis.recommendations import recommend
    from polindex.analysis.typology import typology
    from polindex.demo.synthetic import synthetic_data

    fw = polindex.load_framework(ROOT / "examples" / "mipex-style" / "framework.yaml")
    units = tuple(f"U{k:03d}" for k in range(200))
    print("Dialogue tools, MIPEX-style example (61 questions, invented answers, 2 periods)")
    sim = polindex.simulator(fw, synthetic_data(fw, units=units[:50], periods=(2023, 2024)))
    codes = [i.code for i in fw.indicators]
    row(
        "what-if, one country, two answers changed (median [min–p95])",
        p95(lambda k: sim.simulate(units[k % 50], {codes[k % 61]: "a", codes[(k + 7) % 61]: "b"}),
            200),
        50,
    )  # fmt: skip
    row("recommendations, one country, every area", timed(lambda: recommend(sim, units[3]), 20))
    root = sim.structure.root
    order = np.argsort(sim.results.scores[0, :50, 1, root])
    goals = [("band", "favourable"), ("band", "slightly_favourable"), ("rank", 1), ("rank", 10)]
    times, cpu, hardest = [], [], ("", "", 0.0)
    for unit in (units[int(k)] for k in order):
        for kind, value in goals:
            c0, t0 = time.process_time(), time.perf_counter()
            out = seek_goal(sim, unit, **{kind: value})  # type: ignore[arg-type]
            took = time.perf_counter() - t0
            times.append(took)
            cpu.append(time.process_time() - c0)
            if took > hardest[2]:
                size = out.proposals[0].size if out.proposals else 0
                hardest = (unit, f"{kind} {value}, {size} changes", took)
    got = Timing(times, cpu)
    row(f"goal seeking, 50 countries × {len(goals)} goals (median [min–max])", got, 1000)
    print(f"  {'hardest: ' + hardest[0] + ', ' + hardest[1]:<58} {hardest[2] * 1000:9.3f} ms")
    big = polindex.score(fw, synthetic_data(fw, units=units, periods=(2024,)))
    areas = [n.code for n in fw.groups() if n.level == "area"]
    row(
        "custom weights, 200 countries (median [min–p95])",
        p95(lambda k: custom_ranking(big, {a: (k + j) % 6 for j, a in enumerate(areas)}
                                     | {areas[0]: 1 + k % 5}), 200),
        50,
    )  # fmt: skip
    res = sim.results
    row("nearest peers, one country of 50", timed(lambda: nearest_peers(res, units[5]), 20))
    for method in ("ward", "kmeans"):
        got = timed(lambda m=method: typology(res, method=m, resamples=1000), 3, 1)  # type: ignore[misc]
        row(f"typology, {method}, k by silhouette, 1,000 resamples", got, 2000)
    row(
        "compare two results (2023 → 2024), 10 movers explained",
        timed(lambda: compare_results(res, res, period_a=2023, period_b=2024), 10),
    )
    asem = asem_inputs()
    if asem is None:
        print("  ASEM what-if: skipped — POLINDEX_DATA_DIR does not hold asem/asem_iData.csv")
        return
    opts = ReadOptions(unit_column="uCode", period_column="Time", extra_columns="ignore")
    built = polindex.simulator(asem[0], asem[1], options=opts)
    lpi = built.answers("AUT")["LPI"].raw
    built.simulate("AUT", {"LPI": lpi})  # the official uncertainty analysis, once
    row(
        "ASEM what-if: rebuild + rank interval (100-run design replayed)",
        timed(lambda: built.simulate("AUT", {"LPI": lpi * 2}), 10),
    )


def bench_cli() -> None:
    """Whole processes, as a user at the command line sees them (start-up included)."""
    polindex_cli = str(Path(sys.executable).with_name("polindex"))
    print("The command line, whole processes (5 runs each; CPU: user + system of the same runs)")
    help_cpu: list[float] = []
    row("polindex --help", timed_process([polindex_cli, "--help"], cpu=help_cpu), 0.3, "s")
    row("  the same, CPU time (user + system)", Timing(help_cpu), 0.3, "s")
    mipex = str(ROOT / "examples" / "mipex-style" / "framework.yaml")
    validate_cpu: list[float] = []
    row(
        "polindex validate (MIPEX-style, 61 questions)",
        timed_process([polindex_cli, "validate", mipex], cpu=validate_cpu),
        0.5,
        "s",
    )
    row("  the same, CPU time (user + system)", Timing(validate_cpu), 0.5, "s")
    data_dir = os.environ.get("POLINDEX_DATA_DIR")
    idata = Path(data_dir) / "asem" / "asem_iData.csv" if data_dir else None
    if idata is None or not idata.exists():
        print("  ASEM: skipped — POLINDEX_DATA_DIR does not hold asem/asem_iData.csv")
        return
    asem = str(ROOT / "examples" / "asem" / "framework.yaml")
    read = ["--unit-column", "uCode", "--period-column", "Time", "--ignore-extra-columns"]
    build_cpu: list[float] = []
    build = timed_process([polindex_cli, "build", asem, str(idata), *read], cpu=build_cpu)
    row("polindex build (ASEM, COINr's full example pipeline)", build, 0.6, "s")
    row("  the same, CPU time (user + system)", Timing(build_cpu), 0.6, "s")
    coinr = None
    if coinr_available():
        coinr = timed_process(
            ["Rscript", "-e", "suppressMessages(library(COINr)); "
             "invisible(build_example_coin(quietly = TRUE))"]
        )  # fmt: skip
    row("COINr build_example_coin() in Rscript (measured now)", coinr, None, "s")
    if coinr is not None:
        print(f"  {'speed-up over COINr, whole process':<58} {coinr.median / build.median:9.1f} ×")
    create = [polindex_cli, "release", "create", asem, str(idata), *read, "--robustness"]
    with tempfile.TemporaryDirectory(prefix="polindex-bench-") as tmp:
        new_wall: list[float] = []
        new_cpu: list[float] = []
        for k in range(3):  # each on a new database: its migrations are part of the time
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/new{k}.sqlite3"}
            t = timed_process([*create, "--version", "b1"], 1, env, 0, new_cpu)
            new_wall.append(t.median / 1000)
        row(
            "polindex release create --robustness (ASEM, new database)", Timing(new_wall), None, "s"
        )
        row("  the same, CPU time (user + system)", Timing(new_cpu), None, "s")
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/new0.sqlite3"}
        old_wall, old_cpu = [], []
        for k in range(3):  # the database of the first run, migrated: a release more
            t = timed_process([*create, "--version", f"b{k + 2}"], 1, env, 0, old_cpu)
            old_wall.append(t.median / 1000)
        row("  on a migrated database", Timing(old_wall), None, "s")
        row("  the same, CPU time (issue 12: <= 1.44 s, 3x 4.32 s)", Timing(old_cpu), 1.44, "s")


if __name__ == "__main__":
    print(
        f"polindex {polindex.__version__}, Python {sys.version.split()[0]}, numpy "
        f"{np.__version__}; median of repeated runs, one thread"
    )
    bench_large()
    bench_impic()
    bench_pipelines()
    bench_robustness()
    bench_dialogue()
    bench_cli()
