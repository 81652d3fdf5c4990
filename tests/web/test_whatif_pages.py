"""The what-if and goal pages: hand-checked figures (see whatif_index.py), the address as the
state, French, embargo, and every kind of bad input answered with a message, never a 500."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from polindex.web.releases.models import Release

from .whatif_index import wif  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("wif")
BASE = "/WIF/1"
NOW = dt.datetime.now(dt.UTC)


def text(response: Any) -> str:
    """The page's text, tags and runs of white space removed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def row(response: Any, label: str) -> list[str]:
    """The cells of the results table's row for ``label``."""
    body = response.content.decode()
    table = body.split('id="whatif-nodes"', 1)[1].split("</table>", 1)[0]
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)]  # fmt: skip
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


def test_changing_an_answer_shows_every_area_side_by_side(client: Client) -> None:
    r = client.get(f"{BASE}/what-if/CC/?q1=a")
    assert r.status_code == 200
    # Access (50 + 50) / 2 = 50 → (75 + 50) / 2 = 62.5; the index (62.5 + 50) / 2 = 56.25
    assert row(r, "What-if index") == [
        "What-if index",
        "50.0",
        "56.2",
        "▲ +6.2 (better)",
        "2",
        "2",
        "Fair",
        "Fair",
    ]  # fmt: skip (one period: no change since the period before, no column for it)
    assert row(r, "Access")[:4] == ["Access", "50.0", "62.5", "▲ +12.5 (better)"]
    assert row(r, "Rights")[:3] == ["Rights", "50.0", "50.0"]
    page = text(r)
    assert "Work permit After a year Immediate 50.0 → 75.0" in page  # the change, named
    assert 'href="/WIF/1/what-if/CC/"' in r.content.decode()  # reset
    assert "/api/v1/releases/WIF/1/what-if/CC?change=q1%3Aa" in r.content.decode()
    assert 'value="http://testserver/WIF/1/what-if/CC/?q1=a"' in r.content.decode()  # share


def test_the_official_figures_without_changes(client: Client) -> None:
    r = client.get(f"{BASE}/what-if/AA/")
    assert r.status_code == 200
    # the published figures alone: score, rank, band (one period: no change column)
    assert row(r, "What-if index") == ["What-if index", "87.5", "1", "Strong"]
    page = r.content.decode()
    # every question, its published answer selected: option labels, yes/no, a number
    assert '<option value="a" selected>Immediate</option>' in page
    assert '<option value="true" selected>Yes</option>' in page
    assert 'name="q2" type="text" inputmode="decimal" value="6"' in page
    assert "Published: 6.0 months" in text(r)  # 0–24: one decimal
    assert '<option value="n/a">Not applicable</option>' in page


def test_a_rank_gained_a_band_reached_and_a_question_that_applies_again(client: Client) -> None:
    r = client.get(f"{BASE}/what-if/BB/?r1=true")
    # Rights: r1 100, r2 applies again without an answer → 100; the index (0 + 100) / 2 = 50,
    # level with CC: rank 3 → 2 (ties share the best rank), weak → fair
    assert row(r, "What-if index") == [
        "What-if index", "0.0", "50.0", "▲ +50.0 (better)", "3", "2 (▲ 1)", "Weak", "Fair",
    ]  # fmt: skip
    assert "r2 applies again" in text(r)


def test_a_question_that_stops_applying_is_a_consequence(client: Client) -> None:
    r = client.get(f"{BASE}/what-if/CC/?r1=false")
    assert row(r, "What-if index")[:8] == [
        "What-if index", "50.0", "25.0", "▼ −25.0 (worse)", "2", "2", "Fair", "Weak",
    ]  # fmt: skip
    page = text(r)
    assert "Pay audits (as a consequence) None Not applicable" in page  # left out
    assert "(as a consequence)" in page


def test_the_address_keeps_only_what_changes(client: Client) -> None:
    # the form sends every question: answers equal to the published ones are dropped, and
    # "yes" and "12,0" read as the answers they are
    r = client.get(f"{BASE}/what-if/BB/?q1=c&q2=24&r1=yes&r2=n%2Fa")
    assert (r.status_code, r["Location"]) == (302, "/WIF/1/what-if/BB/?r1=true")
    r = client.get(f"{BASE}/what-if/CC/?q1=b&q2=7,5&r1=true&r2=b")
    assert (r.status_code, r["Location"]) == (302, "/WIF/1/what-if/CC/?q2=7.5")
    r = client.get(f"{BASE}/what-if/CC/?q1=b")
    assert (r.status_code, r["Location"]) == (302, "/WIF/1/what-if/CC/")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q1=z", "Choose one of the answers listed."),
        ("q2=30", "Give a number from 0 to 24, or n/a."),
        ("q2=soon", "Give a number from 0 to 24, or n/a."),
        ("XX=1", "There is no question “XX” in this index."),
        ("ACC=100", "“Access” is a group: its score is computed from its questions."),
        ("r1=false&r2=a", "r2 does not apply where r1 is &#x27;false&#x27;"),
    ],
)
def test_bad_changes_are_named_on_the_page(client: Client, query: str, message: str) -> None:
    r = client.get(f"{BASE}/what-if/CC/?{query}")
    assert r.status_code == 400
    assert message in r.content.decode()
    assert row(r, "What-if index")[:3] == ["What-if index", "50.0", "2"]  # the published


def test_a_wrong_value_stays_in_its_field_with_its_message(client: Client) -> None:
    r = client.get(f"{BASE}/what-if/CC/?q2=30")
    page = r.content.decode()
    assert 'value="30" aria-describedby="o-q2 e-q2" aria-invalid="true"' in page
    assert '<span class="field-error" id="e-q2">Give a number from 0 to 24, or n/a.</span>' in page


def test_an_over_long_address_is_refused(client: Client) -> None:
    r = client.get(f"{BASE}/what-if/CC/?" + "&".join(f"x{k:04d}=aaaa" for k in range(900)))
    assert r.status_code == 414
    assert "longer than any what-if" in r.content.decode()
    r = client.get(f"{BASE}/what-if/CC/?" + "&".join(f"x{k}=a" for k in range(2000)))
    assert r.status_code == 400  # Django's own limit on the number of fields
    r = client.get(f"{BASE}/what-if/CC/?q1=" + "a" * 100)
    assert r.status_code == 414
    r = client.get(f"{BASE}/goal/CC/?band=" + "a" * 10_000)
    assert r.status_code == 414


def test_unknown_units_and_releases_are_not_found(client: Client, embargoed: Release) -> None:
    assert client.get(f"{BASE}/what-if/ZZ/").status_code == 404
    assert client.get(f"{BASE}/goal/ZZ/?band=fair").status_code == 404
    assert client.get("/WIF/9/what-if/CC/").status_code == 404
    r = client.get(f"{BASE}/what-if/?unit=ZZ")
    assert r.status_code == 404
    assert "There is no country “ZZ” in this release." in r.content.decode()
    # under embargo: invisible to the public, simulated for the central team
    assert client.get("/TOY/2025.1/what-if/BB/").status_code == 404
    assert client.get("/TOY/2025.1/goal/BB/?band=high").status_code == 404


def test_the_embargoed_release_is_simulated_for_those_allowed(
    client: Client, embargoed: Release, insider: Any
) -> None:
    client.force_login(insider)
    r = client.get("/TOY/2025.1/what-if/BB/?q2=false")  # everyone answered yes there: 100 → 50
    assert r.status_code == 200
    assert "Under embargo" in r.content.decode()
    assert row(r, "Toy index")[:3] == ["Toy index", "100.0", "50.0"]


def test_the_chooser_goes_to_the_country(client: Client) -> None:
    r = client.get(f"{BASE}/what-if/")
    assert r.status_code == 200
    assert '<option value="CC">' in r.content.decode()
    assert client.get(f"{BASE}/what-if/?unit=CC")["Location"] == "/WIF/1/what-if/CC/"


def test_the_profile_links_to_both_tools(client: Client) -> None:
    page = client.get(f"{BASE}/CC/").content.decode()
    assert 'href="/WIF/1/what-if/CC/"' in page
    assert 'href="/WIF/1/goal/CC/"' in page


def test_escaped_unit_codes(client: Client, published: Release) -> None:
    r = client.get("/TOY/2024.1/what-if/%3Cb%3ECC/?q1=true")
    assert r.status_code == 200
    assert "<b>CC" not in r.content.decode()
    assert row(r, "Toy index")[:3] == ["Toy index", "0.0", "50.0"]


# -- goals -----------------------------------------------------------------------------------


def test_the_smallest_changes_to_reach_a_band(client: Client) -> None:
    r = client.get(f"{BASE}/goal/CC/?node=WIF&band=strong")
    assert r.status_code == 200
    page = text(r)
    # CC needs +30: r2 b → a adds 25 (100 points, a quarter of the index); then 5 from the
    # waiting time (its score 50 → 70: 12 → 7.2 months; step 100 + 20 = 120) or 6.25 from the
    # work permit (b → a; step 100 + 25 = 125)
    assert "Now What-if index: score 50.0, Fair, rank 2" in page
    first, second = page.split("2 changes step ")[1:3]
    assert first.startswith(
        "120.0 Pay audits : None → Yearly (+25.0) Waiting time : 12.0 months → 7.2 months (+5.0)"
    )
    assert "Result: score 80.0, Strong, rank 2" in first
    assert second.startswith(
        "125.0 Pay audits : None → Yearly (+25.0) Work permit : After a year → Immediate (+6.2)"
    )
    body = r.content.decode()
    assert 'href="/WIF/1/what-if/CC/?r2=a&amp;q2=7.2"' in body
    assert 'href="/WIF/1/what-if/CC/?r2=a&amp;q1=a"' in body


def test_a_goal_in_an_area_and_a_rank(client: Client) -> None:
    page = text(client.get(f"{BASE}/goal/CC/?node=RIG&band=strong"))
    assert "1 change step 100.0 Pay audits : None → Yearly (+50.0)" in page
    page = text(client.get(f"{BASE}/goal/CC/?rank=1"))
    # level with AA's 87.5: r2 (+25) and the waiting time to 0 months (+12.5)
    assert (
        "2 changes step 150.0 Pay audits : None → Yearly (+25.0) Waiting time : 12.0 months → 0.0"
    ) in page
    assert "score 87.5, Strong, rank 1" in page


def test_an_unreachable_goal_shows_the_best_reachable(client: Client) -> None:
    r = client.get(f"{BASE}/goal/CC/?score=100")
    assert r.status_code == 200
    page = text(r)
    assert "This goal cannot be reached by changing answers." in page
    # every answer at its best: Access (75 + 100) / 2, Rights 100 → 93.75
    assert "Result: score 93.8, Strong, rank 1" in page


def test_a_goal_reached_already(client: Client) -> None:
    assert "This goal is reached already." in text(client.get(f"{BASE}/goal/AA/?band=strong"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("node=NOPE&band=fair", "There is no node “NOPE” in this index."),
        ("node=q1&band=fair", "Choose the index or a group"),
        ("band=superb", "There is no band “superb” in this index."),
        ("rank=first", "The rank must be a whole number."),
        ("rank=0", "The rank must be a whole number from 1."),
        ("rank=4", "rank 4: give a whole number from 1 to 3"),
        ("score=lots", "The score must be a number."),
        ("score=120", "The score must lie within the index scale, 0 to 100."),
        ("score=nan", "The score must lie within the index scale"),
        ("band=fair&rank=1", "Give one goal: a band, a rank or a score."),
    ],
)
def test_bad_goals_are_named_on_the_page(client: Client, query: str, message: str) -> None:
    r = client.get(f"{BASE}/goal/CC/?{query}")
    assert r.status_code == 400
    assert message in r.content.decode()


def test_the_goal_form_alone(client: Client) -> None:
    r = client.get(f"{BASE}/goal/CC/")
    assert r.status_code == 200
    assert '<option value="strong">Strong</option>' in r.content.decode()
    assert "The smallest changes" not in r.content.decode()


# -- in French -------------------------------------------------------------------------------


def test_the_pages_in_french(client: Client) -> None:
    r = client.get(f"/fr{BASE}/what-if/CC/?q1=a")
    assert r.status_code == 200
    page = text(r)
    assert "Permis de travail Après un an Immédiat 50,0 → 75,0" in page
    assert row(r, "Indice de simulation")[:4] == [
        "Indice de simulation", "50,0", "56,2", "▲ +6,2 (mieux)",
    ]  # fmt: skip
    assert "Et si ?" in page
    r = client.get(f"/fr{BASE}/goal/CC/?band=strong")
    page = text(r)
    assert "Que faudrait-il ?" in page
    assert "Audits salariaux : Aucun → Annuels" in page or "Audits salariaux: Aucun → Annuels" in (
        page
    )
    assert "Ouvrir dans le simulateur" in page
    assert (
        "Choisissez l’une des réponses proposées."
        in client.get(f"/fr{BASE}/what-if/CC/?q1=z").content.decode()
    )


def test_a_release_without_answers_says_it_cannot_be_simulated(client: Client) -> None:
    import dataclasses

    import polindex
    from polindex.web.releases.publish import publish_release

    from .whatif_index import DATA, FW

    scores = dataclasses.replace(polindex.score(polindex.load_framework(FW), DATA), inputs=None)
    publish_release(scores, version="scores-only", publish_at=NOW)
    for path in ("what-if/", "what-if/CC/", "goal/CC/?band=fair"):
        r = client.get(f"/WIF/scores-only/{path}")
        assert r.status_code == 404
        assert "holds scores only, not the answers a what-if changes" in r.content.decode()
    assert "what-if" not in client.get("/WIF/scores-only/CC/").content.decode()  # no link
    r = client.get("/api/v1/releases/WIF/scores-only/what-if/CC")
    assert r.status_code == 404
    assert "holds scores only" in r.json()["detail"]


def band_card(response: Any) -> str:
    """The band card's text, tags removed, runs of spaces and new lines as one space (a
    non-breaking space kept)."""
    card = response.content.decode().split('id="band-card"', 1)[1].split("</div>", 1)[0]
    return re.sub(r"[ \n]+", " ", re.sub(r"<[^>]+>", " ", card.split(">", 1)[1])).strip()


def test_the_band_card_names_the_published_band_and_the_new_one(client: Client) -> None:
    # CC: fair (50) as published; r2=a and q2=7.2 take it to 80, strong
    r = client.get(f"{BASE}/what-if/CC/?r2=a&q2=7.2")
    assert band_card(r) == "Band Published: Fair → New: Strong"
    r = client.get(f"/fr{BASE}/what-if/CC/?r2=a&q2=7.2")
    assert band_card(r) == "Catégorie Publiée\u00a0: Moyen → Nouvelle\u00a0: Fort"
    # a change that keeps the band says so, both named; no change: the published band alone
    assert band_card(client.get(f"{BASE}/what-if/CC/?q1=a")) == "Band Published: Fair → New: Fair"
    assert band_card(client.get(f"{BASE}/what-if/CC/")) == "Band Fair"


def test_the_figures_table_heads_each_figure_once_over_published_and_new(client: Client) -> None:
    body = client.get(f"/fr{BASE}/what-if/CC/?q1=a").content.decode()
    head = body.split('id="whatif-nodes"', 1)[1].split("</thead>", 1)[0]
    groups = re.findall(r'<th scope="colgroup" colspan="(\d)">([^<]+)</th>', head)
    assert groups == [("3", "Score"), ("2", "Rang"), ("2", "Catégorie")]  # one period: no change
    columns = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', head)
    assert columns == [
        "Élément", "Publié", "Nouveau", "Différence", "Publié", "Nouveau", "Publiée", "Nouvelle",
    ]  # fmt: skip
    assert "Évolution" not in body.split('class="table-hint">', 1)[1].split("</p>", 1)[0]


def test_a_release_of_two_periods_shows_the_change_since_the_period_before(client: Client) -> None:
    import polindex
    from polindex.web.releases.publish import publish_release

    from .whatif_index import DATA, FW

    # the same answers in 2023, but CC's q1 was c (0): Access 25, the index 37.5 → 50 in 2024
    before = [(u, 2023, q, "c" if (u, q) == ("CC", "q1") else v) for u, _, q, v in DATA]
    results = polindex.score(polindex.load_framework(FW), before + DATA)
    publish_release(results, version="2", publish_at=NOW)
    r = client.get("/WIF/2/what-if/CC/?q1=a")
    assert row(r, "What-if index")[-2:] == ["+12.5", "+18.8"]  # 37.5 → 50, and → 56.25
    body = r.content.decode()
    assert '<th scope="colgroup" colspan="2">Change</th>' in body
    assert "Change: since the period before." in body
    assert row(client.get("/WIF/2/what-if/CC/"), "What-if index") == [
        "What-if index", "50.0", "2", "Fair", "+12.5",
    ]  # fmt: skip
