"""YAML parsing that keeps the line of every location, and paths as a reader finds them."""

from textwrap import dedent

import pytest

from polindex.framework import yamlsource
from polindex.framework.yamlsource import YamlDocument, YamlSyntaxError, format_path, parse_yaml


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((), ""),
        (("code",), "code"),
        ((0,), "[0]"),
        (
            ("areas", 0, "dimensions", 1, "indicators", 2, "options"),
            "areas[0].dimensions[1].indicators[2].options",
        ),
        (("bands", 3, "label", "fr"), "bands[3].label.fr"),
        (("indicators", 0, "options", 1, 2), "indicators[0].options[1][2]"),
    ],
)
def test_format_path(parts: tuple[str | int, ...], expected: str) -> None:
    assert format_path(parts) == expected


def test_every_location_has_its_line() -> None:
    doc = parse_yaml(
        dedent("""\
        code: T
        name: {en: Toy, fr: Jouet}
        indicators:
          - code: q1
            type: boolean
          - {code: q2, type: numeric, bounds: [0, 10]}
        """)
    )
    assert doc.data == {
        "code": "T",
        "name": {"en": "Toy", "fr": "Jouet"},
        "indicators": [
            {"code": "q1", "type": "boolean"},
            {"code": "q2", "type": "numeric", "bounds": [0, 10]},
        ],
    }
    assert doc.lines == {
        (): 1,
        ("code",): 1,
        ("name",): 2,
        ("name", "en"): 2,
        ("name", "fr"): 2,
        ("indicators",): 4,
        ("indicators", 0): 4,
        ("indicators", 0, "code"): 4,
        ("indicators", 0, "type"): 5,
        ("indicators", 1): 6,
        ("indicators", 1, "code"): 6,
        ("indicators", 1, "type"): 6,
        ("indicators", 1, "bounds"): 6,
        ("indicators", 1, "bounds", 0): 6,
        ("indicators", 1, "bounds", 1): 6,
    }


def test_a_block_value_starts_on_the_line_after_its_key() -> None:
    doc = parse_yaml("a: 1\noptions:\n  - x\n  - y\n")
    assert doc.line(("options",)) == 3
    assert doc.line(("options", 1)) == 4


def test_line_falls_back_to_the_nearest_ancestor() -> None:
    doc = parse_yaml("a: 1\nb:\n  c: 2\n  d: 3\n")
    assert doc.line(("b", "d", "missing", 3)) == 4
    assert doc.line(("b", "nope")) == 3  # where the mapping under b starts
    assert doc.line(("nope",)) == 1


def test_a_document_without_lines_knows_none() -> None:
    assert YamlDocument(data={"a": 1}).line(("a",)) is None


def test_empty_text_is_no_data() -> None:
    doc = parse_yaml("")
    assert doc.data is None
    assert doc.lines == {}


def test_yaml_scalars_keep_their_yaml_types() -> None:
    doc = parse_yaml("a: yes\nb: 1\nc: 1.5\nd: '1.0'\ne: null\n")
    assert doc.data == {"a": True, "b": 1, "c": 1.5, "d": "1.0", "e": None}


def test_anchors_and_aliases_are_expanded() -> None:
    doc = parse_yaml("x-o: &o [a, b]\nq: *o\n")
    assert doc.data == {"x-o": ["a", "b"], "q": ["a", "b"]}


def test_duplicate_key_is_an_error_with_its_line() -> None:
    text = dedent("""\
        code: T
        areas:
          - code: A
            label: First
            label: Second
        """)
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml(text)
    assert str(info.value) == "areas[0].label: key 'label' appears twice"
    assert info.value.line == 5


def test_merge_keys_are_refused() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml("base: &b {a: 1}\nother:\n  <<: *b\n")
    assert str(info.value) == "YAML merge keys (<<) are not supported"
    assert info.value.line == 3


def test_unknown_tag_is_a_syntax_error_with_its_line() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml("code: T\nname: !foo Toy\n")
    assert str(info.value) == "invalid YAML: could not determine a constructor for the tag '!foo'"
    assert info.value.line == 2


def test_a_key_must_be_a_single_value() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml("code: T\n? [a, b]\n: 1\n")
    assert str(info.value) == "invalid YAML: a key must be a single value"
    assert info.value.line == 2


def test_one_document_only() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml("a: 1\n---\nb: 2\n")
    assert str(info.value) == (
        "invalid YAML: expected a single document in the stream but found another document"
    )
    assert info.value.line == 2


def test_syntax_error_has_its_line() -> None:
    text = dedent("""\
        code: T
        name: Toy
        indicators: [{code: q1, type: boolean}
        levels: [area]
        """)
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml(text)
    assert str(info.value) == (
        "invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"
    )
    assert info.value.line == 4


def _laughs(levels: int) -> str:
    """A "billion laughs" document: each level repeats the previous one nine times."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, levels):
        lines.append(f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_before_it_is_built() -> None:
    # regression: a 511-byte document ran the admin upload for minutes and gigabytes
    text = _laughs(9)  # 9^9 ≈ 387 million values
    assert len(text) < 600
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml(text)
    assert str(info.value) == (
        "the document expands to more than 500,000 values (aliases repeated within aliases, "
        "or an alias inside itself?); an index definition is far smaller"
    )
    assert info.value.line == 1


def test_a_small_expansion_and_ordinary_anchors_still_load() -> None:
    assert len(parse_yaml(_laughs(5)).data["l4"]) == 9  # 9^5 = 59,049 values
    doc = parse_yaml("x-opts: &o {a: 1}\nq: *o\nr: *o\n")
    assert doc.data["q"] == doc.data["r"] == {"a": 1}


def test_an_alias_inside_itself_and_deep_nesting_are_refused() -> None:
    with pytest.raises(YamlSyntaxError, match="an alias inside itself"):
        parse_yaml("a: &a [1, *a]\n")
    deep = "a:\n" + "".join("  " * i + "-\n" for i in range(1, 120))
    with pytest.raises(YamlSyntaxError, match=r"^the document nests deeper than 100 levels"):
        parse_yaml(deep)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "name: x\nfrom: 2024-02-30\n",
            2,
            "invalid YAML: '2024-02-30' is not a valid timestamp (day is out of range for "
            "month); quote it to keep it as text",
        ),
        (
            "a: !!float x\n",
            1,
            "invalid YAML: 'x' is not a valid float (could not convert string to float: 'x'); "
            "quote it to keep it as text",
        ),
        ("name: x\n? !!set {a}\n: 1\n", 2, "invalid YAML: a key must be a single value"),
        (
            "name: x\nlabel: a\x01b\n",
            2,
            "invalid YAML: character U+0001 (control characters are not allowed)",
        ),
        ("\x00", 1, "invalid YAML: character U+0000 (control characters are not allowed)"),
    ],
    ids=["impossible-date", "bad-float", "set-as-key", "control-character", "nul"],
)
def test_values_yaml_cannot_build_are_syntax_errors(text: str, line: int, message: str) -> None:
    # regression: these raised ValueError, TypeError or yaml's ReaderError (found by fuzzing)
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml(text)
    assert (str(caught.value), caught.value.line) == (message, line)


def test_a_document_with_aliases_keeps_the_lines_of_every_path() -> None:
    # an alias sends the build back through the size check and builds again from the start
    doc = parse_yaml("x-o: &o [a, b]\nq: *o\nr: 1\n")
    assert doc.data == {"x-o": ["a", "b"], "q": ["a", "b"], "r": 1}
    assert doc.lines == {
        (): 1,
        ("x-o",): 1,
        ("x-o", 0): 1,
        ("x-o", 1): 1,
        ("q",): 1,  # an alias points at its anchor's line
        ("q", 0): 1,
        ("q", 1): 1,
        ("r",): 3,
    }


def test_a_document_without_aliases_is_bounded_while_it_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yamlsource, "MAX_VALUES", 10)
    parse_yaml("a: [1, 2, 3]\n")  # 6 values: the root, a key, a list and its three items
    with pytest.raises(YamlSyntaxError, match=r"^the document expands to more than 10 values"):
        parse_yaml("a: [1, 2, 3, 4, 5, 6, 7, 8]\n")


def test_deep_nesting_reached_through_an_alias_is_refused() -> None:
    anchor = "a: &a " + "[" * 60 + "1" + "]" * 60 + "\n"  # 62 levels from the root
    assert parse_yaml(anchor + "b: *a\n").data["b"] == parse_yaml(anchor).data["a"]
    with pytest.raises(YamlSyntaxError, match=r"^the document nests deeper than 100 levels"):
        parse_yaml(anchor + "b: " + "[" * 45 + "*a" + "]" * 45 + "\n")  # 107 levels
