"""The answer page's forms: a malformed field is an error shown to the user (400), never a server
error, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from polindex.web.collection import workflow
from polindex.web.collection.models import Answer

from .conftest import client_for, complete

URL = "/work/demo-2025/AT/LMM1/"
FORMULA = '=HYPERLINK("https://evil.example","click")'


def _state(answer: Answer) -> tuple[Any, ...]:
    answer.refresh_from_db()
    return (
        answer.version, answer.status, answer.option, answer.confidence, answer.justification,
        answer.sources.count(), answer.changes.count(), answer.comments.count(),
    )  # fmt: skip


def _answer(people: dict[str, Any]) -> Answer:
    return Answer.objects.get(unit="AT", indicator="LMM1", expert=people["expert_at"])


# (who posts, what, the error shown) — each used to be stored or to end in a server error
MALFORMED = {
    "version not a number": (
        "expert_at", {"action": "save", "version": "abc"}, "Version of the page:",
    ),
    "version too large": (
        "expert_at", {"action": "save", "version": "9" * 20}, "less than or equal to",
    ),
    "source count not a number": (
        "expert_at", {"action": "save", "version": "1", "source_count": "²"}, "Number of sources:",
    ),
    "a day that does not exist": (
        "expert_at",
        {"action": "save", "version": "1", "source-0-in_force": "2024-02-30"},
        "in force &#x27;2024-02-30&#x27; is not a date (YYYY-MM-DD)",
    ),
    "an option that is not the question's": (
        "expert_at", {"action": "save", "version": "1", "option": FORMULA},
        "is not an option of LMM1: a, b, c",
    ),
    "a confidence that is not one": (
        "expert_at", {"action": "save", "version": "1", "confidence": "=1+1"},
        "Select a valid choice.",
    ),
    "a submitted option that is not the question's": (
        "expert_at", {"action": "submit", "version": "1", "option": "z"},
        "is not an option of LMM1",
    ),
    "a null character": (
        "expert_at", {"action": "save", "version": "1", "justification": "a\x00b"},
        "Null characters are not allowed.",
    ),
    "a source too long for its column": (
        "expert_at", {"action": "save", "version": "1", "source-0-instrument": "x" * 301},
        "instrument is longer than 300 characters",
    ),
    "a message id not a number": ("central", {"action": "hide", "message": "abc"}, "Message:"),
    "an adjudicated option that is not the question's": (
        "central",
        {"action": "adjudicate", "version": "2", "comment": "Why.", "adjudicated_option": "=1"},
        "&#x27;=1&#x27; is not an option of LMM1",
    ),
    "a step's version not a number": (
        "reviewer_at", {"action": "agree", "version": "2.5"}, "Version of the page:",
    ),
    "an unknown action": ("expert_at", {"action": "delete", "version": "1"}, "unknown action"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_field_is_a_form_error_and_nothing_is_stored(
    people: dict[str, Any], case: str
) -> None:
    who, fields, error = MALFORMED[case]
    answer = _answer(people)
    if fields["action"] in ("adjudicate", "hide", "agree"):  # something to review
        answer = workflow.save(answer, people["expert_at"], workflow.Content(option="a"), 1)
        Answer.objects.filter(pk=answer.pk).update(status=Answer.Status.SUBMITTED)
    before = _state(answer)
    data = {**complete(), **fields} if who == "expert_at" else fields
    response = client_for(people[who]).post(URL, data)
    assert response.status_code == 400, case
    body = response.content.decode()
    assert 'id="errors"' in body
    assert error in body, case
    assert _state(answer) == before, case


def test_autosave_reports_a_malformed_field_as_json(people: dict[str, Any]) -> None:
    answer = _answer(people)
    before = _state(answer)
    response = client_for(people["expert_at"]).post(
        URL, {**complete(), "action": "autosave", "version": "1", "option": FORMULA}
    )
    assert response.status_code == 400
    assert "is not an option of LMM1" in response.json()["errors"]["option"]
    assert _state(answer) == before


def test_every_save_keeps_to_the_questions_options(people: dict[str, Any]) -> None:
    """Whatever the path (the page, the workbook, a script), an answer's option and confidence
    are the question's: the workflow refuses anything else."""
    answer = _answer(people)
    for content in (workflow.Content(option=FORMULA), workflow.Content(confidence="sure")):
        with pytest.raises(workflow.InvalidError):
            workflow.save(answer, people["expert_at"], content, answer.version)
    assert _state(answer)[:3] == (1, "draft", "")


def test_a_valid_form_still_saves_with_its_sources(people: dict[str, Any]) -> None:
    response = client_for(people["expert_at"]).post(
        URL,
        {
            "action": "save", "version": "1", **complete(confidence="high"),
            "source_count": "2", "source-1-instrument": "Second Act",
            "source-1-url": "https://example.org/act", "source-1-in_force": "2024-02-29",
        },
    )  # fmt: skip
    assert response["Location"] == URL + "?saved=save"
    answer = _answer(people)
    assert (answer.option, answer.confidence, answer.version) == ("a", "high", 2)
    assert [(s.instrument, str(s.in_force or "")) for s in answer.live_sources()] == [
        ("Aliens Act", ""),
        ("Second Act", "2024-02-29"),
    ]


def test_a_step_on_a_stale_page_asks_to_look_again(people: dict[str, Any]) -> None:
    answer = workflow.save(_answer(people), people["expert_at"], workflow.Content(option="a"), 1)
    Answer.objects.filter(pk=answer.pk).update(status=Answer.Status.SUBMITTED)
    response = client_for(people["reviewer_at"]).post(URL, {"action": "agree", "version": "1"})
    assert response.status_code == 409
    assert "The answer was saved after you opened it" in response.content.decode()
    assert _answer(people).status == Answer.Status.SUBMITTED
