"""Steps for many answers: a preview of exactly what changes, a confirmation, one history entry,
a reversal while nothing depends on it — and pages that guide (errors beside their fields,
what happens next, each person's own deadline and next question)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from polindex.web.collection import workflow
from polindex.web.collection.models import Answer, AnswerChange, BulkStep, Comment

from .conftest import client_for, complete, take_step

AT = "/work/demo-2025/AT/"


def _submitted(people: dict[str, Any], codes: list[str]) -> list[Answer]:
    """``codes`` of AT answered completely and submitted by AT's expert."""
    expert = people["expert_at"]
    done = []
    for code in codes:
        a = Answer.objects.get(unit="AT", indicator=code, expert=expert)
        source = {"instrument": "Aliens Act", "article": "5"}
        content = workflow.Content(option="a", justification="Art. 5.", sources=[source])
        a = workflow.save(a, expert, content, a.version)
        done.append(workflow.act(a, expert, "submit", a.version))
    return done


def _rows() -> tuple[int, int, int]:
    return Answer.objects.count(), AnswerChange.objects.count(), BulkStep.objects.count()


def test_a_step_shows_exactly_what_it_changes_then_is_confirmed_and_reversed(
    people: dict[str, Any],
) -> None:
    _submitted(people, ["LMM1", "LMM2", "EDU1"])
    reviewer = client_for(people["reviewer_at"])
    page = reviewer.get(AT).content.decode()
    assert "Agree with the 3 answers awaiting your review" in page
    assert "Validate" not in page
    assert "Lock" not in page
    before = _rows()
    preview = reviewer.get(f"{AT}steps/agree/").content.decode()
    assert _rows() == before  # a preview writes nothing
    table = preview.split('id="step-answers"')[1].split("</table>")[0]
    assert re.findall(r">(\w+)</a>", table) == ["LMM1", "LMM2", "EDU1"]  # questionnaire order
    assert '"Answer">a — Yes, in every sector</td>' in table  # the option named, not only "a"
    assert (
        table.count('"Status now">Submitted</td><td data-label="After the step">Agreed</td>') == 3
    )
    assert "This step changes exactly 3 answers" in preview
    response = take_step(reviewer, AT, "agree")
    assert response.status_code == 302
    step = BulkStep.objects.get()
    assert response["Location"] == f"{AT}?step={step.pk}#step-done"
    assert (step.action, step.who, len(step.moved)) == ("agree", people["reviewer_at"], 3)
    assert set(Answer.objects.filter(unit="AT", status="agreed").values_list(
        "indicator", flat=True)) == {"LMM1", "LMM2", "EDU1"}  # fmt: skip
    assert AnswerChange.objects.filter(bulk=step, action="agree").count() == 3
    page = reviewer.get(response["Location"]).content.decode()
    done = page.split('id="step-done"')[1].split("</div>")[0]
    assert "<strong>Agreed</strong> 3 answers" in done
    assert "The central team validates them next." in done
    assert f"steps/undo/?step={step.pk}" in done
    # the reversal: previewed, then confirmed
    undo = reviewer.get(f"{AT}steps/undo/?step={step.pk}").content.decode()
    assert "Reverse the step for 3 answers" in undo
    assert undo.count('"Status now">Agreed</td><td data-label="Back to">Submitted</td>') == 3
    assert reviewer.post(f"{AT}steps/undo/", {"step": step.pk}).status_code == 302
    assert set(Answer.objects.filter(unit="AT", indicator__in=["LMM1", "LMM2", "EDU1"])
               .values_list("status", flat=True)) == {"submitted"}  # fmt: skip
    step.refresh_from_db()
    assert step.reversed_by == people["reviewer_at"]
    assert AnswerChange.objects.filter(bulk=step, action="undo agree").count() == 3
    again = reviewer.post(f"{AT}steps/undo/", {"step": step.pk})
    assert again.status_code == 409
    assert "already reversed" in again.content.decode()


def test_a_step_cannot_be_reversed_once_later_work_depends_on_it(people: dict[str, Any]) -> None:
    _submitted(people, ["LMM1", "LMM2"])
    take_step(client_for(people["reviewer_at"]), AT, "agree")
    step = BulkStep.objects.get()
    central = client_for(people["central"])
    lmm1 = Answer.objects.get(unit="AT", indicator="LMM1")
    workflow.act(lmm1, people["central"], "validate", lmm1.version)  # depends on the agreement
    page = central.get(f"{AT}steps/undo/?step={step.pk}").content.decode()
    assert "can no longer be reversed" in page
    assert ">LMM1</a> — Validated" in page
    assert 'id="confirm"' not in page
    response = central.post(f"{AT}steps/undo/", {"step": step.pk})
    assert response.status_code == 409
    assert "changed since: LMM1" in response.content.decode()
    assert Answer.objects.get(unit="AT", indicator="LMM2").status == "agreed"  # nothing moved


def test_a_changed_preview_moves_nothing(people: dict[str, Any]) -> None:
    answers = _submitted(people, ["LMM1", "LMM2"])
    reviewer = client_for(people["reviewer_at"])
    preview = reviewer.get(f"{AT}steps/agree/").content.decode()
    token = re.search(r'name="token" value="([^"]*)"', preview)[1]  # type: ignore[index]
    a = answers[1]
    workflow.act(a, people["reviewer_at"], "query", a.version, comment="Which article?")
    response = reviewer.post(f"{AT}steps/agree/", {"token": token})
    assert response.status_code == 409
    assert "changed since you looked: nothing was done" in response.content.decode()
    assert "This step changes exactly 1 answer" in response.content.decode()  # as it is now
    assert Answer.objects.get(pk=answers[0].pk).status == "submitted"
    assert not BulkStep.objects.exists()


def test_reopening_many_answers_needs_a_reason(people: dict[str, Any]) -> None:
    _submitted(people, ["LMM1", "LMM2"])
    take_step(client_for(people["reviewer_at"]), AT, "agree")
    central = client_for(people["central"])
    assert "Reopen 2 reviewed answers" in central.get(AT).content.decode()
    response = take_step(central, AT, "reopen")
    body = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#reason">Reason: say why (reopen)</a>' in body  # the summary links to it
    assert 'id="reason-error"' in body
    assert set(Answer.objects.filter(unit="AT", indicator__in=["LMM1", "LMM2"])
               .values_list("status", flat=True)) == {"agreed"}  # fmt: skip
    assert take_step(central, AT, "reopen", reason="a\x00b").status_code == 400
    assert take_step(central, AT, "reopen", reason="New law in force.").status_code == 302
    assert Answer.objects.get(unit="AT", indicator="LMM1").status == "draft"
    assert Comment.objects.filter(text="New law in force.").count() == 2


def test_nothing_malformed_breaks_a_step(people: dict[str, Any]) -> None:
    _submitted(people, ["LMM1"])
    reviewer, expert = client_for(people["reviewer_at"]), client_for(people["expert_at"])
    for query in ("?step=²", "?step=-1", "?step=99999999999999", "?step=", "?step=abc", ""):
        assert reviewer.get(f"{AT}steps/undo/{query}").status_code == 404, query
    for token in ("", "x", "1:1," * 5000, "\x00", "²:²"):
        response = reviewer.post(f"{AT}steps/agree/", {"token": token})
        assert response.status_code == 409, token
    assert reviewer.post(f"{AT}steps/agree/", {}).status_code == 409
    assert reviewer.get(f"{AT}?step=²&undone=abc").status_code == 200
    assert reviewer.get(f"{AT}steps/delete/").status_code == 404
    assert expert.get(f"{AT}steps/undo/?step=1").status_code == 404  # no such step
    assert Answer.objects.get(unit="AT", indicator="LMM1").status == "submitted"
    take_step(reviewer, AT, "agree")
    step = BulkStep.objects.get()
    # the expert may neither take the reviewer's step nor reverse it
    assert expert.post(f"{AT}steps/undo/", {"step": step.pk}).status_code == 403
    assert "Only the person who took this step" in expert.get(
        f"{AT}steps/undo/?step={step.pk}").content.decode()  # fmt: skip
    assert client_for(people["gov_at"]).get(f"{AT}steps/undo/?step={step.pk}").status_code == 403


def test_the_answer_page_puts_each_problem_beside_its_field(people: dict[str, Any]) -> None:
    expert = client_for(people["expert_at"])
    a = Answer.objects.get(unit="AT", indicator="LMM1", expert=people["expert_at"])
    form = {**complete(justification="  "), "action": "submit", "version": a.version,
            "source-0-url": "ftp://example.org"}  # fmt: skip
    response = expert.post(f"{AT}LMM1/", form)
    body = response.content.decode()
    assert response.status_code == 400
    summary = body.split('id="errors"')[1].split("</div>")[0]
    assert (
        '<a href="#source-0-instrument">Source 1: the URL must start with https://</a>' in summary
    )
    assert 'id="source-0-error">the URL must start with https://</p>' in body  # beside it
    assert 'value="ftp://example.org"' in body  # what was typed is kept
    assert "Nothing was saved." in summary


def test_after_a_submission_the_page_says_what_comes_next(people: dict[str, Any]) -> None:
    expert = client_for(people["expert_at"])
    a = Answer.objects.get(unit="AT", indicator="LMM1", expert=people["expert_at"])
    response = expert.post(f"{AT}LMM1/", {**complete(), "action": "submit", "version": a.version})
    page = expert.get(response["Location"]).content.decode()
    saved = page.split('id="saved"')[1].split("</div>")[0]
    assert "Submitted — your reviewer has been notified." in saved
    assert f'href="{AT}LMM2/">Next question waiting on you: LMM2' in saved
    # keyboard: a plain link to the next question waiting, at the top and the bottom
    assert f'href="{AT}LMM2/" class="mine-link" id="next-mine">' in page
    assert page.index('id="next-mine"') < page.index('id="status"') < page.index("next-mine-bottom")


def test_each_person_sees_their_own_deadline(people: dict[str, Any], edition: Any) -> None:
    edition.submit_by, edition.review_by = dt.date(2031, 3, 1), dt.date(2031, 4, 1)
    edition.save()
    _submitted(people, ["LMM1"])
    reviewer = client_for(people["reviewer_at"]).get(AT).content.decode()
    assert "Your deadline to review: April 1, 2031." in reviewer
    assert "March 1, 2031" not in reviewer
    expert = client_for(people["expert_at"]).get(AT).content.decode()
    assert "Your deadline to submit: March 1, 2031." in expert
    answer = client_for(people["reviewer_at"]).get(f"{AT}LMM1/").content.decode()
    assert "Your deadline to review: April 1, 2031." in answer
    assert "1 answer of this country waits on you." in answer


def test_a_query_is_at_the_top_of_the_experts_page(people: dict[str, Any]) -> None:
    (a,) = _submitted(people, ["LMM1"])
    workflow.act(a, people["reviewer_at"], "query", a.version, comment="Which article?")
    page = client_for(people["expert_at"]).get(f"{AT}LMM1/").content.decode()
    note = page.split('id="query-note"')[1].split("</div>")[0]
    assert "Reviewer: “Which article?”" in note  # the reviewer stays anonymous
    assert page.index('id="query-note"') < page.index('id="answer-form"')
