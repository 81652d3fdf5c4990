"""A release's key findings drafted from its frozen scores (see
:func:`polindex.analysis.findings.draft_findings`), in each of the site's languages, for the
central team to edit in the admin before publishing."""

from __future__ import annotations

import pandas as pd

from polindex.analysis.findings import draft_findings
from polindex.web.releases.models import Release, site_languages

COLUMNS = ["unit", "period", "node", "score", "rank"]


def draft_for(release: Release, lang: str = "en") -> str:
    """The Markdown draft of ``release``'s key findings in ``lang`` (sentences and names; its
    latest period against the one before). Raises
    :class:`~polindex.analysis.findings.FindingsError` when it has no scores.

    Examples (with Django set up)::

        draft_for(release).splitlines()[2]  # '### Leaders and laggards'
        draft_for(release, "fr").splitlines()[2]  # '### En tête et en queue'
    """
    return draft_findings(_table(release), release.definition.framework, release.unit_table,
                          lang=lang)  # fmt: skip


def drafts_for(release: Release, langs: list[str] | None = None) -> dict[str, str]:
    """The drafts of ``release``'s key findings in each of ``langs`` (default: the site's
    languages), reading its scores once: {language: Markdown}."""
    table = _table(release)
    fw, units = release.definition.framework, release.unit_table
    return {lang: draft_findings(table, fw, units, lang=lang) for lang in langs or site_languages()}


def _table(release: Release) -> pd.DataFrame:
    rows = release.scores.order_by().values_list(*COLUMNS)
    return pd.DataFrame(list(rows), columns=COLUMNS)
