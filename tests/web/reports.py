"""The release of the small index of :mod:`tests.mini`, for the country-report tests."""

from __future__ import annotations

import datetime as dt

import polindex
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release

from ..mini import MINI_DATA, MINI_FW, NOTES


def mini_release(publish_at: dt.datetime, key_findings: str = "") -> Release:
    """The release of :data:`MINI_FW` on :data:`MINI_DATA` with :data:`NOTES`."""
    results = polindex.score(polindex.load_framework(MINI_FW), MINI_DATA)
    return publish_release(
        results, version="2024", publish_at=publish_at, notes=NOTES, key_findings=key_findings
    )
