"""A release's crosswalk to its predecessor (decision 061): which indicator of the earlier
methodology is which of this release's, frozen with the release and used when the two are
compared (the earlier figures back-cast on the core they share).

A crosswalk is given when the release is made (``polindex release create … --crosswalk FILE``,
or ``publish_release(…, crosswalk=…)``), checked there against the predecessor's framework and
the new one — every problem with its row, nothing published — and stored as plain JSON::

    {"predecessor": "2019", "from": "2019", "to": "2025",
     "indicators": [{"old": "LMM2", "new": "LMM2a", "note": "renamed"}, …]}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from polindex.analysis.crosswalk import Crosswalk, CrosswalkError, Link, load_crosswalk
from polindex.framework.models import Framework
from polindex.web.releases.models import Release

Given = Crosswalk | Mapping[str, Any] | str | Path


def predecessor(index_code: str, methodology: str | None) -> Release | None:
    """The release a new one of ``index_code`` crosswalks from: the latest published (by
    publication time, then version) whose methodology is ``methodology`` (``None``: any)."""
    found = Release.objects.filter(index__code=index_code)
    if methodology is not None:
        found = found.filter(methodology_version=methodology)
    return found.select_related("index").order_by("-publish_at", "-version").first()


def frozen_crosswalk(index_code: str, new: Framework, given: Given) -> dict[str, Any]:
    """``given`` (a :class:`Crosswalk`, a mapping, YAML or CSV text, or a file) checked against
    the predecessor's framework and ``new``, as the JSON a release stores. Raises
    :class:`CrosswalkError` listing every problem: a file that cannot be read, a missing
    column, a row without codes, an unknown or repeated code (with its row), a methodology
    version that does not match, no earlier release to crosswalk from.

    Example (with Django set up and a release of TWO at methodology 1.0 published)::

        frozen_crosswalk("TWO", new_framework, "old,new,note\\nc1,c1x,renamed\\n")
        # {'predecessor': '1', 'from': '1.0', 'to': '3.0', 'indicators': [{'old': 'c1', …}]}
    """
    crosswalk = given if isinstance(given, Crosswalk) else load_crosswalk(given)
    before = predecessor(index_code, crosswalk.old_version)
    if before is None:
        which = f" at methodology {crosswalk.old_version}" if crosswalk.old_version else ""
        raise CrosswalkError(
            [f"{index_code} has no earlier release{which} to crosswalk from: publish it first"]
        )
    crosswalk.resolve(before.definition.framework, new)  # every problem, with its row
    return {
        "predecessor": before.version,
        "from": before.methodology_version,
        "to": new.version,
        "indicators": [{"old": k.old, "new": k.new, "note": k.note} for k in crosswalk.links],
    }


def crosswalk_between(a: Release, b: Release) -> Crosswalk | None:
    """The crosswalk ``b`` (the later release) stores from ``a``'s methodology, if any: it
    applies to every release of the methodology it was written from."""
    stored = b.crosswalk or {}
    if not stored or stored.get("from") != a.methodology_version:
        return None
    links = tuple(
        Link(row.get("old"), row.get("new"), row.get("note") or "")
        for row in stored.get("indicators") or []
    )
    return Crosswalk(links, a.definition.framework.version, b.definition.framework.version)


__all__ = ["crosswalk_between", "frozen_crosswalk", "predecessor"]
