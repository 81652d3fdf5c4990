"""Import a COINr index: an ``iData`` / ``iMeta`` pair → framework, pipeline and data files.

COINr (the EU JRC's R package) describes an index with two tables: ``iMeta`` (one row per
indicator, aggregate, group and denominator: ``Level``, ``iCode``, ``iName``, ``Direction``,
``Weight``, ``Unit``, ``Target``, ``Denominator``, ``Parent``, ``Type``) and ``iData`` (one row per
unit: ``uCode``, ``uName``, ``Time``, group and denominator columns, indicators). This module
turns them into a Polindex framework (with a ``pipeline:`` section), a wide data file and a
unit-name table, checking every row on the way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from polindex.io.problems import DataError, DataProblem
from polindex.io.tables import ReadOptions, read_frame

META_COLUMNS = ("Level", "iCode", "Parent", "Type")
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")


@dataclass(frozen=True)
class PipelineChoices:
    """The construction steps the imported pipeline declares (COINr's function defaults).

    ``impute_group`` switches imputation to the group mean within that grouping column
    (COINr ``i_mean_grp``); ``screen_availability`` is COINr ``Screen``'s ``dat_thresh``
    (2/3 by default); ``normalise`` is minmax onto ``normalise_range``.
    """

    denominate: bool = True
    impute: str | None = "mean"
    impute_group: str | None = None
    screen_availability: float | None = 2 / 3
    winmax: int | None = 5
    normalise_range: tuple[float, float] = (0.0, 100.0)
    aggregation: str = "arithmetic"


@dataclass(frozen=True)
class CoinrImport:
    """What an import produced: the framework document (with its pipeline), the wide data
    (unit, period, variables, indicators) and unit names; ``notes`` lists what was left out."""

    framework: dict[str, Any]
    data: pd.DataFrame
    unit_names: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def write(self, folder: str | Path) -> dict[str, Path]:
        """Write ``framework.yaml``, ``data.csv`` and ``units.csv`` into ``folder``."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "framework": out / "framework.yaml",
            "data": out / "data.csv",
            "units": out / "units.csv",
        }
        header = "# Imported from COINr iData/iMeta by `polindex import-coinr`.\n" + "".join(
            f"# Note: {n}\n" for n in self.notes
        )
        text = header + yaml.safe_dump(self.framework, sort_keys=False, allow_unicode=True)
        _write_text(paths["framework"], text)
        _write_text(paths["data"], self.data.to_csv(index=False, float_format="%.17g"))
        _write_text(paths["units"], self.unit_names.to_csv(index=False))
        return paths


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", name.strip()).strip("_").lower()
    return s if s and s[0].isalpha() else f"level_{s}"


def _plural(code: str) -> str:
    return code + ("es" if code.endswith(("x", "s", "sh", "ch")) else "s")


def _number(text: str) -> float | None:
    if text.strip().upper() in ("", "NA", "NAN"):
        return None
    return float(text)


def import_coinr(
    idata: str | Path,
    imeta: str | Path,
    *,
    level_names: list[str] | None = None,
    choices: PipelineChoices | None = None,
) -> CoinrImport:
    """Read COINr's ``iData`` and ``iMeta`` (CSV or XLSX) into Polindex's form.

    ``level_names`` names COINr's levels from the indicators up (as ``new_coin``'s
    ``level_names``, e.g. ``["Indicator", "Pillar", "Sub-index", "Index"]``); without it the
    levels are called ``level_2``, ``level_3``, …

    Raises
    ------
    DataError
        Every problem of either table (missing columns, unknown parents or types, a parent on
        the wrong level, indicators missing from iData, non-numeric values), with row and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "m.csv").write_text('''Level,iCode,iName,Direction,Weight,Parent,Type
    ... 1,a,A,1,1,P,Indicator
    ... 1,b,B,-1,2,P,Indicator
    ... 2,P,Pillar P,1,1,,Aggregate
    ... ,Pop,Population,,,,Denominator''')
    >>> _ = (d / "d.csv").write_text('''uCode,uName,Pop,a,b
    ... X,Ex,10,1,2
    ... Y,Why,20,3,NA''')
    >>> imp = import_coinr(d / "d.csv", d / "m.csv")
    >>> [i["code"] for i in imp.framework["indicators"]], imp.framework["code"]
    (['a', 'b'], 'P')
    >>> imp.data.columns.tolist()
    ['unit', 'period', 'Pop', 'a', 'b']
    """
    opts = ReadOptions()
    meta = read_frame(Path(imeta), opts)
    data = read_frame(Path(idata), opts)
    m_src, d_src = str(imeta), str(idata)
    problems: list[DataProblem] = []
    for name in META_COLUMNS:
        if name not in meta.columns:
            problems.append(DataProblem(m_src, 1, name, None, "required column is missing"))
    if "uCode" not in data.columns:
        problems.append(DataProblem(d_src, 1, "uCode", None, "required column is missing"))
    if problems:
        raise DataError(problems)

    rows: dict[str, dict[str, Any]] = {}
    for k, rec in enumerate(meta.to_dict("records")):
        row = k + 2
        code = str(rec["iCode"]).strip()
        kind = str(rec["Type"]).strip()
        if kind not in TYPES:
            problems.append(
                DataProblem(m_src, row, "Type", kind, f"unknown type; one of {', '.join(TYPES)}")
            )
            continue
        if code in rows:
            problems.append(DataProblem(m_src, row, "iCode", code, "iCode appears twice"))
            continue
        entry: dict[str, Any] = {"row": row, "code": code, "type": kind, "raw": rec}
        for col, cast in (("Level", int), ("Direction", int), ("Weight", float), ("Target", float)):
            text = str(rec.get(col, "") or "").strip()
            try:
                num = _number(text)
                entry[col] = None if num is None else cast(num)
            except ValueError:
                problems.append(DataProblem(m_src, row, col, text, "not a number"))
        rows[code] = entry
    if problems:
        raise DataError(problems)

    tree = {c: e for c, e in rows.items() if e["type"] in ("Indicator", "Aggregate")}
    for e in tree.values():
        if e["Level"] is None:
            problems.append(
                DataProblem(m_src, e["row"], "Level", "", "an indicator or aggregate needs a Level")
            )
        if e["type"] == "Indicator" and e["Level"] not in (None, 1):
            problems.append(
                DataProblem(m_src, e["row"], "Level", str(e["Level"]), "indicators are on level 1")
            )
        if e.get("Direction") not in (None, 1, -1):
            problems.append(
                DataProblem(m_src, e["row"], "Direction", str(e["Direction"]), "must be 1 or -1")
            )
    if problems:
        raise DataError(problems)
    top = max(e["Level"] for e in tree.values())
    roots = [c for c, e in tree.items() if e["Level"] == top]
    if len(roots) != 1:
        raise DataError(
            [
                DataProblem(
                    m_src,
                    None,
                    "Level",
                    str(top),
                    f"level {top} must hold exactly one aggregate (the index); "
                    f"found {', '.join(roots)}",
                )
            ]
        )
    children: dict[str, list[str]] = {c: [] for c in tree}
    for code, e in tree.items():
        parent = str(e["raw"].get("Parent", "") or "").strip()
        if code == roots[0]:
            continue
        if parent not in tree:
            problems.append(
                DataProblem(m_src, e["row"], "Parent", parent, "not an aggregate of iMeta")
            )
        elif tree[parent]["Level"] != e["Level"] + 1:
            problems.append(
                DataProblem(
                    m_src,
                    e["row"],
                    "Parent",
                    parent,
                    f"is on level {tree[parent]['Level']}, expected {e['Level'] + 1}",
                )
            )
        else:
            children[parent].append(code)
    for code, e in tree.items():
        if (e["type"] == "Aggregate" and not children[code] and code != roots[0]) or (
            code == roots[0] and not children[code]
        ):
            problems.append(
                DataProblem(m_src, e["row"], "iCode", code, "aggregate without children")
            )
    indicators = [c for c, e in tree.items() if e["type"] == "Indicator"]
    variables = [c for c, e in rows.items() if e["type"] in ("Group", "Denominator")]
    for code in [*indicators, *variables]:
        if code not in data.columns:
            problems.append(
                DataProblem(
                    d_src,
                    1,
                    code,
                    None,
                    f"{rows[code]['type'].lower()} of iMeta has no column in iData",
                )
            )
    if problems:
        raise DataError(problems)

    names = level_names or []
    if names and len(names) != top:
        raise DataError(
            [DataProblem(m_src, None, "Level", None, f"{len(names)} level names for {top} levels")]
        )
    level_codes = {lv: (_slug(names[lv - 1]) if names else f"level_{lv}") for lv in range(2, top)}

    def label(e: dict[str, Any]) -> dict[str, str]:
        name = str(e["raw"].get("iName", "") or "").strip()
        return {"en": name} if name else {}

    def build(code: str) -> dict[str, Any]:
        e = tree[code]
        out: dict[str, Any] = {"code": code}
        if label(e):
            out["label"] = label(e)
        if e.get("Weight") is not None and e["Weight"] != 1:
            out["weight"] = e["Weight"]
        if e["type"] == "Indicator":
            out["type"] = "numeric"
            if e.get("Direction") == -1:
                out["direction"] = -1
            unit = str(e["raw"].get("Unit", "") or "").strip()
            if unit and unit.upper() != "NA":
                out["unit"] = unit
            return out
        kids = children[code]
        lv = e["Level"] - 1
        key = "indicators" if lv == 1 else _plural(level_codes[lv])
        out[key] = [build(k) for k in kids]
        return out

    root = build(roots[0])
    root.pop("weight", None)
    fw: dict[str, Any] = {"format": "polindex/1", "code": roots[0]}
    fw["name"] = label(tree[roots[0]]) or {"en": roots[0]}
    fw["scale"] = {
        "min": choices.normalise_range[0] if choices else 0.0,
        "max": choices.normalise_range[1] if choices else 100.0,
    }
    if level_codes:
        fw["levels"] = [
            {
                "code": level_codes[lv],
                "plural": _plural(level_codes[lv]),
                "label": {"en": names[lv - 1] if names else f"Level {lv}"},
            }
            for lv in range(top - 1, 1, -1)
        ]
    fw.update({k: v for k, v in root.items() if k not in ("code", "label")})

    notes: list[str] = []
    targets = {c: tree[c]["Target"] for c in indicators if tree[c].get("Target") is not None}
    if targets:
        first, value = next(iter(targets.items()))
        sign = -1 if tree[first].get("Direction") == -1 else 1
        notes.append(
            f"iMeta Target values ({len(targets)} indicator{'s' if len(targets) > 1 else ''}) "
            "are not imported: the framework has no place for them and only the dist2targ "
            "normalisation uses them; to use them, add normalise overrides such as "
            f"{first}: {{method: dist2targ, params: {{target: {sign * value:.15g}}}}} (negated "
            "for a direction -1 indicator)"
        )
    others = [c for c, e in rows.items() if e["type"] == "Other"]
    if others:
        notes.append(f"columns of type Other not imported: {', '.join(others)}")

    ch = choices or PipelineChoices()
    pipe: dict[str, Any] = {
        "variables": [
            {
                "code": c,
                "role": "group" if rows[c]["type"] == "Group" else "denominator",
                **({"label": label(rows[c])} if label(rows[c]) else {}),
            }
            for c in variables
        ]
    }
    steps: list[dict[str, Any]] = []
    denoms = {c: str(tree[c]["raw"].get("Denominator", "") or "").strip() for c in indicators}
    denoms = {c: d for c, d in denoms.items() if d and d.upper() != "NA"}
    for c, d in denoms.items():
        if d not in rows or rows[d]["type"] != "Denominator":
            problems.append(
                DataProblem(
                    m_src, tree[c]["row"], "Denominator", d, "not a Denominator row of iMeta"
                )
            )
    if problems:
        raise DataError(problems)
    if ch.denominate and denoms:
        steps.append({"step": "denominate", "by": denoms})
    if ch.impute:
        imp: dict[str, Any] = {"step": "impute", "method": ch.impute}
        if ch.impute_group:
            if ch.impute_group not in rows or rows[ch.impute_group]["type"] != "Group":
                raise DataError(
                    [DataProblem(m_src, None, "iCode", ch.impute_group, "not a Group of iMeta")]
                )
            imp = {"step": "impute", "method": f"{ch.impute}_group", "group": ch.impute_group}
        steps.append(imp)
    if ch.screen_availability is not None:
        steps.append({"step": "screen", "min_availability": ch.screen_availability})
    if ch.winmax is not None:
        steps.append({"step": "treat", "winmax": ch.winmax})
    steps.append(
        {
            "step": "normalise",
            "method": "minmax",
            "params": {"low": ch.normalise_range[0], "high": ch.normalise_range[1]},
        }
    )
    steps.append({"step": "aggregate", "method": ch.aggregation})
    pipe["steps"] = steps
    fw["pipeline"] = pipe

    # the data: unit, period, variables, indicators (numbers checked here)
    period: pd.Series = data["Time"] if "Time" in data.columns else pd.Series(["1"] * len(data))
    out = pd.DataFrame({"unit": data["uCode"].astype(str), "period": period.astype(str)})
    for code in [*variables, *indicators]:
        cells: pd.Series = data[code].astype(str)
        if code in indicators or rows[code]["type"] == "Denominator":
            vals = []
            for k, text in enumerate(cells):
                try:
                    num = _number(text)
                except ValueError:
                    problems.append(DataProblem(d_src, k + 2, code, text, "not a number"))
                    num = None
                vals.append(math.nan if num is None else num)
            out[code] = vals
        else:
            out[code] = cells.where(~cells.str.upper().isin(["", "NA"]), "")
    if problems:
        raise DataError(problems)
    dup = out.duplicated(["unit", "period"], keep="first")
    for k in dup[dup].index:
        problems.append(
            DataProblem(
                d_src, int(k) + 2, "uCode", out["unit"][k], "unit appears twice in the same period"
            )
        )
    if problems:
        raise DataError(problems)
    names_col = data["uName"].astype(str) if "uName" in data.columns else out["unit"]
    units = pd.DataFrame({"unit": out["unit"], "name": names_col}).drop_duplicates("unit")
    return CoinrImport(framework=fw, data=out, unit_names=units, notes=notes)
