"""The central team runs an edition in a real browser, on a phone (390 px) and a laptop
(1366 px): it sees that Germany has no expert, assigns one (meeting a problem beside its field
first), and reminds the late expert after checking the preview."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from .test_accessibility import violations
from .test_bulk_steps import DESKTOP, PHONE, _fits
from .test_workspace import FRAMEWORK, sign_in, team  # noqa: F401  (fixtures)


def _edition(people: dict[str, Any]) -> Any:
    """An open edition of AT, BE and DE: anna is AT's expert, ten days late; nobody else."""
    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Assignment

    edition = create_edition(
        FRAMEWORK, code="run", name="Run", reference_date=dt.date(2024, 12, 31), period="2024",
        units=["AT", "BE", "DE"], submit_by=dt.date.today() - dt.timedelta(days=10),
    )  # fmt: skip
    Assignment.objects.create(
        edition=edition, user=people["expert"], role="expert", unit="AT",
        accepted_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    return edition


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_the_central_team_assigns_and_reminds(
    sign_in: Any,  # noqa: F811
    live_server: Any,
    team: dict[str, Any],  # noqa: F811
    device: dict[str, Any],
    mailoutbox: list[Any],
) -> None:
    from polindex.web.collection.models import Assignment, Reminder

    _edition(team)
    chief = sign_in("chief", **device)
    summary = chief.locator("#edition-run")
    expect(summary).to_contain_text("2 countries without an expert: Belgium, Germany")
    _fits(chief)
    summary.get_by_role("link", name="Progress, assignments and reminders").click()
    de = chief.locator("#country-DE")
    expect(de).to_contain_text("No expert assigned")
    expect(chief.locator("#country-AT")).to_contain_text("10 days overdue")
    _fits(chief)
    assert violations(chief) == []
    de.get_by_role("link", name="Assign an expert — Germany").click()
    expect(chief.locator("h1")).to_have_text("Assign a person")
    assert chief.locator("#id_unit").input_value() == "DE"
    assert chief.locator("#id_role").input_value() == "expert"
    chief.fill("#id_name", "Marie Curie")
    chief.fill("#id_email", "marie@example")
    chief.get_by_role("button", name="Assign and send the invitation").click()
    errors = chief.locator("#errors")
    expect(errors).to_contain_text("Nothing was stored and nobody was e-mailed.")
    errors.get_by_role("link", name="E-mail address: Give an e-mail address such as").click()
    assert chief.url.endswith("#id_email")
    expect(chief.locator("#email-error")).to_have_text(
        "Give an e-mail address such as name@example.org."
    )
    _fits(chief)
    assert violations(chief) == []
    assert not Assignment.objects.filter(unit="DE").exists()
    chief.fill("#id_email", "marie@example.org")
    chief.get_by_role("button", name="Assign and send the invitation").click()
    expect(chief.locator("#done")).to_contain_text(
        "Marie Curie is assigned as National expert for Germany"
    )
    expect(chief.locator("#country-DE")).to_contain_text("Invited, not yet accepted")
    assert [m.to for m in mailoutbox] == [["marie@example.org"]]
    # the late expert: previewed, then reminded once
    anna = team["expert"].pk
    chief.locator(f"#person-{anna}").get_by_role("link", name="Remind… anna").click()
    expect(chief.locator("h1")).to_have_text("Check before you send: reminders")
    preview = chief.locator("#remind-people")
    expect(preview).to_contain_text("61 answers to submit")
    expect(preview).to_contain_text("Austria (61)")
    _fits(chief)
    assert violations(chief) == []
    assert not Reminder.objects.exists()
    chief.get_by_role("button", name="Send the reminder").click()
    expect(chief.locator("#done")).to_contain_text("Reminder sent to anna.")
    assert Reminder.objects.get().person_id == anna
    assert mailoutbox[-1].to == ["anna@example.org"]
    expect(chief.locator(f"#person-{anna}")).not_to_contain_text("never")
