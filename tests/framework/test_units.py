"""Units: names in every language, ISO codes, kinds and groups (declared, looked up, or code)."""

from __future__ import annotations

from textwrap import dedent

import numpy as np

import polindex
from polindex.framework import check_framework_text, load_framework, resolve_units
from polindex.framework.units import UnitTable, peer_groups

EU_LEVEL = {
    "code": "T",
    "name": {"en": "Toy", "fr": "Jouet"},
    "languages": ["en", "fr"],
    "scale": {"min": 0, "max": 1},
    "polarity": "lower_is_better",
    "indicators": [{"code": "q", "type": "numeric", "bounds": [0, 1]}],
    "units": {
        "er": {
            "name": {"en": "EU regulations", "fr": "Règlements de l'UE"},
            "kind": "supranational",
            "groups": ["EU-level"],
        },
        "ed": {"name": "EU directives", "kind": "supranational", "groups": ["EU-level"]},
        "UK": {"iso": "GB"},
        "BY": {"name": {"en": "Bavaria", "fr": "Bavière"}, "kind": "region"},
        "de": {"name": {"en": "Federal Republic of Germany"}},
    },
    "unit_groups": {"EU-level": {"en": "EU level", "fr": "Niveau de l'UE"}},
}


def test_iso_alpha_2_in_any_case_and_alpha_3_are_countries_named_in_every_language() -> None:
    table = resolve_units(["de", "FR", "AUT", "kor"], languages=("en", "fr"))
    assert [table.name(c, "en") for c in table.codes] == [
        "Germany",
        "France",
        "Austria",
        "South Korea",
    ]
    assert [table.name(c, "fr") for c in table.codes] == [
        "Allemagne",
        "France",
        "Autriche",
        "Corée du Sud",
    ]
    de = table["de"]
    assert (de.kind, de.source, de.on_map) == ("country", "iso", "de")
    assert de.iso is not None
    assert (de.iso.alpha_2, de.iso.alpha_3, de.iso.numeric) == ("DE", "DEU", "276")
    assert table["AUT"].on_map == "at"
    assert table.unresolved == []


def test_an_unknown_code_is_its_own_name_of_kind_other() -> None:
    table = resolve_units(["Atlantis", "ed", "X1"], languages=("en", "fr"))
    for code in ("Atlantis", "ed", "X1"):
        unit = table[code]
        assert (unit.names, unit.kind, unit.iso, unit.source) == (
            {"en": code, "fr": code},
            "other",
            None,
            "code",
        )
        assert unit.on_map is None
        assert unit.ranked
    assert table.unresolved == ["Atlantis", "ed", "X1"]


def test_the_framework_declaration_wins_over_the_iso_list() -> None:
    fw = load_framework(EU_LEVEL)
    table = resolve_units(["er", "ed", "UK", "BY", "de", "at"], fw)
    er = table["er"]  # not Eritrea
    assert (er.kind, er.iso, er.groups, er.source) == (
        "supranational",
        None,
        ("EU-level",),
        "framework",
    )
    assert er.names == {"en": "EU regulations", "fr": "Règlements de l'UE"}
    assert not er.ranked
    assert er.on_map is None
    # a name given in the default language only stands in every language
    assert table["ed"].names == {"en": "EU directives", "fr": "EU directives"}
    # iso: the unit stands for that country, with its names and codes
    uk = table["UK"]
    assert (uk.name("en"), uk.name("fr"), uk.kind, uk.on_map) == (
        "United Kingdom",
        "Royaume-Uni",
        "country",
        "gb",
    )
    assert table["BY"].kind == "region"
    # a declared English name, and the ISO list's name where none is declared
    assert table.name("de", "en") == "Federal Republic of Germany"
    assert table.name("de", "fr") == "Allemagne"
    assert table["de"].kind == "country"
    assert table.group_name("EU-level", "fr") == "Niveau de l'UE"
    assert table.group_name("nope", "fr") == "nope"


def test_names_in_a_language_cldr_lacks_are_english_not_the_code() -> None:
    table = resolve_units(["DE"], languages=("xx-unknown",))
    assert table.name("DE") == "Germany"


def test_search_finds_a_unit_by_its_name_in_any_language_ignoring_case_and_accents() -> None:
    fw = load_framework(EU_LEVEL)
    table = resolve_units(["de", "us", "er", "BY"], fw)
    assert table.find("Allemagne") == ["de"]
    assert table.find("germany") == ["de"]
    assert table.find("ETATS-UNIS") == ["us"]
    assert table.find("règlements") == ["er"]
    assert table.find("baviere") == ["BY"]
    assert table.find("  ") == []


def test_a_table_survives_json_as_a_release_stores_it() -> None:
    fw = load_framework(EU_LEVEL)
    table = resolve_units(["de", "er", "Atlantis"], fw)
    again = UnitTable.from_json(table.as_json())
    assert again == table
    assert again.name("er", "fr") == "Règlements de l'UE"
    assert again["de"].iso == table["de"].iso


def test_ranks_leave_out_supranational_units_and_rank_regions_apart() -> None:
    fw = load_framework(EU_LEVEL)
    assert peer_groups(["de", "er", "BY", "Atlantis"], fw) == [0, -1, 1, 0]
    data = [
        (u, 2024, "q", v)
        for u, v in (("de", 0.5), ("er", 0.1), ("at", 0.3), ("BY", 0.9), ("ed", 0.95))
    ]
    results = polindex.score(fw, data)
    ranking = results.ranking().set_index("unit")
    # lower is better: at (0.3) first, de (0.5) second; er's 0.1 takes no rank from them
    assert ranking.loc["at", "rank"] == 1
    assert ranking.loc["de", "rank"] == 2
    assert ranking.loc["BY", "rank"] == 1  # alone among the regions
    assert ranking["rank"].isna().tolist().count(True) == 2  # er and ed
    assert np.isnan(results.rank(unit="er"))
    assert results.score(unit="er") == 0.1  # still scored
    assert results.unit_table.name("er") == "EU regulations"


def test_bad_units_sections_are_reported_with_path_and_line() -> None:
    text = dedent("""\
        code: T
        name: Toy
        languages: [en, fr]
        units:
          er: {name: {en: EU regulations, de: EU-Verordnungen}, kind: supra}
          a/b: {name: Slash}
          UK: {iso: XQ}
          ed: {nmae: EU directives, groups: [EU-lvl]}
          ok: just text
        unit_groups:
          EU-level: {en: EU level}
        display: {decimals: 9}
        indicators:
          - {code: q1, type: boolean}
        """)
    found = [(p.line, p.path, p.message) for p in check_framework_text(text)]
    assert found == [
        (
            5,
            "units.er.kind",
            "'supra' is not one of: country, region, supranational, other; "
            "did you mean 'supranational'?",
        ),
        (6, "units.a/b", "a unit code is at most 64 characters, without '/' (got 'a/b')"),
        (
            7,
            "units.UK.iso",
            "'XQ' is not an ISO 3166-1 alpha-2 or alpha-3 country code (a country the list "
            "lacks is declared with its name and kind: country)",
        ),
        (8, "units.ed.nmae", "unknown key 'nmae'; did you mean 'name'?"),
        (9, "units.ok", "must be a mapping (key: value pairs) (got 'just text')"),
        (12, "display.decimals", "must be at most 6 (got 9)"),
    ]
    # the entries that load are still cross-checked: a label's language, an undeclared group
    text = text.replace("kind: supra}", "kind: supranational}").replace("nmae", "name")
    found = [(p.line, p.path, p.message) for p in check_framework_text(text)]
    assert (
        5,
        "units.er.name.de",
        "language 'de' is not among the index's languages (en, fr)",
    ) in found
    assert (
        8,
        "units.ed.groups[0]",
        "no group 'EU-lvl' under unit_groups; did you mean 'EU-level'?",
    ) in found


def test_unit_codes_may_be_numbers_in_yaml_and_group_names_plain_text() -> None:
    fw = polindex.load_index(
        "code: T\nname: T\nunits:\n  12: {name: Twelve}\n"
        "unit_groups:\n  G: The group\n"
        "indicators:\n  - {code: q, type: boolean}\n"
    ).framework
    assert fw.units["12"].name == {"en": "Twelve"}
    assert fw.unit_groups == {"G": {"en": "The group"}}


def test_decimals_follow_the_scale_unless_the_framework_says() -> None:
    base = {"code": "T", "name": "T", "indicators": [{"code": "q", "type": "boolean"}]}
    assert load_framework({**base, "scale": {"min": 0, "max": 1}}).decimals == 2
    assert load_framework({**base, "scale": {"min": 1, "max": 5}}).decimals == 2
    assert load_framework(base).decimals == 1
    assert load_framework({**base, "scale": {"min": 0, "max": 1000}}).decimals == 0
    assert load_framework({**base, "display": {"decimals": 3}}).decimals == 3


def test_iso_codes_read_from_pycountrys_file_are_pycountrys_for_every_code() -> None:
    # iso_codes reads the JSON list pycountry installs instead of importing pycountry
    # (decision 068): every alpha-2 and alpha-3 code, in both cases, gives what pycountry gives
    import subprocess
    import sys

    import pycountry

    from polindex.framework.units import iso_codes

    db: object = pycountry.countries
    countries = list(db)  # type: ignore[call-overload]
    assert len(countries) > 240
    for country in countries:
        for code in (country.alpha_2, country.alpha_3):
            for text in (code, code.lower(), f" {code.title()} "):
                got = iso_codes(text)
                assert got is not None, text
                assert (got.alpha_2, got.alpha_3, got.numeric) == (
                    country.alpha_2,
                    country.alpha_3,
                    country.numeric,
                ), text
    for text in ("ed", "EU", "XKX", "zz"):  # letters, but no country: pycountry agrees
        assert iso_codes(text) is None, text
        key = "alpha_2" if len(text) == 2 else "alpha_3"
        assert pycountry.countries.get(**{key: text.upper()}) is None, text
    for text in ("Synthetic-A", "A1", "DEUT", ""):
        assert iso_codes(text) is None, text
    assert iso_codes("AUT").numeric == "040"
    # a process that resolves units does not import pycountry
    code = (
        "import sys; from polindex.framework.units import resolve_units\n"
        "print(resolve_units(['AUT', 'de']).name('AUT'), 'pycountry' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Austria", "False"]
