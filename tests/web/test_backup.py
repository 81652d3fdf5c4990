"""``polindex backup`` and ``polindex restore``: a populated site goes into one file and comes
back whole into a new database — of the same kind, and of the other kind (SQLite ↔ PostgreSQL)
— with every row equal, every release's checksum computed again and equal, and every account
able to sign in. The commands run as processes of their own, as an operator runs them.

On SQLite by default; CI runs this file again with DATABASE_URL on PostgreSQL."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.backup.contents import LEFT_OUT, all_models, backed_up_models, label
from polindex.web.releases.models import Release
from polindex.web.releases.verify import recomputed_checksum

from .backups import (
    after_restore,
    database_url,
    fresh_database,
    polindex_cli,
    populate,
    tables,
)

SECRETS = {
    "POLINDEX_SECRET_KEY": "secret-key-that-must-stay-out-of-backups-4b1d",
    "POLINDEX_SMTP_HOST": "smtp.secret-host-4b1d.example",
}
OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}
runner = CliRunner()


@pytest.fixture
def _fast_password_hashing() -> None:
    """Production's hasher (Argon2) here: the restored accounts sign in from a process of their
    own, with production's settings (tests/conftest.py swaps in MD5 elsewhere)."""


@pytest.fixture
def site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, robust_files: tuple[Path, Path]
) -> dict[str, str]:
    monkeypatch.delenv("POLINDEX_DATA_DIR", raising=False)
    return populate(tmp_path, robust_files)


def backed_up(url: str, path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``polindex backup`` of the database at ``url`` into ``path``; its rows by model."""
    done = polindex_cli("backup", str(path), url=url, env=env)
    assert done.returncode == 0, done.stderr
    assert f"into {path}" in " ".join(done.stdout.split())
    return tables(path)


def restored(path: Path, url: str) -> str:
    """``polindex restore`` of ``path`` into the (new) database at ``url``; its output."""
    done = polindex_cli("restore", str(path), url=url)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())


def assert_same_rows(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert list(after) == list(before)  # the same tables, in the same order
    for model, rows in before.items():
        assert len(after[model]) == len(rows), model
        assert after[model] == rows, model  # every field of every row (JSON compared parsed)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_whole_into_a_new_database(site: dict[str, str], tmp_path: Path) -> None:
    Client().force_login(get_user_model().objects.get(username="central"))
    assert Session.objects.count() == 1
    session_key = Session.objects.get().session_key
    first = backed_up(database_url(), tmp_path / "first.zip", env=SECRETS)
    checksums = {(r.index.code, r.version): r.checksum for r in Release.objects.all()}
    assert len(checksums) == 7  # the demo's previous SYNTH edition and MIPEX-style release too
    assert {r.pk: recomputed_checksum(r) for r in Release.objects.all()} == {
        r.pk: r.checksum for r in Release.objects.all()
    }
    # what went in: every table but sessions and queued tasks; no secret of the environment
    raw = (tmp_path / "first.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "first.zip") as z:
        text = raw + b"".join(z.read(n) for n in z.namelist())
    for secret in [*SECRETS.values(), session_key]:
        assert secret.encode() not in text
    assert "sessions.session" not in first
    users = first["auth.user"]
    assert len(users) == 18  # and the demo's earlier edition's 10 people, credited (no sign-in)
    unusable = [u for u in users if u["fields"]["username"].startswith("demo.")]
    assert all(u["fields"]["password"].startswith("!") for u in unusable)  # (no password)
    assert all(u["fields"]["password"].startswith("argon2$") for u in users if u not in unusable)
    assert len(first["collection.comment"]) == 3  # (one opened by an accepted suggestion)
    assert len(first["feedback.suggestion"]) == 2
    assert {r["fields"]["action"] for r in first["collection.answerchange"]} >= {"save", "submit"}

    with fresh_database(connection.vendor, tmp_path) as url:
        output = restored(tmp_path / "first.zip", url)
        assert "7 releases, every checksum computed again and equal" in output
        assert "Invitation" not in output  # a restored pending invitation is not sent again
        again = backed_up(url, tmp_path / "again.zip")
        assert_same_rows(first, again)
        assert {r["fields"]["checksum"] for r in again["releases.release"]} == set(
            checksums.values()
        )
        checked = after_restore(url, site)
        assert checked["signed_in"] == dict.fromkeys(site, True)
        assert checked["refused"] is True
        assert checked["made"]["group"] > max(g["pk"] for g in first["auth.group"])
        assert checked["made"]["index"] > max(i["pk"] for i in first["releases.index"])


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_the_other_database_and_back(
    site: dict[str, str], tmp_path: Path
) -> None:
    """SQLite → PostgreSQL → SQLite when the tests run on SQLite, the other way round on
    PostgreSQL: both directions either way, each hop checked row for row."""
    first = backed_up(database_url(), tmp_path / "first.zip")
    other = OTHER[connection.vendor]
    with fresh_database(other, tmp_path) as there:
        assert f", {connection.vendor}, " in restored(tmp_path / "first.zip", there)
        hop = backed_up(there, tmp_path / "hop.zip")
        assert_same_rows(first, hop)
        assert after_restore(there, site)["signed_in"] == dict.fromkeys(site, True)
    with fresh_database(connection.vendor, tmp_path) as back:
        assert f", {other}, " in restored(tmp_path / "hop.zip", back)
        assert_same_rows(first, backed_up(back, tmp_path / "back.zip"))


def test_every_model_is_backed_up_but_sessions_and_queued_tasks() -> None:
    kept = {label(m) for m in backed_up_models()}
    assert kept == {label(m) for m in all_models()} - set(LEFT_OUT)
    assert {"sessions.session", "django_tasks_database.dbtaskresult"} == set(LEFT_OUT)
    for model in ["releases.release", "releases.releasescore", "releases.index",
                  "collection.edition", "collection.answer", "collection.answerchange",
                  "collection.source", "collection.comment", "collection.assignment",
                  "auth.user", "auth.group", "auth.permission", "contenttypes.contenttype",
                  "admin.logentry"]:  # fmt: skip
        assert model in kept
    order = [label(m) for m in backed_up_models()]
    assert order.index("contenttypes.contenttype") < order.index("auth.permission")
    assert order.index("auth.permission") < order.index("auth.group") < order.index("auth.user")


def test_no_model_keeps_files_outside_the_database() -> None:
    """A backup holds database rows only: a file field would need its files backed up too."""
    for model in all_models():
        for field in model._meta.fields:
            assert not isinstance(field, models.FileField), f"{label(model)}.{field.name}"


def test_a_backup_is_private_and_never_overwrites_by_accident(db: None, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    done = runner.invoke(app, ["backup", str(folder)])
    assert done.exit_code == 0, done.output
    (written,) = folder.iterdir()  # a dated name in the folder, and no temporary file left
    assert written.name.startswith("polindex-backup-")
    assert written.suffix == ".zip"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600  # password hashes: the owner only
    before = written.read_bytes()
    refused = runner.invoke(app, ["backup", str(written)])
    assert refused.exit_code == 1
    assert f"{written} exists already: give --overwrite to replace it" in refused.stderr
    assert written.read_bytes() == before
    replaced = runner.invoke(app, ["backup", str(written), "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert [p.name for p in folder.iterdir()] == [written.name]
    nowhere = runner.invoke(app, ["backup", str(tmp_path / "nowhere" / "b.zip")])
    assert nowhere.exit_code == 1
    assert f"{tmp_path / 'nowhere'}: no such folder" in nowhere.stderr
