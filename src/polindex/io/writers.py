"""Write results to CSV, XLSX or JSON, chosen by the file's suffix."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from polindex.engine.results import Results
from polindex.errors import OutputError
from polindex.io.sheets import csv_text, write_sheets
from polindex.version import __version__


def _metadata(results: Results) -> dict[str, Any]:
    fw = results.framework
    return {
        "index": fw.code,
        "name": fw.name,
        "version": fw.version,
        "licence": fw.licence,
        "citation": fw.citation,
        "scale": {"min": fw.scale.min, "max": fw.scale.max},
        "polarity": fw.polarity,
        "units": list(results.units),
        "periods": list(results.periods),
        "generated_by": f"polindex {__version__}",
        "spec": dict(results.spec),
    }


def write_csv(results: Results, path: Path) -> None:
    """The tidy table as CSV (UTF-8, full float precision)."""
    path.write_text(csv_text(results.table(), float_format="%.17g"), encoding="utf-8")


def write_xlsx(results: Results, path: Path) -> None:
    """An XLSX workbook: the tidy table, the index score wide by period, and metadata."""
    fw = results.framework
    meta = _metadata(results)
    rows = [
        (k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
        for k, v in meta.items()
    ]
    wide = f"{fw.root.code[:20]} by period"
    sheets = {
        "scores": results.table(),
        wide: results.wide(node=fw.root.code),
        "about": pd.DataFrame(rows, columns=["key", "value"]),
    }
    write_sheets(path, sheets, with_index=frozenset({wide}))


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA:
        return None
    return value


def write_json(results: Results, path: Path) -> None:
    """JSON: ``{"metadata": {...}, "scores": [{unit, period, node, ...}, ...]}``."""
    table = results.table()
    records = [{k: _clean(v) for k, v in rec.items()} for rec in table.to_dict(orient="records")]
    doc = {"metadata": _metadata(results), "scores": records}
    path.write_text(json.dumps(doc, ensure_ascii=False, default=int, indent=1), encoding="utf-8")


WRITERS: dict[str, Callable[[Results, Path], None]] = {
    ".csv": write_csv,
    ".xlsx": write_xlsx,
    ".json": write_json,
}


def write_results(results: Results, path: str | Path) -> Path:
    """Write ``results`` to ``path``; the suffix (.csv, .xlsx, .json) picks the format.

    The file is written next to its destination and moved into place, so an existing file is
    never left half-written.
    """
    p = Path(path)
    writer = WRITERS.get(p.suffix.lower())
    if writer is None:
        formats = ", ".join(WRITERS)
        raise OutputError([f"cannot write {p.name!r}: unknown format {p.suffix!r}; use {formats}"])
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp{p.suffix}")
    try:
        writer(results, tmp)
        tmp.replace(p)
    finally:
        tmp.unlink(missing_ok=True)
    return p


def log_tables(results: Results) -> dict[str, pd.DataFrame]:
    """The build log as tables: screening, treatment and imputation (those that ran), and the
    weights used (given and effective)."""
    log = results.log
    out: dict[str, pd.DataFrame] = {}
    if log.screen is not None:
        s = log.screen
        out["screening"] = pd.DataFrame(
            {
                "unit": list(s.units),
                "availability": list(s.availability),
                "nonzero": list(s.nonzero),
                "kept": list(s.kept),
                "reason": list(s.reason),
            }
        )
    if log.treat is not None:
        cols = [
            "indicator",
            "period",
            "status",
            "n_winsorised",
            "skew_before",
            "kurtosis_before",
            "skew_after",
            "kurtosis_after",
            "units",
        ]
        out["treatment"] = pd.DataFrame([e.as_row() for e in log.treat], columns=cols)
    if log.impute is not None:
        out["imputation"] = pd.DataFrame(
            list(log.impute.cells), columns=["unit", "period", "indicator"]
        )
    used = results.weights_used
    out["weights"] = pd.DataFrame(
        {
            "code": list(used.effective),
            "weight": [used.given.get(c) for c in used.effective],
            "effective_weight": list(used.effective.values()),
        }
    )
    return out


def write_stages(results: Results, path: str | Path) -> Path:
    """Write every data set of a build and its log.

    An ``.xlsx`` path gets one sheet per stage (``raw``, ``denominated``, …, ``aggregated``),
    the tidy ``scores`` table and one sheet per log table; any other path is a folder that gets
    one CSV per stage and per log table (see :func:`write_tables`).
    """
    sheets: dict[str, pd.DataFrame] = {
        name: stage.frame() for name, stage in results.stages.items() if name != "scored"
    }
    sheets["scores"] = results.table()
    sheets.update(log_tables(results))
    return write_tables(sheets, path)


def write_tables(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write named tables: an ``.xlsx`` path gets one sheet per table, a path without a suffix
    is a folder that gets one CSV per table. Each file is written beside its destination and
    moved into place, so a failure never leaves half a file.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "out"
    >>> _ = write_tables({"a": pd.DataFrame({"x": [1.5]})}, folder)
    >>> (folder / "a.csv").read_text()
    'x\\n1.5\\n'
    """
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(f".{p.name}.tmp.xlsx")
        try:
            write_sheets(tmp, tables)
            tmp.replace(p)
        finally:
            tmp.unlink(missing_ok=True)
        return p
    if p.suffix:
        raise OutputError(
            [f"cannot write {p.name!r}: give an .xlsx file or a folder for CSV files"]
        )
    p.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        target = p / f"{name}.csv"
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            tmp.write_text(csv_text(frame, float_format="%.17g"), encoding="utf-8")
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    return p
