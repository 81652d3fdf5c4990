"""TEMPORARY: screenshots of the scoring pages and the admin index (not committed)."""
from __future__ import annotations
from pathlib import Path
from typing import Any
import pytest
from .test_scoring import _edition
from .test_workspace import sign_in, team  # noqa: F401

OUT = Path("/tmp/shots-scoring")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [390, 1366])
def test_shots(sign_in: Any, live_server: Any, team: dict[str, Any], lang: str, width: int) -> None:
    OUT.mkdir(exist_ok=True)
    _edition(team)
    chief = sign_in("chief", viewport={"width": width, "height": 900})
    chief.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    url = live_server.url + "/work/scoring/score/"
    def shot(name: str) -> None:
        chief.screenshot(path=str(OUT / f"{name}-{lang}-{width}.png"), full_page=True)
        w = chief.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert w <= 0, (name, w)
    chief.goto(live_server.url + "/work/")
    shot("work-central")
    chief.goto(url)
    print(chief.evaluate("""() => { const f = document.querySelector('#score-form'); const out = [];
      for (const el of [f.parentElement, f, ...f.children]) { const s = getComputedStyle(el); out.push(el.tagName + '.' + el.className + ' ' + s.display + ' ' + s.width + ' ' + s.float + ' ' + s.maxWidth + ' ' + s.gridTemplateColumns); }
      return out.join('\\n'); }"""))
    shot("score-choose")
    chief.goto(url + "?preview=1&units=AT&units=BE&version=2025/1&publish_at=2020-01-01T09:00#errors")
    shot("score-errors")
    chief.goto(url + "?preview=1&units=AT&units=BE&confirm=BE&version=2025.1&publish_at=2031-01-05T09:00#preview")
    shot("score-preview")
    chief.locator("#confirm button").click()
    chief.wait_for_selector("#created")
    shot("score-created")
    chief.goto(live_server.url + "/admin/")
    shot("admin-index")
