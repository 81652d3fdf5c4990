"""YAML parsing that remembers the line of every value, so errors can point into the file."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathPart = str | int

# LibYAML's composer (about 15 times faster than PyYAML's pure-Python one) where PyYAML was built
# with it; the nodes carry the same marks, so lines are reported alike.
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def format_path(parts: tuple[PathPart, ...]) -> str:
    """Render a location as ``areas[2].dimensions[1].options``.

    Examples
    --------
    >>> format_path(("areas", 2, "dimensions", 1, "options"))
    'areas[2].dimensions[1].options'
    >>> format_path(())
    ''
    """
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class YamlDocument:
    """Plain Python data parsed from YAML plus the 1-based line of each location."""

    data: Any
    lines: dict[tuple[PathPart, ...], int] = field(default_factory=dict)

    def line(self, parts: tuple[PathPart, ...]) -> int | None:
        """The line of ``parts``, or of its nearest ancestor that has one."""
        while True:
            if parts in self.lines:
                return self.lines[parts]
            if not parts:
                return None
            parts = parts[:-1]


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        self.line = line
        super().__init__(message)


def _syntax_error(exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    mark = exc.problem_mark or exc.context_mark
    msg = " ".join(x for x in (exc.context, exc.problem) if x)
    return YamlSyntaxError(f"invalid YAML: {msg}", mark.line + 1 if mark else None)


MAX_VALUES = 500_000
"""Values a document may expand to once its aliases are followed (a framework of 10,000
questions has about 100,000): beyond, it is refused before anything is built ("billion
laughs")."""
MAX_DEPTH = 100
"""Nesting a document may have (a deep framework has about 15 levels)."""


def _yaml_children(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _data_children(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return list(value)
    return []


def _expanded(root: Any, children: Callable[[Any], list[Any]] = _yaml_children) -> tuple[int, int]:
    """How many values ``root`` expands to with its aliases followed, and how deep it nests,
    computed once per distinct node (milliseconds, whatever the expansion). ``root`` is a YAML
    node, or plain data with ``children=_data_children`` (a list shared by two keys is an
    alias too)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()  # nodes whose children are still being measured
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        kids = children(node)
        if not done:
            if id(node) in open_:  # an alias to one of its own ancestors: endless
                return MAX_VALUES + 1, 0
            open_.add(id(node))
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in size)
            continue
        open_.discard(id(node))
        size[id(node)] = min(1 + sum(size.get(id(k), 0) for k in kids), MAX_VALUES + 1)
        depth[id(node)] = 1 + max((depth.get(id(k), 0) for k in kids), default=0)
    return size[id(root)], depth[id(root)]


class _SharedNodeError(Exception):
    """A YAML node met twice while building: the document has aliases."""


_STR = "tag:yaml.org,2002:str"


def _check_size(size: int, depth: int, line: int | None) -> None:
    """Refuse a document that expands to too many values or nests too deep."""
    if size > MAX_VALUES or depth > MAX_DEPTH:
        what = (
            f"expands to more than {MAX_VALUES:,} values (aliases repeated within aliases, "
            "or an alias inside itself?)"
            if size > MAX_VALUES
            else f"nests deeper than {MAX_DEPTH} levels"
        )
        raise YamlSyntaxError(f"the document {what}; an index definition is far smaller", line)


def from_data(data: Any) -> YamlDocument:
    """A document from already parsed data (a mapping or a list), refused as YAML text would
    be when it nests deeper than :data:`MAX_DEPTH` or expands to more than :data:`MAX_VALUES`
    values (a value inside itself included), so that nothing below recurses without end.

    Examples
    --------
    >>> from_data({"code": "T", "indicators": [{"code": "q1"}]}).data["code"]
    'T'
    >>> deep: dict[str, Any] = {}
    >>> deep["children"] = [deep]
    >>> from_data(deep)
    Traceback (most recent call last):
    ...
    polindex.framework.yamlsource.YamlSyntaxError: the document expands to more than 500,000 \
values (aliases repeated within aliases, or an alias inside itself?); an index definition is \
far smaller
    """
    _check_size(*_expanded(data, _data_children), line=None)
    return YamlDocument(data=data)


def _unconstructed(node: yaml.Node, exc: Exception) -> str:
    """Why a value read as a date, number or other typed value could not be built.

    Examples
    --------
    >>> node = yaml.compose("2024-02-30")
    >>> _unconstructed(node, ValueError("day is out of range for month"))
    "invalid YAML: '2024-02-30' is not a valid timestamp (day is out of range for month); \
quote it to keep it as text"
    """
    kind = str(node.tag).rsplit(":", 1)[-1]
    value = f"{node.value!r} " if isinstance(node, yaml.ScalarNode) else ""
    return f"invalid YAML: {value}is not a valid {kind} ({exc}); quote it to keep it as text"


def parse_yaml(text: str) -> YamlDocument:
    """Parse YAML text into plain data and a map from location to line.

    Duplicate mapping keys are reported as errors rather than silently overwritten.

    Examples
    --------
    >>> doc = parse_yaml("name: x\\nitems:\\n  - a\\n  - b\\n")
    >>> doc.data, doc.lines[("items", 1)]
    ({'name': 'x', 'items': ['a', 'b']}, 4)

    A document that aliases would blow up, or that nests too deep, is refused before it is
    built (:data:`MAX_VALUES`, :data:`MAX_DEPTH`).
    """
    try:
        root = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, U+0001…)
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        what = f" U+{exc.character:04X}" if isinstance(exc.character, int) else ""
        raise YamlSyntaxError(f"invalid YAML: character{what} ({exc.reason})", line) from exc
    doc = YamlDocument(data=None)
    if root is None:
        return doc
    constructor = yaml.SafeLoader("")  # its cache of constructed nodes lives for this parse
    # A document without aliases is a tree: it is measured while it is built (values counted,
    # nesting bounded), which costs a set of node ids. The first node met twice is an alias:
    # the build stops and the whole graph is measured (:func:`_expanded`) before it is built.
    seen: set[int] | None = set()

    def construct(node: yaml.Node) -> Any:
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value  # what SafeConstructor makes of a string, without its dispatch
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:  # e.g. an unknown tag such as `!foo`
            raise _syntax_error(exc) from exc
        except (ValueError, TypeError, OverflowError) as exc:  # `2024-02-30`, `!!float x`
            raise YamlSyntaxError(_unconstructed(node, exc), node.start_mark.line + 1) from exc

    def build(node: yaml.Node, parts: tuple[PathPart, ...], depth: int) -> Any:
        if seen is not None:
            if id(node) in seen:
                raise _SharedNodeError
            seen.add(id(node))
            if depth > MAX_DEPTH or len(seen) > MAX_VALUES:
                _check_size(len(seen), depth, line=1)
        doc.lines[parts] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlSyntaxError("YAML merge keys (<<) are not supported", line)
                if seen is not None:
                    if id(key_node) in seen:
                        raise _SharedNodeError
                    seen.add(id(key_node))
                key = construct(key_node)
                if isinstance(key, list | dict) or not isinstance(key, Hashable):
                    raise YamlSyntaxError("invalid YAML: a key must be a single value", line)
                if key in out:
                    raise YamlSyntaxError(
                        f"{format_path((*parts, str(key)))}: key {key!r} appears twice", line
                    )
                out[key] = build(value_node, (*parts, str(key)), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(v, (*parts, i), depth + 1) for i, v in enumerate(node.value)]
        return construct(node)

    try:
        doc.data = build(root, (), 1)
    except _SharedNodeError:
        _check_size(*_expanded(root), line=1)
        seen = None
        doc.lines.clear()
        doc.data = build(root, (), 1)
    return doc


def read_section(
    source: str | Path | dict[str, Any] | list[Any] | YamlDocument, key: str, default_name: str
) -> tuple[YamlDocument, tuple[PathPart, ...], Any, str]:
    """Parse ``source`` (a YAML file, already parsed data or a parsed document) and find its
    ``key:`` section.

    Returns the document, the path of the section (``(key,)``, or ``()`` when the whole
    document is the section), the section's data and a name for messages. Raises
    :class:`~polindex.framework.problems.FrameworkError` for an unreadable file or bad YAML.

    Examples
    --------
    >>> doc, base, data, name = read_section({"pipeline": {"steps": []}}, "pipeline", "<p>")
    >>> base, data, name
    (('pipeline',), {'steps': []}, '<p>')
    """
    from polindex.framework.problems import FrameworkError, Problem

    name = default_name
    if isinstance(source, YamlDocument):
        doc = source
    elif isinstance(source, dict | list):
        try:
            doc = from_data(source)
        except YamlSyntaxError as exc:
            raise FrameworkError([Problem("", str(exc), exc.line)], name) from exc
    else:
        path = Path(source)
        name = str(path)
        try:
            doc = parse_yaml(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise FrameworkError([Problem("", f"cannot read file: {exc.strerror}")], name) from exc
        except YamlSyntaxError as exc:
            raise FrameworkError([Problem("", str(exc), exc.line)], name) from exc
    data = doc.data
    if isinstance(data, dict) and key in data:
        return doc, (key,), data[key], name
    return doc, (), data, name
