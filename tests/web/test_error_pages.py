"""Errors are pages of the site: 400, 403, 404 and 500 carry the header, say what happened and
where to go, in the reader's language — and 500 and 400 render without the request, the
database or the URL resolver (Django renders them with no context)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.test import Client
from django.urls import path

from polindex.web.releases.models import Release

from .conftest import client_for


def _header(body: str) -> None:
    """The site's header and stylesheet are on the page."""
    assert '<header class="site-header">' in body
    assert 'class="brand" href="/"' in body
    assert 'href="/api/v1/docs"' in body  # the API docs in the navigation
    assert '<link rel="stylesheet" href="/static/explorer/site.css">' in body
    assert " style=" not in body
    assert "<style" not in body


def test_404_is_a_page_of_the_site(client: Client, published: Release) -> None:
    response = client.get("/TOY/no-such-version/")
    assert response.status_code == 404
    body = response.content.decode()
    _header(body)
    assert "<title>Page not found — Polindex</title>" in body
    assert "<h1>Page not found</h1>" in body
    assert 'action="/search/"' in body
    assert 'role="search"' in body
    french = client.get("/fr/no/such/page/")
    assert french.status_code == 404
    assert "<h1>Page introuvable</h1>" in french.content.decode()


def test_403_is_a_page_of_the_site(people: dict[str, Any]) -> None:
    response = client_for(people["outsider"]).get("/work/demo-2025/AT/")
    assert response.status_code == 403
    body = response.content.decode()
    _header(body)
    assert "<h1>Access denied</h1>" in body
    assert "ask the central team for access" in body
    assert 'action="/accounts/logout/"' in body  # signed in: the header offers to sign out


def test_a_refused_form_says_why_and_what_to_do(client: Client) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    body = response.content.decode()
    _header(body)
    assert "<h1>The form could not be sent</h1>" in body
    assert "reload the page and send the form again" in body


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a forged request")


@pytest.fixture
def failing_urls(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two routes that fail as a bug and as a suspicious request would."""
    module = types.ModuleType("polindex_failing_urls")
    module.urlpatterns = [path("boom/", boom), path("suspicious/", suspicious)]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    settings.ROOT_URLCONF = module.__name__


def test_500_is_a_page_of_the_site(db: None, failing_urls: None) -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    _header(body)
    assert "<h1>Something went wrong on our side</h1>" in body
    assert "a bug" not in body  # nothing of the error itself


def test_400_is_a_page_of_the_site(db: None, failing_urls: None) -> None:
    response = Client().get("/suspicious/")
    assert response.status_code == 400
    body = response.content.decode()
    _header(body)
    assert "<h1>Bad request</h1>" in body


def test_a_host_not_served_is_a_400_page(client: Client) -> None:
    response = client.get("/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_500_and_400_render_with_no_context_and_no_database() -> None:
    """As Django's handlers render them: no request, no context processors — and no database
    (this test has none: pytest-django refuses any query)."""
    pages = {name: get_template(f"{name}.html").render() for name in ("500", "400")}
    assert "Something went wrong on our side" in pages["500"]
    assert "Bad request" in pages["400"]
    for body in pages.values():
        _header(body)


def test_a_french_address_refused_is_a_french_page_with_french_links(client: Client) -> None:
    # regression: a control character in a /fr/ address gave the English 400 page (the
    # browser's language was asked, not the address's), and the error pages' links led to the
    # English home page
    response = client.get("/fr/SYNTH/demo/%01/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "<h1>Requête invalide</h1>" in body
    assert 'class="brand" href="/fr/"' in body
    assert 'action="/fr/search/"' in body
    english = client.get("/SYNTH/demo/%01/", HTTP_ACCEPT_LANGUAGE="fr")  # the address decides
    assert english.status_code == 400
    assert "<h1>Bad request</h1>" in english.content.decode()
    assert 'class="brand" href="/"' in english.content.decode()
