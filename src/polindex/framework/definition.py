"""The index definition: the framework with its construction pipeline and uncertainty design,
parsed once from one YAML document.

:func:`load_index` is the one way in: a file, YAML text (an upload) or an already parsed
mapping becomes a frozen :class:`IndexDefinition`, or a
:class:`~polindex.framework.FrameworkError` listing every problem with its path and line.
Everything below it (scoring, building, robustness, releases) takes the definition and never
goes back to the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from polindex.framework.loader import load_document
from polindex.framework.models import Framework
from polindex.framework.pipeline import Pipeline
from polindex.framework.problems import FrameworkError, Problem
from polindex.framework.uncertainty import Uncertainty
from polindex.framework.yamlsource import YamlSyntaxError, from_data, parse_yaml


@dataclass(frozen=True)
class IndexDefinition:
    """One index, as its YAML defines it: ``framework`` (the tree, scales, bands, languages),
    ``pipeline`` (the construction steps, ``None``: the data are scored as they are) and
    ``uncertainty`` (the robustness design, ``None``: none declared); ``source`` names where it
    came from, for messages.

    Examples
    --------
    >>> d = load_index({"code": "T", "name": "Toy", "indicators": [
    ...     {"code": "q1", "type": "numeric"}],
    ...     "pipeline": {"steps": [{"step": "normalise", "method": "minmax"}]}})
    >>> d.code, d.pipeline is not None, d.uncertainty
    ('T', True, None)
    """

    framework: Framework
    pipeline: Pipeline | None = None
    uncertainty: Uncertainty | None = None
    source: str = "<framework>"

    @property
    def code(self) -> str:
        """The index's code."""
        return self.framework.code

    def require_pipeline(self) -> Pipeline:
        """The pipeline; :class:`FrameworkError` if the definition has none.

        Examples
        --------
        >>> load_index({"code": "T", "name": "T", "indicators": [
        ...     {"code": "q", "type": "boolean"}]}).require_pipeline()
        Traceback (most recent call last):
        ...
        polindex.framework.problems.FrameworkError: <framework>: 1 problem
          <framework>: pipeline: the index has no pipeline: section (construction steps)
        """
        if self.pipeline is None:
            raise FrameworkError(
                [Problem("pipeline", "the index has no pipeline: section (construction steps)")],
                self.source,
            )
        return self.pipeline

    def require_uncertainty(self) -> Uncertainty:
        """The uncertainty design; :class:`FrameworkError` if the definition has none."""
        if self.uncertainty is None:
            raise FrameworkError(
                [Problem("uncertainty", "the index has no uncertainty: section (the design)")],
                self.source,
            )
        return self.uncertainty

    def with_(
        self, *, pipeline: Pipeline | None = None, uncertainty: Uncertainty | None = None
    ) -> IndexDefinition:
        """A copy with another pipeline or uncertainty design (those given replace the own)."""
        changes: dict[str, Any] = {}
        if pipeline is not None:
            changes["pipeline"] = pipeline
        if uncertainty is not None:
            changes["uncertainty"] = uncertainty
        return replace(self, **changes)


Source = str | Path | Mapping[str, Any] | IndexDefinition | Framework


def load_index(
    source: Source | None = None,
    *,
    text: str | None = None,
    name: str | None = None,
    folder: Path | None = None,
) -> IndexDefinition:
    """Parse and check an index definition once: a YAML file (a :class:`~pathlib.Path`, or a
    ``str`` naming one), YAML text (``text=``, or a ``str`` holding a line break), or a parsed
    mapping.

    Every problem of the tree, the ``pipeline:`` and the ``uncertainty:`` sections is reported
    together in one :class:`~polindex.framework.FrameworkError`, each with its path and line.
    Relative paths inside the definition (an uncertainty input's ``weight_sets:`` CSV) are read
    now, relative to the YAML file's folder (or ``folder``; text and mappings: the working
    directory). ``name`` names the source in messages. A definition or a bare
    :class:`~polindex.framework.Framework` is returned as a definition, unchanged.

    Examples
    --------
    >>> d = load_index("code: T\\nname: Toy\\nindicators:\\n  - {code: q1, type: boolean}\\n")
    >>> d.framework.name, d.source
    ({'en': 'Toy'}, '<text>')
    >>> load_index("code: T\\nname: Toy\\n")
    Traceback (most recent call last):
    ...
    polindex.framework.problems.FrameworkError: <text>: 1 problem
      <text>:1: (document): has no 'children' and no 'indicators': nothing to score
    """
    if text is not None:
        source = text if "\n" in text else text + "\n"
    if source is None:
        raise TypeError("load_index: give a path, YAML text or a mapping")
    if isinstance(source, IndexDefinition):
        return source
    if isinstance(source, Framework):
        return IndexDefinition(source, source=name or "<framework>")
    if isinstance(source, Mapping):
        label = name or "<framework>"
        try:
            doc = from_data(dict(source))
        except YamlSyntaxError as exc:
            raise FrameworkError([Problem("", str(exc), exc.line)], label) from exc
    else:
        if isinstance(source, str) and "\n" in source:
            text, label = source, name or "<text>"
        else:
            path = Path(source)
            label = name or str(path)
            folder = folder or path.parent
            text = _read_text(path, label)
        try:
            doc = parse_yaml(text)
        except YamlSyntaxError as exc:
            raise FrameworkError([Problem("", str(exc), exc.line)], label) from exc
    fw, pipeline, uncertainty, problems = load_document(doc, label, folder)
    if fw is None:
        raise FrameworkError(problems, label)
    return IndexDefinition(fw, pipeline, uncertainty, label)


def _read_text(path: Path, label: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FrameworkError([Problem("", f"cannot read file: {exc.strerror}")], label) from exc
    except UnicodeDecodeError as exc:
        raise FrameworkError(
            [Problem("", f"not UTF-8 text (byte {exc.start:,} cannot be read); save it as UTF-8")],
            label,
        ) from exc


def load_framework(source: str | Path | dict[str, Any]) -> Framework:
    """Load and validate a framework from a YAML file (or an already parsed mapping).

    The framework alone; :func:`polindex.framework.load_index` also gives the file's
    ``pipeline:`` and ``uncertainty:`` sections from the same single parse.

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
    return load_index(source).framework


__all__ = ["IndexDefinition", "load_framework", "load_index"]
