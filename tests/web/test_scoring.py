"""Scoring an edition into a release without surprises (issue 17, point 5): the demo edition's
countries shown complete, incomplete or missing with hand-checked counts; only the countries
chosen (an incomplete one with a second, explicit tick); the version checked by the release
service's rules; a preview whose fingerprint the confirmation carries (a change in between, and
nothing is published); the release made under embargo. Only the central team may do it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from polindex.web.collection import bulk, demo, workflow
from polindex.web.collection.models import Answer, AnswerChange, Edition, EditionRelease
from polindex.web.releases.models import Release

from .conftest import client_for, made_once

FRAMEWORK = Path(__file__).parents[2] / "examples" / "mipex-style" / "framework.yaml"
URL = f"/work/{demo.CODE}/score/"
LATER = (timezone.localdate() + dt.timedelta(days=10)).isoformat() + "T09:00"


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def _take(answers: list[Answer], user: Any, action: str) -> None:
    found = bulk.plan(answers, user, action)
    bulk.take(answers, user, action, found.token)


@pytest.fixture(scope="module")
def scene_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    """The demo edition: BE's 61 synthetic answers agreed and validated (complete); AT's expert
    answered 3 questions, the reviewer agreed, the central team validated 2 (incomplete: 2
    validated, 1 agreed, 58 drafts); DE, FR, IT have no expert (missing: 61 not started)."""
    with made_once(django_db_blocker):
        demo.seed(FRAMEWORK)
        edition = Edition.objects.get(code=demo.CODE)
        central = _user("central")
        be = list(Answer.objects.filter(edition=edition, unit="BE"))
        _take(be, _user("reviewer-be"), "agree")
        _take(list(Answer.objects.filter(edition=edition, unit="BE")), central, "validate")
        expert = _user("expert-at")
        for code in ("LMM1", "LMM2", "LMM3"):
            a = Answer.objects.get(edition=edition, unit="AT", indicator=code)
            content = workflow.Content(
                option="a", justification="Art. 5.", sources=[{"instrument": "Aliens Act"}]
            )
            a = workflow.save(a, expert, content, a.version)
            a = workflow.act(a, expert, "submit", a.version)
            a = workflow.act(a, _user("reviewer-at"), "agree", a.version)
            if code != "LMM3":
                workflow.act(a, central, "validate", a.version)
        yield edition.pk


@pytest.fixture
def scene(scene_once: int, db: None) -> Edition:
    """The scene above, for one test (made once per module, see ``made_once``)."""
    return Edition.objects.get(pk=scene_once)


def _country(page: str, unit: str) -> str:
    return page.split(f'id="country-{unit}"')[1].split("</li>")[0]


def _form(**extra: Any) -> dict[str, Any]:
    return {"preview": "1", "units": ["BE"], "version": "2025.1", "publish_at": LATER, **extra}


def test_each_country_is_shown_complete_incomplete_or_missing(scene: Edition) -> None:
    page = client_for(_user("central")).get(URL).content.decode()
    be, at, de = _country(page, "BE"), _country(page, "AT"), _country(page, "DE")
    assert ">Complete</span>" in be
    assert "61 of 61 answers validated" in be
    assert 'name="units" value="BE" id="unit-BE" checked' in be  # complete: chosen for you
    assert ">Incomplete</span>" in at
    assert "2 of 61 answers validated · not yet validated: 58 drafts, 1 agreed" in at
    assert 'name="units" value="AT" id="unit-AT">' in at  # not chosen for you
    assert "Score Austria anyway: only its 2 validated answers; its other 59 questions" in at
    for unit in ("DE", "FR", "IT"):
        missing = _country(page, unit)
        assert ">Missing</span>" in missing
        assert "0 of 61 answers validated · not yet validated: 61 not started" in missing
        assert 'name="units"' not in missing  # nothing to score: cannot be chosen
    assert "Nothing to score yet" in de
    assert not Release.objects.exists()


def test_the_preview_says_exactly_what_the_release_holds_and_writes_nothing(
    scene: Edition,
) -> None:
    central = client_for(_user("central"))
    changes = AnswerChange.objects.count()
    page = central.get(URL, _form(units=["BE", "AT"], confirm=["AT"])).content.decode()
    preview = page.split('id="preview"')[1]
    assert '<dd id="preview-release">MIPEXDEMO 2025.1</dd>' in preview
    assert '<dd id="preview-answers">63</dd>' in preview  # BE 61 + AT 2
    assert '<dd id="preview-countries-count">2</dd>' in preview
    assert "under embargo until then: not public" in preview
    table = preview.split('id="preview-table"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">(\w+).*?>(\d+)</td><td[^>]*>(\d+)</td>', table)
    assert rows == [("Austria", "2", "59"), ("Belgium", "61", "0")]  # the edition's order
    assert 'name="token" value="' in preview
    assert not Release.objects.exists()
    assert AnswerChange.objects.count() == changes


def test_an_incomplete_country_needs_its_own_confirmation(scene: Edition) -> None:
    central = client_for(_user("central"))
    response = central.get(URL, _form(units=["BE", "AT"]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Austria is incomplete: tick the box to confirm that only its 2 validated answers" in (
        _country(page, "AT")
    )
    assert '<a href="#confirm-AT">Countries to score: Austria is incomplete' in page  # (linked)
    assert 'id="preview"' not in page
    # a missing country cannot be slipped in by hand either
    page = central.get(URL, _form(units=["DE"])).content.decode()
    assert "Germany has no validated answer to score" in page
    assert central.post(URL, _form(units=["DE"], token="x")).status_code == 400
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ("", "give the release&#x27;s version, e.g. 2025.1"),
        ("2025/1", "use 1 to 32 letters, digits"),
        ("x" * 33, "use 1 to 32 letters, digits"),
        ("-2025", "starting with a letter or digit"),
        ("taken", "MIPEXDEMO already has a release taken: choose another version"),
    ],
)
def test_the_version_follows_the_release_services_rules(
    scene: Edition, version: str, problem: str
) -> None:
    central = client_for(_user("central"))
    if version == "taken":
        _publish(central, "taken")
    response = central.get(URL, _form(version=version))
    assert response.status_code == 400
    page = response.content.decode()
    field = page.split('<label for="version">')[1].split("</div>")[0]
    assert '<p class="field-message" id="version-error">' in field
    assert problem in field
    assert 'aria-invalid="true"' in field
    assert 'id="preview"' not in page


def test_the_publish_time_must_be_in_the_future(scene: Edition) -> None:
    central = client_for(_user("central"))
    page = central.get(URL, _form(publish_at="2020-01-01T09:00")).content.decode()
    assert "choose a time in the future: the release is public from then on" in page
    page = central.get(URL, _form(publish_at="soon")).content.decode()
    assert "give a date and time, e.g. 2027-03-01 09:00" in page


def _confirmation(page: str) -> dict[str, Any]:
    form = page.split('id="confirm"')[1].split("</form>")[0]
    data: dict[str, Any] = {}
    for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', form):
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(value)
    return data


def _publish(central: Client, version: str, **extra: Any) -> Any:
    page = central.get(URL, _form(version=version, **extra)).content.decode()
    return central.post(URL, _confirmation(page))


def test_confirmed_it_makes_one_embargoed_release_of_the_countries_chosen(
    scene: Edition,
) -> None:
    central = client_for(_user("central"))
    page = central.get(URL, _form(units=["BE", "AT"], confirm=["AT"])).content.decode()
    confirmation = _confirmation(page)
    response = central.post(URL, confirmation)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?created=2025.1#created"
    release = Release.objects.get()
    assert (release.index.code, release.version) == ("MIPEXDEMO", "2025.1")
    assert timezone.localtime(release.publish_at).strftime("%Y-%m-%dT%H:%M") == LATER
    assert sorted({n["unit"] for n in release.notes}) == ["AT", "BE"]
    assert len(release.notes) == 63
    # what was scored is kept as facts, worded in each page's language (never stored prose)
    assert release.changelog == ""
    assert EditionRelease.objects.get(release=release).scored == {
        "answers": 63, "units": ["AT", "BE"], "incomplete": {"AT": 59},
    }  # fmt: skip
    said = {
        lang: central.get(f"{prefix}/MIPEXDEMO/2025.1/").content.decode()
        for lang, prefix in (("en", ""), ("fr", "/fr"))
    }
    assert (
        '<p class="changelog scored-from">Scored from edition mipex-style-demo (63 answers): '
        "Austria, Belgium. Incomplete, only its validated answers scored: Austria (59 questions "
        "without an answer).</p>"
    ) in said["en"]
    assert (
        "Scores calculés à partir de l’édition mipex-style-demo (63 réponses)\u00a0: Autriche, "
        "Belgique. Pays incomplet, seules ses réponses validées sont notées\u00a0: Autriche "
        "(59 questions sans réponse)."
    ) in said["fr"]
    assert "Scored from" not in said["fr"]
    api = central.get("/api/v1/releases/MIPEXDEMO/2025.1").json()
    assert api["changelog"].startswith("Scored from edition mipex-style-demo (63 answers)")
    done = central.get(response["Location"]).content.decode()
    created = done.split('id="created"')[1].split("</div>")[0]
    assert "Release MIPEXDEMO 2025.1 created under embargo until" in created
    assert release.checksum in created
    # under embargo: nobody outside the team sees it
    assert Client().get("/MIPEXDEMO/2025.1/").status_code == 404
    assert Client().get("/MIPEXDEMO/2025.1/BE/").status_code == 404
    assert Client().get("/api/v1/releases/MIPEXDEMO/2025.1").status_code == 404
    # the same confirmation again: the version is taken now, and nothing more is made
    again = central.post(URL, confirmation)
    assert again.status_code == 400
    assert "already has a release 2025.1" in again.content.decode()
    assert Release.objects.count() == 1


def test_a_change_between_preview_and_confirmation_publishes_nothing(scene: Edition) -> None:
    central = client_for(_user("central"))
    page = central.get(URL, _form(units=["BE", "AT"], confirm=["AT"])).content.decode()
    confirmation = _confirmation(page)
    lmm3 = Answer.objects.get(edition=scene, unit="AT", indicator="LMM3")
    workflow.act(lmm3, _user("central"), "validate", lmm3.version)  # AT now has 3 validated
    response = central.post(URL, confirmation)
    assert response.status_code == 409
    body = response.content.decode()
    assert "The edition changed since your preview: nothing was published." in body
    assert '<dd id="preview-answers">64</dd>' in body  # the preview as it is now
    assert not Release.objects.exists()
    fresh = _confirmation(body)
    assert fresh["token"] != confirmation["token"]
    assert central.post(URL, fresh).status_code == 302  # confirmed again: made
    assert len(Release.objects.get().notes) == 64


def test_a_forged_token_publishes_nothing(scene: Edition) -> None:
    central = client_for(_user("central"))
    page = central.get(URL, _form()).content.decode()
    forged = {**_confirmation(page), "token": "0" * 64}
    assert central.post(URL, forged).status_code == 409
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    "name", ["coordinator", "expert-at", "reviewer-at", "expert-be", "government-at"]
)
def test_only_the_central_team_may_score(scene: Edition, name: str) -> None:
    person = client_for(_user(name))
    assert person.get(URL).status_code == 403
    central = client_for(_user("central"))
    confirmation = _confirmation(central.get(URL, _form()).content.decode())
    assert person.post(URL, confirmation).status_code == 403
    assert not Release.objects.exists()
    assert "Score into a release" not in person.get("/work/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(scene: Edition) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_admins_action_opens_the_scoring_page(scene: Edition) -> None:
    admin = client_for(_user("central"))
    form = {"action": "make_release", "_selected_action": [scene.pk], "index": 0}
    response = admin.post("/admin/collection/edition/", form)
    assert response.status_code == 302
    assert response["Location"] == URL
    assert not Release.objects.exists()  # nothing made from the admin directly
    assert "Score into a release" in admin.get("/work/").content.decode()


def test_the_admin_is_named_and_links_back_in_english_and_french(scene: Edition) -> None:
    admin = client_for(_user("central"))
    page = admin.get("/admin/").content.decode()
    assert "<title>Editions, releases and people | Polindex administration</title>" in page
    assert '<div id="site-name"><a href="/admin/">' in page
    assert "Polindex administration</a></div>" in page
    assert '<a href="/work/" id="to-workspace">Workspace</a>' in page
    assert '<a href="/" id="to-site">Public site</a>' in page
    admin.cookies["django_language"] = "fr"
    page = admin.get("/admin/").content.decode()
    assert "<title>Éditions, publications et personnes | Administration de Polindex</title>" in (
        page
    )
    assert '<a href="/work/" id="to-workspace">Espace de travail</a>' in page
    assert '<a href="/fr/" id="to-site">Site public</a>' in page
    assert "Collecte des données" in page  # the apps' names too
