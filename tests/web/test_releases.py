"""Releases are frozen: content, checksum, immutability, corrections."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from polindex.web.releases.freeze import SCORE_FIELDS, checksum, score_rows
from polindex.web.releases.models import ImmutableError, Release, ReleaseScore
from polindex.web.releases.publish import ReleaseError, publish_release
from polindex.web.releases.verify import checksum_problems, recomputed_checksum

from .conftest import DATA, NOW, results


def test_a_release_holds_framework_spec_inputs_and_every_score(published: Release) -> None:
    assert published.index.code == "TOY"
    assert published.framework["code"] == "TOY"
    assert published.citation == "Toy team (2025). Toy index."
    assert published.scores.count() == 3 * 3  # units × nodes (q1, q2, TOY)
    assert "AA,2024,q1,yes" in published.inputs_csv
    rows = list(published.scores.order_by("id").values(*SCORE_FIELDS))
    assert list(score_rows(results())[0]) == list(SCORE_FIELDS)
    used = {"weights_used": published.weights_used, "methods_used": published.methods_used}
    fw, spec, inputs, units = (
        published.framework, published.spec, published.inputs_csv, published.units
    )  # fmt: skip
    assert published.checksum == checksum(fw, spec, inputs, rows, used=used, units=units)
    again = checksum(fw, spec, inputs, score_rows(results()), used=used, units=units)
    assert published.checksum == again
    # the weights and methods used, and the units, are part of what the checksum seals
    assert published.checksum != checksum(fw, spec, inputs, rows, units=units)
    assert published.checksum != checksum(fw, spec, inputs, rows, used=used)


def test_nothing_of_a_release_can_change(published: Release) -> None:
    published.citation = "changed"
    with pytest.raises(ImmutableError, match="frozen"):
        published.save()
    with pytest.raises(ImmutableError, match="cannot be deleted"):
        published.delete()
    score = published.scores.first()
    assert score is not None
    score.score = 1.0
    with pytest.raises(ImmutableError):
        score.save()
    assert Release.objects.get(pk=published.pk).citation == "Toy team (2025). Toy index."


def test_a_correction_is_a_new_version(published: Release) -> None:
    fixed = [(u, p, i, v) for u, p, i, v in DATA]
    correction = publish_release(
        results(fixed),
        version="2024.2",
        publish_at=NOW,
        corrects=published,
        changelog="Corrected BB's answer to q2.",
    )
    assert correction.corrects == published
    assert list(published.corrections.all()) == [correction]
    assert Release.objects.filter(index__code="TOY").count() == 2  # the old one stays


def test_the_same_version_twice_is_refused(published: Release) -> None:
    with pytest.raises(ReleaseError) as info:
        publish_release(results(), version="2024.1", publish_at=NOW)
    assert info.value.problems == [
        "TOY already has a release 2024.1; releases are immutable: publish a new version"
    ]
    assert Release.objects.filter(index__code="TOY").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["a/b", "../x", "", "2024 1", "-1", "é", "x" * 33, "a?b"])
def test_a_version_that_cannot_be_an_address_is_refused(version: str) -> None:
    # regression: `release create --version a/b` broke the home page, sitemap and search
    with pytest.raises(ReleaseError) as info:
        publish_release(results(), version=version, publish_at=NOW)
    assert info.value.problems[0].startswith(f"version {version!r}: use 1 to 32 letters")
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_every_broken_rule_is_listed_at_once(published: Release) -> None:
    import datetime as dt

    with pytest.raises(ReleaseError) as info:
        publish_release(
            results(),
            version="2024.1",
            publish_at=dt.datetime(2026, 1, 1, 9),  # no time zone
            corrects="1999",
            licence="CC BY\n4.0",
        )
    assert info.value.problems == [
        "TOY already has a release 2024.1; releases are immutable: publish a new version",
        "the publish time needs a time zone (e.g. 2026-03-01T09:00+01:00)",
        "licence: one line of at most 1000 characters",
        "TOY has no release 1999 to correct",
        "a correction says what it corrects: write a changelog",
    ]
    assert str(info.value).startswith("5 problems with the release; nothing was published:\n  ")


@pytest.mark.django_db
def test_a_release_is_built_from_a_definition_and_its_data(tmp_path: object) -> None:
    from polindex.framework import load_index

    text = "code: Q\nname: Q\nlicence: CC0-1.0\nindicators: [{code: q, type: boolean}]\n"
    release = publish_release(
        load_index(text), [("A", 2024, "q", "yes"), ("B", 2024, "q", "no")], version="1"
    )
    assert release.licence == "CC0-1.0"
    assert dict(release.scores.filter(node="Q").values_list("unit", "score")) == {
        "A": 100.0,
        "B": 0.0,
    }


def test_a_correction_of_another_index_is_refused(published: Release) -> None:
    from polindex.framework import load_index

    other = load_index("code: OTHER\nname: O\nindicators: [{code: q, type: boolean}]\n")
    with pytest.raises(ReleaseError, match=r"cannot correct TOY 2024\.1: another index"):
        publish_release(
            other, [("A", 2024, "q", "yes")], version="1", corrects=published, changelog="x"
        )


WEIGHTED = """\
code: W
name: Weighted
languages: [en, fr]
children:
  - {code: A, label: {en: Access, fr: Accès}, indicators: [{code: a, type: numeric}]}
  - {code: B, label: {en: Basics, fr: Bases}, indicators: [{code: b, type: numeric}]}
pipeline:
  steps:
    - {step: normalise, method: minmax, params: {low: 0, high: 100}}
    - {step: weights, method: explicit, values: {A: 3, B: 1}}
    - {step: aggregate}
"""


@pytest.mark.django_db
def test_a_release_states_the_weights_and_methods_it_used() -> None:
    # regression: a 3:1 weights step gave 75/25 scores while the codebook and the methodology
    # page said 1.0/1.0 (the weights used were dropped when the release was frozen)
    import pandas as pd
    from django.test import Client

    from polindex.framework import load_index
    from polindex.web.releases.exports import codebook

    data = pd.DataFrame({"unit": ["X", "Y"], "period": [2024, 2024], "a": [1, 0], "b": [0, 1]})
    release = publish_release(load_index(WEIGHTED), data, version="1")
    assert dict(release.scores.filter(node="W").values_list("unit", "score")) == {
        "X": 75.0,
        "Y": 25.0,
    }
    assert release.weights_used["source"] == "explicit"
    assert release.weights_used["given"] == {"a": 1.0, "b": 1.0, "A": 3.0, "B": 1.0}
    assert release.methods_used["normalisation"]["a"] == {
        "method": "minmax",
        "params": {"low": 0, "high": 100},
    }
    book = codebook(release, "fr").set_index("code")
    assert book.loc["A", ["label", "weight", "effective_weight", "method"]].tolist() == [
        "Accès",
        3.0,
        0.75,
        "arithmetic",
    ]
    assert book.loc["b", ["weight", "effective_weight", "method"]].tolist() == [
        1.0,
        0.25,
        "minmax (low=0, high=100)",
    ]
    client = Client()
    rows = client.get("/api/v1/releases/W/1/codebook").json()
    assert [(r["code"], r["weight"], r["effective_weight"]) for r in rows] == [
        ("W", None, 1.0),
        ("A", 3.0, 0.75),
        ("a", 1.0, 0.75),
        ("B", 1.0, 0.25),
        ("b", 1.0, 0.25),
    ]
    page = client.get("/W/1/methodology/").content.decode()
    assert "Weights were set by the construction step “explicit”." in page
    assert '<td class="num">75 %</td>' in page
    assert "minmax (low=0, high=100)" in page


@pytest.mark.django_db
def test_a_framework_licence_longer_than_a_release_holds_is_refused() -> None:
    # regression: the rule checked only a licence given on the command line; the framework's
    # own (IMPIC's was 245 characters) went into a 200-character column unchecked: stored
    # whole on SQLite, a DataError (500) on PostgreSQL, and a backup that PostgreSQL refused.
    # The column is now text; the rule still bounds what a release page shows as its licence.
    from polindex.framework import load_index

    text = f"code: L\nname: L\nlicence: {'x' * 1001}\nindicators: [{{code: q, type: boolean}}]\n"
    with pytest.raises(ReleaseError, match="licence: one line of at most 1000 characters"):
        publish_release(load_index(text), [("A", 2024, "q", "yes")], version="1")
    assert not Release.objects.exists()


def test_a_release_checksum_is_computed_again_from_its_stored_rows(
    published: Release, robust_files: tuple[Path, Path]
) -> None:
    from polindex.framework import load_index

    robust = publish_release(
        load_index(robust_files[0]), robust_files[1], version="r", robustness=True
    )
    noted = publish_release(
        results(), version="n", notes=[{"unit": "AA", "period": "2024", "indicator": "q1",
                                         "justification": "Art. 5 «ü»", "sources": []}],
    )  # fmt: skip
    for release in (published, robust, noted):
        assert recomputed_checksum(release) == release.checksum
    assert checksum_problems([published, robust, noted]) == []
    score = published.scores.order_by("id").first()
    assert score is not None
    ReleaseScore.objects.filter(pk=score.pk).update(score=(score.score or 0) + 1)  # not save()
    (problem,) = checksum_problems(Release.objects.filter(pk=published.pk))
    assert problem.startswith("release TOY 2024.1: its data give checksum ")
    assert problem.endswith(f", not the stored {published.checksum[:12]}…")


def test_a_release_frozen_before_the_weights_used_and_units_were_recorded_still_checks(
    published: Release,
) -> None:
    rows = list(published.scores.order_by("id").values(*SCORE_FIELDS))
    old = checksum(published.framework, published.spec, published.inputs_csv, rows)
    Release.objects.filter(pk=published.pk).update(
        weights_used={}, methods_used={}, units={}, checksum=old
    )
    assert recomputed_checksum(Release.objects.get(pk=published.pk)) == old


def test_a_release_freezes_its_units_names_codes_kinds_and_groups(db: None) -> None:
    """The unit table is stored with the release, in the index's and the site's languages,
    and read back from there: a release never changes when pycountry or Babel update."""
    import polindex
    from polindex.web.releases import models

    fw = polindex.load_framework(
        {
            "code": "EUL",
            "name": "EU level",
            "scale": {"min": 0, "max": 1},
            "indicators": [{"code": "q", "type": "numeric", "bounds": [0, 1]}],
            "units": {"er": {"name": "EU regulations", "kind": "supranational", "groups": ["EU"]}},
            "unit_groups": {"EU": "EU level"},
        }
    )
    data = [("de", 2010, "q", 0.3), ("AUT", 2010, "q", 0.5), ("er", 2010, "q", 0.1)]
    release = publish_release(polindex.score(fw, data), version="1", publish_at=NOW)
    units = {u["code"]: u for u in release.units["units"]}
    assert units["de"]["names"] == {"en": "Germany", "fr": "Allemagne"}
    assert units["de"]["iso"] == {"alpha_2": "DE", "alpha_3": "DEU", "numeric": "276"}
    assert units["AUT"]["kind"] == "country"
    assert units["er"] == {
        "code": "er",
        "names": {"en": "EU regulations", "fr": "EU regulations"},
        "kind": "supranational",
        "iso": None,
        "groups": ["EU"],
        "source": "framework",
    }
    assert release.units["groups"] == {"EU": {"en": "EU level", "fr": "EU level"}}
    # the ranks were frozen among the countries only
    ranks = dict(release.scores.filter(node="EUL").values_list("unit", "rank"))
    assert ranks == {"AUT": 1, "de": 2, "er": None}  # er's 0.1 is no rank 3
    # pages read the frozen table, not today's packages: a stored name is what they show
    frozen = dict(release.units)
    frozen["units"] = [
        {**u, "names": {"en": "Frozen Germany", "fr": "Allemagne gelée"}}
        if u["code"] == "de"
        else u
        for u in release.units["units"]
    ]
    Release.objects.filter(pk=release.pk).update(units=frozen)  # bypasses the immutability
    models._unit_tables.clear()
    assert "Frozen Germany" in Client().get("/EUL/1/").content.decode()


def test_the_stored_scores_are_the_frozen_rows_missing_values_as_null(db: None) -> None:
    # BB has no answer to q2: its q2 score and rank are missing (NULL in the database)
    data = [row for row in DATA if row[:3] != ("BB", 2024, "q2")]
    release = publish_release(results(data), version="gap", publish_at=NOW)
    stored = list(release.scores.order_by("id").values(*SCORE_FIELDS))
    assert stored == score_rows(results(data))
    gap = release.scores.get(unit="BB", node="q2")
    assert (gap.score, gap.rank, gap.status) == (None, None, "missing")
    total = release.scores.get(unit="AA", node="TOY")
    assert (total.score, total.rank, total.parent) == (100.0, 1, "")
