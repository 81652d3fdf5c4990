"""Public pages: plain function views over visible releases only."""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from polindex.framework.models import Indicator
from polindex.framework.units import PEERS, fold
from polindex.web.collection.models import scored_from
from polindex.web.explorer import charts, maps, state, tables
from polindex.web.explorer.display import Reading
from polindex.web.releases import exports, stored
from polindex.web.releases.answers import answers
from polindex.web.releases.models import Release
from polindex.web.releases.robustness import ReleaseRobustness
from polindex.web.releases.visibility import (
    visible_release_or_404,
    visible_releases,
    visible_scores,
)
from polindex.web.text import render as markdown
from polindex.web.text import render_long

if TYPE_CHECKING:
    from polindex.analysis.renderer import Renderer

MAX_INDENT = 8  # tree rows are indented by depth up to this (classes indent-0 … indent-8)
MAX_COLUMNS = 8  # a ranking shows its node's children as columns when they are at most this many
TREND_UNITS = 5  # the countries a node's line chart draws unless others are chosen
SCORE_FIELDS = ("unit", "period", "node", "score", "rank", "band")


def _periods(release: Release) -> list[str]:
    """The release's periods, in order."""
    return sorted(set(release.scores.order_by().values_list("period", flat=True).distinct()))


def _chosen_period(request: HttpRequest, release: Release) -> tuple[list[str], str | None]:
    """All periods and the one asked for in ``?period=`` (default: the latest)."""
    periods = _periods(release)
    period = request.GET.get("period") or (periods[-1] if periods else None)
    if period is not None and period not in periods:
        raise Http404("no such period in this release")
    return periods, period


def _root(release: Release) -> str:
    return release.definition.framework.root.code


def _names(release: Release) -> dict[str, str]:
    """Each node's name in the request's language (an unlabelled question's text)."""
    return release.definition.framework.names(get_language())


def _reading(release: Release) -> Reading:
    """The release as read in the request's language: unit names, bands, decimals."""
    return Reading(release, get_language())


def _profile_link(release: Release) -> Any:
    """A function giving each unit's profile address in ``release``."""
    args = [release.index.code, release.version]
    return lambda unit: reverse("explorer:unit", args=[*args, unit])


def _ranking(release: Release, rows: list[Any]) -> dict[str, Any]:
    """A ranking's context: the ranked countries, the units shown apart, and the map."""
    reading = _reading(release)
    ranked, apart = reading.ranking(rows)
    context = {"rows": ranked, "apart": apart, **reading.context()}
    return {**context, "map": maps.choropleth(reading, ranked, _profile_link(release))}


def home(request: HttpRequest) -> HttpResponse:
    """The latest visible release of every index, with its headline ranking and map for the
    latest period (``?index=CODE&period=P`` for another period of one index)."""
    latest: dict[str, Release] = {}
    for r in visible_releases(request.user).order_by("index__code", "-publish_at", "-version"):
        latest.setdefault(r.index.code, r)
    boards = []
    for r in latest.values():
        periods = _periods(r)
        period = periods[-1] if periods else None
        if request.GET.get("index") == r.index.code and request.GET.get("period") in periods:
            period = request.GET["period"]
        rows = list(r.scores.filter(node=_root(r), period=period).order_by("rank", "unit"))
        boards.append({"release": r, "period": period, "periods": periods, **_ranking(r, rows)})
    with_map = [b for b in boards if b["map"]]
    for b in with_map[1:]:  # one map per page: the first index whose units are countries
        b["map"] = None
    # the banner over the whole page only when every index on it is synthetic; otherwise over
    # the synthetic boards alone, never above a real index's ranking
    synthetic = bool(boards) and all(b["release"].synthetic for b in boards)
    # (what the banner says of the countries' names: "real", "invented", or mixed)
    names = {b["release"].unit_names for b in boards} if synthetic else set()
    note = (names.pop() if len(names) == 1 else "mixed") if synthetic else ""
    return render(request, "explorer/home.html", {"boards": boards, "synthetic": note})


def _release_or_404(request: HttpRequest, index: str, version: str) -> Release:
    return visible_release_or_404(request.user, index, version)


def latest(request: HttpRequest, index: str) -> HttpResponse:
    """``/INDEX/``: the index's latest public release (for the central team, when none is
    public yet, the latest they may see); the query string is kept."""
    visible = visible_releases(request.user).filter(index__code=index)
    order = ("-publish_at", "-created_at", "-version")
    found = (
        visible.filter(publish_at__lte=timezone.now()).order_by(*order).first()
        or visible.order_by(*order).first()
    )
    if found is None:
        raise Http404("no public release of this index")
    url = reverse("explorer:release", args=[found.index.code, found.version])
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


def _page(request: HttpRequest, r: Release, title: str) -> dict[str, Any]:
    """What every page of a release shows besides its content: the release, its banners
    (synthetic data, embargo) and how to share the page (its address, by e-mail)."""
    url = request.build_absolute_uri()
    return {
        "release": r,
        "synthetic": r.synthetic,
        "embargoed": r.embargoed,
        "share": {
            "url": url,
            "mailto": f"mailto:?subject={quote(title)}&body={quote(url)}",
        },
    }


def _previous(periods: list[str], period: str | None) -> str | None:
    """The period before ``period`` (``None`` for the first)."""
    if period is None or period not in periods:
        return None
    at = periods.index(period)
    return periods[at - 1] if at > 0 else None


def _children(r: Release, code: str) -> list[tuple[str, str]]:
    """The children of node ``code`` (code, label) a ranking shows as columns: none for an
    indicator, nor when there are too many for a table."""
    item = r.definition.framework.find(code)
    if isinstance(item, Indicator) or len(item.children) > MAX_COLUMNS:
        return []
    names = _names(r)
    return [(child.code, names[child.code]) for child in item.children]


def _ranking_table(
    request: HttpRequest, r: Release, reading: Reading, node: str, period: str,
    baseline: str | None, extra: list[tuple[str, str]],
) -> tables.Ranking:  # fmt: skip
    """The ranking on ``node`` sorted and filtered as the URL asks (``sort``, ``order``,
    ``group``), with the change since ``baseline`` and the ``extra`` nodes as columns."""
    keys = [c.key for c in tables.columns(reading, extra, baseline)[0]]
    sorting, sort_notice = state.sorting(request.GET, keys)
    group, group_notice = state.group(request.GET, reading.framework.unit_groups)
    periods = [p for p in (period, baseline) if p]
    scores = r.scores.filter(period__in=periods, node__in=[node, *(c for c, _ in extra)])
    table = tables.ranking(
        reading, node, period, scores.only(*SCORE_FIELDS), baseline=baseline, extra=extra,
        group=group, sorting=sorting,
    )  # fmt: skip
    table.notices.extend(n for n in (sort_notice, group_notice) if n)
    return table


def _groups(reading: Reading) -> list[tuple[str, str]]:
    """The index's unit groups (code, name in the reader's language), to filter by."""
    return [
        (code, reading.units.group_name(code, reading.lang))
        for code in reading.framework.unit_groups
    ]


def _node_choices(r: Release) -> list[tuple[str, str]]:
    """Every node (code, label indented by depth with dashes) for a chooser."""
    names = _names(r)
    return [
        (item.code, "– " * depth + names[item.code])
        for item, _parent, depth in r.definition.framework.walk()
    ]


def release(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """A release: what the index measures, the key findings, its ranking in a period (the
    latest; ``?period=``) with the change since the period before and a column per area —
    sorted (``?sort=KEY&order=asc|desc``) and filtered by group (``?group=CODE``) as the URL
    says — the map of any node (``?node=CODE``), its downloads, licence and citation."""
    r = _release_or_404(request, index, version)
    periods, period = _chosen_period(request, r)
    reading = _reading(r)
    fw = reading.framework
    root = _root(r)
    names = _names(r)
    lang = get_language()
    context: dict[str, Any] = {
        **_page(request, r, f"{r.index.name} {r.version}"),
        **reading.context(),
        "period": period,
        "periods": periods,
        "description": fw.text(fw.description, lang),
        "findings": render_long(found) if (found := r.findings_in(lang)).strip() else "",
        "root": root,
        "groups": _groups(reading),
        "nodes": _node_choices(r),
        "notices": [],
        "scored_from": scored_from(r),
    }
    if period is None:  # a release without scores
        return render(request, "explorer/release.html", context)
    table = _ranking_table(
        request, r, reading, root, period, _previous(periods, period), _children(r, root)
    )
    map_node = request.GET.get("node") or root
    if map_node not in names:
        table.notices.append(
            gettext("There is no node “%(node)s” in this index: the map shows the index.")
            % {"node": map_node}
        )
        map_node = root
    if map_node == root:
        lines = [row.line for row in table.rows]
    else:
        rows = r.scores.filter(node=map_node, period=period).only(*SCORE_FIELDS)
        ranked = reading.ranking(
            [s for s in rows if not table.group or table.group in reading.units[s.unit].groups]
        )[0]
        lines = ranked
    now = list(r.scores.filter(node=root, period=period).order_by("rank", "unit"))
    context.update(
        {
            "table": table,
            "notices": table.notices,
            "group": table.group,
            "map": maps.choropleth(reading, lines, _profile_link(r)),
            "map_node": map_node,
            "map_label": names[map_node],
            "chart": _ranking_chart(r, root, period, now),
        }
    )
    return render(request, "explorer/release.html", context)


def download(request: HttpRequest, index: str, version: str, fmt: str) -> HttpResponse:
    """A release's data as CSV (long, wide; rank intervals and sensitivity indices when it has
    them), XLSX, JSON, a data package or a ZIP of all, in the request's language: made once,
    then served from the kept file (see :mod:`polindex.web.releases.stored`)."""
    r = _release_or_404(request, index, version)
    if fmt not in exports.formats(r):
        raise Http404("no such format")
    return stored.response(request, r, fmt, get_language() or settings.LANGUAGE_CODE)


MAX_COMPARED = 6


def compare(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """2–6 countries side by side for one period: every node, the best score of each row
    marked, the spread shown (``?units=A,B,C&period=2024`` — the state is in the URL)."""
    r = _release_or_404(request, index, version)
    periods, period = _chosen_period(request, r)
    all_units = sorted(set(r.scores.order_by().values_list("unit", flat=True).distinct()))
    asked = request.GET.getlist("u") or request.GET.get("units", "").split(",")  # no-JS / JS
    chosen = [u for u in asked if u in all_units]
    chosen = list(dict.fromkeys(chosen))[:MAX_COMPARED]
    present = set(r.scores.filter(period=period, unit__in=chosen).values_list("unit", flat=True))
    chosen = [u for u in chosen if u in present]
    reading = _reading(r)
    fw = reading.framework
    table = []
    if len(chosen) >= 2:
        scores = {
            (s.node, s.unit): s.score
            for s in r.scores.filter(period=period, unit__in=chosen).only("node", "unit", "score")
        }
        names = _names(r)
        for item, _, depth in r.definition.framework.walk():
            values = [scores.get((item.code, u)) for u in chosen]
            known = [v for v in values if v is not None]
            if not known and item.is_indicator:
                continue
            best = fw.best(known)  # the polarity says which end is best
            spread = (max(known) - min(known)) if len(known) > 1 else None
            table.append(
                {
                    "node": item.code,
                    "label": names[item.code],
                    "indent": min(depth, MAX_INDENT),  # a CSS class: no inline style
                    "is_indicator": item.is_indicator,
                    "cells": [(v, v is not None and v == best and spread) for v in values],
                    "spread": spread,
                }
            )
    context = {
        **_page(request, r, gettext("Compare countries")),
        "period": period,
        "periods": periods,
        "units": [
            (u, reading.name(u))  # countries by name, then the units apart (the EU level)
            for u in sorted(
                all_units, key=lambda u: (not reading.units[u].ranked, fold(reading.name(u)))
            )
        ],
        "chosen": chosen,
        "chosen_names": [(u, reading.name(u)) for u in chosen],
        "lower_is_better": not fw.higher_is_better,
        **reading.context(),
        "table": table,
        "chart": _compare_chart(r, period, chosen) if table and period else None,
        "max_compared": MAX_COMPARED,
    }
    return render(request, "explorer/compare.html", context)


def unit(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """A country profile: every node's score, band and rank in the chosen period (default the
    latest), the change since a baseline period (``?baseline=P``; default the period before),
    strengths and weaknesses (the groups where it ranks best and worst), its areas against the
    countries' mean, the index and each area over time; links to compare, download, share."""
    r = _release_or_404(request, index, version)
    rows = list(visible_scores(request.user).filter(release=r, unit=unit).order_by("period", "id"))
    if not rows:
        raise Http404("no such unit in this release")
    periods = sorted({row.period for row in rows})
    period = request.GET.get("period") or periods[-1]
    if period not in periods:
        raise Http404("no such period for this unit")
    previous, baseline_notice = state.baseline(request.GET, periods, period)
    names = _names(r)
    reading = _reading(r)
    fw = reading.framework
    by = {(row.period, row.node): row for row in rows}
    table = []
    for item, _, depth in r.definition.framework.walk():
        now = by.get((period, item.code))
        if now is None:
            continue
        before = by.get((previous, item.code)) if previous else None
        change = (
            now.score - before.score
            if before is not None and now.score is not None and before.score is not None
            else None
        )
        table.append(
            {
                "row": now,
                "label": names[item.code],
                "depth": depth,
                "indent": min(depth, MAX_INDENT),  # a CSS class: no inline style
                "change": change,
                "better": tables.improved(fw, change, reading.decimals),
                "band": reading.band(now.band),
                "is_indicator": item.is_indicator,
                "item": item,
            }
        )
    given = {a["indicator"]: a for a in answers(r, unit, period, get_language())}
    for t in table:
        if t["is_indicator"] and t["row"].node in given:
            a = given[t["row"].node]
            t["answer"] = a["answer"] or _raw_value(t["item"], a["value"], t["row"].score, fw)
            t["justification"] = markdown(a["justification"]) if a["justification"] else ""
            t["sources"] = a["sources"]
    group_rows = [t for t in table if not t["is_indicator"] and t["depth"] > 0 and t["row"].rank]
    # named apart from the tree: a name several groups share says its area ("Family › Rights")
    distinct = r.definition.framework.distinct_names(get_language())
    ranked = sorted(
        ({**t, "label": distinct[t["row"].node]} for t in group_rows),
        key=lambda t: (t["row"].rank, t["label"]),
    )
    root = _root(r)
    series = [by[(p, root)] for p in periods if (p, root) in by]
    uncertainty = (r.robustness or {}).get("uncertainty") or {}
    interval = next((u for u in uncertainty.get("summary", []) if u["unit"] == unit), None)
    areas = [(c.code, names[c.code]) for c in r.definition.framework.root.children]
    name = reading.name(unit)
    base = [r.index.code, r.version]
    context = {
        **_page(request, r, f"{name} — {r.index.name}"),
        "unit": unit,
        "name": name,
        "kind": reading.units[unit].kind,
        "period": period,
        "periods": periods,
        "previous": previous,
        "table": table,
        "strengths": ranked[:3],
        "weaknesses": list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
        "series": series,
        "interval": interval,
        "interval_period": uncertainty.get("period"),
        "series_chart": _series_of(r, unit, series) if len(series) > 1 else None,
        "area_series_chart": (
            _area_series_chart(r, unit, areas, rows) if len(periods) > 1 and areas else None
        ),
        "chart": _areas_chart(r, unit, period, areas, by) if areas else None,
        "baselines": periods[: periods.index(period)],
        "notices": [baseline_notice] if baseline_notice else [],
        "compare_url": reverse("explorer:compare", args=base) + f"?units={quote(unit)}",
        "scores_api": f"/api/v1/releases/{quote(r.index.code)}/{quote(r.version)}/scores"
        f"?unit={quote(unit)}&limit=1000",
        **reading.context(),
    }
    if context["chart"] is None:  # (the page's scripts draw the charts when there is one)
        context["chart"] = context["series_chart"]
    return render(request, "explorer/unit.html", context)


def _areas_chart(
    r: Release, unit: str, period: str, areas: list[tuple[str, str]], by: dict[Any, Any]
) -> charts.Chart:
    """The unit's score on each area in ``period``, against the mean of the countries."""
    return charts.areas(
        _base(r), unit, period, areas, {code: by.get((period, code)) for code, _ in areas},
        _means(r, period, [code for code, _ in areas]), _reading(r),
    )  # fmt: skip


def _means(r: Release, period: str, nodes: list[str]) -> dict[str, float | None]:
    """The mean score of the countries (the units ranked together) on each node in
    ``period``."""
    table = r.unit_table
    sums: dict[str, list[float]] = {}
    for u, node, score in r.scores.filter(period=period, node__in=nodes).values_list(
        "unit", "node", "score"
    ):
        if score is not None and PEERS[table[u].kind] == 0:
            sums.setdefault(node, []).append(score)
    return {node: sum(v) / len(v) for node, v in sums.items()}


def _area_series_chart(
    r: Release, unit: str, areas: list[tuple[str, str]], rows: list[Any]
) -> charts.Chart:
    nodes = [(_root(r), _names(r)[_root(r)]), *areas]
    return charts.area_series(_base(r), unit, nodes, rows, _reading(r))


def _raw_value(item: Any, value: str, score: float | None, fw: Any) -> str:
    """A raw value as a reader reads it: a number with the indicator's decimals and unit in the
    reader's language (``8.7 months``, ``8,7 mois``; nothing when it is its own score, as
    IMPIC's), yes or no."""
    from django.utils.formats import number_format

    if item.type == "boolean":
        truth = value.strip().lower()
        yes = truth in {"true", "yes", "1"}
        return gettext("Yes") if yes else gettext("No") if truth in {"false", "no", "0"} else value
    if item.type != "numeric":
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    if number != number:  # NaN
        return value
    if score is not None and abs(number - score) < 10 ** -(fw.decimals + 3):
        return ""  # the value is used as the score: the score column says it all
    text = number_format(round(number, item.decimals), decimal_pos=item.decimals)
    unit = fw.unit(item, get_language())
    return f"{text} {unit}" if unit else text


def _ancestors(r: Release, code: str) -> list[tuple[str, str]]:
    """The nodes above ``code``, from the index down (code, label)."""
    parents = {item.code: parent for item, parent, _ in r.definition.framework.walk()}
    names = _names(r)
    chain = []
    at = parents.get(code, "")
    while at:
        chain.append((at, names[at]))
        at = parents.get(at, "")
    return list(reversed(chain))


def _indicator(r: Release, item: Indicator, lang: str | None) -> dict[str, Any]:
    """What an indicator asks and how its answers score: its question, and its options with
    their scores (categorical), yes and no (boolean) or its range and goalposts (numeric)."""
    fw = r.definition.framework
    question = fw.text(item.question, lang) or fw.label(item, lang)
    options: list[dict[str, Any]] = []
    if item.type == "categorical":
        options = [
            {
                "label": fw.label(o, lang),
                "score": o.score,
                "description": fw.text(o.description, lang),
            }
            for o in item.options
        ]
    elif item.type == "boolean":
        yes = fw.scale.max if item.true_score is None else item.true_score
        no = fw.scale.min if item.false_score is None else item.false_score
        options = [
            {"label": gettext("Yes"), "score": yes, "description": ""},
            {"label": gettext("No"), "score": no, "description": ""},
        ]
    condition = ""
    if item.applicable_if is not None:
        rule = item.applicable_if
        values = ", ".join(rule.in_ or rule.not_in or ())
        condition = fw.text(rule.reason, lang) or (
            gettext("Applies only where “%(question)s” is %(values)s.")
            if rule.in_ is not None
            else gettext("Does not apply where “%(question)s” is %(values)s.")
        ) % {"question": _names(r).get(rule.indicator, rule.indicator), "values": values}
    return {
        "question": question,
        "description": fw.text(item.description, lang),
        "options": options,
        "numeric": item.type == "numeric",
        "unit": item.unit or "",
        "bounds": item.bounds,
        "goalposts": item.goalposts,
        "reversed": item.direction == -1,
        "condition": condition,
    }


def _answers_by_unit(
    r: Release, item: Indicator, period: str, table: tables.Ranking, lang: str | None
) -> dict[str, dict[str, Any]]:
    """Each unit's answer to indicator ``item`` in ``period`` as the release froze it: the
    chosen option (or the raw value, with its unit), the justification (Markdown, sanitised)
    and the sources."""
    fw = r.definition.framework
    scores = {row.line.unit: row.line.score for row in table.rows}
    for _section, rows in table.apart:
        scores.update({row.line.unit: row.line.score for row in rows})
    found = {}
    for a in answers(r, None, period, lang):
        if a["indicator"] != item.code:
            continue
        found[a["unit"]] = {
            "answer": a["answer"] or _raw_value(item, a["value"], scores.get(a["unit"]), fw),
            "justification": markdown(a["justification"]) if a["justification"] else "",
            "sources": a["sources"],
        }
    return found


def node(request: HttpRequest, index: str, version: str, code: str) -> HttpResponse:
    """A node (the index, an area, a dimension, an indicator) as Our World in Data shows a
    chart: one address with a chart, a table and a map (``?tab=chart|table|map``), a period
    (``?period=``), the countries of its line chart (``?units=A,B``), the table's sorting and
    group as on the release page. An indicator shows its question, its options with their
    scores and every country's answer with its justification and sources."""
    r = _release_or_404(request, index, version)
    names = _names(r)
    if code not in names:
        raise Http404("no such node")
    periods, period = _chosen_period(request, r)
    tab = state.tab(request.GET)
    reading = _reading(r)
    lang = get_language()
    item = r.definition.framework.find(code)
    label = names[code]
    context: dict[str, Any] = {
        **_page(request, r, f"{label} — {r.index.name}"),
        **reading.context(),
        "code": code,
        "label": label,
        "item": item,
        "description": r.definition.framework.text(item.description, lang),
        "ancestors": _ancestors(r, code),
        "level": _level_label(r, item, lang),
        "period": period,
        "periods": periods,
        "tab": tab,
        "tabs": [("chart", gettext("Chart")), ("table", gettext("Table")), ("map", gettext("Map"))],
        "groups": _groups(reading),
        "indicator": _indicator(r, item, lang) if isinstance(item, Indicator) else None,
        "notices": [],
    }
    if period is None:
        return render(request, "explorer/node.html", context)
    table = _ranking_table(
        request, r, reading, code, period, _previous(periods, period), _children(r, code)
    )
    context.update({"table": table, "notices": table.notices, "group": table.group})
    if tab == "map":
        context["map"] = maps.choropleth(
            reading, [row.line for row in table.rows], _profile_link(r)
        )
    elif tab == "table" and isinstance(item, Indicator):
        given = _answers_by_unit(r, item, period, table, lang)
        context["answer_rows"] = [
            {"row": row, "a": given.get(row.line.unit, {}), "section": title}
            for title, rows in [("", table.rows)] + [(s.title, rs) for s, rs in table.apart]
            for row in rows
        ]
        context["answer_columns"] = {
            "answer": any(a.get("answer") for a in given.values()),
            "why": any(a.get("justification") or a.get("sources") for a in given.values()),
        }
    elif tab == "chart":
        by_rank = sorted(
            (row for row in table.rows if row.line.rank is not None),
            key=lambda row: (row.line.rank, fold(row.line.name)),
        )
        countries = [row.line.unit for row in table.rows]
        asked = request.GET.getlist("u") or request.GET.get("units", "").split(",")
        default = [row.line.unit for row in by_rank[:TREND_UNITS]]
        chosen = state.chart_units(asked, countries, default)
        context["choices"] = sorted(
            ((row.line.unit, row.line.name) for row in table.rows), key=lambda u: fold(u[1])
        )
        context["chosen"] = chosen
        if len(periods) > 1 and chosen:
            chart = _trend_chart(r, code, chosen)
            context["chart"] = chart
            context["trend"] = _trend_table(chart, chosen, reading, periods)
            context["bars_url"] = reverse(
                "explorer:chart-ranking", kwargs={**_base(r), "node": code, "period": period,
                                                  "fmt": "html"},
            )  # fmt: skip
        else:
            rows = list(r.scores.filter(node=code, period=period).order_by("rank", "unit"))
            context["chart"] = _ranking_chart(r, code, period, rows)
    return render(request, "explorer/node.html", context)


def _level_label(r: Release, item: Any, lang: str | None) -> str:
    """The name of ``item``'s level (Area, Dimension, Indicator, …) in ``lang``."""
    fw = r.definition.framework
    if item is fw.root:
        return gettext("Index")
    if isinstance(item, Indicator):
        return gettext("Indicator")
    level = next((lv for lv in fw.levels if lv.code == item.level), None)
    return fw.text(level.label, lang, level.code) if level is not None else ""


def _trend_table(
    chart: charts.Chart, units: list[str], reading: Reading, periods: list[str]
) -> dict[str, Any]:
    """The line chart's text alternative: a row per period, a column per country."""
    score = {(row[0], row[2]): row[3] for row in chart.rows}
    return {
        "names": [reading.name(u) for u in units],
        "rows": [(p, [score.get((u, p)) for u in units]) for p in periods],
    }


def methodology(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """How the index is built, generated from the release's framework and computation spec."""
    r = _release_or_404(request, index, version)
    definition = r.definition
    fw = definition.framework
    lang = get_language()
    codebook = {row["code"]: row for row in exports.codebook(r, lang).to_dict(orient="records")}
    tree = [
        {
            "item": item,
            "label": fw.label(item, lang),
            "indent": min(depth, MAX_INDENT),  # a CSS class: no inline style
            "is_indicator": item.is_indicator,
            "weight": _number(codebook[item.code]["weight"]),
            "effective": _percent(codebook[item.code]["effective_weight"]),
            "method": codebook[item.code]["method"],
        }
        for item, _, depth in fw.walk()
    ]
    bands = [
        {"label": fw.label(b, lang), "min": b.min} for b in sorted(fw.bands, key=lambda b: -b.min)
    ]
    context = {
        "release": r,
        "tree": tree,
        "bands": bands,
        "steps": definition.pipeline.steps if definition.pipeline else [],
        "framework": fw,
        "weights_source": (r.weights_used or {}).get("source", "framework"),
        **_page(request, r, gettext("Methodology")),
    }
    return render(request, "explorer/methodology.html", context)


def _number(value: float | None) -> float | None:
    """``value``, or ``None`` when there is none (pandas gives NaN for a missing number)."""
    return None if value is None or value != value else value


def _percent(share: float | None) -> float | None:
    share = _number(share)
    return None if share is None else 100 * share


def robustness(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """Rank intervals, sensitivity indices and the audit published with the release, each
    explained in plain words, with names and labels (never codes)."""
    r = _release_or_404(request, index, version)
    rb = ReleaseRobustness(r, get_language())
    if not rb:
        raise Http404("this release has no robustness results")
    reliability = [
        {**a, "opposed": rb.opposed(a["node"]) if (a["cronbach_alpha"] or 0) < 0 else []}
        for a in rb.reliability()
    ]
    context = {
        **_page(request, r, gettext("Robustness")),
        "rb": rb,
        "intervals": rb.intervals(),
        "sensitivity": rb.sensitivity(),
        "reliability": reliability,
        "negative_alpha": any((a["cronbach_alpha"] or 0) < 0 for a in reliability),
        "opposed": [a for a in reliability if a["opposed"]],
        "formats": exports.formats(r),
        "chart": _robustness_chart(r),
    }
    return render(request, "explorer/robustness.html", context)


def search(request: HttpRequest) -> HttpResponse:
    """Countries, nodes and indicators of the visible releases whose code or label matches."""
    query = request.GET.get("q", "").strip()
    hits: list[dict[str, str]] = []
    if query:
        needle = query.casefold()
        latest: dict[str, Release] = {}
        for r in visible_releases(request.user).order_by("index__code", "-publish_at"):
            latest.setdefault(r.index.code, r)
        lang = get_language()
        for r in latest.values():
            table = r.unit_table  # a name in any of its languages finds the unit
            for u in sorted(table.find(query), key=lambda c: fold(table.name(c, lang))):
                name = table.name(u, lang)
                hits.append(
                    {
                        "kind": gettext("country")
                        if table[u].kind == "country"
                        else gettext("unit"),
                        "text": name if name == u else f"{name} ({u})",
                        "release": str(r),
                        "url": reverse("explorer:unit", args=[r.index.code, r.version, u]),
                    }
                )
            for code, label in _names(r).items():
                if needle in code.casefold() or needle in label.casefold():
                    hits.append(
                        {
                            "kind": gettext("area or indicator"),
                            "text": f"{label} ({code})",
                            "release": str(r),
                            "url": reverse("explorer:node", args=[r.index.code, r.version, code]),
                        }
                    )
    return render(request, "explorer/search.html", {"query": query, "hits": hits[:200]})


@functools.cache
def _vega_bundle() -> str:
    import vl_convert

    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]  # snippet is optional
    return bundle


def vega_bundle(request: HttpRequest) -> HttpResponse:
    """vega-embed with Vega and Vega-Lite, from the installed vl-convert package (no CDN)."""
    response = HttpResponse(_vega_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _base(r: Release) -> dict[str, str]:
    return {"index": r.index.code, "version": r.version}


def _series_of(r: Release, unit: str, rows: list[Any]) -> charts.Chart:
    reading = _reading(r)
    return charts.series(_base(r), unit, _names(r)[_root(r)], rows, reading)


def _series_chart(request: HttpRequest, r: Release, unit: str) -> charts.Chart:
    rows = list(
        visible_scores(request.user).filter(release=r, unit=unit, node=_root(r)).order_by("period")
    )
    if not rows:
        raise Http404("no such unit in this release")
    return _series_of(r, unit, rows)


def _ranking_chart(r: Release, code: str, period: str, rows: list[Any]) -> charts.Chart:
    reading = _reading(r)
    ranked, _apart = reading.ranking(rows)  # the countries: units apart are not ranked
    return charts.ranking(_base(r), code, _names(r)[code], period, ranked, reading)


def _compare_chart(r: Release, period: str, chosen: list[str]) -> charts.Chart:
    names = _names(r)
    nodes = [(item.code, names[item.code]) for item, _, depth in r.definition.framework.walk()
             if depth <= 1]  # fmt: skip
    scores = {
        (s.node, s.unit): s.score
        for s in r.scores.filter(
            period=period, unit__in=chosen, node__in=[c for c, _ in nodes]
        ).only("node", "unit", "score")
    }
    return charts.compare(_base(r), period, chosen, nodes, scores, _reading(r))


def _robustness_chart(r: Release) -> charts.Chart | None:
    uncertainty = (r.robustness or {}).get("uncertainty")
    if not uncertainty:
        return None
    target = _names(r).get(uncertainty["target"], uncertainty["target"])
    return charts.rank_intervals(
        _base(r), target, uncertainty.get("period") or "", uncertainty["summary"], _reading(r)
    )


def chart_robustness(request: HttpRequest, index: str, version: str, fmt: str) -> HttpResponse:
    """The rank intervals of the release's uncertainty analysis, in ``fmt``."""
    r = _release_or_404(request, index, version)
    chart = _robustness_chart(r)
    if chart is None:
        raise Http404("this release has no uncertainty analysis")
    return _chart_response(request, r, chart, fmt)


def chart_series(request: HttpRequest, index: str, version: str, unit: str, fmt: str
                 ) -> HttpResponse:  # fmt: skip
    """A country's index score over time, in ``fmt`` (png, svg, csv, json, html)."""
    r = _release_or_404(request, index, version)
    return _chart_response(request, r, _series_chart(request, r, unit), fmt)


def chart_ranking(
    request: HttpRequest, index: str, version: str, node: str, period: str, fmt: str
) -> HttpResponse:
    """Every country's score on a node in a period, in ``fmt``."""
    r = _release_or_404(request, index, version)
    if node not in _names(r) or period not in _periods(r):
        raise Http404("no such node or period")
    rows = list(r.scores.filter(node=node, period=period).order_by("rank", "unit"))
    return _chart_response(request, r, _ranking_chart(r, node, period, rows), fmt)


def chart_compare(
    request: HttpRequest, index: str, version: str, period: str, units: str, fmt: str
) -> HttpResponse:
    """2–6 countries side by side on the index and its areas, in ``fmt``."""
    r = _release_or_404(request, index, version)
    chosen = units.split(",")
    known = set(r.scores.filter(period=period, unit__in=chosen).values_list("unit", flat=True))
    if not _distinct(chosen, known, 2, MAX_COMPARED):
        raise Http404(f"compare 2 to {MAX_COMPARED} distinct countries of this period")
    return _chart_response(request, r, _compare_chart(r, period, chosen), fmt)


def _distinct(chosen: list[str], known: set[str], low: int, high: int) -> bool:
    """Whether ``chosen`` names ``low`` to ``high`` distinct units, all of them ``known``."""
    return low <= len(chosen) <= high and set(chosen) == known and len(known) == len(chosen)


def _trend_chart(r: Release, code: str, units: list[str]) -> charts.Chart:
    rows = list(r.scores.filter(node=code, unit__in=units).only(*SCORE_FIELDS))
    return charts.trend(_base(r), code, _names(r)[code], units, rows, _reading(r))


def chart_trend(
    request: HttpRequest, index: str, version: str, node: str, units: str, fmt: str
) -> HttpResponse:
    """1 to 8 countries' scores on a node over every period, in ``fmt``."""
    r = _release_or_404(request, index, version)
    chosen = units.split(",")
    known = set(r.scores.filter(node=node, unit__in=chosen).values_list("unit", flat=True))
    if node not in _names(r) or not _distinct(chosen, known, 1, state.MAX_CHART_UNITS):
        raise Http404(f"a node and 1 to {state.MAX_CHART_UNITS} distinct units of this release")
    return _chart_response(request, r, _trend_chart(r, node, chosen), fmt)


def _unit_rows(r: Release, unit: str) -> list[Any]:
    rows = list(r.scores.filter(unit=unit).order_by("period", "id"))
    if not rows:
        raise Http404("no such unit in this release")
    return rows


def _areas_of(r: Release) -> list[tuple[str, str]]:
    names = _names(r)
    return [(c.code, names[c.code]) for c in r.definition.framework.root.children]


def chart_areas(
    request: HttpRequest, index: str, version: str, unit: str, period: str, fmt: str
) -> HttpResponse:
    """A unit's score on each area in a period against the countries' mean, in ``fmt``."""
    r = _release_or_404(request, index, version)
    by = {(s.period, s.node): s for s in _unit_rows(r, unit)}
    if (period, _root(r)) not in by:
        raise Http404("no such period for this unit")
    return _chart_response(request, r, _areas_chart(r, unit, period, _areas_of(r), by), fmt)


def chart_area_series(
    request: HttpRequest, index: str, version: str, unit: str, fmt: str
) -> HttpResponse:
    """A unit's score on the index and each area over every period, in ``fmt``."""
    r = _release_or_404(request, index, version)
    rows = _unit_rows(r, unit)
    return _chart_response(request, r, _area_series_chart(r, unit, _areas_of(r), rows), fmt)


@functools.cache
def _renderer() -> Renderer:
    """This server process's chart renderer: a child process, so that a crash of the renderer
    fails one request, never the server (see :mod:`polindex.analysis.renderer`)."""
    from polindex.analysis.renderer import Renderer

    return Renderer()


def _chart_response(
    request: HttpRequest, r: Release, chart: charts.Chart, fmt: str
) -> HttpResponse:
    from polindex.analysis.charts import prepared

    parts = [v for k, v in chart.kwargs.items() if k not in ("index", "version")]
    name = re.sub(
        r"[^A-Za-z0-9._-]+", "-", "-".join([r.index.code, r.version, chart.route, *parts])
    )
    response: HttpResponse
    if fmt == "csv":
        response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(json.dumps(chart.spec), content_type="application/json")
    elif fmt == "svg":
        svg = _renderer().render(prepared(chart.spec), "svg")
        response = HttpResponse(svg, content_type="image/svg+xml")
    elif fmt == "png":
        png = _renderer().render(prepared(chart.spec), "png")
        response = HttpResponse(png, content_type="image/png")
    else:
        return _embed(request, r, chart)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# an embeddable chart is meant to be framed by any site: no X-Frame-Options, and a CSP that lets
# any page frame it (the rest of the policy as everywhere)
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


@csp_override(EMBED_CSP)
@xframe_options_exempt
def _embed(request: HttpRequest, r: Release, chart: charts.Chart) -> HttpResponse:
    context = {"release": r, "chart": chart, "synthetic": r.synthetic, "embargoed": r.embargoed}
    return render(request, "explorer/embed.html", context)
