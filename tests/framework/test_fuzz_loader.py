"""Fuzzing the framework loader: whatever the text or mapping, ``load_index`` and
``load_framework`` load it or raise a :class:`~polindex.errors.PolindexError` — never another
exception (issue 13)."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polindex.errors import PolindexError
from polindex.framework import load_framework, load_index

from ..conftest import ROBUST_FRAMEWORK, TINY

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The words of the format, so that generated documents reach past "unknown key"
KEYS = [
    "code", "name", "label", "question", "version", "languages", "scale", "min", "max",
    "bands", "levels", "areas", "children", "indicators", "type", "options", "score", "weight",
    "weights", "bounds", "goalposts", "direction", "applicable_if", "indicator", "in",
    "aggregation", "pipeline", "steps", "step", "method", "params", "uncertainty", "runs",
    "inputs", "alternatives", "citation", "licence", "units", "en", "fr",
]  # fmt: skip
WORDS = ["categorical", "boolean", "numeric", "arithmetic", "geometric", "minmax", "zscore",
         "area", "A", "q1", "q2", "yes", "no", "n/a", "", "a/b", "-1", "1e400"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=5),
    ),
    max_leaves=30,
)


def loads_or_refuses(text: str) -> None:
    with contextlib.suppress(PolindexError):
        load_index(text=text, name="fuzz.yaml")


@FUZZ
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    loads_or_refuses(text)


@FUZZ
@given(st.lists(st.sampled_from([*KEYS, *WORDS, ":", "- ", "\n", "  ", "[", "]", "{", "}",
                                 ",", "&a ", "*a", "!!", "? ", "|", ">", "'", '"', "#", "%"]),
                max_size=60).map("".join))  # fmt: skip
def test_yaml_shaped_text(text: str) -> None:
    loads_or_refuses(text)


@FUZZ
@given(values)
def test_any_document(document: Any) -> None:
    loads_or_refuses(yaml.safe_dump(document))
    if isinstance(document, dict):
        with contextlib.suppress(PolindexError):
            load_framework(document)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            found += _paths(value, (*here, k))
    return found


BASES = [TINY, yaml.safe_load(ROBUST_FRAMEWORK)]  # the second with a pipeline and uncertainty
CHANGES = st.sampled_from(range(len(BASES))).flatmap(
    lambda k: st.tuples(
        st.just(k), st.lists(st.tuples(st.sampled_from(_paths(BASES[k])[1:]), values),
                             min_size=1, max_size=3)
    )
)  # fmt: skip


@FUZZ
@given(CHANGES)
def test_a_valid_framework_with_wrong_values(
    changes: tuple[int, list[tuple[tuple[Any, ...], Any]]],
) -> None:
    base, wrong = changes
    document = copy.deepcopy(BASES[base])
    for path, value in wrong:
        node = document
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change removed the path
            continue
    loads_or_refuses(yaml.safe_dump(document, allow_unicode=True))
    with contextlib.suppress(PolindexError):
        load_framework(document)
