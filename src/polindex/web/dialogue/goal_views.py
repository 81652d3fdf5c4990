"""The goal-seeking page: "what would it take for this country to reach band X (or rank N, or
score S) in node Y?" — the smallest sets of answer changes (fewest first, then the smallest
step) from :func:`polindex.analysis.goals.seek_goal`, each opening in the what-if simulator.
The goal lives in the address (``?node=LMM&band=favourable``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from polindex.analysis.answers import ChangeError
from polindex.analysis.goals import GoalSeek, Proposal, seek_goal
from polindex.analysis.rebuilt import seek_built_goal
from polindex.analysis.whatif import Simulator
from polindex.web.dialogue import whatif_figures as figures
from polindex.web.dialogue import whatif_views
from polindex.web.dialogue.whatif_views import whatif_url
from polindex.web.explorer.display import Reading
from polindex.web.explorer.views import _page
from polindex.web.releases.models import Release


def built_note() -> str:
    """How goals are sought in an index built by a pipeline, in the reader's language."""
    return gettext(
        "This index is built by a pipeline whose normalisation looks at every country: changing "
        "one country's values moves the others' scores too. Each proposal moves one value "
        "(or, when none is enough, several in turn) within the range the countries show, and "
        "was checked by rebuilding the index; a smaller set of changes may exist."
    )


LIMIT = 5
"""Proposals shown."""
MAX_RANK = 10_000


@dataclass(frozen=True)
class Target:
    """A goal as the address gives it: ``node`` and one of ``band``, ``rank``, ``score``."""

    node: str
    band: str | None = None
    rank: int | None = None
    score: float | None = None

    @property
    def given(self) -> bool:
        return any(v is not None for v in (self.band, self.rank, self.score))


def read_target(sim: Simulator, get: QueryDict | dict[str, str]) -> tuple[Target, list[str]]:
    """The goal of an address and what is wrong with it (sentences in the reader's language):
    an unknown node or band, a rank or score that is not a number, more than one target."""
    fw = sim.framework
    problems = []
    node = (get.get("node") or fw.root.code).strip()
    if node not in sim.structure.index:
        problems.append(gettext("There is no node “%(node)s” in this index.") % {"node": node})
        node = fw.root.code
    elif node in {i.code for i in sim.indicators}:
        problems.append(
            gettext("Choose the index or a group: a question's goal is one of its answers.")
        )
        node = fw.root.code
    band = (get.get("band") or "").strip() or None
    if band is not None and band not in {b.code for b in fw.bands}:
        problems.append(gettext("There is no band “%(band)s” in this index.") % {"band": band})
        band = None
    rank: int | None = None
    rank_text = (get.get("rank") or "").strip()
    if rank_text:
        try:
            rank = int(rank_text)
        except ValueError:
            problems.append(gettext("The rank must be a whole number."))
        else:
            if not 1 <= rank <= MAX_RANK:
                problems.append(gettext("The rank must be a whole number from 1."))
                rank = None
    score: float | None = None
    score_text = (get.get("score") or "").strip().replace(",", ".")
    if score_text:
        try:
            score = float(score_text)
        except ValueError:
            problems.append(gettext("The score must be a number."))
        else:
            if not (math.isfinite(score) and fw.scale.min <= score <= fw.scale.max):
                problems.append(
                    gettext("The score must lie within the index scale, %(min)s to %(max)s.")
                    % {"min": f"{fw.scale.min:g}", "max": f"{fw.scale.max:g}"}
                )
                score = None
    if sum(v is not None for v in (band, rank, score)) > 1:
        problems.append(gettext("Give one goal: a band, a rank or a score."))
        band = rank = score = None
    return Target(node, band, rank, score), problems


def seek(sim: Simulator, unit: str, target: Target) -> GoalSeek:
    """:func:`seek_goal` for ``target`` (at most :data:`LIMIT` proposals); for an index built by
    a pipeline, :func:`~polindex.analysis.rebuilt.seek_built_goal` (decision 049)."""
    if sim.mode == "built":
        return seek_built_goal(
            sim, unit, target.node, band=target.band, rank=target.rank, score=target.score,
            limit=LIMIT,
        )  # fmt: skip
    return seek_goal(
        sim, unit, target.node, band=target.band, rank=target.rank, score=target.score, limit=LIMIT
    )


def proposal_of(
    p: Proposal, sim: Simulator, reading: Reading, release: Release, unit: str
) -> dict[str, Any]:
    """A proposal as shown: each change named (question, official → new answer, its gain),
    where it takes the node, and its what-if address."""
    fw, lang = sim.framework, reading.lang
    by_code = {i.code: i for i in sim.indicators}
    return {
        "size": p.size,
        "step": p.step,
        "score": p.score,
        "band": p.band,
        "band_label": reading.band(p.band),
        "rank": p.rank,
        "changes": [
            {
                "indicator": m.after.indicator,
                "label": figures.question_name(fw, by_code[m.after.indicator], lang),
                "before": m.before.text,
                "after": m.after.text,
                "before_label": figures.answer_label(
                    fw, by_code[m.after.indicator], m.before, lang
                ),
                "after_label": figures.answer_label(
                    fw, by_code[m.after.indicator], m.after, lang, exact=sim.mode == "built"
                ),  # (a build's proposed value is one to type: every decimal shown)
                "gain": m.gain,
                "step": m.step,
            }
            for m in p.moves
        ],
        "query": p.query(),
        "url": whatif_url(release, unit, p.query()),
    }


def goal(request: HttpRequest, index: str, version: str, unit: str) -> HttpResponse:
    """What would it take for ``unit`` to reach a band, rank or score in a node: the goal form
    and, once a goal is given, the smallest proposals (fewest changes first, then the smallest
    step) with links to the what-if simulator, or — out of reach — the best it can get."""
    opened = whatif_views.opened(request, index, version, unit)
    if isinstance(opened, HttpResponse):
        return opened
    release, sim, reading = opened
    lang = reading.lang
    fw = reading.framework
    names = fw.labels(lang)
    too_long = len(request.META.get("QUERY_STRING", "")) > figures.max_query(sim)
    target, problems = read_target(sim, {} if too_long else request.GET)
    if too_long:
        problems.append(gettext("This address is longer than any goal needs: start again."))
    found: GoalSeek | None = None
    built = sim.mode == "built"
    if target.given and not problems:
        try:
            found = seek(sim, unit, target)
        except ChangeError as exc:
            problems.extend(exc.problems)
    status = 414 if too_long else 400 if problems else 200
    name = reading.name(unit)
    best = sorted(fw.bands, key=lambda b: b.min, reverse=fw.higher_is_better)
    context = {
        **_page(request, release, gettext("What would it take? — %(name)s") % {"name": name}),
        **reading.context(),
        "unit": unit,
        "name": name,
        "target": target,
        "target_label": names.get(target.node, target.node),
        "nodes": [
            (item.code, "– " * depth + names[item.code])
            for item, _, depth in fw.walk()
            if not item.is_indicator
        ],
        "bands": [(b.code, fw.label(b, lang)) for b in best],
        "problems": problems,
        "notices": [],
        "found": found,
        "proposals": [proposal_of(p, sim, reading, release, unit) for p in found.proposals]
        if found
        else [],
        "best": proposal_of(found.best, sim, reading, release, unit)
        if found and found.best
        else None,
        "current_band": reading.band(found.band) if found else "",
        "built": built,
        "found_notes": [built_note()] if built else list(found.notes) if found else [],
        "whatif_url": whatif_url(release, unit),
        "profile_url": reverse("explorer:unit", args=[index, version, unit]),
        "goal_band": reading.band(target.band or ""),
        "lower_is_better": not fw.higher_is_better,
        "max_rank": len(sim.dataset.units),
    }
    return render(request, "dialogue/goal.html", context, status=status)


__all__ = ["LIMIT", "Target", "goal", "proposal_of", "read_target", "seek"]
