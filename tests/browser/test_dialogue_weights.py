"""Your own weights and compare-with pages in a browser, at 390 and 1366 px, in English and
French: the form works without JavaScript state (the address keeps it), nothing scrolls
sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from polindex.cli import app

WIDTHS = (390, 1366)
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def releases(transactional_db: None, robust_files: tuple[Path, Path]) -> None:
    """Release 1 of the robustness toy index (with rank intervals) and a release 2 where NL
    and AT swap their data."""
    framework, data = robust_files
    for version, path in (("1", data), ("2", _swapped(data))):
        result = CliRunner().invoke(
            app, ["release", "create", str(framework), str(path), "--version", version,
                  "--robustness"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output


def _swapped(data: Path) -> Path:
    lines = data.read_text(encoding="utf-8").splitlines()
    rows = {line.split(",")[0]: line for line in lines[1:]}
    at, nl = rows["AT"], rows["NL"]
    rows["AT"], rows["NL"] = "AT" + nl[2:], "NL" + at[2:]
    out = data.with_name("data2.csv")
    out.write_text("\n".join([lines[0], *rows.values()]) + "\n", encoding="utf-8")
    return out


def test_weights_and_compare_pages(local_page: Any, live_server: Any, releases: None) -> None:
    page = local_page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for lang in ("", "/fr"):
            page.goto(f"{live_server.url}{lang}/T/1/weights/")
            page.fill('input[name="w.A"]', "5")
            page.fill('input[name="w.B"]', "0")
            page.locator("#weights-form button[type=submit]").click()
            page.wait_for_load_state()
            assert "w.A=5" in page.url  # the state is in the address
            assert "w.B=0" in page.url
            assert page.locator("#summary").is_visible()
            assert page.locator("#weights-ranking tbody tr").count() == 6
            assert page.evaluate(SIDEWAYS) <= 0, (width, lang, "weights")
            summary = page.locator("#summary").inner_text()
            assert ("of 6 countries keep" if not lang else "pays sur 6") in summary
            page.locator("#reset").click()
            page.wait_for_load_state()
            assert "w.A" not in page.url
            page.goto(f"{live_server.url}{lang}/T/1/weights/?w.A=9")
            assert page.locator("#problems").is_visible()
            page.goto(f"{live_server.url}{lang}/T/2/compare-with/")
            page.locator("#choose-form button[type=submit]").click()
            page.wait_for_load_state()
            assert page.url.endswith(f"{lang}/T/2/compare-with/1/")
            assert page.locator("#comparison-table tbody tr").count() == 6
            assert page.locator("#movers li").count() >= 2  # AT and NL swapped places
            assert page.evaluate(SIDEWAYS) <= 0, (width, lang, "compare-with")
