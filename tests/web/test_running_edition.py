"""The central team runs an edition from its progress page: who is assigned to each country (or
that nobody is), deadlines and days overdue, filters in the address, CSV and XLSX exports,
assigning a person (and inviting them), reminders previewed and confirmed — for the central
team only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from functools import partial
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from polindex.web.collection.models import Assignment, Edition, Reminder

from .conftest import PEOPLE, client_for

BASE = "/work/demo-2025/"
PROGRESS = BASE + "progress/"
ASSIGN = BASE + "assign/"
REMIND = BASE + "remind/"


def today() -> dt.date:
    """The site's date now (read when used: a run that passes midnight counts from the new
    day, as the pages do; a date taken at import made five tests fail after midnight)."""
    return timezone.localdate()


@pytest.fixture
def run(people: dict[str, Any], edition: Any) -> Client:
    """The edition with a third country (DE) nobody is assigned to, the experts' deadline ten
    days ago; the central team's client."""
    edition.units = ["AT", "BE", "DE"]
    edition.submit_by = today() - dt.timedelta(days=10)
    edition.review_by = today() + dt.timedelta(days=5)
    edition.save()
    for name in ("expert_at", "expert_be"):
        people[name].email = f"{name}@example.org"
        people[name].first_name, people[name].last_name = name.split("_")[0].title(), name[-2:]
        people[name].save()
    return client_for(people["central"])


def _row(page: str, unit: str) -> str:
    return page.split(f'id="country-{unit}"')[1].split("</tr>")[0]


def _cells(row: str) -> list[str]:
    """The numbers of a row's numeric cells (waiting on expert, reviewer, central, validated,
    days overdue)."""
    cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', row)
    return [re.sub(r"<[^>]+>", " ", c).split()[0] for c in cells]


def test_countries_without_an_expert_or_reviewer_say_so(run: Client) -> None:
    page = run.get(PROGRESS).content.decode()
    at, be, de = (_row(page, u) for u in ("AT", "BE", "DE"))
    assert "Expert at" in at
    assert "No expert assigned" not in at
    assert "No reviewer" not in at
    assert "No reviewer assigned" in be
    assert "No expert assigned" not in be
    assert "No expert assigned" in de
    assert "No reviewer assigned" in de
    assert ">Germany</a>" in de  # named, never a bare code
    assert 'href="/work/demo-2025/assign/?unit=DE&amp;role=expert"' in de
    assert 'href="/work/demo-2025/assign/?unit=BE&amp;role=reviewer"' in be
    # 61 questions, all waiting on the expert ten days after their deadline
    assert _cells(at) == ["61", "0", "0", "0", "10"]
    assert "10 days overdue" in at
    due = date_format(today() - dt.timedelta(days=10))
    assert f'experts submit by <strong class="todo-due">{due}</strong>' in page


def test_an_invited_person_is_shown_as_not_yet_accepted(
    run: Client, people: dict[str, Any]
) -> None:
    Assignment.objects.create(
        edition=Edition.objects.get(), user=people["outsider"], role="reviewer", unit="BE",
        invited_at=timezone.now(),
    )  # fmt: skip
    be = _row(run.get(PROGRESS).content.decode(), "BE")
    assert "outsider" in be
    assert "Invited, not yet accepted" in be
    assert "No reviewer assigned" not in be
    assert "?status=invited" not in be  # (a filter, not a link per row)
    page = run.get(PROGRESS + "?status=invited").content.decode()
    assert 'id="country-BE"' in page
    assert 'id="country-AT"' not in page


def test_an_area_expert_leaves_the_other_areas_unassigned(
    run: Client, people: dict[str, Any]
) -> None:
    Assignment.objects.create(
        edition=Edition.objects.get(), user=people["outsider"], role="expert", unit="DE",
        area="LMM", accepted_at=timezone.now(),
    )  # fmt: skip
    de = _row(run.get(PROGRESS).content.decode(), "DE")
    assert "No expert for: Family reunification, Education, Health" in de
    assert "Labour market mobility" in de  # the outsider's area, beside their name
    # filtered to that area, DE has its expert: 9 questions of labour-market mobility
    de = _row(run.get(PROGRESS + "?area=LMM").content.decode(), "DE")
    assert "No expert" not in de
    assert _cells(de) == ["9", "0", "0", "0", "10"]


def test_filters_and_sorting_live_in_the_address(run: Client, people: dict[str, Any]) -> None:
    def shown(query: str) -> list[str]:
        return re.findall(r'id="country-(\w+)"', run.get(PROGRESS + query).content.decode())

    assert shown("") == ["AT", "BE", "DE"]  # by name: Austria, Belgium, Germany
    assert shown("?status=unassigned") == ["BE", "DE"]
    assert shown(f"?person={people['expert_be'].pk}") == ["BE"]
    assert shown("?status=reviewer") == []
    assert shown("?status=overdue") == ["AT", "BE", "DE"]
    assert shown("?status=done") == []
    # the coordinator (every country, LMM) is on every country
    assert shown(f"?person={people['coordinator'].pk}") == ["AT", "BE", "DE"]
    page = run.get(PROGRESS + "?status=nonsense&person=%C2%B2&area=XX").content.decode()
    assert page.count('class="field-message"') == 3  # each beside its field, all shown
    assert "“nonsense” is not in this list" in page
    page = run.get(PROGRESS + "?status=%3Cb%3Ex%3C/b%3E").content.decode()
    assert "“&lt;b&gt;x&lt;/b&gt;” is not in this list" in page  # escaped, never markup
    assert re.findall(r'id="country-(\w+)"', page) == ["AT", "BE", "DE"]
    # the export links carry the filters
    page = run.get(PROGRESS + "?status=unassigned&sort=overdue").content.decode()
    assert 'href="/work/demo-2025/progress.csv?status=unassigned&amp;sort=overdue"' in page


def test_sorted_by_the_most_waiting(run: Client, people: dict[str, Any]) -> None:
    from polindex.web.collection import workflow
    from polindex.web.collection.models import Answer

    expert = people["expert_at"]
    for a in Answer.objects.filter(unit="AT", expert=expert, area="LMM"):
        content = workflow.Content(
            option="a", justification="Art. 5.", sources=[{"instrument": "Aliens Act"}]
        )
        a = workflow.save(a, expert, content, a.version)
        workflow.act(a, expert, "submit", a.version)
    page = run.get(PROGRESS + "?sort=reviewer").content.decode()
    assert re.findall(r'id="country-(\w+)"', page)[0] == "AT"
    assert _cells(_row(page, "AT")) == ["52", "9", "0", "0", "10"]
    assert (
        re.findall(r'id="country-(\w+)"', run.get(PROGRESS + "?sort=expert").content.decode())[-1]
        == "AT"
    )


def test_the_table_exported_as_csv_and_xlsx(run: Client, people: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    bad = get_user_model().objects.create_user("bad", first_name="=HYPERLINK(1)", email="b@x.org")
    Assignment.objects.create(
        edition=Edition.objects.get(),
        user=bad,
        role="reviewer",
        unit="BE",
        accepted_at=timezone.now(),
    )
    response = run.get(BASE + "progress.csv?status=overdue&sort=name")
    assert response["Content-Disposition"] == 'attachment; filename="demo-2025-progress.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["country_name"] for r in rows] == ["Austria", "Belgium", "Germany"]
    be = rows[1]
    assert be["reviewer"] == "'=HYPERLINK(1) (accepted)"  # never run as a formula
    assert be["expert"] == "Expert be (accepted)"
    assert (be["waiting_on_expert"], be["expert_days_overdue"]) == ("61", "10")
    assert be["expert_due"] == (today() - dt.timedelta(days=10)).isoformat()
    assert rows[2]["expert_state"] == "none"
    response = run.get(BASE + "progress.xlsx?status=unassigned")
    sheet = load_workbook(io.BytesIO(response.content))["progress"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["country", "country_name", "expert"]
    assert [v[:2] for v in values[1:]] == [["DE", "Germany"]]
    response = run.get(BASE + "progress.xlsx?person=" + str(bad.pk))
    sheet = load_workbook(io.BytesIO(response.content))["progress"]
    cell = sheet["E2"]  # BE's reviewer: text, never a formula
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1) (accepted)", "s")
    assert run.get(BASE + "progress.pdf").status_code == 404


def test_assign_a_new_person_and_invite_them(
    run: Client,
    people: dict[str, Any],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    form = run.get(ASSIGN + "?unit=DE&role=expert").content.decode()
    assert '<option value="DE" selected>Germany</option>' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = run.post(
            ASSIGN,
            {"unit": "DE", "role": "expert", "name": "Marie  Curie", "email": "marie@example.org"},
        )
    assert response.status_code == 302
    assert response["Location"] == PROGRESS
    marie = get_user_model().objects.get(email="marie@example.org")
    assert (marie.first_name, marie.last_name, marie.has_usable_password()) == (
        "Marie",
        "Curie",
        False,
    )
    a = Assignment.objects.get(user=marie)
    assert (a.unit, a.role, a.area, a.accepted_at, a.invited_at is not None) == (
        "DE",
        "expert",
        "",
        None,
        True,
    )
    assert [m.to for m in mailoutbox] == [["marie@example.org"]]
    assert f"/work/invitation/{a.token}/" in mailoutbox[0].body
    page = run.get(PROGRESS).content.decode()
    assert "Marie Curie is assigned as National expert for Germany" in page
    de = _row(page, "DE")
    assert "Marie Curie" in de
    assert "Invited, not yet accepted" in de
    # an existing person, by their address (any case): no second account
    run.post(ASSIGN, {"unit": "AT", "role": "reviewer", "email": "MARIE@example.org"})
    assert get_user_model().objects.filter(email__iexact="marie@example.org").count() == 1
    assert Assignment.objects.filter(user=marie).count() == 2


def _refused(run: Client, data: dict[str, str], mailoutbox: list[Any], commits: Any) -> str:
    """Post the assign form (its commit callbacks run: an invitation would be sent): it must
    come back (400) with nothing stored and nobody e-mailed."""
    users, assignments = get_user_model().objects.count(), Assignment.objects.count()
    with commits(execute=True):
        response = run.post(ASSIGN, data)
    assert response.status_code == 400
    assert (get_user_model().objects.count(), Assignment.objects.count()) == (users, assignments)
    assert mailoutbox == []
    page = response.content.decode()
    assert "Nothing was stored and nobody was e-mailed." in page
    return page


def test_assign_errors_beside_their_fields(
    run: Client,
    people: dict[str, Any],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    refused = partial(
        _refused, run, mailoutbox=mailoutbox, commits=django_capture_on_commit_callbacks
    )
    page = refused({"unit": "DE", "role": "expert", "email": "new@example.org"})
    assert '<p class="field-message" id="name-error">Give the new person&#x27;s name.</p>' in page
    assert '<a href="#id_name">Or a new person: name: Give the new person&#x27;s name.</a>' in page
    assert 'aria-invalid="true"' in page.split('id="name-error"')[1].split("</div>")[0]
    page = refused({"unit": "DE", "role": "expert", "email": "not an address"})
    assert "Give an e-mail address such as name@example.org." in page
    page = refused({"unit": "DE", "role": "expert"})
    assert 'id="person-error">Choose a person, or give a new person&#x27;s name' in page
    both = {"person": str(people["expert_at"].pk), "email": "x@example.org", "name": "X"}
    page = refused({"unit": "DE", "role": "expert", **both})
    assert "not both" in page
    page = refused({"unit": "XX", "role": "expert", "email": "x@example.org"})
    assert 'id="unit-error">Select a valid choice. XX is not one of the available choices.' in page
    page = refused({"unit": "AT", "role": "boss", "email": "x@example.org"})
    assert 'id="role-error"' in page
    # a person without an e-mail address cannot be invited
    page = refused({"unit": "DE", "role": "expert", "person": str(people["gov_at"].pk)})
    assert "gov_at has no e-mail address" in page
    # the same assignment twice, or one an assignment for every country already covers
    mine = {"role": "expert", "person": str(people["expert_at"].pk)}
    page = refused({"unit": "AT", **mine})
    assert "Expert at is already assigned as National expert here." in page
    people["coordinator"].email = "c@example.org"
    people["coordinator"].save()
    coordinator = {"role": "coordinator", "person": str(people["coordinator"].pk)}
    page = refused({"unit": "DE", "area": "LMM", **coordinator})
    assert "for every country or area, this one included" in page


def test_no_one_is_assigned_to_a_closed_edition(
    run: Client, edition: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    refused = partial(
        _refused, run, mailoutbox=mailoutbox, commits=django_capture_on_commit_callbacks
    )
    Edition.objects.filter(pk=edition.pk).update(state=Edition.State.CLOSED)
    page = refused({"unit": "DE", "role": "expert", "email": "x@example.org", "name": "X"})
    assert "This edition is closed" in page


def test_remind_one_person_after_a_preview(
    run: Client, people: dict[str, Any], mailoutbox: list[Any]
) -> None:
    who = people["expert_at"].pk
    preview = run.get(f"{REMIND}?person={who}").content.decode()
    assert mailoutbox == []
    assert not Reminder.objects.exists()
    table = preview.split('id="remind-people"')[1].split("</table>")[0]
    assert "Expert at" in table
    assert "expert_at@example.org" in table
    assert "61 answers to submit" in table
    assert "10 days overdue" in table
    assert "Austria (61)" in table  # by name
    assert f'name="who" value="{who}"' in preview
    assert 'name="csrfmiddlewaretoken"' in preview
    response = run.post(REMIND, {"person": who, "who": who})
    assert response.status_code == 302
    assert response["Location"] == PROGRESS
    assert [m.to for m in mailoutbox] == [["expert_at@example.org"]]
    body = mailoutbox[0].body
    due = (today() - dt.timedelta(days=10)).isoformat()
    assert f"- 61 answers to submit by {due}, 10 days overdue: Austria (61)" in body
    assert mailoutbox[0].subject == "[Polindex] Reminder: Demo 2025 (overdue)"
    r = Reminder.objects.get()
    assert (r.person, r.sent_by, r.edition.code) == (
        people["expert_at"],
        people["central"],
        "demo-2025",
    )
    page = run.get(PROGRESS).content.decode()
    assert "Reminder sent to Expert at." in page
    row = page.split(f'id="person-{who}"')[1].split("</tr>")[0]
    assert "never" not in row  # the time it was sent
    # not again within a day: the preview says until when, a post is refused
    preview = run.get(f"{REMIND}?person={who}").content.decode()
    assert "Not reminded: reminded less than a day ago" in preview
    assert 'name="who"' not in preview
    response = run.post(REMIND, {"person": who, "who": who})
    assert response.status_code == 409
    assert "Nothing was sent" in response.content.decode()
    assert len(mailoutbox) == 1
    assert Reminder.objects.count() == 1
    # a day later, again
    Reminder.objects.update(sent_at=timezone.now() - dt.timedelta(hours=25))
    assert run.post(REMIND, {"person": who, "who": who}).status_code == 302
    assert len(mailoutbox) == 2


def test_remind_everyone_overdue(
    run: Client, people: dict[str, Any], mailoutbox: list[Any]
) -> None:
    at, be = people["expert_at"].pk, people["expert_be"].pk
    Reminder.objects.create(
        edition=Edition.objects.get(), person=people["expert_be"], sent_at=timezone.now()
    )
    page = run.get(PROGRESS).content.decode()
    assert "Remind all 2 people overdue" not in page  # BE's expert was reminded today
    assert "Remind the 1 person overdue" in page
    preview = run.get(REMIND).content.decode()
    assert re.findall(r'name="who" value="(\d+)"', preview) == [str(at)]
    recent = preview.split('id="recent"')[1]
    assert "Expert be was reminded on" in recent
    # the reviewer owes nothing yet (nothing submitted): not listed
    assert "reviewer_at" not in preview
    response = run.post(REMIND, {"who": [str(at), str(be)]})  # BE was not confirmable
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["expert_at@example.org"]]
    assert 'id="remind-overdue"' not in run.get(PROGRESS).content.decode()  # both done today
    assert run.post(REMIND, {"who": []}).status_code == 409  # nothing confirmed: nothing sent
    assert len(mailoutbox) == 1


def test_a_person_who_owes_nothing_is_not_reminded(run: Client, people: dict[str, Any]) -> None:
    page = run.get(f"{REMIND}?person={people['reviewer_at'].pk}").content.decode()
    assert "Not reminded: nothing waits on them" in page
    assert "reviewer_at" in page
    assert run.get(f"{REMIND}?person=x").status_code == 404


ROUTES = [
    ("get", PROGRESS), ("get", BASE + "progress.csv"), ("get", BASE + "progress.xlsx"),
    ("get", ASSIGN), ("post", ASSIGN), ("get", REMIND), ("post", REMIND),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("name", [p for p in PEOPLE if p != "central"])
def test_only_the_central_team_runs_an_edition(
    people: dict[str, Any], mailoutbox: list[Any], method: str, path: str, name: str
) -> None:
    client = client_for(people[name])
    data = {"unit": "AT", "role": "expert", "email": "x@example.org", "name": "X"}
    response = getattr(client, method)(path, data if method == "post" else None)
    assert response.status_code == 403
    assert mailoutbox == []
    assert Assignment.objects.filter(user__email="x@example.org").count() == 0


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(
    edition: Any, client: Client, method: str, path: str
) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_unknown_edition_is_not_found(run: Client) -> None:
    assert run.get("/work/nope/progress/").status_code == 404


def _queries(client: Client, path: str) -> int:
    client.get(path)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_pages_cost_the_same_queries_for_3_or_40_countries(
    run: Client, people: dict[str, Any], edition: Any
) -> None:
    paths = [PROGRESS, BASE + "progress.csv", f"{REMIND}", "/work/"]
    few = [_queries(run, p) for p in paths]
    expert = client_for(people["expert_at"])
    few.append(_queries(expert, "/work/"))
    edition.units = [*edition.units, *[f"X{k}" for k in range(37)]]
    edition.save()
    Assignment.objects.create(
        edition=edition,
        user=people["expert_at"],
        role="expert",
        unit="X1",
        accepted_at=timezone.now(),
    )
    many = [_queries(run, p) for p in paths]
    many.append(_queries(expert, "/work/"))
    assert many == few
