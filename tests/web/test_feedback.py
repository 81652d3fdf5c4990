"""Suggested corrections: the public form's rules (throttle, honeypot, limits, escaping, nothing
stored on a failure), the moderation queue (central team only, personal data, erasure), and the
way from a reader's suggestion to a thread in the next edition's workspace and to the changelog
of a correction release."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

import polindex
from polindex.web.collection.models import Answer, Comment
from polindex.web.feedback.forms import MAX_BODY, MAX_LINKS, MAX_PROBLEM
from polindex.web.feedback.models import Suggestion
from polindex.web.feedback.moderation import Decision, ModerationError, decide
from polindex.web.feedback.throttle import PER_ADDRESS
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from .conftest import FRAMEWORK, NOW

FORM = "/TWO/1/feedback/"
GOOD = {
    "unit": "XX",
    "node": "a1",
    "problem": "The answer to a1 should be 'no' since the 2023 reform.",
    "evidence": "https://example.org/law/2023\nhttps://example.org/decision",
    "kind": "ngo",
    "name": "Ana Example",
    "organisation": "Example Rights Network",
    "email": "ana@example.org",
    "consent": "on",
    "website": "",
}


def client() -> Client:
    return Client(enforce_csrf_checks=True)


def post(c: Client, data: dict[str, Any], url: str = FORM, **extra: Any) -> Any:
    """Post ``data`` as a browser does: the form's page first (its CSRF cookie and token)."""
    page = c.get(url)
    assert page.status_code == 200
    token = page.context["csrf_token"]
    return c.post(url, {**data, "csrfmiddlewaretoken": str(token)}, **extra)


# --- the public form ---------------------------------------------------------------------------


def test_profile_and_indicator_pages_link_to_the_form_with_their_subject(two: Release) -> None:
    c = Client()
    profile = c.get("/TWO/1/XX/").content.decode()
    assert 'href="/TWO/1/feedback/?unit=XX"' in profile
    indicator = c.get("/TWO/1/node/a1/").content.decode()
    assert 'href="/TWO/1/feedback/?node=a1"' in indicator
    french = c.get("/fr/TWO/1/XX/").content.decode()
    assert 'href="/fr/TWO/1/feedback/?unit=XX"' in french
    assert "Proposer une correction" in french


def test_the_form_comes_with_its_subject_chosen_and_a_csrf_token(two: Release) -> None:
    page = Client().get(FORM + "?unit=YY&node=b1")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="YY" selected>' in html
    assert '<option value="b1" selected>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert page.cookies.get("csrftoken")
    # a subject the release does not have is not chosen (and the page still answers)
    other = Client().get(FORM + "?unit=<script>&node=nope").content.decode()
    assert '<option value="" selected>Choose a country' in other
    assert "<script>" not in other
    assert '<option value="" selected>The country' in other


def test_a_suggestion_is_stored_and_the_visitor_told_what_happens_next(two: Release) -> None:
    c = client()
    response = post(c, GOOD)
    assert response.status_code == 303
    assert response["Location"] == "/TWO/1/feedback/thanks/?unit=XX&node=a1"
    s = Suggestion.objects.get()
    assert (s.release, s.unit, s.node, s.kind, s.status) == (two, "XX", "a1", "ngo", "new")
    assert s.links == ["https://example.org/law/2023", "https://example.org/decision"]
    assert (s.name, s.organisation, s.email, s.consent) == (
        "Ana Example",
        "Example Rights Network",
        "ana@example.org",
        True,
    )
    thanks = c.get(response["Location"]).content.decode()
    assert "What happens next" in thanks
    assert 'href="/TWO/1/node/a1/"' in thanks


def test_the_form_posts_only_with_its_csrf_token(two: Release) -> None:
    response = client().post(FORM, GOOD)
    assert response.status_code == 403
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"problem": "   "}, "problem", "Say what is wrong."),
        ({"problem": "x" * (MAX_PROBLEM + 1)}, "problem", "at most 5000 characters"),
        ({"unit": "QQ"}, "unit", "Select a valid choice"),
        ({"node": "zz"}, "node", "Select a valid choice"),
        ({"kind": "robot"}, "kind", "Select a valid choice"),
        ({"evidence": "javascript:alert(1)"}, "evidence", "Line 1 is not a web address"),
        ({"evidence": "https://ok.example\nftp://x.example/f"}, "evidence", "Line 2 is not"),
        (
            {"evidence": "\n".join(f"https://e.example/{i}" for i in range(MAX_LINKS + 1))},
            "evidence",
            "At most 10 links (there are 11).",
        ),
        ({"evidence": "https://e.example/" + "a" * 500}, "evidence", "longer than 500"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "Give an e-mail address to be contacted at."),
        ({"name": "n" * 201}, "name", "at most 200 characters"),
        ({"problem": "nul \x00 inside"}, "problem", "Null characters are not allowed."),
    ],
)
def test_nothing_is_stored_when_a_field_is_wrong(
    two: Release, change: dict[str, str], field: str, message: str
) -> None:
    response = post(client(), {**GOOD, **change})
    assert response.status_code == 400
    assert not Suggestion.objects.exists()
    html = response.content.decode()
    assert "Nothing was sent yet" in html
    assert message in str(response.context["form"].errors[field])
    assert f'id="id_{field}-error"' in html  # the message is tied to its field


def test_a_body_over_the_limit_is_refused_before_it_is_read(two: Release) -> None:
    response = post(client(), {**GOOD, "organisation": "o" * MAX_BODY})
    assert response.status_code == 413
    assert "too long" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(two: Release) -> None:
    response = post(client(), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 303
    assert "/feedback/thanks/" in response["Location"]
    assert not Suggestion.objects.exists()


def test_html_is_never_rendered_back(two: Release) -> None:
    attack = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    response = post(client(), {**GOOD, "problem": "", "name": attack, "organisation": attack})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # kept, as text, for the visitor
    post(client(), {**GOOD, "problem": attack, "name": attack})
    s = Suggestion.objects.get()
    assert s.problem == attack  # stored as written; every page shows it as text (below)


def test_the_throttle_counts_every_post_from_an_address_and_says_so(two: Release) -> None:
    c = client()
    for _ in range(PER_ADDRESS - 1):
        assert post(c, {**GOOD, "problem": ""}).status_code == 400  # failures count too
    assert post(c, GOOD).status_code == 303  # the 10th
    refused = post(c, {**GOOD, "problem": "one more"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "10 suggestions have been sent from your network address in the last hour" in html
    assert "one more" in html  # the visitor's text is kept on the page
    assert Suggestion.objects.count() == 1
    # another address is not held back
    other = post(client(), GOOD, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 303
    assert Suggestion.objects.count() == 2


def test_the_form_page_is_never_served_from_the_public_cache(two: Release) -> None:
    first, second = Client().get(FORM), Client().get(FORM)
    assert first.cookies.get("csrftoken")
    assert second.cookies.get("csrftoken")
    assert first.context is not None
    assert second.context is not None


def test_an_embargoed_release_takes_no_suggestion_from_the_public(embargoed: Release) -> None:
    assert Client().get("/TOY/2025.1/feedback/").status_code == 404
    assert Client().post("/TOY/2025.1/feedback/", GOOD).status_code in (403, 404)
    assert Client().get("/TOY/2024.1/feedback/").status_code == 200


def test_the_french_form(two: Release) -> None:
    html = Client().get("/fr/TWO/1/feedback/?unit=XX").content.decode()
    assert "Proposer une correction" in html
    assert "Qui êtes-vous\u202f?" in html
    assert 'action="/fr/TWO/1/feedback/"' in html


# --- moderation -------------------------------------------------------------------------------


@pytest.fixture
def mipex(edition: Any) -> Release:
    """A published release of the edition's index (MIPEX-style), before the open edition."""
    codes = [i.code for i, _, _ in edition.definition.framework.walk() if i.is_indicator]
    rows = [(u, "2023", c, "b") for u in ("AT", "BE") for c in codes]
    results = polindex.score(polindex.load_index(FRAMEWORK), rows)
    return publish_release(results, version="2023", publish_at=NOW - dt.timedelta(days=1))


def suggestion(release: Release, **more: Any) -> Suggestion:
    fields = {"unit": "AT", "node": "LMM1", "kind": "government", "problem": "Art. 5 repealed."}
    fields |= {"name": "Max Muster", "organisation": "Ministry", "email": "max@example.org"}
    return Suggestion.objects.create(release=release, **{**fields, **more})


def test_anonymous_and_people_outside_the_central_team_cannot_see_the_queue(
    mipex: Release, people: dict[str, Any], admin_user: Any
) -> None:
    s = suggestion(mipex)
    url = f"/admin/feedback/suggestion/{s.pk}/change/"
    assert Client().get("/admin/feedback/suggestion/").status_code == 302  # to sign in
    staff = people["expert_at"]
    staff.is_staff = True
    staff.save()
    c = Client()
    c.force_login(staff)
    assert c.get("/admin/feedback/suggestion/").status_code == 403
    assert c.get(url).status_code == 403
    assert "max@example.org" not in c.get("/admin/").content.decode()
    central = people["central"]
    central.is_staff = True
    central.save()
    c.force_login(central)
    listing = c.get("/admin/feedback/suggestion/")
    assert listing.status_code == 200
    assert "Art. 5 repealed." in listing.content.decode()
    page = c.get(url).content.decode()
    assert "max@example.org" in page
    assert "Ministry" in page


def test_the_queue_shows_the_readers_text_as_text_and_links_only_once_accepted(
    mipex: Release, people: dict[str, Any]
) -> None:
    s = suggestion(
        mipex,
        problem="<script>alert(1)</script> wrong",
        evidence='https://example.org/a"><script>x</script>',
    )
    central = people["central"]
    central.is_staff = True
    central.save()
    c = Client()
    c.force_login(central)
    page = c.get(f"/admin/feedback/suggestion/{s.pk}/change/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://example.org/a' not in page
    assert "<code>https://example.org/a" in page
    Suggestion.objects.filter(pk=s.pk).update(evidence="https://example.org/law")
    Suggestion.objects.filter(pk=s.pk).update(links_accepted=True)
    page = c.get(f"/admin/feedback/suggestion/{s.pk}/change/").content.decode()
    assert '<a href="https://example.org/law" rel="nofollow noopener noreferrer"' in page


def test_accepting_for_the_next_edition_opens_a_thread_on_the_answer_that_counts(
    mipex: Release, people: dict[str, Any], edition: Any
) -> None:
    s = suggestion(mipex, evidence="https://example.org/law")
    central = people["central"]
    central.is_staff = True
    central.save()
    c = Client()
    c.force_login(central)
    url = f"/admin/feedback/suggestion/{s.pk}/change/"
    form = {"status": "accepted", "reason": "", "node": "LMM1", "edition": edition.pk}
    refused = c.post(url, form)
    assert refused.status_code == 200
    assert "say why it is accepted" in refused.content.decode()
    assert not Comment.objects.exists()
    done = c.post(url, {**form, "reason": "The 2024 reform repealed Art. 5."})
    assert done.status_code == 302
    s.refresh_from_db()
    answer = Answer.objects.that_count().get(edition=edition, unit="AT", indicator="LMM1")
    assert (s.status, s.edition, s.moderated_by) == ("accepted", edition, central)
    assert s.comment is not None
    assert s.comment.answer == answer
    text = s.comment.text
    assert "Art. 5 repealed." in text
    assert "https://example.org/law" in text
    assert "The 2024 reform repealed Art. 5." in text
    assert "Max Muster" not in text
    assert "Ministry" not in text
    assert "max@" not in text
    # the expert sees it in the answer's thread in the workspace
    expert = Client()
    expert.force_login(people["expert_at"])
    page = expert.get(f"/work/{edition.code}/AT/LMM1/").content.decode()
    assert "Correction suggested by a reader (government or public authority)" in page
    # saving the decision again opens no second thread
    c.post(url, {**form, "reason": "The 2024 reform repealed Art. 5.", "links_accepted": "on"})
    assert Comment.objects.count() == 1


def test_decisions_that_break_a_rule_change_nothing(
    mipex: Release, people: dict[str, Any], edition: Any, two: Release
) -> None:
    central = people["central"]
    s = suggestion(mipex)
    cases = [
        (Decision("rejected"), "reason"),
        (Decision("addressed", "done"), "status"),
        (Decision("accepted", "ok"), "edition"),
        (Decision("accepted", "ok", node="", edition=edition), "node"),
        (Decision("accepted", "ok", node="LMM1", edition=edition), None),
    ]
    for decision, field in cases[:-1]:
        with pytest.raises(ModerationError) as caught:
            decide(s, central, decision)
        assert field in caught.value.problems
    s.refresh_from_db()
    assert s.status == "new"
    assert s.comment is None
    with pytest.raises(PermissionError):
        decide(s, people["expert_at"], cases[-1][0])
    # a suggestion on another index cannot go to this edition's workspace
    other = suggestion(two, unit="XX", node="a1")
    with pytest.raises(ModerationError) as caught:
        decide(other, central, Decision("accepted", "ok", node="a1", edition=edition))
    assert "collects MIPEXDEMO, not TWO" in caught.value.problems["edition"]


def test_a_correction_release_lists_the_suggestions_it_addresses(
    mipex: Release, people: dict[str, Any]
) -> None:
    central = people["central"]
    fixed = decide(
        suggestion(mipex),
        central,
        Decision("accepted", "Art. 5 repealed in 2024.", correction=True),
    )
    later = decide(suggestion(mipex, node="LMM2"), central, Decision("rejected", "Not in force."))
    codes = [i.code for i, _, _ in mipex.definition.framework.walk() if i.is_indicator]
    rows = [(u, "2023", c, "b") for u in ("AT", "BE") for c in codes]
    rows[0] = ("AT", "2023", "LMM1", "a")
    correction = publish_release(
        polindex.score(polindex.load_index(FRAMEWORK), rows),
        version="2023.1",
        corrects="2023",
        changelog="AT's LMM1 corrected.",
    )
    assert correction.changelog == (
        f"AT's LMM1 corrected.\n\nSuggested by readers:\n- #{fixed.pk} AT LMM1: "
        "Art. 5 repealed in 2024."
    )
    fixed.refresh_from_db()
    later.refresh_from_db()
    assert (fixed.status, fixed.addressed_in) == ("addressed", correction)
    assert (later.status, later.addressed_in) == ("rejected", None)


def test_erasure_blanks_personal_data_and_keeps_the_substance(
    mipex: Release, people: dict[str, Any]
) -> None:
    s = suggestion(mipex, consent=True, evidence="https://example.org/law")
    central = people["central"]
    central.is_staff = True
    central.save()
    c = Client()
    c.force_login(central)
    response = c.post(
        "/admin/feedback/suggestion/",
        {"action": "erase_personal_data", "_selected_action": [s.pk]},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.name, s.organisation, s.email, s.consent) == ("", "", "", False)
    assert s.erased_at is not None
    assert (s.problem, s.evidence, s.unit, s.node) == (
        "Art. 5 repealed.",
        "https://example.org/law",
        "AT",
        "LMM1",
    )
