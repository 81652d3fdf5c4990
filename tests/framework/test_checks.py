"""Cross-object checks: codes, scores, bands, languages, rules, type-specific fields, weights."""

from textwrap import dedent

from polindex.framework import Applicability, Framework, Indicator, Node, Option
from polindex.framework.checks import check_framework
from polindex.framework.loader import check_framework_text

Found = list[tuple[int | None, str, str]]


def problems(text: str) -> Found:
    """(line, path, message) of every problem in ``text`` (dedented), in reporting order."""
    return [(p.line, p.path, p.message) for p in check_framework_text(dedent(text))]


def test_codes_are_unique_across_the_whole_tree() -> None:
    assert problems("""\
        code: T
        name: Toy
        levels: [area]
        areas:
          - code: A
            indicators:
              - {code: q1, type: boolean}
              - {code: A, type: boolean}
          - code: q1
            indicators:
              - {code: T, type: boolean}
              - {code: q1, type: boolean}
        """) == [
        (8, "areas[0].indicators[1].code", 'duplicate code "A" (first used at areas[0])'),
        (9, "areas[1].code", 'duplicate code "q1" (first used at areas[0].indicators[0])'),
        (11, "areas[1].indicators[0].code", 'duplicate code "T" (first used at the index itself)'),
        (
            12,
            "areas[1].indicators[1].code",
            'duplicate code "q1" (first used at areas[0].indicators[0])',
        ),
    ]


def test_duplicate_option_code() -> None:
    assert problems("""\
        code: T
        name: Toy
        levels: [area, dimension]
        areas:
          - code: A
            dimensions:
              - code: D
                indicators:
                  - code: q1
                    type: categorical
                    options:
                      - {code: a, score: 100}
                      - {code: b, score: 50}
                      - {code: b, score: 0}
                      - {code: 1, score: 0}
                      - {code: "1", score: 0}
        """) == [
        (
            14,
            "areas[0].dimensions[0].indicators[0].options[2].code",
            'duplicate code "b" (first used at areas[0].dimensions[0].indicators[0].options[1])',
        ),
        (
            16,
            "areas[0].dimensions[0].indicators[0].options[4].code",
            'duplicate code "1" (first used at areas[0].dimensions[0].indicators[0].options[3])',
        ),
    ]


def test_the_same_option_code_in_two_indicators_is_fine() -> None:
    assert (
        problems("""\
        code: T
        name: Toy
        indicators:
          - {code: q1, type: categorical, options: [{code: a, score: 1}]}
          - {code: q2, type: categorical, options: [{code: a, score: 1}]}
        """)
        == []
    )


def test_scores_must_lie_within_the_scale() -> None:
    assert problems("""\
        code: T
        name: Toy
        scale: {min: 0, max: 1}
        indicators:
          - code: q1
            type: categorical
            options:
              - {code: a, score: 1}
              - {code: b, score: 100}
              - {code: c, score: -0.5}
          - {code: q2, type: boolean, true_score: 1.5, false_score: -1}
          - {code: q3, type: boolean, true_score: 1, false_score: 0}
        """) == [
        (9, "indicators[0].options[1].score", "score 100 is outside the index scale 0–1"),
        (10, "indicators[0].options[2].score", "score -0.5 is outside the index scale 0–1"),
        (11, "indicators[1].false_score", "score -1 is outside the index scale 0–1"),
        (11, "indicators[1].true_score", "score 1.5 is outside the index scale 0–1"),
    ]


def test_bands_must_cover_the_scale_minimum() -> None:
    assert problems("""\
        code: T
        name: Toy
        bands:
          - {code: high, min: 60}
          - {code: low, min: 20}
        indicators: [{code: q1, type: boolean}]
        """) == [
        (4, "bands", "no band covers scores from 0 up to 20; give the lowest band min: 0"),
    ]


def test_bands_within_the_scale_and_distinct() -> None:
    assert problems("""\
        code: T
        name: Toy
        scale: {min: 0, max: 1}
        bands:
          - {code: low, min: 0}
          - {code: mid, min: 0.5}
          - {code: mid, min: 0.5}
          - {code: top, min: 2}
        indicators: [{code: q1, type: boolean}]
        """) == [
        (5, "bands", "two bands have the same code 'mid'"),
        (5, "bands", "two bands have the same min 0.5"),
        (8, "bands[3].min", "2 is outside the scale 0–1"),
    ]


def test_label_languages_must_be_declared() -> None:
    assert problems("""\
        code: T
        name: {en: Toy, de: Spielzeug}
        description: {es: Juguete}
        languages: [en, fr]
        bands: [{code: all, min: 0, label: {it: Tutto}}]
        levels: [{code: area, plural: areas, label: {nl: Gebied}}]
        areas:
          - code: A
            label: {en: Area, fr: Domaine, pt: Área}
            description: {sv: Område}
            indicators:
              - code: q1
                type: categorical
                question: {pl: Pytanie}
                options: [{code: a, score: 1, label: {fi: Kyllä}, description: {da: Ja}}]
              - code: q2
                type: boolean
                applicable_if: {indicator: q1, in: [a], reason: {cs: Důvod}}
        """) == [
        (2, "name.de", "language 'de' is not among the index's languages (en, fr)"),
        (3, "description.es", "language 'es' is not among the index's languages (en, fr)"),
        (5, "bands[0].label.it", "language 'it' is not among the index's languages (en, fr)"),
        (6, "levels[0].label.nl", "language 'nl' is not among the index's languages (en, fr)"),
        (9, "areas[0].label.pt", "language 'pt' is not among the index's languages (en, fr)"),
        (
            10,
            "areas[0].description.sv",
            "language 'sv' is not among the index's languages (en, fr)",
        ),
        (
            14,
            "areas[0].indicators[0].question.pl",
            "language 'pl' is not among the index's languages (en, fr)",
        ),
        (
            15,
            "areas[0].indicators[0].options[0].description.da",
            "language 'da' is not among the index's languages (en, fr)",
        ),
        (
            15,
            "areas[0].indicators[0].options[0].label.fi",
            "language 'fi' is not among the index's languages (en, fr)",
        ),
        (
            18,
            "areas[0].indicators[1].applicable_if.reason.cs",
            "language 'cs' is not among the index's languages (en, fr)",
        ),
    ]


def test_name_needs_the_default_language_and_languages_are_listed_once() -> None:
    assert problems("""\
        code: T
        name: {en: Toy}
        languages: [fr, en, fr]
        indicators: [{code: q1, type: boolean}]
        """) == [
        (2, "name", "needs a text in the default language 'fr'"),
        (3, "languages", "language 'fr' listed twice"),
    ]


def test_rule_must_name_an_existing_indicator() -> None:
    assert problems("""\
        code: T
        name: Toy
        levels: [area]
        areas:
          - code: A
            indicators:
              - {code: q1, type: boolean, applicable_if: {indicator: q9, in: [true]}}
              - {code: q2, type: boolean, applicable_if: {indicator: A, in: [true]}}
              - {code: q3, type: boolean, applicable_if: {indicator: q3, in: [true]}}
        """) == [
        (7, "areas[0].indicators[0].applicable_if.indicator", "no indicator with code 'q9'"),
        (8, "areas[0].indicators[1].applicable_if.indicator", "'A' is a group, not an indicator"),
        (
            9,
            "areas[0].indicators[2].applicable_if.indicator",
            "an indicator cannot depend on itself",
        ),
    ]


def test_rule_cannot_use_a_numeric_indicator() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - {code: n, type: numeric, bounds: [0, 100]}
          - code: q
            type: boolean
            applicable_if:
              indicator: n
              in: [0]
        """) == [
        (
            8,
            "indicators[1].applicable_if.indicator",
            "'n' is numeric; applicability rules use a categorical or boolean indicator",
        ),
    ]


def test_rule_values_must_be_answers_of_its_indicator() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - code: c
            type: categorical
            options: [{code: a, score: 100}, {code: b, score: 0}]
          - {code: b, type: boolean}
          - {code: q1, type: boolean, applicable_if: {indicator: c, in: [a, z]}}
          - {code: q2, type: boolean, applicable_if: {indicator: c, not_in: [A]}}
          - {code: q3, type: boolean, applicable_if: {indicator: b, in: [yes]}}
          - {code: q4, type: boolean, applicable_if: {indicator: b, not_in: ["false"]}}
          - {code: q5, type: boolean, applicable_if: {indicator: b, in: [maybe]}}
        """) == [
        (8, "indicators[2].applicable_if.in", "'z' is not a value of 'c' (one of: a, b)"),
        (9, "indicators[3].applicable_if.not_in", "'A' is not a value of 'c' (one of: a, b)"),
        (
            12,
            "indicators[6].applicable_if.in",
            "'maybe' is not a value of 'b' (one of: false, true)",
        ),
    ]


def test_rules_cannot_be_chained() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - {code: q0, type: boolean}
          - {code: q1, type: boolean, applicable_if: {indicator: q0, in: [true]}}
          - {code: q2, type: boolean, applicable_if: {indicator: q1, in: [true]}}
        """) == [
        (
            6,
            "indicators[2].applicable_if.indicator",
            "'q1' has an applicability rule itself; rules cannot be chained",
        ),
    ]


def test_numeric_only_fields_on_other_types() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - code: c
            type: categorical
            options: [{code: a, score: 1}]
            unit: km
            bounds: [0, 1]
            goalposts: [0, 1]
            direction: -1
            true_score: 100
          - {code: b, type: boolean, unit: "%", options: [{code: a, score: 1}]}
          - {code: n, type: numeric, false_score: 0, options: [{code: a, score: 1}]}
        """) == [
        (7, "indicators[0].unit", "'unit' is only for numeric indicators"),
        (8, "indicators[0].bounds", "'bounds' is only for numeric indicators"),
        (9, "indicators[0].goalposts", "'goalposts' is only for numeric indicators"),
        (10, "indicators[0].direction", "'direction' is only for numeric indicators"),
        (11, "indicators[0].true_score", "'true_score' is only for boolean indicators"),
        (12, "indicators[1].options", "'options' is only for categorical indicators"),
        (12, "indicators[1].unit", "'unit' is only for numeric indicators"),
        (13, "indicators[2].false_score", "'false_score' is only for boolean indicators"),
        (13, "indicators[2].options", "'options' is only for categorical indicators"),
    ]


def test_categorical_needs_options() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - {code: c, type: categorical}
        """) == [(4, "indicators[0]", "a categorical indicator needs 'options'")]


def test_bounds_reversed_and_goalposts_equal() -> None:
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - code: n1
            type: numeric
            bounds: [10, 0]
            goalposts: [5, 5]
          - {code: n2, type: numeric, bounds: [3, 3], goalposts: [24, 0]}
          - {code: n3, type: numeric, bounds: [0, 120], goalposts: [0, 24], direction: -1}
        """) == [
        (6, "indicators[0].bounds", "the lower bound must be below the upper bound"),
        (7, "indicators[0].goalposts", "the two goalposts must differ"),
        (8, "indicators[1].bounds", "the lower bound must be below the upper bound"),
    ]


def test_bounds_outside_the_scale_need_goalposts() -> None:
    outside = "without goalposts values are used as scores, but these bounds lie entirely " + (
        "outside the index scale; add goalposts"
    )
    assert problems("""\
        code: T
        name: Toy
        indicators:
          - {code: n1, type: numeric, bounds: [500, 900]}
          - {code: n2, type: numeric, bounds: [-20, -1]}
          - {code: n3, type: numeric, bounds: [50, 900]}
          - {code: n4, type: numeric, bounds: [500, 900], goalposts: [500, 900]}
          - {code: n5, type: numeric}
        """) == [
        (4, "indicators[0].bounds", outside),
        (5, "indicators[1].bounds", outside),
    ]


def test_at_least_one_positive_weight_per_group() -> None:
    assert problems("""\
        code: T
        name: Toy
        children:
          - code: A
            weight: 0
            indicators:
              - {code: q1, type: boolean, weight: 0}
              - {code: q2, type: boolean, weight: 0}
          - code: B
            weight: 0
            indicators:
              - {code: q3, type: boolean, weight: 0}
              - {code: q4, type: boolean}
        """) == [
        (1, "", "every child has weight 0: at least one weight must be positive"),
        (4, "children[0]", "every child has weight 0: at least one weight must be positive"),
    ]


def test_unknown_aggregation_method() -> None:
    assert problems("""\
        code: T
        name: Toy
        aggregation: geometric_mean
        children:
          - code: A
            aggregation: generalised
            indicators: [{code: q1, type: boolean}]
          - code: B
            aggregation: median
            indicators: [{code: q2, type: boolean}]
        """) == [
        (
            3,
            "aggregation",
            "unknown method 'geometric_mean'; one of: arithmetic, geometric, harmonic, "
            "median, copeland; did you mean 'geometric'?",
        ),
        (
            6,
            "children[0].aggregation",
            "generalised needs a parameter (p): choose it in the pipeline's aggregate step "
            "(overrides or levels)",
        ),
    ]


def test_reserved_and_duplicate_level_names() -> None:
    assert problems("""\
        code: T
        name: Toy
        levels:
          - {code: index, plural: indexes}
          - {code: group, plural: children}
          - {code: area, plural: areas}
          - {code: area, plural: regions}
        indexes:
          - code: A
            indicators: [{code: q1, type: boolean}]
        """) == [
        (4, "levels", "duplicate level code 'area'"),
        (4, "levels[0]", "'index'/'indexes' is reserved; choose another"),
        (5, "levels[1]", "'group'/'children' is reserved; choose another"),
    ]


def test_check_framework_on_models_built_in_python() -> None:
    fw = Framework(
        code="T",
        name={"en": "T"},
        root=Node(
            code="T",
            children=(
                Node(code="A", children=(Indicator(code="q1", type="boolean", weight=0),)),
                Indicator(
                    code="q2",
                    type="categorical",
                    options=(Option(code="a", score=120),),
                    applicable_if=Applicability(indicator="q1", **{"in": ["maybe"]}),
                ),
            ),
        ),
    )
    paths = {"A": ("children", 0), "q2": ("children", 1)}

    def path_of(obj: object) -> tuple[str | int, ...]:
        return paths.get(getattr(obj, "code", ""), ())

    # lines here are the depth of the path, to see that each problem asks for its own
    found = check_framework(fw, path_of, lambda parts: len(parts))
    assert [(p.line, p.path, p.message) for p in found] == [
        (2, "children[0]", "every child has weight 0: at least one weight must be positive"),
        (5, "children[1].options[0].score", "score 120 is outside the index scale 0–100"),
        (
            4,
            "children[1].applicable_if.in",
            "'maybe' is not a value of 'q1' (one of: false, true)",
        ),
    ]


def test_a_valid_framework_has_no_problems() -> None:
    assert (
        problems("""\
        code: T
        name: {en: Toy, fr: Jouet}
        languages: [en, fr]
        scale: {min: 0, max: 100}
        bands: [{code: low, min: 0}, {code: high, min: 50}]
        levels: [area]
        areas:
          - code: A
            indicators:
              - {code: q0, type: boolean, weight: 0}
              - {code: q1, type: categorical, options: [{code: a, score: 100}, {code: b, score: 0}]}
              - {code: q2, type: numeric, bounds: [0, 10], goalposts: [0, 10]}
              - {code: q3, type: boolean, applicable_if: {indicator: q0, in: [true]}}
        """)
        == []
    )
