"""Key findings, drafted: a short, factual Markdown text about one period of an index — who leads
and who trails, who moved most since the period before and through which areas, each area's
average and spread, and where groups of units (the EU and the others, say) differ.

It is a draft for the central team to check and rewrite (the release's page shows their words,
not these): every sentence is a number read from the scores, in the index's polarity ("best"
is the lowest score where lower is better), with the index's decimals and the units' and
nodes' names in one language. Only the units ranked among the countries are compared (an EU
level is never a leader); the movers are those with a score in both periods.

The sentences come from a small table of phrases per language (:data:`PHRASES`: English and
French; pass your own :class:`Phrases` for another language): plain ``str.format`` templates,
with the decimal separator and the plural forms the language needs, so the core drafts in any
language without gettext or Django.
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
class Phrases:
    """The sentences of a draft in one language: ``str.format`` templates with named fields,
    the word joining the last two items of a list, the decimal separator and the colon and
    semicolon as the language spaces them, and plural forms as (one, many) pairs.
    :data:`PHRASES` holds English and French.

    Examples
    --------
    >>> PHRASES["fr"].moved.format(unit="**Autriche**", verb=PHRASES["fr"].up,
    ...     change="+1,0", start="2,0", end="3,0", rank="", causes="")
    '* **Autriche** progresse de +1,0 (2,0 → 3,0).'
    """

    note: str
    leaders_title: str
    movers_title: str
    areas_title: str
    groups_title: str
    best: tuple[str, str]
    lowest: str
    spread: str
    countries: tuple[str, str]
    first_last: str
    no_mover: str
    rank: str
    moved: str
    up: str
    down: str
    moved_less: tuple[str, str]
    steady: tuple[str, str]
    by_area: str
    indicators: tuple[str, str]
    area: str
    group: str
    widest: str
    and_: str
    decimal: str = "."
    colon: str = ":"
    semicolon: str = ";"


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        note="*A draft written by Polindex from the scores: check every sentence and rewrite "
        "it in your own words before publishing.*",
        leaders_title="### Leaders and laggards",
        movers_title="### Biggest movers since {before}",
        areas_title="### Areas",
        groups_title="### Groups",
        best=(
            "* In {period}, {units} scores best on {index} ({score})",
            "* In {period}, {units} score best on {index} ({score})",
        ),
        lowest=", {units} lowest ({score})",
        spread="; {countries}, mean {mean}, from {low} to {high}.",
        countries=("{n} country", "{n} countries"),
        first_last="* The first {top}: {leaders}. The last {top}: {laggards}.",
        no_mover="* No country's score on {index} changed since {before}.",
        rank=", rank {before} → {now}",
        moved="* {unit} {verb} by {change} ({start} → {end}{rank}){causes}.",
        up="improved",
        down="fell back",
        moved_less=("{n} other country moved less", "{n} other countries moved less"),
        steady=("{n} did not move", "{n} did not move"),
        by_area="by area {areas}",
        indicators=("{n} indicator changed", "{n} indicators changed"),
        area="* **{area}**: mean {mean}, from {low} ({low_units}) to {high} ({high_units}); "
        "standard deviation {sd}.",
        group="* **{group}** ({n} countries): mean {inside} on {index}, against {outside} for "
        "the other {others} ({gap})",
        widest="; the widest gap is in {area} ({inside} against {outside})",
        and_=" and ",
    ),
    "fr": Phrases(
        note="*Un brouillon écrit par Polindex à partir des scores\u00a0: vérifiez chaque "
        "phrase et réécrivez-la avec vos propres mots avant de publier.*",
        leaders_title="### En tête et en queue",
        movers_title="### Plus fortes évolutions depuis {before}",
        areas_title="### Domaines",
        groups_title="### Groupes",
        best=(
            "* En {period}, {units} obtient le meilleur score sur {index} ({score})",
            "* En {period}, {units} obtiennent le meilleur score sur {index} ({score})",
        ),
        lowest=", {units} le plus faible ({score})",
        spread="\u202f; {countries}, moyenne {mean}, de {low} à {high}.",
        countries=("{n} pays", "{n} pays"),
        first_last="* Les {top} premiers\u00a0: {leaders}. Les {top} derniers\u00a0: {laggards}.",
        no_mover="* Le score d’aucun pays sur {index} n’a changé depuis {before}.",
        rank=", rang {before} → {now}",
        moved="* {unit} {verb} de {change} ({start} → {end}{rank}){causes}.",
        up="progresse",
        down="recule",
        moved_less=("{n} autre pays a moins bougé", "{n} autres pays ont moins bougé"),
        steady=("{n} pays n’a pas bougé", "{n} pays n’ont pas bougé"),
        by_area="par domaine {areas}",
        indicators=("{n} indicateur modifié", "{n} indicateurs modifiés"),
        area="* **{area}**\u00a0: moyenne {mean}, de {low} ({low_units}) à {high} "
        "({high_units})\u202f; écart type {sd}.",
        group="* **{group}** ({n} pays)\u00a0: moyenne {inside} sur {index}, contre {outside} "
        "pour les {others} autres ({gap})",
        widest="\u202f; l’écart le plus grand est en {area} ({inside} contre {outside})",
        and_=" et ",
        decimal=",",
        colon="\u00a0:",
        semicolon="\u202f;",
    ),
}
"""The draft's phrases per language (a language not here is drafted in English)."""


def phrases_for(lang: str | None) -> Phrases:
    """The phrases of ``lang`` (``fr-ca`` reads ``fr``); English when there are none.

    Examples
    --------
    >>> phrases_for("fr-CA").and_, phrases_for("de").and_, phrases_for(None).and_
    (' et ', ' and ', ' and ')
    """
    base = (lang or "en").lower().replace("_", "-").split("-")[0]
    return PHRASES.get(base, PHRASES["en"])


def _plural(forms: tuple[str, str], n: int, **fields: object) -> str:
    return forms[0 if n == 1 else 1].format(n=n, **fields)


@dataclass(frozen=True)
class _Reader:
    """Names and numbers as the draft writes them."""

    framework: Framework
    units: UnitTable
    lang: str | None
    say: Phrases = PHRASES["en"]

    def number(self, value: float) -> str:
        return f"{value:.{self.framework.decimals}f}".replace(".", self.say.decimal)

    def same(self, a: float, b: float) -> bool:
        """Whether two numbers read the same."""
        return self.number(a) == self.number(b)

    def zero(self, value: float) -> bool:
        """Whether a number reads as zero."""
        return self.same(abs(value), 0.0)

    def signed(self, value: float) -> str:
        text = self.number(abs(value))
        return text if self.zero(value) else ("+" if value > 0 else "−") + text

    def unit(self, code: str) -> str:
        return self.units.name(code, self.lang)

    def node(self, code: str) -> str:
        return self.framework.labels(self.lang).get(code, code)

    def listing(self, names: Iterable[str]) -> str:
        items = list(names)
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + self.say.and_ + items[-1]


def findings(
    results: Results, *, lang: str | None = None, period: Period | None = None,
    phrases: Phrases | None = None,
) -> str:  # fmt: skip
    """The key findings of ``results`` in ``period`` (default: the latest) as a Markdown draft
    in ``lang`` (see :func:`draft_findings`).

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
    >>> french = findings(res, lang="fr").splitlines()
    >>> print(french[2]); print(french[4][:73])
    ### En tête et en queue
    * En 2024, **Germany** obtient le meilleur score sur T (70,0), **France**
    """
    return draft_findings(
        results.table(), results.framework, results.unit_table, lang=lang, period=period,
        phrases=phrases,
    )  # fmt: skip


def draft_findings(
    scores: pd.DataFrame,
    framework: Framework,
    units: UnitTable,
    *,
    lang: str | None = None,
    period: Period | None = None,
    top: int = 3,
    phrases: Phrases | None = None,
) -> str:
    """A Markdown draft of the key findings of ``period`` (default: the latest) from a tidy
    table of ``scores`` (columns ``unit``, ``period``, ``node``, ``score``, ``rank``: a
    release's scores or :meth:`Results.table`): leaders and laggards, the ``top`` biggest
    movers up and down since the period before (with the areas that moved them and how many
    indicators changed), each area's mean, range and standard deviation, and where the
    ``units``' groups differ from the other countries. Names and sentences in ``lang``
    (``phrases``, default :func:`phrases_for` ``lang``: English or French; English for a
    language without phrases). Raises :class:`FindingsError` when there is nothing to write
    about.

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
    say = phrases if phrases is not None else phrases_for(lang)
    read = _Reader(framework, units, lang, say)
    ranked = {u for u in table["unit"].unique() if PEERS[units[u].kind] == 0}
    table = table[table["unit"].isin(ranked) & table["score"].notna()]
    now = table[table["period"] == at]
    root = framework.root.code
    index = _by_unit(now, root)
    if not index:
        raise FindingsError([f"no country has a score on {root} in {at}"])
    parts: list[str | None] = [
        say.note,
        "",
        say.leaders_title,
        "",
        _leaders(read, index, at, top),
    ]
    before = periods[periods.index(at) - 1] if periods.index(at) > 0 else None
    if before is not None:
        parts += [
            "",
            say.movers_title.format(before=before),
            "",
            *_movers(read, table, before, at, top),
        ]
    areas = [child.code for child in framework.root.children]
    if areas:
        parts += ["", say.areas_title, "", *(_area(read, _by_unit(now, a), a) for a in areas)]
    groups = _groups(read, now, [root, *areas])
    if groups:
        parts += ["", say.groups_title, "", *groups]
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
    say = read.say
    order = _ordered(read, index)
    values = list(index.values())
    mean = sum(values) / len(values)
    best, worst = order[0], order[-1]
    n = len(order)
    tied = sum(1 for u in index if read.same(index[u], index[best]))
    text = _plural(
        say.best, tied, period=period, units=_tied(read, index, best),
        index=read.node(read.framework.root.code), score=read.number(index[best]),
    )  # fmt: skip
    if not read.same(index[worst], index[best]):
        text += say.lowest.format(units=_tied(read, index, worst), score=read.number(index[worst]))
    lo, hi = min(values), max(values)
    text += say.spread.format(
        countries=_plural(say.countries, n), mean=read.number(mean), low=read.number(lo),
        high=read.number(hi),
    )  # fmt: skip
    if n >= 2 * top + 2:
        leaders = ", ".join(f"{read.unit(u)} ({read.number(index[u])})" for u in order[:top])
        laggards = ", ".join(f"{read.unit(u)} ({read.number(index[u])})" for u in order[-top:])
        text += "\n" + say.first_last.format(top=top, leaders=leaders, laggards=laggards)
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
    moved = {u: c for u, c in change.items() if not read.zero(c)}
    say = read.say
    if not moved:
        return [say.no_mover.format(index=read.node(root), before=before)]
    ranks = {
        (str(p), str(u)): r
        for p, u, r in table[table["node"] == root][["period", "unit", "rank"]].itertuples(
            index=False
        )
    }
    up = sorted((u for u in moved if fw.better(moved[u])), key=lambda u: -abs(moved[u]))
    down = sorted((u for u in moved if not fw.better(moved[u])), key=lambda u: -abs(moved[u]))
    lines = []
    for units, verb in ((up[:top], say.up), (down[:top], say.down)):
        for u in units:
            rank_text = ""
            r0, r1 = ranks.get((before, u)), ranks.get((at, u))
            if _known(r0) and _known(r1):
                rank_text = say.rank.format(before=int(r0), now=int(r1))  # type: ignore[arg-type]
            lines.append(
                say.moved.format(
                    unit=f"**{read.unit(u)}**", verb=verb, change=read.signed(moved[u]),
                    start=read.number(start[u]), end=read.number(end[u]), rank=rank_text,
                    causes=_causes(read, table, u, before, at),
                )
            )  # fmt: skip
    rest = len(moved) - len(up[:top]) - len(down[:top])
    steady = len(change) - len(moved)
    tail = []
    if rest:
        tail.append(_plural(say.moved_less, rest))
    if steady:
        tail.append(_plural(say.steady, steady))
    if tail:
        text = say.semicolon.join(f" {t}" for t in tail).strip()
        lines.append("* " + text[:1].upper() + text[1:] + ".")
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
        return None if read.zero(c) else c

    areas = [(c.code, moved(c.code)) for c in fw.root.children]
    shown = sorted(((a, c) for a, c in areas if c is not None), key=lambda ac: -abs(ac[1]))
    text = ", ".join(f"{read.node(a)} {read.signed(c)}" for a, c in shown)
    text = read.say.by_area.format(areas=text) if text else ""
    count = sum(1 for item in fw.indicators if moved(item.code) is not None)
    if count:
        changed = _plural(read.say.indicators, count)
        text = f"{text}{read.say.semicolon} {changed}" if text else changed
    return f"{read.say.colon} {text}" if text else ""


def _area(read: _Reader, scores: dict[str, float], code: str) -> str | None:
    if not scores:
        return None
    values = list(scores.values())
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    order = sorted(scores, key=lambda u: (scores[u], read.unit(u)))
    lo, hi = order[0], order[-1]
    return read.say.area.format(
        area=read.node(code), mean=read.number(mean), low=read.number(scores[lo]),
        low_units=_tied(read, scores, lo, bold=False), high=read.number(scores[hi]),
        high_units=_tied(read, scores, hi, bold=False), sd=read.number(sd),
    )  # fmt: skip


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
        text = read.say.group.format(
            group=name, n=len(inside), inside=read.number(mean_in), index=read.node(nodes[0]),
            outside=read.number(mean_out), others=len(outside),
            gap=read.signed(mean_in - mean_out),
        )  # fmt: skip
        areas = gaps[1:]
        if areas:
            widest, mean_a, mean_b = max(areas, key=lambda g: abs(g[1] - g[2]))
            text += read.say.widest.format(
                area=read.node(widest), inside=read.number(mean_a), outside=read.number(mean_b)
            )
        lines.append(text + ".")
    return lines


__all__ = ["PHRASES", "FindingsError", "Phrases", "draft_findings", "findings", "phrases_for"]
