"""Embargo: one code path decides visibility, and every public route respects it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from polindex.web.releases.models import Release

ROUTES = [
    "/",
    "/TOY/{version}/",
    "/TOY/{version}/AA/",
    "/TOY/{version}/download/long.csv",
    "/TOY/{version}/download/zip",
    "/api/v1/releases",
    "/api/v1/releases/TOY/{version}",
    "/api/v1/releases/TOY/{version}/framework",
    "/api/v1/releases/TOY/{version}/units",
    "/api/v1/releases/TOY/{version}/scores",
    "/api/v1/releases/TOY/{version}/wide",
    "/api/v1/releases/TOY/{version}/answers",
]


def fetch(client: Client, route: str, version: str) -> tuple[int, str]:
    response = client.get(route.format(version=version))
    if response.get("Content-Type", "").startswith("application/zip"):
        return response.status_code, response.content.decode("latin-1")
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("route", ROUTES)
def test_the_public_never_sees_an_embargoed_release(
    client: Client, published: Release, embargoed: Release, route: str
) -> None:
    status, body = fetch(client, route, embargoed.version)
    if "{version}" in route:
        assert status == 404
    else:
        assert status == 200
        assert "2025.1" not in body
        assert embargoed.checksum not in body
    status, body = fetch(client, route, published.version)
    assert status == 200  # the published release is there on the same route
    if "framework" not in route:
        assert ("2024.1" in body) or ("AA" in body)


@pytest.mark.parametrize("route", ROUTES)
def test_a_logged_in_user_without_the_role_does_not_either(
    client: Client, published: Release, embargoed: Release, outsider: Any, route: str
) -> None:
    client.force_login(outsider)
    status, body = fetch(client, route, embargoed.version)
    assert status == 404 if "{version}" in route else "2025.1" not in body


@pytest.mark.parametrize("route", ROUTES)
def test_the_role_sees_it_before_publication(
    client: Client, published: Release, embargoed: Release, insider: Any, route: str
) -> None:
    client.force_login(insider)
    status, body = fetch(client, route, embargoed.version)
    assert status == 200
    if route in ("/", "/api/v1/releases"):
        assert "2025.1" in body


def test_api_scores_of_the_published_release(client: Client, published: Release) -> None:
    rows = client.get("/api/v1/releases/TOY/2024.1/scores?node=TOY").json()
    assert rows["count"] == 3
    by_unit = {r["unit"]: (r["score"], r["rank"], r["band"]) for r in rows["items"]}
    assert by_unit == {
        "AA": (100.0, 1, "high"),
        "BB": (50.0, 2, "high"),
        "<b>CC</b>": (0.0, 3, "low"),
    }
    page = client.get("/api/v1/releases/TOY/2024.1/scores?limit=2&offset=2").json()
    assert page["count"] == 9
    assert len(page["items"]) == 2


def test_unit_text_is_escaped(client: Client, published: Release) -> None:
    body = client.get("/TOY/2024.1/").content.decode()
    assert "&lt;b&gt;CC&lt;/b&gt;" in body
    assert "<b>CC</b>" not in body
