"""Run a construction :class:`~polindex.framework.pipeline.Pipeline` on a data set.

Each step is a call to a small pure function (:mod:`~polindex.engine.denominate`,
:mod:`~polindex.engine.screen`, :mod:`~polindex.engine.impute`, :mod:`~polindex.engine.treat`,
:mod:`~polindex.engine.normalise`, :mod:`~polindex.engine.weights`,
:mod:`~polindex.engine.aggregate`). Work arrays are indicator-major, ``(indicator, period,
unit)``; indicators sharing the same settings are processed together in one call. The
:class:`~polindex.engine.results.Results` keep every intermediate data set and a log of the
decisions (units screened out, points Winsorised, values imputed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.aggregate import AggregationError
from polindex.engine.compute import aggregation_used, compute
from polindex.engine.dataset import Dataset, Period, Variables
from polindex.engine.denominate import denominate
from polindex.engine.impute import impute
from polindex.engine.normalise import NormalisationError, normalise
from polindex.engine.provenance import (
    BuildLog,
    Cells,
    Imputation,
    MethodsUsed,
    MethodUsed,
    Screening,
    Treatment,
    WeightsUsed,
)
from polindex.engine.results import Results, Stage
from polindex.engine.screen import screen
from polindex.engine.structure import FloatArray, Method, Structure
from polindex.engine.treat import treat_outliers
from polindex.engine.weights import (
    balance_weights,
    pca_weights,
    weights_from_mapping,
)
from polindex.errors import PolindexError, plural
from polindex.framework.models import Framework, Indicator, Node
from polindex.framework.pipeline import (
    AggregateStep,
    DenominateStep,
    ImputeStep,
    NormaliseStep,
    Pipeline,
    ScreenStep,
    TreatStep,
    WeightsStep,
)
from polindex.framework.vocabulary import STAGE_OF_STEP

BoolArray = npt.NDArray[np.bool_]


class BuildError(PolindexError):
    """A pipeline could not run on these data; every problem is listed, nothing is returned."""

    problems: list[str]

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} building the index; nothing was computed:"


# -- settings per indicator -------------------------------------------------------------------


def _ancestry(fw: Framework) -> dict[str, list[str]]:
    """For each indicator (in document order), the codes from the root down to itself."""
    paths: dict[str, list[str]] = {}
    stack: list[tuple[Node | Indicator, list[str]]] = [(fw.root, [fw.root.code])]
    while stack:
        item, path = stack.pop()
        if isinstance(item, Indicator):
            paths[item.code] = path
        else:
            stack.extend((c, [*path, c.code]) for c in reversed(item.children))
    return paths


def indicator_settings(
    fw: Framework,
    base: Mapping[str, Any],
    overrides: Mapping[str, Mapping[str, Any]],
    paths: Mapping[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """Each indicator's settings: ``base`` updated by the overrides of its ancestors, nearest last.

    A ``params`` mapping is merged key by key unless the override changes the method.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "children": [
    ...     {"code": "A", "indicators": [{"code": "q1", "type": "numeric"},
    ...                                  {"code": "q2", "type": "numeric"}]}]})
    >>> s = indicator_settings(fw, {"method": "minmax", "params": {"low": 0, "high": 100}},
    ...                        {"A": {"params": {"high": 10}}, "q2": {"method": "rank"}})
    >>> s[0], s[1]
    ({'method': 'minmax', 'params': {'low': 0, 'high': 10}}, {'method': 'rank', 'params': {}})
    """
    paths = paths or _ancestry(fw)
    out = []
    for code in paths:  # indicators in document order
        merged: dict[str, Any] = {
            k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()
        }
        for node in paths[code]:
            over = overrides.get(node)
            if not over:
                continue
            if "method" in over and over["method"] != merged.get("method"):
                merged["params"] = {}
            for key, value in over.items():
                if key == "params" and isinstance(value, Mapping):
                    merged["params"] = {**merged.get("params", {}), **value}
                else:
                    merged[key] = value
        out.append(merged)
    return out


def _batches(
    settings: list[dict[str, Any]], rows: list[int]
) -> list[tuple[dict[str, Any], list[int]]]:
    """Group row positions by identical settings (one function call per group)."""
    groups: dict[str, tuple[dict[str, Any], list[int]]] = {}
    for r in rows:
        key = repr(sorted(settings[r].items()))
        groups.setdefault(key, (settings[r], []))[1].append(r)
    return list(groups.values())


# -- the runner ---------------------------------------------------------------------------------


Batches = list[tuple[dict[str, Any], list[int]]]


@dataclass(frozen=True)
class Plan:
    """A pipeline compiled against a framework: the tree, the indicators' codes, directions and
    parents, each step's settings grouped into batches of indicators, and the aggregation
    methods. Build it once with :func:`plan_pipeline` to run many data sets or variants."""

    framework: Framework
    pipeline: Pipeline
    structure: Structure
    aggregation: Structure
    codes: tuple[str, ...]
    direction: FloatArray
    batches: tuple[Batches, ...]
    paths: Mapping[str, list[str]]


def plan_pipeline(framework: Framework, pipeline: Pipeline, *, like: Plan | None = None) -> Plan:
    """Compile ``pipeline`` for ``framework`` (see :class:`Plan`); ``like``, a plan of the same
    framework, lends its compiled tree (variants of one pipeline plan faster).

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric"}]})
    >>> p = Pipeline.model_validate({"steps": [{"step": "normalise", "method": "minmax",
    ...     "overrides": {"q2": {"method": "rank"}}}]})
    >>> [[conf["method"], rows] for conf, rows in plan_pipeline(fw, p).batches[0]]
    [['minmax', [0]], ['rank', [1]]]
    """
    same = like is not None and like.framework is framework
    structure = like.structure if like is not None and same else Structure.from_framework(framework)
    paths = like.paths if like is not None and same else _ancestry(framework)
    n_i = structure.n_indicators
    batches: list[Batches] = []
    aggregation = structure
    reuse = (
        {s.model_dump_json(): bt for s, bt in zip(like.pipeline.steps, like.batches, strict=True)}
        if like is not None and same
        else {}
    )
    for step in pipeline.steps:
        base: dict[str, Any]
        known = reuse.get(step.model_dump_json()) if reuse else None
        if known is not None and not isinstance(step, AggregateStep):
            batches.append(known)
            continue
        if isinstance(step, ImputeStep):
            base = {"method": step.method, "group": step.group}
        elif isinstance(step, TreatStep):
            base = step.model_dump(exclude={"step", "overrides"})
        elif isinstance(step, NormaliseStep):
            base = {"method": step.method, "params": dict(step.params)}
        else:
            if isinstance(step, AggregateStep):
                aggregation = structure.with_methods(aggregation_methods(framework, step))
            batches.append([])
            continue
        settings = indicator_settings(framework, base, step.overrides, paths)
        batches.append(_batches(settings, list(range(n_i))))
    return Plan(
        framework=framework,
        pipeline=pipeline,
        structure=structure,
        aggregation=aggregation,
        codes=structure.codes[:n_i],
        direction=like.direction
        if like is not None and same
        else np.array([i.direction for i in framework.indicators], dtype=np.float64),
        batches=tuple(batches),
        paths=paths,
    )


@dataclass
class _State:
    plan: Plan
    units: list[str]
    periods: tuple[Period, ...]
    x: FloatArray  # (indicator, period, unit)
    na: BoolArray  # (indicator, period, unit)
    present: BoolArray  # (unit, period)
    variables: Variables
    stages: dict[str, Stage] = field(default_factory=dict)
    log: dict[str, Any] = field(default_factory=dict)
    weights: FloatArray | None = None
    weights_source: str = "framework"

    def record(self, name: str) -> None:
        # a read-only view: steps never modify an array in place once it is recorded (each
        # returns a new one), so the stage needs no copy
        values = self.x.transpose(2, 1, 0)
        values.flags.writeable = False
        self.stages[name] = Stage(name, tuple(self.units), self.periods, self.plan.codes, values)

    def keep_units(self, kept: BoolArray) -> None:
        self.units = [u for u, k in zip(self.units, kept, strict=True) if k]
        self.x = self.x[:, :, kept]
        self.na = self.na[:, :, kept]
        self.present = self.present[kept]
        self.variables = Variables(
            {k: v[kept] for k, v in self.variables.numbers.items()},
            {k: v[kept] for k, v in self.variables.labels.items()},
        )


def _denominate(st: _State, step: DenominateStep) -> None:
    codes = st.plan.codes
    st.log["denomination"] = dict(step.by)
    if not step.by:
        return
    rows = [codes.index(ind) for ind in step.by]
    d = np.stack([st.variables.numbers[v].T for v in step.by.values()])  # (row, period, unit)
    x = st.x[rows]
    zero = (d == 0) & ~np.isnan(x)
    if zero.any():
        raise BuildError(
            [
                f"denominate: {codes[rows[r]]} of unit {st.units[u]!r}, period {st.periods[p]}: "
                f"denominator {step.by[codes[rows[r]]]} is 0"
                for r, p, u in np.argwhere(zero)
            ]
        )
    st.x = st.x.copy()  # the recorded stage keeps the previous array
    st.x[rows] = denominate(x, d, step.scale)


def _screen(st: _State, step: ScreenStep) -> None:
    index = {u: k for k, u in enumerate(st.units)}
    unknown = [u for u in (*step.include, *step.exclude) if u not in index]
    if unknown:
        raise BuildError(
            [f"screen: unit {u!r} of include/exclude is not in the data" for u in unknown]
        )
    n = len(st.units)
    include = np.zeros(n, dtype=bool)
    exclude = np.zeros(n, dtype=bool)
    include[[index[u] for u in step.include]] = True
    exclude[[index[u] for u in step.exclude]] = True
    # a unit's cells: every indicator of every period it appears in
    cells = st.x.transpose(2, 1, 0)  # (unit, period, indicator)
    applicable = ~st.na.transpose(2, 1, 0) & st.present[:, :, None]
    n_u = cells.shape[0]
    result = screen(
        cells.reshape(n_u, -1),
        min_availability=step.min_availability,
        min_nonzero=step.min_nonzero,
        include=include,
        exclude=exclude,
        applicable=applicable.reshape(n_u, -1),
    )
    if not result.kept.any():
        raise BuildError(["screen: every unit would be removed; lower the thresholds"])
    st.log["screen"] = Screening(
        units=tuple(st.units),
        availability=tuple(result.availability.tolist()),
        nonzero=tuple(result.nonzero.tolist()),
        kept=tuple(result.kept.tolist()),
        reason=tuple(result.reason),
    )
    st.keep_units(result.kept)


def _groups_of_units(st: _State, variable: str) -> npt.NDArray[np.intp]:
    labels = st.variables.labels[variable]  # (unit, period)
    out = np.full(len(st.units), -1, dtype=np.intp)
    names: dict[str, int] = {}
    problems = []
    for u, row in enumerate(labels):
        seen = {str(v) for v in row if str(v) != ""}
        if len(seen) > 1:
            problems.append(
                f"impute: unit {st.units[u]!r} is in several {variable} groups over time "
                f"({', '.join(sorted(seen))}); group imputation needs one group per unit"
            )
        elif seen:
            out[u] = names.setdefault(seen.pop(), len(names))
    if problems:
        raise BuildError(problems)
    return out


def _impute(st: _State, batches: Batches) -> None:
    structure = st.plan.structure
    before = np.isnan(st.x) & ~st.na
    parent = structure.parent[: structure.n_indicators]
    out = st.x.copy() if len(batches) > 1 else st.x
    numeric = all(isinstance(p, int) for p in st.periods)
    for conf, rows in batches:
        groups = _groups_of_units(st, conf["group"]) if conf.get("group") else None
        result = impute(
            st.x,
            conf["method"],
            groups=groups,
            parent=parent,
            direction=st.plan.direction,
            periods=st.periods if numeric else None,
        )
        if len(rows) == len(out):
            out = result.values
        else:
            out[rows] = result.values[rows]
    out[st.na] = np.nan
    st.x = out
    filled = before & ~np.isnan(out)
    st.log["impute"] = Imputation(
        imputed=int(filled.sum()),
        still_missing=int((before & np.isnan(out)).sum()),
        cells=Cells(tuple(st.units), st.periods, st.plan.codes, np.argwhere(filled)),
    )


def _treat(st: _State, batches: Batches) -> None:
    codes = st.plan.codes
    _, n_p, n_u = st.x.shape
    out = st.x.copy() if len(batches) > 1 else st.x
    entries: list[Treatment] = []
    for conf, rows in batches:
        if conf.get("skip"):
            continue
        params = {k: v for k, v in conf.items() if k != "skip"}
        taken = st.x if len(rows) == len(st.x) else st.x[rows]
        block = taken.reshape(len(rows) * n_p, n_u)  # one row per indicator and period
        result = treat_outliers(block, **params)
        if len(rows) == len(out):
            out = result.values.reshape(out.shape)
        else:
            out[rows] = result.values.reshape(len(rows), n_p, n_u)
        for k in np.flatnonzero(result.status != "passed"):
            r = rows[k // n_p]
            status = str(result.status[k])
            points = np.flatnonzero(result.winsorised[k])
            entries.append(
                Treatment(
                    indicator=codes[r],
                    period=st.periods[k % n_p],
                    status=status,
                    n_winsorised=int(result.n_winsorised[k]),
                    skew_before=float(result.skew_before[k]),
                    kurtosis_before=float(result.kurtosis_before[k]),
                    skew_after=float(result.skew_after[k]),
                    kurtosis_after=float(result.kurtosis_after[k]),
                    units=tuple(st.units[u] for u in points),
                )
            )
    st.x = out
    st.log["treat"] = tuple(entries)


def _normalise(st: _State, step: NormaliseStep, batches: Batches) -> None:
    direction = st.plan.direction
    codes = st.plan.codes
    _, n_p, n_u = st.x.shape
    out = np.empty_like(st.x)
    for conf, rows in batches:
        params = dict(conf.get("params") or {})
        if "reference" in params:
            ref = str(params["reference"])
            if ref not in st.units:
                raise BuildError([f"normalise: reference unit {ref!r} is not in the data"])
            params["reference"] = st.units.index(ref)
        block = st.x if len(rows) == len(st.x) else st.x[rows]
        if step.by_period or n_p == 1:
            flat = block.reshape(len(rows) * n_p, n_u)
            d = np.repeat(direction[rows], n_p)
        else:
            if "reference" in params:
                raise BuildError(["normalise: dist2ref on a panel needs by_period: true"])
            flat = block.reshape(len(rows), n_p * n_u)
            d = direction[rows]
        try:
            normalised = normalise(flat, conf["method"], direction=d, **params)
        except NormalisationError as exc:
            per = n_p if (step.by_period or n_p == 1) else 1
            where = [
                codes[rows[r // per]] + (f" in {st.periods[r % per]}" if per > 1 else "")
                for r in exc.rows
            ]
            raise BuildError(
                [f"normalise ({exc.method}): {w}: {exc.reason}" for w in where]
            ) from exc
        out[rows] = normalised.reshape(block.shape)
    out[st.na] = np.nan
    st.x = out


def _weights(st: _State, step: WeightsStep) -> None:
    structure = st.plan.structure
    values = st.x.transpose(2, 1, 0)
    if step.method == "equal":
        w = np.ones(len(structure.edges[0]))
    elif step.method == "explicit":
        w = weights_from_mapping(structure, dict(step.values))
    else:
        height = _height_of_level(structure, step.level) + 1  # the groups those nodes feed
        try:
            if step.method == "pca":
                w = pca_weights(structure, values, height=height)
            else:
                w = balance_weights(structure, values, height=height).weights
        except ValueError as exc:
            raise BuildError([f"weights ({step.method}): {exc}"]) from exc
    st.weights = np.asarray(w, dtype=np.float64)
    st.weights_source = step.method


def _height_of_level(structure: Structure, level: str | None) -> int:
    """Height of the nodes of ``level`` (indicators: 0); they must all be at one height."""
    if level is None:
        return 0
    heights = {int(structure.height[i]) for i, lv in enumerate(structure.levels) if lv == level}
    if len(heights) != 1:
        known = ", ".join(dict.fromkeys(structure.levels))
        raise BuildError([f"weights: level {level!r} is not one level of the tree ({known})"])
    return heights.pop()


def aggregation_methods(fw: Framework, step: AggregateStep) -> dict[str, Method]:
    """Each group's aggregation method: framework, then step default, level, group override."""
    out: dict[str, Method] = {}
    for node in fw.nodes:
        name: str = node.aggregation
        params: dict[str, Any] = {}
        if step.method is not None:
            name, params = step.method, dict(step.params)
        for over in (step.levels.get(node.level), step.overrides.get(node.code)):
            if over:
                if "method" in over and over["method"] != name:
                    params = {}
                name = over.get("method", name)
                params = {**params, **(over.get("params") or {})}
        out[node.code] = Method.of(name, **params)
    return out


def methods_used(plan: Plan) -> MethodsUsed:
    """The methods ``plan`` applies: per indicator (normalisation, imputation, treatment), per
    group (aggregation), and the screening and denomination settings."""
    codes = plan.codes
    per_indicator: dict[str, dict[str, MethodUsed]] = {}
    screening: MethodUsed | None = None
    denomination: dict[str, str] | None = None
    for step, batches in zip(plan.pipeline.steps, plan.batches, strict=True):
        if isinstance(step, ScreenStep):
            params = {"min_availability": step.min_availability, "min_nonzero": step.min_nonzero}
            screening = MethodUsed(
                "availability", {k: v for k, v in params.items() if v is not None}
            )
        elif isinstance(step, DenominateStep):
            denomination = dict(step.by)
        elif isinstance(step, ImputeStep | TreatStep | NormaliseStep):
            used = per_indicator.setdefault(step.step, {})
            for conf, rows in batches:
                method = _method_of(step, conf)
                for r in rows:
                    used[codes[r]] = method
    normalised = per_indicator.get("normalise")
    return MethodsUsed(
        scored=False,
        normalisation={c: (normalised or {}).get(c) for c in codes},
        aggregation=aggregation_used(plan.aggregation),
        imputation=per_indicator.get("impute"),
        treatment=per_indicator.get("treat"),
        screening=screening,
        denomination=denomination,
        ties=plan.pipeline.ties,
    )


def _method_of(step: ImputeStep | TreatStep | NormaliseStep, conf: dict[str, Any]) -> MethodUsed:
    if isinstance(step, NormaliseStep):
        return MethodUsed(conf["method"], dict(conf.get("params") or {}))
    if isinstance(step, ImputeStep):
        group = conf.get("group")
        return MethodUsed(conf["method"], {"group": group} if group else {})
    if conf.get("skip"):
        return MethodUsed("none")
    return MethodUsed("outliers", {k: v for k, v in conf.items() if k != "skip" and v is not None})


@dataclass(frozen=True)
class Prepared:
    """Indicator scores ready to aggregate: what every step before ``aggregate`` produced.

    ``values`` is (indicator, period, unit) for ``units`` (those kept by screening);
    ``weights`` the edge weights a ``weights`` step set (``None``: the framework's).
    """

    units: tuple[str, ...]
    values: FloatArray
    not_applicable: BoolArray
    weights: FloatArray | None


def prepare(
    plan: Plan,
    dataset: Dataset,
    variables: Variables | None = None,
    cache: dict[Any, Any] | None = None,
) -> Prepared:
    """Run every step of ``plan`` before aggregation (e.g. once per configuration of an
    uncertainty analysis, which then aggregates many weightings at once).

    With a ``cache`` (a dict kept across calls on the same data), the data after each step
    are kept under the specs of the steps so far, so variants that share their first steps
    (the same imputation, different normalisations) compute them once.
    """
    st = _run_steps(plan, dataset, variables, cache)
    return Prepared(tuple(st.units), st.x, st.na, st.weights)


def _run_steps(
    plan: Plan,
    dataset: Dataset,
    variables: Variables | None,
    cache: dict[Any, Any] | None = None,
) -> _State:
    if tuple(dataset.indicators) != plan.codes:
        raise ValueError("the data set's indicators are not the framework's, in its order")
    st = _State(
        plan=plan,
        units=list(dataset.units),
        periods=dataset.periods,
        # read-only views of the data set's indicator-major arrays: steps never write in place
        x=dataset.values.transpose(2, 1, 0),
        na=dataset.not_applicable.transpose(2, 1, 0),
        present=np.array(dataset.present),
        variables=variables or Variables(),
    )
    st.record("raw")
    key: tuple[str, ...] = ()
    for step, batches in zip(plan.pipeline.steps, plan.batches, strict=True):
        if cache is not None and not isinstance(step, AggregateStep):
            key = (*key, step.model_dump_json())
            if key in cache:
                st = _copy_state(cache[key])
                continue
        if isinstance(step, DenominateStep):
            _denominate(st, step)
        elif isinstance(step, ScreenStep):
            _screen(st, step)
        elif isinstance(step, ImputeStep):
            _impute(st, batches)
        elif isinstance(step, TreatStep):
            _treat(st, batches)
        elif isinstance(step, NormaliseStep):
            _normalise(st, step, batches)
        elif isinstance(step, WeightsStep):
            _weights(st, step)
        elif isinstance(step, AggregateStep):
            continue
        st.record(STAGE_OF_STEP[step.step])
        if cache is not None:
            cache[key] = _copy_state(st)
    return st


def _copy_state(st: _State) -> _State:
    """A copy whose containers can change independently (arrays are never written in place)."""
    return replace(st, units=list(st.units), stages=dict(st.stages), log=dict(st.log))


def run_pipeline(
    framework: Framework,
    dataset: Dataset,
    pipeline: Pipeline,
    variables: Variables | None = None,
    *,
    spec: Mapping[str, Any] | None = None,
    inputs: Any = None,
    plan: Plan | None = None,
) -> Results:
    """Build the index: run every step of ``pipeline`` on ``dataset.values``, then aggregate.

    ``dataset`` holds raw numbers for numeric indicators (``encode(..., raw_numbers=True)``)
    and scores for categorical and boolean ones.

    Without a ``normalise`` step the values are used as they are (they must already be on the
    index's scale). Returns :class:`Results` whose ``stages`` hold every intermediate data set
    (``raw``, ``denominated``, …, ``normalised``, ``aggregated``) and whose ``log`` records
    screening, imputation, treatment and weighting decisions.

    Raises
    ------
    BuildError
        Listing every problem (a zero denominator, an aggregation that cannot apply, …).

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric"}, {"code": "q2", "type": "numeric", "direction": -1}]})
    >>> ds = Dataset.from_arrays(["A", "B", "C"], [2024], ["q1", "q2"],
    ...     np.array([[[1.0, 10.0]], [[3.0, np.nan]], [[5.0, 30.0]]]))
    >>> p = Pipeline.model_validate({"steps": [
    ...     {"step": "impute", "method": "mean"},
    ...     {"step": "normalise", "method": "minmax", "params": {"low": 0, "high": 100}}]})
    >>> res = run_pipeline(fw, ds, p)
    >>> res.stages["imputed"].values[1, 0].tolist(), [res.score(unit=u) for u in "ABC"]
    ([3.0, 20.0], [50.0, 50.0, 50.0])
    """
    plan = plan or plan_pipeline(framework, pipeline)
    st = _run_steps(plan, dataset, variables)
    values = st.x.transpose(2, 1, 0)
    na = st.na.transpose(2, 1, 0)
    scored = Dataset(
        units=tuple(st.units),
        periods=st.periods,
        indicators=dataset.indicators,
        raw=dataset.raw
        if len(st.units) == len(dataset.units)
        else dataset.raw[[list(dataset.units).index(u) for u in st.units]],
        values=values,
        not_applicable=na,
        present=st.present,
    )
    stages = {k: v for k, v in st.stages.items() if k != "weighted"}
    edge_w = plan.structure.edges[2] if st.weights is None else st.weights
    full_spec = {
        **(spec or {}),
        "pipeline": pipeline.model_dump(mode="json"),
    }
    try:
        return compute(
            framework,
            scored,
            weights=st.weights,
            structure=plan.aggregation,
            spec=full_spec,
            inputs=inputs,
            stages=stages,
            log=BuildLog(**st.log),
            weights_used=WeightsUsed.of(plan.structure, edge_w, st.weights_source),
            methods_used=methods_used(plan),
            ties=pipeline.ties,
        )
    except AggregationError as exc:
        lines = exc.describe(scored.units, scored.periods).splitlines()
        raise BuildError([f"aggregate: {line.strip()}" for line in lines[1:]]) from exc


__all__ = [
    "BuildError",
    "Plan",
    "Prepared",
    "aggregation_methods",
    "indicator_settings",
    "methods_used",
    "plan_pipeline",
    "prepare",
    "run_pipeline",
]
