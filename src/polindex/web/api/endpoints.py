"""``/api/v1/``: releases and their scores, visible releases only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.params import functions as params

from polindex.web.addresses import NO_CONTROL
from polindex.web.collection.models import scored_from
from polindex.web.dialogue.api import router as dialogue_router
from polindex.web.outcomes.api import router as outcomes_router
from polindex.web.releases.answers import answers
from polindex.web.releases.models import Release, ReleaseScore
from polindex.web.releases.robustness import ReleaseRobustness
from polindex.web.releases.visibility import (
    visible_release_or_404,
    visible_releases,
    visible_scores,
)

# the docs page (templates/ninja/swagger.html) without deep links: they nest a link inside each
# route's button, which screen readers cannot use (axe: nested-interactive)
api = NinjaAPI(
    title="Polindex API",
    version="1",
    urls_namespace="api",
    docs=Swagger(settings={"deepLinking": False}),
)
MAX_OFFSET = 2**31 - 1


class ProblemOut(Schema):
    """What went wrong: a sentence (404), or a list of the invalid parameters (422), each
    with its ``loc`` and ``msg`` — pydantic's, or :mod:`polindex.web.addresses`' for a query
    parameter holding a control character."""

    detail: str | list[dict[str, Any]]


ERRORS: dict[int, type[Schema]] = {404: ProblemOut, 422: ProblemOut}
"""The errors every operation that takes a release or parameters may answer, documented."""
QUERY_ERRORS: dict[int, type[Schema]] = {422: ProblemOut}
"""What an operation without a release answers to a query parameter with a control character."""


def _text() -> Any:
    """A text query parameter, optional: no control character (a NUL…) in it, as the schema
    says (:mod:`polindex.web.addresses` refuses one before any view, with a 422)."""
    return params.Query(None, pattern=NO_CONTROL)


class Pages(LimitOffsetPagination):
    """Limit/offset pages with bounds: an offset past any database integer is a 422."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=10_000, description="Rows per page (1–10,000).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


class ReleaseOut(Schema):
    index: str
    version: str
    methodology_version: str
    publish_at: dt.datetime
    citation: str
    licence: str
    checksum: str


class ScoreOut(Schema):
    unit: str
    period: str
    node: str
    level: str
    score: float | None
    rank: int | None
    band: str
    status: str


def _release_out(r: Release) -> ReleaseOut:
    return ReleaseOut(
        index=r.index.code,
        version=r.version,
        methodology_version=r.methodology_version,
        publish_at=r.publish_at,
        citation=r.citation,
        licence=r.licence,
        checksum=r.checksum,
    )


@api.get("/releases", response={200: list[ReleaseOut], **QUERY_ERRORS})
def releases(request: HttpRequest) -> list[ReleaseOut]:
    """Every release the caller may see (published ones; embargoed ones need the role)."""
    return [_release_out(r) for r in visible_releases(request.user)]


class ReleaseDetail(ReleaseOut):
    changelog: str
    corrects: str | None
    corrected_by: list[str]


class IsoOut(Schema):
    alpha_2: str | None
    alpha_3: str | None
    numeric: str | None


class UnitOut(Schema):
    unit: str
    periods: list[str]
    name: str = Field(description="The unit's name in the request's language")
    names: dict[str, str] = Field(description="The unit's name in each language, as published")
    kind: str = Field(
        description="country, region (within a country), supranational (the EU level, "
        "aggregates: never ranked) or other"
    )
    iso: IsoOut | None = Field(description="ISO 3166-1 codes, for a country")
    groups: list[str] = Field(description="Codes of the groups the unit belongs to")


def _visible_release(request: HttpRequest, index: str, version: str) -> Release:
    return visible_release_or_404(request.user, index, version)


def _scored_from(r: Release) -> str:
    """What a release scored from an edition was scored from, in English (the API's language):
    the release keeps it as facts, not in its changelog."""
    with translation.override("en"):
        return scored_from(r)


@api.get("/releases/{index}/{version}", response={200: ReleaseDetail, **ERRORS})
def release_detail(request: HttpRequest, index: str, version: str) -> ReleaseDetail:
    """One release: metadata, changelog and the corrections made to it."""
    r = _visible_release(request, index, version)
    visible = visible_releases(request.user)
    return ReleaseDetail(
        **_release_out(r).dict(),
        changelog=" ".join(t for t in (_scored_from(r), r.changelog) if t),
        corrects=r.corrects.version if r.corrects and r.corrects in visible else None,
        corrected_by=[c.version for c in visible.filter(corrects=r)],
    )


@api.get("/releases/{index}/{version}/framework", response={200: dict[str, Any], **ERRORS})
def framework(request: HttpRequest, index: str, version: str) -> dict[str, object]:
    """The framework tree the release was computed with (the framework format, as JSON)."""
    return dict(_visible_release(request, index, version).framework)


class CodebookOut(Schema):
    code: str
    level: str
    parent: str
    label: str
    type: str = Field(description="'group', or the indicator's type")
    weight: float | None = Field(description="Weight among its siblings, as used")
    effective_weight: float | None = Field(description="Share of the index (0 to 1), as used")
    method: str = Field(
        description="Aggregation of a group, normalisation of an indicator, as used "
        "(empty: scored by the framework's own rules)"
    )


@api.get("/releases/{index}/{version}/codebook", response={200: list[CodebookOut], **ERRORS})
def codebook(request: HttpRequest, index: str, version: str) -> list[CodebookOut]:
    """Every node and indicator with its label, its weight and effective weight and the method
    that computed it, as used in this release."""
    import math

    from polindex.web.releases.exports import codebook as table

    rows = table(_visible_release(request, index, version), get_language()).to_dict("records")
    return [
        CodebookOut.model_validate(
            {str(k): None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
        )
        for row in rows
    ]


@api.get("/releases/{index}/{version}/units", response={200: list[UnitOut], **ERRORS})
def units(request: HttpRequest, index: str, version: str) -> list[UnitOut]:
    """The units (countries, the EU level, …) of a release: the periods each has, its name
    (in the request's language and in every language published), kind, ISO codes and
    groups, as frozen with the release."""
    r = _visible_release(request, index, version)
    periods: dict[str, list[str]] = {}
    for unit, period in (
        r.scores.values_list("unit", "period").distinct().order_by("unit", "period")
    ):
        periods.setdefault(unit, []).append(period)
    table, lang = r.unit_table, get_language()
    out = []
    for code, p in periods.items():
        u = table[code]
        iso = IsoOut(**u.iso.model_dump()) if u.iso else None
        out.append(
            UnitOut(
                unit=code,
                periods=p,
                name=u.name(lang),
                names=dict(u.names),
                kind=u.kind,
                iso=iso,
                groups=list(u.groups),
            )
        )
    return out


class IntervalOut(Schema):
    """A unit's rank and score over the rebuilds of the uncertainty analysis."""

    unit: str
    name: str = Field(description="The unit's name in the request's language")
    rank_nominal: float | None = Field(description="The rank as published")
    rank_median: float | None = Field(description="Median rank over the rebuilds")
    rank_q05: float | None = Field(description="5th percentile of the rank (the best end)")
    rank_q95: float | None = Field(description="95th percentile of the rank (the worst end)")
    rank_mean: float | None = Field(description="Mean rank over the rebuilds")
    score_nominal: float | None = Field(description="The score as published")
    score_median: float | None
    score_q05: float | None
    score_q95: float | None
    score_mean: float | None


class InputOut(Schema):
    """One uncertain construction choice of the analysis."""

    name: str = Field(description="The choice's name in the uncertainty design")
    label: str = Field(description="What the choice varied, in the request's language")
    kind: str | None = Field(
        description="step (alternatives for a construction step), weight, weight_noise, "
        "weight_sets or exclude (unknown for releases made before the design was frozen)"
    )
    alternatives: int | None = Field(description="How many alternatives it had")


class SensitivityOut(Schema):
    """How much one uncertain choice moves the ranking (variance-based indices of the mean
    absolute rank shift, with 5–95 % bootstrap intervals)."""

    input: str = Field(description="The choice's name in the uncertainty design")
    label: str = Field(description="What the choice varied, in the request's language")
    first_order: float | None = Field(
        description="Share of the variance the choice explains alone (first-order effect)"
    )
    first_order_q05: float | None
    first_order_q95: float | None
    total: float | None = Field(
        description="Share it explains with its interactions with the other choices "
        "(total effect; at least the first-order one, up to estimation noise)"
    )
    total_q05: float | None
    total_q95: float | None


class UnitSensitivityOut(Schema):
    """How much one uncertain choice moves one unit's rank."""

    input: str
    label: str
    first_order: float | None = Field(description="First-order effect on the unit's rank")
    total: float | None = Field(description="Total effect on the unit's rank")


class ReliabilityOut(Schema):
    """The statistical audit's reliability of one group."""

    node: str
    label: str = Field(description="The group's label in the request's language")
    level: str | None
    n_children: int | None
    cronbach_alpha: float | None = Field(
        description="Cronbach's alpha of the group's children (negative: they tend to move "
        "against each other)"
    )


class RobustnessOut(Schema):
    """A release's robustness results, as published with it."""

    target: str | None = Field(description="The node whose ranks were studied (the index)")
    target_label: str | None
    period: str | None = Field(description="The period studied")
    replications: int | None = Field(description="Rebuilds of the uncertainty analysis")
    inputs: list[InputOut]
    intervals: list[IntervalOut] = Field(description="Each unit's rank interval")
    sensitivity: list[SensitivityOut]
    reliability: list[ReliabilityOut]


class UnitRobustnessOut(Schema):
    """One unit's rank interval and the sensitivity of its rank to each choice."""

    unit: str
    name: str
    target: str | None
    target_label: str | None
    period: str | None
    replications: int | None
    interval: IntervalOut | None = Field(description="None: the unit was not studied")
    sensitivity: list[UnitSensitivityOut] = Field(
        description="Empty for releases made before these were published"
    )


def _robustness(request: HttpRequest, index: str, version: str) -> ReleaseRobustness:
    r = _visible_release(request, index, version)
    rb = ReleaseRobustness(r, get_language())
    if not rb:
        raise Http404("this release has no robustness results")
    return rb


@api.get("/releases/{index}/{version}/robustness", response={200: RobustnessOut, **ERRORS})
def robustness(request: HttpRequest, index: str, version: str) -> RobustnessOut:
    """The robustness results published with a release: each unit's rank interval (5–95 %,
    median) over the rebuilds of the uncertainty analysis, the sensitivity indices of each
    uncertain choice (first-order and total effects) and the reliability of each group
    (Cronbach's alpha) — 404 for a release published without them."""
    rb = _robustness(request, index, version)
    return RobustnessOut(
        target=rb.target,
        target_label=rb.target_label,
        period=rb.period,
        replications=rb.replications,
        inputs=[InputOut(**i) for i in rb.inputs()],
        intervals=[IntervalOut(**u) for u in rb.intervals()],
        sensitivity=[SensitivityOut(**s) for s in rb.sensitivity()],
        reliability=[ReliabilityOut(**a) for a in rb.reliability()],
    )


@api.get(
    "/releases/{index}/{version}/units/{unit}/robustness",
    response={200: UnitRobustnessOut, **ERRORS},
)
def unit_robustness(request: HttpRequest, index: str, version: str, unit: str) -> UnitRobustnessOut:
    """One unit's rank interval and how much each uncertain choice moves its rank (first-order
    and total effects) — 404 for a unit not in the release, or a release without robustness
    results."""
    rb = _robustness(request, index, version)
    if not rb.release.scores.filter(unit=unit).exists():
        raise Http404("no such unit in this release")
    interval = next(iter(rb.intervals(unit)), None)
    return UnitRobustnessOut(
        unit=unit,
        name=rb.release.unit_table.name(unit, get_language()),
        target=rb.target,
        target_label=rb.target_label,
        period=rb.period,
        replications=rb.replications,
        interval=IntervalOut(**interval) if interval else None,
        sensitivity=[
            UnitSensitivityOut(
                input=s["input"], label=s["label"], first_order=s["first_order"], total=s["total"]
            )
            for s in rb.unit_sensitivity(unit)
        ],
    )


@api.get("/releases/{index}/{version}/scores", response={200: list[ScoreOut], **ERRORS})
@paginate(Pages)
def scores(
    request: HttpRequest,
    index: str,
    version: str,
    unit: str | None = _text(),
    node: str | None = _text(),
    level: str | None = _text(),
    period: str | None = _text(),
) -> QuerySet[ReleaseScore]:
    """Scores of one release, filtered by unit, node, level and period (long layout)."""
    if not visible_releases(request.user).filter(index__code=index, version=version).exists():
        raise Http404("no such release")
    rows = visible_scores(request.user).filter(release__index__code=index, release__version=version)
    return _filtered(rows, unit=unit, node=node, level=level, period=period)


def _filtered(rows: QuerySet[ReleaseScore], **filters: str | None) -> QuerySet[ReleaseScore]:
    for field, value in filters.items():
        if value is not None:
            rows = rows.filter(**{field: value})
    return rows.order_by("period", "node", "rank", "unit")


class ReleaseScoreOut(ScoreOut):
    index: str = Field(..., alias="release.index.code")
    version: str = Field(..., alias="release.version")


@api.get("/scores", response={200: list[ReleaseScoreOut], **ERRORS})
@paginate(Pages)
def all_scores(
    request: HttpRequest,
    release: str | None = _text(),
    index: str | None = _text(),
    unit: str | None = _text(),
    node: str | None = _text(),
    level: str | None = _text(),
    period: str | None = _text(),
) -> QuerySet[ReleaseScore]:
    """Scores across releases: of ``release`` (``INDEX/VERSION``), else of the latest release of
    ``index``, else of the latest release of every index; filtered like a release's scores.
    Each row names its index and version."""
    visible = visible_releases(request.user)
    if release is not None:
        code, _, version = release.partition("/")
        chosen = list(visible.filter(index__code=code, version=version))
        if not chosen:
            raise Http404(f"no such release: {release!r} (give it as INDEX/VERSION)")
    else:
        latest: dict[str, Release] = {}
        for r in visible.order_by("index__code", "-publish_at", "-version"):
            latest.setdefault(r.index.code, r)
        if index is not None and index not in latest:
            raise Http404(f"no such index: {index!r}")
        chosen = [latest[index]] if index is not None else list(latest.values())
    return _filtered(
        visible_scores(request.user).filter(release__in=chosen).select_related("release__index"),
        unit=unit, node=node, level=level, period=period,
    )  # fmt: skip


class WideOut(Schema):
    unit: str
    period: str
    scores: dict[str, float | None]


@api.get("/releases/{index}/{version}/wide", response={200: list[WideOut], **ERRORS})
@paginate(Pages)
def scores_wide(
    request: HttpRequest,
    index: str,
    version: str,
    unit: str | None = _text(),
    level: str | None = _text(),
    period: str | None = _text(),
) -> list[WideOut]:
    """Scores in the wide layout: one row per unit and period, a score per node."""
    r = _visible_release(request, index, version)
    rows = r.scores.all()
    for field, value in (("unit", unit), ("level", level), ("period", period)):
        if value is not None:
            rows = rows.filter(**{field: value})
    wide: dict[tuple[str, str], dict[str, float | None]] = {}
    for u, p, node, score in rows.order_by("unit", "period", "id").values_list(
        "unit", "period", "node", "score"
    ):
        wide.setdefault((u, p), {})[node] = score
    return [WideOut(unit=u, period=p, scores=s) for (u, p), s in wide.items()]


class SourceOut(Schema):
    instrument: str
    article: str = ""
    url: str = ""
    in_force: str = ""


class AnswerOut(Schema):
    unit: str
    period: str
    indicator: str
    value: str
    answer: str
    justification: str = ""
    sources: list[SourceOut] = []


@api.get("/releases/{index}/{version}/answers", response={200: list[AnswerOut], **ERRORS})
@paginate(Pages)
def release_answers(
    request: HttpRequest,
    index: str,
    version: str,
    unit: str | None = _text(),
    period: str | None = _text(),
) -> list[dict[str, str]]:
    """The indicator values and answers the release was computed from (with each chosen
    option's text)."""
    r = _visible_release(request, index, version)
    return answers(r, unit, period, get_language())


# the dialogue tools' routes (what-if, goals, recommendations, peers, weights, comparison)
api.add_router("/", dialogue_router)
# a policy node against an outcome indicator (polindex.web.outcomes)
api.add_router("/", outcomes_router)
