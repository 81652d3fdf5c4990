"""A release's simulator: made from its frozen data once per process."""

from __future__ import annotations

from polindex.web.dialogue.simulators import simulator_of
from polindex.web.releases.models import Release


def test_a_release_simulates_as_the_library_does(published: Release) -> None:
    sim = simulator_of(published)
    out = sim.simulate("BB", {"q2": "yes"})
    assert (out.row()["score"], out.row()["new_score"]) == (50.0, 100.0)
    assert (out.row()["rank"], out.row()["new_rank"]) == (2, 1)
    assert simulator_of(Release.objects.get(pk=published.pk)) is sim  # kept per release
