"""WCAG 2.1 AA: every kind of explorer page passes axe-core's automated checks in Chromium.

axe-core comes from the ``axe-playwright-python`` package (installed with the dev extras) and is
injected into the page from disk, so no request leaves the machine. Automated checks find only
part of the possible problems; keyboard use is checked separately below.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import polindex
from polindex.cli import app
from polindex.demo import FRAMEWORK_PATH, synthetic_data
from polindex.web.releases.publish import publish_release

AXE = Path(str(files("axe_playwright_python") / "axe.min.js"))
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "/",
    "/?index=SYNTH&period=2023",
    "/T/1/",
    "/T/1/AT/",
    "/T/1/compare/?units=AT,BE,DE",
    "/T/1/node/A/",
    "/T/1/node/A/?tab=table&sort=score&order=desc",
    "/T/1/node/A/?tab=map",
    "/T/1/?sort=name&node=A",
    "/SYNTH/demo/node/W1/?tab=table",
    "/T/1/methodology/",
    "/T/1/feedback/?unit=AT",
    "/T/1/feedback/thanks/?unit=AT",
    "/T/1/robustness/",
    "/T/1/chart/ranking/T/2024.html",
    "/SYNTH/demo/",
    "/SYNTH/demo/node/WORK/",
    "/search/?q=fam",
    "/fr/T/1/AT/",  # French: the language links, the note on the index's English-only texts
    "/api/v1/docs",  # Swagger UI, restyled (explorer/apidocs.css)
    "/no/such/page/",  # the 404 page
]


@pytest.fixture
def site(transactional_db: None, robust_files: tuple[Path, Path]) -> str:
    framework, data = robust_files
    result = CliRunner().invoke(
        app, ["release", "create", str(framework), str(data), "--version", "1", "--robustness"]
    )
    assert result.exit_code == 0, result.output
    synth = polindex.score(polindex.load_framework(FRAMEWORK_PATH), synthetic_data())
    publish_release(synth, version="demo", publish_at=dt.datetime.now(dt.UTC), synthetic=True)
    units = sorted(set(synthetic_data()["unit"]))
    return f"/SYNTH/demo/{units[0]}/"


def violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one readable line per element."""
    # evaluated by the browser's devtools channel: the page's CSP refuses an inline <script> tag
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    assert len(result["passes"]) >= 10, "axe-core checked almost nothing: did it run?"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}: {node['failureSummary']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def test_every_explorer_page_kind_passes_axe_wcag_21_aa(
    local_page: Any, live_server: Any, site: str
) -> None:
    """One site for every page kind (its set-up publishes three releases): each page's
    violations are collected under its address, so one failure names every page at fault."""
    page = local_page
    found: dict[str, list[str]] = {}
    for path in [*PAGES, site]:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == (404 if path == "/no/such/page/" else 200), path
        if path == site:  # a profile with a time series: its line chart drawn
            page.locator("#chart-series .vega svg").wait_for(timeout=15000)
        if page.locator(".vega").count():
            page.locator(".vega svg").first.wait_for(timeout=15000)  # the drawn chart too
        if path == "/api/v1/docs":
            page.locator(".opblock").first.wait_for(timeout=15000)  # the routes, drawn
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_keyboard_reaches_the_content_first(local_page: Any, live_server: Any, site: str) -> None:
    page = local_page
    page.goto(live_server.url + "/T/1/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to content"
    assert skip.is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_the_checker_finds_violations(local_page: Any, live_server: Any) -> None:
    """The check can fail: a page with an unlabelled field, faint text and no language."""
    page = local_page
    page.goto(live_server.url + "/search/")
    page.evaluate(
        """() => {
        document.documentElement.removeAttribute("lang");
        document.querySelector("main").innerHTML = '<p id="faint">faint</p><input id="x">';
        const faint = document.getElementById("faint");  // styled as the CSP allows: no attribute
        faint.style.color = "#bbb";
        faint.style.background = "#fff";
    }"""
    )
    found = {line.split(" ")[0] for line in violations(page)}
    assert found == {"html-has-lang", "color-contrast", "label"}


# ---- the workspace: the same checks, at a phone's, a tablet's and a laptop's width ----------
WORKSPACE_FRAMEWORK = Path(__file__).parents[2] / "examples" / "mipex-style" / "framework.yaml"
WIDTHS = (390, 768, 1366)
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def workspace(transactional_db: None, django_user_model: Any) -> dict[str, str]:
    """An edition of the MIPEX-style questionnaire: an expert for AT with one complete draft
    (so the step "submit" has a row to preview), and an invitation not yet accepted."""
    from django.test import Client

    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Assignment

    edition = create_edition(
        WORKSPACE_FRAMEWORK, code="a11y-2025", name="Accessibility 2025",
        reference_date=dt.date(2024, 12, 31), period="2024", units=["AT", "BE"],
    )  # fmt: skip
    expert = django_user_model.objects.create_user("a11y-expert", password="pw-a11y-1")
    Assignment.objects.create(
        edition=edition, user=expert, role="expert", unit="AT", accepted_at=dt.datetime.now(dt.UTC)
    )
    invited = Assignment.objects.create(edition=edition, user=expert, role="expert", unit="BE")
    client = Client()
    client.force_login(expert)
    saved = client.post(
        "/work/a11y-2025/AT/LMM1/",
        {"action": "save", "version": 1, "option": "b", "justification": "Art. 4 of the Act.",
         "source_count": "1", "source-0-instrument": "Employment Act", "source-0-article": "4"},
    )  # fmt: skip
    assert saved.status_code == 302
    from django.conf import settings

    return {
        "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "invitation": f"/work/invitation/{invited.token}/",
    }


WORKSPACE_PAGES = {
    "answer (with guidance)": "/work/a11y-2025/AT/LMM1/",
    "country": "/work/a11y-2025/AT/",
    "step preview": "/work/a11y-2025/AT/steps/submit/",
    "read": "/work/a11y-2025/AT/read/",
    "upload": "/work/a11y-2025/AT/upload/",
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_workspace_pages_pass_axe_and_fit_the_screen(
    local_page: Any, live_server: Any, workspace: dict[str, str], width: int, lang: str
) -> None:
    """Every workspace page kind, signed in (the login page signed out), in both languages:
    no WCAG 2.1 AA violation and nothing wider than the screen."""
    from django.conf import settings

    page = local_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    found: dict[str, list[str]] = {}
    sideways = []

    def check(name: str, path: str) -> None:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, name
        assert page.locator("html").get_attribute("lang") == lang, name
        if problems := violations(page):
            found[name] = problems
        if (extra := page.evaluate(SIDEWAYS)) > 0:
            sideways.append(f"{name}: {extra} px too wide")

    check("login", "/accounts/login/")
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": workspace["cookie"],
          "url": live_server.url}]
    )  # fmt: skip
    for name, path in {**WORKSPACE_PAGES, "invitation": workspace["invitation"]}.items():
        check(name, path)
    page.goto(live_server.url + WORKSPACE_PAGES["answer (with guidance)"])
    page.locator("details.guidance > summary").click()  # opened: its content checked too
    assert page.locator("#guidance-how").is_visible()
    if problems := violations(page):
        found["answer, guidance open"] = problems
    if (extra := page.evaluate(SIDEWAYS)) > 0:
        sideways.append(f"answer, guidance open: {extra} px too wide")
    assert found == {}
    assert sideways == []
