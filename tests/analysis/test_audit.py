"""The statistical audit: statistics, correlations, reliability and PCA against independent
computations (numpy, scipy, pandas), leave-one-out, and the written report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import polindex
from polindex.analysis.audit import audit
from polindex.analysis.correlations import correlate, cronbach_alpha, pca
from polindex.analysis.descriptive import indicator_statistics

NAN = np.nan
RNG = np.random.default_rng(8)
X = RNG.normal(50, 10, size=(40, 5))
X[:, 1] = X[:, 0] * 0.8 + RNG.normal(0, 3, 40)
X[RNG.random(X.shape) < 0.1] = NAN
X[3, 2] = X[5, 2] = 0.0


def test_statistics_match_numpy_and_coinr_definitions() -> None:
    t = indicator_statistics(X, list("abcde")).set_index("code")
    for j, c in enumerate("abcde"):
        col = X[~np.isnan(X[:, j]), j]
        assert t.loc[c, "mean"] == pytest.approx(col.mean())
        assert t.loc[c, "sd"] == pytest.approx(col.std(ddof=1))
        assert t.loc[c, "skew"] == pytest.approx(sps.skew(col, bias=False))
        assert t.loc[c, "kurtosis"] == pytest.approx(sps.kurtosis(col, bias=False))
        assert t.loc[c, "n_available"] == len(col)
        assert t.loc[c, "share_available"] == len(col) / 40
    assert t.loc["c", "n_nonzero"] == t.loc["c", "n_available"] - 2
    assert t.loc["c", "n_same"] == 2  # the two zeros


def test_flags_by_hand() -> None:
    x = np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 2.0], [NAN, 3.0], [5.0, NAN]])
    t = indicator_statistics(x, ["a", "b"], availability_threshold=0.9).set_index("code")
    assert t.loc["a", "flag_availability"] == "LOW"  # 4/5 < 0.9
    assert t.loc["a", "flag_nonzero"] == "LOW"  # 1 non-zero of 5 units < 0.5
    assert t.loc["b", "flag_unique"] == "ok"  # 3 unique / 5 units ≥ 0.5
    assert t.loc["a", "flag_unique"] == "LOW"  # 2 / 5


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_correlations_equal_pandas_pairwise(method: str) -> None:
    c = correlate(X, method=method)
    expected = pd.DataFrame(X).corr(method=method).to_numpy()
    np.testing.assert_allclose(c.r, expected, rtol=1e-10, atol=1e-12)
    both = ~np.isnan(X[:, 0]) & ~np.isnan(X[:, 1])
    assert c.n[0, 1] == both.sum()
    ref = (sps.pearsonr if method == "pearson" else sps.spearmanr)(X[both, 0], X[both, 1])
    assert c.p[0, 1] == pytest.approx(ref.pvalue, rel=1e-6)


def test_correlations_between_two_tables() -> None:
    c = correlate(X[:, :2], X[:, 2:])
    assert c.r.shape == (2, 3)
    np.testing.assert_allclose(c.r, pd.DataFrame(X).corr().to_numpy()[:2, 2:], rtol=1e-10)


def test_cronbach_alpha_equals_the_textbook_formula() -> None:
    x = X[~np.isnan(X).any(axis=1)][:, :3]
    cov = np.cov(x.T)
    k = 3
    assert cronbach_alpha(x) == pytest.approx(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def test_pca_equals_eigen_decomposition_of_the_correlation_matrix() -> None:
    x = X[~np.isnan(X).any(axis=1)]
    res = pca(x)
    vals, vecs = np.linalg.eigh(np.corrcoef(x.T))
    np.testing.assert_allclose(res.variance_explained, vals[::-1] / vals.sum(), rtol=1e-10)
    np.testing.assert_allclose(np.abs(res.loadings[:, 0]), np.abs(vecs[:, -1]), rtol=1e-8)
    assert res.loadings[:, 0].sum() > 0
    assert res.n == len(x)


FW = polindex.load_framework(
    {
        "code": "T",
        "name": "T",
        "children": [
            {
                "code": "A",
                "indicators": [
                    {"code": "a1", "type": "numeric"},
                    {"code": "a2", "type": "numeric"},
                ],
            },
            {"code": "B", "indicators": [{"code": "b1", "type": "numeric"}]},
        ],
    }
)
DATA = [
    (u, 2024, c, v)
    for u, vals in {
        "P": (10, 12, 50),
        "Q": (40, 45, 20),
        "R": (70, 60, 80),
        "S": (90, 95, 40),
    }.items()
    for c, v in zip(("a1", "a2", "b1"), vals, strict=True)
]


def test_audit_tables_and_leave_one_out_by_hand() -> None:
    a = audit(polindex.score(FW, DATA))
    loo = a.leave_one_out.set_index("node")
    # A = (a1 + a2)/2: P 11, Q 42.5, R 65, S 92.5; B = b1: 50, 20, 80, 40
    # T = (A + B)/2: P 30.5, Q 31.25, R 72.5, S 66.25 → ranks 4, 3, 1, 2
    # without B, T = A → ranks 4, 3, 2, 1: shifts 0, 0, 1, 1
    assert loo.loc["B", "mean_abs_rank_shift"] == 0.5
    assert loo.loc["B", "max_abs_rank_shift"] == 1.0
    assert set(a.flags["kind"]) == {"high"}
    corr = a.correlations.set_index(["method", "var1", "var2"])
    assert corr.loc[("pearson", "a1", "a2"), "r"] == pytest.approx(
        np.corrcoef([10, 40, 70, 90], [12, 45, 60, 95])[0, 1]
    )
    assert set(a.correlations["relation"]) == {
        "sibling",
        "same level",
        "with level1",
        "with index",
    }
    # a1–b1 and a2–b1: indicators of one level under different parents
    cousins = a.correlations[a.correlations["relation"] == "same level"]
    assert cousins[["method", "parent", "var1", "var2"]].values.tolist() == [
        ["pearson", "T", "a1", "b1"],
        ["pearson", "T", "a2", "b1"],
        ["spearman", "T", "a1", "b1"],
        ["spearman", "T", "a2", "b1"],
    ]
    assert corr.loc[("pearson", "a2", "b1"), "r"] == pytest.approx(
        np.corrcoef([12, 45, 60, 95], [50, 20, 80, 40])[0, 1]
    )


def test_every_pair_of_one_level_is_correlated_across_parents() -> None:
    # T ─ S1 ─ P1 (x1, x2), P2 (x3);  T ─ S2 ─ P3 (x4): pillars P1–P3 and P2–P3 are in
    # different sub-indexes, so no sibling pair holds them (COINr's get_corr does)
    fw = polindex.load_framework(
        {
            "code": "T",
            "name": "T",
            "levels": ["sub", "pillar"],
            "subs": [
                {
                    "code": "S1",
                    "pillars": [
                        {"code": "P1", "indicators": [{"code": "x1", "type": "numeric"},
                                                      {"code": "x2", "type": "numeric"}]},
                        {"code": "P2", "indicators": [{"code": "x3", "type": "numeric"}]},
                    ],
                },
                {
                    "code": "S2",
                    "pillars": [{"code": "P3", "indicators": [{"code": "x4", "type": "numeric"}]}],
                },
            ],
        }
    )  # fmt: skip
    values = {
        "U": (10, 20, 5, 30),
        "V": (40, 35, 60, 10),
        "W": (70, 90, 20, 80),
        "X": (95, 60, 90, 45),
    }
    data = [(u, 2024, f"x{k + 1}", v) for u, row in values.items() for k, v in enumerate(row)]
    a = audit(polindex.score(fw, data))
    pearson = a.correlations[a.correlations["method"] == "pearson"]
    pillars = pearson[pearson["var1"].str.startswith("P") & pearson["var2"].str.startswith("P")]
    assert pillars[["relation", "parent", "var1", "var2"]].values.tolist() == [
        ["sibling", "S1", "P1", "P2"],
        ["same level", "T", "P1", "P3"],
        ["same level", "T", "P2", "P3"],
    ]
    p1 = [(a_ + b_) / 2 for a_, b_, _, _ in values.values()]
    p3 = [row[3] for row in values.values()]
    r = pillars.set_index(["var1", "var2"]).loc[("P1", "P3"), "r"]
    assert r == pytest.approx(np.corrcoef(p1, p3)[0, 1])
    # every pair of the four indicators, and the two sub-indexes
    indicators = pearson[pearson["var1"].str.startswith("x")]
    assert len(indicators[indicators["var2"].str.startswith("x")]) == 6
    assert pearson[pearson["var1"] == "S1"][["relation", "var2"]].values.tolist() == [
        ["sibling", "S2"],
        ["with index", "T"],
    ]


def test_audit_writes_xlsx_and_html(tmp_path: Path) -> None:
    a = audit(polindex.score(FW, DATA))
    sheets = pd.read_excel(a.write_xlsx(tmp_path / "audit.xlsx"), sheet_name=None)
    assert list(sheets) == [
        "statistics",
        "correlations",
        "flags",
        "reliability",
        "pca",
        "leave_one_out",
    ]
    page = a.write_html(tmp_path / "audit.html", title="Audit <T>").read_text()
    assert "<title>Audit &lt;T&gt;</title>" in page
    assert "<svg" in page
    assert "http://" not in page.replace("http://www.w3.org", "")
