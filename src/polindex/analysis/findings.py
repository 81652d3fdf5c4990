"""Key findings, drafted: a short, factual Markdown text about one period of an index — who leads
and who trails, who moved most since the period before and through which areas, each area's
average and spread, and where groups of units (the EU and the others, say) differ.

It is a draft for the central team to check and rewrite (the release's page shows their words,
not these): every sentence is a number read from the scores, in the index's polarity ("best"
is the lowest score where lower is better), with the index's decimals and the units' and
nodes' names in one language. Only the units ranked among the countries are compared (an EU
level is never a leader); the movers are those with a score in both periods.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from polindex.engine.dataset import Period
from polindex.engine.results import Results
from polindex.errors import PolindexError
from polindex.framework.models import Framework
from polindex.framework.units import PEERS, UnitTable


class FindingsError(PolindexError):
    """Key findings that cannot be drafted (no scores, an unknown period); every problem is
    listed."""

    problems: list[str]

    def headline(self) -> str:
        return "cannot draft the key findings:"


@dataclass(frozen=True)
class _Reader:
    """Names and numbers as the draft writes them."""

    framework: Framework
    units: UnitTable
    lang: str | None

    def number(self, value: float) -> str:
        return f"{value:.{self.framework.decimals}f}"

    def signed(self, value: float) -> str:
        text = self.number(abs(value))
        return text if float(text) == 0 else ("+" if value > 0 else "−") + text

    def unit(self, code: str) -> str:
        return self.units.name(code, self.lang)

    def node(self, code: str) -> str:
        return self.framework.labels(self.lang).get(code, code)

    def listing(self, names: Iterable[str]) -> str:
        items = list(names)
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def findings(results: Results, *, lang: str | None = None, period: Period | None = None) -> str:
    """The key findings of ``results`` in ``period`` (default: the latest) as a Markdown draft
    (see :func:`draft_findings`).

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "levels": ["area"], "areas": [
    ...     {"code": "A", "label": "Access", "indicators": [{"code": "a", "type": "numeric"}]},
    ...     {"code": "B", "label": "Rights", "indicators": [{"code": "b", "type": "numeric"}]}]})
    >>> res = polindex.score(fw, [("de", 2023, "a", 40), ("de", 2023, "b", 40),
    ...     ("fr", 2023, "a", 60), ("fr", 2023, "b", 60), ("de", 2024, "a", 80),
    ...     ("de", 2024, "b", 60), ("fr", 2024, "a", 60), ("fr", 2024, "b", 50)])
    >>> print(findings(res))  # doctest: +NORMALIZE_WHITESPACE
    *A draft written by Polindex from the scores: check every sentence and rewrite it in your
    own words before publishing.*
    <BLANKLINE>
    ### Leaders and laggards
    <BLANKLINE>
    * In 2024, **Germany** scores best on T (70.0), **France** lowest (55.0); 2 countries,
      mean 62.5, from 55.0 to 70.0.
    <BLANKLINE>
    ### Biggest movers since 2023
    <BLANKLINE>
    * **Germany** improved by +30.0 (40.0 → 70.0, rank 2 → 1): by area Access +40.0,
      Rights +20.0; 2 indicators changed.
    * **France** fell back by −5.0 (60.0 → 55.0, rank 1 → 2): by area Rights −10.0;
      1 indicator changed.
    <BLANKLINE>
    ### Areas
    <BLANKLINE>
    * **Access**: mean 70.0, from 60.0 (France) to 80.0 (Germany); standard deviation 10.0.
    * **Rights**: mean 55.0, from 50.0 (France) to 60.0 (Germany); standard deviation 5.0.
    """
    return draft_findings(
        results.table(), results.framework, results.unit_table, lang=lang, period=period
    )


def draft_findings(
    scores: pd.DataFrame,
    framework: Framework,
    units: UnitTable,
    *,
    lang: str | None = None,
    period: Period | None = None,
    top: int = 3,
) -> str:
    """A Markdown draft of the key findings of ``period`` (default: the latest) from a tidy
    table of ``scores`` (columns ``unit``, ``period``, ``node``, ``score``, ``rank``: a
    release's scores or :meth:`Results.table`): leaders and laggards, the ``top`` biggest
    movers up and down since the period before (with the areas that moved them and how many
    indicators changed), each area's mean, range and standard deviation, and where the
    ``units``' groups differ from the other countries. Names in ``lang``; sentences in
    English. Raises :class:`FindingsError` when there is nothing to write about.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T",
    ...     "indicators": [{"code": "q", "type": "numeric"}]})
    >>> res = polindex.score(fw, [("de", 2024, "q", 70), ("at", 2024, "q", 50)])
    >>> print(draft_findings(res.table(), fw, res.unit_table).splitlines()[4])
    ... # doctest: +NORMALIZE_WHITESPACE
    * In 2024, **Germany** scores best on T (70.0), **Austria** lowest (50.0); 2 countries,
      mean 60.0, from 50.0 to 70.0.
    """
    table = scores.assign(period=scores["period"].astype(str), unit=scores["unit"].astype(str),
                          node=scores["node"].astype(str))  # fmt: skip
    periods = _periods(table)
    if not periods:
        raise FindingsError(["there are no scores"])
    at = periods[-1] if period is None else str(period)
    if at not in periods:
        raise FindingsError([f"no period {at!r}; periods are {periods}"])
    read = _Reader(framework, units, lang)
    ranked = {u for u in table["unit"].unique() if PEERS[units[u].kind] == 0}
    table = table[table["unit"].isin(ranked) & table["score"].notna()]
    now = table[table["period"] == at]
    root = framework.root.code
    index = _by_unit(now, root)
    if not index:
        raise FindingsError([f"no country has a score on {root} in {at}"])
    parts: list[str | None] = [
        "*A draft written by Polindex from the scores: check every sentence and rewrite it in "
        "your own words before publishing.*",
        "",
        "### Leaders and laggards",
        "",
        _leaders(read, index, at, top),
    ]
    before = periods[periods.index(at) - 1] if periods.index(at) > 0 else None
    if before is not None:
        parts += [
            "",
            f"### Biggest movers since {before}",
            "",
            *_movers(read, table, before, at, top),
        ]
    areas = [child.code for child in framework.root.children]
    if areas:
        parts += ["", "### Areas", "", *(_area(read, _by_unit(now, a), a) for a in areas)]
    groups = _groups(read, now, [root, *areas])
    if groups:
        parts += ["", "### Groups", "", *groups]
    return "\n".join(p for p in parts if p is not None)


def _periods(table: pd.DataFrame) -> list[str]:
    """The periods in order (numerically when they are years)."""
    found = table["period"].unique().tolist()
    return sorted(found, key=lambda p: (0, float(p), p) if _numeric(p) else (1, 0.0, p))


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _by_unit(table: pd.DataFrame, node: str) -> dict[str, float]:
    rows = table[table["node"] == node]
    return {str(u): float(s) for u, s in zip(rows["unit"], rows["score"], strict=True)}


def _ordered(read: _Reader, scores: dict[str, float]) -> list[str]:
    """Units best first (ties by name)."""
    sign = -1 if read.framework.higher_is_better else 1
    return sorted(scores, key=lambda u: (sign * scores[u], read.unit(u)))


def _leaders(read: _Reader, index: dict[str, float], period: str, top: int) -> str:
    order = _ordered(read, index)
    values = list(index.values())
    mean = sum(values) / len(values)
    best, worst = order[0], order[-1]
    n = len(order)
    text = (
        f"* In {period}, {_tied(read, index, best)} scores best on "
        f"{read.node(read.framework.root.code)} ({read.number(index[best])})"
    )
    if read.number(index[worst]) != read.number(index[best]):
        text += f", {_tied(read, index, worst)} lowest ({read.number(index[worst])})"
    lo, hi = min(values), max(values)
    text += (
        f"; {n} {'country' if n == 1 else 'countries'}, mean {read.number(mean)}, "
        f"from {read.number(lo)} to {read.number(hi)}."
    )
    if n >= 2 * top + 2:
        leaders = ", ".join(f"{read.unit(u)} ({read.number(index[u])})" for u in order[:top])
        laggards = ", ".join(f"{read.unit(u)} ({read.number(index[u])})" for u in order[-top:])
        text += f"\n* The first {top}: {leaders}. The last {top}: {laggards}."
    return text


def _tied(read: _Reader, scores: dict[str, float], unit: str, bold: bool = True) -> str:
    """``unit``'s name and those of the units whose score reads the same ("**Austria** and
    **United States**"), by name."""
    shown = read.number(scores[unit])
    names = sorted(read.unit(u) for u in scores if read.number(scores[u]) == shown)
    return read.listing(f"**{n}**" if bold else n for n in names)


def _movers(read: _Reader, table: pd.DataFrame, before: str, at: str, top: int) -> list[str]:
    fw = read.framework
    root = fw.root.code
    start, end = (
        _by_unit(table[table["period"] == before], root),
        _by_unit(table[table["period"] == at], root),
    )
    change = {u: end[u] - start[u] for u in end if u in start}
    moved = {u: c for u, c in change.items() if float(read.number(abs(c))) > 0}
    if not moved:
        return [f"* No country's score on {read.node(root)} changed since {before}."]
    ranks = {
        (str(p), str(u)): r
        for p, u, r in table[table["node"] == root][["period", "unit", "rank"]].itertuples(
            index=False
        )
    }
    up = sorted((u for u in moved if fw.better(moved[u])), key=lambda u: -abs(moved[u]))
    down = sorted((u for u in moved if not fw.better(moved[u])), key=lambda u: -abs(moved[u]))
    lines = []
    for units, verb in ((up[:top], "improved"), (down[:top], "fell back")):
        for u in units:
            rank_text = ""
            r0, r1 = ranks.get((before, u)), ranks.get((at, u))
            if _known(r0) and _known(r1):
                rank_text = f", rank {int(r0)} → {int(r1)}"  # type: ignore[arg-type]
            causes = _causes(read, table, u, before, at)
            lines.append(
                f"* **{read.unit(u)}** {verb} by {read.signed(moved[u])} "
                f"({read.number(start[u])} → {read.number(end[u])}{rank_text}){causes}."
            )
    rest = len(moved) - len(up[:top]) - len(down[:top])
    steady = len(change) - len(moved)
    tail = []
    if rest:
        tail.append(f"{rest} other {'country' if rest == 1 else 'countries'} moved less")
    if steady:
        tail.append(f"{steady} did not move")
    if tail:
        lines.append("* " + "; ".join(tail).capitalize() + ".")
    return lines


def _known(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and math.isnan(value))
        and (value is not pd.NA)
    )


def _causes(read: _Reader, table: pd.DataFrame, unit: str, before: str, at: str) -> str:
    """ ": by area Access +40.0, Rights +20.0; 2 indicators changed" — how the scores of the
    areas that moved changed (largest first), and how many indicators' scores changed."""
    fw = read.framework
    mine = table[table["unit"] == unit]
    start = {str(n): float(s) for n, s in mine[mine["period"] == before][["node", "score"]].values}
    end = {str(n): float(s) for n, s in mine[mine["period"] == at][["node", "score"]].values}

    def moved(code: str) -> float | None:
        if code not in start or code not in end:
            return None
        c = end[code] - start[code]
        return c if float(read.number(abs(c))) > 0 else None

    areas = [(c.code, moved(c.code)) for c in fw.root.children]
    shown = sorted(((a, c) for a, c in areas if c is not None), key=lambda ac: -abs(ac[1]))
    text = ", ".join(f"{read.node(a)} {read.signed(c)}" for a, c in shown)
    text = f"by area {text}" if text else ""
    count = sum(1 for item in fw.indicators if moved(item.code) is not None)
    if count:
        changed = f"{count} indicator{'s' if count != 1 else ''} changed"
        text = f"{text}; {changed}" if text else changed
    return f": {text}" if text else ""


def _area(read: _Reader, scores: dict[str, float], code: str) -> str | None:
    if not scores:
        return None
    values = list(scores.values())
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    order = sorted(scores, key=lambda u: (scores[u], read.unit(u)))
    lo, hi = order[0], order[-1]
    return (
        f"* **{read.node(code)}**: mean {read.number(mean)}, from {read.number(scores[lo])} "
        f"({_tied(read, scores, lo, bold=False)}) to {read.number(scores[hi])} "
        f"({_tied(read, scores, hi, bold=False)}); standard deviation {read.number(sd)}."
    )


def _groups(read: _Reader, now: pd.DataFrame, nodes: list[str]) -> list[str]:
    """For each group of units: its mean on the index against the other countries', and the
    node where the gap is widest."""
    lines = []
    present = set(now["unit"])
    for group in read.framework.unit_groups:
        inside = {u for u in present if group in read.units[u].groups}
        outside = present - inside
        if len(inside) < 2 or len(outside) < 2:
            continue
        gaps = []
        for node in nodes:
            scores = _by_unit(now, node)
            a = [scores[u] for u in inside if u in scores]
            b = [scores[u] for u in outside if u in scores]
            if a and b:
                gaps.append((node, sum(a) / len(a), sum(b) / len(b)))
        if not gaps or gaps[0][0] != nodes[0]:
            continue
        _, mean_in, mean_out = gaps[0]
        name = read.units.group_name(group, read.lang)
        text = (
            f"* **{name}** ({len(inside)} countries): mean {read.number(mean_in)} on "
            f"{read.node(nodes[0])}, against {read.number(mean_out)} for the other "
            f"{len(outside)} ({read.signed(mean_in - mean_out)})"
        )
        areas = gaps[1:]
        if areas:
            widest, mean_a, mean_b = max(areas, key=lambda g: abs(g[1] - g[2]))
            text += (
                f"; the widest gap is in {read.node(widest)} ({read.number(mean_a)} against "
                f"{read.number(mean_b)})"
            )
        lines.append(text + ".")
    return lines


__all__ = ["FindingsError", "draft_findings", "findings"]
