"""Answer rows are made when an edition opens or an expert accepts — in one place, in bulk —
and no workspace page writes anything when it is only read."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from polindex.web.collection import progress
from polindex.web.collection.answer_rows import create_rows
from polindex.web.collection.editions import create_edition
from polindex.web.collection.models import Answer, Assignment, Source

from .conftest import FRAMEWORK, NOW, PEOPLE, client_for, next_edition

QUESTIONS = 61  # in the MIPEX-style questionnaire
PAGES = [
    "/work/",
    "/work/demo-2025/AT/",
    "/work/demo-2025/AT/LMM1/",
    "/work/demo-2025/AT/read/",
    "/work/demo-2025/AT/questionnaire.xlsx",
    "/work/demo-2025/AT/upload/",
    "/work/demo-2025/BE/",
    "/work/demo-2025/BE/LMM1/",
    "/work/demo-2025/agreement/",
    "/work/demo-2025/answers.csv",
]


def _writes(queries: list[dict[str, str]]) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]


@pytest.mark.parametrize("name", PEOPLE)
def test_no_workspace_page_writes_when_read(
    people: dict[str, Any], edition: Any, django_user_model: Any, name: str
) -> None:
    # BE's expert has not accepted yet: reviewers see its questions not started (a page used
    # to make the expert's 61 rows when a reviewer opened it)
    Answer.objects.filter(unit="BE").delete()
    Assignment.objects.filter(user=people["expert_be"]).update(accepted_at=None)
    pending = Assignment.objects.create(
        edition=edition, user=django_user_model.objects.create_user("new"), role="expert",
        unit="BE", primary=False,
    )  # fmt: skip
    client = client_for(people[name])
    seen = []
    for path in [*PAGES, f"/work/invitation/{pending.token}/"]:
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        assert _writes(queries.captured_queries) == [], (name, path)
        seen.append(status)
    assert 200 in seen
    assert not Answer.objects.filter(unit="BE").exists()


def test_the_country_of_an_expert_who_has_not_accepted_shows_questions_not_started(
    people: dict[str, Any],
) -> None:
    Answer.objects.filter(unit="BE").delete()
    Assignment.objects.filter(user=people["expert_be"]).update(accepted_at=None)
    central = client_for(people["central"])
    page = central.get("/work/demo-2025/BE/").content.decode()
    assert f"Waiting on the expert: {QUESTIONS} ·" in page
    assert 'href="/work/demo-2025/BE/LMM1/"' not in page  # nothing to open yet
    assert central.get("/work/demo-2025/BE/LMM1/").status_code == 404
    assert central.get("/work/demo-2025/BE/NOPE/").status_code == 404


def _draft(**fields: Any) -> Any:
    return create_edition(
        FRAMEWORK, code="draft-2026", name="Draft 2026", reference_date=dt.date(2025, 12, 31),
        period="2025", units=["AT", "BE", "DE"], state="draft", **fields,
    )  # fmt: skip


def test_rows_are_made_when_the_edition_opens(
    people: dict[str, Any], django_user_model: Any
) -> None:
    draft = _draft()
    everywhere = django_user_model.objects.create_user("everywhere")
    for user, unit, area, primary in [
        (people["expert_at"], "AT", "", True),
        (people["expert_be"], "BE", "LMM", True),
        (everywhere, "", "", False),  # a coder of every country
    ]:
        Assignment.objects.create(
            edition=draft, user=user, role="expert", unit=unit, area=area, primary=primary,
            accepted_at=NOW,
        )  # fmt: skip
    Assignment.objects.create(  # invited, not accepted: no rows until it is
        edition=draft, user=people["outsider"], role="expert", unit="DE"
    )
    assert not Answer.objects.filter(edition=draft).exists()  # a draft edition has none
    draft.state = "open"
    with CaptureQueriesContext(connection) as queries:
        draft.save()
    lmm = progress.questions(draft)["LMM"]
    made = Answer.objects.filter(edition=draft)
    assert made.filter(expert=people["expert_at"], unit="AT").count() == QUESTIONS
    assert made.filter(expert=people["expert_be"]).count() == lmm
    assert set(made.filter(expert=people["expert_be"]).values_list("area", flat=True)) == {"LMM"}
    assert made.filter(expert=everywhere).count() == 3 * QUESTIONS
    assert not made.filter(expert=people["outsider"]).exists()
    inserts = [q for q in _writes(queries.captured_queries) if "collection_answer" in q]
    assert made.count() == 4 * QUESTIONS + lmm
    assert len(inserts) <= 10  # in bulk, not a query per row (SQLite takes ≤ 55 rows a query)
    assert create_rows(draft) == 0  # idempotent
    assert Answer.objects.filter(edition=draft).count() == 4 * QUESTIONS + lmm


def test_rows_are_made_when_an_expert_accepts(
    edition: Any, django_user_model: Any, client: Any
) -> None:
    nina = django_user_model.objects.create_user("nina")
    invited = Assignment.objects.create(edition=edition, user=nina, role="expert", unit="AT")
    assert not Answer.objects.filter(expert=nina).exists()
    client.post(
        f"/work/invitation/{invited.token}/",
        {"no_conflict": "on", "password": "a-long-pass-phrase-1"},
    )
    assert Answer.objects.filter(expert=nina, unit="AT", edition=edition).count() == QUESTIONS
    assert set(Answer.objects.filter(expert=nina).values_list("status", flat=True)) == {"draft"}


def test_a_draft_editions_accepted_expert_gets_no_rows(people: dict[str, Any]) -> None:
    draft = _draft()
    Assignment.objects.create(
        edition=draft, user=people["expert_at"], role="expert", unit="AT", accepted_at=NOW
    )
    assert create_rows(draft) == 0
    assert not Answer.objects.filter(edition=draft).exists()


def test_the_migration_makes_the_rows_open_editions_lack(
    people: dict[str, Any], edition: Any
) -> None:
    """Before, rows were made when a page was opened: the open editions' experts who had not
    opened theirs get them on migrating, carried forward from the previous edition."""
    migration = importlib.import_module(
        "polindex.web.collection.migrations.0002_answer_area_and_rows"
    )
    old = Answer.objects.get(unit="AT", indicator="LMM1", expert=people["expert_at"])
    Answer.objects.filter(pk=old.pk).update(option="b", justification="Old.")
    Source.objects.create(answer=old, instrument="Old Act")
    later = next_edition(edition, people["expert_at"])
    Source.objects.filter(answer__edition=later).delete()
    Answer.objects.filter(edition=later).delete()  # as if nobody had opened the page yet
    Answer.objects.filter(edition=edition, unit="BE").delete()
    migration.create_rows(apps, None)
    carried = Answer.objects.get(edition=later, unit="AT", indicator="LMM1")
    assert (carried.option, carried.previous_option, carried.confirmed) == ("b", "b", False)
    assert (carried.area, carried.justification) == ("LMM", "Old.")
    assert [s.instrument for s in carried.sources.all()] == ["Old Act"]
    assert Answer.objects.filter(edition=later).count() == QUESTIONS
    assert Answer.objects.filter(edition=edition, unit="BE").count() == QUESTIONS
    migration.create_rows(apps, None)  # idempotent
    assert Answer.objects.filter(edition=later).count() == QUESTIONS
    Answer.objects.update(area="")
    migration.fill_areas(apps, None)
    assert set(Answer.objects.filter(indicator="LMM1").values_list("area", flat=True)) == {"LMM"}
