"""Helpers of the backup tests: a realistic site, databases made and dropped for one test,
``polindex`` run as a separate process against them, and backup files read or rewritten."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from typer.testing import CliRunner

import polindex
from polindex.cli import app
from polindex.web.collection import workflow
from polindex.web.collection.demo import CODE, PASSWORD
from polindex.web.collection.models import Answer, Assignment, Edition
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from ..conftest import missing
from .conftest import NOW, results

POLINDEX = Path(sys.executable).with_name("polindex")
PG_SERVER = os.environ.get("POLINDEX_CI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
TRICKY = "Line one\r\nline two\u2028 — «ünïcode» ✓ 0.1 + 0.2"
"""Text that JSON Lines and two databases must carry unchanged."""


def populate(tmp_path: Path, robust: tuple[Path, Path]) -> dict[str, str]:
    """A site like a real one, committed (for a ``transaction=True`` test): the demo's synthetic
    release and workspace (answers submitted, with their history and sources), releases under
    embargo, corrected, with robustness results and with notes, a group with permissions, a
    review thread (one message hidden), a pending invitation and an entry in the admin's log.
    Returns user name → password of accounts that must sign in after a restore.

    ``robust``: the framework and data of tests/conftest.py's robustness toy index.
    Unset POLINDEX_DATA_DIR first (the demo then publishes only its synthetic index)."""
    # the reports are files beside the downloads, not rows: a backup holds none of them
    demo = ["demo", "--out", str(tmp_path / "demo"), "--publish", "--no-reports"]
    result = CliRunner().invoke(app, demo)
    assert result.exit_code == 0, result.output
    assert "Country reports of" not in result.output  # --no-reports: none typeset
    first = publish_release(results(), version="2024.1", publish_at=NOW - dt.timedelta(days=1))
    publish_release(
        results(),
        version="2024.2",
        publish_at=NOW,
        corrects="2024.1",
        changelog=TRICKY,
        notes=[{"unit": "AA", "period": "2024", "indicator": "q1", "justification": TRICKY,
                "sources": [{"instrument": "Aliens Act", "article": "5"}]}],
    )  # fmt: skip
    publish_release(results(), version="2030.1", publish_at=NOW + dt.timedelta(days=300))
    publish_release(polindex.load_index(robust[0]), robust[1], version="r1", robustness=True)
    users = get_user_model()
    editor = users.objects.create_user("editor", "editor@example.org", "pw-editor-1")
    group = Group.objects.create(name="editors")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["view_embargoed", "add_release"])
    )
    editor.groups.add(group)
    editor.user_permissions.add(Permission.objects.get(codename="manage_edition"))
    edition = Edition.objects.get(code=CODE)  # the open one (the earlier is closed)
    answer = Answer.objects.filter(unit="BE").exclude(option="").order_by("id").first()
    assert answer is not None
    reviewer = users.objects.get(username="reviewer-be")
    workflow.comment(answer, reviewer, TRICKY)
    workflow.comment(answer, reviewer, "A message the central team hides.")
    hidden = answer.comments.order_by("id").last()
    workflow.moderate(answer, users.objects.get(username="central"), hidden.pk, True)
    Assignment.objects.create(edition=edition, user=editor, role="reviewer", unit="DE")  # invited
    LogEntry.objects.create(
        user=users.objects.get(username="central"),
        content_type=ContentType.objects.get_for_model(Release),
        object_id=str(first.pk),
        object_repr=str(first),
        action_flag=ADDITION,
        change_message="[]",
    )
    return {"central": PASSWORD, "expert-be": PASSWORD, "editor": "pw-editor-1"}


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def pg_admin(url: str = "") -> Any:
    """An autocommit connection to the PostgreSQL server of ``url`` (default: CI's), or a skip
    (a failure under POLINDEX_REQUIRE_ALL=1) when there is none."""
    import psycopg

    base = url or (database_url() if connection.vendor == "postgresql" else PG_SERVER)
    target = urlunsplit(urlsplit(base)._replace(scheme="postgresql", path="/postgres"))
    try:
        return psycopg.connect(target, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        missing(f"needs PostgreSQL at {base} ({str(exc).strip().splitlines()[0]})")


@contextmanager
def fresh_database(vendor: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database (no tables) of ``vendor``, removed afterwards."""
    if vendor == "sqlite":
        yield f"sqlite:///{tmp_path / f'fresh-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    admin = pg_admin()
    name = f"polindex_restore_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    server = database_url() if connection.vendor == "postgresql" else PG_SERVER
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def polindex_cli(*args: str, url: str, env: dict[str, str] | None = None) -> Any:
    """``polindex ARGS`` run as its own process on the database at ``url``."""
    full = {**os.environ, "DATABASE_URL": url, **(env or {})}
    full.pop("DJANGO_SETTINGS_MODULE", None)  # the command sets the project's own
    return subprocess.run(
        [str(POLINDEX), *args], env=full, capture_output=True, text=True, timeout=600
    )


LOGIN = """
import json, os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "polindex.web.settings"
django.setup()
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from polindex.web.releases.models import Index
accounts = json.loads(sys.argv[1])
signed_in = {name: authenticate(username=name, password=pw) is not None
             for name, pw in accounts.items()}
refused = authenticate(username="editor", password="not-the-password") is None
made = {"group": Group.objects.create(name="made after the restore").pk,
        "index": Index.objects.create(code="NEW", name="New").pk}
print(json.dumps({"signed_in": signed_in, "refused": refused, "made": made}))
"""


def after_restore(url: str, accounts: dict[str, str]) -> dict[str, Any]:
    """Sign in to the database at ``url`` with each account (Argon2, production's hasher) and
    add rows to two tables (their ids must follow the restored ones)."""
    done = subprocess.run(
        [sys.executable, "-c", LOGIN, json.dumps(accounts)],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def tables(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of the backup at ``path``, by model, as parsed JSON."""
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read("manifest.json"))
        return {
            t["model"]: [json.loads(line) for line in z.read(t["member"]).splitlines()]
            for t in manifest["tables"]
        }


def rewrite(
    source: Path, target: Path, edit: Callable[[dict[str, Any], dict[str, bytes]], None]
) -> Path:
    """A copy of the backup ``source`` at ``target`` after ``edit(manifest, members)``, with
    every member's SHA-256 and row count made to match again (a well-formed file whose content
    was changed)."""
    with zipfile.ZipFile(source) as z:
        manifest = json.loads(z.read("manifest.json"))
        members = {n: z.read(n) for n in z.namelist() if n != "manifest.json"}
    edit(manifest, members)
    for table in manifest["tables"]:
        data = members.get(table["member"], b"")
        table["sha256"] = hashlib.sha256(data).hexdigest()
        table["rows"] = data.count(b"\n")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        z.writestr("manifest.json", json.dumps(manifest))
    return target
