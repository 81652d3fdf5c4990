"""The demo's indexes: the synthetic one (always) and, when their third-party data are in
``POLINDEX_DATA_DIR``, IMPIC and COINr's ASEM example, each scored from its definition in
``examples/`` (a source checkout's)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polindex.analysis.robustness import ReleaseResults
from polindex.api import release_results, score
from polindex.demo.findings import demo_findings
from polindex.demo.synthetic import FRAMEWORK_PATH, synthetic_data
from polindex.engine.results import Results
from polindex.framework.definition import load_index
from polindex.io.tables import ReadOptions
from polindex.io.writers import write_results

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
"""The bundled examples of a source checkout (absent from an installed wheel)."""


@dataclass(frozen=True)
class Example:
    """One index of the demo: its results, the release version they are published as, and
    whether the data are invented."""

    results: Results | ReleaseResults
    version: str
    synthetic: bool
    days_ago: int = 0
    """Published this many days before the demo is (an earlier edition)."""

    @property
    def scores(self) -> Results:
        """The scores (without the robustness analyses)."""
        return self.results.results if isinstance(self.results, ReleaseResults) else self.results

    @property
    def findings(self) -> str:
        """The key findings its release page shows (written from the scores)."""
        return demo_findings(self.scores)


def synthetic_example(out_dir: Path) -> Example:
    """Score the synthetic index; write its data and results (CSV, XLSX, JSON) into
    ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data_path = out_dir / "synthetic-data.csv"
    synthetic_data().to_csv(data_path, index=False)
    results = score(load_index(FRAMEWORK_PATH), data_path)
    for suffix in (".csv", ".xlsx", ".json"):
        write_results(results, out_dir / f"synthetic-results{suffix}")
    return Example(results, "demo", synthetic=True)


PREVIOUS_DROPS = ("W4",)
"""The questions the synthetic index's previous methodology did not ask yet."""


def synthetic_previous_example(out_dir: Path) -> Example:
    """The synthetic index's previous edition (its answers of 2019–2022, methodology 0.9
    without the questions of :data:`PREVIOUS_DROPS`), published a year earlier: what the demo
    compares the current edition with, back-cast on the questions both ask."""
    fw = load_index(FRAMEWORK_PATH).framework

    def prune(node: Any) -> Any:
        if node.is_indicator:
            return node
        kept = tuple(prune(c) for c in node.children if c.code not in PREVIOUS_DROPS)
        return node.model_copy(update={"children": kept})

    previous = fw.model_copy(update={"version": "0.9", "root": prune(fw.root)})
    data_path = out_dir / "synthetic-previous-data.csv"
    out_dir.mkdir(parents=True, exist_ok=True)
    data = synthetic_data()  # the same invented answers, up to 2022, without the new questions
    data = data[(data["period"].astype(int) <= 2022) & ~data["indicator"].isin(PREVIOUS_DROPS)]
    data.to_csv(data_path, index=False)
    return Example(score(previous, data_path), "2022", synthetic=True, days_ago=365)


def impic_example(data_dir: Path, out_dir: Path) -> Example | None:
    """IMPIC 2016 scored from its published indicator scores (``None`` without its data)."""
    data = data_dir / "impic" / "impic2016.csv"
    framework = EXAMPLES / "impic" / "framework.yaml"
    if not (data.exists() and framework.exists()):
        return None
    options = ReadOptions(
        unit_column="cntry", period_column="year", column_prefix="AvgS_", extra_columns="ignore"
    )
    results = score(load_index(framework), data, options=options)
    write_results(results, out_dir / "impic-results.csv")
    return Example(results, "2016", synthetic=False)


def asem_example(data_dir: Path) -> Example | None:
    """COINr's ASEM example built with its full pipeline and robustness analyses (``None``
    without its data)."""
    data = data_dir / "asem" / "asem_iData.csv"
    framework = EXAMPLES / "asem" / "framework.yaml"
    if not (data.exists() and framework.exists()):
        return None
    options = ReadOptions(unit_column="uCode", period_column="Time", extra_columns="ignore")
    results = release_results(load_index(framework), data, robustness=True, options=options)
    return Example(results, "2018", synthetic=False)
