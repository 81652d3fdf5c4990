"""``polindex backup``: every table of the platform, read in one snapshot, into one file."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction

from polindex.version import __version__
from polindex.web.backup.archive import atomic_file, write_member
from polindex.web.backup.contents import (
    BY_NATURAL_KEY,
    backed_up_models,
    label,
    refers_by_natural_key,
    rows_of,
)
from polindex.web.backup.errors import BackupError
from polindex.web.backup.manifest import MANIFEST, Manifest, ReleaseEntry, Table
from polindex.web.backup.schema import (
    State,
    difference,
    expected_state,
    listed,
    recorded_state,
)
from polindex.web.releases.models import Release

BATCH = 2000
"""Rows read from the database at a time."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's drops them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class JSONLines(jsonl.Serializer):
    """Django's JSON Lines serialiser, each line encoded at once (``json.dumps`` runs in C;
    the ``json.dump`` Django calls encodes in Python, piece by piece: five times slower)."""

    def end_object(self, obj: Any) -> None:
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


def destination(path: Path, now: dt.datetime) -> Path:
    """``path``, or a dated name inside it when it is a folder.

    Examples
    --------
    >>> import datetime as dt, tempfile
    >>> destination(Path(tempfile.gettempdir()), dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)).name
    'polindex-backup-20260301T023000Z.zip'
    """
    if path.is_dir():
        return path / f"polindex-backup-{now:%Y%m%dT%H%M%SZ}.zip"
    return path


def backup(path: Path, *, overwrite: bool = False, using: str = "default") -> tuple[Path, Manifest]:
    """Write every table of database ``using`` (read in one snapshot) to a new backup file at
    ``path`` (a folder: a dated name in it); return where and its manifest.

    Nothing from the environment goes in (no setting, no secret): only the database's rows.
    A backup that cannot be written raises :class:`BackupError` and leaves no file behind.
    """
    now = dt.datetime.now(dt.UTC)
    target = destination(path, now)
    if not target.parent.is_dir():
        raise BackupError([f"{target.parent}: no such folder"])
    if target.exists() and not overwrite:
        raise BackupError([f"{target} exists already: give --overwrite to replace it"])
    connection = connections[using]
    state = recorded_state(connection)
    newer, behind = difference(state, expected_state())
    if not state:
        raise BackupError(["the database holds no Polindex data (no migrations applied)"])
    if newer or behind:
        raise BackupError(
            [
                "the database's schema is not this Polindex's "
                + (f"(applied here, unknown to this code: {listed(newer)}) " if newer else "")
                + (f"(not applied: {listed(behind)}) " if behind else "")
                + "— back it up with the Polindex version that runs it"
            ]
        )
    try:
        with snapshot(using), atomic_file(target) as handle:
            manifest = write_archive(handle, using, created_at=now, migrations=state)
    except OSError as exc:
        raise BackupError([f"cannot write {target}: {exc.strerror or exc}"]) from exc
    return target, manifest


def write_archive(
    handle: IO[bytes], using: str, *, created_at: dt.datetime, migrations: State
) -> Manifest:
    """Write the archive (every table, then the manifest) into ``handle``."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        tables = [write_table(archive, m, using, created_at) for m in backed_up_models()]
        releases = Release.objects.using(using).select_related("index").order_by("id")
        manifest = Manifest(
            polindex_version=__version__,
            created_at=created_at,
            database=connections[using].vendor,
            migrations=migrations,
            tables=tables,
            releases=[
                ReleaseEntry(index=r.index.code, version=r.version, checksum=r.checksum)
                for r in releases
            ],
        )
        info = zipfile.ZipInfo(MANIFEST, date_time=created_at.timetuple()[:6])
        archive.writestr(info, manifest.model_dump_json(indent=2), zipfile.ZIP_DEFLATED)
    return manifest


def write_table(archive: zipfile.ZipFile, model: Any, using: str, when: dt.datetime) -> Table:
    """Write the rows of ``model`` as member ``data/<app>.<model>.jsonl``."""
    name = label(model)
    member = f"data/{name}.jsonl"
    count = 0

    def counted() -> Iterator[Any]:
        nonlocal count
        for obj in rows_of(model, using).iterator(chunk_size=BATCH):
            count += 1
            yield obj

    def fill(text: TextIO) -> None:
        JSONLines().serialize(
            counted(),
            stream=text,
            cls=ExactJSONEncoder,
            use_natural_foreign_keys=refers_by_natural_key(model),
            use_natural_primary_keys=name in BY_NATURAL_KEY,
        )

    sha = write_member(archive, member, when, fill)
    return Table(model=name, member=member, rows=count, sha256=sha)


@contextmanager
def snapshot(using: str) -> Iterator[None]:
    """Every read inside sees the database as it was at the first one (writers go on).

    PostgreSQL: a read-only REPEATABLE READ transaction. SQLite: a deferred transaction, which
    in WAL mode reads one snapshot without holding writers back. Inside a transaction already
    (a test's), reads happen in that one.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("ROLLBACK")
