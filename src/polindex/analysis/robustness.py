"""What a release publishes about its own robustness: the statistical audit, the uncertainty
analysis and the sensitivity analysis, each present or not."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from polindex.engine.results import Results

if TYPE_CHECKING:  # held, not used: importing them loads scipy.stats (a second or two)
    from polindex.analysis.audit import Audit
    from polindex.analysis.sensitivity import Sensitivity
    from polindex.analysis.uncertainty import Evaluation
    from polindex.framework.uncertainty import UncertainInput, Uncertainty


@dataclass(frozen=True)
class Robustness:
    """The robustness analyses run for a release (``None``: not run).

    Examples
    --------
    >>> Robustness().as_json()
    {}
    """

    audit: Audit | None = None
    uncertainty: Evaluation | None = None
    sensitivity: Sensitivity | None = None
    design: Uncertainty | None = None
    """The uncertainty design the analyses ran (what each input varied)."""

    def as_json(self) -> dict[str, Any]:
        """Plain JSON (what a release freezes): the uncertainty summary and what each input
        varied, the sensitivity table (for the mean rank shift, and for each unit's rank) and
        the audit's reliability, flags and statistics."""
        out: dict[str, Any] = {}
        if self.uncertainty is not None:
            ev = self.uncertainty
            out["uncertainty"] = {
                "target": ev.target,
                "period": str(ev.period),
                "replications": len(ev.scores),
                "summary": _records(ev.summary()),
            }
            if self.design is not None:
                out["uncertainty"]["inputs"] = [_input(i) for i in self.design.inputs]
        if self.sensitivity is not None:
            out["sensitivity"] = {
                "table": _records(self.sensitivity.table()),
                "units": _records(self.sensitivity.unit_table()),
            }
        if self.audit is not None:
            out["audit"] = {
                "reliability": _records(self.audit.reliability),
                "flags": _records(self.audit.flags),
                "statistics": _records(self.audit.statistics),
            }
        return out


@dataclass(frozen=True)
class ReleaseResults:
    """Everything a release freezes that is computed: the results and their robustness, and —
    for a build — the pipeline's ``variables`` (denominators and groups) as a long table of
    text (see :func:`~polindex.io.variables.variables_table`), so that the release can be built
    again with other data (the what-if simulator)."""

    results: Results
    robustness: Robustness = Robustness()
    variables: pd.DataFrame | None = None

    def design_json(self) -> dict[str, Any]:
        """The uncertainty design whose analysis the release publishes, whole, as plain JSON
        (weight sets read from their files), so that it can be replayed on other data;
        ``{}`` when no uncertainty analysis ran.

        Examples
        --------
        >>> from polindex.engine.results import Results
        >>> ReleaseResults(results=None).design_json()  # type: ignore[arg-type]
        {}
        """
        design = self.robustness.design
        if design is None or self.robustness.uncertainty is None:
            return {}
        inputs = tuple(
            i.model_copy(update={"weight_sets": tuple(i.load_weight_sets())})
            if isinstance(i.weight_sets, str)
            else i
            for i in design.inputs
        )
        out: dict[str, Any] = design.model_copy(update={"inputs": inputs}).model_dump(mode="json")
        return out


def clean(value: Any) -> Any:
    """A JSON-ready scalar: NaN and infinities → None (JSON has neither: a Cronbach's alpha
    of a group whose parts cancel out exactly is −∞), numpy numbers → int/str.

    Examples
    --------
    >>> clean(float("nan")), clean(float("-inf")), clean(3), clean("x")
    (None, None, 3, 'x')
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return None if str(value) in ("<NA>", "nan") else str(value)


def _input(spec: UncertainInput) -> dict[str, Any]:
    """What an uncertain input varies, in a few plain values (its kind, the step, the weight
    and its range, the levels and their noise, how many alternatives): enough to describe it
    in words, without the weight sets themselves."""
    out: dict[str, Any] = {"name": spec.name, "kind": spec.kind}
    if spec.step is not None:
        out["step"] = spec.step
    if spec.weight is not None:
        out["weight"] = spec.weight
        out["range"] = list(spec.range) if spec.range else None
    if spec.weight_noise is not None:
        out["noise"] = dict(spec.weight_noise)
    if spec.exclude:
        out["exclude"] = [list(codes) for codes in spec.exclude]
    out["alternatives"] = spec.n_alternatives
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): clean(v) for k, v in rec.items()} for rec in frame.to_dict(orient="records")]


__all__ = ["ReleaseResults", "Robustness", "clean"]
