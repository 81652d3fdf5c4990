"""API routes of the recommendations, peers and typology (``/api/v1/releases/{index}/{version}/
recommendations/{unit}``, ``.../peers/{unit}``, ``.../typology``), on the visible releases only;
a bad choice is a 422 and an unknown unit or a release with nothing to answer a 404, each with
a ``detail``."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from polindex.analysis.typology import K_RANGE
from polindex.web.addresses import NO_CONTROL
from polindex.web.dialogue.peer_learning import (
    RESAMPLES,
    RefusedError,
    neighbours,
    recommendations,
    release_or_404,
    typology_view,
)

router = Router(tags=["dialogue"])


class RefusalOut(Schema):
    """Why the question cannot be answered as asked: a sentence (404, 422), or the invalid
    parameters with their ``loc`` and ``msg`` (422)."""

    detail: str | list[dict[str, object]]


ERRORS: dict[int, type[Schema]] = {404: RefusalOut, 422: RefusalOut}


def _refused(exc: RefusedError) -> HttpError:
    return HttpError(exc.status, exc.message)


class PeerSourceOut(Schema):
    instrument: str = ""
    article: str = ""
    url: str = ""
    in_force: str = ""


class PeerOut(Schema):
    unit: str
    name: str = Field(description="The country's name in the request's language")
    justification: str = Field(description="Why it gives this answer (Markdown), as released")
    sources: list[PeerSourceOut] = Field(description="Its legal sources, as released")


class RecommendationOut(Schema):
    group: str = Field(description="The area (or group of the level asked for)")
    group_label: str
    indicator: str
    question: str = Field(description="The question in the request's language")
    current: str = Field(description="The answer now: an option code, true/false or a number")
    current_label: str = Field(description="The answer now, as a reader reads it")
    proposed: str
    proposed_label: str
    gain: float = Field(description="The index's score change (index points)")
    group_gain: float = Field(description="The group's score change")
    step: float = Field(
        description="How far the question's score moves (an index built by a pipeline: the "
        "share, in %, of the range the countries show that the value moves)"
    )
    effective_weight: float | None = Field(
        description="Gain per point of the question's score (null for an index built by a "
        "pipeline, whose gains do not add up)"
    )
    peers: list[PeerOut] = Field(
        description="The countries that already give this answer (an index built by a "
        "pipeline: whose value, per its denominator, is already at least as good)"
    )
    whatif_url: str = Field(description="The what-if page with this change")


class RecommendationsOut(Schema):
    unit: str
    name: str
    period: str
    level: str
    area: str | None
    recommendations: list[RecommendationOut]


class LevelQuery(Schema):
    level: str | None = Field(None, pattern=NO_CONTROL, description="A level of groups")


class RecommendationsQuery(LevelQuery):
    area: str | None = Field(
        None, pattern=NO_CONTROL, description="One group: every change in it (default: the 3 "
        "best of each)"
    )  # fmt: skip


@router.get(
    "/releases/{index}/{version}/recommendations/{unit}",
    response={200: RecommendationsOut, **ERRORS},
)
def unit_recommendations(
    request: HttpRequest, index: str, version: str, unit: str,
    q: Query[RecommendationsQuery],
) -> RecommendationsOut:  # fmt: skip
    """Per area (or group of ``level``), the single answer changes with the largest gain for
    the unit's index score in its latest period, each with the countries that already give
    that answer, their justifications and legal sources — 404 for an unknown unit or a
    release that cannot be simulated, 422 for an unknown level or area."""
    r = release_or_404(request, index, version)
    try:
        recs = recommendations(r, unit, get_language(), level=q.level, area=q.area)
    except RefusedError as exc:
        raise _refused(exc) from None
    return RecommendationsOut(
        unit=recs.unit, name=recs.name, period=recs.period, level=recs.level, area=recs.area,
        recommendations=[
            RecommendationOut(
                **{k: getattr(rec, k) for k in RecommendationOut.model_fields if k != "peers"},
                peers=[
                    PeerOut(unit=p.unit, name=p.name, justification=p.justification,
                            sources=[PeerSourceOut(**s) for s in p.sources])
                    for p in rec.peers
                ],
            )
            for rec in recs.rows
        ],
    )  # fmt: skip


class NeighbourOut(Schema):
    unit: str
    name: str
    distance: float = Field(description="Root mean square score difference (score points)")
    shared: int = Field(description="Nodes compared")


class PeersQuery(LevelQuery):
    period: str | None = Field(None, pattern=NO_CONTROL, description="Default: the latest")
    k: int = Field(5, ge=1, le=50, description="How many (1–50)")


@router.get(
    "/releases/{index}/{version}/peers/{unit}", response={200: list[NeighbourOut], **ERRORS}
)
def unit_peers(
    request: HttpRequest, index: str, version: str, unit: str, q: Query[PeersQuery]
) -> list[NeighbourOut]:
    """The ``k`` countries nearest to the unit on the area (or ``level``) scores, nearest
    first — 404 for an unknown unit or a release without groups, 422 for an unknown level
    or period."""
    r = release_or_404(request, index, version)
    try:
        near = neighbours(r, unit, get_language(), level=q.level, period=q.period, k=q.k)
    except RefusedError as exc:
        raise _refused(exc) from None
    return [
        NeighbourOut(unit=n.unit, name=n.name, distance=n.distance, shared=n.shared) for n in near
    ]


class MemberOut(Schema):
    unit: str
    name: str


class GroupOut(Schema):
    group: int = Field(description="1: the best mean score")
    members: list[MemberOut]
    stability: float | None = Field(
        description="Mean best Jaccard similarity over the resamples (above 0.75: stable)"
    )
    centre: dict[str, float] = Field(description="The group's mean score on each node")


class ApproachOut(Schema):
    code: str
    label: str
    rules: list[str] = Field(description="Its rules in words")
    members: list[MemberOut]


class TypologyOut(Schema):
    level: str
    period: str
    method: str
    k: int
    k_criterion: str = Field(description="'given', or 'silhouette' (the highest mean width)")
    silhouettes: dict[int, float] = Field(description="Mean silhouette width of each k tried")
    resamples: int
    agreement: float | None = Field(description="Mean adjusted Rand index over the resamples")
    groups: list[GroupOut]
    left_out: list[str] = Field(description="Countries with a missing score on the level")
    approaches: list[ApproachOut] = Field(description="The framework's named approaches")


class TypologyQuery(LevelQuery):
    method: Literal["ward", "kmeans"] = "ward"
    k: int | None = Field(
        None, ge=K_RANGE.start, le=K_RANGE.stop - 1,
        description="Number of groups (2–8; default: chosen by the silhouette)",
    )  # fmt: skip


@router.get("/releases/{index}/{version}/typology", response={200: TypologyOut, **ERRORS})
def release_typology(
    request: HttpRequest, index: str, version: str, q: Query[TypologyQuery]
) -> TypologyOut:
    """Groups of countries with a similar approach on the area (or ``level``) scores in the
    latest period, by Ward's method or k-means, k chosen by the silhouette unless given, with
    each group's stability over 1,000 bootstrap resamples and the framework's named
    approaches — 404 for a release without groups, 422 for an unknown level or a k the
    countries cannot make."""
    r = release_or_404(request, index, version)
    try:
        view = typology_view(r, get_language(), level=q.level, method=q.method, k=q.k)
    except RefusedError as exc:
        raise _refused(exc) from None
    t = view.typology
    return TypologyOut(
        level=view.level, period=str(t.period), method=view.method, k=view.k,
        k_criterion="given" if view.chosen_k else "silhouette",
        silhouettes={k: float(s) for k, s in view.silhouettes}, resamples=RESAMPLES,
        agreement=t.agreement,
        groups=[
            GroupOut(group=g.number, members=[MemberOut(unit=u, name=n) for u, n, _ in g.members],
                     stability=g.stability, centre={c: v for c, _label, v in g.centres})
            for g in view.groups
        ],
        left_out=list(t.left_out),
        approaches=[
            ApproachOut(code=a.code, label=a.label, rules=a.rules,
                        members=[MemberOut(unit=u, name=n) for u, n, _ in a.members])
            for a in view.approaches
        ],
    )  # fmt: skip
