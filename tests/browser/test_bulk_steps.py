"""Steps for many answers in a real browser, on a phone (390 px) and a laptop (1366 px): the
reviewer previews an agreement with every answer waiting, confirms it, and reverses it; the
expert meets a problem beside its field and the message that says what comes next."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from .test_accessibility import violations
from .test_workspace import FRAMEWORK, sign_in, team  # noqa: F401  (fixtures)

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def _edition(people: dict[str, Any]) -> Any:
    """An open edition of AT with an expert and a reviewer; three answers submitted."""
    from polindex.web.collection import workflow
    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Answer, Assignment

    edition = create_edition(
        FRAMEWORK, code="bulk", name="Bulk", reference_date=dt.date(2024, 12, 31),
        period="2024", units=["AT"], review_by=dt.date(2031, 4, 1), submit_by=dt.date(2031, 3, 1),
    )  # fmt: skip
    for user, role in [(people["expert"], "expert"), (people["reviewer"], "reviewer")]:
        Assignment.objects.create(
            edition=edition, user=user, role=role, unit="AT", accepted_at=dt.datetime.now(dt.UTC)
        )
    for code in ("LMM1", "LMM2", "EDU1"):
        a = Answer.objects.get(edition=edition, indicator=code)
        content = workflow.Content(
            option="a", justification="Art. 5.", sources=[{"instrument": "Aliens Act"}]
        )
        a = workflow.save(a, people["expert"], content, a.version)
        workflow.act(a, people["expert"], "submit", a.version)
    return edition


def _fits(page: Any) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (page.url, width)


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_a_step_for_many_answers_is_previewed_confirmed_and_reversed(
    sign_in: Any,  # noqa: F811
    live_server: Any,
    team: dict[str, Any],  # noqa: F811
    device: dict[str, Any],
) -> None:
    from polindex.web.collection.models import Answer, BulkStep

    edition = _edition(team)
    rudi = sign_in("rudi", **device)
    todo = rudi.locator("#todo")
    expect(todo).to_contain_text("Austria")
    expect(todo).to_contain_text("3 answers")
    todo.get_by_role("link", name="Austria").click()
    expect(rudi.locator("#my-deadline")).to_contain_text("Your deadline to review")
    rudi.get_by_role("link", name="Agree with the 3 answers awaiting your review").click()
    expect(rudi.locator("h1")).to_have_text("Check before you confirm")
    assert rudi.locator("#step-answers tbody tr").count() == 3
    _fits(rudi)
    assert violations(rudi) == []
    assert set(Answer.objects.filter(edition=edition).values_list("status", flat=True)) == {
        "draft",
        "submitted",
    }  # fmt: skip  (the preview changed nothing)
    rudi.locator("#confirm").get_by_role("button").click()
    expect(rudi.locator("#step-done")).to_contain_text("Agreed")
    expect(rudi.locator("#step-done")).to_contain_text("The central team validates them next.")
    agreed = Answer.objects.filter(edition=edition, status="agreed")
    assert sorted(agreed.values_list("indicator", flat=True)) == ["EDU1", "LMM1", "LMM2"]
    assert BulkStep.objects.get().changes.count() == 3  # one entry, three answers' changes
    rudi.locator("#step-done").get_by_role("link", name="Reverse this step").click()
    expect(rudi.locator("h1")).to_have_text("Reverse a step")
    _fits(rudi)
    assert violations(rudi) == []
    rudi.get_by_role("button", name="Reverse the step for 3 answers").click()
    expect(rudi.locator("#step-done")).to_contain_text("Step reversed: 3 answers")
    assert not Answer.objects.filter(edition=edition, status="agreed").exists()
    assert Answer.objects.filter(edition=edition, status="submitted").count() == 3


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_an_expert_is_guided_to_the_field_and_told_what_comes_next(
    sign_in: Any,  # noqa: F811
    live_server: Any,
    team: dict[str, Any],  # noqa: F811
    device: dict[str, Any],
) -> None:
    _edition(team)
    anna = sign_in("anna", **device)
    anna.goto(live_server.url + "/work/bulk/AT/LMM3/")
    _fits(anna)
    anna.locator("input[name=option][value=a]").check()
    anna.locator("#source-0-url").fill("ftp://example.org")
    anna.get_by_role("button", name="Submit for review").click()
    summary = anna.locator("#errors")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Nothing was saved.")
    summary.get_by_role("link", name="Source 1: the URL must start with https://").click()
    assert anna.url.endswith("#source-0-instrument")
    expect(anna.locator("#source-0-error")).to_have_text("the URL must start with https://")
    assert anna.locator("#source-0-url").input_value() == "ftp://example.org"  # kept
    assert anna.get_by_label("Instrument").first.is_visible()  # labels shown on any screen
    _fits(anna)
    assert violations(anna) == []
    anna.locator("#source-0-url").fill("https://example.org/act")
    anna.locator("#source-0-instrument").fill("Aliens Act")
    anna.get_by_role("button", name="Submit for review").click()
    expect(summary).to_contain_text("Your draft was saved, but not submitted.")
    summary.get_by_role("link", name="Justification: give a justification").click()
    assert anna.url.endswith("#justification")
    expect(anna.locator("#justification-error")).to_have_text("give a justification")
    anna.fill("#justification", "Art. 3 of the Aliens Act.")
    anna.get_by_role("button", name="Submit for review").click()
    expect(anna.locator("#saved")).to_contain_text("Submitted — your reviewer has been notified.")
    anna.locator("#saved").get_by_role("link").click()  # on to the next question waiting
    assert anna.url.endswith("/work/bulk/AT/LMM4/")
