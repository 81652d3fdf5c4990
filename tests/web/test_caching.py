"""The public page cache never serves what only the embargo role may see, nor stale lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from polindex.web import caching
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from .conftest import NOW, SharedCache, results


@pytest.mark.parametrize("path", ["/", "/api/v1/releases", "/search/?q=AA"])
def test_a_privileged_view_is_never_cached_for_the_public(
    published: Release, embargoed: Release, insider: Any, path: str
) -> None:
    inside = Client()
    inside.force_login(insider)
    assert "2025.1" in inside.get(path).content.decode()
    assert "2025.1" not in Client().get(path).content.decode()


def test_cached_pages_change_when_the_set_of_public_releases_changes(
    published: Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(caching, "STAMP_TIMEOUT", 0.001)
    client = Client()
    first = client.get("/api/v1/releases").json()
    assert [r["version"] for r in first] == ["2024.1"]
    assert client.get("/api/v1/releases").json() == first  # from the cache
    publish_release(results(), version="2024.2", publish_at=NOW - dt.timedelta(minutes=1))
    from django.core.cache import caches

    caches["pages"].delete("polindex:public-releases")  # as after STAMP_TIMEOUT
    assert {r["version"] for r in client.get("/api/v1/releases").json()} == {"2024.1", "2024.2"}


def test_each_host_and_scheme_gets_its_own_cached_page(
    shared_cache: SharedCache, published: Release
) -> None:
    """The sitemap's addresses are absolute: a page cached for one host is never served to
    another (nor an http page over https)."""
    client = Client()
    for _ in range(2):  # rendered, then from the cache
        here = client.get("/sitemap.xml", HTTP_HOST="localhost").content.decode()
        there = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1").content.decode()
        secure = client.get("/sitemap.xml", HTTP_HOST="localhost", secure=True).content.decode()
        assert "<loc>http://localhost/TOY/2024.1/</loc>" in here
        assert "<loc>http://127.0.0.1/TOY/2024.1/</loc>" in there
        assert "<loc>https://localhost/TOY/2024.1/</loc>" in secure
        assert "127.0.0.1" not in here
        assert "https://" not in here


def test_a_workers_copy_is_served_only_while_the_shared_cache_holds_the_page(
    published: Release,
) -> None:
    """Each worker keeps its own copies of cached pages (reading one back from the shared
    cache cost half a hit's time), but a page gone from the shared cache — cleared by a
    restore, expired — is made again, never served from a copy."""
    from django.core.cache import caches

    client = Client()
    first = client.get("/TOY/2024.1/")
    assert first.status_code == 200
    assert caching.local_copies.get(_only_key()) is not None
    Release.objects.filter(pk=published.pk).update(citation="Changed in place (a restore)")
    assert client.get("/TOY/2024.1/").content == first.content  # the copy: still cached
    caches["pages"].clear()  # as a restore does
    again = client.get("/TOY/2024.1/").content.decode()
    assert "Changed in place (a restore)" in again


def test_a_cached_page_carries_its_etag_and_answers_304(published: Release) -> None:
    client = Client()
    made = client.get("/TOY/2024.1/")
    hit = client.get("/TOY/2024.1/")
    assert hit["ETag"] == made["ETag"]
    assert client.get("/TOY/2024.1/", HTTP_IF_NONE_MATCH=made["ETag"]).status_code == 304


def _only_key() -> str:
    keys = [k for k in caching.local_copies._pages if k.startswith("polindex:page:")]
    assert len(keys) >= 1
    return keys[-1]


@pytest.mark.parametrize(
    "tool",
    [
        "/TOY/2024.1/what-if/BB/",
        "/TOY/2024.1/goal/BB/",
        "/TOY/2024.1/weights/",
        "/api/v1/releases/TOY/2024.1/what-if/BB",
        "/api/v1/releases/TOY/2024.1/weights",
    ],
)
def test_a_tool_made_from_a_visitors_input_is_not_kept(published: Release, tool: str) -> None:
    """A what-if with changed answers, a goal, custom weights: one visitor's page, never kept
    (one-off simulations would push out the pages everyone reads, and cost a write each);
    the tool's page without a query — the published figures — is kept like any other."""
    from django.core.cache import caches

    client = Client()
    caches["pages"].clear()
    caching.local_copies._pages.clear()
    plain = client.get(tool)
    assert plain.status_code == 200, plain.content[:300]
    assert len(caching.local_copies._pages) == 1  # kept
    query = "q2=yes" if "what-if" in tool and "api" not in tool else "change=q2:yes"
    if "goal" in tool:
        query = "node=TOY&score=90"
    elif "weights" in tool:
        query = "w.q1=5&w.q2=1"
    own = client.get(f"{tool}?{query}")
    assert own.status_code in (200, 302), own.content[:300]
    assert len(caching.local_copies._pages) == 1  # not kept
