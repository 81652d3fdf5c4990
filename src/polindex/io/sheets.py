"""XLSX workbooks the platform writes: text stays text, and holds only what a workbook can.

Every workbook Polindex writes (results, build stages, robustness tables, audit, release
downloads) goes through :func:`write_sheets`: a text cell beginning with ``=`` is stored as
text, never as a formula that a spreadsheet would run, and characters a workbook cannot hold
(control characters) become U+FFFD instead of failing the whole file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from polindex.framework.models import NOT_XML


def cell_safe(value: Any) -> Any:
    """``value`` with the characters a workbook cannot hold replaced by U+FFFD.

    Examples
    --------
    >>> cell_safe("Evil\\x01Land"), cell_safe(1.5)
    ('Evil�Land', 1.5)
    """
    return NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a text cell starts that a spreadsheet would run as a formula when it opens a CSV."""


def inert(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula: text beginning with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'``; anything else is unchanged.

    Examples
    --------
    >>> print(inert('=HYPERLINK("http://x")'))
    '=HYPERLINK("http://x")
    >>> inert("-AT"), inert("AT"), inert(-1.5)
    ("'-AT", 'AT', -1.5)
    """
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_text(frame: pd.DataFrame, **options: Any) -> str:
    """``frame`` as CSV text with every text cell made :func:`inert` (each distinct text
    looked at once: a long table repeats its codes on every row).

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"unit": ["-AT", "BE", "-AT"], "score": [1.5, -2, 3]})))
    unit,score
    '-AT,1.5
    BE,-2.0
    '-AT,3.0
    <BLANKLINE>
    """
    out = frame.copy()
    for col in out.columns:
        if _texts(out[col]):
            changed = {v: inert(v) for v in out[col].dropna().unique() if inert(v) is not v}
            if changed:  # (map, not replace: a categorical column gets new categories)
                out[col] = out[col].map(
                    lambda v, c=changed: c.get(v, v) if isinstance(v, str) else v
                )
    return str(out.to_csv(index=False, **options))


def _texts(values: pd.Series | pd.Index) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values)


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if _texts(out[col]):
            out[col] = out[col].map(cell_safe)
    out.columns = [cell_safe(c) for c in out.columns]
    if not isinstance(out.index, pd.MultiIndex) and _texts(out.index):
        out.index = out.index.map(cell_safe)
    return out


def write_sheets(
    target: str | Path | BinaryIO,
    sheets: Mapping[str, pd.DataFrame],
    *,
    with_index: frozenset[str] = frozenset(),
    created: dt.datetime | None = None,
) -> None:
    """Write ``sheets`` (name → frame; names cut to Excel's 31 characters) as one XLSX
    workbook; frames named in ``with_index`` keep their index as columns. ``created`` is the
    time the workbook says it was made and changed (default: now).

    Examples
    --------
    >>> import io
    >>> from openpyxl import load_workbook
    >>> buffer = io.BytesIO()
    >>> write_sheets(buffer, {"s": pd.DataFrame({"unit": ["=1+1", "A\\x02"]})})
    >>> cells = load_workbook(buffer)["s"]
    >>> [(c.value, c.data_type) for c in cells["A"][1:]]
    [('=1+1', 's'), ('A�', 's')]
    """
    with pd.ExcelWriter(target, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            _safe(frame).to_excel(xl, sheet_name=name[:31], index=name in with_index)
        if created is not None:
            xl.book.properties.created = xl.book.properties.modified = created
        for sheet in xl.book.worksheets:  # text that looks like a formula stays text
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"


__all__ = ["cell_safe", "csv_text", "inert", "write_sheets"]
