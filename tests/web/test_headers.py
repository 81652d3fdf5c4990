"""Headers that hold for every route: a Content-Security-Policy without inline script or style,
HSTS over HTTPS, ``Cache-Control: private, no-store`` for a signed-in user, and HEAD wherever
GET answers."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from polindex.web.api.endpoints import api
from polindex.web.releases.models import Release

from .conftest import client_for

# pages of every kind (explorer, chart to embed, sign-in, API docs, workspace, admin)
PAGES = [
    "/",
    "/TOY/2024.1/",
    "/TOY/2024.1/AA/",
    "/TOY/2024.1/compare/?units=AA,BB",
    "/TOY/2024.1/node/q1/",
    "/TOY/2024.1/methodology/",
    "/search/?q=A",
    "/accounts/login/",
    "/api/v1/docs",
]
SIGNED_IN_PAGES = ["/work/", "/work/demo-2025/AT/", "/work/demo-2025/AT/LMM1/", "/admin/"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)


def _policy(response: Any) -> dict[str, list[str]]:
    directives = (d.split() for d in response["Content-Security-Policy"].split(";"))
    return {d[0]: d[1:] for d in directives if d}


def _assert_strict(path: str, response: Any) -> None:
    assert response.status_code == 200, path
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"], path  # no inline script, no eval
    assert policy["style-src"] == ["'self'"], path
    assert policy["object-src"] == ["'none'"], path
    body = response.content.decode()
    assert INLINE_SCRIPT.findall(body) == [], path  # what the policy would block
    assert INLINE_STYLE.findall(body) == [], path


def test_every_page_has_a_strict_policy_and_needs_no_inline_code(
    published: Release, people: dict[str, Any]
) -> None:
    public = Client()
    for path in PAGES:
        _assert_strict(path, public.get(path))
        assert _policy(public.get(path))["frame-ancestors"] == ["'self'"], path  # cached too
        assert public.get(path)["X-Frame-Options"] == "SAMEORIGIN", path
    central = client_for(people["central"])
    people["central"].is_staff = people["central"].is_superuser = True
    people["central"].save()
    for path in SIGNED_IN_PAGES:
        _assert_strict(path, central.get(path))


def test_an_embeddable_chart_may_be_framed_anywhere_even_from_the_page_cache(
    published: Release,
) -> None:
    client = Client()
    path = "/TOY/2024.1/chart/ranking/TOY/2024.html"
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(path)
        _assert_strict(path, response)
        assert _policy(response)["frame-ancestors"] == ["*"]
        assert "X-Frame-Options" not in response


def test_hsts_over_https_outside_debug_and_local_http(client: Client, published: Release) -> None:
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/")  # HTTP: browsers ignore it


EMBARGOED = [
    "/TOY/2025.1/",
    "/TOY/2025.1/AA/",
    "/TOY/2025.1/download/long.csv",
    "/TOY/2025.1/chart/ranking/TOY/2024.csv",
    "/TOY/2025.1/chart/ranking/TOY/2024.html",
    "/api/v1/releases/TOY/2025.1/scores",
]


def test_whatever_a_signed_in_user_sees_is_private_and_not_stored(
    embargoed: Release, insider: Any, outsider: Any
) -> None:
    inside = client_for(insider)
    for path in [*EMBARGOED, "/", "/TOY/2024.1/", "/api/v1/releases"]:
        response = inside.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path
    assert client_for(outsider).get("/TOY/2024.1/")["Cache-Control"] == "private, no-store"
    anonymous = Client()
    assert anonymous.get("/api/v1/releases")["Cache-Control"] == "public, max-age=300"
    assert "private" not in anonymous.get("/TOY/2024.1/").get("Cache-Control", "")
    for path in EMBARGOED:
        assert anonymous.get(path).status_code == 404, path
    assert inside.get("/assets/vega-embed.js")["Cache-Control"] == "public, max-age=86400"


# a value for each URL parameter (the TOY releases and the demo edition of tests/web/conftest)
SAMPLES = {
    "index": "TOY", "version": "2024.1", "unit": "AA", "units": "AA,BB", "node": "TOY",
    "period": "2024", "fmt": "csv", "indicator": "LMM1", "token": "no-such-token",
    "app_label": "releases", "object_id": "1", "content_type_id": "1", "id": "1",
    "uidb64": "MQ", "other": "2024.1", "method": "arithmetic", "pk": "1",
}  # fmt: skip
BY_ROUTE = {  # where a parameter of the same name means something else
    "explorer:download": {"fmt": "long.csv"},
    "explorer:node": {"code": "q1"},
    "collection:step": {"action": "validate"},
    "collection:invitation_step": {"action": "resend"},
}


def _params(pattern: Any) -> list[str]:
    return list(getattr(pattern, "converters", None) or pattern.regex.groupindex)


def _routes(
    patterns: list[Any], namespace: str = "", outer: tuple[str, ...] = ()
) -> list[tuple[str, Any, tuple[str, ...]]]:
    """Every named route, with the parameters of the includes it sits in."""
    found: list[tuple[str, Any, tuple[str, ...]]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _routes(p.url_patterns, inner, (*outer, *_params(p.pattern)))
        elif isinstance(p, URLPattern) and p.name:
            found.append((namespace + p.name, p, outer))
    return found


def _url(name: str, pattern: URLPattern, outer: tuple[str, ...] = ()) -> str:
    params = [*outer, *_params(pattern.pattern)]
    samples = {**SAMPLES, "code": "demo-2025", **BY_ROUTE.get(name, {})}
    return reverse(name, kwargs={k: samples[k] for k in params})


def _head_is_get(client: Client, url: str) -> int:
    get, head = client.get(url), client.head(url)
    if get.status_code == 405:  # a route for another method (sign-out, language switch)
        assert head.status_code == 405, url
        return 0
    assert head.status_code == get.status_code, url
    assert head.getvalue() == b"", url
    # the same headers, but for the clock and a form's token (and with it its size and ETag),
    # which changes at every view
    moving = {"Expires"} | ({"ETag", "Content-Length"} if b"csrf" in get.getvalue() else set())
    assert {h: v for h, v in head.items() if h not in moving} == {
        h: v for h, v in get.items() if h not in moving
    }, url
    return 1


def test_head_answers_wherever_get_does(
    published: Release, people: dict[str, Any], edition: Any
) -> None:
    routes = _routes(get_resolver().url_patterns)
    assert len(routes) > 60  # explorer, API, workspace, accounts, admin
    people["central"].is_staff = people["central"].is_superuser = True
    people["central"].save()
    answered = 0
    for client in (Client(), client_for(people["central"])):
        for name, pattern, outer in routes:
            answered += _head_is_get(client, _url(name, pattern, outer))
    assert answered > 100


def test_head_answers_on_every_api_operation_that_gets(published: Release) -> None:
    client = Client()
    paths = api.get_openapi_schema()["paths"]
    gets = [path for path, operations in paths.items() if "get" in operations]
    assert len(gets) >= 9
    for path in gets:
        url = re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], path)
        head = client.head(url)
        assert head.status_code == client.get(url).status_code != 405, url
    assert client.head("/api/v1/releases").status_code == 200
