"""What a country report says: everything read from one frozen release, for one unit, in one
language — the key figures, the areas against the countries' mean, the change since the period
before and the answers behind it, strengths and weaknesses, the dialogue tools' top
recommendations and nearest peers, the legal sources, a methodology note, the release's key
findings, its citation and licence. The HTML page and the PDF are both drawn from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_noop, override, pgettext
from django.utils.translation import gettext as _

from polindex.framework.models import Framework, Indicator
from polindex.framework.units import PEERS
from polindex.web.explorer import charts
from polindex.web.explorer.display import Reading
from polindex.web.explorer.tables import improved
from polindex.web.releases.answers import answers
from polindex.web.releases.models import Release, ReleaseScore
from polindex.web.text import render as markdown
from polindex.web.text import render_long

RECOMMENDATIONS = 5
"""The recommendations a report lists (the largest gains for the index, across areas)."""
PEERS_SHOWN = 5
"""The nearest peer countries a report names."""
CHANGED_SHOWN = 12
"""The changed answers a report lists (the largest moves first; the rest are counted)."""

NOT_SIMULATED = gettext_noop(
    "Recommendations and peers cannot be computed again from this release's frozen data."
)
NO_ANSWERS_NOTE = gettext_noop("The release holds no answers of %(name)s in %(period)s.")
METHOD_NOTE = gettext_noop(
    "%(name)s scores %(indicators)s indicators in %(areas)s areas on a scale from "
    "%(low)s to %(high)s; the index is the %(method)s of its areas."
)


COMPARED_RELEASE = gettext_noop(
    "Compared with release %(version)s of this index, published %(date)s (its scores in "
    "%(period)s)."
)
NO_EARLIER_RELEASE = gettext_noop(
    "No earlier release of this index: the change is since %(period)s within this release."
)
NOT_IN_EARLIER_RELEASE = gettext_noop(
    "Release %(version)s, the one before, has no scores for %(name)s: the change is since "
    "%(period)s within this release."
)


class NoReportError(LookupError):
    """The release has no report for this unit (no scores for it): a 404 for a visitor."""


@dataclass
class Report:
    """One unit's report in one language (see the module docstring); ``context`` is what the
    templates read, ``charts`` the charts it draws by name (``areas``, ``series``)."""

    release: Release
    unit: str
    lang: str
    context: dict[str, Any] = field(default_factory=dict)
    charts: dict[str, charts.Chart] = field(default_factory=dict)


def _base(release: Release) -> dict[str, str]:
    return {"index": release.index.code, "version": release.version}


def _periods(rows: list[ReleaseScore]) -> list[str]:
    return sorted({row.period for row in rows})


def _means(release: Release, period: str, nodes: list[str]) -> dict[str, float | None]:
    """The mean score of the countries (the units ranked together) on each node."""
    table = release.unit_table
    sums: dict[str, list[float]] = {}
    rows = release.scores.filter(period=period, node__in=nodes).values_list("unit", "node", "score")
    for u, node, score in rows:
        if score is not None and PEERS[table[u].kind] == 0:
            sums.setdefault(node, []).append(score)
    return {node: sum(v) / len(v) for node, v in sums.items()}


@dataclass(frozen=True)
class Baseline:
    """What a report compares with: the previous release of the index (its latest period of
    the unit) or, without one, the period before in the same release."""

    release: Release
    period: str
    scores: dict[str, ReleaseScore]
    """The unit's scores then, by node."""
    other: bool = False
    """Whether the baseline is another release."""


def previous_release(release: Release) -> Release | None:
    """The release of the same index published just before ``release`` (by publish time, then
    version): the edition a country report compares with. Whoever may see ``release`` may see
    it (it is published no later: public when ``release`` is, else seen by those who see
    embargoed releases), so a report made once serves every reader.

    Example (with Django set up)::

        previous_release(Release.objects.get(index__code="SYNTH", version="demo"))  # or None
    """
    earlier = (
        Release.objects.filter(index_id=release.index_id)
        .exclude(pk=release.pk)
        .filter(
            Q(publish_at__lt=release.publish_at)
            | Q(publish_at=release.publish_at, version__lt=release.version)
        )
    )
    return earlier.order_by("-publish_at", "-version").first()


def _baseline(
    release: Release, unit: str, name: str, rows: list[ReleaseScore], periods: list[str]
) -> tuple[Baseline | None, str]:
    """What the report compares with, and the sentence saying so."""
    before = previous_release(release)
    inside = periods[-2] if len(periods) > 1 else None
    if before is not None:
        theirs = list(before.scores.filter(unit=unit).order_by("period", "id"))
        if theirs:
            period = _periods(theirs)[-1]
            scores = {row.node: row for row in theirs if row.period == period}
            said = _(COMPARED_RELEASE) % {
                "version": before.version, "period": period,
                "date": date_format(before.publish_at, "DATE_FORMAT"),
            }  # fmt: skip
            return Baseline(before, period, scores, other=True), said
    if inside is None:
        return None, ""
    scores = {row.node: row for row in rows if row.period == inside}
    if before is None:
        said = _(NO_EARLIER_RELEASE) % {"period": inside}
    else:
        said = _(NOT_IN_EARLIER_RELEASE) % {
            "version": before.version,
            "name": name,
            "period": inside,
        }
    return Baseline(release, inside, scores), said


def build(release: Release, unit: str, lang: str) -> Report:
    """The report of ``unit`` in ``release``, in ``lang``; :class:`NoReportError` when the
    release has no scores for ``unit``. Callers check that the user may see the release.

    Examples (with Django set up)::

        report = build(release, "Synthetic-A", "fr")
        report.context["name"], [c.route for c in report.charts]  # ('Synthetic-A', ['areas', …])
    """
    rows = list(release.scores.filter(unit=unit).order_by("period", "id"))
    if not rows:
        raise NoReportError(f"no scores for {unit!r} in {release}")
    with override(lang):
        return _build(release, unit, lang, rows)


def _build(release: Release, unit: str, lang: str, rows: list[ReleaseScore]) -> Report:
    reading = Reading(release, lang)
    fw = reading.framework
    names = fw.labels(lang)
    periods = _periods(rows)
    period = periods[-1]
    by = {(row.period, row.node): row for row in rows}
    root = fw.root.code
    areas = [(c.code, names[c.code]) for c in fw.root.children]
    means = _means(release, period, [root, *(code for code, _label in areas)])
    report = Report(release, unit, lang)
    name = reading.name(unit)
    base, compared = _baseline(release, unit, name, rows, periods)
    then = base.scores if base is not None else {}
    now, before = by.get((period, root)), then.get(root)
    if base is None:
        previous = None
    elif base.other:
        previous = pgettext("since", "release %(version)s") % {"version": base.release.version}
    else:
        previous = base.period
    if areas:
        report.charts["areas"] = charts.areas(
            _base(release), unit, period, areas,
            {code: by.get((period, code)) for code, _label in areas}, means, reading,
        )  # fmt: skip
    if len(periods) > 1:
        nodes = [(root, names[root]), *areas]
        report.charts["series"] = charts.area_series(_base(release), unit, nodes, rows, reading)
    ranked = release.scores.filter(period=period, node=root, rank__isnull=False).count()
    area_rows = []
    for code, label in areas:
        row, old = by.get((period, code)), then.get(code)
        area_rows.append(_figure(reading, label, row, old, means.get(code)))
    report.context = {
        "release": release,
        "synthetic": release.synthetic,
        "embargoed": release.embargoed,
        "unit": unit,
        "name": name,
        "kind": reading.units[unit].kind,
        "period": period,
        "previous": previous,
        "compared": compared,
        "compared_release": base.release if base is not None and base.other else None,
        "index": _figure(reading, names[root], now, before, means.get(root)),
        "ranked": ranked,
        "interval": _interval(release, unit, period),
        "areas": area_rows,
        "changed": _changed(release, unit, period, lang, by, base) if base else None,
        "strengths": [],
        "weaknesses": [],
        "recommendations": [],
        "peers": [],
        "sources": _sources(release, unit, period),
        "methodology": _methodology(reading, release),
        "key_findings": render_long(found) if (found := release.findings_in(lang)).strip() else "",
        "lang": lang,
        "figures": {key: {"chart": chart, "svg": ""} for key, chart in report.charts.items()},
        **reading.context(),
    }
    _strengths(report, reading, rows, period)
    _dialogue(report, reading, period, rows)
    return report


def _figure(
    reading: Reading, label: str, row: ReleaseScore | None, old: ReleaseScore | None,
    mean: float | None,
) -> dict[str, Any]:  # fmt: skip
    """A node's score, rank, band and change as the report shows them."""
    change = (
        row.score - old.score
        if row is not None and old is not None and row.score is not None and old.score is not None
        else None
    )
    return {
        "label": label,
        "score": row.score if row else None,
        "rank": row.rank if row else None,
        "band": reading.band(row.band) if row else "",
        "change": change,
        "better": improved(reading.framework, change, reading.decimals),
        "old_rank": old.rank if old else None,
        "mean": mean,
    }


def _interval(release: Release, unit: str, period: str) -> dict[str, Any] | None:
    """The unit's rank interval from the release's uncertainty analysis, when it was made for
    the report's period."""
    uncertainty = (release.robustness or {}).get("uncertainty") or {}
    if str(uncertainty.get("period")) != period:
        return None
    found = next((u for u in uncertainty.get("summary", []) if u["unit"] == unit), None)
    if found is None or found.get("rank_q05") is None:
        return None
    return {"low": round(found["rank_q05"]), "high": round(found["rank_q95"])}


def _changed(
    release: Release, unit: str, period: str, lang: str,
    by: dict[tuple[str, str], ReleaseScore], base: Baseline,
) -> dict[str, Any]:  # fmt: skip
    """The answers that differ between the ``base``line and ``period``: the question, the
    answer before (in the baseline's release) and now, how its score moved and the
    justification (with sources) given now. A question only one of the two asks is left out;
    ``no_answers`` when either side holds scores only."""
    fw = release.definition.framework
    then_fw = base.release.definition.framework
    names = fw.labels(lang)
    old = {a["indicator"]: a for a in answers(base.release, unit, base.period, lang)}
    given = answers(release, unit, period, lang)
    if not old or not given:  # scores without the answers behind them: nothing to compare
        return {"rows": [], "more": 0, "no_answers": True}
    rows = []
    for a in given:
        was = old.get(a["indicator"])
        if was is None or was["value"] == a["value"]:
            continue
        now, then = by.get((period, a["indicator"])), base.scores.get(a["indicator"])
        moved = (
            now.score - then.score
            if now and then and now.score is not None and then.score is not None
            else None
        )
        rows.append(
            {
                "label": names.get(a["indicator"], a["indicator"]),
                "before": was["answer"]
                or answer_text(then_fw, a["indicator"], was["value"], then.score if then else None),
                "now": a["answer"]
                or answer_text(fw, a["indicator"], a["value"], now.score if now else None),
                "change": moved,
                "better": improved(fw, moved, fw.decimals),
                "justification": markdown(a["justification"]) if a["justification"] else "",
                "sources": a["sources"],
            }
        )
    rows.sort(key=lambda r: -abs(float(r["change"] or 0.0)))
    return {"rows": rows[:CHANGED_SHOWN], "more": max(len(rows) - CHANGED_SHOWN, 0)}


def _strengths(report: Report, reading: Reading, rows: list[ReleaseScore], period: str) -> None:
    """The groups (areas, dimensions) where the unit ranks best and worst."""
    fw = reading.framework
    names = fw.labels(reading.lang)
    depth = {item.code: d for item, _parent, d in fw.walk() if not item.is_indicator}
    groups = [r for r in rows if r.period == period and depth.get(r.node, 0) > 0 and r.rank]
    ranked = sorted(groups, key=lambda r: (r.rank, names[r.node]))
    shown = [{"label": names[r.node], "rank": r.rank, "score": r.score} for r in ranked]
    report.context["strengths"] = shown[:3]
    report.context["weaknesses"] = list(reversed(shown[-3:])) if len(shown) > 3 else []


def _dialogue(report: Report, reading: Reading, period: str, rows: list[ReleaseScore]) -> None:
    """The top recommendations and the nearest peers, from the release's simulator; a sentence
    saying why when the release cannot answer (no input data, or a build published before its
    variables were frozen); a build's recommendations move one value each (decision 049)."""
    from polindex.analysis.answers import ChangeError
    from polindex.analysis.peers import PeersError, nearest_peers
    from polindex.analysis.recommendations import recommend
    from polindex.errors import PolindexError
    from polindex.web.dialogue.simulators import NotSimulableError, simulator_of

    release, unit = report.release, report.unit
    fw = reading.framework
    names = fw.labels(reading.lang)
    try:
        sim = simulator_of(release)
    except NotSimulableError:
        report.context["dialogue_note"] = _(
            "This release holds scores only: recommendations and peers need its answers."
        )
        return
    except PolindexError:  # frozen data it cannot read again (a build's variables)
        report.context["dialogue_note"] = _(NOT_SIMULATED)
        return
    try:
        peers = nearest_peers(sim.results, unit, period=period, k=PEERS_SHOWN)
    except (PeersError, KeyError):  # (too few units, none with scores in the period)
        peers = None
    if peers is not None:
        report.context["peers"] = [
            {"name": reading.name(str(u)), "distance": float(d)}
            for u, d in zip(peers["unit"], peers["distance"], strict=True)
        ]
    report.context["built"] = sim.mode == "built"  # values moved and rebuilt (decision 049)
    try:
        table = recommend(sim, unit, period, per_group=None)
    except ChangeError:  # (no answers of this unit in the period)
        report.context["recommendations_note"] = _(NO_ANSWERS_NOTE) % {
            "name": report.context["name"], "period": period,
        }  # fmt: skip
        return
    now = {row.node: row.score for row in rows if row.period == period}

    def own(code: str, value: object) -> bool:
        """Whether the question's values are its scores (its value now is its score now)."""
        try:
            number, score = float(str(value)), now.get(code)
        except ValueError:
            return False
        return score is not None and abs(number - score) < 10 ** -(fw.decimals + 3)

    countries = {u for u in reading.units.codes if PEERS[reading.units[u].kind] == 0}
    order = -1 if reading.framework.higher_is_better else 1
    best = table.sort_values("gain", key=lambda g: order * g, kind="stable").head(RECOMMENDATIONS)
    report.context["recommendations"] = [
        {
            "area": names.get(str(r["group"]), str(r["group"])),
            "label": names.get(str(r["indicator"]), str(r["indicator"])),
            "current": answer_text(fw, code, str(r["current"]), as_score=own(code, r["current"])),
            "proposed": answer_text(fw, code, str(r["proposed"]), as_score=own(code, r["current"])),
            "gain": float(r["gain"]),
            "units": [reading.name(str(u)) for u in r["units"] if str(u) in countries],
        }
        for r in best.to_dict("records")
        for code in [str(r["indicator"])]
    ]


def answer_text(
    fw: Framework, indicator: str, value: str, score: float | None = None, as_score: bool = False
) -> str:
    """An answer as a reader reads it (in the active language): its option's label for a
    question of options, "Yes" or "No" for a yes/no question, a number with the question's
    decimals and unit (as a score, without the unit, when it is its own ``score`` — or
    ``as_score``: the question's values are scores, as IMPIC's are), else the text as given.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "b", "type": "boolean"}, {"code": "c", "type": "categorical",
    ...      "options": [{"code": "a", "score": 1, "label": "Open"}]},
    ...     {"code": "n", "type": "numeric", "unit": "months", "bounds": [0, 24]}]})
    >>> answer_text(fw, "b", "true"), answer_text(fw, "n", "8.66"), answer_text(fw, "c", "a")
    ('Yes', '8.7 months', 'Open')
    >>> answer_text(fw, "n", "8.66", score=8.66), answer_text(fw, "n", "3", as_score=True)
    ('8.7', '3.0')

    """
    from django.utils.formats import number_format

    try:
        item = fw.find(indicator)
    except KeyError:
        return value
    if not isinstance(item, Indicator):
        return value
    if item.type == "categorical":
        found = next((o for o in item.options if o.code == value), None)
        return fw.label(found, get_language()) if found is not None else value
    if item.type == "numeric" and (as_score or score is not None):
        try:
            number = float(value)
        except ValueError:
            return value
        tiny = 10 ** -(fw.decimals + 3)
        if number == number and (as_score or abs(number - (score or 0.0)) < tiny):
            return number_format(round(number, fw.decimals), decimal_pos=fw.decimals)
    from polindex.web.explorer.views import _raw_value  # yes or no; a number with its unit

    return _raw_value(item, value, None, fw)


def _sources(release: Release, unit: str, period: str) -> list[dict[str, str]]:
    """The legal sources cited for the unit's answers in ``period``, each once."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for note in release.notes or []:
        if note.get("unit") != unit or str(note.get("period")) != period:
            continue
        for src in note.get("sources") or []:
            key = (str(src.get("instrument", "")), str(src.get("article", "")))
            if key[0] and key not in seen:
                seen[key] = {k: str(src.get(k) or "") for k in ("instrument", "article",
                                                                 "in_force", "url")}  # fmt: skip
    return sorted(seen.values(), key=lambda s: (s["instrument"], s["article"]))


def _methodology(reading: Reading, release: Release) -> str:
    """A short note on how the index is made: what it scores, on which scale, how it
    aggregates, and which end is better."""
    fw = reading.framework
    indicators = len(fw.indicators)
    areas = len(fw.root.children)
    aggregation = (release.methods_used or {}).get("aggregation") or {}
    method = (aggregation.get(fw.root.code) or {}).get("method") or fw.root.aggregation
    text = _(METHOD_NOTE) % {
        "name": release.name, "indicators": indicators, "areas": areas,
        "low": _plain(fw.scale.min), "high": _plain(fw.scale.max),
        "method": _method_name(str(method)),
    }  # fmt: skip
    polarity = (
        _("Higher scores are better.") if fw.higher_is_better else _("Lower scores are better.")
    )
    return f"{text} {polarity}"


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _method_name(method: str) -> str:
    known = {
        "arithmetic": _("weighted arithmetic mean"),
        "geometric": _("weighted geometric mean"),
        "harmonic": _("weighted harmonic mean"),
        "median": _("weighted median"),
    }
    return known.get(method, method)
