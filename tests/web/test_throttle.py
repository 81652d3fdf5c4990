"""The sign-in throttle counts the account, not the spelling, counts before it checks, and keeps
its counters where every worker sees them — on the database cache and on Redis alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import connection
from django.test import Client

from polindex.web.collection.login import PER_ADDRESS, PER_NAME

from .conftest import SharedCache

LOGIN = "/accounts/login/"
PASSWORD = "right-pass-1"
FULL_WIDTH = "ｅｘｐｅｒｔ-at"  # what Django's sign-in form reads as "expert-at" (NFKC)


@pytest.fixture
def expert(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("expert-at", password=PASSWORD)


@pytest.fixture
def checked() -> Iterator[dict[str, list[str]]]:
    """The user names whose passwords Django checked: failed and successful sign-ins."""
    seen: dict[str, list[str]] = {"failed": [], "signed_in": []}
    lock = threading.Lock()

    def failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
        with lock:
            seen["failed"].append(credentials.get("username", ""))

    def signed_in(sender: Any, user: Any, **kwargs: Any) -> None:
        with lock:
            seen["signed_in"].append(user.get_username())

    user_login_failed.connect(failed)
    user_logged_in.connect(signed_in)
    yield seen
    user_login_failed.disconnect(failed)
    user_logged_in.disconnect(signed_in)


def sign_in(client: Client, name: str, password: str, address: str = "10.0.0.1") -> int:
    response = client.post(LOGIN, {"username": name, "password": password}, REMOTE_ADDR=address)
    return int(response.status_code)


@pytest.mark.django_db
def test_a_look_alike_name_counts_as_the_same_account(
    client: Client, shared_cache: SharedCache, expert: Any, checked: dict[str, list[str]]
) -> None:
    assert [sign_in(client, "expert-at", "nope") for _ in range(PER_NAME)] == [200] * PER_NAME
    for spelling in (FULL_WIDTH, "EXPERT-AT", " Expert-At"):
        assert sign_in(client, spelling, PASSWORD) == 429  # the right password, refused
    assert "_auth_user_id" not in client.session
    assert checked == {"failed": ["expert-at"] * PER_NAME, "signed_in": []}
    shared_cache.clear()  # the window has passed
    assert sign_in(client, FULL_WIDTH, PASSWORD) == 302  # the same account, as Django reads it
    assert checked["signed_in"] == ["expert-at"]


@pytest.mark.django_db
def test_failures_under_a_look_alike_name_lock_the_plain_one(
    client: Client, shared_cache: SharedCache, expert: Any
) -> None:
    assert [sign_in(client, FULL_WIDTH, "nope") for _ in range(PER_NAME)] == [200] * PER_NAME
    assert sign_in(client, "expert-at", PASSWORD) == 429


@pytest.mark.django_db
def test_refused_attempts_check_no_password(
    client: Client, expert: Any, checked: dict[str, list[str]]
) -> None:
    for _ in range(PER_NAME):
        sign_in(client, "expert-at", "nope")
    refused = client.post(LOGIN, {"username": "expert-at", "password": "nope"})
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.content.decode()
    assert sign_in(client, "expert-at", PASSWORD) == 429
    assert checked == {"failed": ["expert-at"] * PER_NAME, "signed_in": []}  # none checked


@pytest.mark.django_db
def test_an_address_is_counted_across_names(client: Client, expert: Any) -> None:
    tries = [sign_in(client, f"nobody-{k}", "nope", "10.0.0.7") for k in range(PER_ADDRESS)]
    assert tries == [200] * PER_ADDRESS
    assert sign_in(client, "expert-at", PASSWORD, "10.0.0.7") == 429
    assert sign_in(client, "expert-at", PASSWORD, "10.0.0.8") == 302  # another address


@pytest.mark.django_db
def test_a_successful_sign_in_clears_its_name(client: Client, expert: Any) -> None:
    for _ in range(PER_NAME - 1):
        sign_in(client, "expert-at", "nope")
    assert sign_in(client, "expert-at", PASSWORD) == 302
    client.logout()
    assert [sign_in(client, "expert-at", "nope") for _ in range(PER_NAME)] == [200] * PER_NAME


@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_wrong_passwords_check_at_most_five(
    shared_cache: SharedCache, expert: Any, checked: dict[str, list[str]], settings: Any
) -> None:
    # production's Argon2 (tests/conftest.py swaps in MD5): each check takes as long as on a
    # server — the window in which a check-then-count throttle lets attempts through
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    expert.set_password(PASSWORD)
    expert.save()
    start = threading.Barrier(30)

    def attempt(k: int) -> int:
        try:
            start.wait()  # all at once, each from its own address and its own client
            return sign_in(Client(), "expert-at", f"wrong-{k}", f"10.1.0.{k}")
        finally:
            connection.close()  # this thread's database connection

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = sorted(pool.map(attempt, range(30)))
    assert statuses == [200] * PER_NAME + [429] * (30 - PER_NAME)
    assert len(checked["failed"]) == PER_NAME  # passwords checked: the limit, no more
