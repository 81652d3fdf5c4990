"""The data-collection journey in a real browser, one browser context per person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

FRAMEWORK = Path(__file__).parents[2] / "examples" / "mipex-style" / "framework.yaml"
PASSWORD = "pw-journey-1"


@pytest.fixture
def team(transactional_db: None, django_user_model: Any) -> dict[str, Any]:
    central = django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)
    central.user_permissions.add(Permission.objects.get(codename="manage_edition"))
    return {
        "central": central,
        "expert": django_user_model.objects.create_user("anna", "anna@example.org", PASSWORD),
        "reviewer": django_user_model.objects.create_user("rudi", "rudi@example.org", PASSWORD),
    }


@pytest.fixture
def sign_in(browser: Any, live_server: Any) -> Iterator[Any]:
    """Open a fresh browser context signed in as a user; outside requests fail the test."""
    outside: list[str] = []
    contexts: list[Any] = []

    def open_as(name: str, **options: Any) -> Any:
        context = browser.new_context(accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()

        def guard(route: Any) -> None:
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", name)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/work/")
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert outside == []


def accept(page: Any, mailbox: list[Any], address: str) -> None:
    """Follow the invitation e-mailed to ``address`` and accept it, declaring no conflict."""
    mail = next(m for m in mailbox if address in m.to)
    link = next(word for word in mail.body.split() if "/work/invitation/" in word)
    page.goto(link.replace("http://127.0.0.1:8000", page.url.split("/work/")[0]))
    page.get_by_label("I have no conflict of interest to declare.").check()
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url("**/work/")


def test_the_whole_journey(
    sign_in: Any, live_server: Any, team: dict[str, Any], browser: Any, mailoutbox: list[Any]
) -> None:
    url = live_server.url
    # the central team opens an edition and assigns an expert and a reviewer to AT
    chief = sign_in("chief")
    chief.goto(url + "/admin/collection/edition/add/")
    chief.fill("#id_code", "journey")
    chief.fill("#id_name", "Journey edition")
    chief.fill("#id_reference_date", "2024-12-31")
    chief.fill("#id_period", "2024")
    chief.select_option("#id_state", "open")
    chief.fill("#id_units_text", "AT")
    chief.set_input_files("#id_framework_file", str(FRAMEWORK))
    for row, (user, role) in enumerate(
        [(team["expert"], "expert"), (team["reviewer"], "reviewer")]
    ):
        chief.select_option(f"#id_assignments-{row}-user", str(user.pk))
        chief.select_option(f"#id_assignments-{row}-role", role)
        chief.fill(f"#id_assignments-{row}-unit", "AT")
    chief.get_by_role("button", name="Save", exact=True).click()
    expect(chief.locator(".messagelist")).to_contain_text("was added successfully")

    # the expert accepts the e-mailed invitation, answers and submits
    anna = sign_in("anna")
    accept(anna, mailoutbox, "anna@example.org")
    anna.get_by_role("link", name="Austria").first.click()
    anna.get_by_role("link", name="LMM1").click()
    anna.get_by_label("Yes, in every sector").check()
    anna.fill("#justification", "The **Aliens Employment Act** opens every sector.")
    anna.locator("#source-0-instrument").fill("Aliens Employment Act")
    anna.locator("#source-0-article").fill("4")
    anna.get_by_role("button", name="Submit for review").click()
    expect(anna.locator("#status")).to_have_text("Submitted")

    # the reviewer accepts, queries; the expert is told by e-mail
    rudi = sign_in("rudi")
    accept(rudi, mailoutbox, "rudi@example.org")
    rudi.goto(url + "/work/journey/AT/LMM1/")
    rudi.get_by_role("button", name="Start review").click()
    expect(rudi.locator("#status")).to_have_text("In review")
    rudi.fill("#comment", "Does Art. 4 cover the public sector?")
    rudi.get_by_role("button", name="Query").click()
    expect(rudi.locator("#status")).to_have_text("Queried")
    assert any("LMM1 (Austria, Journey edition) has a query" in m.subject for m in mailoutbox)

    # the expert sees the query (the reviewer stays anonymous), replies and resubmits
    anna.goto(url + "/work/journey/AT/LMM1/")
    assert "Does Art. 4 cover the public sector?" in anna.locator("#thread").inner_text()
    assert "rudi" not in anna.locator("#thread").inner_text()
    anna.fill("#reply", "It does not: some sectors are closed.")
    anna.get_by_role("button", name="Send").click()
    expect(anna.locator("#thread")).to_contain_text("some sectors are closed")
    anna.get_by_role("button", name="Submit for review").click()
    expect(anna.locator("#status")).to_have_text("Submitted")

    # the central team adjudicates, validates, scores the edition into an embargoed release
    chief.goto(url + "/work/journey/AT/LMM1/")
    chief.select_option("#adjudicated_option", "b")
    chief.fill("#comment", "Some sectors are closed: b.")
    chief.get_by_role("button", name="Adjudicate").click()
    expect(chief.locator("#status")).to_have_text("Adjudicated")
    chief.get_by_role("button", name="Validate").click()
    expect(chief.locator("#status")).to_have_text("Validated")
    chief.goto(url + "/admin/collection/edition/")
    chief.locator("input[name=_selected_action]").first.check()
    chief.select_option("select[name=action]", "make_release")
    chief.get_by_role("button", name="Run").click()
    # the scoring page: AT is incomplete (1 of 61 validated), so it needs its own tick
    expect(chief.locator("h1")).to_have_text("Score the edition into a release")
    chief.locator("#unit-AT").check()
    chief.locator("#confirm-AT").check()
    chief.fill("#version", "2025.1")
    chief.get_by_role("button", name="Preview the release").click()
    expect(chief.locator("#preview-answers")).to_have_text("1")
    chief.get_by_role("button", name="Create the embargoed release MIPEXDEMO 2025.1").click()
    expect(chief.locator("#created")).to_contain_text("created under embargo")
    from polindex.web.releases.models import Release

    release = Release.objects.get(index__code="MIPEXDEMO")
    profile = f"{url}/MIPEXDEMO/{release.version}/AT/"
    public = browser.new_context().new_page()
    assert public.goto(profile).status == 404  # under embargo: nobody outside sees it
    chief.goto(url + "/admin/releases/release/")
    chief.locator("input[name=_selected_action]").first.check()
    chief.select_option("select[name=action]", "publish_now")
    chief.get_by_role("button", name="Run").click()
    expect(chief.locator(".messagelist")).to_contain_text("1 release(s) published")
    assert public.goto(profile).status == 200
    # (the public profile names the question by its text, never its code LMM1)
    row = public.locator("#profile tr", has_text="temporary permit work in the private sector")
    assert "Yes, but some sectors or a labour-market test apply" in row.inner_text()
    row.locator("summary").click()
    assert "Aliens Employment Act" in row.inner_text()
    public.context.close()


def test_two_sessions_saving_the_same_answer_get_a_conflict(
    sign_in: Any, live_server: Any, team: dict[str, Any]
) -> None:
    import datetime as dt

    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Answer, Assignment

    edition = create_edition(
        FRAMEWORK, code="twice", name="Twice", reference_date=dt.date(2024, 12, 31),
        period="2024", units=["AT"],
    )  # fmt: skip
    Assignment.objects.create(
        edition=edition,
        user=team["expert"],
        role="expert",
        unit="AT",
        accepted_at=dt.datetime.now(dt.UTC),
    )
    laptop, tablet = sign_in("anna"), sign_in("anna")
    for page in (laptop, tablet):
        page.goto(live_server.url + "/work/twice/AT/LMM2/")
    laptop.locator("input[name=option][value=b]").check()
    laptop.get_by_role("button", name="Save draft").click()
    tablet.locator("input[name=option][value=c]").check()
    tablet.get_by_role("button", name="Save draft").click()
    expect(tablet.locator("#conflict")).to_contain_text("Someone saved this answer after")
    assert tablet.locator("#mine-option").inner_text() == "c"
    assert tablet.locator("#theirs-option").inner_text() == "b"
    assert Answer.objects.get(edition=edition, indicator="LMM2").option == "b"  # not overwritten
    tablet.get_by_role("button", name="Keep my version").click()
    expect(tablet.locator("#saved")).to_be_visible()
    assert Answer.objects.get(edition=edition, indicator="LMM2").option == "c"


TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("device", [TABLET, LAPTOP], ids=["tablet", "laptop"])
def test_the_workspace_fits_a_tablet_and_a_laptop(
    sign_in: Any, live_server: Any, team: dict[str, Any], device: dict[str, Any]
) -> None:
    """No sideways scrolling, touch targets of at least 44 px (WCAG 2.5.5), answering by
    tapping, and no WCAG 2.1 AA violation found by axe-core on any workspace page."""
    import datetime as dt

    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Answer, Assignment

    from .test_accessibility import violations

    edition = create_edition(
        FRAMEWORK, code="tablet", name="Tablet", reference_date=dt.date(2024, 12, 31),
        period="2024", units=["AT"],
        factcheck_from=dt.date.today(), factcheck_until=dt.date.today(),
    )  # fmt: skip
    for user, role in [(team["expert"], "expert"), (team["reviewer"], "government")]:
        Assignment.objects.create(
            edition=edition, user=user, role=role, unit="AT", accepted_at=dt.datetime.now(dt.UTC)
        )
    anna = sign_in("anna", **device)
    pages = ["/work/", "/work/tablet/AT/", "/work/tablet/AT/LMM1/", "/work/tablet/AT/read/"]
    for path in pages:
        anna.goto(live_server.url + path)
        width = anna.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (path, width)
        small = anna.evaluate(
            """() => [...document.querySelectorAll('main button, main select, main textarea,'
                 + ' main input:not([type=hidden]):not([type=radio]):not([type=checkbox]),'
                 + ' main label:has(input[type=radio]), main label:has(input[type=checkbox])')]
                .filter(e => e.offsetParent !== null)
                .map(e => [e.name || e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
                .filter(([, r]) => r.height < 44).map(([n, r]) => n + ': ' + r.height)"""
        )
        assert small == [], (path, small)
        assert violations(anna) == [], path
    anna.goto(live_server.url + "/work/tablet/AT/LMM1/")
    tap = anna.tap if device is TABLET else anna.click
    tap("text=Yes, in every sector")
    anna.fill("#justification", "Opened to every sector in 2019.")
    anna.locator("#source-0-instrument").fill("Aliens Employment Act")
    tap("button:has-text('Save draft')")
    expect(anna.locator("#saved")).to_be_visible()
    answer = Answer.objects.get(edition=edition, indicator="LMM1")
    assert (answer.option, answer.live_sources()[0].instrument) == ("a", "Aliens Employment Act")
    tap("button:has-text('Submit for review')")  # (government contacts read submitted answers)
    expect(anna.locator("#saved")).to_be_visible()
    rudi = sign_in("rudi", **device)  # the government contact's read-through, on the device
    rudi.goto(live_server.url + "/work/tablet/AT/read/")
    assert rudi.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert "Opened to every sector in 2019." in rudi.locator("#LMM1").inner_text()
