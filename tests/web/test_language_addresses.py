"""The language is in the address (decision 024): ``/fr/…`` is French, the unprefixed address
English whatever the browser asks; each page links to itself in the other language and names
its alternates; the page cache keeps the languages apart; the old addresses still work."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from django.test import Client

from polindex.web.releases.models import Release

from .conftest import SharedCache

KINDS = [  # every public page kind, and a chart's embeddable page
    "/",
    "/TOY/2024.1/",
    "/TOY/2024.1/compare/?units=AA,BB",
    "/TOY/2024.1/methodology/",
    "/TOY/2024.1/node/q1/",
    "/TOY/2024.1/AA/",
    "/search/?q=AA",
    "/TOY/2024.1/chart/ranking/TOY/2024.html",
]


def alternates(body: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', body))


def language_links(body: str) -> dict[str, str]:
    nav = re.search(r'<nav class="languages".*?</nav>', body, re.S)
    assert nav is not None
    return dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav.group()))


def test_every_page_kind_has_a_french_address_and_english_stays_at_the_root(
    client: Client, published: Release
) -> None:
    for path in KINDS:
        french = client.get("/fr" + path)
        assert french.status_code == 200, path
        assert french["Content-Language"] == "fr"
        assert '<html lang="fr">' in french.content.decode(), path
        # a French browser on the unprefixed address reads English: the address decides
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
        assert english.status_code == 200, path
        assert english["Content-Language"] == "en"
        assert '<html lang="en">' in english.content.decode(), path
        assert "Accept-Language" not in english.get("Vary", ""), path  # one entry per address
    # links inside a French page stay French
    body = client.get("/fr/TOY/2024.1/").content.decode()
    assert 'href="/fr/TOY/2024.1/AA/"' in body
    assert 'href="/fr/TOY/2024.1/chart/ranking/TOY/2024.html"' in body
    assert 'href="/TOY/2024.1/AA/"' not in body
    assert 'src="/assets/vega-embed.js"' in body  # one script for every language


def test_hreflang_alternates_name_each_language_and_the_default(
    client: Client, published: Release
) -> None:
    for path in KINDS:
        for prefix in ("", "/fr"):
            body = client.get(prefix + path, HTTP_HOST="localhost", secure=True).content
            assert alternates(body.decode()) == {
                "en": f"https://localhost{path}",
                "fr": f"https://localhost/fr{path}",
                "x-default": f"https://localhost{path}",
            }, prefix + path


def test_the_language_link_goes_to_the_same_page_in_the_other_language(
    client: Client, published: Release
) -> None:
    page = "/TOY/2024.1/compare/?units=AA,BB&period=2024"
    english = client.get(page).content.decode()
    assert language_links(english) == {"/fr" + page.replace("&", "&amp;"): "fr"}
    assert '<span aria-current="true" lang="en">English</span>' in english
    french = client.get("/fr" + page).content.decode()
    assert language_links(french) == {page.replace("&", "&amp;"): "en"}
    assert '<span aria-current="true" lang="fr">Français</span>' in french
    assert 'action="/i18n/setlang/"' not in french  # a link, no form
    # followed, the link opens the same page in French
    assert client.get("/fr" + page).status_code == 200


def test_french_and_english_pages_are_cached_apart(
    shared_cache: SharedCache, published: Release
) -> None:
    client = Client()
    rounds = []
    for _ in range(2):  # rendered, then from the cache
        rounds.append(
            [
                client.get("/TOY/2024.1/").content.decode(),
                client.get("/fr/TOY/2024.1/").content.decode(),
                client.get("/TOY/2024.1/", HTTP_ACCEPT_LANGUAGE="fr").content.decode(),
                # the API has no language in its address: the key holds the language asked for
                client.get("/api/v1/releases/TOY/2024.1", HTTP_ACCEPT_LANGUAGE="fr").content,
                client.get("/api/v1/releases/TOY/2024.1", HTTP_ACCEPT_LANGUAGE="en").content,
            ]
        )
    first, second = rounds
    assert first == second
    english, french, english_for_a_french_browser = second[:3]
    assert '<html lang="en">' in english
    assert "Ranking" in english
    assert '<html lang="fr">' in french
    assert "Classement" in french
    assert english_for_a_french_browser == english
    if shared_cache.kind == "database":  # the entries themselves: one per address and language
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM polindex_page_cache")
            keys = [k for (k,) in cursor.fetchall() if "polindex:page:" in k]
        assert len(keys) == 4  # en page, fr page, API in fr, API in en


def test_old_addresses_still_work(client: Client, published: Release) -> None:
    for path in KINDS:  # unprefixed addresses are the English pages, as before
        assert client.get(path).status_code == 200, path
    assert client.get("/TOY/2024.1/chart/series/AA.csv").status_code == 200  # old embeds
    # the language form of cached pages (and of the workspace) leads to the page in that language
    moved = client.post("/i18n/setlang/", {"language": "fr", "next": "/TOY/2024.1/?period=2024"})
    assert moved.status_code == 302
    assert moved["Location"] == "/fr/TOY/2024.1/?period=2024"
    assert moved.cookies["django_language"].value == "fr"
    back = client.post("/i18n/setlang/", {"language": "en", "next": "/fr/TOY/2024.1/AA/"})
    assert back["Location"] == "/TOY/2024.1/AA/"
    work = client.post("/i18n/setlang/", {"language": "fr", "next": "/work/"})
    assert work["Location"] == "/work/"
    # /en/… is the unprefixed address; /fr is /fr/
    english = client.get("/en/TOY/2024.1/?period=2024")
    assert (english.status_code, english["Location"]) == (301, "/TOY/2024.1/?period=2024")
    assert client.get("/fr")["Location"] == "/fr/"
    assert client.get("/en//example.org/")["Location"] == "/example.org/"  # never another host
    assert client.get("/en-us/TOY/2024.1/").status_code == 404  # a prefix is a language exactly


def test_the_api_and_the_workspace_keep_the_visitor_s_language(
    client: Client, published: Release
) -> None:
    names = {
        lang: client.get("/api/v1/releases/TOY/2024.1/units", HTTP_ACCEPT_LANGUAGE=lang)
        for lang in ("en", "fr")
    }
    assert all("Accept-Language" in r["Vary"] for r in names.values())
    assert names["fr"]["Content-Language"] == "fr"
    asked = client.get("/api/v1/releases/TOY/2024.1/units?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    assert asked["Content-Language"] == "fr"
    assert client.get("/api/v1/releases?lang=xx")["Content-Language"] == "en"
    login = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    body = login.content.decode()
    assert '<html lang="fr">' in body
    # no address per language here: the language is chosen with the form (a cookie)
    assert '<form action="/i18n/setlang/" method="post"' in body
    assert 'hreflang="' not in body
    client.cookies["django_language"] = "fr"
    assert client.get("/accounts/login/")["Content-Language"] == "fr"
    assert client.get("/TOY/2024.1/")["Content-Language"] == "en"  # the address still decides


def test_the_sitemap_lists_each_page_in_each_language_with_its_alternates(
    client: Client, published: Release
) -> None:
    body = client.get("/sitemap.xml").content
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = {
        url.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in ElementTree.fromstring(body).findall("s:url", ns)
    }
    both = {
        "en": "http://testserver/TOY/2024.1/AA/",
        "fr": "http://testserver/fr/TOY/2024.1/AA/",
        "x-default": "http://testserver/TOY/2024.1/AA/",
    }
    assert entries["http://testserver/TOY/2024.1/AA/"] == both
    assert entries["http://testserver/fr/TOY/2024.1/AA/"] == both
    assert "http://testserver/fr/" in entries
    assert len(entries) % 2 == 0  # every page twice
