"""Comparing two releases of one index (issue 15, point 6): what the page and the API route
share. Two releases of the same methodology are compared as published; when their frameworks
differ, both are scored on the indicators they share under the newer methodology
(:func:`polindex.analysis.crosswalk.backcast`: matched by the crosswalk the newer release
stores from the older one's methodology, else by code), and the older figures are back-cast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from polindex.analysis.comparison import Comparison, compare_results
from polindex.analysis.crosswalk import Backcast, Crosswalk, CrosswalkError, backcast, scored_tree
from polindex.engine.aggregate import AggregationError
from polindex.engine.compute import compute
from polindex.engine.pipeline import run_pipeline
from polindex.engine.results import Results
from polindex.errors import PolindexError
from polindex.framework.models import Framework
from polindex.web.dialogue.frozen import official_results
from polindex.web.dialogue.simulators import simulator_of
from polindex.web.dialogue.whatif_figures import simulable
from polindex.web.releases.crosswalks import crosswalk_between
from polindex.web.releases.models import Release

VARIANTS: dict[str, Callable[[], str]] = {
    "arithmetic": lambda: _("arithmetic mean"),
    "geometric": lambda: _("geometric mean"),
    "harmonic": lambda: _("harmonic mean"),
}
"""The aggregation methods a release can be re-aggregated with, and their names."""
REBUILT: dict[str, tuple[str, str, Callable[[], str]]] = {
    "normalise-minmax": ("normalise", "minmax", lambda: _("min-max normalisation")),
    "normalise-zscore": ("normalise", "zscore", lambda: _("z-score normalisation")),
    "impute-mean": ("impute", "mean", lambda: _("imputation by the mean")),
    "impute-median": ("impute", "median", lambda: _("imputation by the median")),
}
"""The variants rebuilt by a release's own pipeline with one step's method replaced: (step,
method, name). Normalisations stay on the index's scale (decision 061)."""
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
        return self.a.version, f"{self.b.version}, {variant_name(self.variant)}"


def variant_name(code: str) -> str:
    """A variant's name in the reader's language ("geometric mean", "z-score normalisation")."""
    return REBUILT[code][2]() if code in REBUILT else VARIANTS[code]()


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
    ``method`` (one of :data:`VARIANTS`) from the same indicator scores and weights — or, for
    a release built by a pipeline, rebuilt with one step's method replaced (one of
    :data:`REBUILT`). Raises :class:`CannotCompareError` (an unknown method, one that does not
    apply to the release, scores the method cannot take)."""
    if method in REBUILT:
        return _rebuilt(release, method, node)
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


def pipeline_steps(release: Release) -> list[str]:
    """The steps of the pipeline ``release`` was built by (empty: scored from its answers)."""
    pipeline = (release.spec or {}).get("pipeline") or {}
    return [str(step.get("step")) for step in pipeline.get("steps") or []]


def rebuilt_variants(release: Release) -> tuple[list[str], str]:
    """The codes of :data:`REBUILT` that apply to ``release``, and, when some do not, the
    sentence saying why (empty when all apply)."""
    steps = pipeline_steps(release)
    if not steps:
        return [], _(
            "Normalisation and imputation do not apply to this index: each answer has its "
            "score in the questionnaire, so only the aggregation can be varied."
        )
    if not simulable(release):
        return [], _(
            "Other normalisations and imputations cannot be compared here: the release does "
            "not keep everything its pipeline read, so it cannot be rebuilt."
        )
    codes = [code for code, (step, _m, _n) in REBUILT.items() if step in steps]
    missing = [step for step in ("normalise", "impute") if step not in steps]
    note = ""
    if "impute" in missing:
        note = _("Its pipeline imputes nothing: no imputation to vary.")
    if "normalise" in missing:
        note = _("Its pipeline normalises nothing: no normalisation to vary.")
    return codes, note


def _rebuilt(release: Release, code: str, node: str | None) -> Outcome:
    """``release`` against itself rebuilt with the step of :data:`REBUILT` ``code``."""
    codes, why = rebuilt_variants(release)
    if code not in codes:
        raise CannotCompareError(why or _("This variant does not apply to this release."))
    sim = simulator_of(release)
    if sim.pipeline is None or sim.mode != "built":  # (rebuilt_variants checked the spec)
        raise CannotCompareError(why or _("This variant does not apply to this release."))
    step_name, method, _name = REBUILT[code]
    scale = sim.framework.scale
    params: dict[str, Any] = {}
    if method == "minmax":
        params = {"low": scale.min, "high": scale.max}
    elif method == "zscore":  # centred on the scale, ±3 standard deviations across it
        params = {"mean": (scale.min + scale.max) / 2, "sd": (scale.max - scale.min) / 6}
    steps = []
    for step in sim.pipeline.steps:
        if step.step == step_name:
            merged = {**step.model_dump(), "method": method}
            if "params" in merged:  # (an imputation takes none)
                merged["params"] = params
            merged.pop("overrides", None)  # one method for every indicator
            step = type(step).model_validate(merged)
        steps.append(step)
    pipeline = sim.pipeline.model_copy(update={"steps": tuple(steps)})
    res = sim.results
    if node is not None and node not in res.structure.index:
        raise CannotCompareError(
            _("There is no node “%(node)s” in both releases.") % {"node": node[:64]}
        )
    try:
        alt = run_pipeline(sim.framework, sim.dataset, pipeline, sim.variables)
    except PolindexError as exc:
        raise CannotCompareError(
            _("The release cannot be rebuilt with %(method)s: %(reason)s")
            % {"method": REBUILT[code][2](), "reason": str(exc).splitlines()[0]}
        ) from None
    return Outcome(release, release, compare_results(res, alt, node=node, movers=MOVERS),
                   None, code)  # fmt: skip


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
