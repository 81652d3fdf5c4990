"""The Python API that mirrors the CLI: ``load_framework``, ``score``, ``build``,
``uncertainty`` and ``sensitivity``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from polindex import __version__
from polindex.analysis.sensitivity import Sensitivity, sensitivity_analysis
from polindex.analysis.uncertainty import Evaluation, uncertainty_analysis
from polindex.engine.compute import compute
from polindex.engine.dataset import Dataset, Variables
from polindex.engine.pipeline import run_pipeline
from polindex.engine.results import Results
from polindex.engine.structure import FloatArray
from polindex.framework.loader import load_framework
from polindex.framework.models import Framework
from polindex.framework.pipeline import Pipeline, load_pipeline
from polindex.framework.problems import FrameworkError, Problem
from polindex.framework.uncertainty import Uncertainty, load_uncertainty
from polindex.framework.yamlsource import parse_yaml
from polindex.io.encode import encode
from polindex.io.tables import (
    ReadOptions,
    cell_text,
    long_from_frame,
    long_from_records,
    read_frame,
    read_table,
)
from polindex.io.variables import align_variables, split_variables

Data = str | Path | pd.DataFrame | Sequence[Sequence[Any]] | Dataset


def read_data(
    framework: Framework, data: Data, options: ReadOptions | None = None
) -> tuple[pd.DataFrame | None, str]:
    """The long table of ``data`` (a path, a data frame or records) and a name for messages."""
    if isinstance(data, Dataset):
        return None, "<dataset>"
    if isinstance(data, str | Path):
        return read_table(data, framework, options), str(data)
    if isinstance(data, pd.DataFrame):
        frame = data.astype(object).map(cell_text)
        return long_from_frame(frame, framework, "<data frame>", options), "<data frame>"
    return long_from_records(data), "<records>"


def score(
    framework: Framework | str | Path,
    data: Data,
    *,
    scored: bool = False,
    options: ReadOptions | None = None,
    on_step: Callable[[str], None] | None = None,
    **read_options: Any,
) -> Results:
    """Score an index: every node for every unit and period, with ranks and bands.

    Parameters
    ----------
    framework : Framework or path
        The index definition (a path is loaded with :func:`load_framework`).
    data : path, DataFrame, records or Dataset
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
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    opts = options or ReadOptions(**read_options)
    step = on_step or (lambda _: None)
    step("Reading the data")
    table, source = read_data(fw, data, opts)
    if isinstance(data, Dataset):
        dataset = data
    else:
        assert table is not None
        step(f"Checking {len(table):,} values")
        dataset = encode(fw, table, source, scored=scored)
    step("Scoring")
    spec = {
        "engine": f"polindex {__version__}",
        "framework": {"code": fw.code, "version": fw.version},
        "source": source,
        "scored": scored,
        "read_options": dict(vars(opts)),
    }
    return compute(fw, dataset, spec=spec, inputs=table)


def build(
    framework: Framework | str | Path,
    data: str | Path | pd.DataFrame,
    *,
    pipeline: Pipeline | str | Path | dict[str, Any] | list[Any] | None = None,
    options: ReadOptions | None = None,
    on_step: Callable[[str], None] | None = None,
    **read_options: Any,
) -> Results:
    """Build an index with its construction pipeline: raw data → … → scores, ranks and bands.

    Parameters
    ----------
    framework : Framework or path
        The index definition; when a path and ``pipeline`` is not given, its ``pipeline:``
        section is used.
    data : path or DataFrame
        Raw indicator values and the pipeline's variables (denominators, groups), long or wide.
    pipeline : Pipeline, path, mapping or list of steps, optional
        The construction steps (see :mod:`polindex.framework.pipeline`).
    **read_options
        Fields of :class:`~polindex.io.ReadOptions`.

    Returns
    -------
    Results
        With every intermediate data set in ``stages`` and the decisions in ``log``.

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
    fw, pipe, dataset, variables, table, source = _inputs(framework, data, pipeline, opts, step)
    step("Building")
    spec = {
        "engine": f"polindex {__version__}",
        "framework": {"code": fw.code, "version": fw.version},
        "source": source,
        "read_options": dict(vars(opts)),
    }
    return run_pipeline(fw, dataset, pipe, variables, spec=spec, inputs=table)


Inputs = tuple[Framework, Pipeline, Dataset, Variables, pd.DataFrame, str]


def _inputs(
    framework: Framework | str | Path,
    data: str | Path | pd.DataFrame,
    pipeline: Pipeline | str | Path | dict[str, Any] | list[Any] | None,
    opts: ReadOptions,
    step: Callable[[str], None],
) -> Inputs:
    """Framework, pipeline, data set and variables, each checked (see :func:`build`)."""
    if isinstance(framework, Framework):
        fw = framework
        if pipeline is None:
            raise FrameworkError(
                [Problem("pipeline", "no pipeline given (a Framework object has none)")]
            )
    else:
        fw = load_framework(framework)
    fw_path = framework if not isinstance(framework, Framework) else Path()
    pipe = (
        pipeline
        if isinstance(pipeline, Pipeline)
        else load_pipeline(pipeline if pipeline is not None else _pipeline_source(fw_path), fw)
    )
    step("Reading the data")
    if isinstance(data, pd.DataFrame):
        frame, source = data.astype(object).map(cell_text), "<data frame>"
    else:
        frame, source = read_frame(Path(data), opts), str(data)
    rest, var_table = split_variables(frame, pipe, source, opts)
    table = long_from_frame(rest, fw, source, opts)
    step(f"Checking {len(table):,} values")
    dataset = encode(fw, table, source, raw_numbers=True)
    variables = align_variables(var_table, pipe, dataset, source) if pipe.variables else Variables()
    return fw, pipe, dataset, variables, table, source


def design_spec(
    framework: Framework | str | Path,
    spec: Uncertainty | str | Path | dict[str, Any] | None,
    overrides: dict[str, Any],
) -> Uncertainty:
    """The uncertainty design: ``spec`` (object, file or mapping) or the framework file's
    ``uncertainty:`` section, with ``overrides`` (e.g. ``runs``, ``seed``) applied."""
    if isinstance(spec, Uncertainty):
        design = spec
    elif spec is not None:
        design = load_uncertainty(spec)
    elif isinstance(framework, Framework):
        raise FrameworkError([Problem("uncertainty", "no uncertainty design given")])
    else:
        doc = parse_yaml(Path(framework).read_text(encoding="utf-8"))
        if not (isinstance(doc.data, dict) and "uncertainty" in doc.data):
            raise FrameworkError(
                [
                    Problem(
                        "uncertainty",
                        "the framework has no uncertainty: section; give one with --spec",
                    )
                ],
                framework,
            )
        design = load_uncertainty(Path(framework))
    changes = {k: v for k, v in overrides.items() if v is not None}
    return design.model_copy(update=changes) if changes else design


def uncertainty(
    framework: Framework | str | Path,
    data: str | Path | pd.DataFrame,
    *,
    pipeline: Pipeline | str | Path | dict[str, Any] | list[Any] | None = None,
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
    opts = options or ReadOptions(**read_options)
    fw, pipe, dataset, variables, _, _ = _inputs(framework, data, pipeline, opts, lambda _: None)
    plan = design_spec(framework, spec, {"runs": runs, "seed": seed})
    return uncertainty_analysis(
        fw, dataset, pipe, plan, variables, design=design, on_progress=on_progress
    )


def sensitivity(
    framework: Framework | str | Path,
    data: str | Path | pd.DataFrame,
    *,
    pipeline: Pipeline | str | Path | dict[str, Any] | list[Any] | None = None,
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
    opts = options or ReadOptions(**read_options)
    fw, pipe, dataset, variables, _, _ = _inputs(framework, data, pipeline, opts, lambda _: None)
    plan = design_spec(framework, spec, {"runs": runs, "seed": seed, "bootstrap": bootstrap})
    return sensitivity_analysis(
        fw, dataset, pipe, plan, variables, design=design, on_progress=on_progress
    )


def release_results(
    framework: str | Path,
    data: str | Path,
    *,
    scored: bool = False,
    robustness: bool = False,
    options: ReadOptions | None = None,
) -> Results:
    """The results a release freezes: built by the framework's ``pipeline:`` when it has one
    (else scored, as with ``scored=True``); with ``robustness``, also the statistical audit and,
    when the framework declares an ``uncertainty:`` design, the uncertainty analysis and (for
    two inputs or more) the sensitivity analysis.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "fw.yaml").write_text(
    ...     "code: X\\nname: X\\nindicators: [{code: q, type: boolean}]\\n", encoding="utf-8")
    >>> _ = (folder / "data.csv").write_text("unit,period,q\\nA,2024,yes\\n", encoding="utf-8")
    >>> release_results(folder / "fw.yaml", folder / "data.csv").score(unit="A")
    100.0
    """
    from polindex.analysis.audit import audit

    opts = options or ReadOptions()
    path = Path(framework)
    has_pipeline = "pipeline" in (path.read_text(encoding="utf-8") if path.exists() else "")
    results = (
        build(path, data, options=opts)
        if has_pipeline and not scored
        else score(path, data, scored=scored, options=opts)
    )
    if not robustness:
        return results
    parts: dict[str, Any] = {"audit": audit(results)}
    try:
        plan = design_spec(path, None, {})
    except FrameworkError:
        plan = None  # no uncertainty: section
    if plan is not None:
        parts["uncertainty"] = uncertainty(path, data, options=opts)
        if len(plan.inputs) > 1:
            parts["sensitivity"] = sensitivity(path, data, options=opts)
    return results.with_robustness(**parts)


def _pipeline_source(framework: str | Path) -> Path:
    path = Path(framework)
    doc = parse_yaml(path.read_text(encoding="utf-8"))
    if not (isinstance(doc.data, dict) and "pipeline" in doc.data):
        raise FrameworkError(
            [
                Problem(
                    "pipeline", "the framework has no pipeline: section; give one with --pipeline"
                )
            ],
            path,
        )
    return path
