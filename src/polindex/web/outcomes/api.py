"""``/api/v1/releases/{index}/{version}/outcomes``: the outcome page's figures as JSON — a
policy node against an outcome, with the pairs, r, its 95 % interval and n, and the periods;
on the visible releases only. An unknown outcome, node or period is a 404 with a ``detail``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language, gettext
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params import functions as params

from polindex.analysis.outcomes import outcome_period
from polindex.web.addresses import NO_CONTROL
from polindex.web.outcomes.models import Outcome
from polindex.web.outcomes.views import alignment, linked
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases

router = Router(tags=["outcomes"])
CAVEAT = "Correlation is not causation."


class Problem(Schema):
    detail: str | list[dict[str, Any]]


class PairOut(Schema):
    unit: str
    name: str
    score: float
    value: float


class LinkageOut(Schema):
    index: str
    version: str
    node: str
    period: str
    outcome: str
    outcome_label: str
    measure: str
    outcome_period: str
    outcomes: list[str]
    n: int
    r: float | None
    r_low: float | None
    r_high: float | None
    alignment: str
    caveat: str
    pairs: list[PairOut]


def _text() -> Any:
    return params.Query(None, pattern=NO_CONTROL)


@router.get(
    "/releases/{index}/{version}/outcomes",
    response={200: LinkageOut, 404: Problem, 422: Problem},
)
def outcome_linkage(
    request: HttpRequest,
    index: str,
    version: str,
    outcome: str | None = _text(),
    node: str | None = _text(),
    period: str | None = _text(),
    outcome_period_: str | None = params.Query(None, alias="outcome_period", pattern=NO_CONTROL),
) -> LinkageOut:
    """A policy node (default: the index) in a period (default: the latest) against an
    outcome (default: the first) in a period (default: the same, else the next one after)."""
    try:
        release = visible_releases(request.user).get(index__code=index, version=version)
    except Release.DoesNotExist:
        raise HttpError(404, "no such release") from None
    found = list(Outcome.objects.filter(release=release))
    fw = release.definition.framework
    code = node or fw.root.code
    if code not in fw.labels():
        raise HttpError(404, f"no node {code!r} in this release")
    periods = sorted(set(release.scores.values_list("period", flat=True)))
    when = period or periods[-1]
    if when not in periods:
        raise HttpError(404, f"no period {when!r} in this release")
    head = {"index": release.index.code, "version": release.version, "node": code, "period": when}
    if not found and not outcome:  # (none imported: said so, with nothing to pair)
        return LinkageOut(
            **head, outcome="", outcome_label="", measure="", outcome_period="", outcomes=[],
            n=0, r=None, r_low=None, r_high=None, alignment="", caveat=gettext(CAVEAT), pairs=[],
        )  # fmt: skip
    chosen = next((o for o in found if o.code == (outcome or found[0].code)), None)
    if chosen is None:
        raise HttpError(404, f"no outcome {outcome!r} in this release")
    values = list(chosen.values.all())
    available = sorted({v.period for v in values})
    against = outcome_period_ or outcome_period(when, available) or ""
    if against not in available:
        raise HttpError(404, f"no period {against!r} for outcome {chosen.code}")
    lk = linked(release, code, when, values, against)
    lang = get_language()
    return LinkageOut(
        **head, outcome=chosen.code, outcome_label=chosen.name,
        measure=chosen.measure, outcome_period=against, outcomes=[o.code for o in found],
        n=lk.n, r=lk.r, r_low=lk.low, r_high=lk.high, alignment=alignment(lk),
        caveat=gettext(CAVEAT),
        pairs=[PairOut(unit=u, name=release.unit_table.name(u, lang), score=x, value=y)
               for u, x, y in lk.pairs],
    )  # fmt: skip
