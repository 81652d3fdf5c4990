"""Loading valid frameworks: labels, defaults, levels and level names, file and mapping input."""

from pathlib import Path
from textwrap import dedent
from typing import Any

import yaml

from polindex.framework import Indicator, Node, check_framework_text, load_framework

DATA = Path(__file__).parent / "data"


def load_text(text: str, tmp_path: Path) -> Any:
    path = tmp_path / "fw.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    assert check_framework_text(path.read_text(encoding="utf-8")) == []
    return load_framework(path)


def test_minimal_framework(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: TOY
        name: Toy index
        indicators:
          - {code: q1, type: boolean}
        """,
        tmp_path,
    )
    assert fw.code == "TOY"
    assert fw.name == {"en": "Toy index"}
    assert fw.root == Node(
        code="TOY",
        label={"en": "Toy index"},
        children=(Indicator(code="q1", type="boolean"),),
    )
    assert fw.levels == ()


def test_metadata_is_read(tmp_path: Path) -> None:
    fw = load_text(
        """\
        format: polindex/1
        code: IDX
        name: {en: An index, fr: Un indice}
        short_name: IDX
        version: "2.1"
        licence: CC-BY-4.0
        citation: Someone (2024)
        description: {en: About it, fr: À son propos}
        languages: [en, fr]
        scale: {min: 0, max: 1}
        polarity: lower_is_better
        bands:
          - {code: low, min: 0, colour: "#ffffff"}
          - {code: high, min: 0.5, label: {en: High, fr: Haut}}
        indicators:
          - {code: q1, type: boolean}
        """,
        tmp_path,
    )
    assert (fw.format, fw.code, fw.short_name, fw.version) == ("polindex/1", "IDX", "IDX", "2.1")
    assert (fw.licence, fw.citation) == ("CC-BY-4.0", "Someone (2024)")
    assert fw.name == {"en": "An index", "fr": "Un indice"}
    assert fw.description == {"en": "About it", "fr": "À son propos"}
    assert fw.languages == ("en", "fr")
    assert (fw.scale.min, fw.scale.max) == (0.0, 1.0)
    assert fw.polarity == "lower_is_better"
    assert [(b.code, b.min, b.colour) for b in fw.bands] == [
        ("low", 0.0, "#ffffff"),
        ("high", 0.5, None),
    ]
    assert fw.bands[1].label == {"en": "High", "fr": "Haut"}
    # the index itself carries the name and description as its label and description
    assert fw.root.label == fw.name
    assert fw.root.description == fw.description


def test_plain_string_labels_are_in_the_default_language(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: Indice
        description: Un indice
        languages: [fr, en]
        bands:
          - {code: all, min: 0, label: Tout}
        levels:
          - {code: area, plural: areas, label: Domaine}
        areas:
          - code: A
            label: Domaine A
            description: Le premier
            indicators:
              - code: q0
                type: categorical
                label: Filtre
                question: Existe-t-il ?
                description: Une question filtre
                options:
                  - {code: a, score: 100, label: Oui, description: Toujours}
                  - {code: b, score: 0, label: {en: "No", fr: Non}}
              - code: q1
                type: boolean
                applicable_if: {indicator: q0, in: [a], reason: Pas de politique}
        """,
        tmp_path,
    )
    fr = "fr"
    assert fw.name == {fr: "Indice"}
    assert fw.description == {fr: "Un indice"}
    assert fw.bands[0].label == {fr: "Tout"}
    assert fw.levels[0].label == {fr: "Domaine"}
    area = fw.find("A")
    assert (area.label, area.description) == ({fr: "Domaine A"}, {fr: "Le premier"})
    q0 = fw.find("q0")
    assert isinstance(q0, Indicator)
    assert (q0.label, q0.question, q0.description) == (
        {fr: "Filtre"},
        {fr: "Existe-t-il ?"},
        {fr: "Une question filtre"},
    )
    assert (q0.options[0].label, q0.options[0].description) == ({fr: "Oui"}, {fr: "Toujours"})
    assert q0.options[1].label == {"en": "No", "fr": "Non"}
    q1 = fw.find("q1")
    assert isinstance(q1, Indicator)
    assert q1.applicable_if is not None
    assert q1.applicable_if.reason == {fr: "Pas de politique"}


def test_without_languages_plain_labels_are_english() -> None:
    fw = load_framework(
        {"code": "T", "name": "Toy", "indicators": [{"code": "q", "type": "boolean", "label": "Q"}]}
    )
    assert fw.languages == ("en",)
    assert fw.name == {"en": "Toy"}
    assert fw.indicators[0].label == {"en": "Q"}


def test_defaults_apply_where_not_set(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        defaults: {weight: 2, aggregation: arithmetic, min_coverage: 0.5}
        children:
          - code: A
            indicators:
              - {code: q1, type: boolean}
              - {code: q2, type: boolean, weight: 0}
          - code: B
            weight: 3
            min_coverage: 1
            indicators:
              - {code: q3, type: boolean}
        """,
        tmp_path,
    )
    root, a, b = fw.nodes
    assert (root.weight, root.aggregation, root.min_coverage) == (1.0, "arithmetic", 0.5)
    assert (a.weight, a.aggregation, a.min_coverage) == (2.0, "arithmetic", 0.5)
    assert (b.weight, b.aggregation, b.min_coverage) == (3.0, "arithmetic", 1.0)
    assert [i.weight for i in fw.indicators] == [2.0, 0.0, 2.0]


def test_without_defaults_the_model_defaults_hold(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        children:
          - code: A
            indicators: [{code: q1, type: boolean}]
        """,
        tmp_path,
    )
    for node in fw.nodes:
        assert (node.weight, node.aggregation, node.min_coverage) == (1.0, "arithmetic", 0.0)
    assert fw.indicators[0].weight == 1.0


def test_index_aggregation_and_coverage_at_the_top(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        aggregation: arithmetic
        min_coverage: 0.75
        defaults: {min_coverage: 0.25}
        children:
          - code: A
            indicators: [{code: q1, type: boolean}]
        """,
        tmp_path,
    )
    assert fw.root.min_coverage == 0.75
    assert fw.find("A").min_coverage == 0.25


def test_levels_given_as_strings_get_plural_with_s(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        levels: [area, dimension, {code: family, plural: families, label: Family}]
        areas:
          - code: A
            dimensions:
              - code: D
                families:
                  - code: F
                    indicators: [{code: q1, type: boolean}]
        """,
        tmp_path,
    )
    assert [(lv.code, lv.plural, lv.label) for lv in fw.levels] == [
        ("area", "areas", {}),
        ("dimension", "dimensions", {}),
        ("family", "families", {"en": "Family"}),
    ]


def test_level_names_are_assigned_by_depth(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        levels: [area, dimension]
        areas:
          - code: A
            indicators:
              - {code: qa, type: boolean}
            dimensions:
              - code: D
                children:
                  - code: S
                    children:
                      - code: SS
                        indicators: [{code: qss, type: boolean}]
                indicators:
                  - {code: qd, type: boolean}
          - code: B
            indicators: [{code: qb, type: boolean}]
        indicators:
          - {code: q0, type: boolean}
        """,
        tmp_path,
    )
    levels = {item.code: item.level for item, _, _ in fw.root.walk()}
    assert levels == {
        "T": "index",
        "A": "area",
        "B": "area",
        "D": "dimension",
        "S": "level3",
        "SS": "level4",
        "qa": "indicator",
        "qb": "indicator",
        "qd": "indicator",
        "qss": "indicator",
        "q0": "indicator",
    }
    # children keep the order in which their keys and items are written
    assert [c.code for c in fw.root.children] == ["A", "B", "q0"]
    assert [c.code for c in fw.find("A").children] == ["qa", "D"]
    assert [c.code for c in fw.find("D").children] == ["S", "qd"]


def test_without_levels_groups_are_children_named_by_depth(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        children:
          - code: A
            children:
              - code: B
                indicators: [{code: q1, type: boolean}]
        """,
        tmp_path,
    )
    assert [(n.code, n.level) for n in fw.nodes] == [
        ("T", "index"),
        ("A", "level1"),
        ("B", "level2"),
    ]


def test_x_keys_hold_anchors_and_are_ignored(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        x-options: &opts
          - {code: a, score: 100}
          - {code: b, score: 0}
        x-note: anything at all
        indicators:
          - {code: q1, type: categorical, options: *opts}
          - {code: q2, type: categorical, options: *opts}
        """,
        tmp_path,
    )
    assert [[o.code for o in i.options] for i in fw.indicators] == [["a", "b"], ["a", "b"]]


def test_yaml_numbers_and_booleans_become_option_codes(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        indicators:
          - code: q1
            type: categorical
            options: [{code: 1, score: 100}, {code: yes, score: 50}, {code: "no", score: 0}]
          - code: q2
            type: boolean
            applicable_if: {indicator: q1, in: [1, yes]}
          - {code: q0, type: boolean}
          - code: q3
            type: boolean
            applicable_if: {indicator: q0, not_in: [false]}
        """,
        tmp_path,
    )
    q1, q2, _, q3 = fw.indicators
    assert [o.code for o in q1.options] == ["1", "true", "no"]
    assert q2.applicable_if is not None
    assert q2.applicable_if.in_ == ("1", "true")
    assert q3.applicable_if is not None
    assert q3.applicable_if.not_in == ("false",)


def test_the_three_indicator_types(tmp_path: Path) -> None:
    fw = load_text(
        """\
        code: T
        name: T
        indicators:
          - code: c
            type: categorical
            options: [{code: a, score: 100}, {code: b, score: 50}, {code: c, score: 0}]
          - {code: b, type: boolean, true_score: 80, false_score: 20}
          - code: n
            type: numeric
            unit: months
            bounds: [0, 120]
            goalposts: [0, 24]
            direction: -1
        """,
        tmp_path,
    )
    c, b, n = fw.indicators
    assert [(o.code, o.score) for o in c.options] == [("a", 100.0), ("b", 50.0), ("c", 0.0)]
    assert (b.true_score, b.false_score) == (80.0, 20.0)
    assert (n.unit, n.bounds, n.goalposts, n.direction) == ("months", (0.0, 120.0), (0.0, 24.0), -1)


def test_a_mapping_loads_like_the_same_file(tmp_path: Path) -> None:
    path = DATA / "mini.yaml"
    from_file = load_framework(path)
    from_str_path = load_framework(str(path))
    from_mapping = load_framework(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert from_file == from_str_path == from_mapping


def test_mapping_input_is_not_modified() -> None:
    raw: dict[str, Any] = {
        "code": "T",
        "name": "Toy",
        "defaults": {"weight": 2},
        "indicators": [{"code": "q", "type": "boolean", "label": "Q"}],
    }
    before = repr(raw)
    load_framework(raw)
    assert repr(raw) == before
