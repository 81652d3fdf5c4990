"""Queries whose SQL is written once (decision 066): the same rows, values converted as the ORM
converts them, the SQL made once per database; the save's two statements keep the optimistic
lock and the append-only history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from polindex.web.collection import statements
from polindex.web.collection.models import Answer, Assignment, Edition, Source
from polindex.web.collection.permissions import Country, edition_read, roles
from polindex.web.collection.views.access import answers_shown
from polindex.web.prepared import Prepared


def test_a_prepared_query_gives_the_orms_rows_and_writes_its_sql_once(
    people: dict[str, Any], django_assert_num_queries: Any
) -> None:
    built: list[str] = []

    def build(code: str) -> QuerySet[Edition]:
        built.append(code)
        return Edition.objects.defer("framework").filter(code=code)

    by_code = Prepared(Edition, build, code="")
    with django_assert_num_queries(1):
        [edition] = by_code(code="demo-2025")
    assert by_code(code="no-such-edition") == []
    assert len(built) == 1  # once, with the marker, not with a value
    assert edition.pk == Edition.objects.get(code="demo-2025").pk
    # converted as the ORM converts them: a date, a boolean, a list from JSON
    assert edition.reference_date == dt.date(2024, 12, 31)
    assert edition.anonymous_review is True
    assert edition.units == ["AT", "BE"]
    assert "framework" in edition.get_deferred_fields()


def test_a_prepared_query_must_take_each_argument() -> None:
    unused = Prepared(Edition, lambda code: Edition.objects.all(), code="")
    with pytest.raises(ValueError, match="does not take \\['code'\\]"):
        unused(code="x")


def test_a_prepared_query_selects_rows_of_its_own_model_only(people: dict[str, Any]) -> None:
    joined = Prepared(
        Answer, lambda unit: Answer.objects.select_related("edition").filter(unit=unit), unit=""
    )
    with pytest.raises(ValueError, match="no select_related"):
        joined(unit="AT")


def test_the_edition_comes_with_the_users_roles_in_one_query(
    people: dict[str, Any], edition: Any, django_assert_num_queries: Any
) -> None:
    expert, central, coordinator = people["expert_at"], people["central"], people["coordinator"]
    Assignment.objects.create(
        edition=edition, user=expert, role="reviewer", unit="BE"
    )  # not accepted: no role
    with django_assert_num_queries(1):
        found = edition_read(expert, "demo-2025")
        assert found is not None
        assert found.pk == edition.pk
        assert roles(expert, found, "AT") == {"expert"}  # from the same query
        assert roles(expert, found, "BE") == set()
    with django_assert_num_queries(1):  # no assignment: the edition, no role
        found = edition_read(central, "demo-2025")
        assert found is not None
        assert roles(central, found, "AT") == set()
    with django_assert_num_queries(1):
        found = edition_read(coordinator, "demo-2025")
        assert found is not None
        assert roles(coordinator, found, "AT", "LMM") == {"coordinator"}
        assert roles(coordinator, found, "AT", "FAM") == set()
    assert edition_read(expert, "demo-2099") is None


def test_the_update_is_the_optimistic_lock_and_the_history_only_grows(
    people: dict[str, Any], client: Any
) -> None:
    expert = people["expert_at"]
    client.force_login(expert)
    client.get("/work/demo-2025/AT/")  # the answer rows
    a = Answer.objects.get(unit="AT", indicator="LMM1", expert=expert)
    assert a.version == 1
    assert not statements.update_answer(a.pk, 2, {"justification": "Too new."})
    assert statements.update_answer(a.pk, 1, {"justification": "Art. 5.", "updated_by": expert.pk})
    assert not statements.update_answer(a.pk, 1, {"justification": "Stale."})  # one winner
    a.refresh_from_db()
    assert (a.version, a.justification, a.updated_by_id) == (2, "Art. 5.", expert.pk)
    when = timezone.now()
    statements.record_change(a.pk, expert.pk, when, "save", {"option": ""}, {"option": "b"}, "why")
    [change] = a.changes.all()
    assert (change.who_id, change.when, change.action) == (expert.pk, when, "save")
    assert (change.old, change.new, change.reason) == ({"option": ""}, {"option": "b"}, "why")


def test_the_experts_answer_comes_with_its_live_sources_in_order_in_one_query(
    people: dict[str, Any], client: Any, django_assert_num_queries: Any
) -> None:
    expert = people["expert_at"]
    client.force_login(expert)
    client.get("/work/demo-2025/AT/")  # the answer rows
    a = Answer.objects.get(unit="AT", indicator="LMM1", expert=expert)
    bare = Answer.objects.get(unit="AT", indicator="LMM2", expert=expert)
    Source.objects.bulk_create(
        [
            Source(answer=a, position=2, instrument="Labour Code", in_force=dt.date(2020, 1, 31)),
            Source(answer=a, position=0, instrument="Aliens Act", article="5", url="https://x.org"),
            Source(answer=a, position=1, instrument="Old Act", deleted_at=timezone.now()),
            Source(answer=a, position=1, instrument="Asylum Act"),
        ]
    )
    edition = edition_read(expert, "demo-2025")
    assert edition is not None
    country = Country(edition, "AT")
    with django_assert_num_queries(1):
        [shown] = answers_shown(country, expert, "LMM1")
        live = shown.live_sources()  # no query: read with the answer
    assert shown.pk == a.pk
    assert shown.justification == a.justification
    assert not hasattr(shown, "source_id")  # the join's columns are not left on the answer
    expected = list(Source.objects.filter(answer=a, deleted_at=None))  # the ORM's rows, in order
    assert [s.instrument for s in live] == ["Aliens Act", "Asylum Act", "Labour Code"]
    assert [(s.pk, s.snapshot_fields()) for s in live] == [
        (s.pk, s.snapshot_fields()) for s in expected
    ]
    assert live[2].in_force == dt.date(2020, 1, 31)  # a date, as the ORM converts it
    assert all(s.answer is shown and s.deleted_at is None for s in live)
    with django_assert_num_queries(1):
        [none] = answers_shown(country, expert, "LMM2")
        assert none.live_sources() == []
    assert none.pk == bare.pk
