"""Releases for the web tests: one published, one under embargo, of a small index.

Every database test runs on SQLite by default and on PostgreSQL when ``DATABASE_URL`` points
there (``.ci/run`` does both)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client

import polindex
from polindex.web.collection.editions import create_edition
from polindex.web.collection.models import Assignment
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from ..conftest import missing


@contextmanager
def made_once(blocker: Any) -> Iterator[None]:
    """Rows made once for a whole module (a module-scoped fixture's body runs inside): one
    transaction, rolled back when the module is done. Each test's own transaction (the ``db``
    fixture) is a savepoint inside it, so a test's changes never reach the next test. Hand
    tests primary keys, not model instances: an instance changed by one test would carry its
    state into the next."""
    with blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


FW = {
    "code": "TOY",
    "name": {"en": "Toy index"},
    "citation": "Toy team (2025). Toy index.",
    "bands": [{"code": "low", "min": 0}, {"code": "high", "min": 50}],
    "indicators": [{"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}],
}
DATA = [
    ("AA", 2024, "q1", "yes"),
    ("AA", 2024, "q2", "yes"),
    ("BB", 2024, "q1", "yes"),
    ("BB", 2024, "q2", "no"),
    ("<b>CC", 2024, "q1", "no"),
    ("<b>CC", 2024, "q2", "no"),
]
NOW = dt.datetime.now(dt.UTC)


def results(data: list[tuple[Any, ...]] = DATA) -> polindex.Results:
    return polindex.score(polindex.load_framework(FW), data)


def publish_toy() -> Release:
    """TOY 2024.1, published yesterday (the ``published`` fixture)."""
    return publish_release(results(), version="2024.1", publish_at=NOW - dt.timedelta(days=1))


def publish_toy_embargoed() -> Release:
    """TOY 2025.1, under embargo for three more days (the ``embargoed`` fixture)."""
    changed = [(u, p, i, "yes") for u, p, i, _ in DATA]  # everyone "yes": a different ranking
    return publish_release(
        results(changed), version="2025.1", publish_at=NOW + dt.timedelta(days=3)
    )


@pytest.fixture
def published(db: None) -> Release:
    return publish_toy()


@pytest.fixture
def embargoed(db: None, published: Release) -> Release:
    return publish_toy_embargoed()


@pytest.fixture
def insider(django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("insider", password="pw-insider-1")
    user.user_permissions.add(Permission.objects.get(codename="view_embargoed"))
    return user


@pytest.fixture
def outsider(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("outsider", password="pw-outsider-1")


# Each test starts with an empty cache without a fixture: the shared cache (sign-in counters,
# public pages) is a table of the test database, emptied by each test's rollback or flush.

REDIS_URL = os.environ.get("POLINDEX_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@dataclass
class SharedCache:
    """The shared cache a test runs on (``kind``), and how to empty it (its window passed)."""

    kind: str
    clear: Callable[[], None]


@pytest.fixture(params=["database", "redis"])
def shared_cache(request: pytest.FixtureRequest, settings: Any) -> Iterator[SharedCache]:
    """Each shared cache Polindex runs on: its database tables (the default), and Redis (as with
    POLINDEX_REDIS_URL) under a key prefix of this test's own, removed afterwards."""
    from django.core.cache import caches

    if request.param == "database":
        yield SharedCache("database", lambda: [caches[a].clear() for a in ("default", "pages")])
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        missing(f"needs Redis at {REDIS_URL} (POLINDEX_TEST_REDIS_URL): {exc}")
    prefix = f"polindex-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{prefix}-{alias}",
        }
        for alias in ("default", "pages")
    }

    def clear() -> None:  # only this test's keys (cache.clear() would empty the whole database)
        for key in client.scan_iter(match=f"{prefix}-*"):
            client.delete(key)

    yield SharedCache("redis", clear)
    clear()
    client.close()


TWO_FW = {
    "code": "TWO",
    "name": {"en": "Two-area index"},
    "levels": ["area"],
    "areas": [
        {"code": "A", "label": {"en": "Access"}, "indicators": [{"code": "a1", "type": "boolean"}]},
        {
            "code": "B",
            "label": {"en": "Benefits"},
            "indicators": [{"code": "b1", "type": "boolean"}],
        },
        {
            "code": "C",
            "label": {"en": "Citizenship"},
            "indicators": [{"code": "c1", "type": "boolean"}],
        },
        {
            "code": "D",
            "label": {"en": "Diversity"},
            "indicators": [{"code": "d1", "type": "boolean"}],
        },
    ],
}
TWO_ANSWERS = {  # (2023, 2024) answers for a1, b1, c1, d1
    "XX": (("yes", "no", "no", "no"), ("yes", "yes", "no", "no")),
    "YY": (("no", "yes", "yes", "yes"), ("no", "yes", "yes", "yes")),
    "ZZ": (("no", "no", "yes", "no"), ("no", "no", "no", "yes")),
}


@pytest.fixture
def two(db: None) -> Release:
    """A four-area index of three countries over two years, published now."""
    data = [
        (u, year, code, value)
        for u, by_year in TWO_ANSWERS.items()
        for year, answers in zip((2023, 2024), by_year, strict=True)
        for code, value in zip(("a1", "b1", "c1", "d1"), answers, strict=True)
    ]
    results = polindex.score(polindex.load_framework(TWO_FW), data)
    return publish_release(results, version="1", publish_at=dt.datetime.now(dt.UTC))


# The data-collection workspace: an edition of the MIPEX-style questionnaire, a person per role
FRAMEWORK = Path(__file__).parents[2] / "examples" / "mipex-style" / "framework.yaml"
PEOPLE = ["central", "expert_at", "expert_be", "reviewer_at", "coordinator", "gov_at", "outsider"]


@pytest.fixture
def edition(db: None) -> Any:
    return create_edition(
        FRAMEWORK, code="demo-2025", name="Demo 2025", reference_date=dt.date(2024, 12, 31),
        period="2024", units=["AT", "BE"], anonymous_review=True,
        factcheck_from=dt.date.today() - dt.timedelta(days=1),
        factcheck_until=dt.date.today() + dt.timedelta(days=1),
    )  # fmt: skip


@pytest.fixture
def people(edition: Any, django_user_model: Any) -> dict[str, Any]:
    users = {
        name: django_user_model.objects.create_user(name, password=f"pw-{name}-1")
        for name in PEOPLE
    }
    users["central"].user_permissions.add(Permission.objects.get(codename="manage_edition"))
    for name, role, unit, area in [
        ("expert_at", "expert", "AT", ""),
        ("expert_be", "expert", "BE", ""),
        ("reviewer_at", "reviewer", "AT", ""),
        ("coordinator", "coordinator", "", "LMM"),
        ("gov_at", "government", "AT", ""),
    ]:
        Assignment.objects.create(
            edition=edition, user=users[name], role=role, unit=unit, area=area, accepted_at=NOW
        )
    return users


def next_edition(edition: Any, expert: Any) -> Any:
    """The edition after ``edition`` (AT only), ``expert`` its accepted expert for AT."""
    later = create_edition(
        FRAMEWORK, code="demo-2026", name="Demo 2026", reference_date=dt.date(2025, 12, 31),
        period="2025", units=["AT"], previous=edition,
    )  # fmt: skip
    Assignment.objects.create(edition=later, user=expert, role="expert", unit="AT", accepted_at=NOW)
    return later


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def complete(**extra: str) -> dict[str, str]:
    return {
        "option": "a",
        "justification": "Art. 5 of the Aliens Act.",
        "source_count": "1",
        "source-0-instrument": "Aliens Act",
        "source-0-article": "5",
        **extra,
    }


def take_step(client: Client, country: str, action: str, reason: str = "") -> Any:
    """Take a step for many answers of ``country`` (its page's address) as a person does: open
    its preview, then confirm what it lists. Returns the confirmation's response (the preview's,
    when it offers nothing to confirm)."""
    import re

    preview = client.get(f"{country}steps/{action}/")
    found = re.search(r'name="token" value="([^"]*)"', preview.content.decode())
    if found is None:
        return preview
    return client.post(f"{country}steps/{action}/", {"token": found[1], "reason": reason})
