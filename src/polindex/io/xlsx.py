"""Reading XLSX workbooks within bounds: a small file that would unpack to gigabytes, list
millions of empty rows or reach column XFD on every row is refused in milliseconds, before it
costs time or memory.

An XLSX file is a ZIP archive of XML parts. Before openpyxl opens it, the archive's declared
sizes are checked (the total it unpacks to, and how much each large part is compressed: a ZIP
bomb), and its parts are scanned once at C speed for the rows, cells and shared strings they
list (openpyxl spends about 8 µs on each row, even an empty one). Sheets are then read with
openpyxl in read-only mode, stopping at the row limit, without the padding the sheet's declared
dimension asks for (a ``<dimension ref="A1:XFD2000000"/>`` may lie), each row cut after its
last value and trailing empty rows dropped.

Every problem is a :class:`WorkbookError` (a :class:`~polindex.errors.PolindexError`); a file
that is not a workbook at all says so, whatever openpyxl raised.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from polindex.errors import PolindexError, plural

MB = 1024 * 1024


@dataclass(frozen=True)
class Bounds:
    """What a workbook may hold: ``unpacked`` bytes once unzipped (as its archive declares),
    ``ratio`` how much a part over 1 MB may be compressed, ``rows`` rows listed (empty ones
    too), ``cells`` cells and shared strings listed, ``idle`` rows and cells listed that hold
    no value (each costs openpyxl as much as a value), ``columns`` the last column with a value.

    Examples
    --------
    >>> Bounds(unpacked=MB, rows=10, columns=5, cells=50, idle=20).rows
    10
    """

    unpacked: int
    rows: int
    columns: int
    cells: int
    idle: int
    ratio: int = 100


DATA = Bounds(unpacked=256 * MB, rows=1_048_576, columns=16_384, cells=10_000_000, idle=100_000)
"""Data files: Excel's own limits on rows and columns (no workbook Excel writes is refused)."""

FORM = Bounds(unpacked=32 * MB, rows=50_000, columns=200, cells=1_000_000, idle=20_000)
"""Questionnaires (the offline workbook, XLSForms): a few thousand questions at most."""

RATIO_FROM = MB
"""Parts smaller than this are not checked for their compression (small XML compresses well)."""

SCAN_CHUNK = 4 * MB


class WorkbookError(PolindexError):
    """A file that cannot be read as a workbook within its bounds; nothing was read.

    Examples
    --------
    >>> print(WorkbookError(["not an XLSX workbook (not a ZIP archive)"], source="d.xlsx"))
    cannot read the workbook d.xlsx:
      not an XLSX workbook (not a ZIP archive)
    """

    def headline(self) -> str:
        return f"cannot read the workbook{' ' + self.source if self.source else ''}:"


def _size(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n >= MB // 10 else f"{n:,} bytes"


def _check_archive(archive: zipfile.ZipFile, bounds: Bounds) -> list[str]:
    """What the archive's declared sizes break (zipfile never unpacks a part past its declared
    size, so the declared sizes bound what reading can cost)."""
    parts = archive.infolist()
    total = sum(p.file_size for p in parts)
    if total > bounds.unpacked:
        return [f"it unpacks to {_size(total)}, over the limit of {_size(bounds.unpacked)}"]
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= RATIO_FROM and ratio > bounds.ratio:
            return [
                f"its part {part.filename} is compressed {ratio:,.0f} to 1 (at most "
                f"{bounds.ratio} to 1): refused as a ZIP bomb would be"
            ]
    return []


# Tags are counted with bytes.count, a few milliseconds per megabyte. A part that writes its
# tags with a namespace prefix (``<x:row>``) is counted by ``:row`` too, which also counts its
# closing tags: the counts are upper bounds, exact for unprefixed parts.
TAGS = {
    "rows": (b"<row", b":row ", b":row>", b":row/"),
    "cells": (b"<c ", b"<c>", b"<c/", b":c ", b":c>", b":c/"),
    "strings": (b"<si>", b"<si ", b":si>", b":si "),
    "values": (b"<v>", b"<v ", b":v>", b":v ", b"<is>", b":is>"),
}
TAG_SPAN = max(len(tag) for tags in TAGS.values() for tag in tags)


def _count(text: bytes, end: int, seen: dict[str, int]) -> None:
    """Add the tags starting before ``end`` in ``text`` to ``seen``."""
    for kind, tags in TAGS.items():
        seen[kind] += sum(text.count(tag, 0, end + len(tag) - 1) for tag in tags)


def _over(seen: dict[str, int], bounds: Bounds) -> list[str]:
    """What the tags seen so far break."""
    if seen["rows"] > bounds.rows:
        return [
            f"it lists more than {bounds.rows:,} rows (empty rows count too: delete the rows "
            "below the data)"
        ]
    if seen["cells"] + seen["strings"] > bounds.cells:
        return [f"it lists more than {bounds.cells:,} cells"]
    # every value has its cell and row: what is listed beyond twice the values holds nothing
    idle = seen["rows"] + seen["cells"] - 2 * seen["values"]
    if idle > bounds.idle:
        return [
            f"it lists more than {bounds.idle:,} rows and cells that hold no value (delete "
            "the empty rows and columns around the data)"
        ]
    return []


def _scan(archive: zipfile.ZipFile, bounds: Bounds) -> list[str]:
    """Count the rows, cells and values every part lists, unpacking each part once and
    stopping as soon as a bound is passed."""
    seen = dict.fromkeys(TAGS, 0)
    for part in archive.infolist():
        carry = b""
        with archive.open(part) as stream:
            while chunk := stream.read(SCAN_CHUNK):
                text = carry + chunk
                end = max(0, len(text) - TAG_SPAN)  # a tag cut by the chunk is counted next
                _count(text, end, seen)
                carry = text[end:]
                if problems := _over(seen, bounds):
                    return problems
        _count(carry, len(carry), seen)
    return _over(seen, bounds)


@dataclass(frozen=True)
class BoundedWorkbook:
    """A workbook opened by :func:`open_workbook`: its sheet names, and each sheet's rows."""

    book: Any
    bounds: Bounds
    source: str | None = None

    @property
    def names(self) -> list[str]:
        """The sheets' names, in order."""
        return list(self.book.sheetnames)

    def rows(self, sheet: str | int = 0) -> list[tuple[Any, ...]]:
        """The values of ``sheet`` (a name or a position), a tuple per row cut after its last
        value, trailing empty rows dropped (formulas read as their last computed value, errors
        as their text: ``#N/A``).

        Raises :class:`WorkbookError` when there is no such sheet, a row reaches past
        ``bounds.columns`` or the sheet lists more rows or cells than its bounds.
        """
        names = self.names
        if isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise self._error(f"no sheet {sheet + 1} (it has {plural(len(names), 'sheet')})")
        if isinstance(sheet, str) and sheet not in names:
            raise self._error(f"no sheet named {sheet!r} (sheets: {', '.join(names)})")
        name = names[sheet] if isinstance(sheet, int) else sheet
        try:
            return self._rows(name)
        except WorkbookError:
            raise
        except Exception as exc:  # openpyxl raises many kinds on broken XML inside a sheet
            raise self._error(f"sheet {name!r} cannot be read ({_reason(exc)})") from exc

    def _rows(self, name: str) -> list[tuple[Any, ...]]:
        limit = self.bounds
        ws = self.book[name]
        ws.reset_dimensions()  # the declared dimension may lie: never pad rows to it
        out: list[tuple[Any, ...]] = []
        materialised = last = 0
        rows = ws.iter_rows(max_row=limit.rows + 1, values_only=True)
        for number, row in enumerate(rows, start=1):
            if number > limit.rows:
                raise self._error(
                    f"sheet {name!r} lists more than {limit.rows:,} rows (empty rows count "
                    "too: delete the rows below the data)"
                )
            if not row:  # an empty row, or one the file skips
                out.append(())
                continue
            materialised += len(row)  # openpyxl pads a row up to its last cell
            if materialised > limit.cells:
                raise self._error(f"sheet {name!r} holds more than {limit.cells:,} cells")
            width = len(row)
            while width and row[width - 1] is None:
                width -= 1
            if width > limit.columns:
                raise self._error(
                    f"sheet {name!r} row {number} has a value in column {width:,}; at most "
                    f"{limit.columns:,} columns"
                )
            out.append(tuple(row[:width]))
            if width:
                last = number
        return out[:last]

    def _error(self, problem: str) -> WorkbookError:
        return WorkbookError([problem], source=self.source)


def _reason(exc: BaseException) -> str:
    """What went wrong, in a few words: the innermost cause (openpyxl wraps what its XML
    parser raised in a ValueError that names no part)."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    if type(exc).__module__.startswith("defusedxml"):
        return "its XML declares entities, which can expand to gigabytes"
    text = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def open_workbook(data: bytes, bounds: Bounds, source: str | None = None) -> BoundedWorkbook:
    """Open the XLSX ``data`` read-only once its archive is within ``bounds``.

    ``source`` names the file in messages. Raises :class:`WorkbookError` for a file that is
    not a workbook or breaks ``bounds``.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> book = Workbook()
    >>> book.active.append(["unit", "q1"])
    >>> book.active.append(["AT", 1.5])
    >>> out = io.BytesIO()
    >>> book.save(out)
    >>> open_workbook(out.getvalue(), FORM).rows(0)
    [('unit', 'q1'), ('AT', 1.5)]
    >>> open_workbook(b"not a zip", FORM, "q.xlsx")
    Traceback (most recent call last):
    ...
    polindex.io.xlsx.WorkbookError: cannot read the workbook q.xlsx:
      not an XLSX workbook (not a ZIP archive)
    """

    def refuse(problems: list[str]) -> WorkbookError:
        return WorkbookError(problems, source=source)

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except NotImplementedError as exc:  # a ZIP version or feature zipfile cannot read
        raise refuse([f"not an XLSX workbook Polindex can read ({_reason(exc)})"]) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise refuse(["not an XLSX workbook (not a ZIP archive)"]) from exc
    try:
        problems = _check_archive(archive, bounds) or _scan(archive, bounds)
    except Exception as exc:  # a damaged part: bad CRC, unknown compression, truncated data
        raise refuse([f"not an XLSX workbook (a damaged ZIP archive: {_reason(exc)})"]) from exc
    finally:
        archive.close()
    if problems:
        raise refuse(problems)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a file that is not XLSX
        raise refuse([f"not an XLSX workbook ({_reason(exc)})"]) from exc
    return BoundedWorkbook(book, bounds, source)


__all__ = ["DATA", "FORM", "BoundedWorkbook", "Bounds", "WorkbookError", "open_workbook"]
