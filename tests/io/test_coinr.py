"""Importing a COINr iData/iMeta pair."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from polindex.framework import load_framework
from polindex.framework.pipeline import load_pipeline
from polindex.io.coinr import PipelineChoices, import_coinr
from polindex.io.problems import DataError

META = """Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type
1,a,Alpha,1,1,USD,10,Pop,P,Indicator
1,b,Beta,-1,2,NA,NA,NA,P,Indicator
1,c,Gamma,1,1,NA,NA,NA,Q,Indicator
2,P,Pillar P,1,1,NA,NA,NA,Idx,Aggregate
2,Q,Pillar Q,1,3,NA,NA,NA,Idx,Aggregate
3,Idx,The index,1,1,NA,NA,NA,NA,Aggregate
NA,Region,Region,NA,NA,NA,NA,NA,NA,Group
NA,Pop,Population,NA,NA,NA,NA,NA,NA,Denominator
"""
DATA = """uName,uCode,Region,Time,Pop,a,b,c
Xland,X,north,2020,10,1,2,3
Yland,Y,south,2020,20,3,NA,5
"""


def write(tmp: Path, meta: str = META, data: str = DATA) -> tuple[Path, Path]:
    (tmp / "iMeta.csv").write_text(meta)
    (tmp / "iData.csv").write_text(data)
    return tmp / "iData.csv", tmp / "iMeta.csv"


def test_tree_weights_directions_and_levels(tmp_path: Path) -> None:
    imp = import_coinr(*write(tmp_path), level_names=["Indicator", "Pillar", "Index"])
    paths = imp.write(tmp_path / "out")
    fw = load_framework(paths["framework"])
    assert fw.code == "Idx"
    assert fw.label(fw.root) == "The index"
    assert [lv.code for lv in fw.levels] == ["pillar"]
    assert [(i.code, i.direction, i.weight, i.unit) for i in fw.indicators] == [
        ("a", 1, 1.0, "USD"),
        ("b", -1, 2.0, None),
        ("c", 1, 1.0, None),
    ]
    assert [(n.code, n.weight, n.level) for n in fw.nodes] == [
        ("Idx", 1.0, "index"),
        ("P", 1.0, "pillar"),
        ("Q", 3.0, "pillar"),
    ]
    pipe = load_pipeline(paths["framework"], fw)
    assert [(v.code, v.role) for v in pipe.variables] == [
        ("Region", "group"),
        ("Pop", "denominator"),
    ]
    assert [s.step for s in pipe.steps] == [
        "denominate",
        "impute",
        "screen",
        "treat",
        "normalise",
        "aggregate",
    ]
    assert pipe.steps[0].by == {"a": "Pop"}  # type: ignore[union-attr]


def test_data_file_is_wide_with_variables(tmp_path: Path) -> None:
    imp = import_coinr(*write(tmp_path))
    assert imp.data.columns.tolist() == ["unit", "period", "Region", "Pop", "a", "b", "c"]
    assert imp.data["b"].isna().tolist() == [False, True]
    assert imp.unit_names.to_dict("records") == [
        {"unit": "X", "name": "Xland"},
        {"unit": "Y", "name": "Yland"},
    ]


def test_pipeline_choices(tmp_path: Path) -> None:
    choices = PipelineChoices(
        denominate=False,
        impute="median",
        impute_group="Region",
        screen_availability=None,
        winmax=None,
        normalise_range=(1, 100),
    )
    imp = import_coinr(*write(tmp_path), choices=choices)
    steps = imp.framework["pipeline"]["steps"]
    assert steps == [
        {"step": "impute", "method": "median_group", "group": "Region"},
        {"step": "normalise", "method": "minmax", "params": {"low": 1, "high": 100}},
        {"step": "aggregate", "method": "arithmetic"},
    ]


def test_every_problem_is_listed_with_row_and_column(tmp_path: Path) -> None:
    meta = META.replace("2,Q,Pillar Q,1,3", "2,Q,Pillar Q,1,x").replace(",Group", ",Grp")
    with pytest.raises(DataError) as info:
        import_coinr(*write(tmp_path, meta=meta))
    assert [(p.row, p.column, p.value, p.reason) for p in info.value.problems] == [
        (6, "Weight", "x", "not a number"),
        (8, "Type", "Grp", "unknown type; one of Indicator, Aggregate, Group, Denominator, Other"),
    ]
    meta = META.replace("1,c,Gamma,1,1,NA,NA,NA,Q,Indicator", "1,c,Gamma,2,1,NA,NA,NA,Z,Indicator")
    with pytest.raises(DataError) as info:
        import_coinr(*write(tmp_path, meta=meta))
    found = [(p.row, p.column, p.value, p.reason) for p in info.value.problems]
    assert (4, "Direction", "2", "must be 1 or -1") in found


def test_unknown_parent_and_missing_data_column(tmp_path: Path) -> None:
    meta = META.replace("1,c,Gamma,1,1,NA,NA,NA,Q,Indicator", "1,c,Gamma,1,1,NA,NA,NA,Z,Indicator")
    data = DATA.replace(",Pop,", ",Popx,")
    with pytest.raises(DataError) as info:
        import_coinr(*write(tmp_path, meta=meta, data=data))
    found = [(p.row, p.column, p.value, p.reason) for p in info.value.problems]
    assert (4, "Parent", "Z", "not an aggregate of iMeta") in found


def test_missing_indicator_column_in_idata(tmp_path: Path) -> None:
    data = DATA.replace(",c\n", ",cc\n")
    with pytest.raises(DataError) as info:
        import_coinr(*write(tmp_path, data=data))
    assert [(p.row, p.column, p.reason) for p in info.value.problems] == [
        (1, "c", "indicator of iMeta has no column in iData")
    ]


def test_non_numeric_indicator_value(tmp_path: Path) -> None:
    data = DATA.replace("Yland,Y,south,2020,20,3,NA,5", "Yland,Y,south,2020,20,3,n.a.,5")
    with pytest.raises(DataError) as info:
        import_coinr(*write(tmp_path, data=data))
    assert [(p.row, p.column, p.value, p.reason) for p in info.value.problems] == [
        (3, "b", "n.a.", "not a number")
    ]


def test_written_framework_is_valid_yaml_with_a_note_header(tmp_path: Path) -> None:
    imp = import_coinr(*write(tmp_path))
    path = imp.write(tmp_path / "o")["framework"]
    text = path.read_text()
    assert text.startswith("# Imported from COINr")
    assert yaml.safe_load(text)["code"] == "Idx"


def test_xlsx_tables_import_like_csv(tmp_path: Path) -> None:
    import pandas as pd

    d, m = write(tmp_path)
    pd.read_csv(d).to_excel(tmp_path / "iData.xlsx", index=False)
    pd.read_csv(m).to_excel(tmp_path / "iMeta.xlsx", index=False)
    from_csv = import_coinr(d, m)
    from_xlsx = import_coinr(tmp_path / "iData.xlsx", tmp_path / "iMeta.xlsx")
    assert from_xlsx.framework == from_csv.framework
    pd.testing.assert_frame_equal(from_xlsx.data, from_csv.data)


def test_targets_are_reported_as_not_imported(tmp_path: Path) -> None:
    imp = import_coinr(*write(tmp_path))
    assert imp.notes == [
        "iMeta Target values (1 indicator) are not imported: the framework has no place for "
        "them and only the dist2targ normalisation uses them; to use them, add normalise "
        "overrides such as a: {method: dist2targ, params: {target: 10}} (negated for a "
        "direction -1 indicator)"
    ]
    text = imp.write(tmp_path / "o")["framework"].read_text()
    assert "# Note: iMeta Target values (1 indicator) are not imported" in text
    assert "dist2targ" not in yaml.safe_load(text)["pipeline"].__repr__()  # nothing kept
    # a direction -1 indicator's target is shown negated, as the normalisation wants it
    meta = META.replace("1,a,Alpha,1,1,USD,10,", "1,a,Alpha,1,1,USD,NA,").replace(
        "1,b,Beta,-1,2,NA,NA,", "1,b,Beta,-1,2,NA,2.5,"
    )
    (note,) = import_coinr(*write(tmp_path, meta=meta)).notes
    assert "such as b: {method: dist2targ, params: {target: -2.5}}" in note
