"""A framework's tree compiled into flat arrays the engine can compute with.

Nodes are numbered with the indicators first (in document order) and the groups after them,
ordered by height (a group's height is one more than its highest child), so every group is
computed after all of its children. Each height gets a child→parent weight matrix; aggregating
a height is one matrix product over every unit, period and replication at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from polindex.engine.segments import Segments
from polindex.framework.models import Framework, Indicator, Node

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Method:
    """An aggregation method and its parameters (hashable, so groups can share one call).

    Examples
    --------
    >>> Method.of("generalised", p=2).param("p"), Method.of("arithmetic").name
    (2.0, 'arithmetic')
    """

    name: str
    params: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, name: str, **params: Any) -> Method:
        return cls(name, tuple(sorted((k, float(v)) for k, v in params.items())))

    def param(self, key: str, default: float | None = None) -> float:
        for k, v in self.params:
            if k == key:
                return v
        if default is None:
            raise KeyError(f"aggregation method {self.name!r} needs parameter {key!r}")
        return default

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v:g}" for k, v in self.params)
        return f"{self.name}({args})" if args else self.name


@dataclass(frozen=True)
class HeightBlock:
    """The groups at one height and the edges that feed them.

    Edges are sorted by parent: ``children[starts[k]:starts[k + 1]]`` feed ``parents[k]``
    with ``weights`` over the same range, so a parent's sum is one segment of a reduction.
    """

    height: int
    parents: IntArray
    children: IntArray
    starts: IntArray
    weights: FloatArray
    methods: tuple[Method, ...]
    min_coverage: FloatArray

    @cached_property
    def child_slice(self) -> slice | None:
        """The children as a slice of the node axis when they are one contiguous range."""
        c = self.children
        if len(c) and np.array_equal(c, np.arange(c[0], c[0] + len(c))):
            return slice(int(c[0]), int(c[0]) + len(c))
        return None

    @cached_property
    def n_children(self) -> IntArray:
        """Number of children of each parent."""
        return np.diff(np.append(self.starts, len(self.children)))

    @cached_property
    def segments(self) -> Segments:
        """Each parent's edges as a segment, grouped by length (for the segment sums)."""
        return Segments.of(self.starts, len(self.children))

    @cached_property
    def local(self) -> IntArray:
        """For each edge, the position of its parent in ``parents``."""
        return np.repeat(np.arange(len(self.parents)), self.n_children)


@dataclass(frozen=True)
class Structure:
    """The compiled tree of a :class:`~polindex.framework.Framework`.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> fw = load_framework({"code": "T", "name": "T", "children": [
    ...     {"code": "A", "indicators": [{"code": "q1", "type": "boolean"},
    ...                                  {"code": "q2", "type": "boolean"}]},
    ...     {"code": "B", "indicators": [{"code": "q3", "type": "boolean"}]}]})
    >>> s = Structure.from_framework(fw)
    >>> s.codes, s.n_indicators, [b.height for b in s.blocks]
    (('q1', 'q2', 'q3', 'A', 'B', 'T'), 3, [1, 2])
    """

    codes: tuple[str, ...]
    levels: tuple[str, ...]
    depth: IntArray
    height: IntArray
    parent: IntArray
    weight: FloatArray
    n_indicators: int
    blocks: tuple[HeightBlock, ...]

    @property
    def n_nodes(self) -> int:
        return len(self.codes)

    @property
    def root(self) -> int:
        return self.n_nodes - 1

    @cached_property
    def index(self) -> dict[str, int]:
        """Position of each code."""
        return {c: i for i, c in enumerate(self.codes)}

    @cached_property
    def edges(self) -> tuple[IntArray, IntArray, FloatArray]:
        """All (child, parent, weight) edges, in block order."""
        return (
            np.concatenate([b.children for b in self.blocks]),
            np.concatenate([b.parents[b.local] for b in self.blocks]),
            np.concatenate([b.weights for b in self.blocks]),
        )

    def methods(self) -> dict[str, Method]:
        """Each group's aggregation method, by code (the root last).

        Examples
        --------
        >>> from polindex.framework import load_framework
        >>> fw = load_framework({"code": "T", "name": "T", "aggregation": "geometric",
        ...     "indicators": [{"code": "q", "type": "boolean"}]})
        >>> {code: str(m) for code, m in Structure.from_framework(fw).methods().items()}
        {'T': 'geometric'}
        """
        return {
            self.codes[p]: m for b in self.blocks for p, m in zip(b.parents, b.methods, strict=True)
        }

    def with_methods(self, methods: Mapping[str, Method]) -> Structure:
        """A copy in which the groups named in ``methods`` (by code) use those methods.

        Examples
        --------
        >>> from polindex.framework import load_framework
        >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
        ...     {"code": "q1", "type": "boolean"}, {"code": "q2", "type": "boolean"}]})
        >>> s = Structure.from_framework(fw).with_methods({"T": Method.of("geometric")})
        >>> str(s.blocks[0].methods[0])
        'geometric'
        """
        unknown = [c for c in methods if c not in self.index or self.index[c] < self.n_indicators]
        if unknown:
            raise KeyError(f"not groups of the tree: {', '.join(unknown)}")
        blocks = []
        for b in self.blocks:
            new = tuple(
                methods.get(self.codes[p], m) for p, m in zip(b.parents, b.methods, strict=True)
            )
            blocks.append(replace(b, methods=new) if new != b.methods else b)
        return replace(self, blocks=tuple(blocks))

    def children_of(self, code: str) -> list[str]:
        """Codes of the direct children of ``code`` (indicators first, then groups)."""
        i = self.index[code]
        return [self.codes[j] for j in np.flatnonzero(self.parent == i)]

    @classmethod
    def from_framework(cls, fw: Framework) -> Structure:
        """Compile ``fw``'s tree."""
        items = list(fw.root.walk())
        heights: dict[str, int] = {}
        for item, _, _ in reversed(items):  # children come after their parent in pre-order
            if isinstance(item, Indicator):
                heights[item.code] = 0
            else:
                heights[item.code] = 1 + max(heights[c.code] for c in item.children)
        indicators = [it for it in items if isinstance(it[0], Indicator)]
        groups = sorted(
            (it for it in items if isinstance(it[0], Node)),
            key=lambda it: heights[it[0].code],
        )
        ordered = indicators + groups  # sorted() is stable: document order within a height
        codes = tuple(it[0].code for it in ordered)
        pos = {c: i for i, c in enumerate(codes)}
        parent = np.array([pos[p.code] if p is not None else -1 for _, p, _ in ordered], np.intp)
        weight = np.array([it[0].weight for it in ordered], dtype=np.float64)
        height = np.array([heights[c] for c in codes], dtype=np.intp)
        blocks = []
        for h in range(1, int(height.max()) + 1):
            parents = np.flatnonzero(height == h)
            # edges sorted by parent, then by child: each parent's children form one segment
            children = np.concatenate([np.flatnonzero(parent == p) for p in parents])
            counts = np.array([np.count_nonzero(parent == p) for p in parents], dtype=np.intp)
            nodes = [ordered[p][0] for p in parents]
            blocks.append(
                HeightBlock(
                    height=h,
                    parents=parents,
                    children=children,
                    starts=np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp),
                    weights=weight[children],
                    methods=tuple(Method.of(n.aggregation) for n in nodes if isinstance(n, Node)),
                    min_coverage=np.array(
                        [n.min_coverage for n in nodes if isinstance(n, Node)], dtype=np.float64
                    ),
                )
            )
        return cls(
            codes=codes,
            levels=tuple(it[0].level for it in ordered),
            depth=np.array([d for _, _, d in ordered], dtype=np.intp),
            height=height,
            parent=parent,
            weight=weight,
            n_indicators=len(indicators),
            blocks=tuple(blocks),
        )
