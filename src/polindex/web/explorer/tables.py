"""Rankings as tables a visitor sorts and filters: each country's score on a node, its rank,
band, change since a baseline period, and its scores on further nodes (the areas) as columns.

The sorting and the group come from the URL (:mod:`.state`); missing values always sort last,
whichever the direction, and ties keep the order of names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from polindex.framework.units import fold
from polindex.web.explorer.display import Line, Reading, Section
from polindex.web.explorer.state import ASCENDING, DESCENDING, Sorting

FIXED = ("rank", "name", "score", "band", "change")
"""The sort keys every ranking has; the other columns sort by their node's code."""


@dataclass(frozen=True)
class Column:
    """A column a table can be sorted by: its URL key, its heading, and which direction shows
    the best first when it is clicked."""

    key: str
    label: str
    numeric: bool = True
    best_first: str = ASCENDING
    node: str = ""
    """For a node's column (an area), the node's code (its page)."""


@dataclass(frozen=True)
class Row:
    """One unit's line of a ranking: the :class:`~.display.Line` (name, score, rank, band),
    its change since the baseline, whether that is an improvement, and its further cells."""

    line: Line
    change: float | None
    better: bool | None
    cells: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class Ranking:
    """A sorted, filtered ranking: the ranked countries and the units shown apart."""

    columns: list[Column]
    extra: list[Column]
    rows: list[Row]
    apart: list[tuple[Section, list[Row]]]
    sorting: Sorting
    baseline: str | None
    group: str = ""
    notices: list[str] = field(default_factory=list)

    def headers(self) -> list[dict[str, Any]]:
        """Each sortable column as a header: its key, label, the order a click asks for, and
        its ``aria-sort``."""
        return [
            {
                "column": c,
                "order": self.sorting.next_order(c.key, c.best_first),
                "aria": self.sorting.aria(c.key),
                "arrow": "▼" if self.sorting.aria(c.key) == "descending" else "▲",
            }
            for c in self.columns
        ]


def improved(framework: Any, change: float | None, decimals: int) -> bool | None:
    """Whether ``change`` is an improvement as shown with ``decimals`` decimals (the index's
    polarity decides; ``None`` for no change, or one that rounds to zero).

    Examples
    --------
    >>> from polindex.framework.models import Framework, Node
    >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T"),
    ...                polarity="lower_is_better")
    >>> improved(fw, -0.05, 2), improved(fw, 0.004, 2), improved(fw, None, 2)
    (True, None, None)
    """
    if change is None or round(change, decimals) == 0:
        return None
    return framework.better(change)


def columns(reading: Reading, extra: Sequence[tuple[str, str]], baseline: str | None
            ) -> tuple[list[Column], list[Column]]:  # fmt: skip
    """The sortable columns: rank, name, score, band (when the index has bands), change since
    ``baseline`` (when there is one), then a column per ``extra`` node (code, label)."""
    best = DESCENDING if reading.framework.higher_is_better else ASCENDING
    fixed = [
        Column("rank", _("Rank")),
        Column("name", _("Country"), numeric=False),
        Column("score", _("Score"), best_first=best),
    ]
    if reading.has_bands:  # a band is a range of scores: by band is by score, best band first
        fixed.append(Column("band", _("Band"), best_first=best, numeric=False))
    if baseline is not None:
        fixed.append(
            Column("change", _("Change since %(period)s") % {"period": baseline}, best_first=best)
        )
    more = [Column(code, label, best_first=best, node=code) for code, label in extra]
    return fixed + more, more


def _value(row: Row, key: str, extra: dict[str, int]) -> Any:
    if key == "rank":
        return row.line.rank
    if key == "name":
        return fold(row.line.name)
    if key in ("score", "band"):
        return row.line.score
    if key == "change":
        return row.change
    return row.cells[extra[key]]


def sort_rows(rows: Iterable[Row], sorting: Sorting, extra: Sequence[Column] = ()) -> list[Row]:
    """``rows`` sorted by ``sorting``: missing values last in either direction, ties by name.

    Examples
    --------
    >>> from polindex.web.explorer.display import Line
    >>> def row(name, score):
    ...     return Row(Line(name, name, score, None, "", "", "country", None), None, None)
    >>> rows = [row("b", 0.3), row("a", None), row("c", 0.3), row("d", 0.9)]
    >>> [r.line.name for r in sort_rows(rows, Sorting("score", descending=True))]
    ['d', 'b', 'c', 'a']
    >>> [r.line.name for r in sort_rows(rows, Sorting("score"))]
    ['b', 'c', 'd', 'a']
    """
    index = {c.key: k for k, c in enumerate(extra)}
    by_name = sorted(rows, key=lambda r: fold(r.line.name))
    present = [r for r in by_name if _value(r, sorting.key, index) is not None]
    missing = [r for r in by_name if _value(r, sorting.key, index) is None]
    present.sort(key=lambda r: _value(r, sorting.key, index), reverse=sorting.descending)
    return present + missing


def ranking(
    reading: Reading,
    node: str,
    period: str,
    scores: Iterable[Any],
    *,
    baseline: str | None = None,
    extra: Sequence[tuple[str, str]] = (),
    group: str = "",
    sorting: Sorting | None = None,
) -> Ranking:
    """The ranking on ``node`` in ``period`` from score rows (``unit``, ``period``, ``node``,
    ``score``, ``rank``, ``band``) of ``period`` and ``baseline`` for ``node`` and the
    ``extra`` nodes; only the units of ``group`` when one is given.

    The ranks are the release's (each country's among all countries), whatever is shown.
    """
    sorting = sorting or Sorting("rank")
    now: list[Any] = []
    before: dict[str, float | None] = {}
    cells: dict[tuple[str, str], float | None] = {}
    for s in scores:
        if s.period == period and s.node == node:
            now.append(s)
        elif s.period == period:
            cells[(s.unit, s.node)] = s.score
        elif s.period == baseline and s.node == node:
            before[s.unit] = s.score
    now.sort(key=lambda s: (s.rank is None, s.rank or 0, s.unit))
    if group:
        now = [s for s in now if group in reading.units[s.unit].groups]
    fw = reading.framework
    all_columns, more = columns(reading, extra, baseline)

    def row(line: Line) -> Row:
        old = before.get(line.unit)
        change = line.score - old if line.score is not None and old is not None else None
        return Row(
            line,
            change,
            improved(fw, change, reading.decimals),
            tuple(cells.get((line.unit, code)) for code, _label in extra),
        )

    ranked, sections = reading.ranking(now)
    return Ranking(
        columns=all_columns,
        extra=more,
        rows=sort_rows([row(line) for line in ranked], sorting, more),
        apart=[(s, sort_rows([row(line) for line in s.lines], sorting, more)) for s in sections],
        sorting=sorting,
        baseline=baseline,
        group=group,
    )
