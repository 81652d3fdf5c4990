"""A country report's "change since the previous edition": against the release before it (by
publish time), naming which answers changed between the two and why; against the period
before inside the release only when there is no earlier release — and saying which. Values
checked by hand in :mod:`.reports`."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils.formats import date_format

from polindex.web.releases.models import Release
from polindex.web.reports import content, store

from .reports import mini_release, next_release

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def first(db: None) -> Release:
    return mini_release(NOW - dt.timedelta(days=30))


@pytest.fixture
def second(first: Release) -> Release:
    return next_release(NOW - dt.timedelta(days=1))


def _changes(html: str) -> str:
    found = re.search(r'<section id="changes".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def test_the_previous_release_is_the_one_published_before(first: Release, second: Release) -> None:
    assert content.previous_release(second) == first
    assert content.previous_release(first) is None
    later = next_release(NOW + dt.timedelta(days=5), version="2026")  # embargoed
    assert content.previous_release(later) == second
    assert content.previous_release(second) == first  # a later one never comes before


def test_the_report_lists_exactly_the_answers_that_differ_between_releases(
    second: Release, client: Client
) -> None:
    html = client.get("/MINI/2025/de/report/").content.decode()
    changes = _changes(html)
    assert "What changed since release 2024, and why" in changes
    date = date_format(NOW - dt.timedelta(days=30), "DATE_FORMAT")  # e.g. "Nov. 7, 2026"
    assert f"Compared with release 2024 of this index, published {date} (its scores in 2024)." in (
        changes
    )
    assert "2 answers changed" in changes
    listed = re.findall(r"<li><p><strong>(.*?)</strong>: (.*?) → (.*?) \(", changes)
    assert sorted(listed) == [("Self-employment", "Yes", "No"), ("Union membership", "No", "Yes")]
    assert "Equal pay" not in changes  # changed inside release 2025 (2024 → 2025), not since 2024
    assert "Unions opened to <strong>every worker</strong>." in changes  # the justification
    assert "Works Constitution Act, art. 2" in changes
    assert "−100.0" in changes
    assert "+100.0" in changes
    # the key figures and areas against release 2024's 2024: 75.0 → 75.0, Access 100 → 50
    areas = re.search(r'<section id="areas".*?</section>', html, re.S)
    assert areas is not None
    assert "−50.0" in areas.group(0)
    assert "+50.0" in areas.group(0)
    assert "Rank 2 in release 2024, 2 in this one." in html


def test_the_french_report_names_the_release(second: Release, client: Client) -> None:
    changes = _changes(client.get("/fr/MINI/2025/de/report/").content.decode())
    assert "Ce qui a changé depuis la publication 2024, et pourquoi" in changes
    assert "Comparé à la publication 2024 de cet indice, publiée le" in changes
    assert "Adhésion syndicale</strong>\u00a0: Non → Oui" in changes


def test_without_an_earlier_release_the_period_before_and_it_says_so(
    first: Release, client: Client
) -> None:
    changes = _changes(client.get("/MINI/2024/de/report/").content.decode())
    assert "What changed since 2023, and why" in changes
    assert "No earlier release of this index: the change is since 2023 within this release." in (
        changes
    )
    assert "3 answers changed" in changes


def test_a_kept_report_is_made_again_when_what_it_says_changes(db: None) -> None:
    """Regression: a report kept under embargo kept the key findings it was made with after
    the team edited them (and now the release it compares with)."""
    hidden = mini_release(NOW + dt.timedelta(days=3), "Old text.")
    made = store.pdf_file(hidden, "de", "en")
    hidden.set_key_findings("New text.")
    again = store.pdf_file(hidden, "de", "en")
    assert again != made
    assert store.pdf_file(hidden, "de", "fr") != again
    hidden.set_key_findings("New text.", {"fr": "Nouveau texte."})
    assert store.pdf_file(hidden, "de", "en") == again  # the English text did not change


def test_scores_without_answers_say_so(first: Release, client: Client) -> None:
    """A previous release holding scores only (no answers) lists no change, and says why
    instead of "No answer changed"."""
    Release.objects.filter(pk=first.pk).update(inputs_csv="")  # (as a release of scores only)
    next_release(NOW - dt.timedelta(days=1))
    changes = _changes(client.get("/MINI/2025/de/report/").content.decode())
    assert "What changed since release 2024, and why" in changes
    assert "which answers changed cannot be told here" in changes
    assert "No answer changed" not in changes
    assert '<ol class="changes">' not in changes
