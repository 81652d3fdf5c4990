"""Read a framework from YAML, reporting every problem with its path and line.

The loader walks the document itself (so each node is checked where it stands and child lists
can be named after the index's levels: ``areas:``, ``dimensions:``), validates each object with
its pydantic model, then runs the cross-checks in :mod:`polindex.framework.checks`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from polindex.framework.checks import check_framework
from polindex.framework.messages import did_you_mean, explain, unknown
from polindex.framework.models import Framework, Indicator, Level, Node
from polindex.framework.pipeline import Pipeline, load_pipeline
from polindex.framework.problems import FrameworkError, Problem
from polindex.framework.uncertainty import Uncertainty, load_uncertainty
from polindex.framework.vocabulary import AGGREGATION_METHODS
from polindex.framework.yamlsource import (
    PathPart,
    YamlDocument,
    YamlSyntaxError,
    format_path,
    parse_yaml,
)

Parts = tuple[PathPart, ...]

LABEL_KEYS = frozenset(
    {"label", "description", "question", "name", "reason"}
    | {"how_to_answer", "examples", "term", "definition"}  # a question's guidance
)
NODE_KEYS = frozenset(Node.model_fields) - {"children", "level"}
META_KEYS = frozenset(Framework.model_fields) - {"root"}
DEFAULT_KEYS = ("weight", "aggregation", "min_coverage")
PLACEHOLDER_CODE = "x-missing-code"
"""Stands in for an invalid index code (already reported) so the rest can still be checked."""


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

    def validation_problems(
        self,
        exc: ValidationError,
        parts: Parts,
        allowed: set[str],
        model: type[BaseModel] | None = None,
    ) -> None:
        for loc, message, err in explain(exc):
            where = (*parts, *loc)
            if err["type"] == "extra_forbidden":
                key = str(loc[-1])
                # A key inside a nested object (an option, a rule) is compared with its own keys.
                here = allowed if len(loc) == 1 or model is None else _keys_at(model, loc[:-1])
                message += did_you_mean(key, sorted(here - {key}))
            self.problem(where, message)

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
        data = self.labels_to_dicts(raw)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            # Suggest only keys that may be written here: child lists belong to groups alone,
            # and the level of a group or indicator is not set by hand.
            allowed = set(model.model_fields) - {"level"}
            if model is Node:
                allowed |= self.child_keys()
            self.validation_problems(exc, parts, allowed, model)
            errors = exc.errors()
        # Keep checking the rest: drop what is faulty (defaults take over) and build the object
        # from what is left, so that it stays in the tree, its cross-checks still run and no
        # follow-on problems appear elsewhere (a rule naming it, its parent's weights).
        while _drop_faulty(data, errors):
            try:
                return model.model_validate(data)
            except ValidationError as exc:
                errors = exc.errors()
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

        # Top-level keys starting with "x-" are free for the author (e.g. YAML anchors); the
        # construction pipeline is checked on its own (see _load).
        raw = {
            k: v
            for k, v in raw.items()
            if not str(k).startswith("x-") and k not in ("pipeline", "uncertainty")
        }
        meta = {k: v for k, v in raw.items() if k in META_KEYS}
        node_raw = {k: v for k, v in raw.items() if k not in META_KEYS and k != "defaults"}
        for key in list(node_raw):
            if key not in self.child_keys() | {"aggregation", "min_coverage"}:
                known = META_KEYS | self.child_keys() | {"defaults", "aggregation", "min_coverage"}
                self.problem((str(key),), f"unknown key {key!r}{did_you_mean(key, sorted(known))}")
                del node_raw[key]
        # The root takes the index's code, name and description; a faulty one is reported once,
        # by the metadata check below, and a placeholder (or nothing) stands in for it here.
        for key, meta_key in (("code", "code"), ("label", "name"), ("description", "description")):
            value = meta.get(meta_key)
            if value is None:
                continue
            try:
                Node.model_validate(self.labels_to_dicts({"code": "x", key: value}))
            except ValidationError:
                value = PLACEHOLDER_CODE if key == "code" else None
            node_raw[key] = value
        node_raw.setdefault("code", PLACEHOLDER_CODE)
        root = self.node(
            {k: v for k, v in node_raw.items() if v is not None}, (), depth=0, is_root=True
        )
        if root is None:
            return None
        meta = {**self.labels_to_dicts(meta), "levels": self.levels, "root": root}
        for key in ("units", "unit_groups"):  # YAML may read a code as a number
            if isinstance(meta.get(key), dict):
                meta[key] = {str(k): v for k, v in meta[key].items()}
        if isinstance(meta.get("unit_groups"), dict):  # a group's label may be plain text
            meta["unit_groups"] = {
                k: {self.lang: v} if isinstance(v, str) else v
                for k, v in meta["unit_groups"].items()
            }
        try:
            return Framework.model_validate(meta)
        except ValidationError as exc:
            self.validation_problems(exc, (), set(META_KEYS) | self.child_keys(), Framework)
            bad = set()
            for err in exc.errors():
                loc = err["loc"]
                if len(loc) > 1 and loc[0] in ("units", "unit_groups"):
                    meta[str(loc[0])].pop(str(loc[1]), None)  # that entry, not all of them
                elif loc:
                    bad.add(loc[0])
        # Keep checking the rest: drop the faulty metadata (defaults or placeholders take over).
        meta = {k: v for k, v in meta.items() if k not in bad}
        meta.setdefault("code", PLACEHOLDER_CODE)
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
                self.paths[id(level)] = ("levels", i)
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
        out = {k: v for k, v in raw.items() if k in DEFAULT_KEYS}
        # Check the defaults once, here, rather than once for every node that inherits them.
        try:
            Node.model_validate({"code": "x", **out})
        except ValidationError as exc:
            self.validation_problems(exc, ("defaults",), set(DEFAULT_KEYS))
            for err in exc.errors():
                out.pop(str(err["loc"][0]), None)
        method = out.get("aggregation")
        if method is not None and method not in AGGREGATION_METHODS:
            self.problem(
                ("defaults", "aggregation"), unknown("method", method, AGGREGATION_METHODS)
            )
            del out["aggregation"]
        return out

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
            if key == "indicators":
                children.extend(self.child_list(value, kparts, depth + 1, self.indicator))
            elif key == child_key:
                children.extend(self.child_list(value, kparts, depth + 1, self.node))
            elif key in self.child_keys():
                self.problem(
                    kparts,
                    f"groups at depth {depth + 1} are listed under {child_key!r}, "
                    f"not {key!r} (see 'levels')",
                )
            elif key == "level":
                self.problem(kparts, "unknown key 'level'")
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


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """The keys of the object at ``loc`` inside ``model`` (empty if it is not a model)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(str(part))
        if field is None and part not in {f.alias for f in current.model_fields.values()}:
            continue  # a key of a mapping (a unit's code): the same model goes on
        current = _model_in(field.annotation) if field is not None else None
    if current is None:
        return set()
    return {f.alias or name for name, f in current.model_fields.items()}


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside a type such as ``tuple[Option, ...]`` or ``Rule | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _drop_faulty(data: dict[str, Any], errors: list[Any]) -> bool:
    """Remove from ``data`` what each validation error points at; ``False`` if nothing could be.

    An error inside an object of a list (``options[1].score``) removes that object; any other
    error removes the top-level key. A missing required key, an error about the whole object or
    a list left empty cannot be repaired this way.
    """
    keys: set[str] = set()
    items: set[tuple[str, int]] = set()
    for err in errors:
        loc = tuple(err["loc"])
        if not loc or loc[0] not in data:
            return False
        value = data[loc[0]]
        if (
            len(loc) > 2
            and isinstance(loc[1], int)
            and isinstance(value, list)
            and 0 <= loc[1] < len(value)
            and isinstance(value[loc[1]], dict)
        ):
            items.add((str(loc[0]), loc[1]))
        else:
            keys.add(str(loc[0]))
    for key, index in sorted(items, reverse=True):
        if key not in keys:
            del data[key][index]
            if not data[key]:
                return False
    for key in keys:
        del data[key]
    return True


Loaded = tuple[Framework | None, Pipeline | None, Uncertainty | None, list[Problem]]


def load_document(doc: YamlDocument, source: str, folder: Path | None = None) -> Loaded:
    """Check a parsed framework document: its tree, its ``pipeline:`` and its ``uncertainty:``
    sections. Returns the three objects (``None`` where absent) and every problem found; the
    objects are ``None`` as soon as there is one problem. ``folder`` is where relative paths in
    the document (an uncertainty input's ``weight_sets:`` CSV) are read from."""
    walker = _Walker(doc)
    fw = walker.framework()
    problems = walker.problems
    if fw is not None:
        problems += check_framework(fw, lambda obj: walker.paths.get(id(obj), ()), doc.line)
    pipeline = uncertainty = None
    if isinstance(doc.data, dict) and "pipeline" in doc.data:
        try:
            pipeline = load_pipeline(doc, fw if not problems else None)
        except FrameworkError as exc:
            problems += exc.problems
    if isinstance(doc.data, dict) and "uncertainty" in doc.data:
        try:
            uncertainty = load_uncertainty(doc, folder=folder)
        except FrameworkError as exc:
            problems += exc.problems
    if problems:
        return None, None, None, problems
    return fw, pipeline, uncertainty, problems


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
    return sorted(load_document(doc, source)[3], key=lambda p: (p.line or 0, p.path))
