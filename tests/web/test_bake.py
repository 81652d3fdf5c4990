"""The static bake, served by a plain HTTP server: every link resolves, nothing embargoed."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit

import pytest

from polindex.web.releases.bake import bake, server_only
from polindex.web.releases.models import Release

from .conftest import made_once, publish_toy, publish_toy_embargoed

LINK = re.compile(r"""(?:href|src)=["']([^"'#]+)["']""")


@pytest.fixture(scope="module")
def site(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """TOY 2024.1 baked (TOY 2025.1 under embargo beside it), once for the module: the baked
    copy is files only, so its rows are rolled back as soon as it is written."""
    out = tmp_path_factory.mktemp("bake") / "site"
    with made_once(django_db_blocker):
        published = publish_toy()
        publish_toy_embargoed()
        bake(published, out, "https://data.example.org")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", out
    finally:
        server.shutdown()


def test_every_link_of_the_baked_site_resolves(site: tuple[str, Path]) -> None:
    base, out = site
    seen: set[str] = set()
    queue = ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            with urllib.request.urlopen(base + path) as response:
                body = response.read()
                kind = response.headers.get("Content-Type", "")
        except HTTPError as exc:
            pytest.fail(f"{path}: HTTP {exc.code}")
        if "html" in kind:
            for link in LINK.findall(body.decode("utf-8", "replace")):
                url = urlsplit(urljoin(path, link))
                if not (url.scheme or url.netloc or url.query or server_only(url.path)):
                    queue.append(url.path)
    assert {"/", "/TOY/2024.1/", "/TOY/2024.1/download/long.csv", "/TOY/2024.1/AA/"} <= seen
    assert len(seen) > 10
    # every page in French too, reached from the English ones by their language links
    assert {"/fr/", "/fr/TOY/2024.1/", "/fr/TOY/2024.1/AA/", "/fr/TOY/2024.1/methodology/"} <= seen
    french = {p for p in seen if p.startswith("/fr/")}
    assert {"/fr" + p for p in seen if p.endswith("/") and not p.startswith("/fr/")} <= french
    # the header's sign-in and workspace links lead to the live site's server, not into the copy
    assert not (out / "accounts").exists()
    assert not (out / "work").exists()
    # their absolute links (hreflang) name the address the bake is served from
    page = (out / "fr" / "TOY" / "2024.1" / "AA" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert 'hreflang="en" href="https://data.example.org/TOY/2024.1/AA/"' in page
    assert 'hreflang="fr" href="https://data.example.org/fr/TOY/2024.1/AA/"' in page


def test_the_bake_holds_no_embargoed_release_and_mirrors_the_api(site: tuple[str, Path]) -> None:
    _, out = site
    for file in out.rglob("*"):
        if file.is_file():
            assert "2025.1" not in file.read_text(encoding="utf-8", errors="replace"), file
    mirror = json.loads((out / "api" / "v1" / "mirror.json").read_text())
    scores = json.loads(
        (out / mirror["/api/v1/releases/TOY/2024.1/scores?limit=1000&offset=0"]).read_text()
    )
    assert scores["count"] == 9
    assert json.loads((out / mirror["/api/v1/releases"]).read_text())[0]["version"] == "2024.1"


def test_an_embargoed_release_cannot_be_baked(embargoed: Release, tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="not public"):
        bake(embargoed, tmp_path / "x")
