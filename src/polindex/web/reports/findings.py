"""A release's key findings drafted from its frozen scores (see
:func:`polindex.analysis.findings.draft_findings`), for the central team to edit in the admin
before publishing."""

from __future__ import annotations

import pandas as pd

from polindex.analysis.findings import draft_findings
from polindex.web.releases.models import Release

COLUMNS = ["unit", "period", "node", "score", "rank"]


def draft_for(release: Release) -> str:
    """The Markdown draft of ``release``'s key findings (its latest period against the one
    before; names in the index's first language). Raises
    :class:`~polindex.analysis.findings.FindingsError` when it has no scores.

    Examples (with Django set up)::

        draft_for(release).splitlines()[2]  # '### Leaders and laggards'
    """
    rows = release.scores.order_by().values_list(*COLUMNS)
    table = pd.DataFrame(list(rows), columns=COLUMNS)
    fw = release.definition.framework
    return draft_findings(table, fw, release.unit_table, lang=fw.default_language)
