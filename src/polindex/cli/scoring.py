"""Verbs that compute an index: ``score``, ``build`` and ``import-coinr``."""

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from polindex.cli.common import (
    LARGE_INPUT_BYTES,
    RESULT_SUFFIXES,
    ColumnPrefix,
    FrameworkArg,
    IgnoreExtra,
    Lang,
    PeriodColumn,
    PipelineOpt,
    SinglePeriod,
    Top,
    UnitColumn,
    consoles,
    fail,
    load,
    progress,
    read_options,
    say,
    setting_up,
    user_errors,
    write_or_fail,
)

if TYPE_CHECKING:
    from polindex.engine.results import Results
    from polindex.framework.definition import IndexDefinition
    from polindex.io.tables import ReadOptions


def score_with_progress(
    definition: "IndexDefinition", data: Path, options: "ReadOptions", scored: bool, shown: bool
) -> "Results":
    """Score ``data`` with a progress display (when ``shown``); problems end the command."""
    with setting_up():
        from polindex import api

    with progress(shown) as bar:
        task = bar.add_task(f"Reading {data.name}", total=3)
        started: list[str] = []

        def step(description: str) -> None:  # a step starts: the previous one is done
            bar.update(task, completed=len(started), description=description)
            started.append(description)

        try:
            with user_errors():
                return api.score(definition, data, scored=scored, options=options, on_step=step)
        finally:
            bar.stop()
    raise AssertionError("unreachable")  # pragma: no cover


def print_ranking(results: "Results", period: str | None, lang: str | None, top: int) -> None:
    """The ranking of the index in ``period`` (default: the latest) as a table."""
    import pandas as pd
    from rich.table import Table

    fw = results.framework
    p = period if period is not None else results.latest_period
    try:
        ranking = results.ranking(period=p, lang=lang)
    except KeyError as exc:
        fail(str(exc.args[0]))
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
    digits = fw.decimals
    units = results.unit_table
    for rec in ranking.head(top).to_dict(orient="records"):
        rank, value = rec["rank"], float(rec["score"])
        code = str(rec["unit"])
        name = units.name(code, lang)
        cells = [
            "–" if rank is None or rank is pd.NA else str(rank),
            name if name == code else f"{name} ({code})",
            "missing" if math.isnan(value) else f"{value:.{digits}f}",
        ]
        if has_bands:
            cells.append(str(rec["band"]))
        if has_change:
            change = float(rec["change"])
            text = "" if math.isnan(change) else f"{change:+.{digits}f}"
            cells.append(text[1:] if text[1:] == f"{0:.{digits}f}" else text)  # no "-0.000"
        table.add_row(*cells)
    consoles.out.print(table)


def print_build_log(results: "Results") -> None:
    """What the build decided: imputations, screening, outlier treatment."""
    log = results.log
    if log.impute is not None:
        say(f"Imputed {log.impute.imputed} values ({log.impute.still_missing} still missing)")
    if log.screen is not None:
        removed = log.screen.removed
        say(
            f"Screened out {len(removed)} unit(s): {', '.join(removed)}"
            if removed
            else "Screening kept every unit"
        )
    if log.treat is not None:
        by_status: dict[str, list[str]] = {}
        for e in log.treat:
            by_status.setdefault(e.status, []).append(e.indicator)
        if not by_status:
            say("Outlier treatment: every indicator passed")
        for status, codes in by_status.items():
            say(f"Outlier treatment, {status}: {len(codes)} ({', '.join(codes)})")


def score(
    framework: FrameworkArg,
    data: Annotated[Path, typer.Argument(help="Indicator values: CSV or XLSX, long or wide.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=f"Write every score here ({', '.join(RESULT_SUFFIXES)})."
        ),
    ] = None,
    scored: Annotated[
        bool, typer.Option(help="Values are already scores on the index scale.")
    ] = False,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    column_prefix: ColumnPrefix = "",
    ignore_extra_columns: IgnoreExtra = False,
    single_period: SinglePeriod = None,
    period: Annotated[
        str | None, typer.Option(help="Period to rank (default: the latest).")
    ] = None,
    top: Top = 20,
    lang: Lang = None,
) -> None:
    """Score every node for every unit and period; print the ranking, write all results.

    DATA is long (unit, period, indicator, value; categorical values are
    option codes) or wide (one row per unit and period, one column per indicator). Any bad
    value is reported with its file, row and column, and nothing is computed.
    """
    options = read_options(
        unit_column, period_column, ignore_extra_columns, single_period, column_prefix
    )
    big = data.exists() and data.stat().st_size > LARGE_INPUT_BYTES
    results = score_with_progress(load(framework), data, options, scored, shown=big)
    print_ranking(results, period, lang, top)
    if output is not None:
        from polindex.io.writers import write_results

        write_or_fail(lambda: write_results(results, output), output)
        say(f"Wrote {len(results.table()):,} scores to {output}")


def build(
    framework: Annotated[
        Path, typer.Argument(help="Framework YAML file (with a pipeline: section).")
    ],
    data: Annotated[Path, typer.Argument(help="Raw data: CSV or XLSX, long or wide.")],
    pipeline: PipelineOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="An .xlsx file (a sheet per stage) or a folder of CSVs."
        ),
    ] = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    ignore_extra_columns: IgnoreExtra = False,
    single_period: SinglePeriod = None,
    top: Top = 20,
    lang: Lang = None,
) -> None:
    """Run the construction pipeline (denominate, impute, screen, treat, normalise, weight,
    aggregate), print the ranking and write every data set plus the log of screening,
    imputation and treatment decisions.
    """
    with setting_up():
        from polindex import api

    options = read_options(unit_column, period_column, ignore_extra_columns, single_period)
    with user_errors():
        results = api.build(load(framework), data, pipeline=pipeline, options=options)
    print_build_log(results)
    print_ranking(results, None, lang, top)
    if output is not None:
        from polindex.io.writers import write_stages

        write_or_fail(lambda: write_stages(results, output), output)
        stages = ", ".join(k for k in results.stages if k != "scored")
        say(f"Wrote {stages} and the log to {output}")


def import_coinr(
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
    from polindex.io.coinr import PipelineChoices
    from polindex.io.coinr import import_coinr as run_import

    choices = PipelineChoices(
        impute=None if impute in (None, "none") else impute,
        impute_group=impute_group,
        screen_availability=screen,
        winmax=None if winmax is not None and winmax < 0 else winmax,
    )
    names = [n.strip() for n in level_names.split(",")] if level_names else None
    from polindex.framework.definition import load_index

    with user_errors():
        imported = run_import(idata, imeta, level_names=names, choices=choices)
        load_index(imported.framework, name="the imported framework")  # it must load
        paths = imported.write(output)
    for note in imported.notes:
        say(f"Note: {note}")
    for what, path in paths.items():
        say(f"Wrote {what}: {path}")


def register(app: typer.Typer) -> None:
    """Add this module's verbs to ``app``."""
    app.command()(score)
    app.command()(build)
    app.command("import-coinr")(import_coinr)
