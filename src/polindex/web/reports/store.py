"""Country reports kept beside the release's downloads (see :mod:`polindex.web.releases.stored`):
each unit's PDF per language, made on its first request and then served from the file with a
strong ETag; the ZIP of every unit's PDF, made by a background task (:mod:`.tasks`) since it
takes a minute for fifty countries — never by a visitor's request."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from django.http import HttpRequest, HttpResponse

from polindex.web.releases import stored
from polindex.web.releases.exports import _zip
from polindex.web.releases.models import Release
from polindex.web.reports import content, pdf

ZIP = "reports.zip"
"""The name the ZIP of every unit's report is kept under (with :func:`edition`'s digest)."""


def units_of(release: Release) -> list[str]:
    """The units a report can be made for (those with scores), in code order."""
    return sorted(set(release.scores.order_by().values_list("unit", flat=True).distinct()))


def _stem(release: Release, unit: str, lang: str) -> str:
    """A report's file name without suffix: ``SYNTH-demo-Synthetic-A-en``."""
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{release.index.code}-{release.version}-{unit}")
    return f"{clean}-{lang}"


def edition(release: Release, lang: str) -> str:
    """A digest of what a report says beyond the release's frozen data, so that a kept report
    is made again when it changes: the key findings in ``lang`` (editable under embargo) and
    the release compared with (:func:`~.content.previous_release`; a release published early
    can become another's previous one)."""
    before = content.previous_release(release)
    said = [release.findings_in(lang), [before.pk, before.version, before.checksum] if before
            else None]  # fmt: skip
    return hashlib.sha256(repr(said).encode()).hexdigest()[:12]


def file_name(release: Release, unit: str, lang: str) -> str:
    """Where a unit's PDF is kept (a digest: unit codes may hold any character)."""
    digest = hashlib.sha256(unit.encode()).hexdigest()[:24]
    return f"report-{digest}-{edition(release, lang)}.pdf"


def zip_name(release: Release, lang: str) -> str:
    """Where the ZIP of every report in ``lang`` is kept."""
    return f"reports-{edition(release, lang)}.zip"


def pdf_file(release: Release, unit: str, lang: str) -> Path:
    """The kept PDF of ``unit``'s report in ``lang`` (made now if it has not been);
    :class:`~.content.NoReportError` when the release has no scores for ``unit``."""
    return keep(release, unit, lang, lambda: pdf.pdf_of(content.build(release, unit, lang)))


def keep(release: Release, unit: str, lang: str, make: Callable[[], bytes]) -> Path:
    """The kept PDF of ``unit``'s report in ``lang``, made by ``make`` if it has not been."""
    return stored.kept_made(release, file_name(release, unit, lang), lang, make)


def zip_file(release: Release, lang: str) -> Path:
    """The kept ZIP of every unit's report in ``lang`` (each PDF made if need be)."""

    def make() -> bytes:
        members = [
            (f"{_stem(release, u, lang)}.pdf", pdf_file(release, u, lang).read_bytes())
            for u in units_of(release)
        ]
        return _zip(members, release.publish_at)

    return stored.kept_made(release, zip_name(release, lang), lang, make)


def zip_ready(release: Release, lang: str) -> bool:
    """Whether the ZIP of ``lang`` has been made."""
    return (stored.folder(release, lang) / zip_name(release, lang)).exists()


def _tag(release: Release, name: str, lang: str) -> str:
    return f'"{stored.key(release, lang)[:20]}-{name[:64]}-{lang}"'


def pdf_response(request: HttpRequest, release: Release, unit: str, lang: str) -> HttpResponse:
    """The PDF of ``unit``'s report as a download (304 when the client holds it)."""
    return stored.served(
        request, release, _tag(release, file_name(release, unit, lang), lang),
        lambda: pdf_file(release, unit, lang), "application/pdf",
        f"{_stem(release, unit, lang)}.pdf",
    )  # fmt: skip


def zip_response(request: HttpRequest, release: Release, lang: str) -> HttpResponse:
    """The ZIP of every report as a download; the caller checks :func:`zip_ready` first."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{release.index.code}-{release.version}")
    return stored.served(
        request, release, _tag(release, zip_name(release, lang), lang),
        lambda: zip_file(release, lang),
        "application/zip", f"{stem}-reports-{lang}.zip",
    )  # fmt: skip
