"""Verbs that question an index: ``uncertainty``, ``sensitivity`` and ``audit``."""

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from polindex.cli.common import (
    DataArg,
    IgnoreExtra,
    PeriodColumn,
    PipelineOpt,
    SinglePeriod,
    Top,
    UnitColumn,
    consoles,
    load,
    progress,
    read_options,
    say,
    user_errors,
    write_or_fail,
)

if TYPE_CHECKING:
    import pandas as pd

    from polindex.analysis.uncertainty import Evaluation
    from polindex.io.tables import ReadOptions

Runs = Annotated[int | None, typer.Option(help="N: replications (base sample size for SA).")]
Seed = Annotated[int | None, typer.Option(help="Seed of the sampling, for reproducibility.")]
SpecFile = Annotated[
    Path | None,
    typer.Option("--spec", help="Uncertainty design YAML (default: the framework's section)."),
]
DesignFile = Annotated[
    Path | None,
    typer.Option(help="Replay these samples: a CSV with one column per input, values in [0, 1]."),
]
RobustFramework = Annotated[Path, typer.Argument(help="Framework YAML (pipeline and uncertainty).")]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="An .xlsx file or a folder of CSVs.")
]


def analyse(
    run: Callable[..., Any],
    framework: Path,
    data: Path,
    spec: Path | None,
    design: Path | None,
    pipeline: Path | None,
    options: "ReadOptions",
    **overrides: Any,
) -> Any:
    """Run an uncertainty or sensitivity analysis with a progress bar (the definition parsed
    and the data read once); problems end the command."""
    from polindex import api
    from polindex.analysis.uncertainty import read_design

    with user_errors():
        definition = api.with_pipeline(load(framework), pipeline)
        plan = api.design_spec(definition, spec, {})
        samples = None if design is None else read_design(design, [i.name for i in plan.inputs])
        inputs = api.read_inputs(definition, data, build=True, options=options)
        with progress(True) as bar:
            task = bar.add_task("Evaluating", total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return run(
                definition, inputs, spec=plan, design=samples, on_progress=update, **overrides
            )
    raise AssertionError("unreachable")  # pragma: no cover


def write_tables(tables: dict[str, "pd.DataFrame"], output: Path) -> None:
    """The tables into an .xlsx file or a folder of CSVs."""
    from polindex.io.writers import write_tables as write

    write_or_fail(lambda: write(tables, output), output)
    say(f"Wrote {', '.join(tables)} to {output}")


def write_chart(spec: dict[str, Any], output: Path, name: str) -> None:
    """Beside the tables: the chart's Vega-Lite spec and its SVG (a folder output) or an SVG
    named after the workbook."""
    from polindex.analysis.charts import render_svg

    folder = output if not output.suffix else output.parent
    stem = name if not output.suffix else f"{output.stem}-{name}"
    (folder / f"{stem}.vl.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    (folder / f"{stem}.svg").write_text(render_svg(spec), encoding="utf-8")


def print_intervals(ev: "Evaluation", top: int) -> None:
    """Each unit's nominal rank and rank interval."""
    from rich.table import Table

    table = Table(
        title=f"Rank uncertainty of {ev.target} ({len(ev.scores):,} replications)",
        title_justify="left",
    )
    for col in ("Unit", "Nominal", "Median", "5 %", "95 %"):
        table.add_column(col, justify="left" if col == "Unit" else "right")
    for rec in ev.summary().head(top).to_dict(orient="records"):
        table.add_row(
            str(rec["unit"]),
            *(
                f"{rec[k]:.0f}" if not math.isnan(rec[k]) else "–"
                for k in ("rank_nominal", "rank_median", "rank_q05", "rank_q95")
            ),
        )
    consoles.out.print(table)


def uncertainty(
    framework: RobustFramework,
    data: Annotated[Path, typer.Argument(help="Raw data: CSV or XLSX, long or wide.")],
    spec: SpecFile = None,
    pipeline: PipelineOpt = None,
    runs: Runs = None,
    seed: Seed = None,
    design: DesignFile = None,
    output: Output = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    ignore_extra_columns: IgnoreExtra = False,
    single_period: SinglePeriod = None,
    top: Top = 20,
) -> None:
    """Uncertainty analysis: rebuild the index under sampled construction choices; print each
    unit's rank interval and write every replication's parameters, scores and ranks."""
    from polindex import api
    from polindex.analysis.charts import rank_uncertainty

    opts = read_options(unit_column, period_column, ignore_extra_columns, single_period)
    ev = analyse(
        api.uncertainty,
        framework,
        data,
        spec,
        design,
        pipeline=pipeline,
        runs=runs,
        seed=seed,
        options=opts,
    )
    print_intervals(ev, top)
    if output is not None:
        write_tables(ev.tables(), output)
        write_chart(
            rank_uncertainty(ev.summary(), f"Rank uncertainty of {ev.target}"),
            output,
            "rank_uncertainty",
        )


def sensitivity(
    framework: RobustFramework,
    data: Annotated[Path, typer.Argument(help="Raw data: CSV or XLSX, long or wide.")],
    spec: SpecFile = None,
    pipeline: PipelineOpt = None,
    runs: Runs = None,
    seed: Seed = None,
    bootstrap: Annotated[int | None, typer.Option(help="Bootstrap resamples for the CIs.")] = None,
    design: DesignFile = None,
    output: Output = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    ignore_extra_columns: IgnoreExtra = False,
    single_period: SinglePeriod = None,
) -> None:
    """Sensitivity analysis: a Saltelli design (N·(d + 2) builds), first-order and total
    indices with bootstrap intervals, for the mean rank shift and for every unit's rank."""
    from rich.table import Table

    from polindex import api
    from polindex.analysis.charts import sensitivity_bars

    opts = read_options(unit_column, period_column, ignore_extra_columns, single_period)
    sa = analyse(
        api.sensitivity,
        framework,
        data,
        spec,
        design,
        pipeline=pipeline,
        runs=runs,
        seed=seed,
        bootstrap=bootstrap,
        options=opts,
    )
    table = Table(
        title=f"Sensitivity of the mean rank shift ({len(sa.evaluation.scores):,} builds)",
        title_justify="left",
    )
    for col in ("Input", "First order", "5–95 %", "Total", "5–95 % "):
        table.add_column(col, justify="left" if col == "Input" else "right")
    for rec in sa.table().to_dict(orient="records"):
        table.add_row(
            str(rec["input"]),
            f"{rec['first_order']:.3f}",
            f"{rec['first_order_q05']:.3f}–{rec['first_order_q95']:.3f}",
            f"{rec['total']:.3f}",
            f"{rec['total_q05']:.3f}–{rec['total_q95']:.3f}",
        )
    consoles.out.print(table)
    if output is not None:
        tables = {"sensitivity": sa.table(), "unit_sensitivity": sa.unit_table()}
        tables.update(sa.evaluation.tables())
        write_tables(tables, output)
        write_chart(sensitivity_bars(sa.table()), output, "sensitivity")


def audit(
    framework: Annotated[Path, typer.Argument(help="Framework YAML (with a pipeline: section).")],
    data: DataArg,
    pipeline: PipelineOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="report.html (heat maps and tables) or audit.xlsx."),
    ] = None,
    period: Annotated[str | None, typer.Option(help="Period to audit (default: latest).")] = None,
    stage: Annotated[
        str | None, typer.Option(help="Data set for indicator statistics (default: raw).")
    ] = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    ignore_extra_columns: IgnoreExtra = False,
    single_period: SinglePeriod = None,
) -> None:
    """Statistical audit: indicator statistics with COINr's flags, correlations within and
    between levels, Cronbach's alpha and PCA per aggregate, leave-one-out rank impact."""
    from rich.table import Table

    from polindex import api
    from polindex.analysis.audit import audit as run_audit

    opts = read_options(unit_column, period_column, ignore_extra_columns, single_period)
    with user_errors():
        results = api.build(load(framework), data, pipeline=pipeline, options=opts)
        report = run_audit(results, period=period, stage=stage)
    say(report.headline())
    table = Table(title="Reliability per aggregate", title_justify="left")
    for col in ("Node", "Level", "Children", "Cronbach's alpha"):
        table.add_column(
            col, justify="right" if col in ("Children", "Cronbach's alpha") else "left"
        )
    for rec in report.reliability.to_dict(orient="records"):
        alpha = rec["cronbach_alpha"]
        table.add_row(
            str(rec["node"]),
            str(rec["level"]),
            str(rec["n_children"]),
            "–" if math.isnan(alpha) else f"{alpha:.3f}",
        )
    consoles.out.print(table)
    if output is not None:
        title = f"Statistical audit — {results.framework.code}"
        write_or_fail(lambda: report.write(output, title=title), output)
        say(f"Wrote the audit to {output}")


def register(app: typer.Typer) -> None:
    """Add this module's verbs to ``app``."""
    app.command("uncertainty")(uncertainty)
    app.command("sensitivity")(sensitivity)
    app.command("audit")(audit)
