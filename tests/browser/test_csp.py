"""The Content-Security-Policy breaks nothing: every kind of page works in Chromium under it, and
the browser reports no violation (no inline script or style, no eval, nothing from elsewhere).

Violations are caught twice: Chromium's console messages and the page's own
``securitypolicyviolation`` events (a listener added before any of the page's scripts runs).
"""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission

import polindex
from polindex.web.collection.editions import create_edition
from polindex.web.collection.models import Assignment
from polindex.web.releases.publish import publish_release

FRAMEWORK = Path(__file__).parents[2] / "examples" / "mipex-style" / "framework.yaml"
PASSWORD = "pw-csp-check-1"
NOW = dt.datetime.now(dt.UTC)
FW = {
    "code": "MAP",
    "name": {"en": "Map index"},
    "bands": [
        {"code": "low", "min": 0, "colour": "#b2182b"},
        {"code": "high", "min": 50, "colour": "#2166ac"},
    ],
    "indicators": [{"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}],
}
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sample);
});
"""


@pytest.fixture
def site(transactional_db: None, django_user_model: Any) -> dict[str, Any]:
    """A public release of three countries over two years (a map, charts), a workspace with an
    expert for AT, and a superuser for the admin."""
    answers = {"AT": ("yes", "yes"), "BE": ("yes", "no"), "DE": ("no", "no")}
    data = [
        (u, year, q, v)
        for u, pair in answers.items()
        for year in (2023, 2024)
        for q, v in zip(("q1", "q2"), pair, strict=True)
    ]
    fw = polindex.load_framework(FW)
    publish_release(polindex.score(fw, data), version="1", publish_at=NOW - dt.timedelta(days=1))
    edition = create_edition(
        FRAMEWORK, code="csp-2025", name="CSP 2025", reference_date=dt.date(2024, 12, 31),
        period="2024", units=["AT"],
    )  # fmt: skip
    expert = django_user_model.objects.create_user("expert-at", password=PASSWORD)
    Assignment.objects.create(
        edition=edition, user=expert, role="expert", unit="AT", accepted_at=NOW
    )
    chief = django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)
    chief.user_permissions.add(Permission.objects.get(codename="manage_edition"))
    return {"edition": edition}


@pytest.fixture
def watched(local_page: Any) -> Iterator[tuple[Any, list[str]]]:
    """The local page, with every CSP complaint of Chromium's console collected."""
    complaints: list[str] = []

    def console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            complaints.append(f"{message.type}: {text}")

    local_page.on("console", console)
    local_page.add_init_script(LISTEN)
    return local_page, complaints


def sign_in(page: Any, url: str, name: str, button: str) -> None:
    """Open ``url``, which asks to sign in first, sign in as ``name`` and land there."""
    page.goto(url)
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(url)


def violations(page: Any, complaints: list[str]) -> list[str]:
    return complaints + list(page.evaluate("window.__csp || []"))


def test_explorer_pages_draw_their_charts_and_map_under_the_policy(
    watched: tuple[Any, list[str]], live_server: Any, site: dict[str, Any]
) -> None:
    page, complaints = watched
    response = page.goto(live_server.url + "/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    fill = page.locator("g.at.country").evaluate("g => getComputedStyle(g).fill")
    assert fill == "rgb(33, 102, 172)"  # AT's band colour, from an SVG attribute
    assert page.locator("g.fr.country").evaluate("g => getComputedStyle(g).fill") == (
        "rgb(204, 204, 204)"
    )  # not in the index: the grey base map
    page.goto(live_server.url + "/MAP/1/")
    page.locator("#chart-ranking .vega svg").first.wait_for(timeout=15000)
    page.locator("#chart-ranking .vega svg path[role=graphics-symbol]").first.hover(force=True)
    page.locator("#vg-tooltip-element.visible").wait_for(timeout=5000)
    page.goto(live_server.url + "/MAP/1/AT/")
    page.locator("#chart-series .vega svg").first.wait_for(timeout=15000)
    embed = page.locator("#chart-series .embed-code").input_value()
    assert f'src="{live_server.url}/MAP/1/chart/series/AT.html"' in embed  # charts.js ran
    page.goto(live_server.url + "/MAP/1/compare/")
    for name in ("Austria", "Belgium"):  # the chooser lists countries by name
        page.get_by_label(name).check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/?units=AT%2CBE&period=2024")  # compare.js ran
    page.locator("#chart-compare .vega svg").first.wait_for(timeout=15000)
    page.goto(live_server.url + "/MAP/1/methodology/")
    page.goto(live_server.url + "/MAP/1/chart/series/AT.html")
    page.locator(".vega svg").first.wait_for(timeout=15000)
    assert violations(page, complaints) == []


@pytest.fixture
def elsewhere(live_server: Any) -> Iterator[str]:
    """Another site: a page on 127.0.0.1 (another origin than the live server's localhost, on
    this machine) that frames an embeddable chart and a release page of the live server."""
    frames = (
        f'<iframe id="chart" src="{live_server.url}/MAP/1/chart/series/AT.html"></iframe>'
        f'<iframe id="page" src="{live_server.url}/MAP/1/"></iframe>'
    ).encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(frames)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


def test_an_embedded_chart_can_be_framed_by_another_site_and_a_page_cannot(
    watched: tuple[Any, list[str]], live_server: Any, site: dict[str, Any], elsewhere: str
) -> None:
    page, complaints = watched
    page.route(elsewhere, lambda route: route.continue_())
    for _ in range(2):  # the second time from the page cache, with the same headers
        page.goto(elsewhere)
        page.frame_locator("#chart").locator(".vega svg").first.wait_for(timeout=15000)
        page.wait_for_timeout(500)
        urls = sorted(frame.url for frame in page.frames)
        chart = f"{live_server.url}/MAP/1/chart/series/AT.html"
        assert urls == sorted([elsewhere, chart, "chrome-error://chromewebdata/"])  # page refused
    blocked = [c for c in complaints if "frame-ancestors" in c]
    assert len(blocked) == 2, complaints  # the release page, each time
    assert [c for c in complaints if c not in blocked] == []


def test_the_admin_and_the_api_docs_work_under_the_policy(
    watched: tuple[Any, list[str]], live_server: Any, site: dict[str, Any]
) -> None:
    page, complaints = watched
    sign_in(page, live_server.url + "/admin/", "chief", "Log in")
    for path in ("/admin/releases/release/", "/admin/releases/release/add/", "/admin/auth/user/"):
        page.goto(live_server.url + path)
        assert page.locator("#content").count() == 1, path
    page.goto(live_server.url + "/api/v1/docs")
    page.get_by_text("/api/v1/releases/{index}/{version}/scores").first.wait_for(timeout=15000)
    assert violations(page, complaints) == []


def test_the_workspace_autosaves_under_the_policy(
    watched: tuple[Any, list[str]], live_server: Any, site: dict[str, Any]
) -> None:
    page, complaints = watched
    sign_in(page, live_server.url + "/work/csp-2025/AT/", "expert-at", "Sign in")
    page.goto(live_server.url + "/work/csp-2025/AT/LMM1/")
    with page.expect_request(lambda r: r.method == "POST", timeout=10000) as posted:
        page.locator("textarea").first.fill("Art. 5 of the Aliens Act & more: 5 + 6 = 11.")
        page.locator("#autosave", has_text="Draft saved").wait_for(timeout=10000)  # autosave.js
    # URL-encoded, as the form's own submit: a multipart body costs the server far more to parse
    assert posted.value.headers["content-type"].startswith("application/x-www-form-urlencoded")
    from polindex.web.collection.models import Answer

    saved = Answer.objects.get(edition__code="csp-2025", unit="AT", indicator="LMM1")
    assert saved.justification == "Art. 5 of the Aliens Act & more: 5 + 6 = 11."
    assert violations(page, complaints) == []
