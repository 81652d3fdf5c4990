"""Variables beside the indicators in a data file: denominators (numbers) and groups (labels).

A pipeline declares them (``variables:``); in a wide file each is a column, in a long file its
values are rows whose ``indicator`` is the variable's code. They are pulled out before the
indicators are read and aligned with the data set's units and periods.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from polindex.engine.dataset import Dataset, Variables
from polindex.framework.pipeline import Pipeline
from polindex.io.problems import DataError, DataProblem
from polindex.io.tables import ReadOptions, is_long, text_cells


def split_variables(
    frame: pd.DataFrame, pipeline: Pipeline, source: str, options: ReadOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a frame of text cells into (indicator frame, variable table).

    The variable table has columns ``unit, period, variable, value, row``. A declared variable
    that the file lacks is an error.

    Examples
    --------
    >>> p = Pipeline.model_validate({"variables": [{"code": "pop", "role": "denominator"}]})
    >>> f = pd.DataFrame({"unit": ["A"], "period": ["2024"], "pop": ["10"], "q1": ["3"]})
    >>> rest, var = split_variables(f, p, "d.csv", ReadOptions())
    >>> rest.columns.tolist()
    ['unit', 'period', 'q1']
    >>> var.to_dict("records")
    [{'unit': 'A', 'period': '2024', 'variable': 'pop', 'value': '10', 'row': 2}]
    """
    codes = [v.code for v in pipeline.variables]
    columns = [str(c).strip().removeprefix(options.column_prefix) for c in frame.columns]
    rows = pd.Series(range(2, len(frame) + 2), index=frame.index)
    if is_long(columns):
        lower = {c.lower(): c for c in frame.columns}
        ind = frame[lower["indicator"]].astype(str).str.strip()
        unit_col = lower.get("unit", options.unit_column)
        period_col = lower.get("period", options.period_column)
        take = ind.isin(codes)
        var = pd.DataFrame(
            {
                "unit": frame.loc[take, unit_col].astype(str).str.strip(),
                "period": frame.loc[take, period_col].astype(str).str.strip()
                if period_col in frame
                else options.period,
                "variable": ind[take],
                "value": frame.loc[take, lower["value"]].astype(str).str.strip(),
                "row": rows[take],
            }
        )
        missing = [c for c in codes if c not in set(ind[take])]
        rest = frame.loc[~take]
    else:
        missing = [c for c in codes if c not in columns]
        n_rows = len(frame)
        units = (
            text_cells(frame[options.unit_column])
            if options.unit_column in frame
            else np.full(n_rows, "", dtype=object)
        )
        periods = (
            text_cells(frame[options.period_column])
            if options.period_column in frame
            else np.full(n_rows, options.period, dtype=object)
        )
        found = [c for c in codes if c not in missing]
        var = pd.DataFrame(
            {
                "unit": np.tile(units, len(found)),
                "period": np.tile(periods, len(found)),
                "variable": np.repeat(np.array(found, dtype=object), n_rows),
                "value": np.concatenate(
                    [text_cells(frame.iloc[:, columns.index(c)]) for c in found]
                    or [np.empty(0, dtype=object)]
                ),
                "row": np.tile(rows.to_numpy(), len(found)),
            }
        )
        rest = frame[[c for c, n in zip(frame.columns, columns, strict=True) if n not in codes]]
    if missing:
        raise DataError(
            [
                DataProblem(
                    source, 1, c, None, "variable declared by the pipeline is not in the data"
                )
                for c in missing
            ]
        )
    return rest, var.reset_index(drop=True)


def align_variables(
    table: pd.DataFrame, pipeline: Pipeline, dataset: Dataset, source: str
) -> Variables:
    """Arrays (unit, period) of each variable for the data set's units and periods.

    Denominators must be numbers; blank / ``NA`` cells are missing.
    """
    roles = {v.code: v.role for v in pipeline.variables}
    u_index = {u: k for k, u in enumerate(dataset.units)}
    p_index = {str(p): k for k, p in enumerate(dataset.periods)}
    shape = (len(dataset.units), len(dataset.periods))
    numbers: dict[str, np.ndarray] = {}
    labels: dict[str, np.ndarray] = {}
    problems: list[DataProblem] = []
    missing_tokens = {"", "na", "nan", "n/a", "."}
    columns = [table[c].to_numpy(dtype=object) for c in ("unit", "period", "value", "row")]
    variable = table["variable"].to_numpy(dtype=object)
    for code, role in roles.items():
        part = np.flatnonzero(variable == code)
        arr = np.full(shape, np.nan) if role == "denominator" else np.full(shape, "", dtype=object)
        for unit, period, value, row in zip(*(c[part] for c in columns), strict=True):
            period_key = str(int(float(period))) if _is_int(period) else str(period)
            u, p = u_index.get(unit), p_index.get(period_key)
            if u is None or p is None:
                continue  # a row with no indicator data (or a unit screened out later)
            if value.lower() in missing_tokens:
                continue
            if role == "denominator":
                try:
                    arr[u, p] = float(value)
                except ValueError:
                    problems.append(DataProblem(source, int(row), code, value, "not a number"))
            else:
                arr[u, p] = value
        (numbers if role == "denominator" else labels)[code] = arr
    if problems:
        raise DataError(problems)
    return Variables(numbers=numbers, labels=labels)


def variables_table(variables: Variables, dataset: Dataset) -> pd.DataFrame:
    """``variables`` (aligned with ``dataset``) back as a long table of text — ``unit, period,
    indicator, value``, one row per value given, numbers written so they read back exactly
    (Python's shortest round-trip form) — which :func:`split_variables` and
    :func:`align_variables` read again into equal arrays: what a release freezes of a build's
    denominators and groups, to rebuild it.

    Examples
    --------
    >>> ds = Dataset.from_arrays(["A", "B"], [2024], ["q"], np.array([[[1.0]], [[2.0]]]))
    >>> v = Variables(numbers={"pop": np.array([[0.1], [np.nan]])},
    ...               labels={"grp": np.array([["x"], [""]], dtype=object)})
    >>> variables_table(v, ds).values.tolist()
    [['A', '2024', 'pop', '0.1'], ['A', '2024', 'grp', 'x']]
    """
    rows: list[tuple[str, str, str, str]] = []
    for u, unit in enumerate(dataset.units):
        for p, period in enumerate(dataset.periods):
            for code, arr in variables.numbers.items():
                x = float(arr[u, p])
                if not np.isnan(x):
                    rows.append((str(unit), str(period), code, repr(x)))
            for code, arr in variables.labels.items():
                text = str(arr[u, p])
                if text:
                    rows.append((str(unit), str(period), code, text))
    return pd.DataFrame(rows, columns=["unit", "period", "indicator", "value"], dtype=object)


def _is_int(text: str) -> bool:
    try:
        return float(text).is_integer()
    except ValueError:
        return False
