"""The what-if and goal API routes (``/api/v1/releases/{index}/{version}/what-if/{unit}`` and
``.../goal/{unit}``), on the visible releases only. Changes are a repeated ``change`` parameter,
``CODE:VALUE`` each (decision 034). Bad input is a 4xx with a ``detail``: 400 for changes or a
goal that cannot be read, 404 for an unknown release or unit, 414 for an address longer than
any what-if needs, 422 for a goal out of reach (with the best reachable)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.params import functions as params
from ninja.responses import Status
from pydantic import StringConstraints

from polindex.analysis.answers import ChangeError
from polindex.web.addresses import NO_CONTROL
from polindex.web.dialogue import goal_views
from polindex.web.dialogue import whatif_figures as figures
from polindex.web.dialogue.whatif_views import whatif_url
from polindex.web.explorer.display import Reading

router = Router(tags=["what-if and goals"])
CHANGES: Any = params.Query(
    None,
    description="A change, CODE:VALUE (repeat for several): an option code, true/false, a number "
    "or n/a — e.g. change=LMM1:a&change=FAM3:n/a",
)
ChangeText = Annotated[str, StringConstraints(pattern=NO_CONTROL)]


class DetailOut(Schema):
    """What went wrong, in a sentence (or pydantic's list of invalid parameters, for a 422)."""

    detail: str | list[dict[str, Any]]


class ChangeOut(Schema):
    indicator: str
    label: str = Field(description="The question's label in the request's language")
    asked: bool = Field(description="False: a consequence of another change (a rule)")
    before: str = Field(description="The published answer: option code, true/false, number, n/a")
    after: str
    before_label: str
    after_label: str
    before_score: float | None = Field(description="The question's score, published")
    after_score: float | None


class NodeOut(Schema):
    node: str
    label: str
    level: str
    parent: str
    score: float | None = Field(description="Published score")
    rank: int | None
    band: str
    change: float | None = Field(description="Published change since the period before")
    new_score: float | None = Field(description="Score with the changes")
    new_rank: int | None = Field(description="Rank among the others' published scores")
    new_band: str
    new_change: float | None
    score_difference: float | None = Field(description="new_score − score")
    rank_difference: int | None = Field(description="Places gained (negative: lost)")


NODE_FIELDS = tuple(NodeOut.model_fields)
CHANGE_FIELDS = tuple(ChangeOut.model_fields)


class WhatIfIntervalOut(Schema):
    node: str | None
    period: str | None
    low: float | None = Field(description="5th percentile of the rank, as published")
    high: float | None = Field(description="95th percentile of the rank, as published")
    recomputed: bool = Field(
        description="True when interval=true was asked and the release froze its robustness "
        "design whole (decision 050): new_low and new_high are then the interval with the "
        "changes, the design replayed on the changed data (equal to low and high without "
        "changes). False otherwise (older releases keep a summary of the design only)"
    )
    new_low: float | None = Field(None, description="5th percentile of the rank, recomputed")
    new_high: float | None = Field(None, description="95th percentile of the rank, recomputed")
    runs: int | None = Field(None, description="Replications of the robustness design")


INTERVAL_FIELDS = tuple(WhatIfIntervalOut.model_fields)


class WhatIfOut(Schema):
    index: str
    version: str
    unit: str
    name: str = Field(description="The unit's name in the request's language")
    period: str
    changes: list[ChangeOut] = Field(description="Every answer that moved")
    query: dict[str, str] = Field(description="The changes asked for, as indicator → answer")
    notes: list[str] = Field(description="Consequences: questions that stop or start to apply")
    nodes: list[NodeOut] = Field(description="Every node, in the framework's order")
    interval: WhatIfIntervalOut | None = Field(
        description="The unit's rank interval, as published (and recomputed with interval=true)"
    )
    page: str = Field(description="The what-if page of the same changes")


class MoveOut(Schema):
    indicator: str
    label: str
    before: str
    after: str
    before_label: str
    after_label: str
    gain: float = Field(description="What the change adds to the goal node's score")
    step: float = Field(
        description="How far the question's score moves (an index built by a pipeline: the "
        "share, in %, of the range the units show that the value moves)"
    )


class ProposalOut(Schema):
    size: int = Field(description="How many answers change")
    step: float = Field(description="The sum of the changes' steps")
    score: float
    band: str
    rank: int | None
    changes: list[MoveOut]
    query: dict[str, str] = Field(description="The changes, for the what-if route or page")
    page: str = Field(description="The what-if page of this proposal")


class GoalOut(Schema):
    index: str
    version: str
    unit: str
    name: str
    period: str
    node: str
    goal: str = Field(description="band, rank or score")
    value: str
    score: float = Field(description="The node's score now")
    band: str
    rank: int | None
    already: bool = Field(description="The goal is reached already")
    exact: bool = Field(description="The proposals are proven the smallest")
    notes: list[str]
    proposals: list[ProposalOut] = Field(description="Fewest changes first, then the smallest step")


class UnreachableOut(DetailOut):
    best: ProposalOut | None = Field(None, description="The furthest the node can get")
    score: float | None = None


def _setup(request: HttpRequest, index: str, version: str, unit: str) -> Any:
    release = figures.release_of(request, index, version)
    try:
        with translation.override("en"):
            sim = figures.simulation(release)
    except figures.CannotSimulateError as exc:
        raise HttpError(404, str(exc)) from None
    if unit not in sim.dataset.units:
        raise HttpError(404, f"no unit {unit!r} in {index} {version}")
    if len(request.META.get("QUERY_STRING", "")) > figures.max_query(sim):
        raise HttpError(414, "the address is longer than any what-if of this index needs")
    return release, sim


@router.get(
    "/releases/{index}/{version}/what-if/{unit}",
    response={200: WhatIfOut, 400: DetailOut, 404: DetailOut, 414: DetailOut, 422: DetailOut},
    url_name="whatif",
)
def whatif(
    request: HttpRequest,
    index: str,
    version: str,
    unit: str,
    change: list[ChangeText] = CHANGES,
    interval: bool = params.Query(
        False,
        description="Recompute the unit's rank interval with the changes by replaying the "
        "release's robustness design (slower: about a tenth of a second on ASEM); only for "
        "releases that froze their design",
    ),
) -> Any:
    """Every node's score, rank, band and change for ``unit`` with some answers changed, beside
    the published figures (the other units keep theirs; an index built by a pipeline is
    rebuilt whole, and every unit may move), and the rank interval as published — or, with
    ``interval=true``, recomputed."""
    release, sim = _setup(request, index, version, unit)
    pairs = []
    for item in change or []:
        code, sep, value = item.partition(":")
        if not sep:
            raise HttpError(400, f"change {item!r}: give CODE:VALUE, e.g. LMM1:a")
        pairs.append((code.strip(), value))
    try:
        asked = figures.changes_from(pairs, sim, 0)
    except figures.TooLongError:
        raise HttpError(414, "a change is longer than any answer of this index") from None
    lang = get_language()
    reading = Reading(release, lang)
    known = figures.tree(release, lang)
    names = known.names
    with translation.override("en"):  # the API's sentences are English
        kept, problems = figures.check_changes(sim, unit, asked, names)
    if problems:
        raise HttpError(400, "; ".join(problems.lines({c: c for c in names})))
    replay = interval and figures.replays_interval(release, sim)
    try:
        out = sim.simulate(unit, kept, intervals=replay)
    except ChangeError as exc:
        raise HttpError(400, "; ".join(exc.problems)) from None
    found = figures.interval_figures(release, out)
    payload = {
        "index": release.index.code,
        "version": release.version,
        "unit": unit,
        "name": reading.name(unit),
        "period": str(out.period),
        "changes": [
            {k: c[k] for k in CHANGE_FIELDS} for c in figures.changed_answers(out, sim, lang)
        ],
        "query": out.query(),
        "notes": list(out.notes),
        "nodes": [{k: r[k] for k in NODE_FIELDS} for r in figures.node_rows(out, reading, known)],
        "interval": {k: found[k] for k in INTERVAL_FIELDS} if found else None,
        "page": request.build_absolute_uri(whatif_url(release, unit, out.query(), replay)),
    }
    # Written as JSON here, not through WhatIfOut: the schema's validation of ~100 nodes was
    # half the route's time (decision 060); a test checks the body against the schema.
    return HttpResponse(json.dumps(payload), content_type="application/json; charset=utf-8")


@router.get(
    "/releases/{index}/{version}/goal/{unit}",
    response={
        200: GoalOut,
        400: DetailOut,
        404: DetailOut,
        414: DetailOut,
        422: UnreachableOut,
    },
    url_name="goal",
)
def goal(
    request: HttpRequest,
    index: str,
    version: str,
    unit: str,
    node: str | None = params.Query(None, pattern=NO_CONTROL, description="Default: the index"),
    band: str | None = params.Query(None, pattern=NO_CONTROL, description="A band's code"),
    rank: str | None = params.Query(None, pattern=NO_CONTROL, description="A rank, 1 = best"),
    score: str | None = params.Query(None, pattern=NO_CONTROL, description="A score on the scale"),
) -> Any:
    """What it would take for ``unit`` to reach a band, a rank or a score (one of them) in a node:
    the smallest sets of answer changes, fewest changes first, then the smallest step (at most
    five). Out of reach: a 422 whose ``best`` is the furthest the node can get."""
    release, sim = _setup(request, index, version, unit)
    given = {"node": node or "", "band": band or "", "rank": rank or "", "score": score or ""}
    with translation.override("en"):
        target, problems = goal_views.read_target(sim, given)
    if not problems and not target.given:
        problems.append("give one goal: band, rank or score")
    if problems:
        raise HttpError(400, "; ".join(problems))
    try:
        found = goal_views.seek(sim, unit, target)
    except ChangeError as exc:
        raise HttpError(400, "; ".join(exc.problems)) from None
    reading = Reading(release, get_language())

    def proposal(p: Any) -> ProposalOut:
        shown = goal_views.proposal_of(p, sim, reading, release, unit)
        return ProposalOut(
            **{k: shown[k] for k in ("size", "step", "score", "band", "rank", "query")},
            changes=[MoveOut(**c) for c in shown["changes"]],
            page=request.build_absolute_uri(shown["url"]),
        )

    if not found.reachable:
        return Status(
            422,
            UnreachableOut(
                detail=f"{found.goal.kind} {found.goal.value} in {target.node} cannot be reached "
                "by changing answers; best is the furthest it can get",
                best=proposal(found.best) if found.best else None,
                score=found.best.score if found.best else found.score,
            ),
        )
    return GoalOut(
        index=release.index.code,
        version=release.version,
        unit=unit,
        name=reading.name(unit),
        period=str(found.period),
        node=target.node,
        goal=found.goal.kind,
        value=str(found.goal.value),
        score=found.score,
        band=found.band,
        rank=found.rank,
        already=found.already,
        exact=found.exact,
        notes=list(found.notes),
        proposals=[proposal(p) for p in found.proposals],
    )


__all__ = ["router"]
