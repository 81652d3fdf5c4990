"""The ``polindex`` command: a thin layer over the library, one verb per library call."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.tree import Tree

from polindex import __version__, api
from polindex.analysis.charts import rank_uncertainty, render_svg, sensitivity_bars
from polindex.analysis.uncertainty import UncertaintyError
from polindex.engine.pipeline import BuildError
from polindex.engine.results import Results
from polindex.framework.loader import check_framework_text, load_framework
from polindex.framework.models import Framework, Indicator, Node
from polindex.framework.problems import FrameworkError
from polindex.io.coinr import PipelineChoices, import_coinr
from polindex.io.problems import DataError
from polindex.io.tables import ReadOptions
from polindex.io.writers import WRITERS, write_results, write_stages

app = typer.Typer(
    name="polindex",
    help="Polindex: define, score and publish a comparative policy index.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
out = Console()
err = Console(stderr=True)

LARGE_INPUT_BYTES = 1_000_000
"""Inputs larger than this show a progress bar while they are read and scored."""

# options shared by the verbs that read data
UnitColumn = Annotated[str, typer.Option(help="Column holding the unit codes.")]
PeriodColumn = Annotated[str, typer.Option(help="Column holding the periods.")]
SinglePeriod = Annotated[
    str | None,
    typer.Option(help="The period of every row, for a file without a period column."),
]
Top = Annotated[int, typer.Option(help="Rows of the ranking to print.")]
Lang = Annotated[str | None, typer.Option(help="Language of the labels.")]


def _version(value: bool) -> None:
    if value:
        out.print(f"polindex {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Polindex: define, score and publish a comparative policy index."""


def _load(path: Path) -> Framework:
    try:
        return load_framework(path)
    except FrameworkError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Framework YAML file(s) to check.")],
) -> None:
    """Check framework files and list [bold]every[/bold] problem with its YAML path and line.

    Exits with status 1 if any file has a problem.
    """
    failed = False
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            typer.echo(f"{path}: cannot read file: {exc.strerror}", err=True)
            failed = True
            continue
        problems = check_framework_text(text, str(path))
        if problems:
            failed = True
            typer.echo(str(FrameworkError(problems, path)), err=True)
        else:
            fw = load_framework(path)
            out.print(
                f"{path}: ok — {fw.code} {fw.version}, {len(fw.nodes)} groups, "
                f"{len(fw.indicators)} indicators",
                markup=False,
                highlight=False,
            )
    if failed:
        raise typer.Exit(1)


def _node_text(fw: Framework, item: Node | Indicator, lang: str | None) -> str:
    label = fw.label(item, lang)
    weight = "" if item.weight == 1 else f" ×{item.weight:g}"
    if isinstance(item, Indicator):
        kind: str = item.type
        if item.type == "categorical":
            kind += ": " + ", ".join(f"{o.code}={o.score:g}" for o in item.options)
        elif item.type == "numeric" and item.goalposts:
            kind += f" {item.goalposts[0]:g}→{item.goalposts[1]:g}"
            kind += " (reversed)" if item.direction == -1 else ""
        rule = ""
        if item.applicable_if is not None:
            r = item.applicable_if
            rule = f" [only if {r.indicator} {'in' if r.in_ else 'not in'} "
            rule += f"{', '.join(r.in_ or r.not_in or ())}]"
        return f"[cyan]{item.code}[/cyan] {_esc(label)}{weight} [dim]({kind}){_esc(rule)}[/dim]"
    extra = f" [dim]{item.aggregation}"
    extra += f", coverage ≥ {item.min_coverage:.0%}" if item.min_coverage else ""
    return f"[bold]{item.code}[/bold] {_esc(label)}{weight}{extra} · {item.level}[/dim]"


def _esc(text: str) -> str:
    return text.replace("[", r"\[")


@app.command()
def show(
    framework: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    lang: Lang = None,
    depth: Annotated[
        int | None, typer.Option(help="Show only this many levels below the index.")
    ] = None,
) -> None:
    """Show a framework as a tree: groups, indicators, answer scores, weights and rules."""
    fw = _load(framework)
    title = f"[bold]{_esc(fw.label(fw.root, lang))}[/bold] ({fw.code} {fw.version}) · scale "
    title += f"{fw.scale.min:g}–{fw.scale.max:g}, {fw.polarity.replace('_', ' ')}"
    tree = Tree(title)

    def add(branch: Tree, node: Node, level: int) -> None:
        if depth is not None and level >= depth:
            return
        for child in node.children:
            sub = branch.add(_node_text(fw, child, lang))
            if isinstance(child, Node):
                add(sub, child, level + 1)

    add(tree, fw.root, 0)
    out.print(tree)
    if fw.bands:
        bands = ", ".join(
            f"{fw.label(b, lang)} ≥ {b.min:g}" for b in sorted(fw.bands, key=lambda b: -b.min)
        )
        out.print(f"Bands: {bands}", markup=False, highlight=False)


def _progress(enabled: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not enabled,
    )


def _score(
    framework: Path,
    data: Path,
    options: ReadOptions,
    scored: bool,
    show_progress: bool,
) -> Results:
    fw = _load(framework)
    with _progress(show_progress) as bar:
        task = bar.add_task(f"Reading {data.name}", total=3)
        started: list[str] = []

        def step(description: str) -> None:  # a step starts: the previous one is done
            bar.update(task, completed=len(started), description=description)
            started.append(description)

        try:
            results = api.score(fw, data, scored=scored, options=options, on_step=step)
        except DataError as exc:
            bar.stop()
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
    return results


def _print_ranking(results: Results, period: str | None, lang: str | None, top: int) -> None:
    fw = results.framework
    p = period if period is not None else results.latest_period
    try:
        ranking = results.ranking(period=p, lang=lang)
    except KeyError as exc:
        typer.echo(str(exc.args[0]), err=True)
        raise typer.Exit(1) from exc
    table = Table(title=f"{fw.label(fw.root, lang)} — {p}", title_justify="left")
    table.add_column("Rank", justify="right")
    table.add_column("Unit")
    table.add_column("Score", justify="right")
    has_bands = bool(fw.bands)
    if has_bands:
        table.add_column("Band")
    has_change = "change" in ranking.columns
    if has_change:
        table.add_column("Change", justify="right")
    digits = 1 if fw.scale.max - fw.scale.min > 10 else 3
    for rec in ranking.head(top).to_dict(orient="records"):
        rank, value = rec["rank"], float(rec["score"])
        cells = [
            "–" if rank is None or rank is pd.NA else str(rank),
            str(rec["unit"]),
            "missing" if math.isnan(value) else f"{value:.{digits}f}",
        ]
        if has_bands:
            cells.append(str(rec["band"]))
        if has_change:
            change = float(rec["change"])
            text = "" if math.isnan(change) else f"{change:+.{digits}f}"
            cells.append(text[1:] if text[1:] == f"{0:.{digits}f}" else text)  # no "-0.000"
        table.add_row(*cells)
    out.print(table)


@app.command()
def score(
    framework: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    data: Annotated[Path, typer.Argument(help="Indicator values: CSV or XLSX, long or wide.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=f"Write every score here ({', '.join(WRITERS)} by suffix)."
        ),
    ] = None,
    scored: Annotated[
        bool, typer.Option(help="Values are already scores on the index scale.")
    ] = False,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    column_prefix: Annotated[
        str, typer.Option(help="Prefix to strip from column names (e.g. AvgS_).")
    ] = "",
    ignore_extra_columns: Annotated[
        bool, typer.Option(help="Skip wide-file columns that are not indicators.")
    ] = False,
    single_period: SinglePeriod = None,
    period: Annotated[
        str | None, typer.Option(help="Period to rank (default: the latest).")
    ] = None,
    top: Top = 20,
    lang: Lang = None,
) -> None:
    """Score every node for every unit and period; print the ranking, write all results.

    DATA is long ([italic]unit, period, indicator, value[/italic]; categorical values are
    option codes) or wide (one row per unit and period, one column per indicator). Any bad
    value is reported with its file, row and column, and nothing is computed.
    """
    options = ReadOptions(
        unit_column=unit_column,
        period_column=period_column,
        column_prefix=column_prefix,
        extra_columns="ignore" if ignore_extra_columns else "error",
        period=single_period,
    )
    big = data.exists() and data.stat().st_size > LARGE_INPUT_BYTES
    results = _score(framework, data, options, scored, show_progress=big)
    _print_ranking(results, period, lang, top)
    if output is not None:
        try:
            write_results(results, output)
        except (ValueError, OSError) as exc:
            typer.echo(f"cannot write {output}: {exc}", err=True)
            raise typer.Exit(1) from exc
        n = len(results.table())
        out.print(f"Wrote {n:,} scores to {output}", markup=False, highlight=False)


@app.command()
def build(
    framework: Annotated[
        Path, typer.Argument(help="Framework YAML file (with a pipeline: section).")
    ],
    data: Annotated[Path, typer.Argument(help="Raw data: CSV or XLSX, long or wide.")],
    pipeline: Annotated[
        Path | None,
        typer.Option(help="Pipeline YAML (default: the framework's pipeline: section)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="An .xlsx file (a sheet per stage) or a folder of CSVs."
        ),
    ] = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    ignore_extra_columns: Annotated[
        bool, typer.Option(help="Skip wide-file columns that are neither indicators nor variables.")
    ] = False,
    single_period: SinglePeriod = None,
    top: Top = 20,
    lang: Lang = None,
) -> None:
    """Run the construction pipeline (denominate, impute, screen, treat, normalise, weight,
    aggregate), print the ranking and write every data set plus the log of screening,
    imputation and treatment decisions.
    """
    options = ReadOptions(
        unit_column=unit_column,
        period_column=period_column,
        extra_columns="ignore" if ignore_extra_columns else "error",
        period=single_period,
    )
    try:
        results = api.build(framework, data, pipeline=pipeline, options=options)
    except (FrameworkError, DataError, BuildError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    _print_build_log(results)
    _print_ranking(results, None, lang, top)
    if output is not None:
        try:
            write_stages(results, output)
        except (ValueError, OSError) as exc:
            typer.echo(f"cannot write {output}: {exc}", err=True)
            raise typer.Exit(1) from exc
        stages = ", ".join(k for k in results.stages if k != "scored")
        out.print(f"Wrote {stages} and the log to {output}", markup=False, highlight=False)


def _print_build_log(results: Results) -> None:
    log = results.log
    lines = []
    if "impute" in log:
        imp = log["impute"]
        lines.append(f"Imputed {imp['imputed']} values ({imp['still_missing']} still missing)")
    if "screen" in log:
        removed = log["screen"]["removed"]
        lines.append(
            f"Screened out {len(removed)} unit(s): {', '.join(removed)}"
            if removed
            else "Screening kept every unit"
        )
    if "treat" in log:
        by_status: dict[str, list[str]] = {}
        for e in log["treat"]:
            by_status.setdefault(e["status"], []).append(e["indicator"])
        if not by_status:
            lines.append("Outlier treatment: every indicator passed")
        for status, codes in by_status.items():
            lines.append(f"Outlier treatment, {status}: {len(codes)} ({', '.join(codes)})")
    for line in lines:
        out.print(line, markup=False, highlight=False)


@app.command("import-coinr")
def import_coinr_command(
    idata: Annotated[Path, typer.Argument(help="COINr iData (CSV or XLSX).")],
    imeta: Annotated[Path, typer.Argument(help="COINr iMeta (CSV or XLSX).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write into.")],
    level_names: Annotated[
        str | None,
        typer.Option(
            help="Level names from the indicators up, e.g. 'Indicator,Pillar,Sub-index,Index'."
        ),
    ] = None,
    impute: Annotated[
        str | None, typer.Option(help="Imputation: mean or median ('none' to skip).")
    ] = "mean",
    impute_group: Annotated[
        str | None, typer.Option(help="Impute within this Group column (COINr i_mean_grp).")
    ] = None,
    screen: Annotated[
        float | None,
        typer.Option(help="Minimum data availability to keep a unit (COINr dat_thresh)."),
    ] = 2 / 3,
    winmax: Annotated[
        int | None,
        typer.Option(
            help="Outlier treatment: at most this many Winsorised points (-1: no treatment)."
        ),
    ] = 5,
) -> None:
    """Turn a COINr iData/iMeta pair into a Polindex framework (with its pipeline), data and
    unit names. `polindex build OUTPUT/framework.yaml OUTPUT/data.csv` then builds the index.
    """
    choices = PipelineChoices(
        impute=None if impute in (None, "none") else impute,
        impute_group=impute_group,
        screen_availability=screen,
        winmax=None if winmax is not None and winmax < 0 else winmax,
    )
    names = [n.strip() for n in level_names.split(",")] if level_names else None
    try:
        imported = import_coinr(idata, imeta, level_names=names, choices=choices)
        paths = imported.write(output)
        load_framework(paths["framework"])  # what we wrote must load
    except (DataError, FrameworkError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for note in imported.notes:
        out.print(f"Note: {note}", markup=False, highlight=False)
    for what, path in paths.items():
        out.print(f"Wrote {what}: {path}", markup=False, highlight=False)


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


def _design(path: Path | None, names: list[str]) -> np.ndarray | None:
    if path is None:
        return None
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        typer.echo(f"cannot read the design {path}: {exc}", err=True)
        raise typer.Exit(1) from exc
    missing = [n for n in names if n not in table.columns]
    if missing:
        typer.echo(f"{path}: no column for input(s) {', '.join(missing)}", err=True)
        raise typer.Exit(1)
    values = table[names].to_numpy(dtype=float)
    bad = ~((values >= 0) & (values <= 1))
    if bad.any():
        row, col = (int(v) for v in np.argwhere(bad)[0])
        typer.echo(
            f"{path} row {row + 2}, column {names[col]!r}: {float(values[row, col])!r} "
            "is not in [0, 1]",
            err=True,
        )
        raise typer.Exit(1)
    return values


def _analyse(
    run: Any, framework: Path, data: Path, spec: Path | None, design: Path | None, **options: Any
) -> Any:
    """Run an uncertainty or sensitivity analysis with a progress bar; errors end the command."""
    try:
        names = [i.name for i in api.design_spec(framework, spec, {}).inputs]
        u = _design(design, names)
        bar, update = _robustness_progress("Evaluating")
        with bar:
            return run(framework, data, spec=spec, design=u, on_progress=update, **options)
    except (FrameworkError, DataError, BuildError, UncertaintyError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


def _robustness_progress(label: str) -> tuple[Progress, Any]:
    bar = _progress(True)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def _write_tables(tables: dict[str, pd.DataFrame], output: Path) -> None:
    try:
        if output.suffix.lower() == ".xlsx":
            output.parent.mkdir(parents=True, exist_ok=True)
            tmp = output.with_name(f".{output.name}.tmp.xlsx")
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for name, frame in tables.items():
                    frame.to_excel(xl, sheet_name=name[:31], index=False)
            tmp.replace(output)
        elif output.suffix:
            raise ValueError("give an .xlsx file or a folder for CSV files")
        else:
            output.mkdir(parents=True, exist_ok=True)
            for name, frame in tables.items():
                frame.to_csv(output / f"{name}.csv", index=False, float_format="%.17g")
    except (ValueError, OSError) as exc:
        typer.echo(f"cannot write {output}: {exc}", err=True)
        raise typer.Exit(1) from exc
    out.print(f"Wrote {', '.join(tables)} to {output}", markup=False, highlight=False)


def _write_chart(spec: dict[str, Any], output: Path, name: str) -> None:
    """Beside the tables: the chart's Vega-Lite spec and its SVG (a folder output) or an SVG
    named after the workbook."""
    folder = output if not output.suffix else output.parent
    stem = name if not output.suffix else f"{output.stem}-{name}"
    (folder / f"{stem}.vl.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    (folder / f"{stem}.svg").write_text(render_svg(spec), encoding="utf-8")


def _evaluation_tables(ev: Any) -> dict[str, pd.DataFrame]:
    units = list(ev.units)
    scores = pd.DataFrame(ev.scores, columns=units)
    ranks = pd.DataFrame(ev.ranks, columns=units)
    design = pd.DataFrame(ev.design, columns=[f"u_{c}" for c in ev.parameters.columns])
    for frame in (scores, ranks):
        frame.insert(0, "replication", range(1, len(frame) + 1))
    parameters = pd.concat([ev.parameters.reset_index(drop=True), design], axis=1)
    parameters.insert(0, "replication", range(1, len(parameters) + 1))
    return {"summary": ev.summary(), "parameters": parameters, "scores": scores, "ranks": ranks}


def _print_intervals(ev: Any, top: int) -> None:
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
    out.print(table)


def _read_options(
    unit_column: str, period_column: str, ignore: bool, single: str | None
) -> ReadOptions:
    return ReadOptions(
        unit_column=unit_column,
        period_column=period_column,
        extra_columns="ignore" if ignore else "error",
        period=single,
    )


@app.command("uncertainty")
def uncertainty_command(
    framework: Annotated[Path, typer.Argument(help="Framework YAML (pipeline and uncertainty).")],
    data: Annotated[Path, typer.Argument(help="Raw data: CSV or XLSX, long or wide.")],
    spec: SpecFile = None,
    pipeline: Annotated[Path | None, typer.Option(help="Pipeline YAML.")] = None,
    runs: Runs = None,
    seed: Seed = None,
    design: DesignFile = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="An .xlsx file or a folder of CSVs.")
    ] = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    ignore_extra_columns: Annotated[bool, typer.Option(help="Skip other columns.")] = False,
    single_period: SinglePeriod = None,
    top: Top = 20,
) -> None:
    """Uncertainty analysis: rebuild the index under sampled construction choices; print each
    unit's rank interval and write every replication's parameters, scores and ranks."""
    opts = _read_options(unit_column, period_column, ignore_extra_columns, single_period)
    ev = _analyse(
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
    _print_intervals(ev, top)
    if output is not None:
        _write_tables(_evaluation_tables(ev), output)
        _write_chart(
            rank_uncertainty(ev.summary(), f"Rank uncertainty of {ev.target}"),
            output,
            "rank_uncertainty",
        )


@app.command("sensitivity")
def sensitivity_command(
    framework: Annotated[Path, typer.Argument(help="Framework YAML (pipeline and uncertainty).")],
    data: Annotated[Path, typer.Argument(help="Raw data: CSV or XLSX, long or wide.")],
    spec: SpecFile = None,
    pipeline: Annotated[Path | None, typer.Option(help="Pipeline YAML.")] = None,
    runs: Runs = None,
    seed: Seed = None,
    bootstrap: Annotated[int | None, typer.Option(help="Bootstrap resamples for the CIs.")] = None,
    design: DesignFile = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="An .xlsx file or a folder of CSVs.")
    ] = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    ignore_extra_columns: Annotated[bool, typer.Option(help="Skip other columns.")] = False,
    single_period: SinglePeriod = None,
) -> None:
    """Sensitivity analysis: a Saltelli design (N·(d + 2) builds), first-order and total
    indices with bootstrap intervals, for the mean rank shift and for every unit's rank."""
    opts = _read_options(unit_column, period_column, ignore_extra_columns, single_period)
    sa = _analyse(
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
    out.print(table)
    if output is not None:
        tables = {"sensitivity": sa.table(), "unit_sensitivity": sa.unit_table()}
        tables.update(_evaluation_tables(sa.evaluation))
        _write_tables(tables, output)
        _write_chart(sensitivity_bars(sa.table()), output, "sensitivity")


@app.command("audit")
def audit_command(
    framework: Annotated[Path, typer.Argument(help="Framework YAML (with a pipeline: section).")],
    data: Annotated[Path, typer.Argument(help="Raw data: CSV or XLSX, long or wide.")],
    pipeline: Annotated[Path | None, typer.Option(help="Pipeline YAML.")] = None,
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
    ignore_extra_columns: Annotated[bool, typer.Option(help="Skip other columns.")] = False,
    single_period: SinglePeriod = None,
) -> None:
    """Statistical audit: indicator statistics with COINr's flags, correlations within and
    between levels, Cronbach's alpha and PCA per aggregate, leave-one-out rank impact."""
    from polindex.analysis.audit import audit

    opts = _read_options(unit_column, period_column, ignore_extra_columns, single_period)
    try:
        results = api.build(framework, data, pipeline=pipeline, options=opts)
        report = audit(results, period=period, stage=stage)
    except (FrameworkError, DataError, BuildError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except (KeyError, ValueError) as exc:
        typer.echo(f"cannot audit: {exc}", err=True)
        raise typer.Exit(1) from exc
    stats = report.statistics
    flagged = stats[
        (stats["flag_availability"] != "ok")
        | (stats["flag_skew_kurtosis"] != "ok")
        | (stats["flag_nonzero"] != "ok")
        | (stats["flag_unique"] != "ok")
    ]
    out.print(
        f"{len(stats)} indicators, {len(flagged)} flagged; "
        f"{int((report.flags['kind'] == 'high').sum())} sibling pairs with |r| >= 0.9, "
        f"{int((report.flags['kind'] == 'negative').sum())} negatively correlated",
        markup=False,
        highlight=False,
    )
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
    out.print(table)
    if output is not None:
        try:
            if output.suffix.lower() == ".xlsx":
                report.write_xlsx(output)
            elif output.suffix.lower() in (".html", ".htm"):
                report.write_html(output, title=f"Statistical audit — {results.framework.code}")
            else:
                raise ValueError("give a .html or .xlsx file")
        except (ValueError, OSError) as exc:
            typer.echo(f"cannot write {output}: {exc}", err=True)
            raise typer.Exit(1) from exc
        out.print(f"Wrote the audit to {output}", markup=False, highlight=False)


xlsform_app = typer.Typer(
    help="The questionnaire as an XLSForm (KoboToolbox, ODK), and back.", no_args_is_help=True
)
app.add_typer(xlsform_app, name="xlsform")


@xlsform_app.command("export")
def xlsform_export(
    framework: Annotated[Path, typer.Argument(help="Framework YAML.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The XLSForm (.xlsx).")],
) -> None:
    """Write the framework's questionnaire as an XLSForm; choices carry their score."""
    from polindex.io.xlsform import to_xlsform

    output.write_bytes(to_xlsform(_load(framework)))
    out.print(f"Wrote {output}", markup=False, highlight=False)


@xlsform_app.command("import")
def xlsform_import(
    form: Annotated[Path, typer.Argument(help="An XLSForm (.xlsx) with scores on its choices.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The framework YAML.")],
) -> None:
    """Turn an XLSForm into a framework (checked before it is written)."""
    import yaml

    from polindex.io.xlsform import XLSFormError, from_xlsform

    try:
        doc = from_xlsform(form)
        load_framework(doc)
    except (XLSFormError, FrameworkError, OSError) as exc:
        typer.echo(f"{form}: {exc}", err=True)
        raise typer.Exit(1) from exc
    output.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out.print(f"Wrote {output}", markup=False, highlight=False)


release_app = typer.Typer(help="Freeze results into versioned releases.", no_args_is_help=True)
app.add_typer(release_app, name="release")


def _django() -> None:
    """Set up the Django project (settings from the environment) and its database."""
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polindex.web.settings")
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@release_app.command("create")
def release_create(
    framework: Annotated[Path, typer.Argument(help="Framework YAML.")],
    data: Annotated[Path, typer.Argument(help="Data: CSV or XLSX.")],
    version: Annotated[str, typer.Option(help="Release version, e.g. 2025.1.")],
    publish_at: Annotated[
        str | None,
        typer.Option(help="Publish time (ISO 8601, UTC if no offset); before it: embargo."),
    ] = None,
    scored: Annotated[bool, typer.Option(help="Values are already scores.")] = False,
    citation: Annotated[str, typer.Option(help="Suggested citation.")] = "",
    changelog: Annotated[str, typer.Option(help="What changed in this version.")] = "",
    licence: Annotated[str, typer.Option(help="Licence (default: the framework's).")] = "",
    corrects: Annotated[
        str | None,
        typer.Option(help="The earlier version this release corrects (say what in --changelog)."),
    ] = None,
    robustness: Annotated[
        bool,
        typer.Option(
            help="Also publish the audit, and the uncertainty and sensitivity analyses "
            "of the framework's uncertainty: section."
        ),
    ] = False,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    column_prefix: Annotated[
        str, typer.Option(help="Prefix to strip from column names (e.g. AvgS_).")
    ] = "",
    ignore_extra_columns: Annotated[bool, typer.Option(help="Skip other columns.")] = False,
    single_period: SinglePeriod = None,
) -> None:
    """Build (with the framework's pipeline, if any) or score, then freeze everything into an
    immutable release with a checksum."""
    import dataclasses
    import datetime as dt

    opts = _read_options(unit_column, period_column, ignore_extra_columns, single_period)
    opts = dataclasses.replace(opts, column_prefix=column_prefix)
    try:
        when = dt.datetime.fromisoformat(publish_at) if publish_at else dt.datetime.now(dt.UTC)
    except ValueError as exc:
        typer.echo(f"--publish-at: not an ISO 8601 time: {publish_at!r}", err=True)
        raise typer.Exit(1) from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        with _progress(robustness) as bar:
            if robustness:
                bar.add_task("Building, auditing and evaluating robustness", total=None)
            results = api.release_results(
                framework, data, scored=scored, robustness=robustness, options=opts
            )
    except (FrameworkError, DataError, BuildError, UncertaintyError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    _django()
    from django.db import IntegrityError

    from polindex.web.releases.freeze import create_release
    from polindex.web.releases.models import Release

    corrected = None
    if corrects is not None:
        corrected = Release.objects.filter(
            index__code=results.framework.code, version=corrects
        ).first()
        if corrected is None:
            typer.echo(f"--corrects: {results.framework.code} has no release {corrects}", err=True)
            raise typer.Exit(1)
        if not changelog:
            typer.echo("--corrects needs a --changelog saying what was corrected", err=True)
            raise typer.Exit(1)
    try:
        release = create_release(
            results,
            version=version,
            publish_at=when,
            citation=citation,
            licence=licence,
            changelog=changelog,
            corrects=corrected,
        )
    except IntegrityError as exc:
        typer.echo(
            f"{results.framework.code} already has a release {version}; releases are immutable: "
            "publish a new version",
            err=True,
        )
        raise typer.Exit(1) from exc
    out.print(
        f"Release {release.index.code} {release.version}: {release.scores.count():,} scores, "
        f"publish at {release.publish_at.isoformat()}, checksum {release.checksum[:12]}…",
        markup=False,
        highlight=False,
    )


@app.command()
def bake(
    release: Annotated[str, typer.Argument(help="INDEX/VERSION, e.g. SYNTH/demo.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the static site.")],
) -> None:
    """Write the public explorer of a published release and a JSON mirror of its API as static
    files (for any static host or CDN)."""
    _django()
    from polindex.web.releases.bake import bake as bake_release
    from polindex.web.releases.models import Release

    index, _, version = release.partition("/")
    try:
        found = Release.objects.get(index__code=index, version=version)
        written = bake_release(found, output)
    except Release.DoesNotExist as exc:
        typer.echo(f"no release {release!r} (give INDEX/VERSION)", err=True)
        raise typer.Exit(1) from exc
    except LookupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    out.print(f"Baked {len(written)} files into {output}", markup=False, highlight=False)


def _port_taken(host: str, port: int) -> bool:
    """Whether a server already listens on ``host:port`` (bound as runserver binds)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _check_port(host: str, port: int, retry: str) -> None:
    """Stop with a message saying so, and a free port to use instead, when ``port`` is taken;
    ``retry`` is the command to suggest, with ``{port}`` for the free port."""
    if not _port_taken(host, port):
        return
    free = next((p for p in range(port + 1, port + 50) if not _port_taken(host, p)), None)
    hint = f" Use another port: {retry.format(port=free)}" if free is not None else ""
    typer.echo(
        f"Port {port} on {host} is already in use (another server, or an earlier demo, is "
        f"running there).{hint}",
        err=True,
    )
    raise typer.Exit(1)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Start the explorer and API (development server; use a WSGI server in production)."""
    _check_port(host, port, "polindex serve --port {port}")
    if host in ("127.0.0.1", "localhost", "::1"):
        os.environ.setdefault("POLINDEX_LOCAL_HTTP", "1")  # sign-in cookies over plain HTTP
    # links in e-mails (printed on the console in the demo) point at this server
    os.environ.setdefault("POLINDEX_BASE_URL", f"http://{_address(host, port)}")
    _django()
    from django.core.management import call_command

    call_command("runserver", f"{host}:{port}", use_reloader=False)


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _repo_examples() -> Path:
    return Path(__file__).resolve().parents[2] / "examples"


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's files.")] = Path(
        "var/demo"
    ),
    publish: Annotated[
        bool, typer.Option(help="Publish the demo (and the examples with data) as releases.")
    ] = False,
    serve_site: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Then serve the explorer and API.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000,
) -> None:
    """Score the synthetic demonstration index (and IMPIC when POLINDEX_DATA_DIR has it);
    with --publish and --serve, publish them as releases and serve the explorer."""
    from polindex.demo import FRAMEWORK_PATH, synthetic_data

    if serve_site:  # before the work, not after it
        _check_port("127.0.0.1", port, "make demo PORT={port} (or polindex demo --port {port})")
    os.environ.setdefault("POLINDEX_LOCAL_HTTP", "1")  # the demo serves plain HTTP on 127.0.0.1
    published: list[tuple[Results, str, bool]] = []
    try:
        _demo_scores(out_dir, FRAMEWORK_PATH, synthetic_data, published)
    finally:
        if publish and published:
            _publish_demo(published)
    if publish:
        _seed_workspace(port)
    if serve_site:
        out.print(f"Serving the explorer at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        serve(port=port, host="127.0.0.1")


def _publish_demo(published: list[tuple[Results, str, bool]]) -> None:
    """Each result as a release (skipped when that version exists already)."""
    import datetime as dt

    _django()
    from polindex.web.releases.freeze import create_release
    from polindex.web.releases.models import Release

    now = dt.datetime.now(dt.UTC)
    for results, version, synthetic in published:
        code = results.framework.code
        if Release.objects.filter(index__code=code, version=version).exists():
            out.print(f"Release {code} {version}: already published", markup=False)
            continue
        create_release(results, version=version, publish_at=now, synthetic=synthetic)
        out.print(f"Published {code} {version}", markup=False, highlight=False)


def _seed_workspace(port: int) -> None:
    """The data-collection workspace: an open demo edition and an account per role."""
    questionnaire = _repo_examples() / "mipex-style" / "framework.yaml"
    if not questionnaire.exists():
        out.print(f"Workspace: {questionnaire} not found (run from a source checkout).")
        return
    _django()
    from polindex.web.collection.demo import PASSWORD, seed

    accounts = seed(questionnaire)
    table = Table(
        title="Workspace demo accounts (password for all: " + PASSWORD + ")",
        title_justify="left",
    )
    for col in ("User", "Role", "Country / area"):
        table.add_column(col)
    for name, role, scope in accounts:
        table.add_row(name, role, scope)
    out.print(table)
    out.print(
        f"Sign in at http://127.0.0.1:{port}/accounts/login/ — the expert workspace is at /work/, "
        "the central team's admin at /admin/. The questionnaire is a demonstration, not the "
        "official MIPEX; BE's pre-filled answers are synthetic.",
        markup=False,
    )


def _demo_scores(
    out_dir: Path, framework_path: Path, synthetic_data: Any, published: list[Any]
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    data_path = out_dir / "synthetic-data.csv"
    synthetic_data().to_csv(data_path, index=False)
    out.print(
        "[bold yellow]SYNTHETIC DATA[/bold yellow]: invented countries and answers, "
        "generated by Polindex for demonstration only."
    )
    results = _score(framework_path, data_path, ReadOptions(), False, show_progress=False)
    published.append((results, "demo", True))
    _print_ranking(results, None, None, top=50)
    for suffix in (".csv", ".xlsx", ".json"):
        write_results(results, out_dir / f"synthetic-results{suffix}")
    out.print(f"Full results: {out_dir}/synthetic-results.{{csv,xlsx,json}}", markup=False)

    data_dir = os.environ.get("POLINDEX_DATA_DIR")
    impic_data = Path(data_dir) / "impic" / "impic2016.csv" if data_dir else None
    impic_fw = _repo_examples() / "impic" / "framework.yaml"
    if impic_data is None or not impic_data.exists():
        out.print(
            "IMPIC: set POLINDEX_DATA_DIR to a folder holding impic/impic2016.csv to see the "
            "IMPIC 2010 ranking too (see examples/impic/README.md).",
            markup=False,
        )
        return
    if not impic_fw.exists():
        out.print(f"IMPIC: framework {impic_fw} not found (run from a source checkout).")
        return
    options = ReadOptions(
        unit_column="cntry", period_column="year", column_prefix="AvgS_", extra_columns="ignore"
    )
    impic = _score(impic_fw, impic_data, options, False, show_progress=False)
    published.append((impic, "2016", False))
    _print_ranking(impic, "2010", None, top=50)
    write_results(impic, out_dir / "impic-results.csv")
    out.print(
        f"IMPIC: 0 = most open, 1 = most restrictive; full results: {out_dir}/impic-results.csv",
        markup=False,
    )
    asem_data = Path(data_dir) / "asem" / "asem_iData.csv" if data_dir else None
    asem_fw = _repo_examples() / "asem" / "framework.yaml"
    if asem_data is not None and asem_data.exists() and asem_fw.exists():
        asem_options = ReadOptions(
            unit_column="uCode", period_column="Time", extra_columns="ignore"
        )
        asem = api.release_results(asem_fw, asem_data, robustness=True, options=asem_options)
        published.append((asem, "2018", False))
        out.print(
            "ASEM: built with COINr's full example pipeline, with its audit, uncertainty and "
            "sensitivity analyses.",
            markup=False,
        )
