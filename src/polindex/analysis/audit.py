"""The statistical audit of a built index: indicator statistics, correlations within and
between levels (every pair of nodes of one level, as COINr's ``get_corr``), Cronbach's alpha and
PCA per aggregate, and each component's leave-one-out impact on the ranks.
"""

from __future__ import annotations

import html
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from polindex.analysis.charts import correlation_heatmap, render_svg
from polindex.analysis.correlations import correlate, cronbach_alpha, pca
from polindex.analysis.descriptive import indicator_statistics
from polindex.engine.aggregate import aggregate
from polindex.engine.rank import rank_scores
from polindex.engine.results import Results
from polindex.engine.structure import FloatArray, Structure
from polindex.errors import OutputError, PolindexError, plural
from polindex.io.sheets import write_sheets


class AuditError(PolindexError):
    """An audit that cannot run as asked (an unknown period or stage)."""

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} auditing the index; nothing was computed:"


@dataclass(frozen=True)
class Audit:
    """The audit tables (pandas data frames), ready to print, write or publish."""

    statistics: pd.DataFrame
    correlations: pd.DataFrame
    flags: pd.DataFrame
    reliability: pd.DataFrame
    pca: pd.DataFrame
    leave_one_out: pd.DataFrame
    period: Any
    stage: str

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (the sheets of the workbook)."""
        return {
            "statistics": self.statistics,
            "correlations": self.correlations,
            "flags": self.flags,
            "reliability": self.reliability,
            "pca": self.pca,
            "leave_one_out": self.leave_one_out,
        }

    def headline(self) -> str:
        """One line: indicators flagged, highly and negatively correlated sibling pairs."""
        stats = self.statistics
        flagged = stats[
            (stats["flag_availability"] != "ok")
            | (stats["flag_skew_kurtosis"] != "ok")
            | (stats["flag_nonzero"] != "ok")
            | (stats["flag_unique"] != "ok")
        ]
        return (
            f"{len(stats)} indicators, {len(flagged)} flagged; "
            f"{int((self.flags['kind'] == 'high').sum())} sibling pairs with |r| >= 0.9, "
            f"{int((self.flags['kind'] == 'negative').sum())} negatively correlated"
        )

    def write(self, path: str | Path, title: str = "Statistical audit") -> Path:
        """An ``.xlsx`` workbook (a sheet per table) or an ``.html`` report, by suffix."""
        suffix = Path(path).suffix.lower()
        if suffix == ".xlsx":
            return self.write_xlsx(path)
        if suffix in (".html", ".htm"):
            return self.write_html(path, title=title)
        raise OutputError([f"cannot write {Path(path).name!r}: give a .html or .xlsx file"])

    def write_xlsx(self, path: str | Path) -> Path:
        """One sheet per table; written beside the destination, then moved into place."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(f".{p.name}.tmp.xlsx")
        try:
            write_sheets(tmp, self.tables())
            tmp.replace(p)
        finally:
            tmp.unlink(missing_ok=True)
        return p

    def html(self, title: str = "Statistical audit") -> str:
        """A self-contained HTML report: heat maps (inline SVG, each with its data as a table)
        and every table. User-supplied text is escaped; nothing is fetched from outside."""
        parts = [
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title>",
            "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
            "table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;"
            "padding:.2rem .4rem}th{background:#eee}.flag{color:#a00;font-weight:600}</style>",
            f"</head><body><h1>{html.escape(title)}</h1>",
            f"<p>Period {html.escape(str(self.period))}; indicator statistics on the "
            f"<em>{html.escape(self.stage)}</em> data.</p>",
        ]
        within = self.correlations[
            (self.correlations["method"] == "pearson")
            & (self.correlations["relation"] == "sibling")
        ]
        for parent, group in within.groupby("parent", sort=False):
            if group.empty:
                continue
            spec = correlation_heatmap(group, f"Correlations within {parent}")
            parts.append(
                f"<figure>{render_svg(spec)}<figcaption>Pearson correlations "
                f"within {html.escape(str(parent))} (data in the tables below)"
                "</figcaption></figure>"
            )
        for name, frame in self.tables().items():
            parts.append(f"<h2>{html.escape(name.replace('_', ' ').capitalize())}</h2>")
            parts.append(frame.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.4g}"))
        parts.append("</body></html>")
        return "\n".join(parts)

    def write_html(self, path: str | Path, title: str = "Statistical audit") -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(f".{p.name}.tmp")
        tmp.write_text(self.html(title), encoding="utf-8")
        tmp.replace(p)
        return p


def _parents(structure: Structure) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for child, parent in enumerate(structure.parent):
        if parent >= 0:
            out.setdefault(int(parent), []).append(child)
    return out


def _ancestors(structure: Structure, node: int) -> list[int]:
    out = []
    p = int(structure.parent[node])
    while p >= 0:
        out.append(p)
        p = int(structure.parent[p])
    return out


def _cousins(structure: Structure) -> list[tuple[int, int, int]]:
    """Every pair of nodes of one level whose parents differ (pillars of different
    sub-indexes), in node order, with their nearest common ancestor."""
    by_level: dict[str, list[int]] = {}
    for node in range(structure.n_nodes):
        by_level.setdefault(structure.levels[node], []).append(node)
    ancestors = [_ancestors(structure, node) for node in range(structure.n_nodes)]
    return [
        (i, j, next(a for a in ancestors[i] if a in ancestors[j]))
        for nodes in by_level.values()
        for k, i in enumerate(nodes)
        for j in nodes[k + 1 :]
        if structure.parent[i] != structure.parent[j]
    ]


def leave_one_out(results: Results, period_index: int) -> pd.DataFrame:
    """Each component's impact on the index ranks: the mean absolute rank shift when its
    weight is set to 0 (the others of its parent renormalised), all in one batched run."""
    s = results.structure
    values = results.dataset.values[:, period_index : period_index + 1, :]
    na = results.dataset.not_applicable[:, period_index : period_index + 1, :]
    base = s.edges[2]
    weights = np.tile(base, (len(base), 1))
    np.fill_diagonal(weights, 0.0)
    higher = results.framework.polarity == "higher_is_better"
    nominal = results.ranks[0, :, period_index, s.root]
    agg = aggregate(s, values, na, np.vstack([base, weights]))
    ranks = rank_scores(
        agg.planes[s.root, :, 0, :], higher, axis=-1, ties=results.ties, peers=results.peers
    )[1:]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        # leaving out a node that is its parent's only child leaves no rank: NaN, said as such
        warnings.simplefilter("ignore", RuntimeWarning)
        shift = np.nanmean(np.abs(ranks - nominal), axis=1)
        largest = np.nanmax(np.abs(ranks - nominal), axis=1)
    child = s.edges[0]
    return pd.DataFrame(
        {
            "node": [s.codes[c] for c in child],
            "level": [s.levels[c] for c in child],
            "parent": [s.codes[s.parent[c]] for c in child],
            "mean_abs_rank_shift": shift,
            "max_abs_rank_shift": largest,
        }
    ).sort_values("mean_abs_rank_shift", ascending=False, kind="stable")


def audit(
    results: Results,
    *,
    period: Any = None,
    stage: str | None = None,
    high_correlation: float = 0.9,
) -> Audit:
    """Audit ``results`` for one period (default the latest).

    ``stage`` names the data set whose indicator statistics are reported (default ``raw`` when
    the results come from a build, else the scores). Correlations use the scores of every node:
    every pair of siblings (relation ``sibling``), every other pair of nodes of one level
    (``same level``, e.g. pillars of different sub-indexes; ``parent`` is then their nearest
    common ancestor) and each node with each of its ancestors (``with <level>``); flags mark
    |r| ≥ ``high_correlation`` and negative correlations between siblings.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T", "children": [
    ...     {"code": "A", "indicators": [{"code": "a1", "type": "numeric"},
    ...                                  {"code": "a2", "type": "numeric"}]},
    ...     {"code": "B", "indicators": [{"code": "b1", "type": "numeric"}]}]})
    >>> table = {"P": (10, 12, 50), "Q": (40, 45, 20), "R": (70, 60, 80), "S": (90, 95, 40)}
    >>> data = [(u, 2024, c, v) for u, vals in table.items()
    ...         for c, v in zip(("a1", "a2", "b1"), vals)]
    >>> a = audit(polindex.score(fw, data))
    >>> int(a.reliability.set_index("node").loc["A", "n_children"])
    2
    >>> bool(a.flags["kind"].eq("high").any())        # a1 and a2 correlate above 0.9
    True
    """
    s = results.structure
    periods = [str(p) for p in results.periods]
    name = stage or ("raw" if "raw" in results.stages else "scored")
    problems = []
    if period is not None and str(period) not in periods:
        problems.append(f"period {period!r}: the results have {', '.join(periods)}")
    if name not in results.stages:
        problems.append(f"stage {name!r}: the results have {', '.join(results.stages)}")
    if problems:
        raise AuditError(problems)
    p_idx = len(periods) - 1 if period is None else periods.index(str(period))
    data_stage = results.stages[name]
    statistics = indicator_statistics(data_stage.values[:, p_idx, :], list(data_stage.codes))
    scores: FloatArray = results.scores[0, :, p_idx, :]  # (unit, node)
    children = _parents(s)

    cousins = _cousins(s)
    rows = []
    for method in ("pearson", "spearman"):
        corr = correlate(scores, method=method)
        for parent, kids in children.items():
            for i in kids:  # siblings: every pair of children of one parent
                for j in kids:
                    if i < j:
                        rows.append((method, "sibling", s.codes[parent], i, j, corr))
        for i, j, common in cousins:  # the other pairs of one level (COINr's get_corr)
            rows.append((method, "same level", s.codes[common], i, j, corr))
        for node in range(s.n_nodes - 1):  # each node with each of its ancestors
            for anc in _ancestors(s, node):
                rows.append(
                    (method, f"with {s.levels[anc]}", s.codes[s.parent[node]], node, anc, corr)
                )
    correlations = pd.DataFrame(
        [
            {
                "method": m,
                "relation": rel,
                "parent": par,
                "var1": s.codes[i],
                "var2": s.codes[j],
                "r": c.r[i, j],
                "p": c.p[i, j],
                "n": int(c.n[i, j]),
            }
            for m, rel, par, i, j, c in rows
        ]
    )
    sib = correlations[
        (correlations["relation"] == "sibling") & (correlations["method"] == "pearson")
    ]
    high = sib[sib["r"].abs() >= high_correlation].assign(kind="high")
    negative = sib[sib["r"] < 0].assign(kind="negative")
    flags = pd.concat([high, negative], ignore_index=True)[["kind", "parent", "var1", "var2", "r"]]

    rel_rows, pca_rows = [], []
    for parent, kids in children.items():
        block = scores[:, kids]
        alpha = cronbach_alpha(block) if len(kids) > 1 else np.nan
        rel_rows.append(
            {
                "node": s.codes[parent],
                "level": s.levels[parent],
                "n_children": len(kids),
                "cronbach_alpha": alpha,
            }
        )
        if len(kids) > 1:
            try:
                res = pca(block)
            except ValueError:
                continue
            for comp, share in enumerate(res.variance_explained):
                pca_rows.append(
                    {
                        "node": s.codes[parent],
                        "component": comp + 1,
                        "variance_explained": share,
                        **{
                            f"loading_{s.codes[k]}": res.loadings[n, comp]
                            for n, k in enumerate(kids)
                        },
                    }
                )
    return Audit(
        statistics=statistics,
        correlations=correlations,
        flags=flags,
        reliability=pd.DataFrame(rel_rows),
        pca=pd.DataFrame(pca_rows),
        leave_one_out=leave_one_out(results, p_idx),
        period=results.periods[p_idx],
        stage=name,
    )


def audit_json(a: Audit) -> str:
    """The audit tables as JSON (for a release to publish)."""
    return json.dumps(
        {k: json.loads(v.to_json(orient="records")) for k, v in a.tables().items()}
        | {"period": str(a.period), "stage": a.stage}
    )
