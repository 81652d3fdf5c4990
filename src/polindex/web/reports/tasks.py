"""Every country report of a release made in the background (a minute or two for fifty
countries in two languages): started from the admin, and at once where tasks run at once (the
demo, the tests); see ``docs/decisions/013-background-tasks.md``.

The reports are read and their charts drawn in this process, and typeset by a pool of worker
processes (one per core), so that fifty countries in two languages take about as long as the
slowest part on two cores rather than all the parts one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from django.conf import settings
from django.tasks import task

from polindex.web.releases import stored
from polindex.web.releases.models import Release
from polindex.web.reports import content, pdf, store
from polindex.web.reports.typeset import typeset


def build_all(
    release: Release, languages: list[str] | None = None, workers: int | None = None
) -> int:
    """Make and keep every unit's PDF and the ZIP of them, in each of ``languages`` (default:
    the site's), with ``workers`` typesetting processes (default: one per core; 0: in this
    process); returns how many PDFs there are. Files made already are kept as they are.

    Examples (with Django set up)::

        build_all(release, ["en"])  # 12
    """
    languages = languages or [code for code, _name in settings.LANGUAGES]
    units = store.units_of(release)
    workers = min(os.cpu_count() or 1, 4) if workers is None else workers
    missing = [
        (unit, lang)
        for lang in languages
        for unit in units
        if not (stored.folder(release, lang) / store.file_name(release, unit, lang)).exists()
    ]
    if workers and len(missing) > 1:
        context = multiprocessing.get_context("spawn")  # a clean interpreter, no Django
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            made: list[tuple[str, str, Future[bytes]]] = []
            for unit, lang in missing:
                document = pdf.html_of(content.build(release, unit, lang))
                made.append((unit, lang, pool.submit(typeset, document)))
            for unit, lang, future in made:
                store.keep(release, unit, lang, future.result)
    for lang in languages:
        store.zip_file(release, lang)  # (and any PDF still missing)
    return len(units) * len(languages)


@task
def build_reports(release_id: int) -> int:
    """The background task: every report of release ``release_id`` in every language."""
    return build_all(Release.objects.get(pk=release_id))
