"""Key findings in each of the site's languages: written in the admin (a text box per
language), shown on the release page and in the reports in the page's language (English when
that language has none), frozen once the release is published, like the English text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from polindex.web.releases.models import ImmutableError, Release
from polindex.web.reports import content

from .reports import mini_release

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def hidden(db: None) -> Release:
    return mini_release(NOW + dt.timedelta(days=3), "English findings.")


def test_the_admin_writes_each_language(hidden: Release, admin_client: Client) -> None:
    url = f"/admin/releases/release/{hidden.pk}/change/"
    form = admin_client.get(url).content.decode()
    assert "Key findings (English)" in form
    assert "Key findings (Français)" in form
    assert 'name="key_findings_fr"' in form
    admin_client.cookies["django_language"] = "fr"  # (the admin is not under /fr/)
    french = admin_client.get(url).content.decode()
    assert "Principaux résultats (Français)" in french  # the label in the request's language
    del admin_client.cookies["django_language"]
    answer = admin_client.post(
        url, {"key_findings": "English, edited.", "key_findings_fr": "Le texte **français**."}
    )
    assert answer.status_code == 302
    hidden.refresh_from_db()
    assert hidden.key_findings == "English, edited."
    assert hidden.key_findings_translations == {"fr": "Le texte **français**."}
    assert hidden.findings_in("fr") == "Le texte **français**."
    assert hidden.findings_in("fr-ca") == "Le texte **français**."
    assert hidden.findings_in("en") == "English, edited."
    admin_client.post(url, {"key_findings": "English, edited.", "key_findings_fr": "  "})
    hidden.refresh_from_db()
    assert hidden.key_findings_translations == {}  # an emptied language is dropped
    assert hidden.findings_in("fr") == "English, edited."  # and English shown instead


def test_pages_and_reports_show_the_page_language(db: None, client: Client) -> None:
    release = mini_release(NOW + dt.timedelta(days=3), "The English text.")
    release.set_key_findings("The English text.", {"fr": "Le texte français."})
    Release.objects.filter(pk=release.pk).update(publish_at=NOW - dt.timedelta(minutes=1))
    release.refresh_from_db()
    english, french = (
        client.get("/MINI/2024/").content.decode(),
        client.get("/fr/MINI/2024/").content.decode(),
    )
    assert "The English text." in english
    assert "Le texte français." not in english
    assert "Le texte français." in french
    assert "The English text." not in french
    assert "Le texte français." in content.build(release, "de", "fr").context["key_findings"]
    assert "The English text." in content.build(release, "de", "en").context["key_findings"]
    with pytest.raises(ImmutableError):  # published: frozen in every language
        release.set_key_findings("Rewritten.", {"fr": "Réécrit."})


def test_without_a_translation_the_english_text(db: None, client: Client) -> None:
    mini_release(NOW - dt.timedelta(days=1), "Only in English.")
    assert "Only in English." in client.get("/fr/MINI/2024/").content.decode()
    assert "Only in English." in client.get("/fr/MINI/2024/de/report/").content.decode()
