"""Peers and typology: nearest neighbours on area scores (distances by hand), clustering with
k chosen by the silhouette, Ward as scipy cuts it, and stability under resampling."""

from __future__ import annotations

import numpy as np
import pytest

import polindex
from polindex.analysis.peers import PeersError, distances, level_scores, nearest_peers
from polindex.analysis.typology import adjusted_rand, kmeans, silhouette, typology, ward
from polindex.analysis.whatif import Simulator

AREAS = {
    "code": "T",
    "name": "T",
    "levels": ["area"],
    "units": {"EU": {"kind": "supranational"}},
    "areas": [{"code": c, "indicators": [{"code": c.lower(), "type": "numeric"}]} for c in "ABC"],
}
# three "approaches": open (P, Q, R), closed (S, T, U), mixed (V, W); EU is nobody's peer
SCORES = {
    "P": (90, 85, 80),
    "Q": (85, 90, 84),
    "R": (88, 80, 90),
    "S": (20, 15, 10),
    "T": (15, 25, 20),
    "U": (22, 18, 12),
    "V": (90, 20, 50),
    "W": (85, 15, 55),
    "EU": (90, 85, 81),
}


@pytest.fixture(scope="module")
def areas() -> polindex.Results:
    rows = [(u, 2024, c, v) for u, vs in SCORES.items() for c, v in zip("abc", vs, strict=True)]
    return polindex.score(AREAS, rows)


def test_level_scores_leave_other_kinds_out(areas: polindex.Results) -> None:
    ls = level_scores(areas)
    assert (ls.level, ls.nodes) == ("area", ("A", "B", "C"))
    assert "EU" not in ls.units
    assert ls.values[ls.units.index("Q")].tolist() == [85.0, 90.0, 84.0]


def test_nearest_peers_by_hand(areas: polindex.Results) -> None:
    near = nearest_peers(areas, "P", k=3)
    # P–Q: differences 5, 5, 4 → √(66 / 3); P–R: 2, 5, 10 → √(129 / 3)
    assert near["unit"].tolist()[:2] == ["Q", "R"]
    assert near["distance"].tolist()[:2] == pytest.approx([np.sqrt(22), np.sqrt(43)])
    assert near["shared"].tolist() == [3, 3, 3]
    with pytest.raises(PeersError, match="unit 'XX' is not in the results"):
        nearest_peers(areas, "XX")


def test_distances_use_shared_nodes_only() -> None:
    x = np.array([[10.0, np.nan, 30.0], [13.0, 50.0, 34.0], [np.nan, np.nan, 0.0]])
    d = distances(x)
    assert d[0, 1] == pytest.approx(np.sqrt((9 + 16) / 2))
    assert np.isnan(d[0, 2])  # one node of three shared: not compared
    assert d[1, 0] == d[0, 1]


def test_typology_finds_the_three_approaches(areas: polindex.Results) -> None:
    for method in ("ward", "kmeans"):
        t = typology(areas, method=method, resamples=40)  # type: ignore[arg-type]
        assert t.k == 3
        assert max(t.silhouettes, key=lambda k: t.silhouettes[k]) == 3
        # numbered by mean score, best first
        assert [t.members(g) for g in (1, 2, 3)] == [["P", "Q", "R"], ["V", "W"], ["S", "T", "U"]]
        assert t.centres.loc[1].tolist() == pytest.approx([263 / 3, 85.0, 254 / 3])
        assert t.stability["size"].tolist() == [3, 2, 3]
        assert (t.stability["stability"] > 0.75).all()
        assert t.agreement is not None
        assert t.agreement > 0.8


def test_typology_with_a_given_k_and_bad_input(areas: polindex.Results) -> None:
    t = typology(areas, k=2, resamples=20)
    assert t.k == 2
    assert t.members(2) == ["S", "T", "U"]
    with pytest.raises(PeersError, match="k 9: give a number of groups from 2 to 7"):
        typology(areas, k=9)
    with pytest.raises(PeersError, match="no level 'pillar'"):
        typology(areas, level="pillar")


def test_ward_cuts_as_scipy_does() -> None:
    from scipy.cluster.hierarchy import fcluster, linkage

    rng = np.random.default_rng(3)
    for _ in range(30):
        x = rng.normal(size=(int(rng.integers(5, 40)), 3))
        k = int(rng.integers(2, 5))
        assert adjusted_rand(fcluster(linkage(x, "ward"), k, "maxclust"), ward(x, k)) == 1.0


def test_silhouette_and_kmeans_by_hand() -> None:
    x = np.array([[0.0], [2.0], [10.0], [12.0], [30.0]])
    labels = kmeans(x, 3, np.random.default_rng(1))
    assert adjusted_rand(labels, np.array([0, 0, 1, 1, 2])) == 1.0
    # point 0: a = 2, b = mean(10, 12) = 11 → 9/11; a unit alone counts 0
    s = [9 / 11, 7 / 9, 7 / 9, 9 / 11, 0.0]
    assert silhouette(x, labels) == pytest.approx(sum(s) / 5)


def test_mipex_style_typology_is_stable(mipex_sim: Simulator) -> None:
    t = typology(mipex_sim.results, resamples=50)
    assert t.k == max(t.silhouettes, key=lambda k: (t.silhouettes[k], -k))
    assert sum(t.stability["size"]) == 50 - len(t.left_out)
    assert set(t.centres.columns) == {
        n.code for n in mipex_sim.framework.groups() if n.level == "area"
    }
    means = t.centres.mean(axis=1).tolist()
    assert means == sorted(means, reverse=True)
