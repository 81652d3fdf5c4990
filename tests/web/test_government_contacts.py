"""Government contacts fact-check what the expert submitted: they read submitted answers only
(never a draft, nor the drafts in an answer's history) and comment only during the edition's
fact-check window — on every page, download and e-mail where answers show."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from polindex.web.collection import workflow
from polindex.web.collection.models import Answer, Comment, Edition

from .conftest import client_for

AT = "/work/demo-2025/AT/"
DRAFT = "DRAFTMARK"  # in every text the expert has not submitted


def _write(answer: Answer, expert: Any, justification: str, submit: bool = False) -> Answer:
    content = workflow.Content(
        option="b", justification=justification, sources=[{"instrument": "Aliens Act"}]
    )
    answer = workflow.save(answer, expert, content, answer.version)
    if submit:
        answer = workflow.act(answer, expert, "submit", answer.version)
    return answer


@pytest.fixture
def answered(people: dict[str, Any]) -> dict[str, Answer]:
    """AT's LMM1 submitted (after an earlier draft), LMM2 a draft, LMM3 queried and being
    changed again by the expert."""
    expert, reviewer = people["expert_at"], people["reviewer_at"]
    rows = {a.indicator: a for a in Answer.objects.filter(unit="AT", expert=expert)}
    _write(rows["LMM1"], expert, f"Earlier text {DRAFT}-1.")
    rows["LMM1"].refresh_from_db()
    submitted = _write(rows["LMM1"], expert, "Art. 5 of the Aliens Act.", submit=True)
    draft = _write(rows["LMM2"], expert, f"Unsubmitted text {DRAFT}-2.")
    queried = _write(rows["LMM3"], expert, "Art. 7 of the Aliens Act.", submit=True)
    queried = workflow.act(queried, reviewer, "query", queried.version, comment="Which year?")
    queried = _write(queried, expert, f"Reply being written {DRAFT}-3.")
    return {"submitted": submitted, "draft": draft, "queried": queried}


@pytest.fixture
def gov(people: dict[str, Any]) -> Client:
    return client_for(people["gov_at"])


def test_a_draft_answer_page_is_not_found(answered: dict[str, Answer], gov: Client) -> None:
    for answer in (answered["draft"], answered["queried"]):
        response = gov.get(f"{AT}{answer.indicator}/")
        assert response.status_code == 404
        assert DRAFT not in response.content.decode()


def test_a_submitted_answer_shows_its_steps_not_the_drafts_before(
    answered: dict[str, Answer], gov: Client, people: dict[str, Any]
) -> None:
    response = gov.get(f"{AT}LMM1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Art. 5 of the Aliens Act." in page
    assert DRAFT not in page  # the earlier draft is in the history's saves: not shown
    history = page[page.index('<section id="history">') :]
    assert "<strong>submit</strong> by expert_at" in history  # the steps are
    assert "<strong>save</strong>" not in history
    # the reviewer still reads the whole history, earlier drafts included
    assert f"{DRAFT}-1" in client_for(people["reviewer_at"]).get(f"{AT}LMM1/").content.decode()


def test_the_read_through_and_country_pages_hold_submitted_answers_only(
    answered: dict[str, Answer], gov: Client, people: dict[str, Any]
) -> None:
    read = gov.get(f"{AT}read/").content.decode()
    assert "Art. 5 of the Aliens Act." in read
    assert DRAFT not in read
    assert "Art. 7 of the Aliens Act." not in read  # queried: being changed again
    country = gov.get(AT).content.decode()
    assert f'href="{AT}LMM1/"' in country
    assert f'href="{AT}LMM2/"' not in country
    assert f'href="{AT}LMM3/"' not in country
    # (those who work on the answers still see the drafts)
    assert f'href="{AT}LMM2/"' in client_for(people["reviewer_at"]).get(AT).content.decode()


def test_the_questionnaire_download_holds_submitted_answers_only(
    answered: dict[str, Answer], gov: Client
) -> None:
    from openpyxl import load_workbook

    response = gov.get(f"{AT}questionnaire.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
    assert "Art. 5 of the Aliens Act." in cells
    assert not [c for c in cells if DRAFT in c]
    assert "LMM2" not in [str(row[0]) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_comments_on_submitted_answers_only(answered: dict[str, Answer], gov: Client) -> None:
    posted = gov.post(f"{AT}LMM1/", {"action": "comment", "comment": "Art. 5 was amended."})
    assert posted.status_code == 302
    for code in ("LMM2", "LMM3"):
        assert gov.post(f"{AT}{code}/", {"action": "comment", "comment": "?"}).status_code == 404
    assert [c.text for c in Comment.objects.filter(author__username="gov_at")] == [
        "Art. 5 was amended."
    ]


def test_nothing_more_than_comments(answered: dict[str, Answer], gov: Client) -> None:
    """A government contact takes no step and saves nothing, even with a well-formed form."""
    a = answered["submitted"]
    for action in ("save", "agree", "query", "validate", "adjudicate"):
        form = {"action": action, "version": a.version, "comment": "x", "option": "a"}
        assert gov.post(f"{AT}LMM1/", form).status_code == 403, action
    a.refresh_from_db()
    assert (a.status, a.option, a.version) == ("submitted", "b", answered["submitted"].version)
    assert gov.get(f"{AT}steps/agree/").status_code == 403
    assert gov.post(f"{AT}steps/agree/", {"token": f"{a.pk}:{a.version}"}).status_code == 403


@pytest.mark.parametrize(("start", "end"), [(-9, -3), (3, 8)], ids=["after", "before"])
def test_outside_the_fact_check_window_nothing_is_open(
    answered: dict[str, Answer], gov: Client, edition: Edition, start: int, end: int
) -> None:
    today = dt.date.today()
    Edition.objects.filter(pk=edition.pk).update(
        factcheck_from=today + dt.timedelta(days=start),
        factcheck_until=today + dt.timedelta(days=end),
    )
    for path in (AT, f"{AT}read/", f"{AT}LMM1/", f"{AT}questionnaire.xlsx"):
        assert gov.get(path).status_code == 403, path
    assert gov.post(f"{AT}LMM1/", {"action": "comment", "comment": "Late."}).status_code == 403
    assert not Comment.objects.filter(author__username="gov_at").exists()


def test_no_email_tells_a_government_contact_of_drafts(
    people: dict[str, Any], answered: dict[str, Answer], gov: Client, mailoutbox: list[Any]
) -> None:
    """E-mails go to the expert and the reviewers; a government contact's comment tells the
    expert, with a link, and quotes no answer."""
    for user in people.values():
        user.email = f"{user.username}@example.org"
        user.save()
    gov.post(f"{AT}LMM1/", {"action": "comment", "comment": "Art. 5 was amended."})
    expert = client_for(people["expert_at"])
    expert.post(f"{AT}LMM3/", {"action": "comment", "comment": "Working on it."})
    draft = answered["draft"]
    expert.post(f"{AT}LMM2/", {"action": "submit", "version": draft.version, "option": "b",
                               "justification": "Art. 9.", "source_count": "1",
                               "source-0-instrument": "Aliens Act"})  # fmt: skip
    assert [m.to for m in mailoutbox] == [
        ["expert_at@example.org"],
        ["reviewer_at@example.org"],
        ["reviewer_at@example.org"],
    ]  # the comment, the reply, the submission (ready for review)
    assert all(DRAFT not in m.body and DRAFT not in m.subject for m in mailoutbox)
