"""Releases are frozen: content, checksum, immutability, corrections."""

from __future__ import annotations

import pytest

from polindex.web.releases.freeze import checksum, create_release, score_rows
from polindex.web.releases.models import ImmutableError, Release

from .conftest import DATA, NOW, results


def test_a_release_holds_framework_spec_inputs_and_every_score(published: Release) -> None:
    assert published.index.code == "TOY"
    assert published.framework["code"] == "TOY"
    assert published.citation == "Toy team (2025). Toy index."
    assert published.scores.count() == 3 * 3  # units × nodes (q1, q2, TOY)
    assert "AA,2024,q1,yes" in published.inputs_csv
    rows = list(
        published.scores.order_by("id").values(
            "unit", "period", "node", "level", "parent", "score", "rank", "band", "status"
        )
    )
    assert published.checksum == checksum(
        published.framework, published.spec, published.inputs_csv, rows
    )
    assert published.checksum == checksum(
        published.framework, published.spec, published.inputs_csv, score_rows(results())
    )


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
    correction = create_release(
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
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        create_release(results(), version="2024.1", publish_at=NOW)
