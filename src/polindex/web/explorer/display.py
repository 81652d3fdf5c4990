"""How a release reads to a visitor: unit names, band labels and colours, decimals and polarity,
in the request's language — one place that every page, chart and map takes them from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from polindex.framework.models import Framework
from polindex.framework.units import PEERS, UnitTable
from polindex.web.releases.models import Release


@dataclass(frozen=True)
class Line:
    """One unit's score on a node, as shown: its name, band label and colour."""

    unit: str
    name: str
    score: float | None
    rank: int | None
    band: str
    colour: str
    kind: str
    map_code: str | None


@dataclass(frozen=True)
class Section:
    """Units shown apart from the ranking of countries (the EU level, regions)."""

    title: str
    lines: list[Line]
    ranked: bool


class Reading:
    """A release as read in one language.

    ``lines`` turns score rows into :class:`Line`; ``ranking`` splits them into the ranking of
    countries and the sections shown apart.
    """

    def __init__(self, release: Release, lang: str | None) -> None:
        self.framework: Framework = release.definition.framework
        self.units: UnitTable = release.unit_table
        self.lang = lang
        fw = self.framework
        self.bands = {b.code: (fw.label(b, lang), fw.band_colour(b)) for b in fw.bands}

    @property
    def decimals(self) -> int:
        return self.framework.decimals

    @property
    def has_bands(self) -> bool:
        return bool(self.bands)

    def name(self, unit: str) -> str:
        """The unit's name in the reader's language."""
        return self.units.name(unit, self.lang)

    def names(self) -> dict[str, str]:
        return self.units.names(self.lang)

    def band(self, code: str) -> str:
        """A band's label (empty for no band)."""
        return self.bands.get(code, ("", ""))[0]

    def line(self, row: Any) -> Line:
        """A score row (unit, score, rank, band) as shown."""
        unit = self.units[row.unit]
        label, colour = self.bands.get(row.band or "", ("", ""))
        return Line(
            row.unit, unit.name(self.lang), row.score, row.rank, label, colour, unit.kind,
            unit.on_map,
        )  # fmt: skip

    def lines(self, rows: Iterable[Any]) -> list[Line]:
        return [self.line(r) for r in rows]

    def ranking(self, rows: Iterable[Any]) -> tuple[list[Line], list[Section]]:
        """The ranked countries (and units of unknown kind), and the other units apart: the
        supranational ones by their first group (e.g. "EU level"), regions ranked among
        themselves."""
        ranked: list[Line] = []
        apart: dict[str, list[Line]] = {}
        for line in self.lines(rows):
            if PEERS[line.kind] == 0:
                ranked.append(line)
            elif line.kind == "region":
                apart.setdefault(_("Regions"), []).append(line)
            else:
                groups = self.units[line.unit].groups
                title = (
                    self.units.group_name(groups[0], self.lang)
                    if groups
                    else _("Supranational units and aggregates")
                )
                apart.setdefault(title, []).append(line)
        sections = [
            Section(title, lines, ranked=PEERS[lines[0].kind] >= 0)
            for title, lines in apart.items()
        ]
        return ranked, sections

    def context(self) -> dict[str, Any]:
        """What every page of the release needs to show numbers and bands."""
        return {"decimals": self.decimals, "has_bands": self.has_bands, "reading": self}
