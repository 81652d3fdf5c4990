"""A page's state read from its URL: sort column and order, group, tab, baseline period, the
units of a chart. Every value is checked against what the release holds; a value that is not
there gives the default view and a one-line notice for the page, never an error (a bad address
is a visitor's typo or an old link, not a crash).

Nothing here reads the database: views pass the choices they have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

ASCENDING, DESCENDING = "asc", "desc"
TABS = ("chart", "table", "map")
MAX_CHART_UNITS = 8


@dataclass(frozen=True)
class Sorting:
    """How a table is sorted: a column's key and the direction.

    Examples
    --------
    >>> s = Sorting("score", descending=True)
    >>> s.order, s.next_order("score", best_first=DESCENDING), s.next_order("name")
    ('desc', 'asc', 'asc')
    """

    key: str
    descending: bool = False

    @property
    def order(self) -> str:
        return DESCENDING if self.descending else ASCENDING

    def next_order(self, key: str, best_first: str = ASCENDING) -> str:
        """The order a click on column ``key`` asks for: the other direction for the column
        sorted now, else ``best_first`` (a score column starts with the best)."""
        if key == self.key:
            return ASCENDING if self.descending else DESCENDING
        return best_first

    def aria(self, key: str) -> str:
        """The column's ``aria-sort`` value ("" for a column not sorted)."""
        if key != self.key:
            return ""
        return "descending" if self.descending else "ascending"


def sorting(
    params: Mapping[str, str], keys: Iterable[str], default: str = "rank"
) -> tuple[Sorting, str]:
    """The sorting ``?sort=KEY&order=asc|desc`` asks for, and a notice when it named a column
    the table does not have (the default sorting then).

    Examples
    --------
    >>> sorting({"sort": "area_x", "order": "desc"}, ["rank", "area_x"])
    (Sorting(key='area_x', descending=True), '')
    >>> sorting({"sort": "nope"}, ["rank"])[0], sorting({"order": "sideways"}, ["rank"])[0]
    (Sorting(key='rank', descending=False), Sorting(key='rank', descending=False))
    """
    key = params.get("sort") or default
    notice = ""
    if key not in set(keys):
        notice = _("There is no column “%(key)s” to sort by: sorted by rank.") % {"key": key}
        key = default
    return Sorting(key, params.get("order") == DESCENDING), notice


def group(params: Mapping[str, str], groups: Iterable[str]) -> tuple[str, str]:
    """The unit group ``?group=CODE`` asks for (its code as the index spells it; case does
    not matter), or ``""`` for every unit with a notice when there is no such group.

    Examples
    --------
    >>> group({"group": "eu"}, ["EU", "OECD"]), group({}, ["EU"])
    (('EU', ''), ('', ''))
    >>> group({"group": "asean"}, ["EU"])[0]
    ''
    """
    asked = params.get("group", "")
    if not asked:
        return "", ""
    by_fold = {g.casefold(): g for g in groups}
    found = by_fold.get(asked.casefold())
    if found is None:
        return "", _("There is no group “%(group)s” in this index: every country is shown.") % {
            "group": asked
        }
    return found, ""


def tab(params: Mapping[str, str], default: str = "chart") -> str:
    """The tab ``?tab=chart|table|map`` asks for (else ``default``).

    Examples
    --------
    >>> tab({"tab": "map"}), tab({"tab": "<script>"}), tab({})
    ('map', 'chart', 'chart')
    """
    asked = params.get("tab", "")
    return asked if asked in TABS else default


def baseline(
    params: Mapping[str, str], periods: Sequence[str], period: str
) -> tuple[str | None, str]:
    """The period a change is measured from: ``?baseline=P`` when P comes before ``period``
    in ``periods`` (in order), else the period just before it (``None`` for the first); with
    a notice when the asked one could not be used.

    Examples
    --------
    >>> baseline({"baseline": "2010"}, ["2010", "2012", "2014"], "2014")
    ('2010', '')
    >>> baseline({}, ["2010", "2012", "2014"], "2014")
    ('2012', '')
    >>> baseline({"baseline": "2020"}, ["2010", "2012"], "2012")[0]
    '2010'
    """
    earlier = list(periods[: periods.index(period)]) if period in periods else []
    default = earlier[-1] if earlier else None
    asked = params.get("baseline", "")
    if not asked or asked == default:
        return default, ""
    if asked in earlier:
        return asked, ""
    if default is None:
        return None, _("%(period)s is the first period: there is nothing to compare with.") % {
            "period": period
        }
    return default, _(
        "%(asked)s is not a period before %(period)s: change is measured since %(default)s."
    ) % {"asked": asked, "period": period, "default": default}


def chart_units(asked: Iterable[str], known: Sequence[str], default: Sequence[str]) -> list[str]:
    """The units a chart draws: those asked for that the release has (each once, at most
    :data:`MAX_CHART_UNITS`), else ``default``.

    Examples
    --------
    >>> chart_units(["de", "xx", "de", "at"], ["at", "de", "fr"], ["fr"])
    ['de', 'at']
    >>> chart_units([], ["at"], ["at"])
    ['at']
    """
    present = set(known)
    chosen = list(dict.fromkeys(u for u in asked if u in present))[:MAX_CHART_UNITS]
    return chosen or list(default)[:MAX_CHART_UNITS]
