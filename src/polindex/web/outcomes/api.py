"""``/api/v1/releases/{index}/{version}/outcomes``: the outcome page's figures as JSON — a
policy node against an outcome, with the pairs, r, its 95 % interval and n, and the periods;
on the visible releases only (an unknown release is a 404). An outcome, node or period the
release does not have pairs nothing, and ``problems`` says why."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language, gettext
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.params import functions as params

from polindex.analysis.outcomes import outcome_period
from polindex.web.addresses import NO_CONTROL
from polindex.web.api.problems import Problem
from polindex.web.outcomes.models import Outcome
from polindex.web.outcomes.views import alignment, linked
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_releases

router = Router(tags=["outcomes"])
CAVEAT = "Correlation is not causation."


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
    problems: list[str] = Field(
        default_factory=list,
        description="Why nothing is paired: an outcome, node or period the release lacks",
    )


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
    periods = sorted(set(release.scores.values_list("period", flat=True)))
    code, when = node or fw.root.code, period or (periods[-1] if periods else "")
    chosen = next((o for o in found if o.code == (outcome or found[0].code)), None)
    values = list(chosen.values.all()) if chosen is not None else []
    available = sorted({v.period for v in values})
    against = outcome_period_ or outcome_period(when, available) or ""
    problems = [
        message
        for wrong, message in [
            (not found, "this release has no outcome indicators"),
            (bool(found) and chosen is None, f"no outcome {outcome!r} in this release"),
            (code not in fw.labels(), f"no node {code!r} in this release"),
            (when not in periods, f"no period {when!r} in this release"),
            (chosen is not None and against not in available,
             f"no period {against!r} for this outcome"),
        ]
        if wrong
    ]  # fmt: skip
    head = {"index": release.index.code, "version": release.version, "node": code, "period": when}
    if problems or chosen is None:  # (said so, with nothing to pair)
        return LinkageOut(
            **head, outcome=outcome or "", outcome_label="", measure="", outcome_period=against,
            outcomes=[o.code for o in found], n=0, r=None, r_low=None, r_high=None,
            alignment="", caveat=gettext(CAVEAT), pairs=[], problems=problems,
        )  # fmt: skip
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
