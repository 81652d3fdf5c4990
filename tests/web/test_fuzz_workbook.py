"""Fuzzing the offline questionnaire's upload: whatever the workbook, reading it gives changes
or problems to show — never an exception, and nothing is saved (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polindex.io.sheets import cell_safe
from polindex.web.collection import workbook
from polindex.web.collection.models import Answer

from ..corpus.make import QUESTIONNAIRE, answer_row, questionnaire

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
VALUES = {
    "indicator": ["LMM1", "LMM2", "ZZZ9", "", "lmm1"],
    "answer": ["a", "b", "c", "n/a", "N/A", "", "maybe", '=HYPERLINK("http://x","y")', "1"],
    "version": [1, "1", "1.0", "1e400", "-1", "", "abc", 2**40, 0.5],
    "confidence": ["high", "medium", "low", "", "=1+1", "HIGH"],
    "source 1 in force": ["2024-02-30", "2024-01-01", "", "yesterday", "2024-01-01T00:00"],
    "source 1 url": ["https://example.org", "ftp://x", "javascript:alert(1)", ""],
}


def cell(column: str) -> st.SearchStrategy[Any]:
    usual = st.sampled_from(VALUES.get(column, [""]))
    other = st.one_of(st.text(max_size=10).map(cell_safe), st.integers(), st.floats(), st.none())
    return st.one_of(usual, other)


rows = st.lists(st.tuples(*[cell(c) for c in QUESTIONNAIRE]).map(list), max_size=4)


@pytest.fixture
def reading(people: dict[str, Any], edition: Any) -> Any:
    answers = list(Answer.objects.filter(unit="AT", expert=people["expert_at"]))
    return lambda data: workbook.read(edition, "AT", answers, data)


@pytest.mark.django_db
@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes(reading: Any, data: bytes) -> None:
    changes, problems = reading(data)
    assert problems
    assert changes == []


@pytest.mark.django_db
@FUZZ
@given(rows)
def test_questionnaire_shaped_workbooks(reading: Any, answers: list[list[Any]]) -> None:
    changes, problems = reading(questionnaire(answer_row("LMM3", "a"), *answers))
    assert all(isinstance(p, str) for p in problems)
    assert not (changes and problems)  # every problem or every change, never both
    assert not Answer.objects.filter(unit="AT").exclude(option="").exists()
