"""Accounts and requests: argon2, sign-in throttling, CSRF, cookie settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client


@pytest.fixture
def expert(django_user_model: Any) -> Any:
    cache.clear()
    return django_user_model.objects.create_user("expert", password="right-pass-1")


def test_passwords_are_hashed_with_argon2(expert: Any) -> None:
    assert expert.password.startswith("argon2$")


def test_sign_in_is_throttled(client: Client, expert: Any) -> None:
    for _ in range(5):
        wrong = client.post("/accounts/login/", {"username": "expert", "password": "nope"})
        assert wrong.status_code == 200
        assert "Please enter a correct" in wrong.content.decode()
    blocked = client.post("/accounts/login/", {"username": "EXPERT", "password": "right-pass-1"})
    assert blocked.status_code == 429  # even the right password, for 15 minutes
    assert "Too many failed sign-ins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()  # the window has passed
    ok = client.post("/accounts/login/", {"username": "expert", "password": "right-pass-1"})
    assert ok.status_code == 302
    assert ok["Location"] == "/work/"


def test_forms_need_a_csrf_token(expert: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(expert)
    assert strict.post("/work/any/AT/q1/", {"action": "save"}).status_code == 403
    anonymous = Client(enforce_csrf_checks=True)
    login = anonymous.post("/accounts/login/", {"username": "expert", "password": "right-pass-1"})
    assert login.status_code == 403


def test_cookies_are_secure_outside_debug_and_local_http() -> None:
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
