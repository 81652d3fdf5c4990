"""The demo's MIPEX-style release is scored from the edition before the open one through the
workspace's scoring service; its credits page names, by country and role, only the people who
chose to be named — and the demo's feedback thread still lands in the open edition."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client

from polindex.demo.examples import EXAMPLES
from polindex.web.collection import demo, demo_release
from polindex.web.collection.models import Answer, Edition, EditionRelease
from polindex.web.feedback import demo as feedback_demo
from polindex.web.releases.models import Release

from .conftest import made_once

FRAMEWORK = EXAMPLES / "mipex-style" / "framework.yaml"
URL = "/MIPEXDEMO/demo-previous/"


def credited(page: str) -> dict[str, dict[str, str]]:
    """Country → role → names, as the credits page lists them."""
    out: dict[str, dict[str, str]] = {}
    for country, items in re.findall(
        r'<section class="credit"><h2>(.*?)</h2>(.*?)</section>', page, re.S
    ):
        roles = re.findall(r"<li><strong>(.*?)</strong> — (.*?)</li>", items)
        out[country] = dict(roles)
    return out


@pytest.fixture(scope="module")
def seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    """The demo's workspace step (as ``polindex demo --publish`` runs it), release included,
    made once for this module (``made_once``)."""
    with made_once(django_db_blocker):
        demo.seed(FRAMEWORK)
        current = Edition.objects.get(code=demo.CODE)
        central = get_user_model().objects.get(username="central")
        release: Release = demo_release.seed(FRAMEWORK, current, central)
        assert feedback_demo.seed(demo.CODE) == release  # the suggestions go on this release
        yield release.pk


@pytest.fixture
def seeded(seeded_once: int, db: None) -> Release:
    caches["pages"].clear()
    return Release.objects.get(pk=seeded_once)


def test_the_demo_release_is_scored_from_the_earlier_edition(seeded: Release) -> None:
    earlier = EditionRelease.objects.get(release=seeded).edition
    assert earlier.code == "mipex-style-demo-previous"
    assert earlier.state == Edition.State.CLOSED
    assert (seeded.index.code, seeded.version, seeded.synthetic) == (
        "MIPEXDEMO",
        "demo-previous",
        True,
    )
    assert seeded.changelog == ""  # what was scored is kept as facts, not English prose
    assert EditionRelease.objects.get(release=seeded).scored == {
        "answers": 305, "units": ["AT", "BE", "DE", "FR", "IT"], "incomplete": {},
    }  # fmt: skip
    questions = Answer.objects.filter(edition=earlier, unit="AT").count()
    assert questions == 61
    validated = Answer.objects.filter(edition=earlier, status=Answer.Status.VALIDATED).count()
    assert validated == 5 * questions  # each answer saved, submitted, agreed and validated
    assert seeded.scores.filter(node="MIPEXDEMO", period=earlier.period).count() == 5
    assert Release.objects.filter(index__code="MIPEXDEMO").count() == 1
    # seeding again changes nothing
    again = demo_release.seed(FRAMEWORK, Edition.objects.get(code=demo.CODE), None)
    assert again == seeded
    assert Release.objects.filter(index__code="MIPEXDEMO").count() == 1


def test_the_credits_page_names_the_consenting_people_by_country_and_role(
    seeded: Release,
) -> None:
    page = Client().get(URL + "credits/").content.decode()
    assert credited(page) == {
        "Austria": {"National expert": "Anna Beispiel"},
        "Belgium": {"National expert": "Jan Voorbeeld", "Peer reviewer": "Claire Exemple"},
        "France": {"National expert": "Marie Exemple"},
        "Germany": {"National expert": "Max Mustermann", "Peer reviewer": "Erika Musterfrau"},
        "Italy": {"Peer reviewer": "Giulia Campione"},
    }
    for absent in ("Lukas Muster", "Paul Modèle", "Luca Esempio", "demo."):
        assert absent not in page  # did not choose to be named (and no user name shows)
    assert "Synthetic data" in page
    french = credited(Client().get("/fr" + URL + "credits/").content.decode())
    assert french["Autriche"] == {"Expert national": "Anna Beispiel"}
    assert list(french) == ["Allemagne", "Autriche", "Belgique", "France", "Italie"]
    assert f'href="{URL}credits/"' in Client().get(URL).content.decode()  # the release links it


def test_the_demo_feedback_still_reaches_the_open_editions_workspace(seeded: Release) -> None:
    accepted = seeded.suggestions.get(status="accepted")
    assert (accepted.unit, accepted.edition.code) == ("AT", demo.CODE)  # the open edition
    assert accepted.comment is not None
    answer = accepted.comment.answer
    assert (answer.edition.code, answer.unit) == (demo.CODE, "AT")  # a thread on its answer
    assert seeded.suggestions.filter(status="new").count() == 1


def test_the_release_says_what_it_was_scored_from_in_the_pages_language(seeded: Release) -> None:
    """Once English on French pages too (stored as the changelog): now worded per request."""
    english = Client().get(URL).content.decode()
    french = Client().get("/fr" + URL).content.decode()
    assert (
        "Scored from edition mipex-style-demo-previous (305 answers): Austria, Belgium, Germany, "
        "France, Italy." in english
    )
    assert (
        "Scores calculés à partir de l’édition mipex-style-demo-previous (305 réponses)\u00a0: "
        "Autriche, Belgique, Allemagne, France, Italie." in french
    )
    assert "Scored from" not in french


def test_the_banner_says_the_country_names_are_real_and_the_answers_synthetic(
    seeded: Release,
) -> None:
    """The MIPEX-style demo gives real countries synthetic answers: its banner said the
    countries were invented."""
    assert seeded.unit_names == "real"
    for prefix, said in (
        ("", "real country names with synthetic answers"),
        ("/fr", "vrais noms de pays, mais réponses synthétiques"),
    ):
        for page in (URL, URL + "AT/", URL + "credits/"):
            body = Client().get(prefix + page).content.decode()
            note = body.split('class="synthetic')[1].split("</p>")[0]
            assert said in note, prefix + page
            assert "invent" not in note, prefix + page


def test_a_profile_names_each_strength_apart(seeded: Release) -> None:
    """MIPEX's areas share dimension names ("Rights" in family reunification and permanent
    residence): the strengths and weaknesses, listed out of the tree, name the area too (they
    read "Droits (1), Droits (1)")."""
    for prefix, lang in (("", "en"), ("/fr", "fr")):
        body = Client().get(f"{prefix}{URL}AT/").content.decode()
        found = re.search(r"<p>(?:Ranks best in|Meilleurs rangs).*?</p>", body, re.S)
        assert found, lang
        listed = found[0]
        names = re.findall(r'<a href="[^"]*/node/[^"]*">(.*?)</a>', listed)
        assert len(names) == 6, (lang, listed)
        assert len(set(names)) == len(names), (lang, names)
    fw = seeded.definition.framework
    assert fw.distinct_names("fr")["FAM_rights"] == "Regroupement familial › Droits"
    assert fw.distinct_names("fr")["PR_rights"] == "Résidence permanente › Droits"
    assert fw.distinct_names("en")["LMM"] == "Labour market mobility"  # unique: as it is
