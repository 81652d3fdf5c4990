"""The one way a release is made: :func:`publish_release` holds every rule.

The command line (``polindex release create``), the admin's "Add release" form, the demo and
the scoring of a collection edition all call :func:`publish_release` (or :func:`check_release`
first, for a quick answer before a long build) and only translate its :class:`ReleaseError`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from polindex.analysis.crosswalk import CrosswalkError
from polindex.analysis.robustness import ReleaseResults
from polindex.api import Data, Inputs, release_results
from polindex.engine.results import Results
from polindex.errors import PolindexError, plural
from polindex.framework.definition import Source, load_index
from polindex.io.tables import ReadOptions
from polindex.web.releases.crosswalks import Given, frozen_crosswalk
from polindex.web.releases.freeze import freeze
from polindex.web.releases.models import Release

VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
"""A release version: letters, digits, '.', '-' and '_' (it is part of every page's address)."""

MAX_LICENCE = 1000


class ReleaseError(PolindexError):
    """A release that breaks a publication rule; nothing was published.

    Examples
    --------
    >>> print(ReleaseError(["version 'a/b': use letters, digits, '.', '-' and '_' only"]))
    1 problem with the release; nothing was published:
      version 'a/b': use letters, digits, '.', '-' and '_' only
    """

    problems: list[str]

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} with the release; nothing was published:"


@dataclass(frozen=True)
class Checked:
    """What :func:`check_release` found: the release it corrects, if any."""

    corrects: Release | None


def check_release(
    index_code: str,
    version: str,
    *,
    publish_at: dt.datetime | None = None,
    corrects: str | Release | None = None,
    changelog: str = "",
    licence: str = "",
) -> Checked:
    """Check every rule a new release of ``index_code`` must follow, before anything is built:
    the version's form and that it is free, that a correction names an earlier release of the
    same index and says what it corrects, the licence, and a time-zone-aware embargo time.

    Raises :class:`ReleaseError` listing every broken rule.
    """
    problems: list[str] = []
    if not VERSION.match(version):
        problems.append(
            f"version {version!r}: use 1 to 32 letters, digits, '.', '-' and '_', starting with "
            "a letter or digit (it becomes part of the release's web address)"
        )
    elif Release.objects.filter(index__code=index_code, version=version).exists():
        problems.append(
            f"{index_code} already has a release {version}; releases are immutable: "
            "publish a new version"
        )
    if publish_at is not None and publish_at.tzinfo is None:
        problems.append("the publish time needs a time zone (e.g. 2026-03-01T09:00+01:00)")
    if len(licence) > MAX_LICENCE or any(ch in licence for ch in "\r\n"):
        problems.append(f"licence: one line of at most {MAX_LICENCE} characters")
    corrected: Release | None = None
    if isinstance(corrects, Release):
        corrected = corrects
        if corrects.index.code != index_code:
            problems.append(
                f"release {version} of {index_code} cannot correct {corrects}: another index"
            )
    elif corrects:
        corrected = Release.objects.filter(index__code=index_code, version=corrects).first()
        if corrected is None:
            problems.append(f"{index_code} has no release {corrects} to correct")
    if corrects and not changelog.strip():
        problems.append("a correction says what it corrects: write a changelog")
    if problems:
        raise ReleaseError(problems)
    return Checked(corrected)


def publish_release(
    source: Results | ReleaseResults | Source,
    data: Data | Inputs | None = None,
    *,
    version: str,
    publish_at: dt.datetime | None = None,
    scored: bool = False,
    robustness: bool = False,
    options: ReadOptions | None = None,
    citation: str = "",
    licence: str = "",
    changelog: str = "",
    corrects: str | Release | None = None,
    synthetic: bool = False,
    notes: list[dict[str, Any]] | None = None,
    key_findings: str = "",
    crosswalk: Given | None = None,
) -> Release:
    """Publish release ``version`` of an index, all or nothing: ``source`` is either results
    already computed, or an index definition (see :func:`~polindex.framework.load_index`) whose
    ``data`` are scored (or built, with the definition's pipeline; with ``robustness``, also
    audited and, when it declares an uncertainty design, evaluated) and then frozen.

    The rules of :func:`check_release` are checked first (before any long build) and again
    when the release is stored. ``publish_at`` (default: now) ends the embargo; ``corrects`` is
    the version (or release) this one corrects (its changelog then lists the readers'
    suggestions it addresses, see :mod:`polindex.web.feedback.corrections`); ``notes`` carry
    each answer's justification and sources when the data come from a collection edition;
    ``key_findings`` is the Markdown text shown on the release's page (editable in the admin
    until publication). ``crosswalk`` (a file, YAML or CSV text, a mapping) says which
    indicator of the predecessor's methodology is which of this one's; it is checked against
    both frameworks before anything is built and frozen with the release
    (:mod:`~polindex.web.releases.crosswalks`).

    Raises :class:`ReleaseError` for a broken rule, and the definition's or data's own
    :class:`~polindex.errors.PolindexError` (framework, data, build, robustness problems).
    """
    computed: Results | ReleaseResults | None = (
        source if isinstance(source, Results | ReleaseResults) else None
    )
    if isinstance(source, ReleaseResults):
        definition = load_index(source.results.framework)
    elif isinstance(source, Results):
        definition = load_index(source.framework)
    else:
        definition = load_index(source)
    when = publish_at or dt.datetime.now(dt.UTC)

    def check() -> Checked:
        return check_release(
            definition.code,
            version,
            publish_at=when,
            corrects=corrects,
            changelog=changelog,
            licence=licence or definition.framework.licence or "",  # the one stored
        )

    check()
    frozen_cw: dict[str, Any] | None = None
    if crosswalk is not None:
        try:
            frozen_cw = frozen_crosswalk(definition.code, definition.framework, crosswalk)
        except CrosswalkError as exc:
            raise ReleaseError([f"crosswalk: {p}" for p in exc.problems]) from None
    if computed is None:
        if data is None:
            raise TypeError("publish_release: give the data to score with an index definition")
        computed = release_results(
            definition, data, scored=scored, robustness=robustness, options=options
        )
    with transaction.atomic():
        checked = check()
        if checked.corrects is not None:  # the readers' suggestions it addresses (feedback app)
            from polindex.web.feedback import corrections

            changelog = corrections.changelog(changelog, checked.corrects)
        try:
            with transaction.atomic():
                release = freeze(
                    computed,
                    version=version,
                    publish_at=when,
                    citation=citation,
                    licence=licence,
                    changelog=changelog,
                    corrects=checked.corrects,
                    synthetic=synthetic,
                    notes=notes,
                    key_findings=key_findings,
                    crosswalk=frozen_cw,
                )
                if checked.corrects is not None:
                    corrections.settle(checked.corrects, release)
                return release
        except IntegrityError as exc:  # taken between the check and the insert
            raise ReleaseError(
                [f"{definition.code} already has a release {version}; releases are immutable"]
            ) from exc


__all__ = ["VERSION", "Checked", "ReleaseError", "check_release", "publish_release"]
