"""Every country report of a release made in the background (a minute or two for fifty
countries in two languages): started from the admin, and at once where tasks run at once (the
demo, the tests); see ``docs/decisions/013-background-tasks.md``."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from polindex.web.releases.models import Release
from polindex.web.reports import store


def build_all(release: Release, languages: list[str] | None = None) -> int:
    """Make and keep every unit's PDF and the ZIP of them, in each of ``languages`` (default:
    the site's); returns how many PDFs there are.

    Examples (with Django set up)::

        build_all(release, ["en"])  # 12
    """
    languages = languages or [code for code, _name in settings.LANGUAGES]
    units = store.units_of(release)
    for lang in languages:
        for unit in units:
            store.pdf_file(release, unit, lang)
        store.zip_file(release, lang)
    return len(units) * len(languages)


@task
def build_reports(release_id: int) -> int:
    """The background task: every report of release ``release_id`` in every language."""
    return build_all(Release.objects.get(pk=release_id))
