"""Uncertainty analysis: rebuild the index under many plausible construction choices at once.

Replications are evaluated as array batches, never one build at a time: replications sharing
the choices of the steps before aggregation (imputation, treatment, normalisation, …) share one
run of those steps; their weights become a batch of weight vectors and each aggregation method one
batched aggregation. A variant a method cannot aggregate (a geometric mean of a zero) is reported
with its configuration, never turned into a missing value silently.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from polindex.engine.aggregate import AggregationError, aggregate
from polindex.engine.batched import batched_aggregate, supports
from polindex.engine.dataset import Dataset, Variables
from polindex.engine.pipeline import (
    BuildError,
    Plan,
    aggregation_methods,
    plan_pipeline,
    prepare,
)
from polindex.engine.rank import rank_scores
from polindex.engine.structure import FloatArray, IntArray, Structure
from polindex.errors import PolindexError, plural
from polindex.framework.models import Framework
from polindex.framework.pipeline import AggregateStep, Pipeline, WeightsStep
from polindex.framework.uncertainty import UncertainInput, Uncertainty
from polindex.framework.units import peer_groups

MAX_CELLS = 4_000_000
"""Largest batch × unit × node block aggregated at once (memory bound)."""


class UncertaintyError(PolindexError):
    """A design that cannot run: every failing configuration is listed."""

    problems: list[str]

    def headline(self) -> str:
        n = len(self.problems)
        return f"{plural(n, 'problem')} with the uncertainty design; nothing was computed:"


# -- sampling -------------------------------------------------------------------------------------


def read_design(path: Path, names: Sequence[str]) -> FloatArray:
    """Sample values to replay, from a CSV with one column per input (values in [0, 1]); a
    row per replication. Raises :class:`UncertaintyError` saying what and where.

    Examples
    --------
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "u.csv"
    >>> _ = f.write_text("a,b\\n0.5,1\\n0,1.5\\n", encoding="utf-8")
    >>> read_design(f, ["a"]).tolist()
    [[0.5], [0.0]]
    >>> read_design(f, ["a", "b"])
    Traceback (most recent call last):
    ...
    polindex.analysis.uncertainty.UncertaintyError: ...
      u.csv row 3, column 'b': 1.5 is not in [0, 1]
    """
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise UncertaintyError([f"cannot read the design {path.name}: {exc}"]) from exc
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise UncertaintyError([f"{path.name}: no column for input(s) {', '.join(missing)}"])
    try:
        values: FloatArray = table[list(names)].to_numpy(dtype=float)
    except ValueError as exc:
        raise UncertaintyError([f"{path.name}: every value must be a number ({exc})"]) from exc
    bad = ~((values >= 0) & (values <= 1))
    problems = [
        f"{path.name} row {row + 2}, column {names[col]!r}: {float(values[row, col])!r} "
        "is not in [0, 1]"
        for row, col in (tuple(int(v) for v in pos) for pos in np.argwhere(bad))
    ]
    if problems:
        raise UncertaintyError(problems)
    return values


def base_sample(n: int, dim: int, method: str = "sobol", seed: int = 1) -> FloatArray:
    """``n`` points in the unit hypercube of dimension ``dim``: scrambled Sobol or Monte Carlo.

    Examples
    --------
    >>> x = base_sample(8, 3)
    >>> x.shape, bool(((x >= 0) & (x < 1)).all())
    ((8, 3), True)
    """
    if method == "random":
        out: FloatArray = np.random.default_rng(seed).random((n, dim))
        return out
    from polindex.analysis.sobol import sobol_points  # SciPy's points, without scipy.stats

    return sobol_points(n, dim, seed)


def saltelli(a: FloatArray, b: FloatArray) -> FloatArray:
    """The Saltelli design ``[A; B; AB_1; …; AB_d]`` (COINr's ``SA_sample`` order): ``AB_i`` is
    ``A`` with column ``i`` taken from ``B``. N·(d + 2) rows.

    Examples
    --------
    >>> a, b = np.zeros((2, 2)), np.ones((2, 2))
    >>> saltelli(a, b).tolist()
    [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    """
    d = a.shape[1]
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def design_matrix(spec: Uncertainty, kind: str = "uncertainty", n: int | None = None) -> FloatArray:
    """Sample values in [0, 1]: N rows (uncertainty) or N·(d + 2) rows (``sensitivity``)."""
    n = n or spec.runs
    d = len(spec.inputs)
    if kind == "uncertainty":
        return base_sample(n, d, spec.sampling, spec.seed)
    base = base_sample(n, 2 * d, spec.sampling, spec.seed)
    return saltelli(base[:, :d], base[:, d:])


def cut_index(u: FloatArray, n: int) -> IntArray:
    """Which of ``n`` alternatives each value picks: R's ``cut(u, n)`` as COINr uses it —
    ``n`` equal intervals over the range of the values, open on the left.

    Examples
    --------
    >>> cut_index(np.array([0.0, 0.2, 0.5, 0.51, 1.0]), 2).tolist()
    [0, 0, 0, 1, 1]
    """
    x = np.asarray(u, dtype=np.float64)
    lo, hi = float(np.min(x)), float(np.max(x))
    dx = hi - lo
    breaks: FloatArray
    if dx == 0:
        dx = abs(lo) if lo != 0 else 1.0
        breaks = np.linspace(lo - dx / 1000, hi + dx / 1000, n + 1)
    else:
        breaks = lo + np.arange(n + 1, dtype=np.float64) * (dx / n)
        breaks[0], breaks[-1] = lo - dx / 1000, hi + dx / 1000
    out: IntArray = np.clip(np.searchsorted(breaks, x, side="left") - 1, 0, n - 1)
    return out


# -- the evaluation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """Scores and ranks of the target node for every replication.

    ``scores`` and ``ranks`` are (replication, unit); ``nominal_scores`` / ``nominal_ranks``
    (unit,) come from the pipeline as written; ``parameters`` has one row per replication with
    each input's value (the alternative's label, or the weight), so any replication can be
    rebuilt and explained; ``design`` holds the sample values in [0, 1].
    """

    units: tuple[str, ...]
    target: str
    period: Any
    design: FloatArray
    parameters: pd.DataFrame
    scores: FloatArray
    ranks: FloatArray
    nominal_scores: FloatArray
    nominal_ranks: FloatArray
    weights: FloatArray
    """Edge weights of each replication (replication, edge), ``Structure.edges`` order."""
    choices: dict[str, IntArray]
    """The alternative each discrete input took, per replication."""
    configurations: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Per unit: nominal, mean, median, 5th and 95th percentile of rank and score."""
        out = pd.DataFrame({"unit": list(self.units)})
        for what, nominal, sample in (
            ("rank", self.nominal_ranks, self.ranks),
            ("score", self.nominal_scores, self.scores),
        ):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                out[f"{what}_nominal"] = nominal
                out[f"{what}_mean"] = np.nanmean(sample, axis=0)
                out[f"{what}_median"] = np.nanmedian(sample, axis=0)
                out[f"{what}_q05"] = np.nanquantile(sample, 0.05, axis=0)
                out[f"{what}_q95"] = np.nanquantile(sample, 0.95, axis=0)
        return out.sort_values("rank_nominal", kind="stable").reset_index(drop=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Everything evaluated, as tables: the ``summary``, each replication's ``parameters``
        (with its sample values ``u_*``), and each replication's ``scores`` and ``ranks`` (a
        column per unit)."""
        units = list(self.units)
        scores = pd.DataFrame(self.scores, columns=units)
        ranks = pd.DataFrame(self.ranks, columns=units)
        design = pd.DataFrame(self.design, columns=[f"u_{c}" for c in self.parameters.columns])
        for frame in (scores, ranks):
            frame.insert(0, "replication", range(1, len(frame) + 1))
        parameters = pd.concat([self.parameters.reset_index(drop=True), design], axis=1)
        parameters.insert(0, "replication", range(1, len(parameters) + 1))
        return {
            "summary": self.summary(),
            "parameters": parameters,
            "scores": scores,
            "ranks": ranks,
        }

    def mean_rank_shift(self) -> FloatArray:
        """COINr's sensitivity target: each replication's mean |rank − nominal rank|."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out: FloatArray = np.nanmean(np.abs(self.ranks - self.nominal_ranks), axis=1)
        return out


def _labels(inp: UncertainInput) -> list[str]:
    if inp.kind == "step":
        return [
            "none" if a is None else ", ".join(f"{k}={v}" for k, v in a.items())
            for a in inp.alternatives
        ]
    if inp.kind == "exclude":
        return [" ".join(codes) if codes else "none" for codes in inp.exclude]
    return [f"set {k + 1}" for k in range(inp.n_alternatives or 0)]


def _variant(pipeline: Pipeline, changes: dict[str, dict[str, Any] | None]) -> Pipeline:
    """The pipeline with step settings replaced (``None``: the step removed)."""
    steps = []
    for step in pipeline.steps:
        if step.step not in changes:
            steps.append(step)
            continue
        change = changes[step.step]
        if change is None:
            continue
        merged = {**step.model_dump(), **change}
        if "method" in change and "params" not in change:
            merged["params"] = {}
        steps.append(type(step).model_validate(merged))
    return pipeline.model_copy(update={"steps": tuple(steps)})


def _noise_sets(inp: UncertainInput, structure: Structure, seed: int) -> FloatArray:
    """``sets`` multiplicative factors per edge: 1 + U(−f, f) for children at the noisy levels."""
    child = structure.edges[0]
    factor = np.zeros(len(child))
    for level, f in (inp.weight_noise or {}).items():
        factor[[structure.levels[c] == level for c in child]] = f
    rng = np.random.default_rng(seed)
    out: FloatArray = 1 + (rng.random((inp.sets, len(child))) * 2 - 1) * factor
    return out


def _given_sets(inp: UncertainInput, structure: Structure) -> FloatArray:
    """Given weight sets as (set, edge) weights, NaN where a set leaves the weight as it is."""
    position = {structure.codes[c]: e for e, c in enumerate(structure.edges[0])}
    sets = inp.load_weight_sets()
    out = np.full((len(sets), len(position)), np.nan)
    for k, weights in enumerate(sets):
        for code, value in weights.items():
            if code not in position:
                raise UncertaintyError([f"inputs[{inp.name}]: set {k + 1}: {code!r} has no weight"])
            out[k, position[code]] = value
    return out


def replication_pipeline(
    pipeline: Pipeline,
    spec: Uncertainty,
    evaluation: Evaluation,
    replication: int,
    structure: Structure,
) -> Pipeline:
    """The pipeline that builds one replication on its own: the step alternatives it drew and
    an explicit ``weights`` step with its weights (to rebuild and explain any replication).

    ``structure`` is the framework's compiled tree (for the weights' codes)."""
    changes: dict[str, dict[str, Any] | None] = {}
    for inp in spec.inputs:
        if inp.kind == "step":
            changes[str(inp.step)] = inp.alternatives[
                int(evaluation.choices[inp.name][replication])
            ]
    out = _variant(pipeline, {k: v for k, v in changes.items() if k != "aggregate"})
    steps = [s for s in out.steps if s.step not in ("weights", "aggregate")]
    values = {
        structure.codes[c]: float(w)
        for c, w in zip(structure.edges[0], evaluation.weights[replication], strict=True)
    }
    steps.append(WeightsStep(method="explicit", values=values))
    aggregate_step = next((s for s in pipeline.steps if isinstance(s, AggregateStep)), None)
    if "aggregate" in changes:
        alt = changes["aggregate"] or {}
        merged = {**(aggregate_step.model_dump() if aggregate_step else {}), **alt}
        if "method" in alt and "params" not in alt:
            merged["params"] = {}
        aggregate_step = AggregateStep.model_validate(merged)
    if aggregate_step is not None:
        steps.append(aggregate_step)
    return out.model_copy(update={"steps": tuple(steps)})


def check_design(spec: Uncertainty, framework: Framework, pipeline: Pipeline) -> list[str]:
    """Problems of a design against its framework and pipeline (empty: it fits)."""
    problems = []
    structure = Structure.from_framework(framework)
    steps = {s.step for s in pipeline.steps}
    levels = set(structure.levels)
    nodes = set(structure.codes[:-1])
    for inp in spec.inputs:
        where = f"inputs[{inp.name}]"
        if inp.kind == "step" and inp.step not in steps and inp.step != "aggregate":
            problems.append(f"{where}: the pipeline has no {inp.step} step to vary")
        if inp.kind == "step" and inp.step == "screen":
            problems.append(f"{where}: screening alternatives would change the units compared")
        if inp.kind == "step":
            for k, alt in enumerate(inp.alternatives):
                if alt is None:
                    continue
                try:
                    _variant(pipeline, {str(inp.step): alt}) if inp.step in steps else None
                except ValueError as exc:
                    problems.append(f"{where}.alternatives[{k}]: {exc}")
        if inp.weight is not None and inp.weight not in nodes:
            problems.append(f"{where}: {inp.weight!r} is not a weighted node of the framework")
        for level in inp.weight_noise or {}:
            if level not in levels:
                problems.append(
                    f"{where}: unknown level {level!r}; levels: {', '.join(sorted(levels))}"
                )
        for codes in inp.exclude:
            for code in codes:
                if code not in nodes:
                    problems.append(f"{where}: {code!r} is not a node of the framework")
    if spec.target is not None and spec.target not in structure.index:
        problems.append(f"target: {spec.target!r} is not a node of the framework")
    return problems


def evaluate(
    framework: Framework,
    dataset: Dataset,
    pipeline: Pipeline,
    spec: Uncertainty,
    design: FloatArray,
    variables: Variables | None = None,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    keep_failures: bool = False,
) -> Evaluation:
    """Scores and ranks of the target node for each row of ``design`` (values in [0, 1], one
    column per input of ``spec``).

    Raises
    ------
    UncertaintyError
        Listing every configuration that cannot be built (unless ``keep_failures``: those
        replications are then NaN and listed in ``Evaluation.failures``).
    """
    problems = check_design(spec, framework, pipeline)
    if problems:
        raise UncertaintyError(problems)
    u = np.atleast_2d(np.asarray(design, dtype=np.float64))
    n_rep, d = u.shape
    if d != len(spec.inputs):
        raise ValueError(f"the design has {d} columns for {len(spec.inputs)} inputs")
    base_plan = plan_pipeline(framework, pipeline)
    structure = base_plan.structure
    target = structure.index[spec.target] if spec.target else structure.root
    periods = [str(p) for p in dataset.periods]
    p_idx = len(periods) - 1 if spec.period is None else periods.index(str(spec.period))
    units = dataset.units
    higher = framework.polarity == "higher_is_better"

    # each input's value per replication
    choice: dict[int, IntArray] = {}
    continuous: dict[int, FloatArray] = {}
    params = pd.DataFrame(index=pd.RangeIndex(n_rep, name="replication"))
    for k, inp in enumerate(spec.inputs):
        n_alt = inp.n_alternatives
        if n_alt is None:
            lo, hi = inp.range or (0.0, 1.0)
            continuous[k] = u[:, k] * (hi - lo) + lo
            params[inp.name] = continuous[k]
        else:
            choice[k] = cut_index(u[:, k], n_alt)
            params[inp.name] = np.array(_labels(inp), dtype=object)[choice[k]]
    noise = {
        k: _noise_sets(inp, structure, spec.seed + 7919 * (k + 1))
        if inp.kind == "weight_noise"
        else _given_sets(inp, structure)
        for k, inp in enumerate(spec.inputs)
        if inp.kind in ("weight_noise", "weight_sets")
    }
    pre = [k for k, inp in enumerate(spec.inputs) if inp.kind == "step" and inp.step != "aggregate"]
    agg = [k for k, inp in enumerate(spec.inputs) if inp.kind == "step" and inp.step == "aggregate"]
    keys = np.stack([choice[k] for k in pre], axis=1) if pre else np.zeros((n_rep, 0), np.intp)
    agg_key = choice[agg[0]] if agg else np.zeros(n_rep, dtype=np.intp)

    scores = np.full((n_rep, len(units)), np.nan)
    failures: list[str] = []
    nominal = _nominal(base_plan, dataset, variables, target, p_idx)
    cache: dict[Any, Any] = {}  # data after each step, shared by configurations
    # 1. the steps before aggregation, once per configuration of their inputs
    config = np.full(n_rep, -1, dtype=np.intp)
    stack: list[FloatArray] = []
    na_stack: list[npt.NDArray[np.bool_]] = []
    weights = np.empty((n_rep, len(structure.edges[0])))
    labels: list[str] = []
    for key, rows in _group_rows(keys):
        changes = {
            str(spec.inputs[k].step): spec.inputs[k].alternatives[int(c)]
            for k, c in zip(pre, key, strict=True)
        }
        label = "; ".join(
            f"{spec.inputs[k].name}={_labels(spec.inputs[k])[int(c)]}"
            for k, c in zip(pre, key, strict=True)
        )
        try:
            plan = (
                plan_pipeline(framework, _variant(pipeline, changes), like=base_plan)
                if changes
                else base_plan
            )
            prepared = prepare(plan, dataset, variables, cache)
        except (BuildError, ValueError) as exc:
            failures.append(f"{label or 'nominal'}: {exc}")
            continue
        unit_pos = np.array([units.index(x) for x in prepared.units], dtype=np.intp)
        values = np.full((len(units), structure.n_indicators), np.nan)
        values[unit_pos] = prepared.values[:, p_idx, :].T
        na = np.zeros(values.shape, dtype=bool)
        na[unit_pos] = prepared.not_applicable[:, p_idx, :].T
        config[rows] = len(stack)
        stack.append(values)
        na_stack.append(na)
        labels.append(label)
        base_w = structure.edges[2] if prepared.weights is None else prepared.weights
        weights[rows] = _weights(spec, rows, base_w, structure, choice, continuous, noise)
        if on_progress:
            on_progress(len(stack), len(_group_rows(keys)) + 1)
    # 2. every weighting of every configuration, per aggregation method, in batches
    values_all = np.stack(stack) if stack else np.empty((0, len(units), structure.n_indicators))
    na_all = np.stack(na_stack) if na_stack else np.zeros(values_all.shape, dtype=bool)
    configurations = 0
    for a in np.unique(agg_key):
        sub = np.flatnonzero((agg_key == a) & (config >= 0))
        if not sub.size:
            continue
        agg_structure = base_plan.aggregation
        agg_label = ""
        if agg:
            inp = spec.inputs[agg[0]]
            alt = inp.alternatives[int(a)]
            step = next((s for s in pipeline.steps if isinstance(s, AggregateStep)), None)
            merged = {**(step.model_dump() if step else {"step": "aggregate"}), **(alt or {})}
            if alt and "method" in alt and "params" not in alt:
                merged["params"] = {}
            agg_structure = structure.with_methods(
                aggregation_methods(framework, AggregateStep.model_validate(merged))
            )
            agg_label = f"{inp.name}={_labels(inp)[int(a)]}"
        configurations += len(np.unique(config[sub]))
        try:
            scores[sub] = _aggregate_batches(
                agg_structure, values_all, na_all, weights[sub], config[sub], target
            )
        except AggregationError as exc:
            # which configurations fail: each on its own, to name them
            for c in np.unique(config[sub]):
                rows = sub[config[sub] == c]
                try:
                    scores[rows] = _aggregate_batches(
                        agg_structure,
                        values_all[c : c + 1],
                        na_all[c : c + 1],
                        weights[rows],
                        np.zeros(len(rows), dtype=np.intp),
                        target,
                    )
                except AggregationError as inner:
                    lines = inner.describe(units, (dataset.periods[p_idx],)).splitlines()
                    where = "; ".join(x for x in (labels[c], agg_label) if x) or "nominal"
                    failures.append(f"{where}: " + " | ".join(x.strip() for x in lines[1:3]))
            if not failures:  # pragma: no cover - the error came from one configuration
                raise exc
        if on_progress:
            on_progress(len(stack) + 1, len(stack) + 1)
    if failures and not keep_failures:
        raise UncertaintyError(failures)
    peers = peer_groups(units, framework)  # supranational units are never ranked
    ranks = rank_scores(scores, higher, axis=-1, ties=pipeline.ties, peers=peers)
    return Evaluation(
        units=tuple(units),
        target=structure.codes[target],
        period=dataset.periods[p_idx],
        design=u,
        parameters=params,
        scores=scores,
        ranks=ranks,
        nominal_scores=nominal,
        nominal_ranks=rank_scores(nominal[None], higher, axis=-1, ties=pipeline.ties, peers=peers)[
            0
        ],
        weights=weights,
        choices={spec.inputs[k].name: c for k, c in choice.items()},
        configurations=configurations,
        failures=failures,
    )


def _group_rows(keys: npt.NDArray[np.intp]) -> list[tuple[tuple[int, ...], IntArray]]:
    if keys.shape[1] == 0:
        return [((), np.arange(len(keys)))]
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    return [
        (tuple(int(v) for v in uniq[g]), np.flatnonzero(inverse == g)) for g in range(len(uniq))
    ]


def _weights(
    spec: Uncertainty,
    rows: IntArray,
    base: FloatArray,
    structure: Structure,
    choice: dict[int, IntArray],
    continuous: dict[int, FloatArray],
    noise: dict[int, FloatArray],
) -> FloatArray:
    """The edge weights of each replication in ``rows``: base × noise, set weights, exclusions."""
    w = np.tile(base, (len(rows), 1))
    child = structure.edges[0]
    position = {structure.codes[c]: e for e, c in enumerate(child)}
    for k, inp in enumerate(spec.inputs):
        if inp.kind == "weight_noise":
            w *= noise[k][choice[k][rows]]
        elif inp.kind == "weight_sets":
            given = noise[k][choice[k][rows]]
            w = np.where(np.isnan(given), w, given)
        elif inp.kind == "weight":
            w[:, position[str(inp.weight)]] = continuous[k][rows]
        elif inp.kind == "exclude":
            for alt, codes in enumerate(inp.exclude):
                hit = choice[k][rows] == alt
                for code in codes:
                    w[hit, position[code]] = 0.0
    return w


def _aggregate_batches(
    structure: Structure,
    values: FloatArray,
    na: npt.NDArray[np.bool_],
    weights: FloatArray,
    config: npt.NDArray[np.intp],
    target: int,
) -> FloatArray:
    """Target scores (batch, unit): weight vector ``b`` applied to configuration
    ``config[b]`` of ``values`` (configuration, unit, indicator), in memory-bounded chunks."""
    n_units = values.shape[1]
    fast = supports(structure)
    chunk = max(1, MAX_CELLS // max(1, n_units * (64 if fast else structure.n_nodes)))
    out = np.empty((len(weights), n_units))
    for start in range(0, len(weights), chunk):
        w = weights[start : start + chunk]
        cfg = config[start : start + chunk]
        if fast:  # the power means: matrix products over the batch
            got = batched_aggregate(structure, values, na, w, [target], config=cfg)
            out[start : start + len(w)] = got[:, 0, :]
            continue
        for c in np.unique(cfg):  # other methods: the general aggregation per configuration
            rows = np.flatnonzero(cfg == c)
            result = aggregate(structure, values[c][:, None, :], na[c][:, None, :], w[rows])
            out[start + rows] = result.planes[target, :, 0, :]
    return out


def _nominal(
    plan: Plan, dataset: Dataset, variables: Variables | None, target: int, p_idx: int
) -> FloatArray:
    prepared = prepare(plan, dataset, variables)
    values = prepared.values[:, p_idx, :].T[None]
    na = prepared.not_applicable[:, p_idx, :].T[None]
    w = plan.structure.edges[2] if prepared.weights is None else prepared.weights
    got = _aggregate_batches(plan.aggregation, values, na, w[None], np.zeros(1, np.intp), target)[0]
    out = np.full(len(dataset.units), np.nan)
    out[[dataset.units.index(x) for x in prepared.units]] = got
    return out


def uncertainty_analysis(
    framework: Framework,
    dataset: Dataset,
    pipeline: Pipeline,
    spec: Uncertainty,
    variables: Variables | None = None,
    *,
    design: FloatArray | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Sample ``spec.runs`` replications (or replay ``design``) and evaluate them.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "a", "type": "numeric"}, {"code": "b", "type": "numeric"}]})
    >>> ds = Dataset.from_arrays(["X", "Y", "Z"], [2024], ["a", "b"],
    ...     np.array([[[1.0, 9.0]], [[5.0, 6.0]], [[9.0, 2.0]]]))
    >>> pipe = Pipeline.model_validate({"steps": [{"step": "normalise"}]})
    >>> spec = Uncertainty.model_validate({"runs": 64, "inputs": [
    ...     {"name": "w_a", "weight": "a", "range": [0.5, 2]}]})
    >>> ev = uncertainty_analysis(fw, ds, pipe, spec)
    >>> ev.scores.shape
    (64, 3)
    >>> ev.summary()[["unit", "rank_nominal", "rank_q05", "rank_q95"]].values.tolist()
    [['Y', 1.0, 1.0, 2.0], ['X', 2.0, 1.0, 3.0], ['Z', 2.0, 1.0, 3.0]]
    """
    u = design if design is not None else design_matrix(spec, "uncertainty")
    return evaluate(framework, dataset, pipeline, spec, u, variables, on_progress=on_progress)


__all__: Sequence[str] = [
    "Evaluation",
    "UncertaintyError",
    "base_sample",
    "cut_index",
    "design_matrix",
    "evaluate",
    "replication_pipeline",
    "saltelli",
    "uncertainty_analysis",
]
