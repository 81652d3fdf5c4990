"""The page "your own weights": ``/<index>/<version>/weights/?level=area&w.LMM=5&w.EDU=0``."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from polindex.analysis.custom_weights import WeightsError
from polindex.web.dialogue import weights as w
from polindex.web.dialogue.frozen import official_results
from polindex.web.explorer.display import Reading
from polindex.web.explorer.templatetags.scores import MINUS
from polindex.web.explorer.templatetags.scores import score as score_filter
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_release_or_404


def release_or_404(request: HttpRequest, index: str, version: str) -> Release:
    """The release if ``request.user`` may see it (404 otherwise: an embargoed release does not
    exist for those who may not see it)."""
    return visible_release_or_404(request.user, index, version)


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def weights(request: HttpRequest, index: str, version: str) -> HttpResponse:
    """A weight 0–5 for each node of a level (``?level=``; default the areas; blank: the
    official weight), the ranking under those weights beside the official one, and for each
    country whether its new rank lies inside its official rank interval."""
    r = release_or_404(request, index, version)
    fw = r.definition.framework
    reading = Reading(r, get_language())
    names = fw.labels(get_language())
    notices: list[str] = []
    levels = w.levels(fw)
    level = request.GET.get("level") or levels[0]
    if level not in levels:
        notices.append(_("There is no level “%(level)s” in this index: the areas are shown.")
                       % {"level": level[:64]})  # fmt: skip
        level = levels[0]
    given = {k[len(w.PREFIX) :]: v for k, v in request.GET.items() if k.startswith(w.PREFIX)}
    chosen, problems = w.read_weights(fw, given, names)
    period = request.GET.get("period") or None
    ranking = None
    if not problems:
        try:
            ranking = w.rank(r, chosen, period)
        except w.WeightsUnavailableError as exc:
            notices.append(str(exc))
        except WeightsError as exc:
            problems = w.zero_groups(exc, names)
    rows: list[dict[str, Any]] = []
    summary = None
    has_intervals = w.intervals_of(r) is not None
    if ranking is not None:
        if ranking.note:
            notices.append(
                _("The release's rank intervals are for another node or period: they are left out.")
            )
        text = Numbers(reading.decimals)
        profile = reverse("explorer:unit", args=[r.index.code, r.version, "-"])[:-2]
        for row in ranking.table.to_dict("records"):
            low, high = _number(row["interval_low"]), _number(row["interval_high"])
            moved = row["rank_difference"]
            rows.append(
                {
                    "unit": row["unit"],
                    "url": profile + quote(str(row["unit"])) + "/",
                    "name": reading.name(row["unit"]),
                    "score": text.score(_number(row["score"])),
                    "rank": row["rank"],
                    "custom_score": text.score(_number(row["custom_score"])),
                    "custom_rank": row["custom_rank"],
                    "moved": moved,
                    "moved_text": text.change(moved),
                    "interval": _whole(low, high),
                    "within": row["within"],
                }
            )
        known = [x for x in rows if x["within"] is not None]
        if known:
            summary = {"within": sum(1 for x in known if x["within"]), "of": len(known)}
    official_weights = _official_weights(r)
    fields = [
        {
            "code": code,
            "name": names[code],
            "value": given.get(code, ""),
            "official": official_weights.get(code),
            "error": _field_error(code, given.get(code, ""), names),
        }
        for code in w.level_nodes(fw, level)
    ]
    extra = [(c, names.get(c, c), v) for c, v in given.items() if v.strip() and c in names
             and c not in {f["code"] for f in fields}]  # fmt: skip
    base = reverse("explorer:dialogue:weights", args=[r.index.code, r.version])
    period_shown = ranking.period if ranking is not None else None
    context = {
        "release": r,
        "embargoed": r.embargoed,
        "synthetic": r.synthetic,
        "levels": [(lv, _level_name(fw, lv)) for lv in levels],
        "level": level,
        "fields": fields,
        "extra": extra,
        "problems": problems,
        "notices": notices,
        "rows": rows,
        "summary": summary,
        "has_intervals": has_intervals,
        "interval_period": ((r.robustness or {}).get("uncertainty") or {}).get("period"),
        "period": period_shown,
        "periods": [str(p) for p in official_results(r).periods] if ranking is not None else [],
        "reset": f"{base}?{urlencode({'level': level})}",
        "api": f"/api/v1/releases/{r.index.code}/{r.version}/weights?"
        + urlencode({"weights": ",".join(f"{c}:{v}" for c, v in given.items() if v.strip())}),
        "index_name": names[fw.root.code],
        "lower_is_better": not fw.higher_is_better,
        "custom": bool(chosen),
        **reading.context(),
    }
    context["share"] = {
        "url": request.build_absolute_uri(),
        "mailto": f"mailto:?subject={quote(_('Your own weights'))}&body="
        f"{quote(request.build_absolute_uri())}",
    }
    context["body"] = _body(rows, has_intervals)
    status = 400 if problems else 200
    return render(request, "dialogue/weights.html", context, status=status)


def _field_error(code: str, text: str, names: dict[str, str]) -> str:
    """The message for the weight given to ``code`` ("" when it is usable or blank)."""
    return w.parse_weight(code, text, names)[1] if text.strip() else ""


def _whole(low: float | None, high: float | None) -> tuple[int, int] | None:
    """An interval of ranks as whole ranks (the ranks a unit can take inside it)."""
    if low is None or high is None:
        return None
    return math.ceil(low - 1e-9), math.floor(high + 1e-9)


def _body(rows: list[dict[str, Any]], has_intervals: bool) -> SafeString:
    """The table's rows as HTML, every text escaped (a template loop over 200 rows × 8 cells
    costs more than the ranking itself)."""
    yes, no = escape(_("yes")), f"<strong>{escape(_('no'))}</strong>"
    out = []
    for row in rows:
        cells = [
            f'<tr><th scope="row"><a href="{escape(row["url"])}">{escape(row["name"])}</a></th>',
            f'<td class="num">{_rank(row["custom_rank"])}</td>',
            f'<td class="num">{_rank(row["rank"])}</td>',
        ]
        if has_intervals:
            low_high = row["interval"]
            within = row["within"]
            shown = "–".join(str(x) for x in dict.fromkeys(low_high)) if low_high else "–"
            cells.append(f'<td class="num">{shown}</td>')  # 3–5, or 1 alone
            cells.append(f"<td>{'–' if within is None else yes if within else no}</td>")
        moved = row["moved"]
        css = " better" if moved and moved > 0 else " worse" if moved and moved < 0 else ""
        cells.append(f'<td class="num{css}">{escape(row["moved_text"])}</td>')
        cells.append(f'<td class="num">{escape(row["custom_score"])}</td>')
        cells.append(f'<td class="num">{escape(row["score"])}</td></tr>')
        out.append("".join(cells))
    return mark_safe("\n".join(out))  # every text above is escaped


def _rank(rank: Any) -> str:
    return "–" if rank is None or (isinstance(rank, float) and math.isnan(rank)) else str(int(rank))


class Numbers:
    """Scores and changes as the ``score`` and ``change`` filters write them, made fast for a
    table of hundreds of rows (scores below 1,000 need no thousands separator)."""

    def __init__(self, decimals: int) -> None:
        self.decimals = decimals
        self.point = str(get_format("DECIMAL_SEPARATOR"))

    def score(self, value: float | None) -> str:
        """``12.35`` → ``12.3`` (``12,3`` in French); "–" for none."""
        if value is None:
            return "–"
        if abs(value) >= 1000:
            return score_filter(value, self.decimals)
        text = f"{round(value, self.decimals):.{self.decimals}f}".replace(".", self.point)
        return text.replace("-", MINUS)

    def change(self, places: Any) -> str:
        """A change of places, signed (``+2``, ``−1``, ``0``); "–" for none."""
        if places is None or (isinstance(places, float) and math.isnan(places)):
            return "–"
        n = int(places)
        return f"+{n}" if n > 0 else f"{MINUS}{-n}" if n < 0 else "0"


def _official_weights(r: Release) -> dict[str, float]:
    """Each node's official weight (as the release used it)."""
    given = r.weights_used.get("given") if isinstance(r.weights_used, dict) else None
    if isinstance(given, dict):
        return {str(k): float(v) for k, v in given.items() if isinstance(v, int | float)}
    return {}


def _level_name(fw: Any, level: str) -> str:
    if level == "indicator":
        return _("Indicators")
    found = next((lv for lv in fw.levels if lv.code == level), None)
    if found is None:
        return level
    text: str = fw.text(found.label, get_language()) or found.plural
    return text
