"""Countries by name: an edition's unit table (the framework's ``units:`` declarations, else
ISO 3166 names in the site's languages), as the explorer names a release's units."""

from __future__ import annotations

from django.utils.translation import get_language

from polindex.framework.units import UnitTable, resolve_units
from polindex.web.collection.models import Edition

_tables: dict[tuple[int, str, tuple[str, ...]], UnitTable] = {}


def unit_table(edition: Edition) -> UnitTable:
    """The unit table of ``edition``'s countries — kept per process unless the edition is a
    draft (whose framework may still be replaced)."""
    from polindex.web.releases.models import site_languages

    key = (edition.pk, edition.code, tuple(edition.units))
    found = _tables.get(key) if edition.state != Edition.State.DRAFT else None
    if found is None:
        found = resolve_units(edition.units, edition.definition.framework, site_languages())
        if len(_tables) > 64:
            _tables.clear()
        _tables[key] = found
    return found


def unit_name(edition: Edition, code: str, lang: str | None = None) -> str:
    """The name of country ``code`` of ``edition`` in ``lang`` (default: the page's language).

    >>> import datetime as dt
    >>> e = Edition(code="e", units=["AT"], state="open", reference_date=dt.date(2025, 1, 1))
    >>> _tables[(e.pk, e.code, ("AT",))] = resolve_units(["AT"], languages=("en", "fr"))
    >>> unit_name(e, "AT", "fr"), unit_name(e, "AT", "en")
    ('Autriche', 'Austria')
    """
    return unit_table(edition).name(code, lang or (get_language() or "en")[:2])
