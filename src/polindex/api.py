"""The Python API that mirrors the CLI: ``load_framework`` and ``score``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from polindex import __version__
from polindex.engine.compute import compute
from polindex.engine.dataset import Dataset
from polindex.engine.results import Results
from polindex.framework.loader import load_framework
from polindex.framework.models import Framework
from polindex.io.encode import encode
from polindex.io.tables import (
    ReadOptions,
    cell_text,
    long_from_frame,
    long_from_records,
    read_table,
)

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
