"""Accounts and requests: argon2, sign-in throttling, CSRF, cookie settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client


@pytest.fixture
def _fast_password_hashing() -> None:
    """Hashing is the subject here: keep production's hashers (tests/conftest.py swaps in MD5)."""


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


def test_a_production_server_needs_its_own_secret_key(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("POLINDEX_")}
    env["POLINDEX_VAR_DIR"] = str(tmp_path)
    load = [sys.executable, "-c", "import polindex.web.wsgi"]
    refused = subprocess.run(load, env=env, capture_output=True, text=True, check=False)
    assert refused.returncode != 0
    assert "POLINDEX_SECRET_KEY is not set" in refused.stderr
    for extra in ({"POLINDEX_SECRET_KEY": "k" * 50}, {"POLINDEX_LOCAL_HTTP": "1"}):
        started = subprocess.run(load, env={**env, **extra}, capture_output=True, text=True)
        assert started.returncode == 0, started.stderr
