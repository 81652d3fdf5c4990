"""One cache shared by every worker: database tables made by migrations (Redis when
POLINDEX_REDIS_URL is set), whose increments are atomic and keep the window they started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from polindex.web.sharedcache.backends import DatabaseCache
from polindex.web.sharedcache.models import CacheEntry

from .conftest import SharedCache


def _increments(increment: Any, threads: int = 20, each: int = 10) -> list[int]:
    start = threading.Barrier(threads)

    def work(_: int) -> list[int]:
        try:
            start.wait()
            return [int(increment()) for _ in range(each)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return sorted(n for got in pool.map(work, range(threads)) for n in got)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_increments_are_never_lost(shared_cache: SharedCache) -> None:
    cache.add("hits", 0, 600)
    assert _increments(lambda: cache.incr("hits")) == list(range(1, 201))  # each once
    assert cache.get("hits") == 200


@pytest.mark.django_db
def test_an_increment_keeps_the_window_it_started() -> None:
    cache.add("window", 0, 900)
    expires = CacheEntry.objects.get().expires
    assert cache.incr("window") == 1
    assert cache.incr("window", 4) == 5
    assert cache.decr("window") == 4
    assert CacheEntry.objects.get().expires == expires  # Django's would move it to +300 s
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")


@pytest.mark.django_db
def test_an_expired_counter_is_not_incremented() -> None:
    cache.add("gone", 3, 900)
    CacheEntry.objects.update(expires="2000-01-01T00:00:00Z")
    with pytest.raises(ValueError, match="not found"):
        cache.incr("gone")
    assert cache.add("gone", 0, 900)  # a new window starts


@pytest.mark.django_db(transaction=True)
def test_another_worker_process_counts_on_the_same_counters(
    shared_cache: SharedCache, settings: Any, tmp_path: Path
) -> None:
    """A second process (as a second gunicorn worker would) continues the count of the first."""
    from polindex.web.collection.login import count_attempt

    key = "polindex:login:name:someone"
    assert [count_attempt(key), count_attempt(key)] == [1, 2]
    db = connection.settings_dict
    url = (
        f"sqlite:///{db['NAME']}"
        if connection.vendor == "sqlite"
        else f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )
    script = (
        "import json, sys, django; django.setup(); from django.conf import settings; "
        "settings.CACHES = json.loads(sys.argv[1]); "  # the test's (its own Redis key prefix)
        "from polindex.web.collection.login import count_attempt; "
        f"print([count_attempt({key!r}) for _ in range(3)])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLINDEX_")}
    env |= {"POLINDEX_VAR_DIR": str(tmp_path), "DATABASE_URL": url}
    env["DJANGO_SETTINGS_MODULE"] = "polindex.web.settings"
    other = subprocess.run(
        [sys.executable, "-c", script, json.dumps(settings.CACHES)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert other.stdout.strip() == "[3, 4, 5]"
    assert count_attempt(key) == 6


def _settings_of(env: dict[str, str], tmp_path: Path) -> list[str]:
    script = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND']); print(s.CACHES['pages']['BACKEND']); "
        "print(s.SESSION_ENGINE); print(s.SECURE_HSTS_SECONDS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("POLINDEX_")}
    clean |= {"POLINDEX_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "polindex.web.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=clean | env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_the_cache_is_the_database_by_default_and_redis_when_asked(tmp_path: Path) -> None:
    shared = "polindex.web.sharedcache.backends.DatabaseCache"
    redis = "django.core.cache.backends.redis.RedisCache"
    assert _settings_of({}, tmp_path) == [
        shared, shared, "polindex.web.sessions", str(365 * 86400)
    ]  # fmt: skip
    assert _settings_of({"POLINDEX_REDIS_URL": "redis://127.0.0.1:6379/2"}, tmp_path)[:3] == [
        redis, redis, "polindex.web.sessions.cached"
    ]  # fmt: skip
    assert _settings_of({"POLINDEX_LOCAL_HTTP": "1"}, tmp_path)[3] == "0"  # no HSTS on plain HTTP


def test_the_tables_exist_wherever_polindex_migrates(tmp_path: Path) -> None:
    """`polindex serve`, `polindex demo` (and so `make demo`) and `release create` set up the
    database with one call: after it, the shared cache works at once."""
    script = (
        "from polindex.cli.releases import django_setup; django_setup(); "
        "from django.db import connection; from django.core.cache import caches; "
        "caches['default'].set('k', 41); caches['pages'].set('k', 1); "
        "print(sorted(t for t in connection.introspection.table_names() if 'cache' in t), "
        "caches['default'].incr('k'))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLINDEX_")}
    env["POLINDEX_VAR_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['polindex_cache', 'polindex_page_cache'] 42"


def test_the_tests_run_on_the_real_shared_cache_not_a_per_process_one() -> None:
    from django.core.cache import caches

    assert all(isinstance(caches[alias], DatabaseCache) for alias in ("default", "pages"))
