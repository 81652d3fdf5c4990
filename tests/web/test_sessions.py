"""Sessions (decision 075): Django's, in the database, their row read by a prepared query —
the same sessions: signed in with a live session, signed out with an expired or unknown one;
and PostgreSQL's server-side binding only when asked for."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.contrib.sessions.models import Session
from django.utils import timezone

from polindex.web.sessions import SessionStore
from polindex.web.sessions.cached import SessionStore as CachedStore


def test_a_live_session_signs_in_and_an_expired_or_unknown_one_does_not(
    people: dict[str, Any], client: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(people["expert_at"])
    key = client.cookies["sessionid"].value
    store = SessionStore(key)
    with django_assert_num_queries(1):
        assert store["_auth_user_id"] == str(people["expert_at"].pk)
    assert client.get("/work/demo-2025/AT/").status_code == 200
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's store: no such session
    response = client.get("/work/demo-2025/AT/")
    assert response.status_code == 302  # to the sign-in page
    assert response["Location"].startswith("/accounts/login/")
    assert SessionStore("no-such-session-key-1234").load() == {}


def test_the_cached_store_reads_the_database_the_same_way(
    people: dict[str, Any], client: Any
) -> None:
    client.force_login(people["expert_at"])
    key = client.cookies["sessionid"].value
    assert CachedStore(key).load()["_auth_user_id"] == str(people["expert_at"].pk)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    CachedStore(key).delete()  # out of the cache: read from the database again
    Session.objects.create(
        session_key=key, session_data=SessionStore().encode({"a": 1}),
        expire_date=timezone.now() - dt.timedelta(seconds=1),
    )  # fmt: skip
    assert CachedStore(key).load() == {}


def _databases(env: dict[str, str], tmp_path: Path) -> str:
    script = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS'))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("POLINDEX_", "DATABASE"))}
    clean |= {"POLINDEX_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "polindex.web.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=clean | env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_server_side_binding_is_set_only_when_asked_for_on_postgresql(tmp_path: Path) -> None:
    pg = {"DATABASE_URL": "postgres://polindex@db.example.org:5432/polindex"}
    on = {"POLINDEX_DB_SERVER_SIDE_BINDING": "1"}
    assert _databases(pg | on, tmp_path) == "{'server_side_binding': True, 'prepare_threshold': 5}"
    assert _databases(pg, tmp_path) in ("{}", "None")  # psycopg's client-side binding
    assert _databases(pg | {"POLINDEX_DB_SERVER_SIDE_BINDING": "0"}, tmp_path) in ("{}", "None")
    sqlite = _databases(on, tmp_path)  # SQLite: its own options, no binding setting
    assert "server_side_binding" not in sqlite
    assert "'transaction_mode': 'IMMEDIATE'" in sqlite
