"""``polindex restore`` refuses, with a message saying what and where, and changes nothing: a
database that holds data (without --force), a file that is not a Polindex backup, is damaged or
truncated, comes from another schema, or whose releases no longer give their checksums. With
--force everything is replaced in one transaction, so a refusal then leaves every row too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.backup.dump import backup
from polindex.web.releases.models import Index, Release

from ..corpus.make import zip_version
from .backups import polindex_cli, rewrite, tables

runner = CliRunner()


@pytest.fixture
def saved(tmp_path: Path, published: Release, embargoed: Release, insider: Any) -> Path:
    """A backup of a small site: two releases (one under embargo), an account in a group."""
    group = Group.objects.create(name="insiders")
    group.permissions.add(Permission.objects.get(codename="view_embargoed"))
    insider.groups.add(group)
    done = runner.invoke(app, ["backup", str(tmp_path / "saved.zip")])
    assert done.exit_code == 0, done.output
    return tmp_path / "saved.zip"


def everything(tmp_path: Path) -> dict[str, Any]:
    """Every row of the database now (read through a backup of it)."""
    n = len(list(tmp_path.glob("state-*.zip")))
    path, _ = backup(tmp_path / f"state-{n}.zip")
    return tables(path)


def refused(args: list[str], tmp_path: Path, *messages: str) -> None:
    """``polindex restore ARGS`` ends with status 1 and ``messages``, and no row changed."""
    before = everything(tmp_path)
    result = runner.invoke(app, ["restore", *args])
    assert result.exit_code == 1, result.output
    assert "nothing was restored:" in result.stderr
    for message in messages:
        assert message in " ".join(result.stderr.split()), result.stderr
    assert everything(tmp_path) == before


def test_a_database_that_holds_data_is_refused(saved: Path, tmp_path: Path) -> None:
    refused(
        [str(saved)],
        tmp_path,
        "the database is not empty (it holds 1 group, 1 user, 1 index, 2 releases, "
        "18 release scores): ",
        "restore into an empty database, or give --force to replace everything in it",
    )


def test_force_replaces_everything(saved: Path, tmp_path: Path, published: Release) -> None:
    original = tables(saved)
    Index.objects.create(code="LATER", name="Made after the backup")
    Release.objects.filter(pk=published.pk).update(citation="changed after the backup")
    Client().force_login(Group.objects.get().user_set.get())
    assert Session.objects.count() == 1
    cache.set("polindex:page:stale", "a page of the replaced database", 300)
    result = runner.invoke(app, ["restore", str(saved), "--force"])
    assert result.exit_code == 0, result.output
    assert "2 releases, every checksum computed again and equal" in " ".join(result.stdout.split())
    now = everything(tmp_path)
    assert now == original  # the new index gone, the citation back, every row as saved
    assert Session.objects.count() == 0  # nobody stays signed in to a replaced database
    assert cache.get("polindex:page:stale") is None  # nor is a page of it served
    later = Index.objects.create(code="NEXT", name="After the restore")  # ids follow on
    assert later.pk > max(i["pk"] for i in original["releases.index"])


def flip_a_byte_of(member: str) -> Any:
    def corrupt(path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(member)
        data = bytearray(path.read_bytes())
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        data[start + info.compress_size // 2] ^= 0xFF
        path.write_bytes(bytes(data))

    return corrupt


def keep_half(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def alter_a_member(path: Path) -> None:
    """The scores' member changed, its SHA-256 in the manifest not."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["data/releases.releasescore.jsonl"] = members[
        "data/releases.releasescore.jsonl"
    ].replace(b'"score": 100.0', b'"score": 99.0', 1)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def ask_for_zip_version_6_4(path: Path) -> None:
    path.write_bytes(zip_version(path.read_bytes()))


def drop_the_manifest(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "manifest.json"}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (keep_half, "is truncated or damaged: its ZIP directory is missing or unreadable"),
        (flip_a_byte_of("data/releases.releasescore.jsonl"),
         "is damaged: data/releases.releasescore.jsonl: "),
        (alter_a_member, "is damaged: data/releases.releasescore.jsonl: SHA-256 "),
        (lambda p: p.write_text("unit,score\nAT,1\n"), "is not a Polindex backup (not a ZIP"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (drop_the_manifest, "is not a Polindex backup (no manifest.json)"),
        (ask_for_zip_version_6_4, "is not a Polindex backup (zip file version 6.4)"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("manifest.json", '{"format": "mine"}'),
         "is not a Polindex backup (its manifest.json is not one)"),
    ],
    ids=[
        "truncated", "flipped-byte", "altered", "csv", "empty", "no-manifest", "zip-6.4", "foreign"
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_whole_polindex_backup_is_refused(
    saved: Path, tmp_path: Path, damage: Any, message: str
) -> None:
    damage(saved)
    refused([str(saved), "--force"], tmp_path, f"{saved.name} {message}")
    check = runner.invoke(app, ["restore", str(saved), "--check"])
    assert check.exit_code == 1
    assert message in " ".join(check.stderr.split())


def test_check_reads_the_file_and_touches_no_database(saved: Path, tmp_path: Path) -> None:
    before = everything(tmp_path)
    result = runner.invoke(app, ["restore", str(saved), "--check"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "a complete Polindex 0.1.0 backup of " in out
    assert "2 releases; every member matches its SHA-256" in out
    assert everything(tmp_path) == before


def add_migration(manifest: dict[str, Any], _: dict[str, bytes]) -> None:
    manifest["migrations"]["releases"].append("0099_future")


def drop_migration(manifest: dict[str, Any], _: dict[str, bytes]) -> None:
    manifest["migrations"]["releases"].remove("0005_used")


def newer_format(manifest: dict[str, Any], _: dict[str, bytes]) -> None:
    manifest["format_version"] = 2


def drop_a_table(manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    manifest["tables"] = [t for t in manifest["tables"] if t["model"] != "collection.answer"]
    del members["data/collection.answer.jsonl"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (add_migration, "comes from a newer Polindex (0.1.0) with migrations this one does not "
         "have: releases.0099_future; upgrade Polindex"),
        (drop_migration, "comes from an older Polindex (0.1.0) without the migrations "
         "releases.0005_used: restore it with Polindex 0.1.0, then upgrade"),
        (newer_format, "was written by a newer Polindex (0.1.0, backup format 2; this one "
         "reads format 1)"),
        (drop_a_table, "lacks tables of this schema: collection.answer"),
    ],
    ids=["newer-migrations", "older-migrations", "newer-format", "missing-table"],
)  # fmt: skip
def test_a_backup_of_another_schema_is_refused(
    saved: Path, tmp_path: Path, edit: Any, message: str
) -> None:
    other = rewrite(saved, tmp_path / "other.zip", edit)
    refused([str(other), "--force"], tmp_path, f"other.zip {message}")


def change_a_score(manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    lines = members["data/releases.releasescore.jsonl"].splitlines(keepends=True)
    row = json.loads(lines[0])
    row["fields"]["score"] = (row["fields"]["score"] or 0) + 1
    lines[0] = json.dumps(row).encode() + b"\n"
    members["data/releases.releasescore.jsonl"] = b"".join(lines)


def change_a_checksum(manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    lines = members["data/releases.release.jsonl"].splitlines(keepends=True)
    row = json.loads(lines[0])
    row["fields"]["checksum"] = "0" * 64
    lines[0] = json.dumps(row).encode() + b"\n"
    members["data/releases.release.jsonl"] = b"".join(lines)


def orphan_a_score(manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    lines = members["data/releases.releasescore.jsonl"].splitlines(keepends=True)
    row = json.loads(lines[-1])
    row["fields"]["release"] = 987654
    lines[-1] = json.dumps(row).encode() + b"\n"
    members["data/releases.releasescore.jsonl"] = b"".join(lines)


def break_a_line(manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    members["data/releases.index.jsonl"] += b'{"model": "releases.index", "pk": 77, "fie\n'


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (change_a_score, "release TOY 2024.1: its data give checksum "),
        (change_a_checksum, "release TOY 2024.1: its data give checksum "),
        (orphan_a_score, "the restored rows do not hold together: "),
        (break_a_line, "data/releases.index.jsonl, row 2: Invalid control character at: line 1"),
    ],
    ids=["score", "checksum", "orphan", "broken-line"],
)
def test_rows_that_do_not_add_up_undo_the_whole_restore(
    saved: Path, tmp_path: Path, edit: Any, message: str
) -> None:
    """Well-formed files (every SHA-256 matches) whose rows are wrong: found after loading,
    and the transaction (the replacement of every row included) is rolled back."""
    changed = rewrite(saved, tmp_path / "changed.zip", edit)
    refused([str(changed), "--force"], tmp_path, message)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "the database holds no Polindex data (no migrations applied)"),
        # (the apps that depend on releases' later migrations are unapplied with them)
        ("0004_release_notes", "the database's schema is not this Polindex's (not applied: "
         "collection.0005_people_and_credits, collection.0006_reminders, "
         "collection.0007_verbose_names, collection.0008_edition_release_scored, "
         "feedback.0001_initial and 11 more)"),
    ],
    ids=["empty", "behind"],
)  # fmt: skip
def test_backup_refuses_a_database_of_another_schema_and_leaves_it(
    tmp_path: Path, target: str, message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    if target:
        migrate = (  # back through the migrations one by one, not their squash (decision 071)
            "import django; django.setup(); from django.core.management import call_command; "
            "from django.db import connection; from django.db.migrations.executor import "
            "MigrationExecutor; from django.db.migrations.loader import MigrationLoader; "
            "call_command('migrate', verbosity=0); e = MigrationExecutor(connection); "
            "e.loader = MigrationLoader(connection, replace_migrations=False); "
            "[e.loader.graph.remove_replacement_node(k, m.replaces) "
            "for k, m in e.loader.replacements.items()]; "
            f"e.migrate([('releases', '{target}')])"
        )
        done = polindex_cli_python(migrate, url)
        assert done.returncode == 0, done.stderr
    result = polindex_cli("backup", str(tmp_path / "b.zip"), url=url)
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split())
    if target:
        assert "— back it up with the Polindex version that runs it" in result.stderr
    assert not (tmp_path / "b.zip").exists()
    assert list(tmp_path.glob("*.part")) == []
    if target:  # the backup did not migrate the database on its way
        applied = polindex_cli_python(
            "import django; django.setup(); from django.db.migrations.recorder import "
            "MigrationRecorder as R; from django.db import connection; "
            "print(sorted(n for a, n in R(connection).applied_migrations() if a == 'releases'))",
            url,
        )
        assert applied.stdout.strip().endswith("'0004_release_notes']")


def polindex_cli_python(code: str, url: str) -> Any:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "polindex.web.settings"}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
