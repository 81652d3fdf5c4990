"""Review steps for a whole country, areas, the fact-check read-through and per-part merges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from polindex.web.collection import bulk, progress, workflow
from polindex.web.collection.models import Answer, Assignment

from .conftest import NOW, client_for, complete, take_step

AT = "/work/demo-2025/AT/"


def _answers(expert: Any, unit: str = "AT") -> dict[str, Answer]:
    return {a.indicator: a for a in Answer.objects.filter(unit=unit, expert=expert)}


def _fill(people: dict[str, Any], codes: list[str]) -> None:
    expert = client_for(people["expert_at"])
    expert.get(AT)
    for code in codes:
        a = Answer.objects.get(unit="AT", indicator=code, expert=people["expert_at"])
        assert (
            expert.post(
                f"{AT}{code}/", {"action": "save", "version": a.version, **complete()}
            ).status_code
            == 302
        )


def test_an_expert_submits_every_complete_answer_at_once(people: dict[str, Any]) -> None:
    _fill(people, ["LMM1", "LMM2", "EDU1"])
    expert = client_for(people["expert_at"])
    page = expert.get(AT).content.decode()
    assert "Submit the 3 complete draft answers" in page
    preview = expert.get(f"{AT}steps/submit/").content.decode()
    assert "This step changes exactly 3 answers" in preview
    assert "LMM3</a>: choose an answer" in preview  # what keeps the others back, with a link
    response = take_step(expert, AT, "submit")
    assert response.status_code == 302
    page = expert.get(response["Location"]).content.decode()
    assert "<strong>Submitted</strong> 3 answers" in page
    statuses = {k: a.status for k, a in _answers(people["expert_at"]).items()}
    assert sorted(k for k, s in statuses.items() if s == "submitted") == ["EDU1", "LMM1", "LMM2"]
    assert sum(s == "draft" for s in statuses.values()) == 58


def test_a_reviewer_starts_the_review_then_agrees(people: dict[str, Any]) -> None:
    _fill(people, ["LMM1", "LMM2"])
    take_step(client_for(people["expert_at"]), AT, "submit")
    reviewer, expert = client_for(people["reviewer_at"]), client_for(people["expert_at"])
    assert "Start reviewing 2 submitted answers" in reviewer.get(AT).content.decode()
    assert take_step(expert, AT, "review").status_code == 200  # offered to nobody else…
    assert "This step applies to no answer now" in expert.get(f"{AT}steps/review/").content.decode()
    assert {a.status for a in _answers(people["expert_at"]).values()} == {"draft", "submitted"}
    take_step(reviewer, AT, "review")
    answers = _answers(people["expert_at"])
    assert (answers["LMM1"].status, answers["LMM2"].status) == ("in_review", "in_review")
    assert answers["LMM1"].changes.last().action == "review"
    # in review, the expert cannot change the answer
    edit = {"action": "save", "version": answers["LMM1"].version, **complete(option="b")}
    assert expert.post(f"{AT}LMM1/", edit).status_code == 403
    reviewer.post(f"{AT}LMM2/", {"action": "query", "version": answers["LMM2"].version,
                                 "comment": "Which article?"})  # fmt: skip
    assert "Agree with 1 answer awaiting your review" in reviewer.get(AT).content.decode()
    take_step(reviewer, AT, "agree")
    answers = _answers(people["expert_at"])
    assert (answers["LMM1"].status, answers["LMM2"].status) == ("agreed", "queried")


def test_an_unknown_country_step_changes_nothing(people: dict[str, Any]) -> None:
    _fill(people, ["LMM1"])
    expert = client_for(people["expert_at"])
    assert take_step(expert, AT, "adjudicate").status_code == 404
    assert expert.post(f"{AT}steps/adjudicate/", {"token": "1:1"}).status_code == 404
    assert expert.post(AT, {"action": "submit"}).status_code == 405  # steps have their pages
    assert _answers(people["expert_at"])["LMM1"].status == "draft"


def test_a_conflict_in_a_country_step_undoes_all_of_it(people: dict[str, Any]) -> None:
    _fill(people, ["LMM1", "LMM2"])
    answers = list(_answers(people["expert_at"]).values())
    stale = next(a for a in answers if a.indicator == "LMM2")
    Answer.objects.filter(pk=stale.pk).update(version=stale.version + 1)  # saved meanwhile
    token = ",".join(f"{a.pk}:{a.version}" for a in answers if a.indicator in ("LMM1", "LMM2"))
    try:
        bulk.take(answers, people["expert_at"], "submit", token)
    except workflow.ConflictError:
        pass
    else:
        raise AssertionError("no conflict")
    assert set(Answer.objects.filter(unit="AT").values_list("status", flat=True)) == {"draft"}


def test_the_central_team_validates_and_locks_a_country(people: dict[str, Any]) -> None:
    _fill(people, ["LMM1"])
    take_step(client_for(people["expert_at"]), AT, "submit")
    take_step(client_for(people["reviewer_at"]), AT, "agree")
    central = client_for(people["central"])
    assert "Validate 1 reviewed answer" in central.get(AT).content.decode()
    take_step(central, AT, "validate")
    take_step(central, AT, "lock")
    assert _answers(people["expert_at"])["LMM1"].status == "locked"


def test_area_experts_and_coordinators_see_their_area(
    people: dict[str, Any], edition: Any, django_user_model: Any
) -> None:
    edu = django_user_model.objects.create_user("edu", password="pw-edu-1")
    Answer.objects.filter(expert=people["expert_at"]).delete()  # assigned the LMM area only:
    lmm = Assignment.objects.get(user=people["expert_at"])
    lmm.area = "LMM"
    lmm.save()  # the rows are made for that area
    Assignment.objects.create(
        edition=edition, user=edu, role="expert", unit="AT", area="EDU", accepted_at=NOW
    )
    page = client_for(edu).get(AT).content.decode()
    assert "EDU1" in page
    assert "LMM1" not in page
    assert {a[:3] for a in _answers(edu)} == {"EDU"}
    assert len(_answers(edu)) == progress.questions(edition)["EDU"]
    client_for(people["expert_at"]).get(AT)
    assert {a[:3] for a in _answers(people["expert_at"])} == {"LMM"}
    assert client_for(edu).get(f"{AT}LMM1/").status_code in (403, 404)
    # the reviewer of the whole country sees each area's expert's answers
    Answer.objects.filter(expert=edu, indicator="EDU1").update(option="b")
    Answer.objects.filter(expert=people["expert_at"], indicator="LMM1").update(option="c")
    whole = client_for(people["reviewer_at"]).get(AT).content.decode()
    assert "EDU1" in whole
    assert "LMM1" in whole
    assert client_for(people["reviewer_at"]).get(f"{AT}EDU1/").status_code == 200
    # the labour-market coordinator: only that area, on the country page and the dashboard
    coordinator = client_for(people["coordinator"])
    page = coordinator.get(AT).content.decode()
    assert "LMM1" in page
    assert "EDU1" not in page
    assert coordinator.get(f"{AT}EDU1/").status_code == 403
    board = coordinator.get("/work/").content.decode()
    assert "Austria</a> — Labour market mobility" in board


def test_progress_counts_waiting_parties(people: dict[str, Any], edition: Any) -> None:
    _fill(people, ["LMM1", "LMM2"])
    take_step(client_for(people["expert_at"]), AT, "submit")
    client_for(people["reviewer_at"]).post(f"{AT}LMM1/", {"action": "agree", "version": 3})
    found = progress.counts(edition)
    at = progress.total(edition, found, "AT")
    assert (at["agreed"], at["submitted"], at["draft"]) == (1, 1, 59)
    assert progress.waiting(at) == {"expert": 59, "reviewer": 1, "central": 1, "done": 0}
    lmm = progress.total(edition, found, "AT", "LMM")
    assert lmm.total() == progress.questions(edition)["LMM"]
    edition.review_by = dt.date(2020, 1, 1)
    assert progress.overdue(edition, progress.waiting(at), dt.date(2025, 1, 1)) == ["reviewer"]
    edition.save()
    page = client_for(people["central"]).get(AT).content.decode()
    summary = page.split('<p id="waiting">')[1].split("</p>")[0]
    assert summary.startswith("Waiting on the expert: 59 · on the reviewer: 1 · on the central")
    assert summary.endswith('<strong class="overdue">overdue: reviewer</strong>')
    row = page.split('href="/work/demo-2025/AT/LMM2/">LMM2</a>')[1].split("</tr>")[0]
    assert row.endswith('Submitted <strong class="overdue">overdue</strong></td>')


def test_government_contacts_read_what_was_submitted_and_comment(
    people: dict[str, Any], edition: Any, mailoutbox: list[Any]
) -> None:
    _fill(people, ["LMM1", "LMM2"])
    people["expert_at"].email = "expert@example.org"
    people["expert_at"].save()
    a = _answers(people["expert_at"])["LMM1"]
    expert = client_for(people["expert_at"])
    assert expert.post(f"{AT}LMM1/", {"action": "submit", "version": a.version, **complete()})
    gov = client_for(people["gov_at"])
    page = gov.get(f"{AT}read/").content.decode()
    assert page.count('class="read-answer"') == 1  # LMM1, submitted; the drafts are the expert's
    assert "Art. 5 of the Aliens Act." in page
    assert "<dt>Instrument</dt><dd>Aliens Act</dd></div><div><dt>Article</dt><dd>5</dd>" in page
    a = _answers(people["expert_at"])["LMM1"]
    response = gov.post(
        f"{AT}LMM1/",
        {"action": "comment", "comment": "Amended in 2024.", "version": a.version, "back": "read"},
    )
    assert response["Location"] == f"{AT}read/?saved=comment#LMM1"
    assert a.comments.get().text == "Amended in 2024."
    assert mailoutbox[-1].to == ["expert@example.org"]  # the expert hears of it
    assert "LMM1 (Austria, Demo 2025) has a new message" in mailoutbox[-1].subject
    # nothing more: no save, no step, and nothing outside the window
    assert (
        gov.post(f"{AT}LMM1/", {"action": "save", "version": a.version, **complete()}).status_code
        == 403
    )
    assert gov.post(f"{AT}steps/submit/", {"token": ""}).status_code == 403
    assert _answers(people["expert_at"])["LMM2"].status == "draft"
    edition.factcheck_until = dt.date.today() - dt.timedelta(days=1)
    edition.save()
    assert gov.get(f"{AT}read/").status_code == 403


def test_a_conflict_is_resolved_part_by_part(people: dict[str, Any]) -> None:
    expert = client_for(people["expert_at"])
    expert.get(AT)
    url = f"{AT}LMM1/"
    expert.post(
        url, {"action": "save", "version": 1, **complete(option="b", justification="Saved.")}
    )
    # a stale page (version 1) with another option and justification
    mine = {"action": "save", "version": 1, **complete(option="c", justification="Mine.")}
    page = expert.post(url, mine).content.decode()
    assert 'name="take-answer"' in page
    assert 'name="take-justification"' in page
    assert 'name="take-sources"' not in page  # the same in both: nothing to choose
    merged = {**mine, "action": "merge", "version": 2, "take-answer": "mine",
              "take-justification": "saved"}  # fmt: skip
    assert expert.post(url, merged).status_code == 302
    a = _answers(people["expert_at"])["LMM1"]
    assert (a.option, a.justification, a.version) == ("c", "Saved.", 3)
    # a merge from a page that is stale again is another conflict, not an overwrite
    page = expert.post(url, {**merged, "take-justification": "mine"}).content.decode()
    assert "Someone saved this answer after you opened it" in page
    assert Answer.objects.get(pk=a.pk).version == 3


def test_reminders_count_only_the_persons_area(
    people: dict[str, Any], edition: Any, django_user_model: Any, mailoutbox: list[Any]
) -> None:
    from polindex.web.collection.notify import reminders

    _fill(people, ["LMM1", "LMM2", "EDU1"])
    take_step(client_for(people["expert_at"]), AT, "submit")
    edu = django_user_model.objects.create_user("edu-rev", email="edu@example.org")
    Assignment.objects.create(
        edition=edition, user=edu, role="reviewer", unit="", area="EDU", accepted_at=NOW
    )
    edition.review_by = dt.date(2025, 3, 8)
    edition.save()
    assert reminders(dt.date(2025, 3, 7)) == 1  # one day before; the others have no address
    assert mailoutbox[-1].to == ["edu@example.org"]
    assert "1 answer for Austria in Demo 2025 waits for you (due in 1 day" in mailoutbox[-1].body


def test_an_area_experts_workbook_holds_that_area(
    people: dict[str, Any], edition: Any, django_user_model: Any
) -> None:
    import io

    from openpyxl import load_workbook

    Assignment.objects.filter(user=people["expert_at"]).update(area="EDU")
    expert = client_for(people["expert_at"])
    response = expert.get(f"{AT}questionnaire.xlsx")
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(response.content))["Questionnaire"].iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [f"EDU{k}" for k in range(1, len(rows))]
    assert len(rows) - 1 == progress.questions(edition)["EDU"]


def test_two_primary_experts_for_one_question_stop_the_scoring(
    people: dict[str, Any], edition: Any, django_user_model: Any
) -> None:
    import pytest

    from polindex.web.collection.editions import final_answers

    second = django_user_model.objects.create_user("second")
    Assignment.objects.create(
        edition=edition, user=second, role="expert", unit="AT", accepted_at=NOW
    )
    for expert in (people["expert_at"], second):
        Answer.objects.filter(expert=expert, indicator="LMM1").update(
            option="a", status="validated"
        )
    with pytest.raises(ValueError, match="AT LMM1 has validated answers from two primary experts"):
        final_answers(edition)
    Assignment.objects.filter(user=second).update(primary=False)  # a coder: not scored
    assert final_answers(edition) == [("AT", "2024", "LMM1", "a")]


def test_with_the_database_queue_mail_waits_for_the_worker(
    transactional_db: None, people: dict[str, Any], mailoutbox: list[Any], settings: Any
) -> None:
    """POLINDEX_TASKS=database: a query's e-mail is stored, not sent, until the worker runs."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    people["expert_at"].email = "expert@example.org"
    people["expert_at"].save()
    _fill(people, ["LMM1"])
    take_step(client_for(people["expert_at"]), AT, "submit")
    a = _answers(people["expert_at"])["LMM1"]
    reviewer = client_for(people["reviewer_at"])
    reviewer.post(f"{AT}LMM1/", {"action": "query", "version": a.version, "comment": "Which?"})
    assert mailoutbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [m.to for m in mailoutbox] == [["expert@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_reviewers_see_the_expert_who_accepted(
    people: dict[str, Any], edition: Any, django_user_model: Any
) -> None:
    late = django_user_model.objects.create_user("late")
    first = Assignment.objects.get(user=people["expert_at"])
    Assignment.objects.filter(pk=first.pk).update(accepted_at=None)  # invited, not accepted
    Assignment.objects.create(edition=edition, user=late, role="expert", unit="AT", accepted_at=NOW)
    client_for(late).get(AT)
    Answer.objects.filter(expert=late, indicator="LMM1").update(option="c")
    page = client_for(people["reviewer_at"]).get(f"{AT}LMM1/").content.decode()
    assert '<p id="current-answer"><strong>c</strong>' in page


def test_the_admin_sends_an_invitation_again(
    people: dict[str, Any], edition: Any, django_user_model: Any, mailoutbox: list[Any]
) -> None:
    people["central"].is_staff = people["central"].is_superuser = True
    people["central"].save()
    new = django_user_model.objects.create_user("new", email="new@example.org")
    waiting = Assignment.objects.create(edition=edition, user=new, role="reviewer", unit="BE")
    accepted = Assignment.objects.get(user=people["expert_at"])
    mailoutbox.clear()
    response = client_for(people["central"]).post(
        "/admin/collection/assignment/",
        {"action": "invite_again", "_selected_action": [waiting.pk, accepted.pk]},
        follow=True,
    )
    assert "1 invitation(s) sent; 1 already accepted or without an address." in (
        response.content.decode()
    )
    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    assert f"/work/invitation/{waiting.token}/" in mailoutbox[0].body


def test_the_central_team_downloads_every_answer_as_csv(
    people: dict[str, Any], edition: Any
) -> None:
    import csv
    import io

    _fill(people, ["LMM1"])
    for name in ("expert_at", "reviewer_at", "coordinator", "gov_at", "outsider"):
        assert client_for(people[name]).get("/work/demo-2025/answers.csv").status_code == 403
    response = client_for(people["central"]).get("/work/demo-2025/answers.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2 * progress.questions(edition).total()  # AT's and BE's experts' 61
    first = next(r for r in rows if r["indicator"] == "LMM1")
    assert {k: first[k] for k in ("unit", "area", "expert", "primary", "option", "score")} == {
        "unit": "AT", "area": "LMM", "expert": "expert_at", "primary": "True", "option": "a",
        "score": "100",
    }  # fmt: skip
    assert first["justification"] == "Art. 5 of the Aliens Act."
    assert first["sources"] == "Aliens Act art. 5"


def test_experts_text_never_runs_as_a_spreadsheet_formula(
    people: dict[str, Any], edition: Any
) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    _fill(people, ["LMM1"])
    formula = '=HYPERLINK("https://evil.example","click")'
    Answer.objects.filter(indicator="LMM1").update(justification=formula)
    book = client_for(people["expert_at"]).get(f"{AT}questionnaire.xlsx").content
    sheet = load_workbook(io.BytesIO(book))["Questionnaire"]
    cell = next(c for c in sheet["G"] if c.value == formula)
    assert cell.data_type == "s"  # stored as a string, shown as typed
    table = client_for(people["central"]).get("/work/demo-2025/answers.csv").content.decode()
    row = next(r for r in csv.DictReader(io.StringIO(table)) if r["indicator"] == "LMM1")
    assert row["justification"] == "'" + formula


def test_the_reviewer_who_starts_a_review_stays_anonymous(people: dict[str, Any]) -> None:
    """Regression: the history named the reviewer of a "review" step (only "agree" and
    "query" were taken for a reviewer's)."""
    _fill(people, ["LMM1"])
    take_step(client_for(people["expert_at"]), AT, "submit")
    reviewer = client_for(people["reviewer_at"])
    assert "Start review" in reviewer.get(f"{AT}LMM1/").content.decode()
    take_step(reviewer, AT, "review")
    assert 'value="review"' not in reviewer.get(f"{AT}LMM1/").content.decode()  # started
    page = client_for(people["expert_at"]).get(f"{AT}LMM1/").content.decode()
    assert "<strong>review</strong> by reviewer," in page
    assert "reviewer_at" not in page
    assert "<strong>review</strong> by reviewer_at," in (
        client_for(people["central"]).get(f"{AT}LMM1/").content.decode()
    )
