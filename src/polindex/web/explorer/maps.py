"""A node's choropleth as a page shows it: the world map (:mod:`.worldmap`) with each country
filled by its band or rank, titled with its name and score, linked to its profile, and a
legend that gives the values behind each colour."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from polindex.web.explorer import worldmap
from polindex.web.explorer.display import Line, Reading


@dataclass(frozen=True)
class Key:
    """One entry of a map's legend: a colour, what it stands for, its values and how many
    countries have it."""

    colour: str
    label: str
    values: str
    count: str


@dataclass(frozen=True)
class Map:
    """A map ready for a page: the inline SVG, its legend and a sentence saying how to read it."""

    svg: str
    legend: list[Key]
    caption: str


def _number(value: float, decimals: int) -> str:
    return number_format(round(value, decimals), decimal_pos=decimals)


def _band_keys(reading: Reading, lines: Sequence[Line]) -> list[Key]:
    """Each band, lowest first: its score range (from its minimum to the next band's, or the
    scale's end) and how many countries of the map are in it."""
    fw, d = reading.framework, reading.decimals
    bands = sorted(fw.bands, key=lambda b: b.min)
    keys = []
    for k, band in enumerate(bands):
        upper = bands[k + 1].min if k + 1 < len(bands) else fw.scale.max
        label = fw.label(band, reading.lang)
        count = sum(1 for line in lines if line.map_code and line.band == label)
        values = (
            _("%(low)s to %(high)s") % {"low": _number(band.min, d), "high": _number(upper, d)}
            if k + 1 == len(bands)
            else _("%(low)s to under %(high)s")
            % {"low": _number(band.min, d), "high": _number(upper, d)}
        )
        keys.append(
            Key(
                fw.band_colour(band),
                label,
                values,
                ngettext("%(n)d country", "%(n)d countries", count) % {"n": count},
            )
        )
    return keys


def separating_decimals(ranges: Sequence[tuple[float, float]], decimals: int) -> int:
    """The fewest decimals, from ``decimals`` up to three more, at which no two neighbouring
    ``(low, high)`` ranges (ordered best first, either way up) share a rounded end: a legend
    saying "0.35 to 0.37" then "0.37 to 0.40" would not tell where 0.37 belongs.

    >>> separating_decimals([(0.371, 0.40), (0.35, 0.369)], 2)
    3
    >>> separating_decimals([(0.38, 0.40), (0.35, 0.37)], 2)
    2
    """
    for d in range(decimals, decimals + 4):
        ends = [(round(low, d), round(high, d)) for low, high in ranges]
        if all(
            not {a_low, a_high} & {b_low, b_high}
            for (a_low, a_high), (b_low, b_high) in itertools.pairwise(ends)
        ):
            return d
    return decimals + 3


def _rank_keys(reading: Reading, lines: Sequence[Line], fills: dict[str, str]) -> list[Key]:
    """Each colour the map uses, from the best to the worst: the scores of its countries."""
    d = reading.decimals
    by_colour: dict[str, list[float]] = {}
    for line in lines:
        colour = fills.get(line.map_code or "")
        if colour and line.score is not None:
            by_colour.setdefault(colour, []).append(line.score)
    best = reading.framework.higher_is_better
    ordered = sorted(by_colour.items(), key=lambda kv: -max(kv[1]) if best else min(kv[1]))
    d = separating_decimals([(min(s), max(s)) for _, s in ordered], d)
    keys = []
    for k, (colour, scores) in enumerate(ordered):
        low, high = _number(min(scores), d), _number(max(scores), d)
        label = _("Best") if k == 0 else _("Worst") if k == len(ordered) - 1 and k > 0 else ""
        keys.append(
            Key(
                colour,
                label,
                low if low == high else _("%(low)s to %(high)s") % {"low": low, "high": high},
                ngettext("%(n)d country", "%(n)d countries", len(scores)) % {"n": len(scores)},
            )
        )
    return keys


def choropleth(
    reading: Reading, lines: Sequence[Line], profile: Callable[[str], str]
) -> Map | None:
    """The map of ``lines`` (one node, one period), or ``None`` when none of its units is a
    country on the map; ``profile`` gives a unit's page (each country links to it).

    Examples
    --------
    A map needs countries: units of no country give none.

    >>> from types import SimpleNamespace
    >>> reading = SimpleNamespace(has_bands=False)
    >>> choropleth(reading, [], lambda u: "/" + u) is None
    True
    """
    fills = worldmap.fills(lines, reading.has_bands)
    if not fills:
        return None
    d = reading.decimals
    titles = {
        line.map_code: _("%(name)s: %(score)s")
        % {"name": line.name, "score": "–" if line.score is None else _number(line.score, d)}
        for line in lines
        if line.map_code
    }
    links = {line.map_code: profile(line.unit) for line in lines if line.map_code}
    svg = worldmap.titled(worldmap.linked(worldmap.painted(fills), links), titles)
    if reading.has_bands:
        legend = _band_keys(reading, lines)
        caption = _("Each country is coloured by its band.")
    else:
        legend = _rank_keys(reading, lines, fills)
        caption = _("Each country is coloured by its rank: dark blue is best, dark red worst.")
    return Map(svg, legend, caption)
