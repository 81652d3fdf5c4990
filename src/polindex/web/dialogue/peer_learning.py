"""What the recommendations, peers and typology pages and API routes show: the library's answers
(:func:`~polindex.analysis.recommendations.recommend`,
:func:`~polindex.analysis.peers.nearest_peers`, :func:`~polindex.analysis.typology.typology`)
on a release's frozen data, with names in the reader's language — countries from the release's
unit table, questions and options from its framework, justifications and legal sources from
its notes.

A choice the visitor got wrong (an unknown level, area or method, k out of range) is a
:class:`RefusedError` with a sentence to show: the pages show the default view and say why, the API
answers 422 with that sentence as ``detail``.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import quote, urlencode

import numpy as np
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from polindex.analysis.peers import LevelScores, PeersError, nearest_in
from polindex.analysis.recommendations import recommend
from polindex.analysis.typology import METHODS, Method, Typology, cluster_scores
from polindex.errors import PolindexError
from polindex.framework.models import Framework, Indicator
from polindex.framework.units import PEERS
from polindex.web.dialogue.simulators import NotSimulableError, simulator_of
from polindex.web.releases.answers import answers
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_release_or_404
from polindex.web.text import render as markdown

RESAMPLES = 1000
"""Bootstrap resamples of a typology's stability, as decision 032 says."""
PER_AREA = 3
"""Recommendations shown per area (all of them when one area is chosen)."""
NEAREST = 5
"""Nearest countries shown on a profile."""


class RefusedError(Exception):
    """A question the release cannot answer as asked: ``message`` says why, in the reader's
    language; ``status`` is the API's answer (404: no such unit; 422: a bad choice)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class UnanswerableError(RefusedError):
    """A valid question this release cannot answer (its changes cannot be ranked: an index
    built by a pipeline): the page says why (200), the API answers 422."""


def release_or_404(request: HttpRequest, index: str, version: str) -> Release:
    """The release ``index``/``version`` if the visitor may see it (embargo: see
    :func:`~polindex.web.releases.visibility.visible_releases`), else a 404."""
    return visible_release_or_404(request.user, index, version)


# -- the release's tree ---------------------------------------------------------------------
def levels(release: Release, lang: str | None) -> list[tuple[str, str]]:
    """The levels of groups (code, label in ``lang``), top-down: what ``?level=`` may be.

    Example (with Django set up and a release ``release`` at hand)::

        levels(release, "fr")
        # [('area', 'Domaine'), ('dimension', 'Dimension')]
    """
    fw = release.definition.framework
    present = list(dict.fromkeys(n.level for n in fw.groups()))
    named = {lv.code: fw.text(lv.label, lang) for lv in fw.levels}
    plain = {"area": _("Area"), "dimension": _("Dimension")}  # for a level without a label
    return [(code, named.get(code) or plain.get(code, code)) for code in present]


def chosen_level(release: Release, asked: str | None, lang: str | None) -> str:
    """``asked`` checked against the release's levels of groups (default: the first). Raises
    :class:`RefusedError` when the index has no groups or no such level."""
    known = levels(release, lang)
    if not known:
        raise RefusedError(
            _("This index has no areas: no area scores to compare countries or changes by."),
            status=404,
        )
    if asked in (None, ""):
        return known[0][0]
    if asked not in dict(known):
        raise RefusedError(
            _("There is no level “%(level)s” in this index; the levels are: %(known)s.")
            % {"level": asked, "known": ", ".join(f"{c} ({label})" for c, label in known)}
        )
    return str(asked)


def unit_name(release: Release, unit: str, lang: str | None) -> str:
    """A unit's name in ``lang`` (from the release's unit table)."""
    return release.unit_table.name(unit, lang)


def _profile(release: Release, unit: str) -> str:
    return reverse("explorer:unit", args=[release.index.code, release.version, unit])


@functools.lru_cache(maxsize=64)
def _scores(pk: int, checksum: str, release: Release, period: str) -> dict[str, dict[str, float]]:
    """Each country's score on the index and every group in ``period``, as the release froze
    them (countries only: the units ranked together; an EU level is nobody's peer)."""
    fw = release.definition.framework
    table = release.unit_table
    out: dict[str, dict[str, float]] = {}
    rows = release.scores.filter(period=period, node__in=[n.code for n in fw.nodes])
    for unit, node, score in rows.values_list("unit", "node", "score"):
        if PEERS[table[unit].kind] == 0:
            out.setdefault(unit, {})[node] = math.nan if score is None else float(score)
    return out


def _period(release: Release, period: str | None) -> str:
    """``period`` checked against the release's periods (default: the latest)."""
    periods = sorted(set(release.scores.order_by().values_list("period", flat=True).distinct()))
    if not periods:
        raise RefusedError(_("This release has no scores."), 404)
    if period in (None, ""):
        return periods[-1]
    if period not in periods:
        raise RefusedError(
            _("There is no period “%(period)s” in this release; the periods are: %(known)s.")
            % {"period": period, "known": ", ".join(periods)}
        )
    return str(period)


def level_scores_of(release: Release, level: str, period: str) -> LevelScores:
    """The countries' scores on ``level``'s groups in ``period``, from the release's frozen
    scores (what :func:`~polindex.analysis.peers.level_scores` takes from results): the
    countries with at least one score there, by code; the groups in the tree's order."""
    fw = release.definition.framework
    nodes = tuple(n.code for n in fw.groups() if n.level == level)
    scores = _scores(release.pk, release.checksum, release, period)
    units = tuple(
        sorted(
            u for u, s in scores.items() if any(not math.isnan(s.get(n, math.nan)) for n in nodes)
        )
    )
    values = np.array(
        [[scores[u].get(n, math.nan) for n in nodes] for u in units], dtype=np.float64
    ).reshape(len(units), len(nodes))
    return LevelScores(level, period, units, nodes, values)


# -- recommendations --------------------------------------------------------------------------
@dataclass(frozen=True)
class Peer:
    """A unit that already gives the proposed answer, with its justification and sources."""

    unit: str
    name: str
    url: str
    justification: str
    """As written (Markdown)."""
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def justification_html(self) -> str:
        """The justification as safe HTML."""
        return markdown(self.justification) if self.justification else ""


@dataclass(frozen=True)
class Recommendation:
    """One single change, named: the question and both answers in the reader's language."""

    group: str
    group_label: str
    indicator: str
    label: str
    question: str
    current: str
    current_label: str
    proposed: str
    proposed_label: str
    gain: float
    group_gain: float
    step: float
    effective_weight: float | None
    peers: list[Peer]
    whatif_url: str


@dataclass(frozen=True)
class Recommendations:
    """A unit's recommendations in one period, by group of ``level``."""

    unit: str
    name: str
    period: str
    level: str
    area: str | None
    groups: list[tuple[str, str, list[Recommendation]]]
    """(group code, label, its recommendations best first), in the tree's order."""
    built: bool = False
    """An index built by a pipeline: each value moved to the best rate observed, the index
    rebuilt (decision 049)."""

    @property
    def rows(self) -> list[Recommendation]:
        return [r for _code, _label, rows in self.groups for r in rows]


def answer_label(
    fw: Framework, item: Indicator, text: str, lang: str | None, *, scored: bool = False
) -> str:
    """An answer as a reader reads it: the option's label, yes or no, a number with the
    indicator's decimals and unit (``scored``: the indicator's score, with the index's
    decimals, as IMPIC's data are), "not applicable" or "no answer" — never a bare code.

    Examples
    --------
    >>> from polindex.framework.models import Framework, Node, Option
    >>> q = Indicator(code="q", type="categorical", options=(
    ...     Option(code="a", score=100, label={"en": "Yes, always"}),))
    >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T", children=(q,)))
    >>> answer_label(fw, q, "a", "en"), answer_label(fw, q, "", "en")
    ('Yes, always', 'no answer')
    >>> n = Indicator(code="n", type="numeric", unit="months", bounds=(0, 48))
    >>> answer_label(fw, n, "12.25", "en"), answer_label(fw, n, "50", "en", scored=True)
    ('12.2 months', '50.0')
    """
    if text == "":
        return _("no answer")
    if text == "n/a":
        return _("not applicable")
    if item.type == "categorical":
        option = next((o for o in item.options if o.code == text), None)
        if option is not None:
            return fw.label(option, lang)
    if item.type == "boolean" and text in ("true", "false"):
        return _("Yes") if text == "true" else _("No")
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isnan(number):
        return text
    numeric = item.type == "numeric" and not scored
    decimals = item.decimals if numeric else fw.decimals
    shown = number_format(round(number, decimals), decimal_pos=decimals)
    unit = fw.unit(item, lang) if numeric else ""
    return f"{shown} {unit}" if unit else shown


def whatif_url(release: Release, unit: str, indicator: str, value: str) -> str:
    """The what-if page with ``indicator`` changed to ``value`` for ``unit``."""
    query = urlencode({indicator: value})
    args = [release.index.code, release.version, unit]
    try:
        return reverse("explorer:dialogue:whatif", args=args) + "?" + query
    except NoReverseMatch:  # (the what-if page is another module's; its address is fixed)
        base = reverse("explorer:release", args=args[:2])
        return f"{base}what-if/{quote(unit, safe='')}/?{query}"


def recommendations(
    release: Release, unit: str, lang: str | None, *, level: str | None = None,
    area: str | None = None,
) -> Recommendations:  # fmt: skip
    """The single answer changes worth most to ``unit``'s index score in its latest period,
    per group of ``level`` (default: the areas): the best :data:`PER_AREA` of each, or every
    one of ``area`` alone. Raises :class:`RefusedError` (unknown unit: 404; unknown level or
    area: 422; a release that cannot be simulated: 404).

    Example (with Django set up and a release ``release`` at hand)::

        recs = recommendations(release, "AT", "en")
        recs.groups[0][2][0].proposed_label, recs.groups[0][2][0].gain
        # ('Yes, in every sector', 1.04)
    """
    fw = release.definition.framework
    level = chosen_level(release, level, lang)
    try:
        sim = simulator_of(release)
    except NotSimulableError:
        raise RefusedError(
            _("This release holds its scores only, not the answers to change."), 404
        ) from None
    except PolindexError as exc:  # frozen data the library cannot read back (said, not a 500)
        raise RefusedError(
            _("This release’s answers cannot be read back: %(why)s.") % {"why": _why(exc)}, 404
        ) from exc
    if unit not in sim.dataset.units:
        raise RefusedError(
            _("There is no country “%(unit)s” in this release.") % {"unit": unit}, 404
        )
    names = fw.labels(lang)
    at_level = [n.code for n in fw.groups() if n.level == level]
    if area not in (None, "") and area not in at_level:
        raise RefusedError(
            _("There is no area “%(area)s” at this level; choose one of the list.") % {"area": area}
        )
    try:
        table = recommend(sim, unit, level=level, per_group=None if area else PER_AREA)
    except PolindexError as exc:
        raise UnanswerableError(  # an index built by a pipeline: see decision 030
            _("These changes cannot be ranked: %(why)s.") % {"why": _why(exc)}
        ) from exc
    period = str(sim.dataset.periods[sim.period_index(unit)])
    notes: dict[tuple[str, str], dict[str, Any]] = {
        (a["unit"], a["indicator"]): a for a in answers(release, None, period, lang) if a["unit"]
    }
    items = {i.code: i for i in fw.indicators}

    def label_of(item: Indicator, text: str) -> str:
        return answer_label(fw, item, text, lang, scored=sim.mode == "scored")

    groups: dict[str, list[Recommendation]] = {}
    for row in table.to_dict("records"):
        if area and row["group"] != area:
            continue
        item = items[row["indicator"]]
        peers = []
        for u in row["units"]:
            note = notes.get((u, row["indicator"]), {})
            peers.append(
                Peer(u, unit_name(release, u, lang), _profile(release, u),
                     note.get("justification", ""), list(note.get("sources", [])))
            )  # fmt: skip
        peers.sort(key=lambda p: p.name.casefold())
        weight = row["effective_weight"]
        groups.setdefault(row["group"], []).append(
            Recommendation(
                group=row["group"], group_label=names[row["group"]],
                indicator=row["indicator"], label=names[row["indicator"]],
                question=fw.text(item.question, lang) or names[row["indicator"]],
                current=row["current"], current_label=label_of(item, row["current"]),
                proposed=row["proposed"], proposed_label=label_of(item, row["proposed"]),
                gain=float(row["gain"]), group_gain=float(row["group_gain"]),
                step=float(row["step"]),
                effective_weight=None if weight != weight else float(weight),
                peers=peers,
                whatif_url=whatif_url(release, unit, row["indicator"], row["proposed"]),
            )
        )  # fmt: skip
    shown = [a for a in at_level if not area or a == area]
    return Recommendations(
        unit, unit_name(release, unit, lang), period, level, area or None,
        [(code, names[code], groups.get(code, [])) for code in shown], sim.mode == "built",
    )  # fmt: skip


def _why(exc: PolindexError) -> str:
    problems = getattr(exc, "problems", None) or [str(exc)]
    return "; ".join(str(p) for p in problems)


# -- peers ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Neighbour:
    unit: str
    name: str
    url: str
    distance: float
    shared: int


def neighbours(
    release: Release, unit: str, lang: str | None, *, level: str | None = None,
    period: str | None = None, k: int = NEAREST,
) -> list[Neighbour]:  # fmt: skip
    """The ``k`` countries nearest to ``unit`` on ``level``'s scores in ``period`` (default:
    the latest), nearest first. Raises :class:`RefusedError`.

    Example (with Django set up and a release ``release`` at hand)::

        [n.name for n in neighbours(release, "AT", "en", k=2)]
        # ['Belgium', 'Germany']
    """
    level = chosen_level(release, level, lang)
    if not release.scores.filter(unit=unit).exists():
        raise RefusedError(
            _("There is no country “%(unit)s” in this release.") % {"unit": unit}, 404
        )
    ls = level_scores_of(release, level, _period(release, period))
    if unit not in ls.units:
        raise RefusedError(
            _("%(name)s has no scores to compare in %(period)s.")
            % {"name": unit_name(release, unit, lang), "period": ls.period}
        )
    table = nearest_in(ls, unit, k)
    return [
        Neighbour(u, unit_name(release, u, lang), _profile(release, u), float(d), int(s))
        for u, d, s in table[["unit", "distance", "shared"]].itertuples(index=False)
    ]


# -- typology ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def _typology(
    pk: int, checksum: str, release: Release, level: str, method: Method, k: int | None
) -> Typology:
    ls = level_scores_of(release, level, _period(release, None))
    higher = release.definition.framework.higher_is_better
    return cluster_scores(ls, higher_is_better=higher, method=method, k=k, resamples=RESAMPLES)


@dataclass(frozen=True)
class Group:
    number: int
    members: list[tuple[str, str, str]]
    """(unit, name, profile address), by name."""
    stability: float | None
    centres: list[tuple[str, str, float]]
    """(node, label, the group's mean score)."""


@dataclass(frozen=True)
class Approach:
    code: str
    label: str
    description: str
    rules: list[str]
    """Each rule in words ("Labour market mobility at least 60")."""
    members: list[tuple[str, str, str]]


@dataclass(frozen=True)
class TypologyView:
    """A release's typology as a reader reads it."""

    typology: Typology
    level: str
    level_label: str
    method: str
    k: int
    chosen_k: bool
    """Whether the visitor gave k (else the silhouette chose it)."""
    groups: list[Group]
    nodes: list[tuple[str, str]]
    silhouettes: list[tuple[int, float]]
    left_out: list[str]
    approaches: list[Approach]
    unclassified: list[tuple[str, str, str]]


def typology_view(
    release: Release, lang: str | None, *, level: str | None = None, method: str = "ward",
    k: int | None = None,
) -> TypologyView:  # fmt: skip
    """The groups of countries with a similar approach on ``level``'s scores (latest period),
    by ``method`` (``ward`` or ``kmeans``), into ``k`` groups (default: chosen by the
    silhouette), with their stability over :data:`RESAMPLES` resamples and the framework's
    named approaches. Made once per release and choice, then kept. Raises :class:`RefusedError`.

    Example (with Django set up and a release ``release`` at hand)::

        view = typology_view(release, "en", method="kmeans")
        view.k, [len(g.members) for g in view.groups]
        # (3, [4, 5, 3])
    """
    fw = release.definition.framework
    level = chosen_level(release, level, lang)
    if method not in METHODS:
        raise RefusedError(
            _("There is no method “%(method)s”; choose Ward or k-means.") % {"method": method}
        )
    try:
        t = _typology(release.pk, release.checksum, release, level, cast(Method, method), k)
    except PeersError as exc:
        raise RefusedError(_typology_problem(exc, k)) from exc
    names = fw.labels(lang)

    def member(u: str) -> tuple[str, str, str]:
        return (u, unit_name(release, u, lang), _profile(release, u))

    centres = t.centres.to_numpy(dtype=float)
    stability = dict(zip(t.stability["group"], t.stability["stability"], strict=True))
    groups = [
        Group(
            g,
            sorted((member(u) for u in t.members(g)), key=lambda m: m[1].casefold()),
            None if stability[g] != stability[g] else float(stability[g]),
            [(c, names[c], float(centres[g - 1, j])) for j, c in enumerate(t.centres.columns)],
        )
        for g in range(1, t.k + 1)
    ]
    return TypologyView(
        typology=t,
        level=level,
        level_label=dict(levels(release, lang))[level],
        method=method,
        k=t.k,
        chosen_k=k is not None,
        groups=groups,
        nodes=[(c, names[c]) for c in t.centres.columns],
        silhouettes=sorted(t.silhouettes.items()),
        left_out=[unit_name(release, u, lang) for u in t.left_out],
        **_approaches(release, str(t.period), lang, member),
    )


def _typology_problem(exc: PeersError, k: int | None) -> str:
    top = re.search(r"from 2 to (\d+)", _why(exc))
    if k is not None and top:
        return _("k = %(k)s is out of range: give a number of groups from 2 to %(top)s.") % {
            "k": k, "top": top.group(1)
        }  # fmt: skip
    return _("These countries cannot be grouped: %(why)s.") % {"why": _why(exc)}


def _approaches(release: Release, period: str, lang: str | None, member: Any) -> dict[str, Any]:
    """The framework's named approaches with the countries in each (``approaches``) and the
    countries in none (``unclassified``)."""
    fw = release.definition.framework
    if not fw.approaches:
        return {"approaches": [], "unclassified": []}
    names = fw.labels(lang)
    decimals = fw.decimals
    table = approach_members(release, period)
    out = []
    for a in fw.approaches:
        rules = []
        for rule in a.rules:
            low = None if rule.min is None else number_format(rule.min, decimal_pos=decimals)
            high = None if rule.max is None else number_format(rule.max, decimal_pos=decimals)
            label = names.get(rule.node, rule.node)
            if low is not None and high is not None:
                rules.append(
                    _("%(node)s from %(low)s to %(high)s")
                    % {"node": label, "low": low, "high": high}
                )
            elif low is not None:
                rules.append(_("%(node)s at least %(low)s") % {"node": label, "low": low})
            else:
                rules.append(_("%(node)s at most %(high)s") % {"node": label, "high": high})
        members = sorted(
            (member(u) for u, code in table.items() if code == a.code),
            key=lambda m: m[1].casefold(),
        )
        out.append(
            Approach(
                a.code,
                fw.text(a.label, lang, a.code),
                fw.text(a.description, lang),
                rules,
                members,
            )
        )
    unclassified = sorted(
        (member(u) for u, code in table.items() if code is None), key=lambda m: m[1].casefold()
    )
    return {"approaches": out, "unclassified": unclassified}


def approach_members(release: Release, period: str) -> dict[str, str | None]:
    """Each country's approach (its code; ``None``: none fits) from its scores in ``period``."""
    fw = release.definition.framework
    scores = _scores(release.pk, release.checksum, release, period)
    out: dict[str, str | None] = {}
    for unit in sorted(scores):
        found = fw.approach_of(scores[unit])
        out[unit] = found.code if found is not None else None
    return out
