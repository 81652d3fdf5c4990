"""A framework's tree compiled into flat arrays the engine can compute with.

Nodes are numbered with the indicators first (in document order) and the groups after them,
ordered by height (a group's height is one more than its highest child), so every group is
computed after all of its children. Each height gets a child→parent weight matrix; aggregating
a height is one matrix product over every unit, period and replication at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from polindex.framework.models import Framework, Indicator, Node

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class HeightBlock:
    """The groups at one height and the edges that feed them.

    ``children[e]`` feeds ``parents[local[e]]`` with weight ``weights[e]``.
    """

    height: int
    parents: IntArray
    children: IntArray
    local: IntArray
    weights: FloatArray
    methods: tuple[str, ...]
    min_coverage: FloatArray

    @cached_property
    def incidence(self) -> FloatArray:
        """Edge × parent 0/1 matrix (counts children)."""
        m = np.zeros((len(self.children), len(self.parents)))
        m[np.arange(len(self.children)), self.local] = 1.0
        return m

    def weight_matrix(self, weights: FloatArray | None = None) -> FloatArray:
        """Edge × parent weight matrix; ``weights`` (edges,) or (batch, edges) override."""
        w = self.weights if weights is None else weights
        if w.ndim == 1:
            return self.incidence * w[:, None]
        return self.incidence[None, :, :] * w[:, :, None]


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

    def children_of(self, code: str) -> list[str]:
        """Codes of the direct children of ``code``, in document order."""
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
            children = np.flatnonzero(np.isin(parent, parents))
            local = np.searchsorted(parents, parent[children])
            nodes = [ordered[p][0] for p in parents]
            blocks.append(
                HeightBlock(
                    height=h,
                    parents=parents,
                    children=children,
                    local=local,
                    weights=weight[children],
                    methods=tuple(n.aggregation for n in nodes if isinstance(n, Node)),
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
