"""Units — countries, regions, the EU level — with their names in every language, their ISO 3166
codes, their kind and their groups.

A unit's code is whatever the data call it: ISO alpha-2 in any case (IMPIC's ``de``), alpha-3
(ASEM's ``AUT``) or anything else (``Synthetic-A``). :func:`resolve_units` turns codes into a
:class:`UnitTable`, first from the framework's ``units:`` declarations, then from the ISO 3166
list (codes from pycountry, names from Babel's CLDR data, in every language asked for), and
otherwise the code itself stands as the name, kind ``other``.

Kinds decide rankings (:func:`peer_groups`): countries — and units of unknown kind — rank
among each other, regions among regions; supranational units (EU level, aggregates) are never
ranked.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from polindex.framework.models import Framework, IsoCodes, UnitDeclaration, UnitKind

Source = Literal["framework", "iso", "code"]
"""Where a unit's name came from: the framework's declaration, the ISO list, or its own code."""

PEERS: Mapping[str, int] = {"country": 0, "other": 0, "region": 1, "supranational": -1}
"""Each kind's ranking group: units rank among units of the same group; −1: never ranked."""


@functools.cache
def _territories(lang: str) -> Mapping[str, str]:
    """CLDR's territory names in ``lang`` (``{}`` for a language CLDR does not know)."""
    from babel import Locale, UnknownLocaleError

    try:
        return dict(Locale.parse(lang.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return {}


@functools.cache
def _iso_3166() -> Mapping[str, Mapping[str, IsoCodes]] | None:
    """pycountry's ISO 3166-1 list, indexed as pycountry indexes it (by ``alpha_2`` and
    ``alpha_3``, lower case, a later entry winning), read from the JSON file pycountry installs
    without importing pycountry (``None``: the file is not there).

    ``import pycountry`` costs a command about 10 ms: it imports ``importlib.metadata`` and
    ``importlib.resources`` and looks up its own version among the installed distributions,
    for a list that is one JSON file (decision 068).
    """
    spec = importlib.util.find_spec("pycountry")
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "databases" / "iso3166-1.json"
        if path.is_file():
            break
    else:
        return None
    index: dict[str, dict[str, IsoCodes]] = {"alpha_2": {}, "alpha_3": {}}
    for entry in json.loads(path.read_text(encoding="utf-8"))["3166-1"]:
        codes = IsoCodes(
            alpha_2=entry["alpha_2"], alpha_3=entry["alpha_3"], numeric=entry["numeric"]
        )
        for key, codes_of in index.items():
            codes_of[entry[key].lower()] = codes
    return index


@functools.cache
def iso_codes(code: str) -> IsoCodes | None:
    """The ISO 3166-1 codes of a country given by its alpha-2 or alpha-3 code, in any case
    (``None``: not a country code).

    Examples
    --------
    >>> iso_codes("de")
    IsoCodes(alpha_2='DE', alpha_3='DEU', numeric='276')
    >>> iso_codes("AUT").alpha_2, iso_codes("ed"), iso_codes("Synthetic-A")
    ('AT', None, None)
    """
    text = code.strip().upper()
    key = {2: "alpha_2", 3: "alpha_3"}.get(len(text))
    if key is None or not text.isalpha():
        return None
    index = _iso_3166()
    if index is not None:
        return index[key].get(text.lower())
    import pycountry

    db: Any = pycountry.countries
    country: Any = db.get(**{key: text})
    if country is None:
        return None
    return IsoCodes(alpha_2=country.alpha_2, alpha_3=country.alpha_3, numeric=country.numeric)


def fold(text: str) -> str:
    """``text`` for matching and sorting: case and accents ignored.

    Examples
    --------
    >>> fold("États-Unis")
    'etats-unis'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Unit:
    """One unit: its code in the data, its name per language, ISO codes, kind and groups."""

    code: str
    names: Mapping[str, str]
    kind: UnitKind = "other"
    iso: IsoCodes | None = None
    groups: tuple[str, ...] = ()
    source: Source = "code"

    def name(self, lang: str | None = None) -> str:
        """The name in ``lang`` (else the first language's, else the code)."""
        first = next(iter(self.names.values()), self.code)
        return self.names.get(lang or "", first) or self.code

    @property
    def ranked(self) -> bool:
        """Whether the unit takes part in rankings (supranational units do not)."""
        return PEERS[self.kind] >= 0

    @property
    def on_map(self) -> str | None:
        """The alpha-2 code (lower case) a world map knows the unit by, for a country only."""
        if self.kind != "country" or self.iso is None or self.iso.alpha_2 is None:
            return None
        return self.iso.alpha_2.lower()

    def as_json(self) -> dict[str, Any]:
        """The unit as plain JSON values (as a release stores it)."""
        return {
            "code": self.code,
            "names": dict(self.names),
            "kind": self.kind,
            "iso": self.iso.model_dump() if self.iso else None,
            "groups": list(self.groups),
            "source": self.source,
        }


@dataclass(frozen=True)
class UnitTable:
    """Every unit of a data set or release, resolved, with the names of their groups.

    Examples
    --------
    >>> table = resolve_units(["de", "AUT", "zz"], languages=("en", "fr"))
    >>> [table.name(c, "fr") for c in table.codes], table["zz"].kind
    (['Allemagne', 'Autriche', 'zz'], 'other')
    """

    units: Mapping[str, Unit]
    groups: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    languages: tuple[str, ...] = ("en",)

    @property
    def codes(self) -> list[str]:
        return list(self.units)

    def __getitem__(self, code: str) -> Unit:
        """The unit with this code (a unit unknown to the table stands as its own name)."""
        return self.units.get(code) or Unit(code, {})

    def __len__(self) -> int:
        return len(self.units)

    def name(self, code: str, lang: str | None = None) -> str:
        """The name of unit ``code`` in ``lang``."""
        return self[code].name(lang)

    def names(self, lang: str | None = None) -> dict[str, str]:
        """Every unit's name in ``lang``, by code."""
        return {code: unit.name(lang) for code, unit in self.units.items()}

    def group_name(self, code: str, lang: str | None = None) -> str:
        """The name of group ``code`` in ``lang`` (else the first language's, else the code)."""
        names = self.groups.get(code) or {}
        return names.get(lang or "") or next(iter(names.values()), "") or code

    @property
    def unresolved(self) -> list[str]:
        """Codes neither declared nor found in the ISO list: they are named by their code."""
        return [c for c, u in self.units.items() if u.source == "code"]

    def find(self, query: str) -> list[str]:
        """Codes of the units whose code or name in any language contains ``query`` (case and
        accents ignored).

        Examples
        --------
        >>> resolve_units(["de", "fr", "us"], languages=("en", "fr")).find("etats")
        ['us']
        """
        needle = fold(query.strip())
        if not needle:
            return []
        return [
            code
            for code, unit in self.units.items()
            if needle in fold(code) or any(needle in fold(n) for n in unit.names.values())
        ]

    def as_json(self) -> dict[str, Any]:
        """The table as plain JSON values: what a release freezes.

        Examples
        --------
        >>> doc = resolve_units(["de"], languages=("en",)).as_json()
        >>> doc["units"][0]["names"], doc["units"][0]["iso"]["alpha_3"]
        ({'en': 'Germany'}, 'DEU')
        >>> UnitTable.from_json(doc).name("de")
        'Germany'
        """
        return {
            "languages": list(self.languages),
            "units": [u.as_json() for u in self.units.values()],
            "groups": {code: dict(names) for code, names in self.groups.items()},
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> UnitTable:
        """The table :meth:`as_json` wrote."""
        units = {
            u["code"]: Unit(
                code=u["code"],
                names=dict(u.get("names") or {}),
                kind=u.get("kind") or "other",
                iso=IsoCodes.model_validate(u["iso"]) if u.get("iso") else None,
                groups=tuple(u.get("groups") or ()),
                source=u.get("source") or "code",
            )
            for u in doc.get("units") or []
        }
        groups = {code: dict(names) for code, names in (doc.get("groups") or {}).items()}
        return cls(units, groups, tuple(doc.get("languages") or ("en",)))


def _declared_iso(decl: UnitDeclaration | None, code: str) -> IsoCodes | None:
    """The ISO codes of a unit: those of the country it is declared to stand for, else those of
    its code — unless the declaration says it is not a country."""
    if decl is not None and decl.iso is not None:
        return iso_codes(decl.iso)
    if decl is not None and decl.kind not in (None, "country"):
        return None
    return iso_codes(code)


def _resolve(
    code: str, decl: UnitDeclaration | None, languages: tuple[str, ...], default: str
) -> Unit:
    iso = _declared_iso(decl, code)
    declared = dict(decl.name) if decl is not None else {}
    iso_names = {}
    if iso is not None and iso.alpha_2:
        iso_names = {lang: _territories(lang).get(iso.alpha_2, "") for lang in languages}
        if not any(iso_names.values()):  # a language CLDR lacks: English rather than the code
            iso_names = {lang: _territories("en").get(iso.alpha_2, "") for lang in languages}
    fallback = declared.get(default) or iso_names.get(default) or code
    names = {lang: declared.get(lang) or iso_names.get(lang) or fallback for lang in languages}
    kind: UnitKind = (decl.kind if decl else None) or ("country" if iso else "other")
    source: Source = "framework" if declared else "iso" if iso_names else "code"
    return Unit(code, names, kind, iso, decl.groups if decl else (), source)


def resolve_units(
    codes: Iterable[str],
    framework: Framework | None = None,
    languages: Iterable[str] = (),
) -> UnitTable:
    """The :class:`UnitTable` of ``codes``: names in the framework's languages and in
    ``languages``, ISO codes, kinds and groups.

    Each code is resolved by the framework's ``units:`` declaration first (its names, kind,
    groups and ISO code win), then by the ISO 3166 list (alpha-2 or alpha-3, any case: names
    from CLDR in every language), else it is its own name, kind ``other``.

    Examples
    --------
    >>> from polindex.framework.definition import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "languages": ["en", "fr"],
    ...     "indicators": [{"code": "q", "type": "boolean"}],
    ...     "units": {"er": {"name": {"en": "EU regulations", "fr": "Règlements de l'UE"},
    ...                      "kind": "supranational", "groups": ["EU-level"]}},
    ...     "unit_groups": {"EU-level": {"en": "EU level", "fr": "Niveau de l'UE"}}})
    >>> table = resolve_units(["de", "er"], fw)
    >>> table.name("de", "fr"), table.name("er", "fr"), table["er"].kind, table["de"].kind
    ('Allemagne', "Règlements de l'UE", 'supranational', 'country')
    >>> table["de"].iso.alpha_3, table["er"].iso, table.group_name("EU-level", "en")
    ('DEU', None, 'EU level')
    """
    langs = tuple(dict.fromkeys([*(framework.languages if framework else ()), *languages]))
    langs = langs or ("en",)
    declared = framework.units if framework is not None else {}
    units = {
        code: _resolve(code, declared.get(code), langs, langs[0])
        for code in dict.fromkeys(str(c) for c in codes)
    }
    groups: dict[str, dict[str, str]] = {}
    if framework is not None:
        for gcode, label in framework.unit_groups.items():
            first = framework.text(label, None, gcode)
            groups[gcode] = {lang: label.get(lang) or first for lang in langs}
    return UnitTable(units, groups, langs)


def peer_groups(codes: Iterable[str], framework: Framework | None = None) -> list[int]:
    """Each unit's ranking group (see :data:`PEERS`): only a kind the framework declares can
    set a unit apart, so this needs no look-up.

    Examples
    --------
    >>> from polindex.framework.definition import load_framework
    >>> fw = load_framework({"code": "T", "name": "T",
    ...     "indicators": [{"code": "q", "type": "boolean"}],
    ...     "units": {"er": {"kind": "supranational"}, "BY": {"kind": "region"}}})
    >>> peer_groups(["de", "er", "BY", "Atlantis"], fw)
    [0, -1, 1, 0]
    """
    declared = framework.units if framework is not None else {}
    if not declared:
        return [PEERS["other"]] * len(list(codes))
    out = []
    for code in codes:
        decl = declared.get(str(code))
        out.append(PEERS[(decl.kind if decl else None) or "other"])
    return out
