"""A release's robustness results as every channel reads them: the robustness page, the API and
the downloads take their rows from here, in one language, with names and labels beside codes.

A release freezes its robustness as JSON (see
:meth:`polindex.analysis.robustness.Robustness.as_json`): the rank intervals of the uncertainty
analysis (per unit: the published rank and score, and their median, mean, 5th and 95th
percentile over the replications), the sensitivity indices (per uncertain choice: first-order
and total effect on the mean rank shift, with their bootstrap intervals; per unit and choice:
the effects on that unit's rank) and the audit's reliability (Cronbach's alpha per group).
Nothing here computes: it reads what was frozen, so every channel shows the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from polindex.web.releases.models import Release

INTERVAL_FIELDS = (
    "rank_nominal",
    "rank_median",
    "rank_q05",
    "rank_q95",
    "rank_mean",
    "score_nominal",
    "score_median",
    "score_q05",
    "score_q95",
    "score_mean",
)
"""The numbers of a unit's interval, as frozen (``nominal``: as published)."""
SENSITIVITY_FIELDS = (
    "first_order",
    "first_order_q05",
    "first_order_q95",
    "total",
    "total_q05",
    "total_q95",
)
"""The numbers of a choice's sensitivity indices, as frozen (``q05``/``q95``: bootstrap)."""

STEP_NAMES = {
    "denominate": gettext_noop("Denominators (indicators divided by a size)"),
    "screen": gettext_noop("Screening (which countries are left out for lack of data)"),
    "impute": gettext_noop("Imputation of missing values"),
    "treat": gettext_noop("Treatment of outliers"),
    "normalise": gettext_noop("Normalisation (indicators put on a common scale)"),
    "weights": gettext_noop("Weights"),
    "aggregate": gettext_noop("Aggregation (how scores are combined into groups)"),
}
"""What varying each construction step means, in plain words (translated when shown)."""


@dataclass(frozen=True)
class ReleaseRobustness:
    """The robustness results of ``release`` read in ``lang`` (see the module docstring).

    Examples (with Django set up and a release built with ``robustness=True``)::

        rb = ReleaseRobustness(release, "fr")
        rb.intervals()[0]["name"], rb.sensitivity()[0]["label"]
    """

    release: Release
    lang: str | None = None

    @property
    def data(self) -> dict[str, Any]:
        return self.release.robustness or {}

    @property
    def uncertainty(self) -> dict[str, Any]:
        """The uncertainty analysis as frozen (empty: none ran)."""
        return self.data.get("uncertainty") or {}

    def __bool__(self) -> bool:
        return bool(self.data)

    def _names(self) -> dict[str, str]:
        return self.release.unit_table.names(self.lang)

    def _labels(self) -> dict[str, str]:
        return self.release.definition.framework.labels(self.lang)

    @property
    def target(self) -> str | None:
        """The node whose ranks were studied (the index), ``None`` without an analysis."""
        return self.uncertainty.get("target")

    @property
    def target_label(self) -> str | None:
        target = self.target
        return None if target is None else self._labels().get(target, target)

    @property
    def period(self) -> str | None:
        return self.uncertainty.get("period")

    @property
    def replications(self) -> int | None:
        return self.uncertainty.get("replications")

    def intervals(self, unit: str | None = None) -> list[dict[str, Any]]:
        """Each unit's rank and score interval (of ``unit`` only, when given), in the order
        frozen (the published rank)."""
        names = self._names()
        return [
            {"unit": row["unit"], "name": names.get(row["unit"], row["unit"]),
             **{k: row.get(k) for k in INTERVAL_FIELDS}}
            for row in self.uncertainty.get("summary") or []
            if unit is None or row["unit"] == unit
        ]  # fmt: skip

    def inputs(self) -> list[dict[str, Any]]:
        """Each uncertain choice: its name in the design, a label in plain words, its kind and
        how many alternatives it had (known for releases made since the design is frozen; for
        older ones the names come from the sensitivity table, as their only label)."""
        design = {i["name"]: i for i in self.uncertainty.get("inputs") or []}
        names = list(design) or [
            row["input"] for row in (self.data.get("sensitivity") or {}).get("table") or []
        ]
        return [
            {
                "name": name,
                "label": self.input_label(name),
                "kind": design.get(name, {}).get("kind"),
                "alternatives": design.get(name, {}).get("alternatives"),
            }
            for name in names
        ]

    def input_label(self, name: str) -> str:
        """What the uncertain choice ``name`` varied, in plain words (its name when the
        release did not freeze its design)."""
        spec = next((i for i in self.uncertainty.get("inputs") or [] if i["name"] == name), None)
        if spec is None:
            return name
        fw = self.release.definition.framework
        levels = {level.code: fw.text(level.label, self.lang, level.code) for level in fw.levels}
        with override(self.lang):
            return _describe(spec, self._labels(), levels)

    def sensitivity(self) -> list[dict[str, Any]]:
        """Per uncertain choice: its first-order and total effect on the mean rank shift, with
        their 5–95 % bootstrap intervals."""
        rows = (self.data.get("sensitivity") or {}).get("table") or []
        return [
            {"input": row["input"], "label": self.input_label(row["input"]),
             **{k: row.get(k) for k in SENSITIVITY_FIELDS}}
            for row in rows
        ]  # fmt: skip

    def unit_sensitivity(self, unit: str | None = None) -> list[dict[str, Any]]:
        """Per unit and uncertain choice: its first-order and total effect on that unit's rank
        (of ``unit`` only, when given; empty for releases made before these were frozen)."""
        names = self._names()
        labels = {i["name"]: i["label"] for i in self.inputs()}
        rows = (self.data.get("sensitivity") or {}).get("units") or []
        return [
            {"unit": row["unit"], "name": names.get(row["unit"], row["unit"]),
             "input": row["input"], "label": labels.get(row["input"], row["input"]),
             "first_order": row.get("first_order"), "total": row.get("total")}
            for row in rows
            if unit is None or row["unit"] == unit
        ]  # fmt: skip

    def reliability(self) -> list[dict[str, Any]]:
        """Per group: Cronbach's alpha of its children (``None``: too few to compute), with
        the group's label."""
        labels = self._labels()
        rows = (self.data.get("audit") or {}).get("reliability") or []
        return [
            {"node": row["node"], "label": labels.get(row["node"], row["node"]),
             "level": row.get("level"), "n_children": row.get("n_children"),
             "cronbach_alpha": row.get("cronbach_alpha")}
            for row in rows
        ]  # fmt: skip

    def opposed(self, node: str, limit: int = 3) -> list[dict[str, Any]]:
        """The pairs of ``node``'s children that move most against each other (the audit's
        negative correlations, most negative first), with their labels."""
        labels = self._labels()
        flags = (self.data.get("audit") or {}).get("flags") or []
        pairs = [
            f for f in flags
            if f.get("kind") == "negative" and f.get("parent") == node and f.get("r") is not None
        ]  # fmt: skip
        pairs.sort(key=lambda f: f["r"])
        return [
            {"first": labels.get(f["var1"], f["var1"]),
             "second": labels.get(f["var2"], f["var2"]), "r": f["r"]}
            for f in pairs[:limit]
        ]  # fmt: skip


def _describe(spec: dict[str, Any], labels: dict[str, str], levels: dict[str, str]) -> str:
    """An uncertain input's label in the active language, from the nodes' ``labels`` and the
    ``levels``' (see :meth:`ReleaseRobustness.input_label`)."""
    kind = spec.get("kind")
    if kind == "step":
        step = spec.get("step") or ""
        return _(STEP_NAMES[step]) if step in STEP_NAMES else step
    if kind == "weight":
        node = spec.get("weight") or ""
        return _("The weight of %(node)s") % {"node": labels.get(node, node)}
    if kind == "weight_noise":
        noise = ", ".join(
            f"{levels.get(level, level)} ±{number_format(100 * share, 0)} %"
            for level, share in (spec.get("noise") or {}).items()
        )
        return _("Random changes to the weights (%(noise)s)") % {"noise": noise}
    if kind == "weight_sets":
        return _("Other sets of weights")
    if kind == "exclude":
        return _("Leaving indicators out")
    return str(spec.get("name", ""))


__all__ = ["INTERVAL_FIELDS", "SENSITIVITY_FIELDS", "ReleaseRobustness"]
