"""A workspace page costs a fixed number of queries, whatever the number of answers, sources,
messages and history entries it shows (an expert opening a carried-forward country made 136;
a reviewer's answer page one more per message)."""

from __future__ import annotations

from typing import Any

from polindex.web.collection import workflow
from polindex.web.collection.models import Answer

from .conftest import client_for, complete, next_edition

AT = "/work/demo-2025/AT/"
# (who, page): queries — the session (a database row: the shared cache is the database unless
# POLINDEX_REDIS_URL is set), the user, the edition with the user's roles in it (one query), the
# permissions of those not answering, the answers, their sources, the framework (read once per
# page); on a country's page the last steps for many answers; on an answer's page its messages
# with their authors, its history and the statuses of the country's answers (for the links to
# those waiting on one)
PAGES = {
    ("expert_at", "/work/"): 7,
    ("central", "/work/"): 9,  # and each open edition's assignments and last reminders
    ("central", "/work/demo-2025/progress/"): 8,  # the edition, answers, people, reminders
    ("expert_at", AT): 7,
    ("reviewer_at", AT): 9,
    ("central", AT): 9,
    ("expert_at", f"{AT}LMM1/"): 10,  # the expert's own answer with its sources: one query
    ("reviewer_at", f"{AT}LMM1/"): 11,
    ("central", f"{AT}LMM1/"): 11,
    ("gov_at", f"{AT}read/"): 9,
}


def _everything_answered(people: dict[str, Any]) -> None:
    """All 61 of AT's answers with two sources, submitted; five queried, with a reply and a
    message from the central team."""
    expert, reviewer, central = (people[n] for n in ("expert_at", "reviewer_at", "central"))
    answers = Answer.objects.filter(unit="AT", expert=expert).order_by("pk")
    for k, a in enumerate(answers):
        sources = [{"instrument": "Aliens Act"}, {"instrument": "Labour Code", "article": "3"}]
        content = workflow.Content(option="a", justification="Art. 5.", sources=sources)
        a = workflow.save(a, expert, content, a.version)
        a = workflow.act(a, expert, "submit", a.version)
        if a.indicator == "LMM1" or k < 5:
            a = workflow.act(a, reviewer, "query", a.version, comment="Which article?")
            workflow.comment(a, expert, "Art. 5.")
            workflow.comment(a, central, "Thank you.")


# a government contact reads submitted answers only: before any, no sources or messages are read
NONE_SUBMITTED = {("gov_at", f"{AT}read/"): 7}  # the session included


def _queries(
    people: dict[str, Any], django_assert_num_queries: Any, pages: dict[Any, int] = PAGES
) -> None:
    for (who, path), expected in pages.items():
        client = client_for(people[who])
        assert client.get(path).status_code == 200  # once to warm the per-process caches
        with django_assert_num_queries(expected, info=f"{who} {path}"):
            assert client.get(path).status_code == 200


def test_the_workspace_pages_cost_the_same_queries_with_no_answer_or_all(
    people: dict[str, Any], django_assert_num_queries: Any
) -> None:
    _queries(people, django_assert_num_queries, {**PAGES, **NONE_SUBMITTED})  # nothing answered
    _everything_answered(people)
    _queries(people, django_assert_num_queries)


def test_a_carried_forward_country_costs_what_any_other_does(
    people: dict[str, Any], edition: Any, django_assert_num_queries: Any
) -> None:
    _everything_answered(people)
    next_edition(edition, people["expert_at"])  # 61 answers carried forward, with sources
    client = client_for(people["expert_at"])
    with django_assert_num_queries(PAGES[("expert_at", AT)]):  # the first visit included
        page = client.get("/work/demo-2026/AT/").content.decode()
    assert page.count("carried forward: confirm") == 61


# an expert's save: the session, the user, the edition with the user's roles in it (one query),
# the answer with its live sources (one query, a join: decision 075), the conditional update
# (the optimistic lock) and the history entry — the sources rewritten only when they changed
# (two more). Inside a test's transaction the
# save's own is a savepoint: two queries more (SAVEPOINT, RELEASE), three when it fails.
SAVE = 6


def test_an_autosave_costs_six_queries_and_a_changed_source_two_more(
    people: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = client_for(people["expert_at"])
    url = f"{AT}LMM1/"
    assert client.get(url).status_code == 200  # the answer rows, the per-process caches
    with django_assert_num_queries(SAVE + 2 + 2, info="new sources"):
        saved = client.post(url, {"action": "autosave", "version": 1, **complete()})
    assert saved.json() == {"version": 2, "saved": True}
    with django_assert_num_queries(SAVE + 2, info="same sources"):
        saved = client.post(
            url, {"action": "autosave", "version": 2, **complete(justification="Art. 6.")}
        )
    assert saved.json() == {"version": 3, "saved": True}
    a = Answer.objects.get(unit="AT", indicator="LMM1", expert=people["expert_at"])
    assert (a.version, a.option, a.justification) == (3, "a", "Art. 6.")
    assert [s.snapshot() for s in a.live_sources()] == [
        {"instrument": "Aliens Act", "article": "5", "url": "", "in_force": ""}
    ]
    changes = list(a.changes.order_by("id").values_list("action", "old", "new"))
    assert changes[-1] == (
        "save",
        {"justification": "Art. 5 of the Aliens Act."},
        {"justification": "Art. 6."},
    )
    # a stale version: refused as read, without the update (nothing written, no history)
    with django_assert_num_queries(SAVE - 2 + 3, info="a stale version"):
        stale = client.post(url, {"action": "autosave", "version": 2, **complete()})
    assert (stale.status_code, stale.json()) == (409, {"conflict": True, "version": 3})
    assert a.changes.count() == 2
