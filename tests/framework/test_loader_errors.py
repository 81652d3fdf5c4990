"""Structural problems: each reported with its exact message, path and line — all at once."""

from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from polindex.framework import FrameworkError, Problem, check_framework_text, load_framework
from polindex.framework.pipeline import load_pipeline

Found = list[tuple[int | None, str, str]]


def problems(text: str) -> Found:
    """(line, path, message) of every problem in ``text`` (dedented), in reporting order."""
    return [(p.line, p.path, p.message) for p in check_framework_text(dedent(text))]


def test_a_broken_framework_reports_every_problem_at_once(tmp_path: Path) -> None:
    text = dedent("""\
        code: BROKEN
        name: {en: Broken, fr: Cassé}
        languages: [en, fr]
        scale: {min: 0, max: 100}
        bands:
          - {code: good, min: 50, label: {en: Good, de: Gut}}
        levels: [area, dimension]
        defaults: {min_coverage: 1.5}
        areas:
          - code: A
            weigth: 2
            dimensions:
              - code: D1
                indicators:
                  - code: q1
                    type: categorical
                    options:
                      - {code: a, score: 100}
                      - {code: b, score: 50}
                      - {code: b, score: 150}
                  - code: q2
                    type: numeric
                    bounds: [10, 0]
                    goalposts: [5, 5]
                    options: [{code: x, score: 1}]
              - code: D2
                weight: 0
                indicators:
                  - {code: q1, type: boolean, unit: km}
                  - {code: q4, type: boolean, applicable_if: {indicator: q2, in: [a]}}
          - code: B
            children:
              - code: q4
                indicators: [{code: q5, type: boolean, aggregation: arithmetic}]
        """)
    expected = [
        (6, "bands", "no band covers scores from 0 up to 50; give the lowest band min: 0"),
        (6, "bands[0].label.de", "language 'de' is not among the index's languages (en, fr)"),
        (8, "defaults.min_coverage", "must be at most 1 (got 1.5)"),
        (11, "areas[0].weigth", "unknown key 'weigth'; did you mean 'weight'?"),
        (
            20,
            "areas[0].dimensions[0].indicators[0].options[2].code",
            'duplicate code "b" (first used at areas[0].dimensions[0].indicators[0].options[1])',
        ),
        (
            20,
            "areas[0].dimensions[0].indicators[0].options[2].score",
            "score 150 is outside the index scale 0–100",
        ),
        (
            23,
            "areas[0].dimensions[0].indicators[1].bounds",
            "the lower bound must be below the upper bound",
        ),
        (24, "areas[0].dimensions[0].indicators[1].goalposts", "the two goalposts must differ"),
        (
            25,
            "areas[0].dimensions[0].indicators[1].options",
            "'options' is only for categorical indicators",
        ),
        (
            29,
            "areas[0].dimensions[1].indicators[0].code",
            'duplicate code "q1" (first used at areas[0].dimensions[0].indicators[0])',
        ),
        (29, "areas[0].dimensions[1].indicators[0].unit", "'unit' is only for numeric indicators"),
        (
            30,
            "areas[0].dimensions[1].indicators[1].applicable_if.indicator",
            "'q2' is numeric; applicability rules use a categorical or boolean indicator",
        ),
        (
            33,  # a list written as a block starts on the line of its first item
            "areas[1].children",
            "groups at depth 2 are listed under 'dimensions', not 'children' (see 'levels')",
        ),
    ]
    assert problems(text) == expected
    # load_framework raises one error carrying the very same problems
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert [(p.line, p.path, p.message) for p in info.value.problems] == expected
    assert info.value.source == str(path)
    assert str(info.value).splitlines()[0] == f"{path}: 13 problems"
    assert str(info.value).splitlines()[4] == (
        f"  {path}:11: areas[0].weigth: unknown key 'weigth'; did you mean 'weight'?"
    )


def test_unknown_keys_suggest_the_closest_known_key() -> None:
    assert problems("""\
        code: T
        nmae: Toy
        name: Toy
        defualts: {weight: 1}
        levels: [area]
        aeras: []
        areas:
          - code: A
            labl: Area
            indicators:
              - {code: q1, type: boolean, weigth: 2, questoin: Why}
              - {code: q2, type: categorical, optoins: [], options: [{code: a, scroe: 1, score: 1}]}
              - {code: q3, type: boolean, colour: red}
        """) == [
        (2, "nmae", "unknown key 'nmae'; did you mean 'name'?"),
        (4, "defualts", "unknown key 'defualts'; did you mean 'defaults'?"),
        (6, "aeras", "unknown key 'aeras'; did you mean 'areas'?"),
        (9, "areas[0].labl", "unknown key 'labl'; did you mean 'label'?"),
        (11, "areas[0].indicators[0].questoin", "unknown key 'questoin'; did you mean 'question'?"),
        (11, "areas[0].indicators[0].weigth", "unknown key 'weigth'; did you mean 'weight'?"),
        (
            12,
            "areas[0].indicators[1].options[0].scroe",
            "unknown key 'scroe'; did you mean 'score'?",
        ),
        (12, "areas[0].indicators[1].optoins", "unknown key 'optoins'; did you mean 'options'?"),
        (13, "areas[0].indicators[2].colour", "unknown key 'colour'"),
    ]


def test_keys_inside_nested_objects_are_compared_with_their_own_keys() -> None:
    assert problems("""\
        code: T
        name: Toy
        scale: {mn: 0, max: 1}
        bands: [{code: all, min: 0, colur: "#ffffff"}]
        levels: [{code: area, plurl: areas}]
        indicators:
          - {code: q, type: categorical, options: [{code: a, score: 0, lable: A}]}
          - {code: r, type: boolean, applicable_if: {indicator: q, inn: [a]}}
        """) == [
        (3, "scale.mn", "unknown key 'mn'; did you mean 'min'?"),
        (4, "bands[0].colur", "unknown key 'colur'; did you mean 'colour'?"),
        (5, "levels[0].plural", "required"),
        (5, "levels[0].plurl", "unknown key 'plurl'; did you mean 'plural'?"),
        (7, "indicators[0].options[0].lable", "unknown key 'lable'; did you mean 'label'?"),
        (8, "indicators[1].applicable_if.inn", "unknown key 'inn'; did you mean 'in'?"),
    ]


def test_keys_that_belong_elsewhere_are_unknown() -> None:
    assert problems("""\
        code: T
        name: Toy
        weight: 2
        label: Toy
        children:
          - code: A
            level: area
            type: boolean
            indicators:
              - {code: q1, type: boolean, level: leaf, min_coverage: 1, areas: []}
              - {code: q2, type: boolean, x-note: only top-level x- keys are free}
        """) == [
        (3, "weight", "unknown key 'weight'"),
        (4, "label", "unknown key 'label'"),
        (7, "children[0].level", "unknown key 'level'"),
        (8, "children[0].type", "unknown key 'type'"),
        (10, "children[0].indicators[0].areas", "unknown key 'areas'"),
        (10, "children[0].indicators[0].level", "unknown key 'level'"),
        (10, "children[0].indicators[0].min_coverage", "unknown key 'min_coverage'"),
        (11, "children[0].indicators[1].x-note", "unknown key 'x-note'"),
    ]


def test_child_groups_must_use_the_key_of_their_level() -> None:
    assert problems("""\
        code: T
        name: Toy
        levels: [area, dimension]
        dimensions:
          - code: X
            indicators: [{code: qx, type: boolean}]
        areas:
          - code: A
            children:
              - code: C
                indicators: [{code: qc, type: boolean}]
            areas:
              - code: AA
                indicators: [{code: qaa, type: boolean}]
            dimensions:
              - code: D
                children:
                  - code: E
                    indicators: [{code: qe, type: boolean}]
        """) == [
        (
            5,
            "dimensions",
            "groups at depth 1 are listed under 'areas', not 'dimensions' (see 'levels')",
        ),
        (
            10,
            "areas[0].children",
            "groups at depth 2 are listed under 'dimensions', not 'children' (see 'levels')",
        ),
        (
            13,
            "areas[0].areas",
            "groups at depth 2 are listed under 'dimensions', not 'areas' (see 'levels')",
        ),
    ]


def test_without_levels_child_groups_are_children() -> None:
    assert problems("""\
        code: T
        name: Toy
        areas:
          - code: A
            indicators: [{code: q1, type: boolean}]
        """) == [
        (1, "", "has no 'children' and no 'indicators': nothing to score"),
        (4, "areas", "unknown key 'areas'"),
    ]


def test_groups_need_something_to_score() -> None:
    assert problems("""\
        code: T
        name: Toy
        children:
          - code: A
            label: Empty
          - code: B
            indicators: []
          - code: C
            children: {code: D}
          - just text
          - code: E
            indicators: [42, {code: q1, type: boolean}]
        """) == [
        (4, "children[0]", "has no 'children' and no 'indicators': nothing to score"),
        (7, "children[1].indicators", "must be a non-empty list"),
        (9, "children[2].children", "must be a non-empty list"),
        (10, "children[3]", "must be a mapping with at least a code"),
        (
            12,
            "children[4].indicators[0]",
            "an indicator must be a mapping with at least code and type",
        ),
    ]


def test_required_keys_and_wrong_values() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - {type: boolean}
          - {code: q2}
          - {code: 3q, type: boolean}
          - {code: q4, type: categorial}
          - {code: q5, type: numeric, direction: 2, weight: -1, bounds: [0]}
          - {code: q6, type: boolean, true_score: high}
          - code: q7
            type: categorical
            options:
              - {code: a}
              - {code: b, score: 1}
          - {code: q8, type: boolean, applicable_if: {indicator: q6}}
          - {code: q9, type: boolean, applicable_if: {indicator: q6, in: []}}
        """) == [
        (4, "indicators[0].code", "required"),
        (5, "indicators[1].type", "required"),
        (
            6,
            "indicators[2].code",
            "a code starts with a letter, followed by letters, digits, '_', '.' or '-' (got '3q')",
        ),
        (
            7,
            "indicators[3].type",
            "'categorial' is not one of: categorical, numeric, boolean; "
            "did you mean 'categorical'?",
        ),
        (8, "indicators[4].bounds", "bounds take two numbers, [lowest, highest] (got [0])"),
        (8, "indicators[4].direction", "2 is not one of: 1, -1"),
        (8, "indicators[4].weight", "must be at least 0 (got -1)"),
        (9, "indicators[5].true_score", "must be a number (got 'high')"),
        (13, "indicators[6].options[0].score", "required"),
        (15, "indicators[7].applicable_if", "give exactly one of 'in' or 'not_in'"),
        (16, "indicators[8].applicable_if", "the list of values is empty"),
    ]


def test_a_faulty_indicator_is_still_cross_checked_without_follow_on_problems() -> None:
    # q1 has a typo; it must still be found by q2's rule, count in its parent's weights and
    # have its own options checked.
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - code: q1
            type: categorical
            wieght: 1
            options:
              - {code: a, score: 100}
              - {code: a, score: 200}
              - {code: b}
          - {code: q2, type: boolean, weight: 0, applicable_if: {indicator: q1, in: [a]}}
        """) == [
        (6, "indicators[0].wieght", "unknown key 'wieght'; did you mean 'weight'?"),
        (
            9,
            "indicators[0].options[1].code",
            'duplicate code "a" (first used at indicators[0].options[0])',
        ),
        (9, "indicators[0].options[1].score", "score 200 is outside the index scale 0–100"),
        (10, "indicators[0].options[2].score", "required"),
    ]


def test_a_faulty_group_keeps_its_subtree_checked() -> None:
    assert problems("""\
        code: T
        name: Toy
        children:
          - code: A
            min_coverage: 2
            indicators:
              - {code: q1, type: boolean}
              - {code: q1, type: boolean}
        """) == [
        (5, "children[0].min_coverage", "must be at most 1 (got 2)"),
        (
            8,
            "children[0].indicators[1].code",
            'duplicate code "q1" (first used at children[0].indicators[0])',
        ),
    ]


def test_faulty_defaults_are_reported_once_where_they_are_written() -> None:
    assert problems("""\
        code: T
        name: Toy
        defaults:
          weight: -1
          min_coverage: 2
          aggregation: geometrical
          method: mean
        children:
          - code: A
            indicators: [{code: q1, type: boolean}, {code: q1, type: boolean}]
          - code: B
            indicators: [{code: q3, type: boolean}]
        """) == [
        (4, "defaults.weight", "must be at least 0 (got -1)"),
        (5, "defaults.min_coverage", "must be at most 1 (got 2)"),
        (
            6,
            "defaults.aggregation",
            "unknown method 'geometrical'; one of: arithmetic, geometric, harmonic, median, "
            "copeland; did you mean 'geometric'?",
        ),
        (
            7,
            "defaults.method",
            "unknown key 'method'; defaults can set weight, aggregation, min_coverage",
        ),
        (
            10,
            "children[0].indicators[1].code",
            'duplicate code "q1" (first used at children[0].indicators[0])',
        ),
    ]


def test_defaults_must_be_a_mapping() -> None:
    assert problems("""\
        code: T
        name: Toy
        defaults: [weight, 1]
        indicators: [{code: q1, type: boolean}]
        """) == [(3, "defaults", "must be a mapping")]


def test_faulty_levels() -> None:
    assert problems("""\
        code: T
        name: Toy
        languages: [en]
        levels:
          - area
          - {code: dimension}
          - 3
          - {code: indicator, plural: items, label: {fr: Indicateur}}
        areas:
          - code: A
            indicators: [{code: q1, type: boolean}]
        """) == [
        (6, "levels[1].plural", "required"),
        (7, "levels[2]", "must be a level name or a mapping"),
        (8, "levels[3]", "'indicator'/'items' is reserved; choose another"),
        (8, "levels[3].label.fr", "language 'fr' is not among the index's languages (en)"),
    ]


def test_levels_must_be_a_list() -> None:
    assert problems("""\
        code: T
        name: Toy
        levels: area
        indicators: [{code: q1, type: boolean}]
        """) == [(3, "levels", "must be a list of levels, top-down")]


def test_faulty_metadata_does_not_stop_the_tree_checks() -> None:
    assert problems("""\
        format: polindex/2
        name: {fr: Jouet}
        languages: [en, fr]
        version: 1.0
        short_name: [T]
        scale: {min: 10, max: 1}
        polarity: up
        bands: {code: all, min: 0}
        indicators:
          - {code: q1, type: boolean}
          - {code: q1, type: boolean}
        """) == [
        (1, "code", "required"),
        (1, "format", "must be 'polindex/1' (got 'polindex/2')"),
        (2, "name", "needs a text in the default language 'en'"),
        (4, "version", "must be text (got 1.0)"),
        (5, "short_name", "must be text (got ['T'])"),
        (6, "scale", "min (10.0) must be below max (1.0)"),
        (7, "polarity", "'up' is not one of: higher_is_better, lower_is_better"),
        (8, "bands", "must be a list"),
        (11, "indicators[1].code", 'duplicate code "q1" (first used at indicators[0])'),
    ]


def test_an_invalid_index_code_is_reported_once() -> None:
    assert problems("""\
        code: 7up
        name: 42
        indicators: [{code: q1, type: boolean}]
        """) == [
        (
            1,
            "code",
            "a code starts with a letter, followed by letters, digits, '_', '.' or '-' (got '7up')",
        ),
        (2, "name", "must be a mapping (key: value pairs) (got 42)"),
    ]


def test_yaml_syntax_error_has_its_line() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - code: q1
            type: boolean
           label: misaligned
        """) == [
        (
            6,
            "",
            # LibYAML's wording (the C parser reads the file)
            "invalid YAML: while parsing a block collection did not find expected '-' indicator",
        )
    ]


def test_duplicate_yaml_key_has_its_line() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - code: q1
            type: boolean
            weight: 1
            weight: 2
        """) == [(7, "", "indicators[0].weight: key 'weight' appears twice")]


@pytest.mark.parametrize(
    ("text", "line"),
    [("", None), ("# only a comment\n", None), ("- a\n- b\n", 1), ("just text\n", 1)],
)
def test_a_framework_must_be_a_mapping(text: str, line: int | None) -> None:
    assert problems(text) == [(line, "", "a framework must be a YAML mapping (key: value pairs)")]


def test_load_framework_reports_yaml_errors_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("code: T\nname: Toy\nname: Again\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert info.value.problems == [Problem("", "name: key 'name' appears twice", 3)]
    assert str(info.value) == (
        f"{path}: 1 problem\n  {path}:3: (document): name: key 'name' appears twice"
    )


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert info.value.problems == [Problem("", "cannot read file: No such file or directory")]
    assert str(info.value) == (
        f"{path}: 1 problem\n  {path}: (document): cannot read file: No such file or directory"
    )


def test_a_mapping_with_problems_has_no_lines() -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework({"code": "T", "name": "Toy", "indicators": [{"code": "q", "typ": "x"}]})
    assert info.value.problems == [
        Problem("indicators[0].typ", "unknown key 'typ'; did you mean 'type'?"),
        Problem("indicators[0].type", "required"),
    ]
    assert info.value.source == "<framework>"


def test_a_control_character_in_a_label_is_reported() -> None:
    # regression: labels with control characters reached the chart renderer, which aborts
    assert problems(
        'code: T\nname: "Toy\\x01"\nindicators:\n  - {code: q1, type: boolean, label: "Q\\x00"}\n'
    ) == [
        (2, "name.en", "holds a control character (U+0001) at position 3"),
        (4, "indicators[0].label.en", "holds a control character (U+0000) at position 1"),
    ]


def test_an_index_has_at_least_one_language() -> None:
    # regression: `languages: []` was an IndexError (found by fuzzing)
    assert problems(
        "code: T\nname: Toy\nlanguages: []\nindicators: [{code: q, type: boolean}]\n"
    ) == [(3, "languages", "takes at least 1 item (got [])")]


def test_a_mapping_too_deep_or_inside_itself_is_refused() -> None:
    # regression: a mapping nested hundreds deep (YAML text is bounded at 100 levels, a mapping
    # was not) or holding itself was a RecursionError
    deep: dict[str, Any] = {"code": "q1", "type": "boolean"}
    for k in range(300):
        deep = {"code": f"g{k}", "children" if k else "indicators": [deep]}
    with pytest.raises(FrameworkError) as info:
        load_framework({"code": "T", "name": "Toy", "children": [deep]})
    assert info.value.problems == [
        Problem("", "the document nests deeper than 100 levels; an index definition is far smaller")
    ]
    looped: dict[str, Any] = {"code": "T", "name": "Toy", "children": []}
    looped["children"].append(looped)
    with pytest.raises(FrameworkError, match="an alias inside itself"):
        load_framework(looped)
    with pytest.raises(FrameworkError, match="nests deeper than 100 levels"):
        load_pipeline([deep])
