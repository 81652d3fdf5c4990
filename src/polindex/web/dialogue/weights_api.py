"""API routes of "your own weights" and of comparing releases:
``/api/v1/releases/{index}/{version}/weights`` and ``.../compare-with/{other}``, on visible
releases only; bad input is a 4xx with a ``detail``."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.params import functions as params

from polindex.analysis.custom_weights import WeightsError
from polindex.web.addresses import NO_CONTROL
from polindex.web.api.problems import PROBLEMS
from polindex.web.dialogue import comparison as cmp
from polindex.web.dialogue import weights as w
from polindex.web.dialogue.comparison_views import movers, rows
from polindex.web.explorer.display import Reading
from polindex.web.releases.models import Release
from polindex.web.releases.visibility import visible_release_or_404

router = Router(tags=["dialogue"])
MAX_PARAMETER = 2000


def _release(request: HttpRequest, index: str, version: str) -> Release:
    return visible_release_or_404(request.user, index, version)


class WeightsRow(Schema):
    unit: str
    name: str
    score: float | None
    rank: int | None
    custom_score: float | None
    custom_rank: int | None
    places_gained: int | None
    interval_low: float | None
    interval_high: float | None
    within: bool | None = Field(
        description="Whether the custom rank lies in the official rank interval (null: none)"
    )


class WeightsOut(Schema):
    node: str
    period: str
    weights: dict[str, float] = Field(description="Every weight used, by node code")
    intervals: bool = Field(description="Whether the release has official rank intervals")
    within: int | None = Field(description="Units whose custom rank lies in their interval")
    of: int | None = Field(description="Units with an interval")
    rows: list[WeightsRow]


def _float(value: object) -> float | None:
    return None if value is None or value != value else float(value)  # type: ignore[arg-type]


def _int(value: object) -> int | None:
    return None if value is None or value != value else int(value)  # type: ignore[call-overload]


def _parse(text: str) -> dict[str, str]:
    if len(text) > MAX_PARAMETER:
        raise HttpError(422, f"weights: at most {MAX_PARAMETER} characters")
    given: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        code, sep, value = part.partition(":")
        if not sep:
            raise HttpError(422, f"weights: {part[:64]!r} is not CODE:WEIGHT")
        given[code.strip()] = value.strip() or "?"
    return given


@router.get("/releases/{index}/{version}/weights", response={200: WeightsOut, **PROBLEMS})
def release_weights(
    request: HttpRequest,
    index: str,
    version: str,
    weights: str = params.Query("", pattern=NO_CONTROL, description="CODE:WEIGHT,… (0 to 5 each)"),
    period: str | None = params.Query(None, pattern=NO_CONTROL),
) -> WeightsOut:
    """The ranking of the index under your own weights (``weights=LMM:5,FAM:1,EDU:0``: node
    codes and numbers from 0 to 5; the others keep their official weights), beside the
    official ranking, and whether each custom rank lies in the official rank interval."""
    r = _release(request, index, version)
    fw = r.definition.framework
    chosen, problems = w.read_weights(fw, _parse(weights), fw.labels(get_language()))
    if problems:
        raise HttpError(422, " ".join(problems))
    try:
        ranking = w.rank(r, chosen, period)
    except w.WeightsUnavailableError as exc:
        raise HttpError(422, str(exc)) from None
    except WeightsError as exc:
        raise HttpError(422, " ".join(w.zero_groups(exc, fw.labels(get_language())))) from None
    reading = Reading(r, get_language())
    out = [
        WeightsRow(
            unit=row["unit"],
            name=reading.name(row["unit"]),
            score=_float(row["score"]),
            rank=_int(row["rank"]),
            custom_score=_float(row["custom_score"]),
            custom_rank=_int(row["custom_rank"]),
            places_gained=_int(row["rank_difference"]),
            interval_low=_float(row["interval_low"]),
            interval_high=_float(row["interval_high"]),
            within=row["within"],
        )
        for row in ranking.table.to_dict("records")
    ]
    known = [x.within for x in out if x.within is not None]
    return WeightsOut(
        node=ranking.node, period=str(ranking.period), weights=dict(ranking.weights),
        intervals=w.intervals_of(r) is not None,
        within=sum(known) if known else None, of=len(known) if known else None, rows=out,
    )  # fmt: skip


class CompareRow(Schema):
    unit: str
    name: str
    score_a: float | None
    score_b: float | None
    score_difference: float | None
    rank_a: int | None
    rank_b: int | None
    places_gained: int | None


class Reason(Schema):
    node: str
    name: str
    difference: float = Field(description="Change of the node's contribution (score points)")


class Mover(Schema):
    unit: str
    reasons: list[Reason]


class CompareOut(Schema):
    a: str = Field(description="The earlier release's version")
    b: str
    node: str
    period_a: str
    period_b: str
    backcast: bool = Field(
        description="The methodologies differ: both are scored on the indicators they share "
        "under b's, and a's figures are back-cast"
    )
    core: list[str] = Field(description="With backcast: the shared indicators")
    dropped: list[str] = Field(description="With backcast: indicators only in a")
    added: list[str] = Field(description="With backcast: indicators only in b")
    matched_by: str = Field(
        "code",
        description="With backcast: 'crosswalk' when b's stored crosswalk from a's methodology "
        "matched the indicators (the rest by code), else 'code'",
    )
    renamed: dict[str, str] = Field(
        default_factory=dict, description="With a crosswalk: a's code → b's, where they differ"
    )
    rows: list[CompareRow]
    movers: list[Mover]


@router.get(
    "/releases/{index}/{version}/compare-with/{other}", response={200: CompareOut, **PROBLEMS}
)
def release_compare_with(
    request: HttpRequest,
    index: str,
    version: str,
    other: str,
    node: str | None = params.Query(None, pattern=NO_CONTROL),
) -> CompareOut:
    """Two releases of one index compared (``a`` the earlier): each unit's score and rank in
    both, the biggest movers explained by the nodes that moved them; back-cast on the shared
    indicators when the methodologies differ."""
    r, o = _release(request, index, version), _release(request, index, other)
    if r.pk == o.pk:
        raise HttpError(422, "choose another release to compare this one with")
    try:
        outcome = cmp.compare(r, o, node)
    except cmp.CannotCompareError as exc:
        raise HttpError(422, str(exc)) from None
    return _compare_out(outcome)


def _compare_out(outcome: cmp.Outcome) -> CompareOut:
    reading = Reading(outcome.b, get_language())
    names = reading.framework.labels(get_language())
    bc = outcome.backcast
    c = outcome.comparison
    return CompareOut(
        a=outcome.a.version, b=outcome.labels[1] if outcome.variant else outcome.b.version,
        node=c.node, period_a=str(c.period_a), period_b=str(c.period_b), backcast=bc is not None,
        core=[new for _old, new in bc.core] if bc else [],
        dropped=bc.dropped if bc else [], added=bc.added if bc else [],
        matched_by="crosswalk" if bc and outcome.crosswalk else "code",
        renamed={k.old: k.new for k in bc.links if k.old and k.new and k.old != k.new}
        if bc else {},
        rows=[CompareRow(**x, places_gained=x["rank_difference"]) for x in rows(outcome, reading)],
        movers=[Mover(**m) for m in movers(outcome, names)],
    )  # fmt: skip


@router.get(
    "/releases/{index}/{version}/compare-aggregation/{method}",
    response={200: CompareOut, **PROBLEMS},
)
def release_compare_aggregation(
    request: HttpRequest,
    index: str,
    version: str,
    method: str,
    node: str | None = params.Query(None, pattern=NO_CONTROL),
) -> CompareOut:
    """The release as published (``a``) against itself with every group aggregated by
    ``method`` (``arithmetic``, ``geometric`` or ``harmonic``) from the same indicator scores
    and weights (``b``): the units that move, and the nodes that moved them."""
    r = _release(request, index, version)
    try:
        outcome = cmp.variant(r, method, node)
    except cmp.CannotCompareError as exc:
        raise HttpError(422, str(exc)) from None
    return _compare_out(outcome)
