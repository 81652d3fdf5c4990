"""Downloads of a release: CSV (long, wide), XLSX, JSON, a Frictionless data package, a ZIP.

Every file is made from the frozen release alone, so a download is the same bytes for as long as
the release exists (and can be cached by its checksum).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pandas as pd

from polindex.engine.provenance import MethodUsed
from polindex.framework.models import UNIT_KINDS, Indicator
from polindex.io.sheets import csv_text, write_sheets
from polindex.web.releases.models import Release

FORMATS = {
    "long.csv": "text/csv",
    "wide.csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "datapackage.zip": "application/zip",
    "zip": "application/zip",
}
COLUMNS = ["unit", "period", "node", "level", "parent", "score", "rank", "band", "status"]


def long_table(release: Release) -> pd.DataFrame:
    """One row per unit, period and node, with the unit's name and the band's label (in the
    index's first language) beside their codes."""
    rows = release.scores.order_by("period", "unit", "id").values_list(*COLUMNS)
    long = pd.DataFrame(list(rows), columns=COLUMNS).astype({"rank": "Int64"})
    fw, units = release.definition.framework, release.unit_table
    long.insert(1, "name", long["unit"].map(units.names(fw.default_language)))
    bands = {b.code: fw.label(b) for b in fw.bands}
    long.insert(COLUMNS.index("band") + 2, "band_label", long["band"].map(bands))
    return long


def wide_table(release: Release) -> pd.DataFrame:
    """One row per unit and period, one score column per node (framework order)."""
    long = long_table(release)
    order = list(dict.fromkeys(long["node"]))
    return _named(long, _pivot(long).reindex(columns=order))


def _pivot(long: pd.DataFrame) -> pd.DataFrame:
    """Scores with a row per unit and period, a column per node (every node, even empty)."""
    return long.pivot_table(index=["unit", "period"], columns="node", values="score", dropna=False)


def _named(long: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """``wide`` (indexed by unit and period) with the unit's name beside its code."""
    out = wide.reset_index()
    names = dict(zip(long["unit"], long["name"], strict=False))
    out.insert(1, "name", out["unit"].map(names))
    return out


def units_table(release: Release) -> pd.DataFrame:
    """One row per unit: its name in each language, kind, ISO codes and groups, as frozen."""
    table = release.unit_table
    rows = []
    for unit in table.units.values():
        iso = unit.iso
        rows.append(
            {
                "unit": unit.code,
                **{f"name_{lang}": unit.name(lang) for lang in table.languages},
                "kind": unit.kind,
                "iso_alpha_2": iso.alpha_2 if iso else None,
                "iso_alpha_3": iso.alpha_3 if iso else None,
                "iso_numeric": iso.numeric if iso else None,
                "groups": ";".join(unit.groups),
            }
        )
    columns = ["unit", *(f"name_{lang}" for lang in table.languages)]
    columns += ["kind", "iso_alpha_2", "iso_alpha_3", "iso_numeric", "groups"]
    return pd.DataFrame(rows, columns=columns)


def _stem(release: Release) -> str:
    return f"{release.index.code}-{release.version}"


def _about(release: Release) -> dict[str, Any]:
    return {
        "index": release.index.code,
        "name": release.index.name,
        "version": release.version,
        "methodology_version": release.methodology_version,
        "publish_at": release.publish_at.isoformat(),
        "citation": release.citation,
        "licence": release.licence,
        "checksum": release.checksum,
        "changelog": release.changelog,
        "synthetic": release.synthetic,
    }


def codebook(release: Release, lang: str | None = None) -> pd.DataFrame:
    """Every node of the index with its level, parent, label and type, and how it was computed:
    its weight among its siblings and its effective weight in the index as used, the
    aggregation of a group and the normalisation of an indicator (from the release's frozen
    ``weights_used`` and ``methods_used``; releases made before these were frozen show the
    framework's weights and methods)."""
    fw = release.definition.framework
    weights = release.weights_used or {}
    given, effective = weights.get("given", {}), weights.get("effective", {})
    methods = release.methods_used or {}
    rows: list[dict[str, Any]] = []
    for item, parent, _ in fw.walk():
        if isinstance(item, Indicator):
            method = (methods.get("normalisation") or {}).get(item.code)
        else:
            method = (methods.get("aggregation") or {}).get(item.code) or {
                "method": item.aggregation
            }
        rows.append(
            {
                "code": item.code,
                "level": item.level,
                "parent": parent,
                "label": fw.label(item, lang),
                "type": item.type if isinstance(item, Indicator) else "group",
                "weight": given.get(item.code, item.weight) if parent else None,
                "effective_weight": effective.get(item.code),
                "method": _method_text(method),
            }
        )
    return pd.DataFrame(rows)


def _method_text(method: dict[str, Any] | None) -> str:
    """``minmax (high=100, low=0)``; empty when the framework's own rules scored it."""
    if not method:
        return ""
    return str(MethodUsed(method["method"], method.get("params") or {}))


def render(release: Release, fmt: str) -> tuple[bytes, str, str]:
    """The file for ``fmt`` (see :data:`FORMATS`): its bytes, media type and file name."""
    stem = _stem(release)
    if fmt == "long.csv":
        return csv_text(long_table(release)).encode(), FORMATS[fmt], f"{stem}-long.csv"
    if fmt == "wide.csv":
        return csv_text(wide_table(release)).encode(), FORMATS[fmt], f"{stem}-wide.csv"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        long = long_table(release)
        sheets = {"about": pd.DataFrame(list(_about(release).items()), columns=["key", "value"])}
        for level, part in long.groupby("level", sort=False):
            sheets[str(level)] = _named(long, _pivot(part))
        sheets["codebook"] = codebook(release)
        sheets["units"] = units_table(release)
        write_sheets(buffer, sheets)
        return buffer.getvalue(), FORMATS[fmt], f"{stem}.xlsx"
    if fmt == "json":
        long = long_table(release).astype(object).where(long_table(release).notna(), None)
        units = release.unit_table.as_json()
        doc = {
            "release": _about(release),
            "units": units["units"],
            "unit_groups": units["groups"],
            "scores": long.to_dict(orient="records"),
        }
        return json.dumps(doc, ensure_ascii=False).encode(), FORMATS[fmt], f"{stem}.json"
    if fmt == "datapackage.zip":
        return _datapackage(release), FORMATS[fmt], f"{stem}-datapackage.zip"
    if fmt == "zip":
        return _everything(release), FORMATS[fmt], f"{stem}.zip"
    raise KeyError(fmt)


def datapackage_descriptor(release: Release) -> dict[str, Any]:
    """``datapackage.json``: the scores (long), the codebook and the units, with table
    schemas."""
    score_fields = [
        {"name": "unit", "type": "string"},
        {"name": "name", "type": "string", "description": "The unit's name"},
        {"name": "period", "type": "string"},
        {"name": "node", "type": "string"},
        {"name": "level", "type": "string"},
        {"name": "parent", "type": "string"},
        {"name": "score", "type": "number"},
        {"name": "rank", "type": "integer"},
        {"name": "band", "type": "string"},
        {"name": "band_label", "type": "string"},
        {"name": "status", "type": "string"},
    ]
    languages = release.unit_table.languages
    unit_fields = [
        {"name": "unit", "type": "string"},
        *({"name": f"name_{lang}", "type": "string"} for lang in languages),
        {
            "name": "kind",
            "type": "string",
            "constraints": {"enum": list(UNIT_KINDS)},
            "description": "country, region (within a country), supranational (EU level, "
            "aggregates: never ranked) or other",
        },
        {"name": "iso_alpha_2", "type": "string"},
        {"name": "iso_alpha_3", "type": "string"},
        {"name": "iso_numeric", "type": "string"},
        {"name": "groups", "type": "string", "description": "Group codes, separated by ';'"},
    ]
    return {
        "name": f"{release.index.code}-{release.version}".lower().replace("_", "-"),
        "title": f"{release.index.name} {release.version}",
        "version": release.version,
        "licenses": [{"name": release.licence or "unspecified", "title": release.licence}]
        if release.licence
        else [],
        "description": release.citation,
        "resources": [
            {
                "name": "scores",
                "path": "scores.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": {
                    "fields": score_fields,
                    "primaryKey": ["unit", "period", "node"],
                },
            },
            {
                "name": "codebook",
                "path": "codebook.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": {
                    "fields": [
                        {"name": "code", "type": "string"},
                        {"name": "level", "type": "string"},
                        {"name": "parent", "type": "string"},
                        {"name": "label", "type": "string"},
                        {"name": "type", "type": "string"},
                        {
                            "name": "weight",
                            "type": "number",
                            "description": "Weight among its siblings, as used",
                        },
                        {
                            "name": "effective_weight",
                            "type": "number",
                            "description": "Share of the index (0 to 1), as used",
                        },
                        {
                            "name": "method",
                            "type": "string",
                            "description": "Aggregation of a group, normalisation of an "
                            "indicator (empty: scored by the framework's own rules)",
                        },
                    ],
                    "primaryKey": ["code"],
                },
            },
            {
                "name": "units",
                "path": "units.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": {"fields": unit_fields, "primaryKey": ["unit"]},
            },
        ],
    }


def _datapackage(release: Release) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("datapackage.json", json.dumps(datapackage_descriptor(release), indent=1))
        z.writestr("scores.csv", csv_text(long_table(release)))
        z.writestr("codebook.csv", csv_text(codebook(release)))
        z.writestr("units.csv", csv_text(units_table(release)))
    return buffer.getvalue()


def _everything(release: Release) -> bytes:
    about = _about(release)
    warning = (
        ["SYNTHETIC DATA: invented countries and answers, generated for demonstration only.", ""]
        if release.synthetic
        else []
    )
    readme = "\n".join(
        [
            *warning,
            f"{release.index.name} — release {release.version}",
            "",
            f"Published: {about['publish_at']}",
            f"Licence: {release.licence or 'see the publisher'}",
            f"Checksum (SHA-256 of the release): {release.checksum}",
            "",
            "How to cite:",
            release.citation or "(no citation given)",
            "",
            "Files: scores in long and wide CSV, an XLSX workbook (a sheet per level, a "
            "codebook and the units), JSON, and a Frictionless data package (scores, codebook "
            "and units: each unit's names, kind, ISO codes and groups).",
        ]
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", readme)
        z.writestr("CITATION.txt", release.citation or "")
        for fmt in ("long.csv", "wide.csv", "xlsx", "json", "datapackage.zip"):
            content, _, name = render(release, fmt)
            z.writestr(name, content)
    return buffer.getvalue()
