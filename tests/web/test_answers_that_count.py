"""One rule says whose answers count — each country's (and area's) accepted primary expert's —
and progress, the reviewers' pages, the scoring, the carry-forward and the CSV all follow it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from polindex.web.collection import progress
from polindex.web.collection.editions import final_answers
from polindex.web.collection.models import Answer, Assignment

from .conftest import NOW, client_for, next_edition

AT = "/work/demo-2025/AT/"


@pytest.fixture
def crowd(people: dict[str, Any], edition: Any, django_user_model: Any) -> dict[str, Any]:
    """AT answered by many: its labour-market expert (``expert_at``, narrowed to LMM after
    answering everything), an education expert, a coder, an expert whose acceptance was
    withdrawn, one of another edition; FAM by an expert of every country."""
    users = {n: django_user_model.objects.create_user(n) for n in ("edu", "coder", "gone", "fam")}
    for name, unit, area, primary in [
        ("edu", "AT", "EDU", True),
        ("coder", "AT", "", False),
        ("gone", "AT", "", True),
        ("fam", "", "FAM", True),
    ]:
        Assignment.objects.create(
            edition=edition, user=users[name], role="expert", unit=unit, area=area,
            primary=primary, accepted_at=NOW,
        )  # fmt: skip
    Assignment.objects.filter(user=users["gone"]).update(accepted_at=None)
    Assignment.objects.filter(user=people["expert_at"]).update(area="LMM")
    Assignment.objects.filter(user=people["expert_be"]).update(primary=False)
    for name, option in [("expert_at", "b"), ("edu", "a"), ("coder", "c"), ("gone", "a")]:
        user = people.get(name) or users[name]
        Answer.objects.filter(edition=edition, unit="AT", expert=user).update(option=option)
    return {**people, **users}


def _counting(edition: Any) -> set[tuple[str, str, str]]:
    return set(
        Answer.objects.that_count()
        .filter(edition=edition)
        .values_list("expert__username", "unit", "area")
        .distinct()
    )


def test_only_accepted_primary_experts_answers_count_in_their_area(
    crowd: dict[str, Any], edition: Any
) -> None:
    assert _counting(edition) == {
        ("expert_at", "AT", "LMM"),  # not its answers outside LMM, given before it was narrowed
        ("edu", "AT", "EDU"),
        ("fam", "AT", "FAM"),  # an expert of every country: in each one, in its area
        ("fam", "BE", "FAM"),
    }  # never the coder's, the withdrawn expert's, nor expert_be's (now a coder)
    Answer.objects.filter(expert=crowd["edu"], indicator="EDU1").update(deleted_at=NOW)
    assert not Answer.objects.that_count().filter(indicator="EDU1", unit="AT").exists()
    next_edition(edition, crowd["coder"])  # primary there: its answers here still do not count
    assert not Answer.objects.that_count().filter(edition=edition, expert=crowd["coder"]).exists()


def test_progress_counts_the_answers_that_count(crowd: dict[str, Any], edition: Any) -> None:
    asked = progress.questions(edition)
    found = progress.counts(edition)
    assert {k: c.total() for k, c in found.items()} == {
        ("AT", "LMM"): asked["LMM"],
        ("AT", "EDU"): asked["EDU"],
        ("AT", "FAM"): asked["FAM"],
        ("BE", "FAM"): asked["FAM"],
    }
    at = progress.total(edition, found, "AT")
    assert at["draft"] == asked["LMM"] + asked["EDU"] + asked["FAM"]
    assert at["not_started"] == asked.total() - at["draft"]  # nobody's in the other areas


def test_reviewers_see_the_answers_that_count(crowd: dict[str, Any]) -> None:
    reviewer = client_for(crowd["reviewer_at"])
    for code, option in [("LMM1", "b"), ("EDU1", "a")]:
        shown = reviewer.get(f"{AT}{code}/").content.decode()
        assert f'<p id="current-answer"><strong>{option}</strong>' in shown
    page = reviewer.get(AT).content.decode()
    row = page.split(f'href="{AT}LMM1/">LMM1</a>')[1].split("</tr>")[0]
    assert "<td>b" in row
    assert reviewer.get(f"{AT}PP1/").status_code == 404  # nobody's answer counts there yet


def test_the_scoring_and_the_next_edition_take_the_answers_that_count(
    crowd: dict[str, Any], edition: Any
) -> None:
    Answer.objects.filter(unit="AT", indicator="LMM1").update(status=Answer.Status.VALIDATED)
    assert final_answers(edition) == [("AT", "2024", "LMM1", "b")]  # not the coder's c
    later = next_edition(edition, crowd["coder"])
    carried = Answer.objects.get(edition=later, unit="AT", indicator="LMM1")
    assert (carried.option, carried.previous_option) == ("b", "b")


def test_the_csv_marks_the_answers_that_count(crowd: dict[str, Any]) -> None:
    table = client_for(crowd["central"]).get("/work/demo-2025/answers.csv").content.decode()
    marked = {
        (r["expert"], r["unit"], r["area"])
        for r in csv.DictReader(io.StringIO(table))
        if r["primary"] == "True"
    }
    assert marked == {
        ("expert_at", "AT", "LMM"),
        ("edu", "AT", "EDU"),
        ("fam", "AT", "FAM"),
        ("fam", "BE", "FAM"),
    }
