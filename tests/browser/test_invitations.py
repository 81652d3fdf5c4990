"""Inviting people from a CSV in a real browser, on a phone (390 px) and a laptop (1366 px): the
central team opens the expert network, reads a file with a mistake (every problem listed by row
and column, nothing created), reads the corrected file (the dry run), confirms it, and finds the
new people in the network; the pages never scroll sideways and pass axe's WCAG A/AA checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from .test_accessibility import violations
from .test_bulk_steps import DESKTOP, PHONE, _fits
from .test_workspace import FRAMEWORK, sign_in, team  # noqa: F401  (fixtures)

HEADER = "name,email,countries,areas,role,language\n"
WRONG = HEADER + "Zoé Martin,zoe.martin@example,AT,,expert,fr\nLuc Bauer,luc@example.org,XX,,x,en\n"
RIGHT = HEADER + (
    "Zoé Martin,zoe.martin@example.org,AT,,expert,fr\n"
    "Luc Bauer,luc@example.org,AT;BE,LMM,reviewer,en\n"
)


def _file(text: str) -> dict[str, Any]:
    return {"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_a_csv_is_previewed_then_confirmed(
    sign_in: Any,  # noqa: F811
    live_server: Any,
    team: dict[str, Any],  # noqa: F811
    device: dict[str, Any],
) -> None:
    from django.core import mail

    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Assignment

    create_edition(
        FRAMEWORK, code="inv", name="Invitations 2025", reference_date=dt.date(2024, 12, 31),
        period="2024", units=["AT", "BE"],
    )  # fmt: skip
    chief = sign_in("chief", **device)
    chief.get_by_role("link", name="Expert network").click()
    chief.get_by_role("link", name="Invite people to Invitations 2025 from a CSV file").click()
    expect(chief.locator("h1")).to_have_text("Invite people from a CSV file")
    _fits(chief)
    # a file with mistakes: each named with its row and column, nothing to confirm
    chief.set_input_files("#file", _file(WRONG))
    chief.get_by_role("button", name="Preview: nothing is created yet").click()
    problems = chief.locator("#problems tbody tr")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_contain_text("'zoe.martin@example' is not an e-mail address.")
    expect(problems.nth(1)).to_contain_text("countries")
    expect(problems.nth(2)).to_contain_text("Unknown role 'x'")
    expect(chief.locator("#confirm")).to_have_count(0)
    assert violations(chief) == []
    _fits(chief)
    # the corrected file: the dry run, then the confirmation
    chief.set_input_files("#file", _file(RIGHT))
    chief.get_by_role("button", name="Preview: nothing is created yet").click()
    expect(chief.locator("#summary")).to_contain_text(
        "Confirming creates exactly 3 roles and 2 new accounts"
    )
    expect(chief.locator("#new-roles")).to_contain_text("Labour market mobility")
    expect(chief.locator("#new-roles")).to_contain_text("Belgium")
    assert Assignment.objects.filter(edition__code="inv").count() == 0
    assert violations(chief) == []
    _fits(chief)
    chief.get_by_role("button", name="Create 3 roles and send the invitations").click()
    expect(chief.locator("#done")).to_contain_text("3 roles created in Invitations 2025")
    assert Assignment.objects.filter(edition__code="inv").count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["luc@example.org", "zoe.martin@example.org"]
    chief.get_by_role("link", name="See them in the expert network").click()
    expect(chief.locator("#network")).to_contain_text("Zoé Martin")
    chief.get_by_role("link", name="Zoé Martin").click()
    expect(chief.locator("h1")).to_have_text("Zoé Martin")
    chief.get_by_role("button", name="Withdraw").click()
    expect(chief.locator("#messages")).to_contain_text("Invitation withdrawn")
    _fits(chief)
