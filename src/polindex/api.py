"""The Python API that mirrors the CLI: ``load_index``, ``score``, ``build``, ``uncertainty``,
``sensitivity`` and ``release_results``.

Each function takes an index definition (an :class:`~polindex.framework.IndexDefinition`, or a
path, YAML text or mapping that :func:`~polindex.framework.load_index` parses once) and data (a
path, a data frame, records, or :class:`Inputs` already read with :func:`read_inputs`). A
command that does several things with one data set (a release with its robustness analyses)
reads and encodes the data once with :func:`read_inputs` and passes the result on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from polindex.engine.aggregate import AggregationError
from polindex.engine.compute import ScoreError, compute
from polindex.engine.dataset import Dataset, Variables
from polindex.engine.pipeline import run_pipeline
from polindex.engine.results import Results
from polindex.engine.structure import FloatArray
from polindex.framework.definition import IndexDefinition, Source, load_index
from polindex.framework.models import Framework
from polindex.framework.pipeline import Pipeline, load_pipeline
from polindex.framework.problems import FrameworkError, Problem
from polindex.framework.uncertainty import Uncertainty, load_uncertainty
from polindex.io.encode import encode
from polindex.io.tables import (
    ReadOptions,
    Upload,
    cell_text,
    long_from_frame,
    long_from_records,
    read_frame,
    read_table,
    source_name,
)
from polindex.io.variables import align_variables, split_variables, variables_table
from polindex.version import __version__

if TYPE_CHECKING:  # the analyses are imported on use (scipy.stats takes a second to load)
    from polindex.analysis.robustness import ReleaseResults
    from polindex.analysis.sensitivity import Sensitivity
    from polindex.analysis.uncertainty import Evaluation
    from polindex.analysis.whatif import Simulator

Data = str | Path | Upload | pd.DataFrame | Sequence[Sequence[Any]] | Dataset
PipelineSource = Pipeline | str | Path | dict[str, Any] | list[Any]


@dataclass(frozen=True)
class Inputs:
    """Data read and checked against an index definition, ready for the engine.

    ``dataset`` holds the indicator values (raw numbers when ``built``: the pipeline
    normalises them; else indicator scores), ``variables`` the pipeline's denominators and
    groups, ``table`` the long table read (kept in the results and frozen with a release),
    ``source`` a name for messages. Make it once per command with :func:`read_inputs`.
    """

    dataset: Dataset
    variables: Variables
    table: pd.DataFrame | None
    source: str
    built: bool
    scored: bool = False


def read_inputs(
    index: Source,
    data: Data | Inputs,
    *,
    build: bool | None = None,
    scored: bool = False,
    pipeline: Pipeline | None = None,
    options: ReadOptions | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Inputs:
    """Read and check ``data`` once for ``index``: for a build (``build=True``; default: when the
    definition has a pipeline and the values are not ``scored``) the pipeline's variables are
    split off and numeric values kept raw; else the values are encoded as indicator scores.

    Raises :class:`~polindex.io.DataError` listing every offending row.

    Examples
    --------
    >>> d = load_index({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q", "type": "numeric", "goalposts": [0, 10]}]})
    >>> inputs = read_inputs(d, [("A", 2024, "q", 5)])
    >>> inputs.built, inputs.dataset.values.tolist()
    (False, [[[50.0]]])
    """
    if isinstance(data, Inputs):
        return data
    definition = load_index(index)
    fw = definition.framework
    opts = options or ReadOptions()
    step = on_step or (lambda _: None)
    pipe = pipeline or definition.pipeline
    building = (pipe is not None and not scored) if build is None else build
    step("Reading the data")
    if building:
        if pipe is None:
            pipe = definition.require_pipeline()
        if isinstance(data, pd.DataFrame):
            frame, source = data.astype(object).map(cell_text), "<data frame>"
        elif isinstance(data, str | Path | Upload):
            path = data if isinstance(data, Upload) else Path(data)
            frame, source = read_frame(path, opts), source_name(data)
        else:
            raise TypeError("a build reads a file or a data frame (wide or long)")
        rest, var_table = split_variables(frame, pipe, source, opts)
        table = long_from_frame(rest, fw, source, opts)
        step(f"Checking {len(table):,} values")
        dataset = encode(fw, table, source, raw_numbers=True)
        variables = (
            align_variables(var_table, pipe, dataset, source) if pipe.variables else Variables()
        )
        return Inputs(dataset, variables, table, source, built=True)
    if isinstance(data, Dataset):
        return Inputs(data, Variables(), None, "<dataset>", built=False, scored=scored)
    if isinstance(data, str | Path | Upload):
        table, source = read_table(data, fw, opts), source_name(data)
    elif isinstance(data, pd.DataFrame):
        frame = data.astype(object).map(cell_text)
        table, source = long_from_frame(frame, fw, "<data frame>", opts), "<data frame>"
    else:
        table, source = long_from_records(data), "<records>"
    step(f"Checking {len(table):,} values")
    dataset = encode(fw, table, source, scored=scored)
    return Inputs(dataset, Variables(), table, source, built=False, scored=scored)


def _spec(fw: Framework, inputs: Inputs, opts: ReadOptions | None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "engine": f"polindex {__version__}",
        "framework": {"code": fw.code, "version": fw.version},
        "source": inputs.source,
    }
    if not inputs.built:
        spec["scored"] = inputs.scored
    spec["read_options"] = dict(vars(opts or ReadOptions()))
    return spec


def score(
    index: Source,
    data: Data | Inputs,
    *,
    scored: bool = False,
    options: ReadOptions | None = None,
    on_step: Callable[[str], None] | None = None,
    **read_options: Any,
) -> Results:
    """Score an index: every node for every unit and period, with ranks and bands.

    Parameters
    ----------
    index : IndexDefinition, Framework, path, YAML text or mapping
        The index definition (parsed with :func:`~polindex.framework.load_index`).
    data : path, DataFrame, records, Dataset or Inputs
        Indicator values, long (``unit, period, indicator, value``) or wide (one row per
        unit and period, one column per indicator); CSV or XLSX when a path.
    scored : bool
        Values are already indicator scores on the index scale (e.g. normalised data).
    on_step : callable, optional
        Called with a short description as each step starts (reading, checking, scoring),
        e.g. to drive a progress display.
    **read_options
        Fields of :class:`~polindex.io.ReadOptions` (``unit_column``, ``period_column``,
        ``column_prefix``, ``extra_columns``, ``period``, ``sheet``).

    Raises
    ------
    FrameworkError, DataError
        Listing every problem; nothing is computed.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "numeric", "goalposts": [0, 10]},
    ...     {"code": "q2", "type": "numeric", "goalposts": [0, 10], "direction": -1}]})
    >>> res = polindex.score(fw, [("A", 2024, "q1", 8), ("A", 2024, "q2", 2)])
    >>> res.score(unit="A")
    80.0
    """
    definition = load_index(index)
    opts = options or ReadOptions(**read_options)
    step = on_step or (lambda _: None)
    inputs = read_inputs(
        definition, data, build=False, scored=scored, options=opts, on_step=on_step
    )
    step("Scoring")
    fw = definition.framework
    return _compute(fw, inputs, _spec(fw, inputs, opts))


def _compute(fw: Framework, inputs: Inputs, spec: dict[str, Any]) -> Results:
    """:func:`compute` on data read: scores an aggregation cannot take are a :class:`ScoreError`
    (a ``polindex score`` of a geometric mean over a zero was a traceback)."""
    try:
        return compute(fw, inputs.dataset, spec=spec, inputs=inputs.table)
    except AggregationError as exc:
        raise ScoreError.of(exc, inputs.dataset) from exc


def build(
    index: Source,
    data: str | Path | Upload | pd.DataFrame | Inputs,
    *,
    pipeline: PipelineSource | None = None,
    options: ReadOptions | None = None,
    on_step: Callable[[str], None] | None = None,
    **read_options: Any,
) -> Results:
    """Build an index with its construction pipeline: raw data → … → scores, ranks and bands.

    Parameters
    ----------
    index : IndexDefinition, Framework, path, YAML text or mapping
        The index definition; its ``pipeline:`` is used unless ``pipeline`` is given.
    data : path, DataFrame or Inputs
        Raw indicator values and the pipeline's variables (denominators, groups), long or wide.
    pipeline : Pipeline, path, mapping or list of steps, optional
        Construction steps replacing the definition's (see :mod:`polindex.framework.pipeline`).
    **read_options
        Fields of :class:`~polindex.io.ReadOptions`.

    Returns
    -------
    Results
        With every intermediate data set in ``stages``, and the weights and methods used.

    Raises
    ------
    FrameworkError, DataError, BuildError
        Listing every problem; nothing is computed.

    Examples
    --------
    >>> import pandas as pd, polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "gdp", "type": "numeric"},
    ...     {"code": "co2", "type": "numeric", "direction": -1}]})
    >>> data = pd.DataFrame({"unit": ["A", "B", "C"], "period": [2024] * 3,
    ...                      "pop": [10, 20, 40], "gdp": [100, 400, 400], "co2": [1, 2, None]})
    >>> res = polindex.build(fw, data, pipeline={
    ...     "variables": [{"code": "pop", "role": "denominator"}],
    ...     "steps": [{"step": "denominate", "by": {"gdp": "pop"}},
    ...               {"step": "impute", "method": "median"},
    ...               {"step": "normalise", "method": "minmax", "params": {"low": 0, "high": 100}},
    ...               {"step": "aggregate"}]})
    >>> res.stages["denominated"].values[:, 0, 0].tolist(), res.score(unit="B")
    ([10.0, 20.0, 10.0], 50.0)
    """
    step = on_step or (lambda _: None)
    opts = options or ReadOptions(**read_options)
    definition = with_pipeline(load_index(index), pipeline)
    pipe = definition.require_pipeline()
    inputs = read_inputs(definition, data, build=True, options=opts, on_step=on_step)
    step("Building")
    fw = definition.framework
    return run_pipeline(
        fw,
        inputs.dataset,
        pipe,
        inputs.variables,
        spec=_spec(fw, inputs, opts),
        inputs=inputs.table,
    )


def with_pipeline(definition: IndexDefinition, pipeline: PipelineSource | None) -> IndexDefinition:
    """``definition`` with ``pipeline`` (checked against its framework) in place of its own."""
    if pipeline is None:
        return definition
    pipe = (
        pipeline
        if isinstance(pipeline, Pipeline)
        else load_pipeline(pipeline, definition.framework)
    )
    return definition.with_(pipeline=pipe)


def design_spec(
    index: Source,
    spec: Uncertainty | str | Path | dict[str, Any] | None,
    overrides: dict[str, Any],
) -> Uncertainty:
    """The uncertainty design: ``spec`` (object, file or mapping) or the definition's
    ``uncertainty:`` section, with ``overrides`` (e.g. ``runs``, ``seed``) applied."""
    if isinstance(spec, Uncertainty):
        design = spec
    elif spec is not None:
        design = load_uncertainty(spec)
    else:
        design = load_index(index).require_uncertainty()
    changes = {k: v for k, v in overrides.items() if v is not None}
    return design.model_copy(update=changes) if changes else design


def uncertainty(
    index: Source,
    data: str | Path | Upload | pd.DataFrame | Inputs,
    *,
    pipeline: PipelineSource | None = None,
    spec: Uncertainty | str | Path | dict[str, Any] | None = None,
    design: FloatArray | None = None,
    runs: int | None = None,
    seed: int | None = None,
    options: ReadOptions | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    **read_options: Any,
) -> Evaluation:
    """Uncertainty analysis of an index built by its pipeline (see
    :func:`polindex.analysis.uncertainty.uncertainty_analysis`); the design comes from
    ``spec`` or the framework file's ``uncertainty:`` section, ``design`` replays given samples.
    """
    args = _analysis_args(
        index,
        data,
        pipeline,
        spec,
        {"runs": runs, "seed": seed},
        options or ReadOptions(**read_options),
    )
    from polindex.analysis.uncertainty import uncertainty_analysis

    return uncertainty_analysis(*args, design=design, on_progress=on_progress)


def sensitivity(
    index: Source,
    data: str | Path | Upload | pd.DataFrame | Inputs,
    *,
    pipeline: PipelineSource | None = None,
    spec: Uncertainty | str | Path | dict[str, Any] | None = None,
    design: FloatArray | None = None,
    runs: int | None = None,
    seed: int | None = None,
    bootstrap: int | None = None,
    options: ReadOptions | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    **read_options: Any,
) -> Sensitivity:
    """Sensitivity analysis (Saltelli design, first-order and total indices); see
    :func:`polindex.analysis.sensitivity.sensitivity_analysis`."""
    overrides = {"runs": runs, "seed": seed, "bootstrap": bootstrap}
    args = _analysis_args(
        index, data, pipeline, spec, overrides, options or ReadOptions(**read_options)
    )
    from polindex.analysis.sensitivity import sensitivity_analysis

    return sensitivity_analysis(*args, design=design, on_progress=on_progress)


AnalysisArgs = tuple[Framework, Dataset, Pipeline, Uncertainty, Variables]


def _analysis_args(
    index: Source,
    data: str | Path | Upload | pd.DataFrame | Inputs,
    pipeline: PipelineSource | None,
    spec: Uncertainty | str | Path | dict[str, Any] | None,
    overrides: dict[str, Any],
    options: ReadOptions,
) -> AnalysisArgs:
    """What a robustness analysis runs on: the framework, the data read once, the pipeline and
    the design (with ``overrides``)."""
    definition = with_pipeline(load_index(index), pipeline)
    pipe = definition.require_pipeline()
    plan = design_spec(definition, spec, overrides)
    inputs = read_inputs(definition, data, build=True, options=options)
    return definition.framework, inputs.dataset, pipe, plan, inputs.variables


def simulator(
    index: Source,
    data: Data | Inputs,
    *,
    scored: bool = False,
    options: ReadOptions | None = None,
    **read_options: Any,
) -> Simulator:
    """An index ready for what-if questions, goal seeking and recommendations (see
    :class:`~polindex.analysis.whatif.Simulator`): scored (or built by its pipeline) from
    ``data`` read once.

    Examples
    --------
    >>> d = load_index({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q", "type": "numeric", "goalposts": [0, 10]}]})
    >>> sim = simulator(d, [("A", 2024, "q", 5), ("B", 2024, "q", 7)])
    >>> out = sim.simulate("A", {"q": 9})
    >>> out.row()["new_score"], out.row()["new_rank"], out.row()["rank_difference"]
    (90.0, 1, 1)
    """
    from polindex.analysis.whatif import Simulator

    definition = load_index(index)
    opts = options or ReadOptions(**read_options)
    inputs = read_inputs(definition, data, scored=scored, options=opts)
    return Simulator.of(definition, inputs)


def release_results(
    index: Source,
    data: Data | Inputs,
    *,
    scored: bool = False,
    robustness: bool = False,
    options: ReadOptions | None = None,
) -> ReleaseResults:
    """What a release freezes: the results, built by the definition's pipeline when it has one
    (else scored, as with ``scored=True``); with ``robustness``, also the statistical audit
    and, when the definition declares an uncertainty design, the uncertainty analysis and (for
    two inputs or more) the sensitivity analysis. The definition is parsed and the data read
    once.

    Examples
    --------
    >>> d = load_index("code: X\\nname: X\\nindicators: [{code: q, type: boolean}]\\n")
    >>> out = release_results(d, [("A", 2024, "q", "yes")], robustness=True)
    >>> out.results.score(unit="A"), out.robustness.audit is not None, out.robustness.uncertainty
    (100.0, True, None)
    """
    from polindex.analysis.audit import audit
    from polindex.analysis.robustness import ReleaseResults, Robustness
    from polindex.analysis.sensitivity import sensitivity_analysis
    from polindex.analysis.uncertainty import uncertainty_analysis

    definition = load_index(index)
    inputs = read_inputs(definition, data, scored=scored, options=options)
    fw = definition.framework
    spec = _spec(fw, inputs, options)
    if inputs.built:
        pipe = definition.require_pipeline()
        results = run_pipeline(
            fw, inputs.dataset, pipe, inputs.variables, spec=spec, inputs=inputs.table
        )
    else:
        results = _compute(fw, inputs, spec)
    variables = (
        variables_table(inputs.variables, inputs.dataset)
        if inputs.built and (inputs.variables.numbers or inputs.variables.labels)
        else None
    )
    if not robustness:
        return ReleaseResults(results, variables=variables)
    plan = definition.uncertainty
    if plan is None:
        return ReleaseResults(results, Robustness(audit=audit(results)), variables)
    if not inputs.built:
        raise FrameworkError(
            [
                Problem(
                    "uncertainty",
                    "the uncertainty design varies the construction pipeline: it needs a "
                    "pipeline: section and raw (not already scored) data",
                )
            ],
            definition.source,
        )
    args = (fw, inputs.dataset, definition.require_pipeline(), plan, inputs.variables)
    return ReleaseResults(
        results,
        Robustness(
            audit=audit(results),
            uncertainty=uncertainty_analysis(*args),
            sensitivity=sensitivity_analysis(*args) if len(plan.inputs) > 1 else None,
            design=plan,
        ),
        variables,
    )
