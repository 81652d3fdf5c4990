"""Scoring an edition into a release in a real browser, on a phone (390 px) and a laptop
(1366 px): the central team sees each country complete, incomplete or missing, is stopped beside
an incomplete country until it confirms what is scored for it, previews the release, confirms
it, and the release is under embargo (a visitor does not see it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from .test_accessibility import violations
from .test_bulk_steps import DESKTOP, PHONE, _fits
from .test_workspace import FRAMEWORK, sign_in, team  # noqa: F401  (fixtures)


def _edition(people: dict[str, Any]) -> Any:
    """AT, BE and DE: AT's 61 answers validated (complete), BE's 2 of 61 (incomplete), DE none
    (missing)."""
    from polindex.web.collection import bulk, workflow
    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Answer, Assignment

    edition = create_edition(
        FRAMEWORK, code="scoring", name="Scoring", reference_date=dt.date(2024, 12, 31),
        period="2024", units=["AT", "BE", "DE"],
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    for unit in ("AT", "BE"):
        for user, role in [(people["expert"], "expert"), (people["reviewer"], "reviewer")]:
            Assignment.objects.create(
                edition=edition, user=user, role=role, unit=unit, accepted_at=now
            )
    content = workflow.Content(
        option="a", justification="Art. 5.", sources=[{"instrument": "Aliens Act"}]
    )
    for unit, codes in [("AT", None), ("BE", ["LMM1", "LMM2"])]:
        answers = Answer.objects.filter(edition=edition, unit=unit)
        if codes:
            answers = answers.filter(indicator__in=codes)
        for a in answers:
            workflow.save(a, people["expert"], content, a.version)
        for user, action in [
            (people["expert"], "submit"), (people["reviewer"], "agree"),
            (people["central"], "validate"),
        ]:  # fmt: skip
            mine = list(Answer.objects.filter(edition=edition, unit=unit))
            for a in mine:
                a.edition = edition
            bulk.take(mine, user, action, bulk.plan(mine, user, action).token)
    return edition


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_an_edition_is_scored_into_an_embargoed_release_without_surprises(
    sign_in: Any,  # noqa: F811
    live_server: Any,
    team: dict[str, Any],  # noqa: F811
    device: dict[str, Any],
    browser: Any,
) -> None:
    from polindex.web.releases.models import Release

    _edition(team)
    chief = sign_in("chief", **device)
    chief.get_by_role("link", name="Score into a release").click()
    expect(chief.locator("h1")).to_have_text("Score the edition into a release")
    expect(chief.locator("#country-AT")).to_contain_text("Complete")
    expect(chief.locator("#country-AT")).to_contain_text("61 of 61 answers validated")
    expect(chief.locator("#country-BE")).to_contain_text("Incomplete")
    expect(chief.locator("#country-BE")).to_contain_text(
        "2 of 61 answers validated · not yet validated: 59 drafts"
    )
    expect(chief.locator("#country-DE")).to_contain_text("Missing")
    assert chief.locator("#unit-AT").is_checked()  # complete: chosen for you
    assert not chief.locator("#unit-BE").is_checked()
    assert chief.locator("#country-DE input").count() == 0  # nothing to score there
    _fits(chief)
    assert violations(chief) == []

    # an incomplete country without its second tick, and a version with a slash: stopped
    chief.locator("#unit-BE").check()
    chief.fill("#version", "2025/1")
    chief.get_by_role("button", name="Preview the release").click()
    summary = chief.locator("#errors")
    expect(summary).to_contain_text("Nothing was published.")
    expect(chief.locator("#country-BE-error")).to_contain_text("Belgium is incomplete")
    expect(chief.locator("#version-error")).to_contain_text("use 1 to 32 letters, digits")
    assert chief.locator("#version").input_value() == "2025/1"  # kept to correct
    assert chief.locator("#preview").count() == 0
    _fits(chief)
    assert violations(chief) == []
    summary.get_by_role("link", name="Countries to score: Belgium is incomplete").click()
    assert chief.url.endswith("#confirm-BE")

    chief.locator("#confirm-BE").check()
    chief.fill("#version", "2025.1")
    chief.get_by_role("button", name="Preview the release").click()
    expect(chief.locator("#preview-release")).to_have_text("MIPEXDEMO 2025.1")
    expect(chief.locator("#preview-answers")).to_have_text("63")
    expect(chief.locator("#preview-publish")).to_contain_text("under embargo until then")
    assert chief.locator("#preview-table tbody tr").count() == 2
    assert not Release.objects.exists()  # the preview made nothing
    _fits(chief)
    assert violations(chief) == []

    chief.get_by_role("button", name="Create the embargoed release MIPEXDEMO 2025.1").click()
    created = chief.locator("#created")
    expect(created).to_contain_text("Release MIPEXDEMO 2025.1 created under embargo until")
    release = Release.objects.get()
    assert len(release.notes) == 63
    expect(created).to_contain_text(release.checksum)
    _fits(chief)
    assert violations(chief) == []
    visitor = browser.new_context().new_page()
    assert visitor.goto(f"{live_server.url}/MIPEXDEMO/2025.1/").status == 404  # embargoed
    visitor.context.close()
