"""Page weight: the home page stays within 100 kB gzipped and every other page kind within
200 kB, as served (gzipped by the server), with the world map inline (issue 14: the map alone
weighed 223 kB gzipped on every page that showed it)."""

from __future__ import annotations

from django.test import Client

from polindex.web.releases.models import Release

HOME_BUDGET = 100_000
PAGE_BUDGET = 200_000
PAGES = [  # every page kind of the explorer, the heaviest (with the map) first
    "/TOY/2024.1/",
    "/TOY/2024.1/node/q1/",
    "/TOY/2024.1/BB/",
    "/TOY/2024.1/compare/?units=AA,BB",
    "/TOY/2024.1/methodology/",
    "/search/?q=a",
]


def served(client: Client, path: str) -> int:
    """The bytes the server sends for ``path`` to a browser that takes gzip."""
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, path
    assert response["Content-Encoding"] == "gzip", path
    return len(response.content)


def test_home_and_every_page_kind_stay_within_their_weight(
    client: Client, published: Release
) -> None:
    home = client.get("/").content.decode()
    assert '<g class="bb country map-element" fill="#' in home  # the map is there, coloured
    assert served(client, "/") <= HOME_BUDGET
    weights = {path: served(client, path) for path in PAGES}
    assert max(weights.values()) <= PAGE_BUDGET, weights
