"""Fuzzing the data readers: whatever the bytes of a CSV or XLSX file, reading it and checking
it against a framework gives a table or a :class:`~polindex.errors.PolindexError` — never
another exception (issue 13)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from polindex.errors import PolindexError
from polindex.framework.models import Framework
from polindex.io import ReadOptions, encode, read_table
from polindex.io.sheets import cell_safe
from polindex.io.tables import Upload

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
COLUMNS = ["unit", "period", "indicator", "value", "q1", "q2", "q3", "q4", "A", "TINY", ""]
CELLS = ["AT", "2024", "a", "b", "1", "2", "yes", "no", "n/a", "NA", "", "-1", "1e400", "nan",
         "inf", "=1+1", "AT/BE", "Evil\x01Land", "x" * 70, "q1", "q3", "24", "48.5"]  # fmt: skip
cells = st.one_of(st.sampled_from(CELLS), st.text(max_size=8))
options = st.builds(
    ReadOptions,
    extra_columns=st.sampled_from(["error", "ignore"]),
    period=st.sampled_from([None, "2024", ""]),
    column_prefix=st.sampled_from(["", "q"]),
)


def reads_or_refuses(upload: Upload, fw: Framework, opts: ReadOptions | None = None) -> None:
    with contextlib.suppress(PolindexError):
        encode(fw, read_table(upload, fw, opts), upload.name)


@FUZZ
@given(st.binary(max_size=600), st.sampled_from([".csv", ".tsv", ".xlsx"]))
def test_any_bytes(tiny_fw: Framework, content: bytes, suffix: str) -> None:
    reads_or_refuses(Upload("d" + suffix, content), tiny_fw)


@st.composite
def tables(draw: st.DrawFn) -> list[list[Any]]:
    names = st.one_of(st.sampled_from(COLUMNS), st.text(max_size=4))
    header = draw(st.lists(names, min_size=1, max_size=6))
    width = st.integers(min_value=0, max_value=len(header) + 1)
    row = width.flatmap(lambda n: st.lists(cells, min_size=n, max_size=n))
    return [header, *draw(st.lists(row, max_size=6))]


def csv_bytes(rows: list[list[Any]], encoding: str) -> bytes:
    text = "\n".join(",".join(str(c).replace(",", ";") for c in row) for row in rows)
    return text.encode(encoding, errors="replace")


@FUZZ
@given(tables(), st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]), options)
def test_csv_shaped_files(
    tiny_fw: Framework, rows: list[list[Any]], encoding: str, opts: ReadOptions
) -> None:
    reads_or_refuses(Upload("d.csv", csv_bytes(rows, encoding)), tiny_fw, opts)


xlsx_values = st.one_of(
    cells,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@FUZZ
@given(tables(), st.lists(xlsx_values, max_size=4), options)
def test_xlsx_shaped_files(
    tiny_fw: Framework, rows: list[list[Any]], extra: list[Any], opts: ReadOptions
) -> None:
    if len(rows) > 1:
        rows[1] = rows[1] + extra  # typed cells: numbers, dates, booleans
    clean = [[cell_safe(c) for c in r] for r in rows]  # what a workbook can hold
    reads_or_refuses(Upload("d.xlsx", xlsx_bytes(clean)), tiny_fw, opts)


GOOD = xlsx_bytes([["unit", "period", "q1", "q3"], ["AT", 2024, "a", 12], ["BE", 2024, "b", 30]])


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=8)
)
def test_a_workbook_with_damaged_bytes(tiny_fw: Framework, changes: list[tuple[int, int]]) -> None:
    damaged = bytearray(GOOD)
    for at, byte in changes:
        damaged[at] = byte
    reads_or_refuses(Upload("d.xlsx", bytes(damaged)), tiny_fw)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


PARTS = _parts(GOOD)


@FUZZ
@given(st.sampled_from(sorted(PARTS)), st.integers(min_value=0), st.binary(max_size=20))
def test_a_workbook_with_a_damaged_part(
    tiny_fw: Framework, name: str, at: int, inserted: bytes
) -> None:
    # the archive is sound, the XML inside one part is not
    parts = dict(PARTS)
    text = parts[name]
    at %= len(text) + 1
    parts[name] = text[:at] + inserted + text[at + len(inserted) :]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    reads_or_refuses(Upload("d.xlsx", out.getvalue()), tiny_fw)
