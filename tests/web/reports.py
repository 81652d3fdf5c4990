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


NEXT_ANSWERS = {
    # release 2025: Germany's answers in 2024 and 2025 (the others keep their 2024 answers)
    "de": (("a", "yes", "no", "no"), ("a", "no", "yes", "yes")),
}
NEXT_NOTES = [
    {"unit": "de", "period": "2025", "indicator": "q4",
     "justification": "Unions opened to **every worker**.",
     "sources": [{"instrument": "Works Constitution Act", "article": "2"}]},
]  # fmt: skip


def next_release(publish_at: dt.datetime, version: str = "2025") -> Release:
    """The next release of :data:`MINI_FW`, periods 2024 and 2025: Germany's 2025 answers
    differ from release 2024's (its 2024) in q2 (yes → no) and q4 (no → yes) only, while
    within this release its 2024 differs from its 2025 in q2, q3 and q4."""
    from ..mini import ANSWERS

    data = []
    for unit, (_then, now) in ANSWERS.items():
        both = NEXT_ANSWERS.get(unit, (now, now))
        for period, given in zip((2024, 2025), both, strict=True):
            data += [(unit, period, f"q{k + 1}", value) for k, value in enumerate(given)]
    results = polindex.score(polindex.load_framework(MINI_FW), data)
    return publish_release(results, version=version, publish_at=publish_at, notes=NEXT_NOTES)
