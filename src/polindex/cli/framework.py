"""Verbs about the index definition: ``validate`` and ``show``."""

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from polindex.cli.common import (
    ColumnPrefix,
    FrameworkArg,
    IgnoreExtra,
    Lang,
    PeriodColumn,
    SinglePeriod,
    UnitColumn,
    consoles,
    esc,
    load,
    read_options,
    say,
)

if TYPE_CHECKING:
    from polindex.engine.results import Results
    from polindex.framework.models import Framework, Indicator, Node


def validate(
    files: Annotated[list[Path], typer.Argument(help="Framework YAML file(s) to check.")],
    data: Annotated[
        Path | None,
        typer.Option(help="Also score these data with the framework, and note its units."),
    ] = None,
    unit_column: UnitColumn = "unit",
    period_column: PeriodColumn = "period",
    column_prefix: ColumnPrefix = "",
    ignore_extra_columns: IgnoreExtra = False,
    single_period: SinglePeriod = None,
) -> None:
    """Check framework files and list every problem with its YAML path and line.

    With --data, the data are scored with the (one) framework too, and each unit named by its
    code alone (neither declared under units: nor an ISO 3166 country code) gets a note.
    Exits with status 1 if any file has a problem.
    """
    from polindex.cli.scoring import score_with_progress
    from polindex.framework.definition import load_index
    from polindex.framework.problems import FrameworkError

    failed = False
    for path in files:
        try:
            definition = load_index(path)
        except FrameworkError as exc:
            failed = True
            typer.echo(str(exc), err=True)
            continue
        fw = definition.framework
        extra = "".join(
            f", {part}"
            for part, present in (
                ("a pipeline", definition.pipeline is not None),
                ("an uncertainty design", definition.uncertainty is not None),
            )
            if present
        )
        say(
            f"{path}: ok — {fw.code} {fw.version}, {len(fw.nodes)} groups, "
            f"{len(fw.indicators)} indicators{extra}"
        )
        note_translations(fw)
        if data is not None:
            options = read_options(
                unit_column, period_column, ignore_extra_columns, single_period, column_prefix
            )
            note_units(score_with_progress(definition, data, options, False, shown=False), data)
    if failed:
        raise typer.Exit(1)


def note_translations(fw: "Framework") -> None:
    """Note, per language of the index, the texts written without it (shown in the default
    language on its pages): a note, not a problem — the file stays valid."""
    from polindex.framework.checks import untranslated

    for lang, paths in untranslated(fw).items():
        first = ", ".join(paths[:5]) + (", …" if len(paths) > 5 else "")
        say(
            f"note: {len(paths)} text{'s' * (len(paths) != 1)} without a {lang!r} version "
            f"(shown in {fw.default_language!r} instead): {first}"
        )


def note_units(results: "Results", data: Path) -> None:
    """Say how many units the data hold, and note those named by their code alone."""
    table = results.unit_table
    kinds = Counter(u.kind for u in table.units.values())
    listed = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    say(f"{data}: ok — {len(table)} units ({listed})")
    for code in table.unresolved:
        say(
            f"note: unit {code!r} is neither declared under units: nor an ISO 3166 country "
            "code; it is shown as its code, kind other (declare its name and kind to change it)"
        )


def node_text(fw: "Framework", item: "Node | Indicator", lang: str | None) -> str:
    """One line of ``show``'s tree (Rich markup)."""
    from polindex.framework.models import Indicator

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
        return f"[cyan]{item.code}[/cyan] {esc(label)}{weight} [dim]({kind}){esc(rule)}[/dim]"
    extra = f" [dim]{item.aggregation}"
    extra += f", coverage ≥ {item.min_coverage:.0%}" if item.min_coverage else ""
    return f"[bold]{item.code}[/bold] {esc(label)}{weight}{extra} · {item.level}[/dim]"


def show(
    framework: FrameworkArg,
    lang: Lang = None,
    depth: Annotated[
        int | None, typer.Option(help="Show only this many levels below the index.")
    ] = None,
) -> None:
    """Show a framework as a tree: groups, indicators, answer scores, weights and rules."""
    from rich.tree import Tree

    from polindex.framework.models import Node

    fw = load(framework).framework
    title = f"[bold]{esc(fw.label(fw.root, lang))}[/bold] ({fw.code} {fw.version}) · scale "
    title += f"{fw.scale.min:g}–{fw.scale.max:g}, {fw.polarity.replace('_', ' ')}"
    tree = Tree(title)

    def add(branch: Tree, node: "Node", level: int) -> None:
        if depth is not None and level >= depth:
            return
        for child in node.children:
            sub = branch.add(node_text(fw, child, lang))
            if isinstance(child, Node):
                add(sub, child, level + 1)

    add(tree, fw.root, 0)
    consoles.out.print(tree)
    if fw.bands:
        bands = ", ".join(
            f"{fw.label(b, lang)} ≥ {b.min:g}" for b in sorted(fw.bands, key=lambda b: -b.min)
        )
        say(f"Bands: {bands}")


def register(app: typer.Typer) -> None:
    """Add this module's verbs to ``app``."""
    app.command()(validate)
    app.command()(show)
