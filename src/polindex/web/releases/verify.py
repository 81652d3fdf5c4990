"""A release's checksum recomputed from what the database holds now.

:func:`~polindex.web.releases.freeze.freeze` stores a SHA-256 over everything a release holds
(framework, spec, inputs, every score row in order, robustness, notes, the weights and methods
used). Recomputing it from the stored rows proves that nothing was lost or altered in between:
``polindex restore`` does it for every release before it commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from polindex.web.releases.freeze import SCORE_FIELDS, checksum
from polindex.web.releases.models import Release


def recomputed_checksum(release: Release) -> str:
    """The checksum of ``release`` computed again from its stored fields and score rows (in the
    order they were frozen); equal to ``release.checksum`` unless something was altered."""
    rows = [
        dict(zip(SCORE_FIELDS, values, strict=True))
        for values in release.scores.order_by("id").values_list(*SCORE_FIELDS).iterator()
    ]
    used = {"weights_used": release.weights_used, "methods_used": release.methods_used}
    # releases frozen before the weights and methods used were recorded have neither (and their
    # checksum does not cover them); every later release has both; the same for the units
    return checksum(
        release.framework,
        release.spec,
        release.inputs_csv,
        rows,
        release.robustness,
        release.notes,
        used if any(used.values()) else None,
        release.units or None,  # (releases frozen before units were first-class have none)
        crosswalk=release.crosswalk or None,
        variables_csv=release.variables_csv,  # (empty without a pipeline, or frozen before)
        design=release.uncertainty_design or None,
    )


def checksum_problems(releases: Iterable[Release]) -> list[str]:
    """One line for each release whose recomputed checksum differs from the stored one."""
    problems = []
    for release in releases:
        again = recomputed_checksum(release)
        if again != release.checksum:
            problems.append(
                f"release {release.index.code} {release.version}: its data give checksum "
                f"{again[:12]}…, not the stored {release.checksum[:12]}…"
            )
    return problems
