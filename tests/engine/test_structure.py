"""Structure: the framework tree compiled into node order, heights, depths and edges."""

from __future__ import annotations

import numpy as np
import pytest

import polindex
from polindex.engine import Structure
from polindex.framework.models import Framework

# T ─┬─ q0
#    └─ G ─┬─ g1
#          └─ H ─┬─ h1
#                └─ h2 (weight 3)
UNBALANCED = {
    "code": "T",
    "name": "Unbalanced",
    "indicators": [{"code": "q0", "type": "numeric"}],
    "children": [
        {
            "code": "G",
            "weight": 2,
            "indicators": [{"code": "g1", "type": "numeric"}],
            "children": [
                {
                    "code": "H",
                    "indicators": [
                        {"code": "h1", "type": "numeric"},
                        {"code": "h2", "type": "numeric", "weight": 3},
                    ],
                }
            ],
        }
    ],
}


@pytest.fixture
def unbalanced() -> Structure:
    return Structure.from_framework(polindex.load_framework(UNBALANCED))


def test_indicators_come_first_then_groups_by_height(unbalanced: Structure) -> None:
    assert unbalanced.codes == ("q0", "g1", "h1", "h2", "H", "G", "T")
    assert unbalanced.n_indicators == 4
    assert unbalanced.n_nodes == 7
    assert unbalanced.root == 6
    assert unbalanced.index == {"q0": 0, "g1": 1, "h1": 2, "h2": 3, "H": 4, "G": 5, "T": 6}


def test_heights_and_depths_on_an_unbalanced_tree(unbalanced: Structure) -> None:
    assert unbalanced.height.tolist() == [0, 0, 0, 0, 1, 2, 3]
    assert unbalanced.depth.tolist() == [1, 2, 3, 3, 2, 1, 0]
    assert unbalanced.parent.tolist() == [6, 5, 4, 4, 5, 6, -1]
    assert [b.height for b in unbalanced.blocks] == [1, 2, 3]


def test_each_height_block_feeds_its_parents(unbalanced: Structure) -> None:
    h1, h2, h3 = unbalanced.blocks
    assert h1.parents.tolist() == [4]
    assert h1.children.tolist() == [2, 3]
    assert h2.parents.tolist() == [5]
    assert h2.children.tolist() == [1, 4]
    assert h3.parents.tolist() == [6]
    assert h3.children.tolist() == [0, 5]
    assert h1.weights.tolist() == [1.0, 3.0]
    assert h3.weights.tolist() == [1.0, 2.0]
    assert h1.child_slice == slice(2, 4)
    assert h2.child_slice is None  # g1 (1) and H (4) are not contiguous


def test_edges_list_child_parent_and_weight_in_block_order(unbalanced: Structure) -> None:
    child, parent, weight = unbalanced.edges
    assert child.tolist() == [2, 3, 1, 4, 0, 5]
    assert parent.tolist() == [4, 4, 5, 5, 6, 6]
    assert weight.tolist() == [1.0, 3.0, 1.0, 1.0, 1.0, 2.0]


def test_children_of_lists_direct_children_only(unbalanced: Structure) -> None:
    assert unbalanced.children_of("T") == ["q0", "G"]
    assert unbalanced.children_of("G") == ["g1", "H"]
    assert unbalanced.children_of("H") == ["h1", "h2"]
    assert unbalanced.children_of("h1") == []


def test_a_balanced_tree_keeps_document_order_within_a_height(tiny_fw: Framework) -> None:
    s = Structure.from_framework(tiny_fw)
    assert s.codes == ("q1", "q2", "q3", "q4", "A", "B", "TINY")
    assert s.levels == (
        "indicator", "indicator", "indicator", "indicator", "area", "area", "index"
    )  # fmt: skip
    (block1, block2) = s.blocks
    assert block1.parents.tolist() == [4, 5]
    assert block1.starts.tolist() == [0, 2]
    assert block1.n_children.tolist() == [2, 2]
    assert block1.local.tolist() == [0, 0, 1, 1]
    assert block2.weights.tolist() == [1.0, 2.0]
    assert np.array_equal(s.weight, [1, 1, 1, 1, 1, 2, 1])
