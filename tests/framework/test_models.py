"""The frozen framework models and their lookups: find, label, band_for, indicators, nodes."""

import math

import pytest
from pydantic import ValidationError

from polindex.framework import (
    Applicability,
    Band,
    Framework,
    FrameworkError,
    Indicator,
    Node,
    Option,
    Problem,
    Scale,
)

MIPEX_BANDS = (
    Band(code="favourable", min=80, label={"en": "Favourable", "fr": "Favorable"}),
    Band(code="slightly_favourable", min=60),
    Band(code="halfway_favourable", min=41),
    Band(code="slightly_unfavourable", min=21),
    Band(code="unfavourable", min=1),
    Band(code="critically_unfavourable", min=0),
)


def toy() -> Framework:
    """index T → areas A (dimension D → q1, q2), B → q3; written in that order."""
    q1 = Indicator(
        code="q1",
        type="categorical",
        label={"en": "First", "fr": "Premier"},
        options=(
            Option(code="a", score=100, label={"en": "Yes", "fr": "Oui"}),
            Option(code="b", score=0),
        ),
    )
    q2 = Indicator(code="q2", type="boolean", label={"fr": "Deuxième"})
    q3 = Indicator(code="q3", type="numeric", bounds=(0, 10))
    d = Node(code="D", level="dimension", children=(q1, q2))
    a = Node(code="A", level="area", label={"en": "Area A"}, children=(d,))
    b = Node(code="B", level="area", children=(q3,))
    return Framework(
        code="T",
        name={"en": "Toy", "fr": "Jouet"},
        languages=("en", "fr"),
        bands=MIPEX_BANDS,
        root=Node(code="T", label={"en": "Toy", "fr": "Jouet"}, children=(a, b)),
    )


def test_indicators_and_nodes_in_document_order() -> None:
    fw = toy()
    assert [i.code for i in fw.indicators] == ["q1", "q2", "q3"]
    assert [n.code for n in fw.nodes] == ["T", "A", "D", "B"]


def test_walk_yields_parent_and_depth_pre_order() -> None:
    fw = toy()
    walked = [(item.code, parent and parent.code, depth) for item, parent, depth in fw.root.walk()]
    assert walked == [
        ("T", None, 0),
        ("A", "T", 1),
        ("D", "A", 2),
        ("q1", "D", 3),
        ("q2", "D", 3),
        ("B", "T", 1),
        ("q3", "B", 2),
    ]


def test_find_returns_groups_and_indicators() -> None:
    fw = toy()
    assert fw.find("T") is fw.root
    assert fw.find("D").level == "dimension"
    found = fw.find("q3")
    assert isinstance(found, Indicator)
    assert found.bounds == (0, 10)


def test_find_unknown_code_raises_key_error() -> None:
    with pytest.raises(KeyError, match="no node or indicator with code 'zz' in framework 'T'"):
        toy().find("zz")


def test_find_is_case_sensitive() -> None:
    with pytest.raises(KeyError):
        toy().find("Q1")


def test_label_in_language_then_default_language_then_code() -> None:
    fw = toy()
    q1, q2, q3 = fw.indicators
    assert fw.label(q1) == "First"
    assert fw.label(q1, "fr") == "Premier"
    assert fw.label(q1, "de") == "First"
    assert fw.label(q2) == "q2"  # only French: the default language (en) falls back to the code
    assert fw.label(q2, "fr") == "Deuxième"
    assert fw.label(q3, "fr") == "q3"
    assert fw.label(fw.find("A"), "fr") == "Area A"


def test_label_of_options_and_bands() -> None:
    fw = toy()
    yes, no = fw.indicators[0].options
    assert fw.label(yes, "fr") == "Oui"
    assert fw.label(no, "fr") == "b"
    assert fw.label(fw.bands[0], "fr") == "Favorable"
    assert fw.label(fw.bands[1]) == "slightly_favourable"


def test_default_language_is_the_first() -> None:
    fw = toy().model_copy(update={"languages": ("fr", "en")})
    assert fw.default_language == "fr"
    assert fw.label(fw.indicators[0], "de") == "Premier"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "favourable"),
        (80, "favourable"),
        (79.999, "slightly_favourable"),
        (60, "slightly_favourable"),
        (59.9, "halfway_favourable"),
        (41, "halfway_favourable"),
        (40.5, "slightly_unfavourable"),
        (21, "slightly_unfavourable"),
        (20.99, "unfavourable"),
        (1, "unfavourable"),
        (0.5, "critically_unfavourable"),
        (0, "critically_unfavourable"),
    ],
)
def test_band_for_takes_the_band_with_the_highest_min_at_or_below(score: float, band: str) -> None:
    found = toy().band_for(score)
    assert found is not None
    assert found.code == band


def test_band_for_missing_or_uncovered_score_is_none() -> None:
    fw = toy()
    assert fw.band_for(math.nan) is None
    assert fw.band_for(-0.1) is None
    assert fw.model_copy(update={"bands": ()}).band_for(50) is None


def test_applicability_in() -> None:
    rule = Applicability(indicator="N2", **{"in": ["a", "b"]})
    assert rule.in_ == ("a", "b")
    assert rule.not_in is None
    assert [rule.applies(v) for v in ("a", "b", "c")] == [True, True, False]


def test_applicability_not_in() -> None:
    rule = Applicability(indicator="N2", not_in=["c"])
    assert [rule.applies(v) for v in ("a", "b", "c")] == [True, True, False]


def test_applicability_values_become_text() -> None:
    rule = Applicability(indicator="N0", **{"in": [True, 1, "x"]})
    assert rule.in_ == ("true", "1", "x")
    assert rule.applies("true")
    assert not rule.applies("false")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"in": ["a"], "not_in": ["b"]}, "give exactly one of 'in' or 'not_in'"),
        ({}, "give exactly one of 'in' or 'not_in'"),
        ({"in": []}, "the list of values is empty"),
    ],
)
def test_applicability_needs_one_non_empty_list(fields: dict[str, list[str]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Applicability(indicator="N2", **fields)


def test_option_codes_become_text() -> None:
    assert Option(code=1, score=0).code == "1"
    assert Option(code=True, score=0).code == "true"
    assert Option(code=False, score=0).code == "false"
    assert Option(code=2.5, score=0).code == "2.5"


def test_indicator_option_lookup() -> None:
    q1 = toy().indicators[0]
    option = q1.option("a")
    assert option is not None
    assert option.score == 100
    assert q1.option("z") is None


def test_indicator_and_node_defaults() -> None:
    ind = Indicator(code="q", type="numeric")
    assert (ind.weight, ind.direction, ind.level, ind.options) == (1.0, 1, "indicator", ())
    assert (ind.bounds, ind.goalposts, ind.true_score, ind.applicable_if) == (None,) * 4
    assert ind.is_indicator
    node = Node(code="N")
    assert (node.weight, node.aggregation, node.min_coverage, node.level) == (
        1.0,
        "arithmetic",
        0.0,
        "index",
    )
    assert not node.is_indicator


def test_framework_defaults() -> None:
    fw = Framework(code="T", name={"en": "T"}, root=Node(code="T"))
    assert fw.format == "polindex/1"
    assert fw.version == "1.0"
    assert fw.languages == ("en",)
    assert (fw.scale.min, fw.scale.max) == (0.0, 100.0)
    assert fw.polarity == "higher_is_better"
    assert (fw.bands, fw.levels, fw.description) == ((), (), {})


@pytest.mark.parametrize(("lo", "hi"), [(5, 1), (1, 1), (0, math.inf), (math.nan, 1)])
def test_scale_min_must_be_below_max(lo: float, hi: float) -> None:
    with pytest.raises(ValidationError, match="must be below max"):
        Scale(min=lo, max=hi)


def test_codes_follow_the_pattern() -> None:
    for good in ("A", "q1", "LMM_access", "q1.2.3", "a-b"):
        assert Node(code=good).code == good
    for bad in ("1q", "_q", "q 1", "", "é", "q" * 65):
        with pytest.raises(ValidationError):
            Node(code=bad)


def test_weights_are_finite_and_not_negative() -> None:
    for bad in (-1, math.inf, math.nan):
        with pytest.raises(ValidationError):
            Indicator(code="q", type="boolean", weight=bad)
    assert Node(code="N", weight=0).weight == 0


def test_band_colour_is_hex() -> None:
    assert Band(code="b", min=0, colour="#2166ac").colour == "#2166ac"
    with pytest.raises(ValidationError):
        Band(code="b", min=0, colour="blue")


def test_models_are_frozen_and_strict() -> None:
    fw = toy()
    with pytest.raises(ValidationError, match="frozen"):
        fw.code = "U"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Node(code="N", wieght=2)  # type: ignore[call-arg]


def test_problem_renders_line_path_and_message() -> None:
    assert str(Problem("areas[0].code", 'duplicate code "A"', 12)) == (
        'line 12: areas[0].code: duplicate code "A"'
    )
    assert str(Problem("", "cannot read file")) == "(document): cannot read file"


def test_framework_error_sorts_and_lists_every_problem() -> None:
    err = FrameworkError(
        [
            Problem("b", "second", 9),
            Problem("a", "first", 2),
            Problem("", "no line"),
            Problem("c", "x", 2),
        ],
        source="f.yaml",
    )
    assert [p.message for p in err.problems] == ["no line", "first", "x", "second"]
    assert str(err) == (
        "f.yaml: 4 problems\n"
        "  f.yaml: (document): no line\n"
        "  f.yaml:2: a: first\n"
        "  f.yaml:2: c: x\n"
        "  f.yaml:9: b: second"
    )
    assert isinstance(err, ValueError)


def test_framework_error_default_source_and_singular() -> None:
    err = FrameworkError([Problem("name", "required", 1)])
    assert err.source == "<framework>"
    assert str(err) == "<framework>: 1 problem\n  <framework>:1: name: required"
