"""A release's official results for the tools that only re-aggregate (your own weights,
comparing releases): from its simulator when the release's inputs can be read again, else
re-made from the indicator scores it froze — which is all re-aggregation needs, and works for a
release of scores only or one built by a pipeline whose inputs it cannot replay."""

from __future__ import annotations

import functools
import math
import threading
from typing import Any

import numpy as np

from polindex.analysis.crosswalk import scored_tree
from polindex.engine.compute import compute
from polindex.engine.dataset import Dataset
from polindex.engine.results import Results
from polindex.errors import PolindexError
from polindex.web.dialogue.simulators import NotSimulableError, simulator_of
from polindex.web.releases.models import Release

_lock = threading.Lock()


def official_results(release: Release) -> Results:
    """The results of ``release`` to re-aggregate: its simulator's, or those re-made from its
    frozen indicator scores (kept once per release and process). Callers must have checked
    that the user may see the release.

    Example (with Django set up and a release ``release`` at hand)::

        from polindex.web.releases.models import Release
        r = Release.objects.get(index__code="Index", version="2018")
        official_results(r).score(unit="AUT")
    """
    try:
        return simulator_of(release).results
    except (NotSimulableError, PolindexError):
        with _lock:
            return _frozen(release.pk, release.checksum, release)


@functools.lru_cache(maxsize=16)
def _frozen(pk: int, checksum: str, release: Release) -> Results:
    """The release's results from its frozen indicator scores, aggregated with the weights
    and methods it used."""
    fw = release.definition.framework
    used: dict[str, Any] = release.weights_used or {}
    methods: dict[str, Any] = release.methods_used or {}
    aggregation = {code: m["method"] for code, m in (methods.get("aggregation") or {}).items() if m}
    tree, _ = scored_tree(fw, None, used.get("given") or {}, aggregation)
    codes = [i.code for i in tree.indicators]
    rows = list(
        release.scores.filter(node__in=codes).values_list(
            "unit", "period", "node", "score", "status"
        )
    )
    units = sorted({r[0] for r in rows})
    periods = sorted({r[1] for r in rows})
    u, p, i = ({x: k for k, x in enumerate(xs)} for xs in (units, periods, codes))
    values = np.full((len(units), len(periods), len(codes)), np.nan)
    na = np.zeros(values.shape, dtype=bool)
    present = np.zeros(values.shape[:2], dtype=bool)
    for unit, period, node, score, status in rows:
        at = (u[unit], p[period], i[node])
        present[at[:2]] = True
        if score is not None and not math.isnan(score):
            values[at] = score
        na[at] = status == "not applicable"
    data = Dataset(
        units=tuple(units), periods=tuple(periods), indicators=tuple(codes), raw=values,
        values=values, not_applicable=na, present=present,
    )  # fmt: skip
    spec = {"from": f"the frozen indicator scores of {release.index.code} {release.version}"}
    if methods.get("ties") == "exact":
        return compute(tree, data, spec=spec, ties="exact")
    return compute(tree, data, spec=spec, ties="rounded")
