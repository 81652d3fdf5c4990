"""Comparing two releases of one index (issue 15, point 6): what the page and the API route
share. Two releases of the same methodology are compared as published; when their frameworks
differ, both are scored on the indicators they share under the newer methodology
(:func:`polindex.analysis.crosswalk.backcast`: matched by the crosswalk the newer release
stores from the older one's methodology, else by code), and the older figures are back-cast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from polindex.analysis.comparison import Comparison, compare_results
from polindex.analysis.crosswalk import Backcast, Crosswalk, CrosswalkError, backcast, scored_tree
from polindex.engine.aggregate import AggregationError
from polindex.engine.compute import compute
from polindex.engine.results import Results
from polindex.errors import PolindexError
from polindex.framework.models import Framework
from polindex.web.dialogue.frozen import official_results
from polindex.web.releases.crosswalks import crosswalk_between
from polindex.web.releases.models import Release

VARIANTS: dict[str, Callable[[], str]] = {
    "arithmetic": lambda: _("arithmetic mean"),
    "geometric": lambda: _("geometric mean"),
    "harmonic": lambda: _("harmonic mean"),
}
"""The aggregation methods a release can be re-aggregated with, and their names."""
MOVERS = 10
"""The movers whose change is explained by the nodes that moved them."""


class CannotCompareError(Exception):
    """Two releases that cannot be compared; the message says why, in the reader's words."""


@dataclass(frozen=True)
class Outcome:
    """``a`` (the earlier release) and ``b`` compared on ``comparison``; ``backcast`` is set
    when their methodologies differ (the figures of ``a`` are then back-cast on the core)."""

    a: Release
    b: Release
    comparison: Comparison
    backcast: Backcast | None
    variant: str | None = None
    """The aggregation method ``b`` was re-aggregated with (``a`` is then the same release as
    published)."""
    crosswalk: Crosswalk | None = None
    """The crosswalk ``b`` stores from ``a``'s methodology, when the back-cast used one."""

    @property
    def labels(self) -> tuple[str, str]:
        """How the two sides are named: their versions, or "2018" and "2018, geometric"."""
        if self.variant is None:
            return self.a.version, self.b.version
        return self.a.version, f"{self.b.version}, {VARIANTS[self.variant]()}"


def shape(fw: Framework) -> list[tuple[str, str, str]]:
    """The tree of a framework as (code, parent, level) rows: equal shapes aggregate alike.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q", "type": "boolean"}]})
    >>> shape(fw)
    [('T', '', 'index'), ('q', 'T', 'indicator')]
    """
    return [(item.code, parent, item.level) for item, parent, _d in fw.walk()]


def _results(release: Release) -> Results:
    try:
        return official_results(release)
    except PolindexError:
        raise CannotCompareError(
            _("Release %(version)s holds no indicator scores: it cannot be compared here.")
            % {"version": release.version}
        ) from None


def variant(release: Release, method: str, node: str | None = None) -> Outcome:
    """``release`` as published against the same release with every group aggregated by
    ``method`` (one of :data:`VARIANTS`) from the same indicator scores and weights. Raises
    :class:`CannotCompareError` (an unknown method, scores the method cannot take)."""
    if method not in VARIANTS:
        raise CannotCompareError(
            _("There is no aggregation method “%(method)s” to compare with.")
            % {"method": method[:64]}
        )
    res = _results(release)
    if node is not None and node not in res.structure.index:
        raise CannotCompareError(
            _("There is no node “%(node)s” in both releases.") % {"node": node[:64]}
        )
    methods = {n.code: method for n in res.framework.nodes}
    tree, _left = scored_tree(res.framework, None, res.weights_used.given, methods)
    try:
        alt = compute(tree, res.dataset, ties=res.ties)
    except AggregationError:
        raise CannotCompareError(
            _("The %(method)s cannot take a score of 0 or less, and this release has some.")
            % {"method": VARIANTS[method]()}
        ) from None
    return Outcome(
        release, release, compare_results(res, alt, node=node, movers=MOVERS), None, method
    )


def ordered(one: Release, other: Release) -> tuple[Release, Release]:
    """The two releases, the earlier (by publication) first."""
    key = (one.publish_at, one.version) <= (other.publish_at, other.version)
    return (one, other) if key else (other, one)


def compare(one: Release, other: Release, node: str | None = None) -> Outcome:
    """Compare two releases of one index on ``node`` (default: the index), the earlier first.
    Raises :class:`CannotCompareError`."""
    a, b = ordered(one, other)
    ra, rb = _results(a), _results(b)
    bc = None
    cw = None
    if shape(ra.framework) != shape(rb.framework):
        cw = crosswalk_between(a, b)  # (None: matched by code)
        try:
            bc = backcast(ra, rb, cw)
        except CrosswalkError:
            raise CannotCompareError(
                _("The two releases share no indicator: they cannot be compared.")
            ) from None
        ra, rb = bc.old, bc.new
    if node is not None and node not in rb.structure.index:
        raise CannotCompareError(
            _("There is no node “%(node)s” in both releases.") % {"node": node[:64]}
        )
    return Outcome(a, b, compare_results(ra, rb, node=node, movers=MOVERS), bc, crosswalk=cw)
