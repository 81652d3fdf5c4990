"""YAML parsing that remembers the line of every value, so errors can point into the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathPart = str | int


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


def parse_yaml(text: str) -> YamlDocument:
    """Parse YAML text into plain data and a map from location to line.

    Duplicate mapping keys are reported as errors rather than silently overwritten.

    Examples
    --------
    >>> doc = parse_yaml("name: x\\nitems:\\n  - a\\n  - b\\n")
    >>> doc.data, doc.lines[("items", 1)]
    ({'name': 'x', 'items': ['a', 'b']}, 4)
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from exc
    doc = YamlDocument(data=None)
    if root is None:
        return doc
    constructor = yaml.SafeLoader("")

    def construct(node: yaml.Node) -> Any:
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:  # e.g. an unknown tag such as `!foo`
            raise _syntax_error(exc) from exc

    def build(node: yaml.Node, parts: tuple[PathPart, ...]) -> Any:
        doc.lines[parts] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlSyntaxError("YAML merge keys (<<) are not supported", line)
                key = construct(key_node)
                if isinstance(key, list | dict):
                    raise YamlSyntaxError("invalid YAML: a key must be a single value", line)
                if key in out:
                    raise YamlSyntaxError(
                        f"{format_path((*parts, str(key)))}: key {key!r} appears twice", line
                    )
                out[key] = build(value_node, (*parts, str(key)))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(v, (*parts, i)) for i, v in enumerate(node.value)]
        return construct(node)

    doc.data = build(root, ())
    return doc


def read_section(
    source: str | Path | dict[str, Any] | list[Any] | YamlDocument, key: str, default_name: str
) -> tuple[YamlDocument, tuple[PathPart, ...], Any, str]:
    """Parse ``source`` (a YAML file, already parsed data, or a parsed document with its lines)
    and find its ``key:`` section.

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
        doc = YamlDocument(data=source)
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
