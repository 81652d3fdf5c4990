"""The construction pipeline: an ordered list of declarative step specs.

A pipeline says how an index is built from raw indicator values: denominate → impute → screen →
treat outliers → normalise → weight → aggregate (any subset, COINr's order by default). It is
written as a ``pipeline:`` section of the framework YAML or as a file of its own, or built in
Python from these frozen pydantic models. Each step has global settings and ``overrides`` keyed
by an indicator or group code (a group's override applies to every indicator below it; the
nearest one wins). The aggregate step also takes ``levels`` overrides keyed by level name.

Method names and their parameters come from :mod:`polindex.framework.vocabulary` (the engine's
function tables are keyed by the same names); :func:`check_pipeline` checks a pipeline's methods,
parameters and codes against it and the framework.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from polindex.framework.messages import explain, unknown
from polindex.framework.models import Code, Framework, Label
from polindex.framework.problems import FrameworkError, Problem
from polindex.framework.vocabulary import (
    AGGREGATION_PARAMS,
    IMPUTATION_PARAMS,
    NORMALISATION_PARAMS,
    STAGE_OF_STEP,
    Ties,
)
from polindex.framework.yamlsource import PathPart, YamlDocument, format_path, read_section

Scalar = float | int | str | bool | None
Settings = dict[str, Any]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Variable(_Model):
    """A column of the data that is not an indicator: a denominator or a grouping variable."""

    code: Code
    role: Literal["denominator", "group"]
    label: Label = Field(default_factory=dict)


class _Step(_Model):
    overrides: dict[str, Settings] = Field(default_factory=dict)


class DenominateStep(_Step):
    """Divide indicators by a denominator column: ``x / (denominator / scale)`` (COINr)."""

    step: Literal["denominate"] = "denominate"
    by: dict[str, str] = Field(default_factory=dict)
    """Indicator code → denominator variable code."""
    scale: float = 1.0


class ScreenStep(_Step):
    """Remove units with too little data or too many zeros (COINr ``Screen``)."""

    step: Literal["screen"] = "screen"
    min_availability: Annotated[float, Field(ge=0, le=1)] | None = None
    """Keep a unit only if at least this share of its indicator values is present."""
    min_nonzero: Annotated[float, Field(ge=0, le=1)] | None = None
    """Keep a unit only if at least this share of its present values is non-zero."""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _something(self) -> ScreenStep:
        if self.min_availability is None and self.min_nonzero is None and not self.exclude:
            raise ValueError("give min_availability, min_nonzero or exclude (else it does nothing)")
        both = set(self.include) & set(self.exclude)
        if both:
            raise ValueError(f"units both included and excluded: {', '.join(sorted(both))}")
        return self


class ImputeStep(_Step):
    """Fill missing values; observed values are never changed."""

    step: Literal["impute"] = "impute"
    method: str = "mean"
    group: Code | None = None
    """Grouping variable for ``mean_group`` / ``median_group``."""


class TreatStep(_Step):
    """Outlier treatment (COINr's two-step procedure); ``overrides: {code: {skip: true}}``."""

    step: Literal["treat"] = "treat"
    winmax: Annotated[int, Field(ge=0)] = 5
    skew_threshold: Annotated[float, Field(gt=0)] = 2.0
    kurtosis_threshold: float = 3.5
    fallback: Literal["log", "boxcox"] | None = "log"
    boxcox_lambda: float | None = None
    force_winsorise: bool = False
    skip: bool = False


class NormaliseStep(_Step):
    """Bring every indicator onto a common scale, direction applied first."""

    step: Literal["normalise"] = "normalise"
    method: str = "minmax"
    params: dict[str, Scalar] = Field(default_factory=dict)
    """Method parameters, e.g. ``{low: 0, high: 100}`` for minmax."""
    by_period: bool = False
    """Normalise each period on its own (default: the whole panel at once, so scores are
    comparable over time)."""


class WeightsStep(_Step):
    """Set the weights: equal, explicit, PCA-derived, or optimised (COINr's ``balance``)."""

    step: Literal["weights"] = "weights"
    method: Literal["equal", "explicit", "pca", "balance"] = "equal"
    values: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    """Explicit weights by code (method ``explicit``; others keep the framework's)."""
    level: str | None = None
    """Level whose nodes' weights ``pca`` / ``balance`` set (default: the indicators)."""


class AggregateStep(_Step):
    """Aggregate level by level: ``method`` for all, ``levels`` / ``overrides`` per level or
    group."""

    step: Literal["aggregate"] = "aggregate"
    method: str | None = None
    """Default for every group (``None``: each group's own ``aggregation`` in the framework)."""
    params: dict[str, Scalar] = Field(default_factory=dict)
    levels: dict[str, Settings] = Field(default_factory=dict)
    ties: Ties = "rounded"
    """Which scores rank as equal: ``rounded`` (equal to 10 decimals, the default) or ``exact``
    (equal as floating-point numbers, as COINr ranks); see docs/coinr-differences.md."""


Step = Annotated[
    DenominateStep
    | ScreenStep
    | ImputeStep
    | TreatStep
    | NormaliseStep
    | WeightsStep
    | AggregateStep,
    Field(discriminator="step"),
]


class Pipeline(_Model):
    """Variables the steps use and the ordered steps.

    Examples
    --------
    >>> p = Pipeline.model_validate({
    ...     "variables": [{"code": "pop", "role": "denominator"}],
    ...     "steps": [{"step": "denominate", "by": {"q1": "pop"}},
    ...               {"step": "normalise", "method": "minmax", "params": {"low": 0, "high": 100}},
    ...               {"step": "aggregate"}]})
    >>> [s.step for s in p.steps], p.stage_names
    (['denominate', 'normalise', 'aggregate'], ['raw', 'denominated', 'normalised', 'aggregated'])
    """

    variables: tuple[Variable, ...] = ()
    steps: tuple[Step, ...] = ()

    @model_validator(mode="after")
    def _order(self) -> Pipeline:
        names = [s.step for s in self.steps]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ValueError(f"step {name!r} appears twice (each step runs at most once)")
            seen.add(name)
        if "aggregate" in names and names[-1] != "aggregate":
            raise ValueError("'aggregate' must be the last step")
        codes = [v.code for v in self.variables]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"variable listed twice: {', '.join(dupes)}")
        return self

    @property
    def stage_names(self) -> list[str]:
        """``raw`` then the data set each step produces, in order."""
        return ["raw", *(STAGE_OF_STEP[s.step] for s in self.steps)]

    @property
    def ties(self) -> Ties:
        """How the results' ranks treat ties: the aggregate step's ``ties`` (default
        ``rounded``)."""
        step = self.get("aggregate")
        return "rounded" if step is None else step.ties

    def get(self, step: str) -> Any:
        """The step spec named ``step`` (e.g. ``"normalise"``), or ``None``."""
        return next((s for s in self.steps if s.step == step), None)

    def variable_codes(self, role: str) -> list[str]:
        """Codes of the variables with this role (``denominator`` or ``group``)."""
        return [v.code for v in self.variables if v.role == role]


def _method_problems(
    where: tuple[PathPart, ...],
    method: Any,
    params: Any,
    vocabulary: Mapping[str, tuple[str, ...]],
    required: bool = False,
) -> list[tuple[tuple[PathPart, ...], str]]:
    """An unknown method, unknown parameters, and (``required``) parameters not given."""
    if method not in vocabulary:
        return [((*where, "method"), unknown("method", method, vocabulary))]
    takes = vocabulary[method]
    out = [
        (
            (*where, "params", key),
            f"unknown parameter {key!r} of {method}; it takes: "
            + (", ".join(takes) or "no parameters"),
        )
        for key in params or {}
        if key not in takes
    ]
    if required:
        out += [
            ((*where, "params"), f"{method} needs the parameter {key!r}")
            for key in takes
            if key not in (params or {})
        ]
    return out


def check_pipeline(
    pipeline: Pipeline, framework: Framework
) -> list[tuple[tuple[PathPart, ...], str]]:
    """Cross-check a pipeline against its framework: every code, method and parameter.

    Returns ``(path, message)`` pairs (empty: the pipeline fits the framework).

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}]})
    >>> p = Pipeline.model_validate({"steps": [
    ...     {"step": "normalise", "method": "minmax", "params": {"lo": 0}},
    ...     {"step": "impute", "method": "mean", "overrides": {"q9": {"method": "median"}}}]})
    >>> for path, msg in check_pipeline(p, fw): print(path, msg)
    ('steps', 0, 'params', 'lo') unknown parameter 'lo' of minmax; it takes: low, high
    ('steps', 1, 'overrides', 'q9') 'q9' is not an indicator or group of the framework
    """
    out: list[tuple[tuple[PathPart, ...], str]] = []
    codes = {i.code for i in framework.indicators} | {n.code for n in framework.nodes}
    indicators = {i.code for i in framework.indicators}
    levels = {n.level for n in framework.nodes}
    roles = {v.code: v.role for v in pipeline.variables}

    def method_params(where: tuple[PathPart, ...], method: Any, params: Any) -> None:
        out.extend(_method_problems(where, method, params, NORMALISATION_PARAMS))

    for k, step in enumerate(pipeline.steps):
        here: tuple[PathPart, ...] = ("steps", k)
        for code in step.overrides:
            if code not in codes:
                out.append(
                    (
                        (*here, "overrides", code),
                        f"{code!r} is not an indicator or group of the framework",
                    )
                )
        if isinstance(step, DenominateStep):
            for ind, var in step.by.items():
                if ind not in indicators:
                    out.append(
                        ((*here, "by", ind), f"{ind!r} is not an indicator of the framework")
                    )
                if roles.get(var) != "denominator":
                    out.append(
                        ((*here, "by", ind), f"{var!r} is not a denominator listed under variables")
                    )
        elif isinstance(step, ImputeStep):
            for where, conf in [(here, {"method": step.method, "group": step.group})] + [
                ((*here, "overrides", c), o) for c, o in step.overrides.items()
            ]:
                method = conf.get("method", step.method)
                out.extend(_method_problems(where, method, None, IMPUTATION_PARAMS))
                group = conf.get("group", step.group)
                if "group" in IMPUTATION_PARAMS.get(str(method), ()) and group is None:
                    out.append(((*where, "group"), f"{method} needs a group variable"))
                if group is not None and roles.get(group) != "group":
                    out.append(
                        ((*where, "group"), f"{group!r} is not a group listed under variables")
                    )
        elif isinstance(step, NormaliseStep):
            method_params(here, step.method, step.params)
            for code, over in step.overrides.items():
                unknown = set(over) - {"method", "params"}
                for key in sorted(unknown):
                    out.append(
                        ((*here, "overrides", code, key), f"unknown key {key!r} (method, params)")
                    )
                method = over.get("method", step.method)
                params = (
                    over.get("params", {})
                    if "method" in over
                    else {**step.params, **over.get("params", {})}
                )
                method_params((*here, "overrides", code), method, params)
        elif isinstance(step, TreatStep):
            allowed = set(TreatStep.model_fields) - {"step", "overrides"}
            for code, over in step.overrides.items():
                for key in sorted(set(over) - allowed):
                    out.append(
                        (
                            (*here, "overrides", code, key),
                            f"unknown key {key!r} ({', '.join(sorted(allowed))})",
                        )
                    )
        elif isinstance(step, WeightsStep):
            for code in step.values:
                if code == framework.root.code:
                    out.append(
                        (
                            (*here, "values", code),
                            f"{code!r} is the index itself, which has no weight; weights are "
                            "set on the indicators and groups below it",
                        )
                    )
                elif code not in codes:
                    out.append(
                        (
                            (*here, "values", code),
                            f"{code!r} is not an indicator or group of the framework",
                        )
                    )
            if step.level is not None and step.level not in levels:
                out.append(
                    (
                        (*here, "level"),
                        f"unknown level {step.level!r}; levels: {', '.join(sorted(levels))}",
                    )
                )
        elif isinstance(step, AggregateStep):
            settings: list[tuple[tuple[PathPart, ...], Any, Any]] = []
            if step.method is not None or step.params:
                settings.append((here, step.method, step.params))
            for key, table in (("levels", step.levels), ("overrides", step.overrides)):
                for code, over in table.items():
                    where = (*here, key, code)
                    for extra in sorted(set(over) - {"method", "params"}):
                        out.append(((*where, extra), f"unknown key {extra!r} (method, params)"))
                    if "method" in over or "params" in over:
                        method = over.get("method", step.method)
                        params = over.get("params", {})
                        if "method" not in over:
                            params = {**step.params, **params}
                        settings.append((where, method, params))
            for where, method, params in settings:
                if method is not None:  # None: the framework's own method
                    out.extend(
                        _method_problems(where, method, params, AGGREGATION_PARAMS, required=True)
                    )
            for name in step.levels:
                if name not in levels:
                    out.append(
                        (
                            (*here, "levels", name),
                            f"unknown level {name!r}; levels: {', '.join(sorted(levels))}",
                        )
                    )
            for code in step.overrides:
                if code in indicators:
                    out.append(
                        (
                            (*here, "overrides", code),
                            f"{code!r} is an indicator; aggregation is set on groups",
                        )
                    )
    return out


def load_pipeline(
    source: str | Path | dict[str, Any] | list[Any] | YamlDocument,
    framework: Framework | None = None,
) -> Pipeline:
    """Load a pipeline from YAML (a file of its own, or a framework file's ``pipeline:``
    section) or from parsed data, checking it against ``framework`` when given.

    Raises :class:`~polindex.framework.FrameworkError` listing every problem with its path
    and line.

    Examples
    --------
    >>> p = load_pipeline([{"step": "impute", "method": "median"}, {"step": "aggregate"}])
    >>> [s.step for s in p.steps]
    ['impute', 'aggregate']
    >>> try:
    ...     load_pipeline({"steps": [{"step": "normalize"}]})
    ... except FrameworkError as exc:
    ...     print(exc.problems[0].message[:40])
    unknown step 'normalize'; one of: denomi
    """
    doc, base, data, name = read_section(source, "pipeline", "<pipeline>")
    listed = isinstance(data, list)  # a bare list of steps: no 'steps:' key in the document
    if listed:
        data = {"steps": data}
    problems: list[Problem] = []

    def problem(parts: tuple[PathPart, ...], message: str) -> None:
        where = (*base, *parts)
        in_doc = (*base, *parts[1:]) if listed and parts[:1] == ("steps",) else where
        problems.append(Problem(format_path(where), message, doc.line(in_doc)))

    if not isinstance(data, dict):
        raise FrameworkError(
            [
                Problem(
                    format_path(base),
                    "a pipeline is a mapping with 'steps:' (or a list of steps)",
                    doc.line(base),
                )
            ],
            name,
        )
    try:
        pipeline = Pipeline.model_validate(data)
    except ValidationError as exc:
        for loc, message, err in explain(exc):
            # pydantic puts the union tag in the location: ('steps', 0, 'normalise', 'method')
            loc = tuple(
                p
                for k, p in enumerate(loc)
                if not (k == 2 and loc[0] == "steps" and p in STAGE_OF_STEP)
            )
            if err["type"] == "union_tag_invalid":
                tag = (
                    err.get("input", {}).get("step") if isinstance(err.get("input"), dict) else None
                )
                problem((*loc, "step"), unknown("step", tag, STAGE_OF_STEP))
            elif err["type"] == "union_tag_not_found":
                problem(loc, f"each step needs 'step:' (one of: {', '.join(STAGE_OF_STEP)})")
            else:
                problem(loc, message)
        raise FrameworkError(problems, name) from None
    if framework is not None:
        for parts, message in check_pipeline(pipeline, framework):
            problem(parts, message)
        if problems:
            raise FrameworkError(problems, name)
    return pipeline
