"""The page comparing two releases of one index:
``/<index>/<version>/compare-with/<other>/`` (``?node=CODE``; ``?format=csv`` for its table)."""

from __future__ import annotations

import csv
import io
import math
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from polindex.web.dialogue import comparison as cmp
from polindex.web.dialogue.weights_views import release_or_404
from polindex.web.explorer.display import Reading
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases


def _others(request: HttpRequest, r: Release) -> list[Release]:
    """The other releases of the same index ``request.user`` may see, newest first."""
    return list(
        visible_releases(request.user)
        .filter(index=r.index)
        .exclude(pk=r.pk)
        .order_by("-publish_at", "-version")
    )


def choose(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """Choose the release to compare with (``?other=VERSION`` goes to the comparison), or
    compare the release with itself re-aggregated by another method (``?variant=geometric``)."""
    r = release_or_404(request, index, version)
    others = _others(request, r)
    asked = request.GET.get("other", "")
    if asked and asked in {o.version for o in others}:
        url = reverse("explorer:dialogue:compare-with", args=[index, version, asked])
        return HttpResponseRedirect(url)
    method = request.GET.get("variant", "")
    if method and not asked:
        try:
            outcome = cmp.variant(r, method, request.GET.get("node") or None)
        except cmp.CannotCompareError as exc:
            context = {**_base(request, r), "others": others, "notices": [str(exc)]}
            return render(request, "dialogue/comparison.html", {**context, "outcome": None,
                          **_variants(method, r)}, status=400)  # fmt: skip
        return _show(request, r, outcome, others, _variants(method, r))
    notices = []
    if asked:
        notices.append(_("There is no other release “%(version)s” of this index.")
                       % {"version": asked[:64]})  # fmt: skip
    context = {**_base(request, r), "others": others, "notices": notices, "outcome": None}
    context.update(_variants(method, r))
    return render(request, "dialogue/comparison.html", context, status=404 if asked else 200)


def _variants(chosen: str, r: Release) -> dict[str, Any]:
    """The variants to compare the release with, by kind — aggregation methods, and for a
    release its pipeline can rebuild, normalisations and imputations: ``variants`` as (kind,
    [(code, name, chosen)]), and ``variants_note`` saying why some kinds do not apply."""
    rebuilt, note = cmp.rebuilt_variants(r)
    kinds = [(_("Aggregation"), [(c, n(), c == chosen) for c, n in cmp.VARIANTS.items()])]
    for step, kind in (("normalise", _("Normalisation")), ("impute", _("Imputation"))):
        found = [(c, cmp.variant_name(c), c == chosen) for c in rebuilt if c.startswith(step)]
        if found:
            kinds.append((kind, found))
    return {"variants": kinds, "variants_note": note}


def _base(request: HttpRequest, r: Release) -> dict[str, Any]:
    url = request.build_absolute_uri()
    return {
        "release": r,
        "embargoed": r.embargoed,
        "synthetic": r.synthetic,
        "share": {"url": url, "mailto": f"mailto:?subject={quote(str(r))}&body={quote(url)}"},
    }


def _n(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def rows(outcome: cmp.Outcome, reading: Reading) -> list[dict[str, Any]]:
    """The comparison's table as rows a page and a CSV show (unit names in the reader's
    language)."""
    return [
        {
            "unit": row["unit"],
            "name": reading.name(row["unit"]),
            "score_a": _n(row["score_a"]),
            "score_b": _n(row["score_b"]),
            "score_difference": _n(row["score_difference"]),
            "rank_a": row["rank_a"],
            "rank_b": row["rank_b"],
            "rank_difference": row["rank_difference"],
        }
        for row in outcome.comparison.table.to_dict("records")
    ]


def movers(outcome: cmp.Outcome, names: dict[str, str], top: int = 3) -> list[dict[str, Any]]:
    """The biggest movers, each with the nodes whose contributions moved it most."""
    out = []
    table = outcome.comparison.table.head(cmp.MOVERS)
    for row in table.to_dict("records"):
        reasons = [
            {"node": code, "name": names.get(code, code), "difference": d}
            for code, d in outcome.comparison.explain(row["unit"], top=top)
            if abs(d) > 1e-9
        ]
        if reasons:
            out.append({"unit": row["unit"], "reasons": reasons})
    return out


def compare_with(request: HttpRequest, index: str, version: str, other: str) -> HttpResponse:
    """Two releases of one index side by side: each country's score and rank in both and the
    differences, the biggest movers explained by the nodes that moved them; when the
    methodologies differ, on the indicators both share (the earlier figures back-cast)."""
    r = release_or_404(request, index, version)
    o = release_or_404(request, index, other)
    context: dict[str, Any] = {**_base(request, r), "others": _others(request, r), "other": o}
    notices = []
    outcome = None
    node = request.GET.get("node") or None
    if o.pk == r.pk:
        notices.append(_("Choose another release to compare this one with."))
    else:
        try:
            outcome = cmp.compare(r, o, node)
        except cmp.CannotCompareError as exc:
            notices.append(str(exc))
    if outcome is None:
        context.update({"notices": notices, "outcome": None})
        return render(request, "dialogue/comparison.html", context, status=400)
    return _show(request, r, outcome, context["others"], _variants("", r), o)


def _show(
    request: HttpRequest, r: Release, outcome: cmp.Outcome, others: list[Release],
    variants: dict[str, Any], o: Release | None = None,
) -> HttpResponse:  # fmt: skip
    """The comparison page (or its CSV) for ``outcome``."""
    reading = Reading(outcome.b, get_language())
    names = reading.framework.labels(get_language())
    node = request.GET.get("node") or None
    table = rows(outcome, reading)
    if request.GET.get("format") == "csv":
        return _csv(outcome, table)
    bc = outcome.backcast
    va, vb = outcome.labels
    query = {k: v for k, v in (("node", node), ("variant", outcome.variant)) if v}
    api = f"/api/v1/releases/{quote(r.index.code)}/{quote(r.version)}/compare-with/"
    context = {
        **_base(request, r),
        "others": others,
        "other": o,
        **variants,
        "rebuilt": outcome.variant in cmp.REBUILT,
        "variant_name": cmp.variant_name(outcome.variant) if outcome.variant else "",
        "notices": [],
        "outcome": outcome,
        "a": outcome.a,
        "b": outcome.b,
        "va": va,
        "vb": vb,
        "node_name": names.get(outcome.comparison.node, outcome.comparison.node),
        "table": table,
        "movers": [
            {
                **m,
                "name": reading.name(m["unit"]),
                "row": next(t for t in table if t["unit"] == m["unit"]),
            }
            for m in movers(outcome, names)
        ],
        "only_a": [reading.name(u) for u in outcome.comparison.only_a],
        "only_b": [reading.name(u) for u in outcome.comparison.only_b],
        "backcast": bc,
        "core": len(bc.core) if bc else 0,
        "dropped": _old_names(outcome, bc.dropped) if bc else [],
        "added": [names.get(c, c) for c in bc.added] if bc else [],
        "left_out": [names.get(c, c) for c in bc.left_out] if bc else [],
        "renamed": (renamed := _renamed(outcome, names)),
        "renamed_text": ", ".join(renamed),
        "csv": "?" + urlencode({**query, "format": "csv"}),
        "api": api + quote(o.version) if o is not None else None,
        "lower_is_better": not reading.framework.higher_is_better,
        **reading.context(),
    }
    return render(request, "dialogue/comparison.html", context)


def _renamed(outcome: cmp.Outcome, names: dict[str, str]) -> list[str]:
    """The crosswalk's renamed indicators as "old name → new name" (empty without one)."""
    if outcome.crosswalk is None or outcome.backcast is None:
        return []
    old = outcome.a.definition.framework.labels(get_language())
    return [
        f"{old.get(k.old, k.old)} → {names.get(k.new, k.new)}"
        for k in outcome.backcast.links
        if k.kind == "renamed" and k.old is not None and k.new is not None
    ]


def _old_names(outcome: cmp.Outcome, codes: list[str]) -> list[str]:
    """The names of ``codes`` in the earlier release's framework."""
    names = outcome.a.definition.framework.labels(get_language())
    return [names.get(c, c) for c in codes]


def _csv(outcome: cmp.Outcome, table: list[dict[str, Any]]) -> HttpResponse:
    out = io.StringIO()
    a, b = outcome.a.version, outcome.b.version if outcome.variant is None else outcome.variant
    cast = "_backcast" if outcome.backcast else ""  # the earlier figures, back-cast
    fields = ["unit", "name", f"score_{a}{cast}", f"score_{b}", "score_difference",
              f"rank_{a}{cast}", f"rank_{b}", "places_gained"]  # fmt: skip
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in table:
        writer.writerow(
            [row["unit"], row["name"], row["score_a"], row["score_b"], row["score_difference"],
             row["rank_a"], row["rank_b"], row["rank_difference"]]
        )  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{outcome.a.index.code}-{a}-vs-{b}.csv".replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
