"""The backup file: a ZIP archive of JSON Lines members and a ``manifest.json``, written
atomically (into a temporary file beside the target, renamed into place once complete) and
read back only after every member matched its SHA-256 and row count."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO

from polindex.web.backup.errors import RestoreError
from polindex.web.backup.manifest import MANIFEST, Manifest, parse_manifest

CHUNK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
MAX_MANIFEST = 16_000_000
"""Bytes a manifest may hold (one of 10 releases and 14 tables holds 6 kB)."""


class _Hashing(io.RawIOBase):
    """A writable stream passing bytes on to ``raw`` and hashing them on the way."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sha.update(data)
        self.raw.write(data)
        return len(data)


def write_member(
    archive: zipfile.ZipFile, name: str, when: dt.datetime, fill: Callable[[TextIO], None]
) -> str:
    """Stream the text ``fill`` writes (UTF-8) into member ``name`` dated ``when``; return its
    SHA-256."""
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = archive.compression
    with archive.open(info, "w", force_zip64=True) as raw:
        hashing = _Hashing(raw)
        with io.TextIOWrapper(
            io.BufferedWriter(hashing, CHUNK), encoding="utf-8", newline="\n"
        ) as text:
            fill(text)
    return hashing.sha.hexdigest()


@contextmanager
def atomic_file(target: Path) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``target`` only once complete: written to a temporary file
    in the same folder, flushed to disk and renamed; removed instead on any error."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed (and renamed) below
        dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)


@contextmanager
def open_backup(path: Path) -> Iterator[tuple[zipfile.ZipFile, Manifest]]:
    """The archive at ``path`` and its manifest, once every member has been read and matched
    its SHA-256 and row count; anything else raises :class:`RestoreError`."""
    source = path.name
    if not path.is_file():
        raise RestoreError([f"{path}: no such file"])
    with path.open("rb") as f:
        head = f.read(len(ZIP_MAGIC))
    try:
        archive = zipfile.ZipFile(path)
    except NotImplementedError as exc:  # "zip file version 6.4": not written by Polindex
        raise RestoreError([f"{source} is not a Polindex backup ({exc})"]) from None
    except zipfile.BadZipFile:
        if head == ZIP_MAGIC:
            why = "is truncated or damaged: its ZIP directory is missing or unreadable"
        elif not head:
            why = "is empty"
        else:
            why = "is not a Polindex backup (not a ZIP archive)"
        raise RestoreError([f"{source} {why}"]) from None
    with archive:
        try:
            if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST:
                raise RestoreError([f"{source} is not a Polindex backup (its {MANIFEST} is huge)"])
            raw = archive.read(MANIFEST)
        except KeyError:
            raise RestoreError([f"{source} is not a Polindex backup (no {MANIFEST})"]) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise RestoreError([f"{source} is damaged: {MANIFEST}: {exc}"]) from None
        manifest = parse_manifest(raw, source)
        problems = [f"{source} is damaged: {p}" for p in damaged_members(archive, manifest)]
        if problems:
            raise RestoreError(problems)
        yield archive, manifest


def damaged_members(archive: zipfile.ZipFile, manifest: Manifest) -> list[str]:
    """Every member that is missing, unreadable, or not the SHA-256 and row count listed."""
    problems = []
    listed = {MANIFEST} | {t.member for t in manifest.tables}
    for extra in sorted(set(archive.namelist()) - listed):
        problems.append(f"{extra}: not listed in the manifest")
    for table in manifest.tables:
        sha, lines = hashlib.sha256(), 0
        try:
            with archive.open(table.member) as f:
                while chunk := f.read(CHUNK):
                    sha.update(chunk)
                    lines += chunk.count(b"\n")
        except KeyError:
            problems.append(f"{table.member}: missing")
            continue
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            problems.append(f"{table.member}: unreadable ({exc})")
            continue
        found = sha.hexdigest()
        if found != table.sha256:
            problems.append(f"{table.member}: SHA-256 {found[:12]}…, not {table.sha256[:12]}…")
        elif lines != table.rows:
            problems.append(f"{table.member}: {lines:,} rows, not {table.rows:,}")
    return problems


@contextmanager
def read_member(archive: zipfile.ZipFile, name: str) -> Iterator[TextIO]:
    """Member ``name`` as a stream of text lines (read as it goes, never whole)."""
    with archive.open(name) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text:
        yield text
