"""Suggesting a correction in a real browser, on a phone (390 px) and a laptop (1366 px), in
English and French: from a country's profile to the form (the country chosen), sent empty
(messages tied to the fields, nothing stored), then filled in (stored, the thanks page); the
honeypot field is out of sight and out of the keyboard's way. No JavaScript is needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from polindex.cli import app
from polindex.web.feedback.models import Suggestion

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
TEXT = {
    "en": {"link": "Suggest a correction", "send": "Send the suggestion",
           "empty": "Nothing was sent yet", "thanks": "What happens next"},
    "fr": {"link": "Proposer une correction", "send": "Envoyer la suggestion",
           "empty": "Rien n’a encore été envoyé", "thanks": "La suite"},
}  # fmt: skip


@pytest.fixture
def site(transactional_db: None, robust_files: tuple[Path, Path]) -> None:
    """A published release of six countries (AT, BE, DE, FR, IT, NL)."""
    framework, data = robust_files
    result = CliRunner().invoke(
        app, ["release", "create", str(framework), str(data), "--version", "1"]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_reader_suggests_a_correction_from_a_profile(
    site: None, local_page: Any, live_server: Any, width: int, lang: str
) -> None:
    page, text = local_page, TEXT[lang]
    page.set_viewport_size({"width": width, "height": 900})
    prefix = "" if lang == "en" else "/fr"
    page.goto(f"{live_server.url}{prefix}/T/1/AT/")
    page.get_by_role("link", name=text["link"]).click()
    assert page.url.endswith(f"{prefix}/T/1/feedback/?unit=AT")
    assert page.locator("#id_unit").input_value() == "AT"
    assert page.evaluate(SIDEWAYS) <= 0
    # the honeypot: off the screen, skipped by the keyboard, hidden from screen readers
    trap = page.locator("#id_website")
    box = trap.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    assert trap.get_attribute("tabindex") == "-1"
    assert page.locator(".trap").get_attribute("aria-hidden") == "true"

    page.get_by_role("button", name=text["send"]).click()
    alert = page.get_by_role("alert")
    assert text["empty"] in alert.inner_text()
    assert page.locator("#id_problem-error").is_visible()
    assert page.locator("#id_kind-error").is_visible()
    assert page.evaluate(SIDEWAYS) <= 0
    assert not Suggestion.objects.exists()

    page.select_option("#id_node", "a1")
    page.fill("#id_problem", "The answer to a1 changed with the 2024 reform.")
    page.fill("#id_evidence", "https://example.org/reform-2024")
    page.select_option("#id_kind", "researcher")
    page.fill("#id_name", "Ana Example")
    page.fill("#id_email", "ana@example.org")
    page.check("#id_consent")
    page.get_by_role("button", name=text["send"]).click()
    assert page.get_by_role("heading", name=text["thanks"]).is_visible()
    assert page.evaluate(SIDEWAYS) <= 0
    s = Suggestion.objects.get()
    assert (s.unit, s.node, s.kind, s.email, s.consent, s.language) == (
        "AT",
        "a1",
        "researcher",
        "ana@example.org",
        True,
        lang,
    )
