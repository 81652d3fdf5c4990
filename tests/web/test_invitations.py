"""Inviting people from a CSV (dry run, confirmation), resending and withdrawing invitations,
the expert network's directory and a person's page, inviting a past expert again, and the
credits of a release."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from polindex.web.collection import invitations
from polindex.web.collection.editions import create_edition, release_draft
from polindex.web.collection.models import Assignment, EditionRelease, Person

from .conftest import FRAMEWORK, NOW, PEOPLE, client_for
from .test_collection import _answers_locked

HEADER = "name,email,countries,areas,role,language\n"
GOOD = (
    HEADER + "Anna Gruber,anna.gruber@example.org,AT,,expert,en\n"
    "Luc Martin,luc.martin@example.org,AT;BE,LMM;EDU,reviewer,fr\n"
    "Known Expert,Expert.AT@example.org,AT,,expert,\n"  # held already: skipped
    "Known Expert,expert.at@example.org,be,,reviewer,en\n"  # (codes in any case)
)


@pytest.fixture
def known(people: dict[str, Any]) -> dict[str, Any]:
    """The demo people, the AT expert with an e-mail address (known by it)."""
    people["expert_at"].email = "expert.at@example.org"
    people["expert_at"].save()
    return people


def _plan(edition: Any, text: str | bytes) -> invitations.Plan:
    return invitations.plan(edition, text if isinstance(text, bytes) else text.encode())


def _problems(edition: Any, text: str | bytes) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in _plan(edition, text).problems]


def test_the_dry_run_lists_exactly_what_would_be_created(known: dict[str, Any], edition: Any):
    plan = _plan(edition, GOOD)
    assert plan.problems == []
    assert sorted(plan.new_people) == ["anna.gruber@example.org", "luc.martin@example.org"]
    assert list(plan.known_people) == ["expert.at@example.org"]
    assert [(e.row, e.email, e.role, e.unit, e.area, e.language) for e in plan.new] == [
        (2, "anna.gruber@example.org", "expert", "AT", "", "en"),
        (3, "luc.martin@example.org", "reviewer", "AT", "LMM", "fr"),
        (3, "luc.martin@example.org", "reviewer", "AT", "EDU", "fr"),
        (3, "luc.martin@example.org", "reviewer", "BE", "LMM", "fr"),
        (3, "luc.martin@example.org", "reviewer", "BE", "EDU", "fr"),
        (5, "expert.at@example.org", "reviewer", "BE", "", "en"),
    ]
    assert [(e.row, e.role, e.unit) for e in plan.skipped] == [(4, "expert", "AT")]
    assert Assignment.objects.count() == 5
    assert get_user_model().objects.count() == len(PEOPLE)


def test_every_problem_is_named_with_its_row_and_column(people: dict[str, Any], edition: Any):
    text = HEADER + (
        "Anna Gruber,not-an-email,AT,,expert,en\n"  # 2
        "Bob,bob@example.org,XX,,expert,en\n"  # 3
        "Cleo,cleo@example.org,AT,ZZZ,expert,en\n"  # 4
        "Dan,dan@example.org,AT,,chief,en\n"  # 5
        "Eve,eve@example.org,AT,,expert,de\n"  # 6
        "Bob,bob@example.org,BE,,expert,en\n"  # 7
        "Bob,bob@example.org,BE,,expert,en\n"  # 8: a duplicate of 7
        ",fay@example.org,AT,,expert,en\n"  # 9
        "Gil,gil@example.org,AT,,expert\n"  # 10: a cell short
        "Robert,bob@example.org,AT,,reviewer,fr\n"  # 11: Bob's e-mail, another name
    )
    assert _problems(edition, text) == [
        (2, "email", "'not-an-email' is not an e-mail address."),
        (3, "countries", "'XX' is not a country of this edition: AT, BE."),
        (4, "areas", "'ZZZ' is not an area of this edition: LMM, FAM, EDU, HEA, PP, PR, AN, AD."),
        (5, "role", "Unknown role 'chief': one of coordinator, expert, reviewer, government."),
        (6, "language", "Unknown language 'de': one of en, fr."),
        (8, "email", "The same role as row 7 (a duplicate row)."),
        (9, "name", "Give the person's name."),
        (10, "", "5 cells where the header has 6 columns."),
        (11, "name", "Row 3 gives this e-mail to Bob."),
        (11, "language", "Row 3 gives this person the language en."),
    ]


def test_a_wrong_file_is_refused_with_what_is_wrong(people: dict[str, Any], edition: Any):
    # the 41 bytes of the header, "Zo", then ë in Latin-1: the 44th byte
    latin1 = (HEADER + "Zoë Kraus,zoe@example.org,AT,,expert,en\n").encode("latin-1")
    assert _problems(edition, latin1) == [
        (2, "", "This is not UTF-8 text (byte 44): save the file as CSV UTF-8.")
    ]
    assert _problems(edition, "name,email,phone\nAnna,a@example.org,1\n") == [
        (1, "phone", "Unknown column 'phone': the columns are "
                     "name, email, countries, areas, role, language."),
        (1, "role", "The column role is missing."),
    ]  # fmt: skip
    big = HEADER + "x" * invitations.MAX_BYTES
    assert _problems(edition, big) == [
        (0, "", "The file is larger than 1024 kB, the most read at once: split it.")
    ]
    many = HEADER + "".join(f"P{i},p{i}@example.org,AT,,expert,en\n" for i in range(2001))
    assert _problems(edition, many) == [
        (0, "", "The file has 2001 rows; at most 2000 people can be invited at once: split it.")
    ]
    assert _problems(edition, "") == [
        (0, "", "The file is empty: it needs a header row (name, email, role, …) and a row "
                "per person.")
    ]  # fmt: skip
    assert _problems(edition, HEADER) == [(0, "", "The file lists nobody: add a row per person.")]
    # a BOM (Excel's "CSV UTF-8") and "e-mail" for the address column are fine
    bom = "\ufeffName,E-mail,Role\nZoë Kraus,zoe@example.org,expert\n".encode()
    assert _plan(edition, bom).ok


def _upload(client: Client, text: str | bytes, code: str = "demo-2025") -> Any:
    data = text.encode() if isinstance(text, str) else text
    upload = SimpleUploadedFile("people.csv", data, content_type="text/csv")
    return client.post(f"/work/{code}/invite/", {"file": upload})


def _confirm(client: Client, preview: Any, code: str = "demo-2025") -> Any:
    page = preview.content.decode()
    fields = dict(re.findall(r'name="(content|token)" value="([^"]*)"', page))
    return client.post(f"/work/{code}/invite/confirm/", fields)


def test_confirming_creates_exactly_what_was_previewed(
    known: dict[str, Any], edition: Any, django_capture_on_commit_callbacks: Any
) -> None:
    central = client_for(known["central"])
    assert central.get("/work/demo-2025/invite/").status_code == 200
    preview = _upload(central, GOOD)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Confirming creates exactly 6 roles and 2 new accounts" in page
    assert "1 role is held already and is skipped." in page
    assert "Belgium" in page
    assert "Labour market mobility" in page
    assert Assignment.objects.count() == 5  # a preview stores nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # (the e-mails go once stored)
        done = _confirm(central, preview)
    assert done.status_code == 200
    assert "6 roles created in Demo 2025 (2 new accounts); 3 invitation e-mails sent" in (
        done.content.decode()
    )
    assert Assignment.objects.count() == 5 + 6
    anna = get_user_model().objects.get(email="anna.gruber@example.org")
    assert (anna.first_name, anna.last_name, anna.has_usable_password()) == (
        "Anna", "Gruber", False,
    )  # fmt: skip
    assert Person.objects.get(user__email="luc.martin@example.org").language == "fr"
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == [
        "anna.gruber@example.org", "expert.at@example.org", "luc.martin@example.org",
    ]  # fmt: skip
    luc = by_address["luc.martin@example.org"]
    assert luc.subject == "[Polindex] Invitations (4)\u00a0: Demo 2025"
    assert "Bonjour Luc Martin" in luc.body
    assert "Belgique — Mobilité sur le marché du travail" in luc.body
    assert luc.body.count("/work/invitation/") == 4  # a link per role
    assert "Hello Anna Gruber" in by_address["anna.gruber@example.org"].body
    # the same confirmation again: nothing left to create, nothing created
    again = _confirm(central, preview)
    assert again.status_code == 400
    assert "Everyone in the file already holds these roles" in again.content.decode()
    assert Assignment.objects.count() == 11


def test_a_confirmation_applies_only_the_previewed_content(known: dict[str, Any], edition: Any):
    central = client_for(known["central"])
    preview = _upload(central, GOOD)
    other = invitations.plan(edition, (HEADER + "X Y,x@example.org,AT,,expert,en\n").encode())
    forged = central.post(
        "/work/demo-2025/invite/confirm/",
        {"content": other.encoded(), "token": re.search(
            r'name="token" value="([^"]*)"', preview.content.decode())[1]},
    )  # fmt: skip
    assert forged.status_code == 409
    assert "Something changed since your preview" in forged.content.decode()
    assert central.post("/work/demo-2025/invite/confirm/", {"content": "%%%"}).status_code == 400
    assert Assignment.objects.count() == 5


def test_a_file_with_problems_stores_nothing(people: dict[str, Any], edition: Any):
    central = client_for(people["central"])
    response = _upload(central, HEADER + "Anna,anna@example.org,AT,,expert,en\nBob,bob,AT,,x,en\n")
    page = response.content.decode()
    assert response.status_code == 400
    assert "2 problems in the file" in page
    assert "Nothing was created" in page
    assert 'id="confirm"' not in page
    forced = central.post("/work/demo-2025/invite/confirm/", {
        "content": invitations.plan(edition, b"").encoded() or "YQ==", "token": "x"})  # fmt: skip
    assert forced.status_code == 400
    assert Assignment.objects.count() == 5
    assert not mail.outbox
    assert _upload(central, b"\xff\xfe").status_code == 400  # (UTF-16: no 500)


def _invited(central: Client, text: str) -> Assignment:
    _confirm(central, _upload(central, text))
    return Assignment.objects.filter(accepted_at=None).latest("pk")


def test_resend_and_withdraw_an_invitation(people: dict[str, Any], edition: Any):
    central = client_for(people["central"])
    a = _invited(central, HEADER + "Anna Gruber,anna@example.org,AT,,expert,fr\n")
    link = f"/work/invitation/{a.token}/"
    assert Client().get(link).status_code == 200  # a new account: the link is the key
    mail.outbox.clear()
    response = central.post(f"/work/invitations/{a.pk}/revoke/", follow=True)
    assert "Invitation withdrawn: National expert, Austria (Demo 2025)" in response.content.decode()
    withdrawn = Client().get(link)
    assert withdrawn.status_code == 410
    assert "This invitation was withdrawn" in withdrawn.content.decode()
    refused = Client().post(link, {"no_conflict": "on", "password": "a-long-pass-phrase-1"})
    assert refused.status_code == 410
    a.refresh_from_db()
    assert a.accepted_at is None
    assert a.revoked_at is not None
    assert not mail.outbox
    response = central.post(f"/work/invitations/{a.pk}/resend/", follow=True)
    assert "Invitation sent again to anna@example.org" in response.content.decode()
    assert [m.subject for m in mail.outbox] == ["[Polindex] Invitation\u00a0: Demo 2025"]
    assert link in mail.outbox[0].body
    assert Client().get(link).status_code == 200  # works again
    # an accepted invitation is neither resent nor withdrawn
    accepted = Assignment.objects.get(user=people["expert_at"])
    response = central.post(f"/work/invitations/{accepted.pk}/revoke/", follow=True)
    assert "has accepted this invitation already" in response.content.decode()
    assert Assignment.objects.get(pk=accepted.pk).revoked_at is None
    # someone without an address: said so, and a withdrawn invitation stays withdrawn
    nobody = Assignment.objects.create(
        edition=edition, user=people["outsider"], role="expert", unit="BE", revoked_at=NOW
    )
    response = central.post(f"/work/invitations/{nobody.pk}/resend/", follow=True)
    assert "outsider has no e-mail address" in response.content.decode()
    assert Assignment.objects.get(pk=nobody.pk).revoked_at == NOW
    assert central.post(f"/work/invitations/{a.pk}/delete/").status_code == 404
    assert central.post(f"/work/invitations/{'9' * 30}/resend/").status_code == 404


def test_accepting_records_the_choice_to_be_named(people: dict[str, Any], edition: Any):
    central = client_for(people["central"])
    a = _invited(central, HEADER + "Anna Gruber,anna@example.org,AT,,expert,en\n")
    anna = Client()
    page = anna.get(f"/work/invitation/{a.token}/").content.decode()
    assert 'name="named"' in page
    assert "checked" not in page
    anna.post(f"/work/invitation/{a.token}/", {"conflict_of_interest": "Adviser to the ministry",
              "named": "on", "password": "a-long-pass-phrase-1"})  # fmt: skip
    a.refresh_from_db()
    assert a.named
    assert a.accepted_at is not None


ROLES = ["central", "expert_at", "reviewer_at", "gov_at", "coordinator", "outsider"]


@pytest.mark.parametrize("name", ROLES)
def test_only_the_central_team_sees_the_network(people: dict[str, Any], name: str):
    expert = people["expert_at"].pk
    for path in ("/work/people/", f"/work/people/{expert}/", "/work/demo-2025/invite/",
                 f"/work/people/{expert}/invite/?edition=demo-2025"):  # fmt: skip
        status = client_for(people[name]).get(path).status_code
        assert status == (200 if name == "central" else 403), (name, path)
        anonymous = Client().get(path)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/")
    a = Assignment.objects.get(user=people["expert_at"])
    assert client_for(people[name]).post(f"/work/invitations/{a.pk}/resend/").status_code == (
        302 if name == "central" else 403
    )


def test_the_directory_names_roles_countries_and_declarations(people: dict[str, Any], edition):
    Assignment.objects.filter(user=people["reviewer_at"]).update(
        conflict_of_interest="Board member of an NGO"
    )
    Person.objects.create(user=people["reviewer_at"], language="fr", expertise="Asylum law")
    central = client_for(people["central"])
    page = central.get("/work/people/").content.decode()
    assert "5 people" in page
    row = page[page.index("reviewer_at</a>") :]
    row = row[: row.index("</tr>")]
    assert "Peer reviewer" in row
    assert "Austria" in row
    assert "Demo 2025" in row
    assert "Board member of an NGO" in row
    assert "Asylum law" in row
    assert "e-mails in Français" in row
    assert ">AT<" not in page  # names, not codes
    by_country = central.get("/work/people/?country=BE").content.decode()
    assert "expert_be" in by_country
    assert "reviewer_at" not in by_country
    assert "coordinator" in by_country  # (every country)
    by_role = central.get("/work/people/?role=reviewer").content.decode()
    assert "1 person" in by_role
    assert "reviewer_at" in by_role
    assert "0 people" in central.get("/work/people/?edition=nothing").content.decode()
    person = central.get(f"/work/people/{people['reviewer_at'].pk}/").content.decode()
    assert "Board member of an NGO" in person
    assert "accepted" in person
    assert central.get("/work/people/999999/").status_code == 404


def test_a_past_expert_is_invited_to_a_new_edition_in_one_step(
    people: dict[str, Any], edition: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people["reviewer_at"].email = "rev@example.org"
    people["reviewer_at"].save()
    create_edition(
        FRAMEWORK, code="demo-2026", name="Demo 2026", reference_date=dt.date(2025, 12, 31),
        period="2025", units=["AT"],
    )  # fmt: skip
    central = client_for(people["central"])
    preview = central.get(f"/work/people/{people['reviewer_at'].pk}/invite/?edition=demo-2026")
    page = preview.content.decode()
    assert "Invite reviewer_at to Demo 2026" in page
    assert "Confirming creates exactly 1 role and 0 new accounts" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(central, preview, "demo-2026")
    new = Assignment.objects.get(edition__code="demo-2026")
    assert (new.user, new.role, new.unit, new.accepted_at) == (
        people["reviewer_at"], "reviewer", "AT", None,
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [["rev@example.org"]]
    # BE's expert: BE is not in the new edition, said so
    page = central.get(
        f"/work/people/{people['expert_be'].pk}/invite/?edition=demo-2026"
    ).content.decode()
    assert "Belgium is not a country of Demo 2026" in page
    assert 'id="confirm"' not in page


def test_credits_name_only_those_who_chose_and_no_reviewer_before_publication(
    people: dict[str, Any], edition: Any
) -> None:
    from django.core.cache import caches

    for name, full in [("expert_at", "Anna Gruber"), ("reviewer_at", "Luc Martin"),
                       ("expert_be", "Bea Peeters")]:  # fmt: skip
        people[name].first_name, people[name].last_name = full.split()
        people[name].save()
    Assignment.objects.filter(user__in=[people["expert_at"], people["reviewer_at"]]).update(
        named=True
    )  # BE's expert did not choose to be named
    _answers_locked(people, edition)
    release = release_draft(edition, version="2025.1", publish_at=NOW + dt.timedelta(days=3))
    assert EditionRelease.objects.get(release=release).edition == edition  # it knows its edition
    url = f"/MIPEXDEMO/{release.version}/credits/"
    assert Client().get(url).status_code == 404  # embargoed: no credits
    insider = get_user_model().objects.create_user("insider", is_staff=True)
    from django.contrib.auth.models import Permission

    insider.user_permissions.add(Permission.objects.get(codename="view_embargoed"))
    early = client_for(insider).get(url).content.decode()
    assert "Anna Gruber" in early
    assert "Luc Martin" not in early
    assert "reviewers are named once the release is published" in early
    release_type = type(release)
    release_type.objects.filter(pk=release.pk).update(publish_at=NOW - dt.timedelta(days=1))
    caches["pages"].clear()
    page = Client().get(url).content.decode()
    assert "Austria" in page
    assert "<strong>National expert</strong> — Anna Gruber" in page
    assert "<strong>Peer reviewer</strong> — Luc Martin" in page
    assert "Peeters" not in page
    assert "Belgium" not in page
    french = Client().get("/fr" + url).content.decode()
    assert "Autriche" in french
    assert "Crédits" in french
    assert f'href="{url}"' in Client().get(f"/MIPEXDEMO/{release.version}/").content.decode()


def test_a_release_not_scored_from_an_edition_says_so(published: Any) -> None:
    page = Client().get(f"/TOY/{published.version}/credits/")
    assert page.status_code == 200
    assert "was not gathered in the Polindex workspace" in page.content.decode()
