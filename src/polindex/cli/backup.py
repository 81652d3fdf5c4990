"""Verbs that keep the platform's data safe: ``backup`` and ``restore``."""

from pathlib import Path
from typing import Annotated

import typer

from polindex.cli.common import say, user_errors
from polindex.cli.releases import django_setup


def backup(
    file: Annotated[
        Path,
        typer.Argument(help="The backup file to write (.zip); a folder: a dated name in it."),
    ],
    overwrite: Annotated[bool, typer.Option(help="Replace FILE if it exists.")] = False,
) -> None:
    """Back up the whole platform database (DATABASE_URL) into one file.

    Every release with its checksum, indexes, editions, answers and their history, threads,
    accounts with their password hashes, groups and permissions: read in one snapshot while the
    site runs; the file appears only once complete. Sessions, queued tasks and settings (with
    their secrets) are left out. `polindex restore` loads it into an empty database."""
    django_setup(migrate=False)
    from polindex.web.backup.dump import backup as write_backup

    with user_errors():
        written, manifest = write_backup(file, overwrite=overwrite)
    say(
        f"Backed up {manifest.rows():,} rows of {len(manifest.tables)} tables "
        f"({len(manifest.releases)} releases) into {written} "
        f"({written.stat().st_size:,} bytes)"
    )


def restore(
    file: Annotated[Path, typer.Argument(help="A file written by polindex backup.")],
    force: Annotated[
        bool,
        typer.Option(
            help="Replace everything in a database that is not empty (in one transaction: "
            "on any problem it stays as it was)."
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(help="Only check the file (checksums, schema); touch no database."),
    ] = False,
) -> None:
    """Restore a backup into the database (DATABASE_URL), which must be empty.

    Refuses a database that holds data (unless --force), and a file that is not a Polindex
    backup, is damaged or truncated, or comes from another schema than this Polindex's. The
    load is one transaction; every release's checksum is computed again from the restored rows
    and any difference undoes the whole restore. SQLite and PostgreSQL, either way."""
    django_setup(migrate=False)
    from polindex.web.backup.load import check_backup
    from polindex.web.backup.load import restore as load_backup

    with user_errors():
        if check:
            manifest = check_backup(file)
            say(
                f"{file}: a complete Polindex {manifest.polindex_version} backup of "
                f"{manifest.created_at:%Y-%m-%d %H:%M} UTC, {manifest.rows():,} rows of "
                f"{len(manifest.tables)} tables, {len(manifest.releases)} releases; every "
                "member matches its SHA-256"
            )
            return
        restored = load_backup(file, force=force)
    manifest = restored.manifest
    say(
        f"Restored {manifest.rows():,} rows of {len(manifest.tables)} tables from {file} "
        f"(Polindex {manifest.polindex_version}, {manifest.database}, "
        f"{manifest.created_at:%Y-%m-%d %H:%M} UTC); {restored.releases_verified} releases, "
        "every checksum computed again and equal"
    )


def register(app: typer.Typer) -> None:
    """Add this module's verbs to ``app``."""
    app.command()(backup)
    app.command()(restore)
