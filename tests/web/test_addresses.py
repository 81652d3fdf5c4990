"""An address with a control character is refused before any view (issue 13): PostgreSQL
refuses a NUL in any text, so ``/explorer/ImmPol%00/`` was a server error there. Pages answer
400 with a page saying why, the API 404 (in the path) or 422 (in a query parameter) as JSON —
for GET and HEAD alike."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from polindex.web.releases.models import Release

PAGES = [
    "/explorer/ImmPol%00/",
    "/TOY/2024.1%00/",
    "/TOY/2024.1/AA%01/",
    "/TOY/2024.1/node/q1%1F/",
    "/?period=2024%00",
    "/search/?q=%00",
    "/TOY/2024.1/compare/?units%0B=AA",
    "/work/demo%00/AT/",
    "/admin/releases/release/?q=%00",
]
NOT_FOUND = {"detail": "Not Found"}


def test_a_page_address_with_a_control_character_is_a_400_saying_why(published: Release) -> None:
    client = Client()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 400, path
        assert response["Content-Type"] == "text/html; charset=utf-8", path
        body = response.content.decode()
        assert "<h1>Bad request</h1>" in body, path
        assert "control character" in body, path
        assert "\x00" not in body, path  # the address is not echoed
        assert "script-src 'self'" in response["Content-Security-Policy"], path
        assert response["X-Frame-Options"] == "SAMEORIGIN", path
        head = client.head(path)
        assert (head.status_code, head.content) == (400, b""), path
        assert int(head["Content-Length"]) == len(response.content), path
    path_message = "This web address holds a control character, which no address here uses."
    assert path_message in client.get(PAGES[0]).content.decode()
    assert "A parameter of this web address holds a control character." in (
        client.get("/search/?q=%00").content.decode()
    )
    # a public page's language is its address's (/fr/…); the workspace's, the visitor's
    french = client.get("/fr" + PAGES[0], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in french
    assert "<h1>Requête invalide</h1>" in french
    assert '<html lang="en">' in client.get(PAGES[0], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    workspace = client.get("/work/demo%00/AT/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Requête invalide</h1>" in workspace


def test_tab_line_feed_and_carriage_return_are_not_refused(published: Release) -> None:
    client = Client()
    assert client.get("/search/?q=A%09%0A%0D").status_code == 200
    assert client.get("/TOY/2024.1/%09/").status_code == 404  # no such unit, but no refusal
    assert client.get("/api/v1/releases/TOY/2024.1/scores?unit=AA%0A").json()["count"] == 0


def test_an_api_path_with_a_control_character_is_not_found(published: Release) -> None:
    client = Client()
    for path in [
        "/api/v1/releases/x%00y/2016",
        "/api/v1/releases/TOY/2024.1%00",
        "/api/v1/releases/TOY/2024.1/scores%07?unit=AA",
        "/api/v1/%00",
    ]:
        response = client.get(path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
        assert response["Access-Control-Allow-Origin"] == "*", path  # as any API answer
        head = client.head(path)
        assert (head.status_code, head.content) == (404, b""), path


def test_an_api_query_parameter_with_a_control_character_is_a_422(published: Release) -> None:
    client = Client()
    response = client.get("/api/v1/releases/TOY/2024.1/scores?unit=A%00A&node=q1&period=%1B")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "control_character",
                "loc": ["query", "unit"],
                "msg": "Value must not hold a control character (U+0000)",
            },
            {
                "type": "control_character",
                "loc": ["query", "period"],
                "msg": "Value must not hold a control character (U+001B)",
            },
        ]
    }
    name = client.get("/api/v1/scores?in%00dex=TOY")
    assert name.status_code == 422
    assert name.json()["detail"] == [
        {
            "type": "control_character",
            "loc": ["query", "in\x00dex"],
            "msg": "The parameter's name holds a control character (U+0000)",
        }
    ]
    for path in ["/api/v1/scores?release=%00", "/api/v1/releases/TOY/2024.1/wide?unit=%00"]:
        assert client.get(path).status_code == 422, path
        assert client.head(path).status_code == 422, path
        assert client.head(path).content == b"", path


def test_a_cookie_with_a_control_character_is_ignored(published: Release) -> None:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"
    assert client.get("/TOY/2024.1/").status_code == 200  # as without a session
    assert client.get("/api/v1/releases").status_code == 200
    assert client.get("/work/")["Location"] == "/accounts/login/?next=/work/"
