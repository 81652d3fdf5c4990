"""Read indicator values from CSV or XLSX, long or wide, into one long table of text cells.

Long files have the columns ``unit, period, indicator, value``; wide files have ``unit``,
``period`` and one column per indicator code. Every cell keeps the file row and column it came
from, so later checks can point at it. Values stay text here; :mod:`polindex.io.encode` turns
them into scores against a framework.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from polindex.framework.models import Framework
from polindex.io.problems import DataError, DataProblem
from polindex.io.xlsx import DATA, WorkbookError, open_workbook

LONG_COLUMNS = ("unit", "period", "indicator", "value")
TABLE_COLUMNS = [*LONG_COLUMNS, "row", "column"]
Extra = Literal["error", "ignore"]
SKIP_EXTRA = "to skip such columns, read with extra columns: ignore"


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file: which columns hold units and periods, and what to do with others.

    ``column_prefix`` is stripped from column names (IMPIC's ``AvgS_a01`` → ``a01``);
    ``extra_columns="ignore"`` skips wide-file columns that are not indicators (names, notes,
    published aggregates) instead of reporting them; ``period`` gives every row one period
    when the file has no period column.
    """

    unit_column: str = "unit"
    period_column: str = "period"
    column_prefix: str = ""
    extra_columns: Extra = "error"
    period: str | None = None
    sheet: str | int = 0


def cell_text(value: Any) -> str:
    """A cell (from a spreadsheet or a data frame) as text; whole floats lose their ``.0``, so
    option code 1 stays "1", and missing cells become "".

    Examples
    --------
    >>> [cell_text(v) for v in (1.0, 2.5, None, float("nan"), True, " a ")]
    ['1', '2.5', '', '', 'true', 'a']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _with_header(cells: pd.DataFrame) -> pd.DataFrame:
    """First row → column names, kept exactly (pandas would rename a repeated name ``q1.1``);
    columns without a name or a value (a trailing comma, a spreadsheet's padding) are dropped.

    Examples
    --------
    >>> _with_header(pd.DataFrame([["unit", "q1", ""], ["AT", "a", ""]])).to_dict("list")
    {'unit': ['AT'], 'q1': ['a']}
    """
    if cells.empty:
        return pd.DataFrame()
    grid = cells.to_numpy(dtype=object)  # one block: later column picks are views, not takes
    names = [str(c) for c in grid[0]]
    body = grid[1:]
    used = [k for k, name in enumerate(names) if name or (body[:, k].astype(str) != "").any()]
    return pd.DataFrame(
        body[:, used], columns=pd.Index([names[k] for k in used], dtype=object), dtype=object
    )


def text_cells(cells: pd.Series | npt.NDArray[Any]) -> npt.NDArray[np.object_]:
    """Cells as stripped text, as ``astype(str).str.strip()`` makes them, without pandas'
    per-call cost when every cell is already text (as read from a file).

    Examples
    --------
    >>> text_cells(pd.Series([" a", "b "])).tolist(), text_cells(pd.Series([" a", 7])).tolist()
    (['a', 'b'], ['a', '7'])
    """
    arr = cells.to_numpy(dtype=object) if isinstance(cells, pd.Series) else cells
    try:
        texts = [cell.strip() for cell in arr]
    except (AttributeError, TypeError):  # a number, NaN or None: pandas says what it becomes
        out: npt.NDArray[np.object_] = (
            pd.Series(arr, dtype=object).astype(str).str.strip().to_numpy(dtype=object)
        )
        return out
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


@dataclass(frozen=True)
class Upload:
    """A file received whole (an upload): its name (whose suffix says CSV or XLSX, and which
    messages show) and its bytes. Read like a path, with no temporary file.

    Examples
    --------
    >>> read_frame(Upload("d.csv", b"unit,q1\\nA,yes\\n"), ReadOptions()).values.tolist()
    [['A', 'yes']]
    """

    name: str
    content: bytes = field(repr=False)

    @property
    def suffix(self) -> str:
        """The file name's suffix, lower case."""
        return Path(self.name).suffix.lower()


def read_frame(path: Path | Upload, options: ReadOptions) -> pd.DataFrame:
    """Read a CSV or XLSX file (or upload) into a frame of text cells with the header kept
    exactly."""
    suffix = path.suffix.lower()
    name = path.name if isinstance(path, Upload) else str(path)
    source: Any = io.BytesIO(path.content) if isinstance(path, Upload) else path
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        reason = f"unknown file type {suffix!r}; use .csv or .xlsx"
        raise DataError([DataProblem(name, None, None, None, reason)])
    try:
        if suffix in (".xlsx", ".xlsm"):
            data = path.content if isinstance(path, Upload) else path.read_bytes()
            return _with_header(_sheet_frame(data, name, options.sheet))
        # cells stay text, as written (encode() strips and interprets them)
        cells = pd.read_csv(
            source,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            sep="\t" if suffix == ".tsv" else ",",
            encoding="utf-8-sig",
        )
        return _with_header(cells)
    except FileNotFoundError as exc:
        raise DataError([DataProblem(name, None, None, None, "file not found")]) from exc
    except WorkbookError as exc:
        problems = [DataProblem(name, None, None, None, f"cannot read the file: {p}")
                    for p in exc.problems]  # fmt: skip
        raise DataError(problems) from exc
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8"
        raise DataError([DataProblem(name, None, None, None, reason)]) from exc
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        reason = f"cannot read the file: {exc}"
        raise DataError([DataProblem(name, None, None, None, reason)]) from exc


EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"})
"""What a formula that failed shows in a cell: read as an empty (missing) cell."""


def _sheet_frame(data: bytes, name: str, sheet: str | int) -> pd.DataFrame:
    """A sheet of XLSX ``data`` as a frame of text cells, read within the bounds of a data
    file (:data:`polindex.io.xlsx.DATA`): a ZIP bomb or a sheet listing millions of empty
    rows is refused before it costs time or memory."""
    rows = open_workbook(data, DATA, name).rows(sheet)
    width = max(map(len, rows), default=0)
    texts = [["" if v in EXCEL_ERRORS else cell_text(v) for v in row] for row in rows]
    return pd.DataFrame([row + [""] * (width - len(row)) for row in texts], dtype=object)


def is_long(columns: Iterable[str]) -> bool:
    """Whether a header is the long layout (``unit, period, indicator, value``)."""
    lower = {c.strip().lower() for c in columns}
    return {"indicator", "value"} <= lower


def long_from_frame(
    frame: pd.DataFrame, framework: Framework, source: str, options: ReadOptions | None = None
) -> pd.DataFrame:
    """Turn a frame read from a file (long or wide, all text) into the long table.

    The result has columns ``unit, period, indicator, value, row, column``; ``row`` is the
    spreadsheet row (header = 1).

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}]})
    >>> wide = pd.DataFrame({"unit": ["A"], "period": ["2024"], "q1": ["yes"], "q2": ["no"]})
    >>> long_from_frame(wide, fw, "example").to_dict("records")[0]
    {'unit': 'A', 'period': '2024', 'indicator': 'q1', 'value': 'yes', 'row': 2, 'column': 'q1'}
    """
    opts = options or ReadOptions()
    names = [str(c).strip().removeprefix(opts.column_prefix) for c in frame.columns]
    frame = frame.set_axis(names, axis=1)  # the caller's frame keeps its names
    problems: list[DataProblem] = []
    dupes = frame.columns[frame.columns.duplicated()].tolist()
    for col in dupes:
        problems.append(DataProblem(source, 1, col, None, "column appears twice in the header"))
    if problems:
        raise DataError(problems)
    rows = pd.Series(range(2, len(frame) + 2), index=frame.index)

    if is_long(frame.columns):
        rename = {c: c.lower() for c in frame.columns if c.lower() in LONG_COLUMNS}
        frame = frame.rename(columns=rename)
        if opts.unit_column != "unit" and opts.unit_column in frame.columns:
            frame = frame.rename(columns={opts.unit_column: "unit"})
        if opts.period_column != "period" and opts.period_column in frame.columns:
            frame = frame.rename(columns={opts.period_column: "period"})
        if "period" not in frame.columns and opts.period is not None:
            frame["period"] = opts.period
        missing = [c for c in LONG_COLUMNS if c not in frame.columns]
        if missing:
            raise DataError(
                [
                    DataProblem(source, 1, None, None, f"missing column {c!r} (long layout)")
                    for c in missing
                ]
            )
        out = frame[list(LONG_COLUMNS)].astype(str).copy()
        out["row"] = rows
        out["column"] = "value"
        return out.reset_index(drop=True)[TABLE_COLUMNS]

    unit_col, period_col = opts.unit_column, opts.period_column
    for col, what in ((unit_col, "unit"), (period_col, "period")):
        if col not in frame.columns and not (what == "period" and opts.period is not None):
            hint = f" (name the {what} column in the read options)"
            problems.append(DataProblem(source, 1, None, None, f"no {what} column {col!r}{hint}"))
    if problems:
        raise DataError(problems)
    indicator_codes = {i.code for i in framework.indicators}
    group_codes = {n.code for n in framework.nodes}
    keep: list[str] = []
    for col in frame.columns:
        if col in (unit_col, period_col):
            continue
        if col in indicator_codes:
            keep.append(col)
        elif opts.extra_columns == "error":
            reason = (
                "a column without a name holds values"
                if not col
                else f"{col!r} is a group of the framework (scores are computed, not read)"
                if col in group_codes
                else f"{col!r} is not an indicator of framework {framework.code!r}"
            )
            problems.append(DataProblem(source, 1, col, None, reason + f"; {SKIP_EXTRA}"))
    if problems:
        raise DataError(problems)
    if not keep:
        raise DataError(
            [DataProblem(source, 1, None, None, "no column is an indicator of the framework")]
        )
    # one block per indicator column, in column order (as many rows as the file has)
    n_rows, n_cols = len(frame), len(keep)
    units = _as_text(frame[unit_col].to_numpy(dtype=object))
    periods = (
        _as_text(frame[period_col].to_numpy(dtype=object))
        if period_col in frame
        else np.full(n_rows, opts.period, dtype=object)
    )
    at = {c: k for k, c in enumerate(frame.columns)}
    values = _as_text(frame.to_numpy(dtype=object)[:, [at[c] for c in keep]])
    prefix = opts.column_prefix
    return pd.DataFrame(
        {
            "unit": np.tile(units, n_cols),
            "period": np.tile(periods, n_cols),
            "indicator": np.repeat(np.array(keep, dtype=object), n_rows),
            "value": values.T.ravel(),
            "row": np.tile(rows.to_numpy(), n_cols),
            "column": np.repeat(np.array([prefix + c for c in keep], dtype=object), n_rows),
        }
    )


def _as_text(cells: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """``cells`` as ``str`` (unchanged when they already are, as read from a file)."""
    if all(type(c) is str for c in cells.flat):
        return cells
    return pd.DataFrame(cells.reshape(len(cells), -1)).astype(str).to_numpy().reshape(cells.shape)


def read_table(
    path: str | Path | Upload, framework: Framework, options: ReadOptions | None = None
) -> pd.DataFrame:
    """Read a CSV or XLSX file or upload (long or wide layout) into the long table of text
    cells.

    Raises :class:`~polindex.io.DataError` for an unreadable file or a bad header.
    """
    p = path if isinstance(path, Upload) else Path(path)
    opts = options or ReadOptions()
    return long_from_frame(read_frame(p, opts), framework, source_name(p), opts)


def source_name(path: str | Path | Upload) -> str:
    """How messages name a file or upload."""
    return path.name if isinstance(path, Upload) else str(path)


def long_from_records(records: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Build the long table from ``(unit, period, indicator, value)`` tuples (rows numbered
    from 1).

    Examples
    --------
    >>> t = long_from_records([("A", 2024, "q1", 1.5)])
    >>> t[["unit", "period", "value", "row"]].values.tolist()
    [['A', '2024', '1.5', 1]]
    """
    out = pd.DataFrame(
        [tuple(cell_text(v) for v in rec[:4]) for rec in records], columns=list(LONG_COLUMNS)
    )
    out["row"] = range(1, len(out) + 1)
    out["column"] = "value"
    return out[TABLE_COLUMNS]
