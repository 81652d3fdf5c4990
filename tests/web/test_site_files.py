"""What the site tells browsers, crawlers and sharing cards: robots.txt, the favicon, Open Graph
and Twitter cards per page; the header on every page; the API docs and the admin in the look."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.test import Client

from polindex.web.releases.models import Release

from .conftest import client_for


def _meta(body: str) -> dict[str, str]:
    """The page's ``<meta>`` tags: property or name → content (entities read)."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', body)
    return {key: html.unescape(value) for key, value in found}


def test_robots_txt_keeps_crawlers_to_public_pages_and_points_to_the_sitemap(
    client: Client, settings: Any, db: None
) -> None:
    settings.ALLOWED_HOSTS = ["index.example.org", "testserver"]
    response = client.get("/robots.txt", HTTP_HOST="index.example.org", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Allow: /",
        "Disallow: /work/",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Sitemap: https://index.example.org/sitemap.xml",
    ]
    assert client.get("/sitemap.xml").status_code == 200  # where it points exists
    assert client.post("/robots.txt").status_code == 405


def test_every_page_links_the_favicon_a_small_svg_of_our_own(
    client: Client, published: Release
) -> None:
    link = '<link rel="icon" href="/static/explorer/favicon.svg" type="image/svg+xml">'
    for url in ("/", "/TOY/2024.1/", "/no/such/page/", "/api/v1/docs", "/accounts/login/"):
        assert link in client.get(url).content.decode(), url
    response = client.get("/static/explorer/favicon.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = b"".join(response.streaming_content)
    assert len(svg) < 1024
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 32 32"
    assert b"href" not in svg
    assert b"style" not in svg


def test_each_page_has_its_card_title_description_and_full_address(
    client: Client, published: Release, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["index.example.org"]
    pages = {
        "/": ("Polindex", "Comparative policy indexes"),
        "/TOY/2024.1/": ("Toy index 2024.1", "Toy index 2024.1: every country's score"),
        "/TOY/2024.1/BB/": ("Barbados — Toy index", "Barbados in Toy index 2024.1: score"),
        "/TOY/2024.1/node/q1/": ("q1 — Toy index", "q1 in Toy index 2024.1: every country"),
        "/TOY/2024.1/compare/?units=AA,BB": ("Compare — Toy index", "Toy index 2024.1"),
        "/search/?q=Barbados": ("Search", "Comparative policy indexes"),
    }
    for url, (title, description) in pages.items():
        body = client.get(url, HTTP_HOST="index.example.org").content.decode()
        meta = _meta(body)
        page_title = html.unescape(re.search(r"<title>(.*?)</title>", body, re.S)[1]).strip()
        assert page_title.startswith(title), (url, page_title)
        assert meta["og:title"] == meta["twitter:title"] == " ".join(page_title.split()), url
        assert meta["description"].startswith(description), (url, meta["description"])
        assert meta["og:description"] == meta["twitter:description"] == meta["description"]
        assert meta["og:url"] == "http://index.example.org" + url, url
        assert meta["og:site_name"] == "Polindex"
        assert meta["og:type"] == "website"
        assert meta["twitter:card"] == "summary"
        assert meta["og:locale"] == "en"


def test_cards_escape_what_the_data_says(client: Client, published: Release) -> None:
    body = client.get("/fr/TOY/2024.1/%3Cb%3ECC/").content.decode()
    assert "<b>CC" not in body
    meta = _meta(body)
    assert meta["og:title"].startswith("<b>CC — Toy index")  # read back from &lt;b&gt;
    assert meta["og:description"].startswith("<b>CC dans Toy index 2024.1 : score, rang")
    assert meta["og:locale"] == "fr"


def test_the_header_offers_the_release_pages_search_language_and_sign_in(
    client: Client, published: Release
) -> None:
    body = client.get("/TOY/2024.1/methodology/").content.decode()
    header = body[body.index('<header class="site-header">') : body.index("</header>")]
    nav = header[header.index('<nav class="release-nav"') :]
    assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav) == [
        ("/TOY/2024.1/", "Ranking"),
        ("/TOY/2024.1/compare/", "Compare"),
        ("/TOY/2024.1/methodology/", "Methodology"),  # no robustness: none published
    ]
    assert '<a href="/TOY/2024.1/methodology/" aria-current="page">' in nav
    assert 'aria-label="Toy index 2024.1"' in nav
    assert 'action="/search/" method="get" role="search"' in header
    # the same page in the other language (explorer/_languages.html)
    assert '<a href="/fr/TOY/2024.1/methodology/" hreflang="fr" lang="fr">' in header
    assert '<a href="/accounts/login/">Sign in</a>' in header
    assert "csrfmiddlewaretoken" not in body  # a page everyone may be served from the cache
    home = client.get("/").content.decode()
    assert 'class="release-nav"' not in home
    assert '<a href="/" aria-current="page">Home</a>' in home


def test_signed_in_the_header_leads_to_the_workspace_and_signs_out(
    people: dict[str, Any],
) -> None:
    body = client_for(people["expert_at"]).get("/work/demo-2025/AT/").content.decode()
    header = body[body.index('<header class="site-header">') : body.index("</header>")]
    assert '<a href="/work/">My work</a>' in header
    assert '<li class="who">expert_at</li>' in header
    assert re.search(r'<form method="post" action="/accounts/logout/">'
                     r'<input type="hidden" name="csrfmiddlewaretoken" value="\w+">'
                     r'<button type="submit">Sign out</button></form>', header)  # fmt: skip
    assert '<link rel="stylesheet" href="/static/collection/workspace.css">' in body


def test_the_api_docs_are_a_page_of_the_site(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<header class="site-header">' in body
    assert '<footer class="site-footer">' in body
    assert '<a href="/api/v1/docs" aria-current="page">API</a>' in body
    for sheet in ("explorer/site.css", "ninja/swagger-ui.css", "explorer/apidocs.css"):
        assert f'<link rel="stylesheet" href="/static/{sheet}">' in body
    assert '<script src="/static/ninja/swagger-ui-init.js"></script>' in body
    settings = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>',
                         body, re.S)  # fmt: skip
    assert settings is not None
    assert json.loads(settings[1]) == {
        "layout": "BaseLayout",
        "deepLinking": False,  # its links nested in buttons fail WCAG (axe: nested-interactive)
        "url": "/api/v1/openapi.json",
    }
    assert " style=" not in body
    assert "<style" not in body
    assert "<script>" not in body  # no inline script either
    assert client.get("/static/explorer/apidocs.css").status_code == 200


def test_the_admin_is_branded(client: Client, django_user_model: Any) -> None:
    body = client.get("/admin/login/").content.decode()
    assert "Polindex administration" in body
    assert '<link rel="stylesheet" href="/static/explorer/admin.css">' in body
    chief = django_user_model.objects.create_superuser("chief", "c@example.org", "pw-chief-1")
    page = client_for(chief).get("/admin/").content.decode()
    assert "<title>Editions, releases and people | Polindex administration</title>" in page
    assert '<div id="site-name"><a href="/admin/">' in page
    assert " style=" not in page
