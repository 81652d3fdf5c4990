"""``polindex restore``: a backup file back into a database, all or nothing.

The file is checked whole first (manifest, every member's SHA-256 and row count, the schema it
was written from); then, in one transaction, the rows are loaded with their ids (content types
and permissions by natural key), PostgreSQL's sequences are moved past them, foreign keys are
checked, and every release's checksum is computed again from its restored rows. Any problem
rolls the transaction back.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import serializers
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import DatabaseError, connections, transaction

from polindex.web.backup.archive import open_backup, read_member
from polindex.web.backup.contents import (
    BY_NATURAL_KEY,
    backed_up_models,
    label,
    occupied,
    replaced_tables,
)
from polindex.web.backup.errors import RestoreError
from polindex.web.backup.manifest import Manifest, Table
from polindex.web.backup.schema import (
    difference,
    expected_state,
    listed,
    recorded_state,
    with_squashes,
)
from polindex.web.releases.models import Release
from polindex.web.releases.verify import checksum_problems

BATCH = 1000
"""Rows inserted at a time where rows can be inserted together."""


@dataclass(frozen=True)
class Restored:
    """What a restore loaded: the backup's manifest and the releases whose checksums were
    computed again (all equal, or nothing would have been restored)."""

    manifest: Manifest
    releases_verified: int


def check_backup(path: Path) -> Manifest:
    """The manifest of the backup at ``path`` once the whole file has been checked: a Polindex
    backup, undamaged, written from this code's schema. Touches no database."""
    with open_backup(path) as (_, manifest):
        check_schema(manifest, path.name)
    return manifest


def check_schema(manifest: Manifest, source: str) -> None:
    """Refuse a backup written from another schema than this code's migrations make."""
    newer, older = difference(with_squashes(manifest.migrations), expected_state())
    if newer:
        raise RestoreError(
            [
                f"{source} comes from a newer Polindex ({manifest.polindex_version}) with "
                f"migrations this one does not have: {listed(newer)}; upgrade Polindex to "
                "that version or later, then restore"
            ]
        )
    if older:
        raise RestoreError(
            [
                f"{source} comes from an older Polindex ({manifest.polindex_version}) without "
                f"the migrations {listed(older)}: restore it with Polindex "
                f"{manifest.polindex_version}, then upgrade (the database is migrated on first "
                "use)"
            ]
        )
    listed_models = {t.model for t in manifest.tables}
    lacking = sorted({label(m) for m in backed_up_models()} - listed_models)
    if lacking:
        raise RestoreError([f"{source} lacks tables of this schema: {listed(lacking)}"])


def restore(path: Path, *, force: bool = False, using: str = "default") -> Restored:
    """Load the backup at ``path`` into database ``using``, which must hold no data unless
    ``force`` (then everything in it is replaced, in the same transaction). Raises
    :class:`RestoreError`, leaving the data as they were, if the file or the result is wrong."""
    connection = connections[using]
    with open_backup(path) as (archive, manifest):
        check_schema(manifest, path.name)
        if not force:
            refuse_if_occupied(using)
        written = with_squashes(manifest.migrations)
        if recorded_state(connection) != written:
            call_command("migrate", database=using, interactive=False, verbosity=0)
            extra, _ = difference(recorded_state(connection), written)
            if extra:  # the database had migrations of its own, unknown to this code
                raise RestoreError(
                    [f"the database has migrations this Polindex lacks: {listed(extra)}"]
                )
        with transaction.atomic(using=using):
            if force:
                # checks still deferred in this transaction (PostgreSQL cannot TRUNCATE a
                # table they concern) run now
                connection.check_constraints()
                with connection.cursor() as cursor:
                    for sql in connection.ops.sql_flush(
                        no_style(), replaced_tables(), reset_sequences=True
                    ):
                        cursor.execute(sql)
            else:
                refuse_if_occupied(using)  # (again, now that nobody else can write)
            models = [load_table(archive, table, using) for table in manifest.tables]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            try:
                connection.check_constraints()
            except DatabaseError as exc:
                raise RestoreError([f"the restored rows do not hold together: {exc}"]) from None
            problems = count_problems(manifest, using) + release_problems(manifest, using)
            if problems:
                raise RestoreError(problems)
    # the shared cache (pages, sessions, sign-in counters) described the database replaced
    caches["default"].clear()
    return Restored(manifest, len(manifest.releases))


def refuse_if_occupied(using: str) -> None:
    """Refuse to restore over data (``--force`` replaces them)."""
    found = occupied(using)
    if found:
        held = ", ".join(f"{n:,} {what}" for what, n in list(found.items())[:6])
        raise RestoreError(
            [
                f"the database is not empty (it holds {held}{', …' if len(found) > 6 else ''}): "
                "restore into an empty database, or give --force to replace everything in it"
            ]
        )


def load_table(archive: zipfile.ZipFile, table: Table, using: str) -> Any:
    """Insert the rows of one member; return its model."""
    from django.apps import apps

    try:
        model = apps.get_model(table.model)
    except LookupError:
        raise RestoreError([f"{table.member}: no model {table.model} in this Polindex"]) from None
    together = bulk_insertable(model)
    line = 0
    try:
        with read_member(archive, table.member) as text:
            batch: list[Any] = []
            deferred: list[DeserializedObject] = []
            objects = serializers.deserialize(
                "jsonl", text, using=using, handle_forward_references=True
            )
            for obj in objects:
                line += 1
                if together and not obj.deferred_fields:
                    batch.append(obj.object)
                    if len(batch) == BATCH:
                        model._base_manager.using(using).bulk_create(batch)
                        batch = []
                    continue
                # one by one, raw: no save() override, no auto_now, the m2m relations too
                obj.save(using=using, force_insert=table.model not in BY_NATURAL_KEY)
                if obj.deferred_fields:
                    deferred.append(obj)
            if batch:
                model._base_manager.using(using).bulk_create(batch)
            for obj in deferred:
                obj.save_deferred_fields(using=using)
    except (DeserializationError, ValidationError, ObjectDoesNotExist) as exc:
        why = str(exc) or str(exc.__cause__) or type(exc).__name__
        raise RestoreError([f"{table.member}, row {line + 1}: {why}"]) from None
    except DatabaseError as exc:
        where = f"rows up to {line}" if together else f"row {line}"
        raise RestoreError([f"{table.member}, {where}: the database refused it: {exc}"]) from None
    return model


def bulk_insertable(model: Any) -> bool:
    """Whether rows of ``model`` can go in by ``bulk_create`` unchanged: no natural key, no
    many-to-many relation, no field that sets itself on insert (``auto_now``)."""
    return not (
        label(model) in BY_NATURAL_KEY
        or model._meta.many_to_many
        or any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
               for f in model._meta.concrete_fields)
    )  # fmt: skip


def count_problems(manifest: Manifest, using: str) -> list[str]:
    """Tables whose row count differs from the manifest's (content types and permissions may
    hold more: ``migrate`` made those of this code)."""
    from django.apps import apps

    problems = []
    for table in manifest.tables:
        count = apps.get_model(table.model)._base_manager.using(using).count()
        if count != table.rows and not (table.model in BY_NATURAL_KEY and count > table.rows):
            problems.append(f"{table.model}: {count:,} rows after the restore, not {table.rows:,}")
    return problems


def release_problems(manifest: Manifest, using: str) -> list[str]:
    """Releases whose checksum, computed again from the restored rows, is not the stored one
    (nor the one in the manifest)."""
    releases = list(Release.objects.using(using).select_related("index").order_by("id"))
    listed_checksums = {(r.index, r.version): r.checksum for r in manifest.releases}
    problems = checksum_problems(releases)
    for release in releases:
        key = (release.index.code, release.version)
        if listed_checksums.get(key) != release.checksum:
            problems.append(
                f"release {key[0]} {key[1]}: checksum {release.checksum[:12]}… is not the "
                "manifest's"
            )
    if len(releases) != len(listed_checksums):
        problems.append(
            f"{len(releases)} releases restored; the manifest lists {len(listed_checksums)}"
        )
    return problems
