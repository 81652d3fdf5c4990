"""``/INDEX/VERSION/outcomes/``: a policy node against an outcome indicator — a scatter of the
countries with their names, Pearson's r with its 95 % interval and n, the periods set against
each other, and the caveat that a correlation is not a cause. State in the address
(``?node=&outcome=&period=&outcome_period=``); a value the release does not have gives the
default with a notice."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.http import require_safe

from polindex.analysis.outcomes import Linkage, link, outcome_period
from polindex.framework.units import PEERS
from polindex.web.explorer.templatetags.scores import score as shown
from polindex.web.outcomes.models import Outcome
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_release_or_404


def _release(request: HttpRequest, index: str, version: str) -> Release:
    return visible_release_or_404(request.user, index, version)


def _chosen(request: HttpRequest, name: str, allowed: list[str], default: str) -> tuple[str, str]:
    """The value of ``?name=`` when allowed, else the default and a notice."""
    asked = request.GET.get(name, "")
    if not asked or asked in allowed:
        return asked or default, ""
    return default, gettext("“%(value)s” is not available here: showing %(default)s.") % {
        "value": asked[:64],
        "default": default,
    }


@require_safe
def outcomes(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """The release's outcome indicators against any of its nodes."""
    release = _release(request, index, version)
    fw = release.definition.framework
    lang = get_language()
    labels = fw.labels(lang)
    context: dict[str, Any] = {"release": release, "synthetic": release.synthetic, "notices": []}
    found = list(Outcome.objects.filter(release=release))
    context["outcomes"] = found
    if not found:
        return render(request, "outcomes/outcomes.html", context)
    nodes = [
        (item.code, "\u00a0\u00a0" * depth + labels[item.code]) for item, _, depth in fw.walk()
    ]
    periods = sorted(set(release.scores.values_list("period", flat=True)))
    node, n1 = _chosen(request, "node", [c for c, _ in nodes], fw.root.code)
    code, n2 = _chosen(request, "outcome", [o.code for o in found], found[0].code)
    period, n3 = _chosen(request, "period", periods, periods[-1])
    outcome = next(o for o in found if o.code == code)
    values = list(outcome.values.all())
    outcome_periods = sorted({v.period for v in values})
    aligned = outcome_period(period, outcome_periods) or ""
    chosen_outcome_period, n4 = _chosen(request, "outcome_period", outcome_periods, aligned)
    linkage = linked(release, node, period, values, chosen_outcome_period)
    table = release.unit_table
    names = {u: table.name(u, lang) for u, _, _ in linkage.pairs}
    measured = f"{outcome.name} ({outcome.measure})" if outcome.measure else outcome.name
    context.update(
        {
            "notices": [n for n in (n1, n2, n3, n4) if n],
            "nodes": nodes,
            "node": node,
            "node_label": labels[node],
            "periods": periods,
            "period": period,
            "outcome": outcome,
            "outcome_periods": outcome_periods,
            "outcome_period": chosen_outcome_period,
            "linkage": linkage,
            "alignment": alignment(linkage),
            "rows": [
                (names[u], x, y) for u, x, y in sorted(linkage.pairs, key=lambda p: names[p[0]])
            ],
            "decimals": fw.decimals,
            "scatter": scatter(linkage, names, labels[node], measured, fw.decimals, _scale(fw)),
            "sources": sorted({v.source for v in values if v.source}),
        }
    )
    return render(request, "outcomes/outcomes.html", context)


def linked(
    release: Release, node: str, period: str, values: list[Any], outcome_period: str
) -> Linkage:
    """``node``'s scores in ``period`` for the release's ranked countries against the outcome
    ``values`` of ``outcome_period`` (the page's and the API's figures)."""
    table = release.unit_table
    names = table.names()
    scores = {
        row.unit: row.score
        for row in release.scores.filter(node=node, period=period)
        if row.unit in names and PEERS[table[row.unit].kind] == 0  # countries
    }
    at = {v.unit: v.value for v in values if v.period == outcome_period}
    return link(scores, at, period, outcome_period)


def alignment(linkage: Linkage) -> str:
    """Which periods were set against each other, in words."""
    lag = linkage.lag
    about = {"policy": linkage.policy_period, "outcome": linkage.outcome_period}
    if lag == 0 or linkage.policy_period == linkage.outcome_period:
        return gettext("Policy scores and outcomes of the same period, %(policy)s.") % about
    if lag is not None and lag > 0:
        return ngettext(
            "Policy scores of %(policy)s against outcomes of %(outcome)s, %(n)d year later.",
            "Policy scores of %(policy)s against outcomes of %(outcome)s, %(n)d years later.",
            lag,
        ) % {**about, "n": lag}
    return (
        gettext(
            "Policy scores of %(policy)s against outcomes of %(outcome)s: the outcomes are older "
            "than the policies."
        )
        % about
    )


def scatter(
    linkage: Linkage,
    names: dict[str, str],
    x_label: str,
    y_label: str,
    decimals: int,
    scale: tuple[float, float] | None = None,
) -> SafeString:
    """The scatter as an SVG drawn on the server (no script needed): a named dot per country,
    the axes with their range; every text escaped."""
    if not linkage.pairs:
        return mark_safe("")
    width, height, left, bottom, top, right = 640, 420, 70, 50, 20, 130
    xs, ys = [p[1] for p in linkage.pairs], [p[2] for p in linkage.pairs]
    x0, x1 = _span(xs)
    if scale is not None and scale[0] <= min(xs) and max(xs) <= scale[1]:
        x0, x1 = scale  # the index's own scale
    y0, y1 = _span(ys)

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (width - left - right)

    def py(y: float) -> float:
        return height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom)

    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" class="scatter" '
        f'aria-labelledby="scatter-title"><title id="scatter-title">'
        f"{escape(x_label)} — {escape(y_label)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        'class="axis"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" class="axis"/>',
    ]
    for k in range(5):
        xv, yv = x0 + (x1 - x0) * k / 4, y0 + (y1 - y0) * k / 4
        parts.append(
            f'<text x="{px(xv):.1f}" y="{height - bottom + 18}" class="tick" '
            f'text-anchor="middle">{escape(shown(xv, decimals))}</text>'
            f'<text x="{left - 6}" y="{py(yv) + 4:.1f}" class="tick" '
            f'text-anchor="end">{escape(shown(yv, 2 if abs(y1 - y0) < 10 else 1))}</text>'
        )
    parts.append(
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 8}" class="label" '
        f'text-anchor="middle">{escape(x_label)}</text>'
        f'<text transform="translate(14 {(top + height - bottom) / 2:.0f}) rotate(-90)" '
        f'class="label" text-anchor="middle">{escape(y_label)}</text>'
    )
    dots = [(unit, px(x), py(y), x, y) for unit, x, y in linkage.pairs]
    frame = (left, top, width, height - bottom)  # names may run into the right margin
    placed = place_labels([(cx, cy, names[unit]) for unit, cx, cy, _x, _y in dots], frame)
    tip = gettext("%(name)s: %(x)s, %(y)s")  # a dot's tooltip: its country and two values
    for (unit, cx, cy, x, y), at in zip(dots, placed, strict=True):
        name = escape(names[unit])
        values = {"x": shown(x, decimals), "y": shown(y, 2)}
        label = (  # only where it overlaps no other name or dot: the table names every one
            f'<text x="{at[0]:.1f}" y="{at[1]:.1f}" class="name" text-anchor="{at[2]}">'
            f"{name}</text>"
            if at
            else ""
        )
        parts.append(
            f"<g><title>{escape(tip % {'name': names[unit], **values})}</title>"
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5"/>{label}</g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # (every text above is escaped)


CHAR_WIDTH, LINE_HEIGHT, DOT = 6.2, 12.0, 5.0
"""A name's estimated size in the scatter (11 px text: width per character, height) and a
dot's radius, in the SVG's units."""


def place_labels(
    dots: list[tuple[float, float, str]], frame: tuple[float, float, float, float]
) -> list[tuple[float, float, str] | None]:
    """Where to write each dot's name (``x, y, text-anchor``), or ``None`` where it fits
    nowhere: to the right of its dot, else to the left, above or below — never over another
    name or dot, nor out of ``frame`` (left, top, right, bottom).

    Examples
    --------
    >>> place_labels([(100, 100, "A"), (300, 100, "B")], (0, 0, 640, 420))
    [(108, 104, 'start'), (308, 104, 'start')]
    >>> place_labels([(100, 100, "Alpha"), (103, 101, "Beta")], (0, 0, 640, 420))[1]
    (95, 105, 'end')
    >>> crowd = [(100, 100, "Alpha"), (60, 100, "Beta"), (140, 100, "Gamma"),
    ...          (100, 80, "Delta"), (100, 120, "Eta")]
    >>> place_labels(crowd, (0, 0, 640, 420))[0] is None  # hemmed in: the table names it
    True
    """
    left, top, right, bottom = frame
    taken = [(x - DOT, y - DOT, x + DOT, y + DOT) for x, y, _name in dots]
    out: list[tuple[float, float, str] | None] = []
    for i, (x, y, name) in enumerate(dots):
        w = len(name) * CHAR_WIDTH
        mid = min(max(x - w / 2, left), right - w)  # above or below, kept inside the frame
        choices = [  # (text x, baseline y, anchor, box)
            (x + 8, y + 4, "start", (x + 8, y - 8, x + 8 + w, y + 4)),
            (x - 8, y + 4, "end", (x - 8 - w, y - 8, x - 8, y + 4)),
            (mid, y - 8, "start", (mid, y - 8 - LINE_HEIGHT, mid + w, y - 8)),
            (mid, y + 8 + LINE_HEIGHT, "start", (mid, y + 8, mid + w, y + 8 + LINE_HEIGHT)),
        ]
        for tx, ty, anchor, box in choices:
            inside = box[0] >= left and box[1] >= top and box[2] <= right and box[3] <= bottom
            if inside and not any(_overlap(box, t) for k, t in enumerate(taken) if k != i):
                taken.append(box)
                out.append((tx, ty, anchor))
                break
        else:
            out.append(None)
    return out


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _scale(fw: Any) -> tuple[float, float] | None:
    scale = getattr(fw, "scale", None)
    low, high = getattr(scale, "min", None), getattr(scale, "max", None)
    if low is None or high is None or not high > low:
        return None
    return float(low), float(high)


def _span(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if math.isclose(low, high):
        return low - 1, high + 1
    pad = (high - low) * 0.05
    return low - pad, high + pad
