"""The expert workspace: who may see and do what, the review workflow, history, no lost update."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

import polindex
from polindex.web.collection import workflow
from polindex.web.collection.editions import final_answers
from polindex.web.collection.models import Answer, AnswerChange, AppendOnlyError, Assignment

from .conftest import FRAMEWORK, NOW, PEOPLE, client_for, complete, next_edition

# who may open which page (200) — everyone else is refused (403), anonymous users sent to log in
# (the whole site's matrix: test_permission_matrix)
SEE = {
    "/work/demo-2025/AT/": {"central", "expert_at", "reviewer_at", "coordinator", "gov_at"},
    "/work/demo-2025/BE/": {"central", "expert_be", "coordinator"},
    "/work/demo-2025/AT/LMM1/": {"central", "expert_at", "reviewer_at", "coordinator"},
    "/work/demo-2025/BE/LMM1/": {"central", "expert_be", "coordinator"},
    # the coordinator of the labour-market area sees no other area
    "/work/demo-2025/AT/EDU1/": {"central", "expert_at", "reviewer_at"},
    "/work/demo-2025/AT/read/": {"central", "expert_at", "reviewer_at", "coordinator", "gov_at"},
}
DRAFTS = {"/work/demo-2025/AT/LMM1/", "/work/demo-2025/AT/EDU1/"}  # not submitted yet


@pytest.mark.parametrize("path", list(SEE))
@pytest.mark.parametrize("name", PEOPLE)
def test_role_by_view_matrix(people: dict[str, Any], path: str, name: str) -> None:
    status = client_for(people[name]).get(path).status_code
    if name == "gov_at" and path in DRAFTS:  # a government contact reads no draft
        assert status == 404
    else:
        assert status == (200 if name in SEE[path] else 403), (name, path)


@pytest.mark.parametrize("path", [*SEE, "/work/"])
def test_anonymous_users_are_sent_to_log_in(edition: Any, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def _answer(unit: str, code: str, expert: Any) -> Answer:
    return Answer.objects.get(unit=unit, indicator=code, expert=expert)


@pytest.mark.parametrize("name", [n for n in PEOPLE if n != "expert_at"])
def test_only_the_countrys_expert_writes_its_answers(people: dict[str, Any], name: str) -> None:
    client_for(people["expert_at"]).get("/work/demo-2025/AT/")  # the answer rows exist
    answer = _answer("AT", "LMM1", people["expert_at"])
    response = client_for(people[name]).post(
        "/work/demo-2025/AT/LMM1/", {"action": "save", "version": answer.version, **complete()}
    )
    assert response.status_code == (404 if name == "gov_at" else 403)  # (a draft: not theirs)
    answer.refresh_from_db()
    assert (answer.option, answer.version) == ("", 1)  # unchanged


def test_the_review_journey(people: dict[str, Any], edition: Any) -> None:
    expert, reviewer, central = (
        client_for(people[n]) for n in ("expert_at", "reviewer_at", "central")
    )
    url = "/work/demo-2025/AT/LMM1/"
    expert.get(url)
    a = _answer("AT", "LMM1", people["expert_at"])
    incomplete = expert.post(url, {"action": "submit", "version": 1, "option": "a"})
    assert "give a justification" in incomplete.content.decode()
    assert "cite at least one legal source" in incomplete.content.decode()
    a.refresh_from_db()
    assert (a.status, a.option) == ("draft", "a")  # the draft was saved, not submitted
    assert (
        expert.post(url, {"action": "submit", "version": a.version, **complete()}).status_code
        == 302
    )
    a.refresh_from_db()
    assert a.status == "submitted"
    # the expert can no longer change it; the reviewer cannot edit, only review
    assert (
        expert.post(
            url, {"action": "save", "version": a.version, **complete(option="b")}
        ).status_code
        == 403
    )
    assert (
        reviewer.post(
            url, {"action": "save", "version": a.version, **complete(option="b")}
        ).status_code
        == 403
    )
    no_reason = reviewer.post(url, {"action": "query", "version": a.version})
    assert "say why (query)" in no_reason.content.decode()
    reviewer.post(
        url, {"action": "query", "version": a.version, "comment": "Is Art. 5 still in force?"}
    )
    a.refresh_from_db()
    assert a.status == "queried"
    page = expert.get(url).content.decode()
    assert "Is Art. 5 still in force?" in page
    assert "reviewer_at" not in page  # anonymous review: the expert sees "Reviewer"
    assert "reviewer_at" in central.get(url).content.decode()  # the central team sees who
    expert.post(
        url, {"action": "comment", "comment": "Yes, amended in 2023.", "version": a.version}
    )
    expert.post(url, {"action": "submit", "version": a.version, **complete()})
    a.refresh_from_db()
    reviewer.post(url, {"action": "agree", "version": a.version})
    a.refresh_from_db()
    assert a.status == "agreed"
    central.post(url, {"action": "validate", "version": a.version})
    a.refresh_from_db()
    central.post(url, {"action": "lock", "version": a.version})
    a.refresh_from_db()
    assert a.status == "locked"
    actions = list(a.changes.values_list("action", flat=True))
    assert actions == ["save", "save", "submit", "query", "submit", "agree", "validate", "lock"]
    assert [c.text for c in a.comments.all()] == [
        "Is Art. 5 still in force?",
        "Yes, amended in 2023.",
    ]
    assert final_answers(edition) == [("AT", "2024", "LMM1", "a")]
    results = polindex.score(polindex.load_framework(FRAMEWORK), final_answers(edition))
    assert results.score("LMM_access", unit="AT", period="2024") == 100.0


def test_a_stale_page_gets_a_conflict_not_an_overwrite(people: dict[str, Any]) -> None:
    first, second = client_for(people["expert_at"]), client_for(people["expert_at"])
    url = "/work/demo-2025/AT/LMM2/"
    first.get(url)
    second.get(url)  # both pages show version 1
    assert (
        first.post(url, {"action": "save", "version": 1, **complete(option="b")}).status_code == 302
    )
    stale = second.post(url, {"action": "save", "version": 1, **complete(option="c")})
    body = stale.content.decode()
    assert 'id="conflict"' in body
    assert '<td id="mine-option">c</td><td id="theirs-option">b</td>' in body
    a = _answer("AT", "LMM2", people["expert_at"])
    assert (a.option, a.version) == ("b", 2)  # nothing overwritten
    keep_mine = second.post(url, {"action": "overwrite", "version": 2, **complete(option="c")})
    assert keep_mine.status_code == 302
    a.refresh_from_db()
    assert (a.option, a.version) == ("c", 3)
    assert [h.new.get("option") for h in a.changes.all()] == ["b", "c"]
    autosave = first.post(url, {"action": "autosave", "version": 2, **complete(option="a")})
    assert autosave.status_code == 409
    assert autosave.json() == {"conflict": True, "version": 3}


def test_history_is_append_only(people: dict[str, Any]) -> None:
    client_for(people["expert_at"]).post(
        "/work/demo-2025/AT/LMM3/", {"action": "save", "version": 1, **complete()}
    )
    change = AnswerChange.objects.get()
    assert change.new["option"] == "a"
    change.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()


def test_justifications_are_sanitised(people: dict[str, Any]) -> None:
    client_for(people["expert_at"]).post(
        "/work/demo-2025/AT/LMM4/",
        {
            "action": "save",
            "version": 1,
            **complete(justification="**Law** <script>alert(1)</script>"),
        },
    )
    page = client_for(people["reviewer_at"]).get("/work/demo-2025/AT/LMM4/").content.decode()
    assert "<strong>Law</strong>" in page
    assert "<script>alert(1)" not in page


def test_carry_forward_from_the_previous_edition(people: dict[str, Any], edition: Any) -> None:
    a = _answers_locked(people, edition)
    later = next_edition(edition, people["expert_at"])
    expert = client_for(people["expert_at"])
    page = expert.get("/work/demo-2026/AT/").content.decode()
    assert "carried forward: confirm" in page
    carried = Answer.objects.get(edition=later, unit="AT", indicator="LMM1")
    assert (carried.option, carried.previous_option, carried.confirmed) == ("a", "a", False)
    assert [s.instrument for s in carried.sources.all()] == ["Aliens Act"]
    assert a.sources.count() == 1  # the old edition's answer keeps its own sources
    changed = expert.post(
        "/work/demo-2026/AT/LMM1/",
        {"action": "submit", "version": 1, "option": "b", "justification": "", "source_count": "0"},
    )
    assert "a changed answer needs a justification" in changed.content.decode()
    assert '<p id="diff"><strong>Changed:</strong> a → b</p>' in changed.content.decode()
    version = Answer.objects.get(pk=carried.pk).version
    expert.post(
        "/work/demo-2026/AT/LMM1/",
        {
            "action": "save",
            "version": version,
            **complete(option="b", justification="x <b>2025</b>"),
        },
    )
    page = expert.get("/work/demo-2026/AT/LMM1/").content.decode()
    assert "changed:</strong> x <ins>&lt;b&gt;2025&lt;/b&gt;</ins></p>" in page


def _answers_locked(people: dict[str, Any], edition: Any) -> Answer:
    a = _answer("AT", "LMM1", people["expert_at"])
    a = workflow.save(a, people["expert_at"], workflow.Content(option="a", justification="x",
                      sources=[{"instrument": "Aliens Act"}]), a.version)  # fmt: skip
    a = workflow.act(a, people["expert_at"], "submit", a.version)
    a = workflow.act(a, people["reviewer_at"], "agree", a.version)
    a = workflow.act(a, people["central"], "validate", a.version)
    return workflow.act(a, people["central"], "lock", a.version)


def test_from_validated_answers_to_a_published_release(
    people: dict[str, Any], edition: Any
) -> None:
    from django.core.cache import caches

    from polindex.web.releases.models import Release

    _answers_locked(people, edition)
    admin = client_for(people["central"])
    people["central"].is_staff = people["central"].is_superuser = True
    people["central"].save()
    response = admin.post(
        "/admin/collection/edition/",
        {"action": "make_release", "_selected_action": [edition.pk]},
    )
    assert response["Location"] == "/work/demo-2025/score/"  # the scoring page (its preview)
    later = dt.date.today() + dt.timedelta(days=3)
    form = {"units": ["AT"], "confirm": ["AT"], "version": "2025.1", "publish_at": f"{later}T09:00"}
    preview = admin.get("/work/demo-2025/score/", {"preview": "1", **form}).content.decode()
    token = re.search(r'name="token" value="([^"]*)"', preview)[1]  # type: ignore[index]
    response = admin.post("/work/demo-2025/score/", {**form, "token": token}, follow=True)
    body = response.content.decode()
    assert "created under embargo until" in body
    release = Release.objects.get(index__code="MIPEXDEMO")
    assert release.notes == [
        {
            "unit": "AT", "period": "2024", "indicator": "LMM1", "justification": "x",
            "sources": [{"instrument": "Aliens Act", "article": "", "url": "", "in_force": ""}],
        }
    ]  # fmt: skip
    public = Client()
    assert public.get(f"/MIPEXDEMO/{release.version}/AT/").status_code == 404  # embargoed
    admin.post(
        "/admin/releases/release/",
        {"action": "publish_now", "_selected_action": [release.pk]},
    )
    caches["pages"].clear()  # the set of public releases is re-read (as after a few seconds)
    page = public.get(f"/MIPEXDEMO/{release.version}/AT/").content.decode()
    assert "Yes, in every sector" in page  # the chosen option's text
    assert "<li>Aliens Act</li>" in page
    api = public.get(f"/api/v1/releases/MIPEXDEMO/{release.version}/answers?unit=AT").json()
    assert api["items"][0]["justification"] == "x"
    assert api["items"][0]["sources"][0]["instrument"] == "Aliens Act"


def test_open_an_edition_in_the_admin(people: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from polindex.web.collection.models import Edition

    people["central"].is_staff = people["central"].is_superuser = True
    people["central"].save()
    admin = client_for(people["central"])
    form = {
        "code": "demo-2027", "name": "Demo 2027", "reference_date": "2026-12-31",
        "period": "2026", "state": "open", "units_text": "AT, DE FR",
        "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
    }  # fmt: skip
    missing = admin.post("/admin/collection/edition/add/", form)
    assert "upload the framework YAML" in missing.content.decode()
    broken = admin.post(
        "/admin/collection/edition/add/",
        {**form, "framework_file": SimpleUploadedFile("fw.yaml", b"code: X\n")},
    )
    assert "name: required" in broken.content.decode()
    good = SimpleUploadedFile("fw.yaml", FRAMEWORK.read_bytes())
    assert (
        admin.post("/admin/collection/edition/add/", {**form, "framework_file": good}).status_code
        == 302
    )
    made = Edition.objects.get(code="demo-2027")
    assert made.units == ["AT", "DE", "FR"]
    assert made.framework["code"] == "MIPEXDEMO"


def test_source_urls_must_be_web_addresses(people: dict[str, Any]) -> None:
    response = client_for(people["expert_at"]).post(
        "/work/demo-2025/AT/LMM5/",
        {"action": "save", "version": 1, **complete(**{"source-0-url": "javascript:alert(1)"})},
    )
    assert "the URL must start with https://" in response.content.decode()
    assert _answer("AT", "LMM5", people["expert_at"]).version == 1


def test_agreement_of_two_experts_for_the_central_team(
    people: dict[str, Any], edition: Any, django_user_model: Any
) -> None:
    second = django_user_model.objects.create_user("second_at", password="pw-second-1")
    Assignment.objects.create(
        edition=edition, user=second, role="expert", unit="AT", primary=False, accepted_at=NOW
    )
    for user, options in ((people["expert_at"], "aab"), (second, "abb")):
        for code, option in zip(("LMM1", "LMM2", "LMM3"), options, strict=True):
            a = Answer.objects.get(edition=edition, unit="AT", indicator=code, expert=user)
            workflow.save(a, user, workflow.Content(option=option), a.version)
    page = client_for(people["central"]).get("/work/demo-2025/agreement/").content.decode()
    assert '<tr><td>LMM1</td><td class="num">100 %</td>' in page
    assert '<tr><td>LMM2</td><td class="num">0 %</td>' in page
    # AT over the three questions: 2 of 3 agree; ordinal alpha of (100, 100, 50) vs (100, 50, 50)
    assert '<tr><td>Austria</td><td class="num">67 %</td><td class="num">0.444</td>' in page
    assert client_for(people["expert_at"]).get("/work/demo-2025/agreement/").status_code == 403


def test_an_invitation_is_accepted_with_a_declaration(
    edition: Any,
    django_user_model: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    newcomer = django_user_model.objects.create_user("nina", "nina@example.org")  # no password yet
    with django_capture_on_commit_callbacks(execute=True):
        a = Assignment.objects.create(edition=edition, user=newcomer, role="expert", unit="BE")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nina@example.org"]
    link = f"/work/invitation/{a.token}/"
    assert f"http://127.0.0.1:8000{link}" in mailoutbox[0].body
    nina = client_for(newcomer)
    assert nina.get("/work/demo-2025/BE/").status_code == 403  # not accepted yet: no role
    anonymous = Client()
    page = anonymous.get(link).content.decode()
    assert 'name="password"' in page
    missing = anonymous.post(link, {"password": "a-long-pass-phrase-1"}).content.decode()
    assert "Declare your interests, or confirm that you have none." in missing
    weak = anonymous.post(link, {"no_conflict": "on", "password": "123"}).content.decode()
    assert "This password is too short" in weak
    done = anonymous.post(
        link,
        {
            "conflict_of_interest": "Adviser to the ministry, 2019.",
            "password": "a-long-pass-phrase-1",
        },
    )
    assert done["Location"] == "/work/"
    a.refresh_from_db()
    assert a.accepted_at is not None
    assert a.conflict_of_interest == "Adviser to the ministry, 2019."
    assert anonymous.get("/work/demo-2025/BE/").status_code == 200  # signed in, with the role
    someone = client_for(django_user_model.objects.create_user("other", password="pw-other-1"))
    assert someone.get(link).status_code == 403


def test_a_declaration_with_a_null_character_is_a_form_error(
    edition: Any, django_user_model: Any
) -> None:
    # regression (issue 13): the declaration was stored as posted, a server error on PostgreSQL
    newcomer = django_user_model.objects.create_user("nina", "nina@example.org")
    a = Assignment.objects.create(edition=edition, user=newcomer, role="expert", unit="BE")
    response = Client().post(
        f"/work/invitation/{a.token}/",
        {"conflict_of_interest": "Adviser\x00", "password": "a-long-pass-phrase-1"},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    a.refresh_from_db()
    assert (a.accepted_at, a.conflict_of_interest) == (None, "")


def test_queries_and_replies_are_emailed(people: dict[str, Any], mailoutbox: list[Any]) -> None:
    for name in ("expert_at", "reviewer_at"):
        people[name].email = f"{name}@example.org"
        people[name].save()
    expert, reviewer = client_for(people["expert_at"]), client_for(people["reviewer_at"])
    url = "/work/demo-2025/AT/LMM1/"
    expert.post(url, {"action": "submit", "version": 1, **complete()})
    a = Answer.objects.get(unit="AT", indicator="LMM1")
    # the submission tells the reviewer, the query the expert
    assert [m.to for m in mailoutbox] == [["reviewer_at@example.org"]]
    assert mailoutbox[0].subject == "[Polindex] Ready for review: 1 answer of Austria (Demo 2025)"
    reviewer.post(url, {"action": "query", "version": a.version, "comment": "Source?"})
    assert [m.to for m in mailoutbox[1:]] == [["expert_at@example.org"]]
    assert mailoutbox[1].subject == "[Polindex] LMM1 (Austria, Demo 2025) has a query"
    assert f"http://127.0.0.1:8000{url}" in mailoutbox[1].body
    expert.post(url, {"action": "comment", "comment": "Art. 5.", "version": a.version + 1})
    assert mailoutbox[-1].to == ["reviewer_at@example.org"]
    assert mailoutbox[-1].subject == "[Polindex] Reply on LMM1 (Austria, Demo 2025)"


def test_deadline_reminders(people: dict[str, Any], edition: Any, mailoutbox: list[Any]) -> None:
    from django.core.management import call_command

    from polindex.web.collection.notify import reminders

    people["expert_at"].email = "expert_at@example.org"
    people["expert_at"].save()
    edition.submit_by = dt.date(2025, 3, 8)
    edition.save()
    assert reminders(dt.date(2025, 3, 1)) == 1  # 7 days before
    assert reminders(dt.date(2025, 3, 2)) == 0
    assert reminders(dt.date(2025, 3, 9)) == 1  # overdue: every day
    assert (
        "61 answers for Austria in Demo 2025 wait for you (overdue: 2025-03-08)"
        in mailoutbox[-1].body
    )
    call_command("send_reminders")  # the scheduler's entry point runs


@pytest.mark.parametrize(
    "path",
    [
        "/work/demo-2025/AT/questionnaire.xlsx",
        "/work/demo-2025/AT/upload/",
        "/work/demo-2025/AT/read/",
        "/work/demo-2025/agreement/",
        "/work/demo-2025/answers.csv",
    ],
)
def test_anonymous_users_reach_no_workspace_page(edition: Any, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_central_team_moderates_the_thread(people: dict[str, Any]) -> None:
    expert, reviewer, central = (
        client_for(people[n]) for n in ("expert_at", "reviewer_at", "central")
    )
    url = "/work/demo-2025/AT/LMM1/"
    expert.post(url, {"action": "submit", "version": 1, **complete()})
    a = Answer.objects.get(unit="AT", indicator="LMM1")
    reviewer.post(url, {"action": "query", "version": a.version, "comment": "This is rude."})
    message = a.comments.get()
    assert expert.post(url, {"action": "hide", "message": message.pk}).status_code == 403
    central.post(url, {"action": "hide", "message": message.pk})
    assert "This is rude." not in expert.get(url).content.decode()
    assert "hidden from the expert and reviewer" in central.get(url).content.decode()
    assert a.changes.last().action == "hide message"


def test_the_dashboard_shows_overdue_work(people: dict[str, Any], edition: Any) -> None:
    edition.submit_by = dt.date(2020, 1, 1)
    edition.save()
    page = client_for(people["expert_at"]).get("/work/").content.decode()
    assert '<strong class="overdue">overdue</strong>' in page
    # the to-do list: the country by name, what waits, the expert's own deadline
    todo = page.split('id="todo"')[1].split("</section>")[0]
    assert ">Austria</a>" in todo
    assert "61 answers" in todo
    assert "due Jan. 1, 2020" in todo
    overview = client_for(people["central"]).get("/work/").content.decode()
    assert "who is waiting on whom" in overview
    # AT: 61 questions nobody has answered, all waiting on the expert, who is late
    row = overview.split('href="/work/demo-2025/AT/">Austria</a></th>')[1].split("</tr>")[0]
    assert row.count('class="num">') == 4
    assert [c.split("<")[0] for c in row.split('class="num">')[1:]] == ["61", "0", "0", "0"]
    assert '<strong class="overdue">expert</strong>' in row
