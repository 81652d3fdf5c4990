"""The typed index definition of a stored release or edition, built once per process.

A release (and an open edition) keeps its framework as JSON; pages, exports and the API read it
through :func:`definition_of`, which validates the JSON into an
:class:`~polindex.framework.IndexDefinition` once and keeps it (a release never changes, so
its key — id and checksum — never goes stale). Views and templates then use the framework's own
methods (``labels``, ``label``, ``walk``, ``text``): no page walks framework JSON by hand.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from threading import Lock
from typing import Any

from polindex.framework.definition import IndexDefinition
from polindex.framework.models import Framework
from polindex.framework.pipeline import Pipeline

MAX_KEPT = 64
"""Definitions kept per process (the least recently used is dropped)."""

_kept: OrderedDict[Hashable, IndexDefinition] = OrderedDict()
_lock = Lock()


def definition_of(
    key: Hashable | None,
    framework: Mapping[str, Any],
    pipeline: Mapping[str, Any] | None = None,
    source: str = "<stored>",
) -> IndexDefinition:
    """The definition of a stored framework (and pipeline), kept under ``key`` (``None``: not
    kept, for something that may still change, such as a draft edition).

    Examples
    --------
    >>> fw = {"code": "T", "name": {"en": "Toy"}, "root": {"code": "T", "children": [
    ...     {"code": "q", "type": "boolean"}]}}
    >>> d = definition_of(("doc", 1), fw)
    >>> d.framework.labels(), definition_of(("doc", 1), fw) is d
    ({'T': 'Toy', 'q': 'q'}, True)
    """
    if key is not None:
        with _lock:
            found = _kept.get(key)
            if found is not None:
                _kept.move_to_end(key)
                return found
    definition = IndexDefinition(
        Framework.model_validate(framework),
        Pipeline.model_validate(pipeline) if pipeline else None,
        None,
        source,
    )
    if key is not None:
        with _lock:
            _kept[key] = definition
            while len(_kept) > MAX_KEPT:
                _kept.popitem(last=False)
    return definition
