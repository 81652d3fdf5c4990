"""Read a framework from YAML, reporting every problem with its path and line.

The loader walks the document itself (so each node is checked where it stands and child lists
can be named after the index's levels: ``areas:``, ``dimensions:``), validates each object with
its pydantic model, then runs the cross-checks in :mod:`polindex.framework.checks`.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from polindex.framework.checks import check_framework
from polindex.framework.models import Framework, Indicator, Level, Node
from polindex.framework.problems import FrameworkError, Problem
from polindex.framework.yamlsource import (
    PathPart,
    YamlDocument,
    YamlSyntaxError,
    format_path,
    parse_yaml,
)

Parts = tuple[PathPart, ...]

LABEL_KEYS = frozenset({"label", "description", "question", "name", "reason"})
NODE_KEYS = frozenset(Node.model_fields) - {"children", "level"}
META_KEYS = frozenset(Framework.model_fields) - {"root"}
DEFAULT_KEYS = ("weight", "aggregation", "min_coverage")


class _Walker:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.lang = "en"
        self.levels: tuple[Level, ...] = ()
        self.defaults: dict[str, Any] = {}
        self.paths: dict[int, Parts] = {}

    # -- reporting -------------------------------------------------------------------------
    def problem(self, parts: Parts, message: str) -> None:
        self.problems.append(Problem(format_path(parts), message, self.doc.line(parts)))

    def validation_problems(self, exc: ValidationError, parts: Parts, allowed: set[str]) -> None:
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = (*parts, *loc)
            if err["type"] == "extra_forbidden":
                key = str(loc[-1])
                hint = difflib.get_close_matches(key, sorted(allowed), n=1)
                tip = f"; did you mean {hint[0]!r}?" if hint else ""
                self.problem(where, f"unknown key {key!r}{tip}")
                continue
            msg = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "required"
            elif "input" in err and not isinstance(err["input"], dict | list):
                msg = f"{msg} (got {err['input']!r})"
            self.problem(where, msg)

    # -- helpers ---------------------------------------------------------------------------
    def labels_to_dicts(self, value: Any) -> Any:
        """Turn ``label: Text`` into ``label: {<default language>: Text}``, recursively."""
        if isinstance(value, dict):
            return {
                k: (
                    {self.lang: v}
                    if k in LABEL_KEYS and isinstance(v, str)
                    else self.labels_to_dicts(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.labels_to_dicts(v) for v in value]
        return value

    def validate(self, model: type[BaseModel], raw: dict[str, Any], parts: Parts) -> Any:
        try:
            return model.model_validate(self.labels_to_dicts(raw))
        except ValidationError as exc:
            self.validation_problems(exc, parts, set(model.model_fields) | self.child_keys())
            return None

    def child_keys(self) -> set[str]:
        return {"children", "indicators"} | {lv.plural for lv in self.levels}

    # -- the walk --------------------------------------------------------------------------
    def framework(self) -> Framework | None:
        raw = self.doc.data
        if not isinstance(raw, dict):
            self.problem((), "a framework must be a YAML mapping (key: value pairs)")
            return None
        langs = raw.get("languages")
        if isinstance(langs, list) and langs and isinstance(langs[0], str):
            self.lang = langs[0]
        self.levels = self.read_levels(raw.get("levels"))
        self.defaults = self.read_defaults(raw.get("defaults"))

        # Top-level keys starting with "x-" are free for the author (e.g. YAML anchors).
        raw = {k: v for k, v in raw.items() if not str(k).startswith("x-")}
        meta = {k: v for k, v in raw.items() if k in META_KEYS}
        node_raw = {k: v for k, v in raw.items() if k not in META_KEYS and k != "defaults"}
        for key in list(node_raw):
            if key not in self.child_keys() | {"aggregation", "min_coverage"}:
                hint = difflib.get_close_matches(str(key), sorted(META_KEYS | self.child_keys()))
                tip = f"; did you mean {hint[0]!r}?" if hint else ""
                self.problem((str(key),), f"unknown key {key!r}{tip}")
                del node_raw[key]
        node_raw.setdefault("code", meta.get("code"))
        node_raw["label"] = meta.get("name")
        node_raw["description"] = meta.get("description")
        root = self.node(
            {k: v for k, v in node_raw.items() if v is not None}, (), depth=0, is_root=True
        )
        if root is None:
            return None
        meta = {**self.labels_to_dicts(meta), "levels": self.levels, "root": root}
        try:
            return Framework.model_validate(meta)
        except ValidationError as exc:
            self.validation_problems(exc, (), set(META_KEYS) | self.child_keys())
            bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
        # Keep checking the rest: drop the faulty metadata (defaults or placeholders take over).
        meta = {k: v for k, v in meta.items() if k not in bad}
        meta.setdefault("code", "_")
        meta.setdefault("name", {self.lang: "_"})
        try:
            return Framework.model_validate(meta)
        except ValidationError:
            return None

    def read_levels(self, raw: Any) -> tuple[Level, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(("levels",), "must be a list of levels, top-down")
            return ()
        out = []
        for i, item in enumerate(raw):
            if isinstance(item, str):
                item = {"code": item, "plural": f"{item}s"}
            if not isinstance(item, dict):
                self.problem(("levels", i), "must be a level name or a mapping")
                continue
            level = self.validate(Level, item, ("levels", i))
            if level is not None:
                out.append(level)
        return tuple(out)

    def read_defaults(self, raw: Any) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem(("defaults",), "must be a mapping")
            return {}
        for key in raw:
            if key not in DEFAULT_KEYS:
                self.problem(
                    ("defaults", str(key)),
                    f"unknown key {key!r}; defaults can set {', '.join(DEFAULT_KEYS)}",
                )
        return {k: v for k, v in raw.items() if k in DEFAULT_KEYS}

    def level_name(self, depth: int) -> str:
        if depth == 0:
            return "index"
        if depth <= len(self.levels):
            return self.levels[depth - 1].code
        return f"level{depth}"

    def node(self, raw: Any, parts: Parts, depth: int, is_root: bool = False) -> Node | None:
        if not isinstance(raw, dict):
            self.problem(parts, "must be a mapping with at least a code")
            return None
        child_key = self.levels[depth].plural if depth < len(self.levels) else "children"
        children: list[Node | Indicator] = []
        fields: dict[str, Any] = {}
        for key, value in raw.items():
            kparts = (*parts, str(key))
            if key == child_key:
                children.extend(self.child_list(value, kparts, depth + 1, self.node))
            elif key == "indicators":
                children.extend(self.child_list(value, kparts, depth + 1, self.indicator))
            elif key in self.child_keys():
                self.problem(
                    kparts,
                    f"groups at depth {depth + 1} are listed under {child_key!r}, "
                    f"not {key!r} (see 'levels')",
                )
            elif key in NODE_KEYS or not is_root:
                fields[key] = value
        if not children and not any(k in raw for k in self.child_keys()):
            self.problem(parts, f"has no {child_key!r} and no 'indicators': nothing to score")
        for key, value in self.defaults.items():
            if key != "weight" or not is_root:
                fields.setdefault(key, value)
        node = self.validate(Node, {**fields, "level": self.level_name(depth)}, parts)
        if node is None:
            return None
        node = node.model_copy(update={"children": tuple(children)})
        self.paths[id(node)] = parts
        return node  # type: ignore[no-any-return]

    def indicator(self, raw: Any, parts: Parts, depth: int) -> Indicator | None:
        if not isinstance(raw, dict):
            self.problem(parts, "an indicator must be a mapping with at least code and type")
            return None
        if "level" in raw:
            self.problem((*parts, "level"), "unknown key 'level'")
            raw = {k: v for k, v in raw.items() if k != "level"}
        if "weight" in self.defaults:
            raw = {"weight": self.defaults["weight"], **raw}
        ind = self.validate(Indicator, raw, parts)
        if ind is not None:
            self.paths[id(ind)] = parts
        return ind  # type: ignore[no-any-return]

    def child_list(self, value: Any, parts: Parts, depth: int, build: Any) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.problem(parts, "must be a non-empty list")
            return []
        built = [build(item, (*parts, i), depth) for i, item in enumerate(value)]
        return [b for b in built if b is not None]


def _load(doc: YamlDocument, source: str) -> tuple[Framework | None, list[Problem]]:
    walker = _Walker(doc)
    fw = walker.framework()
    problems = walker.problems
    if fw is not None:
        problems += check_framework(fw, lambda obj: walker.paths.get(id(obj), ()), doc.line)
    return (fw if not problems else None), problems


def check_framework_text(text: str, source: str = "<framework>") -> list[Problem]:
    """Every problem in a framework given as YAML text (empty list: it is valid).

    Examples
    --------
    >>> text = "code: T\\nname: Toy\\nindicators:\\n  - {code: q1, type: boolean}\\n"
    >>> check_framework_text(text)
    []
    >>> [str(p) for p in check_framework_text("code: T\\nname: Toy\\n")]
    ["line 1: (document): has no 'children' and no 'indicators': nothing to score"]
    """
    try:
        doc = parse_yaml(text)
    except YamlSyntaxError as exc:
        return [Problem("", str(exc), exc.line)]
    return sorted(_load(doc, source)[1], key=lambda p: (p.line or 0, p.path))


def load_framework(source: str | Path | dict[str, Any]) -> Framework:
    """Load and validate a framework from a YAML file (or an already parsed mapping).

    Raises :class:`~polindex.framework.FrameworkError` listing **every** problem found, each
    with its YAML path and line.

    Examples
    --------
    >>> fw = load_framework({
    ...     "code": "TOY", "name": "Toy index", "scale": {"min": 0, "max": 100},
    ...     "indicators": [
    ...         {"code": "q1", "type": "categorical", "options": [
    ...             {"code": "a", "score": 100}, {"code": "b", "score": 0}]},
    ...         {"code": "q2", "type": "boolean"},
    ...     ],
    ... })
    >>> fw.root.code, [i.code for i in fw.indicators]
    ('TOY', ['q1', 'q2'])
    """
    if isinstance(source, dict):
        doc, name = YamlDocument(data=source), "<framework>"
    else:
        path = Path(source)
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FrameworkError([Problem("", f"cannot read file: {exc.strerror}")], name) from exc
        try:
            doc = parse_yaml(text)
        except YamlSyntaxError as exc:
            raise FrameworkError([Problem("", str(exc), exc.line)], name) from exc
    fw, problems = _load(doc, name)
    if fw is None:
        raise FrameworkError(problems, name)
    return fw
