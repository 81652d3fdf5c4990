"""The manifest of a backup file: what wrote it, from which schema, and every table in it with
its row count and SHA-256."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from polindex.web.backup.errors import RestoreError

FORMAT: Literal["polindex-backup"] = "polindex-backup"
FORMAT_VERSION = 1
"""The version of the file layout this code writes and reads."""
MANIFEST = "manifest.json"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Table(_Frozen):
    """One model's rows: a JSON Lines member of the archive (one object per line, as Django's
    ``jsonl`` serializer writes them)."""

    model: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    member: str
    rows: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ReleaseEntry(_Frozen):
    """A release in the backup and its stored checksum (checked again after a restore)."""

    index: str
    version: str
    checksum: str


class Manifest(_Frozen):
    """Everything a restore checks before it touches a database."""

    format: Literal["polindex-backup"] = FORMAT
    format_version: int = FORMAT_VERSION
    polindex_version: str
    created_at: dt.datetime
    database: str = Field(description="The vendor of the database backed up (sqlite, postgresql).")
    migrations: dict[str, list[str]]
    tables: list[Table]
    releases: list[ReleaseEntry]

    def rows(self) -> int:
        """Rows in every table together."""
        return sum(t.rows for t in self.tables)


def parse_manifest(raw: bytes, source: str) -> Manifest:
    """The manifest in ``raw`` (the bytes of ``manifest.json``); a file that is not a Polindex
    backup, or one written in a newer format, raises :class:`RestoreError`.

    Examples
    --------
    >>> parse_manifest(b'{"format": "other"}', "x.zip")
    Traceback (most recent call last):
    ...
    polindex.web.backup.errors.RestoreError: 1 problem; nothing was restored:
      x.zip is not a Polindex backup (its manifest.json is not one)
    """
    try:
        doc: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RestoreError([f"{source} is not a Polindex backup (its manifest.json is not one)"])
    version = doc.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise RestoreError(
            [
                f"{source} was written by a newer Polindex ({doc.get('polindex_version')}, "
                f"backup format {version}; this one reads format {FORMAT_VERSION}): "
                "restore it with that version or a later one"
            ]
        )
    try:
        return Manifest.model_validate(doc)
    except ValidationError as exc:
        raise RestoreError(
            [
                f"{source}: manifest.json, {'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                for e in exc.errors()
            ]
        ) from None
