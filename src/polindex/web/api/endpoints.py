"""``/api/v1/``: releases and their scores, visible releases only."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from polindex.web.releases.models import Release, ReleaseScore
from polindex.web.releases.visibility import visible_releases, visible_scores

api = NinjaAPI(title="Polindex API", version="1", urls_namespace="api")


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


@api.get("/releases", response=list[ReleaseOut])
def releases(request: HttpRequest) -> list[ReleaseOut]:
    """Every release the caller may see (published ones; embargoed ones need the role)."""
    return [_release_out(r) for r in visible_releases(request.user)]


@api.get("/releases/{index}/{version}/scores", response=list[ScoreOut])
@paginate(LimitOffsetPagination)
def scores(
    request: HttpRequest,
    index: str,
    version: str,
    unit: str | None = None,
    node: str | None = None,
    level: str | None = None,
    period: str | None = None,
) -> list[ReleaseScore]:
    """Scores of one release, filtered by unit, node, level and period (long layout)."""
    if not visible_releases(request.user).filter(index__code=index, version=version).exists():
        raise Http404("no such release")
    rows = visible_scores(request.user).filter(release__index__code=index, release__version=version)
    for field, value in (("unit", unit), ("node", node), ("level", level), ("period", period)):
        if value is not None:
            rows = rows.filter(**{field: value})
    return list(rows.order_by("period", "node", "rank", "unit"))
