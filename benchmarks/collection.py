"""Collection speed (run by `make bench`): 100 experts saving answers at the same time against
PostgreSQL, through gunicorn on this machine's cores; printed, never asserted.

Target (issue 6): p95 of a save < 100 ms with 100 concurrent experts on 2 cores. Each expert
autosaves (the workspace's save path: permission check, optimistic version, history entry) a
changed answer and justification, on its own country's questions, every few seconds (the
workspace autosaves 2 s after typing stops); a run without any pause gives the saturation
throughput.

Needs PostgreSQL (``POLINDEX_BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/polindex_bench — the database is dropped and re-created).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import statistics
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from web import gunicorn  # benchmarks/web.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
URL = os.environ.get(
    "POLINDEX_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/polindex_bench"
)
EXPERTS = 100
PORT = 8766


def fresh_database() -> bool:
    import psycopg

    parts = urllib.parse.urlsplit(URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"Collection benchmark skipped: no PostgreSQL at {URL} ({exc})")
        return False
    return True


def server_environment(database: str) -> dict[str, str] | None:
    """Point this module at a fresh PostgreSQL database ``database`` (on the server of
    ``POLINDEX_BENCH_DATABASE_URL``) and return the environment of a production-like server
    using it (also set in this process); ``None`` when there is no PostgreSQL."""
    global URL
    URL = URL.rsplit("/", 1)[0] + f"/{database}"
    if not fresh_database():
        return None
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "DJANGO_SETTINGS_MODULE": "polindex.web.settings",
        "POLINDEX_SECRET_KEY": secrets.token_urlsafe(50),  # a production-like server
    }
    os.environ.update(env)
    return env


def seed() -> list[tuple[str, str]]:
    """An open edition of the MIPEX-style questionnaire, one expert per country; returns each
    expert's (session cookie, country)."""
    import datetime as dt

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Assignment

    call_command("migrate", verbosity=0)
    units = [f"C{k:03d}" for k in range(EXPERTS)]
    edition = create_edition(
        ROOT / "examples/mipex-style/framework.yaml", code="bench", name="Bench",
        reference_date=dt.date(2024, 12, 31), period="2024", units=units,
    )  # fmt: skip
    out = []
    for unit in units:
        user = User.objects.create(username=f"expert-{unit}")
        Assignment.objects.create(
            edition=edition, user=user, role="expert", unit=unit, accepted_at=timezone.now()
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out.append((str(session.session_key), unit))
    return out


def run(experts: list[tuple[str, str]], seconds: float, pause: float) -> list[float]:
    """Every expert saves answers in turn (``pause`` seconds apart); latencies in seconds."""
    codes = [f"LMM{k}" for k in range(1, 10)] + [f"FAM{k}" for k in range(1, 10)]
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    failures: list[str] = []

    def expert(session: str, unit: str) -> None:
        csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret
        cookie = f"sessionid={session}; csrftoken={csrf}"
        versions = dict.fromkeys(codes, 1)
        fresh: set[str] = set()  # codes whose current version this run has learnt
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine, k = [], 0
        time.sleep(secrets.randbelow(1000) / 1000 * pause)  # spread the starts
        while time.perf_counter() < stop:
            code = codes[k % len(codes)]
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": csrf, "action": "autosave",
                    "version": versions[code], "option": "abc"[k % 3],
                    "justification": f"Draft {k} of {code}.", "source_count": "1",
                    "source-0-instrument": "Act", "source-0-article": "4",
                }
            )  # fmt: skip
            t0 = time.perf_counter()
            conn.request(
                "POST", f"/work/bench/{unit}/{code}/", body,
                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
            response = conn.getresponse()
            payload = response.read()
            mine.append(time.perf_counter() - t0)
            if response.status == 409 and code not in fresh:
                # the answer moved on in an earlier run (each run starts from version 1): the
                # expert's page would show the current version, which the conflict gives
                versions[code] = json.loads(payload)["version"]
                fresh.add(code)
                continue
            if response.status != 200:
                failures.append(f"{unit} {code}: HTTP {response.status} {payload[:200]!r}")
                return
            versions[code] = json.loads(payload)["version"]
            fresh.add(code)
            k += 1
            if pause:
                time.sleep(pause)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=expert, args=e) for e in experts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(failures[0])
    return sorted(latencies)


def timed(client: Any, label: str, path: str, repeat: int) -> None:
    """Print the median time of ``repeat`` GETs of ``path`` (after one to warm the caches),
    the number of database queries one makes and the median CPU time of this process (steadier
    than the time on a shared machine)."""
    from django.conf import settings
    from django.db import connection

    client.get(path)  # warm
    settings.DEBUG = True  # (counts queries)
    connection.queries_log.clear()
    assert client.get(path).status_code == 200, path
    queries = len(connection.queries)
    settings.DEBUG = False
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        client.get(path)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(
        f"  {label:<30} {statistics.median(times) * 1000:6.1f} ms   {queries} queries   "
        f"(CPU {statistics.median(cpu) * 1000:5.1f} ms)"
    )


def pages(session: str, unit: str, repeat: int = 20) -> None:
    """Median time to render each workspace page for one expert (in-process, no server),
    with the number of database queries."""
    from django.test import Client

    client = Client()
    client.cookies["sessionid"] = session
    print("Workspace pages (one expert, 61 questions; median of 20, in-process)")
    for label, path in (
        ("dashboard", "/work/"),
        ("country questionnaire", f"/work/bench/{unit}/"),
        ("one question", f"/work/bench/{unit}/LMM1/"),
        ("read-through", f"/work/bench/{unit}/read/"),
        ("XLSX download", f"/work/bench/{unit}/questionnaire.xlsx"),
    ):
        timed(client, label, path, repeat)


def central_pages(repeat: int = 20) -> None:
    """Median time to render the central team's pages of the edition (100 countries, each with
    its expert; every second one with a reviewer), in-process, with the number of queries."""
    from django.contrib.auth.models import Permission, User
    from django.test import Client
    from django.utils import timezone

    from polindex.web.collection.models import Assignment, Edition

    edition = Edition.objects.get(code="bench")
    for k, unit in enumerate(edition.units[1::2]):
        user = User.objects.create(username=f"reviewer-{k}", email=f"reviewer-{k}@example.org")
        Assignment.objects.create(
            edition=edition, user=user, role="reviewer", unit=unit, accepted_at=timezone.now()
        )
    chief = User.objects.create(username="bench-central")
    chief.user_permissions.add(Permission.objects.get(codename="manage_edition"))
    client = Client()
    client.force_login(chief)
    print("Central team's pages (100 countries; median of 20, in-process)")
    for label, path in (
        ("dashboard (summary)", "/work/"),
        ("progress table", "/work/bench/progress/"),
        ("progress, filtered", "/work/bench/progress/?status=unassigned&sort=overdue"),
        ("progress as CSV", "/work/bench/progress.csv"),
        ("reminder preview", "/work/bench/remind/"),
    ):
        timed(client, label, path, repeat)


def main() -> None:
    if not fresh_database():
        return
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "DJANGO_SETTINGS_MODULE": "polindex.web.settings",
        "POLINDEX_SECRET_KEY": secrets.token_urlsafe(50),  # a production-like server
    }
    os.environ.update(env)
    experts = seed()
    pages(*experts[0])
    central_pages()
    workers = str(os.cpu_count() or 2)
    server = gunicorn(PORT, int(workers), env, threads=8)
    try:
        print(f"Collection ({EXPERTS} experts, PostgreSQL, gunicorn {workers} workers x 8 threads)")
        run(experts[:10], 2.0, 0.0)  # warm up
        runs = (
            ("a save per expert every 3 s", 3.0),
            ("a save per expert every 1 s", 1.0),
            ("no pause (saturation)", 0.0),
        )
        for label, pause in runs:
            started, cpu = time.perf_counter(), time.process_time()
            lat = run(experts, 15.0, pause)
            elapsed = time.perf_counter() - started
            rate = len(lat) / elapsed
            client = (time.process_time() - cpu) / elapsed  # cores used by the load generator
            median = statistics.median(lat) * 1000
            p95 = lat[int(0.95 * (len(lat) - 1))] * 1000
            print(
                f"  {label:<30} {rate:6.0f} saves/s   median {median:6.1f} ms   "
                f"p95 {p95:6.1f} ms (target p95 < 100 ms; load generator used "
                f"{client:.2f} of the cores)"
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
