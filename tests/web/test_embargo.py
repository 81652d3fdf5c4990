"""Embargo: one code path decides visibility, and every public route respects it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from polindex.web.releases.models import Release

ROUTES = {  # every public URL pattern → an example for the TOY release (see the last test)
    "": "/",
    "search/": "/search/?q=AA",
    "sitemap.xml": "/sitemap.xml",
    "<str:index>/<str:version>/": "/TOY/{version}/",
    "<str:index>/<str:version>/<path:unit>/": "/TOY/{version}/AA/",
    "<str:index>/<str:version>/download/<str:fmt>": "/TOY/{version}/download/long.csv",
    "<str:index>/<str:version>/compare/": "/TOY/{version}/compare/?units=AA,BB",
    "<str:index>/<str:version>/methodology/": "/TOY/{version}/methodology/",
    "<str:index>/<str:version>/node/<str:code>/": "/TOY/{version}/node/q1/",
    "<str:index>/<str:version>/chart/series/<str:unit>.<chartfmt:fmt>":
        "/TOY/{version}/chart/series/AA.csv",
    "<str:index>/<str:version>/chart/ranking/<str:node>/<str:period>.<chartfmt:fmt>":
        "/TOY/{version}/chart/ranking/TOY/2024.html",
    "<str:index>/<str:version>/chart/compare/<str:period>/<str:units>.<chartfmt:fmt>":
        "/TOY/{version}/chart/compare/2024/AA,BB.json",
    "<str:index>/<str:version>/chart/trend/<str:node>/<str:units>.<chartfmt:fmt>":
        "/TOY/{version}/chart/trend/TOY/AA,BB.csv",
    "<str:index>/<str:version>/chart/areas/<str:unit>/<str:period>.<chartfmt:fmt>":
        "/TOY/{version}/chart/areas/AA/2024.csv",
    "<str:index>/<str:version>/chart/area-series/<str:unit>.<chartfmt:fmt>":
        "/TOY/{version}/chart/area-series/AA.html",
    "<str:index>/<str:version>/feedback/": "/TOY/{version}/feedback/?unit=AA",
    "<str:index>/<str:version>/feedback/thanks/": "/TOY/{version}/feedback/thanks/?unit=AA",
    "<str:index>/<str:version>/outcomes/": "/TOY/{version}/outcomes/",
    "<str:index>/<str:version>/credits/": "/TOY/{version}/credits/",
    "<str:index>/": "/TOY/",  # the latest public release (a redirect, followed)
    "api/v1/releases": "/api/v1/releases",
    "api/v1/scores": "/api/v1/scores",
    "api/v1/releases/<index>/<version>": "/api/v1/releases/TOY/{version}",
    "api/v1/releases/<index>/<version>/framework": "/api/v1/releases/TOY/{version}/framework",
    "api/v1/releases/<index>/<version>/codebook": "/api/v1/releases/TOY/{version}/codebook",
    "api/v1/releases/<index>/<version>/units": "/api/v1/releases/TOY/{version}/units",
    "api/v1/releases/<index>/<version>/scores": "/api/v1/releases/TOY/{version}/scores",
    "api/v1/releases/<index>/<version>/wide": "/api/v1/releases/TOY/{version}/wide",
    "api/v1/releases/<index>/<version>/answers": "/api/v1/releases/TOY/{version}/answers",
    "<str:index>/<str:version>/what-if/": "/TOY/{version}/what-if/",
    "<str:index>/<str:version>/what-if/<str:unit>/": "/TOY/{version}/what-if/BB/?q2=true",
    "<str:index>/<str:version>/goal/<str:unit>/": "/TOY/{version}/goal/BB/?band=high",
    "api/v1/releases/<index>/<version>/what-if/<unit>":
        "/api/v1/releases/TOY/{version}/what-if/BB?change=q2:true",
    "api/v1/releases/<index>/<version>/goal/<unit>":
        "/api/v1/releases/TOY/{version}/goal/BB?band=high",
    "api/v1/releases/<index>/<version>/outcomes": "/api/v1/releases/TOY/{version}/outcomes",
    "<str:index>/<str:version>/<str:unit>/report/": "/TOY/{version}/AA/report/",
    "<str:index>/<str:version>/weights/": "/TOY/{version}/weights/",
    "api/v1/releases/<index>/<version>/weights": "/api/v1/releases/TOY/{version}/weights",
}  # fmt: skip
# routes that hold no release data, or whose embargo is tested elsewhere
NOT_RELEASE_DATA = {
    "admin/",  # the admin: staff only
    "accounts/",  # sign in and out
    "accounts/login/",  # (throttled)
    "i18n/setlang/",
    "robots.txt",  # rules for crawlers, no data (test_site_files)
    "assets/vega-embed.js",
    "api/v1/",  # the API's root (404)
    "api/v1/openapi.json",
    "api/v1/docs",
    "<str:index>/<str:version>/robustness/",  # test_robustness_release
    "<str:index>/<str:version>/chart/robustness.<chartfmt:fmt>",  # test_robustness_release
    "api/v1/releases/<index>/<version>/robustness",  # test_robustness_channels
    "api/v1/releases/<index>/<version>/units/<unit>/robustness",  # test_robustness_channels
    # the collection workspace: signed-in team only, no release data (test_collection)
    "work/",
    "work/<slug:code>/<str:unit>/",
    "work/<slug:code>/<str:unit>/<str:indicator>/",
    "work/<slug:code>/<str:unit>/questionnaire.xlsx",
    "work/<slug:code>/<str:unit>/upload/",
    "work/<slug:code>/<str:unit>/read/",
    "work/<slug:code>/agreement/",
    "work/<slug:code>/answers.csv",
    "work/invitation/<str:token>/",
    "work/<slug:code>/<str:unit>/steps/<slug:action>/",  # test_bulk_steps
    "work/<slug:code>/score/",  # central team only; makes an embargoed release (test_scoring)
    # the central team's people pages: no release data (test_invitations)
    "work/<slug:code>/invite/",
    "work/<slug:code>/invite/confirm/",
    "work/people/",
    "work/people/<int:pk>/",
    "work/people/<int:pk>/invite/",
    "work/invitations/<int:pk>/<slug:action>/",
    # comparing releases (TOY cannot be compared with itself): test_dialogue_comparison
    "<str:index>/<str:version>/compare-with/",
    "<str:index>/<str:version>/compare-with/<str:other>/",
    "api/v1/releases/<index>/<version>/compare-with/<other>",
    "api/v1/releases/<index>/<version>/compare-aggregation/<method>",
    # recommendations, peers and typology need areas (TOY has none): test_dialogue_recommendations
    "<str:index>/<str:version>/recommendations/<str:unit>/",
    "api/v1/releases/<index>/<version>/recommendations/<unit>",
    "api/v1/releases/<index>/<version>/peers/<unit>",
    "<str:index>/<str:version>/typology/",
    "<str:index>/<str:version>/typology/chart.<str:fmt>",
    "api/v1/releases/<index>/<version>/typology",
    # a release's PDF and ZIP of reports (binary): test_reports
    "<str:index>/<str:version>/<str:unit>/report.pdf",
    "<str:index>/<str:version>/download/reports.zip",
}
ROUTE_EXAMPLES = list(ROUTES.values())


def fetch(client: Client, route: str, version: str) -> tuple[int, str]:
    response = client.get(route.format(version=version), follow=True)
    if response.get("Content-Type", "").startswith("application/zip"):
        return response.status_code, response.getvalue().decode("latin-1")
    return response.status_code, response.getvalue().decode()


@pytest.mark.parametrize("route", ROUTE_EXAMPLES)
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
    if "framework" not in route and "codebook" not in route:  # neither holds unit data
        assert ("2024.1" in body) or ("AA" in body)


@pytest.mark.parametrize("route", ROUTE_EXAMPLES)
def test_a_logged_in_user_without_the_role_does_not_either(
    client: Client, published: Release, embargoed: Release, outsider: Any, route: str
) -> None:
    client.force_login(outsider)
    status, body = fetch(client, route, embargoed.version)
    assert status == 404 if "{version}" in route else "2025.1" not in body


@pytest.mark.parametrize("route", ROUTE_EXAMPLES)
def test_the_role_sees_it_before_publication(
    client: Client, published: Release, embargoed: Release, insider: Any, route: str
) -> None:
    client.force_login(insider)
    status, body = fetch(client, route, embargoed.version)
    assert status == 200
    if route in ("/", "/api/v1/releases"):  # (the sitemap is for search engines: public only)
        assert "2025.1" in body


def test_api_scores_of_the_published_release(client: Client, published: Release) -> None:
    rows = client.get("/api/v1/releases/TOY/2024.1/scores?node=TOY").json()
    assert rows["count"] == 3
    by_unit = {r["unit"]: (r["score"], r["rank"], r["band"]) for r in rows["items"]}
    assert by_unit == {
        "AA": (100.0, 1, "high"),
        "BB": (50.0, 2, "high"),
        "<b>CC": (0.0, 3, "low"),
    }
    page = client.get("/api/v1/releases/TOY/2024.1/scores?limit=2&offset=2").json()
    assert page["count"] == 9
    assert len(page["items"]) == 2


def test_unit_text_is_escaped(client: Client, published: Release) -> None:
    body = client.get("/TOY/2024.1/").content.decode()
    assert "&lt;b&gt;CC" in body
    assert "<b>CC" not in body


def test_the_sitemap_lists_published_pages_only(
    client: Client, published: Release, embargoed: Release
) -> None:
    from xml.etree import ElementTree

    body = client.get("/sitemap.xml").content
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [u.text for u in ElementTree.fromstring(body).findall("s:url/s:loc", ns)]
    paths = {u.removeprefix("http://testserver") for u in urls if u}
    assert "/TOY/2024.1/" in paths
    assert "/TOY/2024.1/AA/" in paths
    assert "/TOY/2024.1/node/q1/" in paths
    assert "/TOY/2024.1/methodology/" in paths
    assert not any("2025.1" in p for p in paths)
    for path in sorted(paths):  # every listed page exists
        assert client.get(path).status_code == 200, path


def test_every_public_route_is_checked_above() -> None:
    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(items: list[Any], prefix: str = "") -> list[str]:
        out = []
        for p in items:
            if isinstance(p, URLResolver):
                if str(p.pattern) in ("admin/", "accounts/"):
                    out.append(str(p.pattern))
                else:
                    out += patterns(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append(prefix + str(p.pattern))
        return out

    every = set(patterns(get_resolver().url_patterns))
    assert every - set(ROUTES) - NOT_RELEASE_DATA == set()  # a new route needs an embargo test
    assert set(ROUTES) | NOT_RELEASE_DATA <= every  # and no stale entries
