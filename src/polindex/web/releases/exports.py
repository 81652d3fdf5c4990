"""Downloads of a release: CSV (long, wide), XLSX, JSON, a Frictionless data package, a ZIP, and
for a release with robustness results its rank intervals and sensitivity indices as CSV.

Every file is made from the frozen release alone, in one language (unit names, labels), and is
the same bytes each time it is made (archives carry the release's publish time, never the
time of making), so it can be made once and kept (see :mod:`.stored`).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from functools import cached_property
from typing import Any

import pandas as pd

from polindex.engine.provenance import MethodUsed
from polindex.framework.models import UNIT_KINDS, Indicator
from polindex.io.sheets import csv_text, write_sheets
from polindex.web.releases.models import Release
from polindex.web.releases.robustness import (
    INTERVAL_FIELDS,
    SENSITIVITY_FIELDS,
    ReleaseRobustness,
)

FORMATS = {
    "long.csv": "text/csv",
    "wide.csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "datapackage.zip": "application/zip",
    "zip": "application/zip",
    "rank-intervals.csv": "text/csv",
    "sensitivity.csv": "text/csv",
}
ROBUSTNESS_FORMATS = {"rank-intervals.csv": "uncertainty", "sensitivity.csv": "sensitivity"}
"""Formats a release has only with that part of the robustness results."""
COMPRESSED = frozenset({"xlsx", "datapackage.zip", "zip"})
"""Formats that are archives already (gzip would gain nothing)."""
COLUMNS = ["unit", "period", "node", "level", "parent", "score", "rank", "band", "status"]


def formats(release: Release) -> list[str]:
    """The download formats ``release`` has (the robustness CSVs only with those results).

    Examples (with Django set up)::

        formats(release)  # ['long.csv', 'wide.csv', 'xlsx', 'json', 'datapackage.zip', 'zip']
    """
    data = release.robustness or {}
    return [f for f in FORMATS if f not in ROBUSTNESS_FORMATS or data.get(ROBUSTNESS_FORMATS[f])]


def file_name(release: Release, fmt: str) -> str:
    """The name a download of ``fmt`` is saved as (``IMPIC-2016-long.csv``).

    Examples (with Django set up)::

        file_name(release, "zip")  # 'ImmPol-2016.zip'
    """
    stem = f"{release.index.code}-{release.version}"
    return f"{stem}.{fmt}" if fmt in ("xlsx", "json", "zip") else f"{stem}-{fmt}"


class Export:
    """The downloads of ``release`` in ``lang`` (default: the index's first language); each
    table is made once per instance, so making several files (or the ZIP of all) reads the
    release once. ``parts`` gives the bytes of a format the ZIP holds (default: made here; the
    store sets its own, so each part is made once and kept).

    Examples (with Django set up)::

        content, media_type, name = Export(release, "fr").file("long.csv")
    """

    def __init__(self, release: Release, lang: str | None = None) -> None:
        self.release = release
        self.framework = release.definition.framework
        self.lang = lang or self.framework.default_language
        self.robustness = ReleaseRobustness(release, self.lang)
        self.parts: Callable[[str], bytes] = self.content

    # -- tables -------------------------------------------------------------------------------

    @cached_property
    def long(self) -> pd.DataFrame:
        """One row per unit, period and node, with the unit's name and the band's label."""
        rows = self.release.scores.order_by("period", "unit", "id").values_list(*COLUMNS)
        long = pd.DataFrame(list(rows), columns=COLUMNS).astype({"rank": "Int64"})
        fw, units = self.framework, self.release.unit_table
        long.insert(1, "name", long["unit"].map(units.names(self.lang)))
        bands = {b.code: fw.label(b, self.lang) for b in fw.bands}
        long.insert(COLUMNS.index("band") + 2, "band_label", long["band"].map(bands))
        return long

    @cached_property
    def long_csv(self) -> bytes:
        """The long table as CSV (the long download and the data package's scores)."""
        return csv_text(self.long).encode()

    @cached_property
    def wide(self) -> pd.DataFrame:
        """One row per unit and period, one score column per node (framework order)."""
        order = list(dict.fromkeys(self.long["node"]))
        return _named(self.long, _pivot(self.long).reindex(columns=order))

    @cached_property
    def codebook(self) -> pd.DataFrame:
        return codebook(self.release, self.lang)

    @cached_property
    def units(self) -> pd.DataFrame:
        return units_table(self.release)

    @cached_property
    def intervals(self) -> pd.DataFrame:
        """Each unit's rank interval (and score interval) on the studied node and period."""
        rb = self.robustness
        columns = ["unit", "name", "node", "period", *INTERVAL_FIELDS]
        rows = [{**u, "node": rb.target, "period": rb.period} for u in rb.intervals()]
        return pd.DataFrame(rows, columns=columns)

    @cached_property
    def sensitivity(self) -> pd.DataFrame:
        """Each uncertain choice's first-order and total effect on the mean rank shift."""
        columns = ["input", "label", *SENSITIVITY_FIELDS]
        return pd.DataFrame(self.robustness.sensitivity(), columns=columns)

    @cached_property
    def unit_sensitivity(self) -> pd.DataFrame:
        """Each choice's first-order and total effect on each unit's rank."""
        columns = ["unit", "name", "input", "label", "first_order", "total"]
        return pd.DataFrame(self.robustness.unit_sensitivity(), columns=columns)

    @cached_property
    def reliability(self) -> pd.DataFrame:
        """Cronbach's alpha of each group's children."""
        columns = ["node", "label", "level", "n_children", "cronbach_alpha"]
        return pd.DataFrame(self.robustness.reliability(), columns=columns).astype(
            {"n_children": "Int64"}
        )

    def robustness_tables(self) -> dict[str, pd.DataFrame]:
        """The robustness tables this release has (resource name → table), none empty."""
        tables = {
            "rank-intervals": self.intervals,
            "sensitivity": self.sensitivity,
            "unit-sensitivity": self.unit_sensitivity,
            "reliability": self.reliability,
        }
        return {name: t for name, t in tables.items() if not t.empty}

    @property
    def created(self) -> dt.datetime:
        """The time every archive of the release says its files were made: its publish
        time (never the time of making, so each making gives the same bytes)."""
        return self.release.publish_at

    # -- files --------------------------------------------------------------------------------

    def file(self, fmt: str) -> tuple[bytes, str, str]:
        """The file for ``fmt`` (see :data:`FORMATS`): its bytes, media type and file name."""
        return self.content(fmt), FORMATS[fmt], file_name(self.release, fmt)

    def content(self, fmt: str) -> bytes:
        """The bytes of the file for ``fmt``; ``KeyError`` for a format the release lacks."""
        if fmt not in formats(self.release):
            raise KeyError(fmt)
        if fmt == "long.csv":
            return self.long_csv
        if fmt == "wide.csv":
            return csv_text(self.wide).encode()
        if fmt == "rank-intervals.csv":
            return csv_text(self.intervals).encode()
        if fmt == "sensitivity.csv":
            return csv_text(self.sensitivity).encode()
        if fmt == "xlsx":
            return self._xlsx()
        if fmt == "json":
            return self._json()
        if fmt == "datapackage.zip":
            return self._datapackage()
        return self._everything()

    def _xlsx(self) -> bytes:
        buffer = io.BytesIO()
        about = about_release(self.release)
        sheets = {"about": pd.DataFrame(list(about.items()), columns=["key", "value"])}
        for level, part in self.long.groupby("level", sort=False):
            sheets[str(level)] = _named(self.long, _pivot(part))
        sheets["codebook"] = self.codebook
        sheets["units"] = self.units
        for name, table in self.robustness_tables().items():
            sheets[name.replace("-", " ")] = table
        write_sheets(buffer, sheets, created=self.created.replace(tzinfo=None))
        return _same_every_time(buffer.getvalue(), self.created)

    def _json(self) -> bytes:
        units = self.release.unit_table.as_json()
        doc: dict[str, Any] = {
            "release": about_release(self.release),
            "units": units["units"],
            "unit_groups": units["groups"],
            "scores": _records(self.long),
        }
        if self.robustness:
            rb = self.robustness
            doc["robustness"] = {
                "target": rb.target,
                "target_label": rb.target_label,
                "period": rb.period,
                "replications": rb.replications,
                "inputs": rb.inputs(),
                "intervals": rb.intervals(),
                "sensitivity": rb.sensitivity(),
                "unit_sensitivity": rb.unit_sensitivity(),
                "reliability": rb.reliability(),
            }
        return json.dumps(doc, ensure_ascii=False).encode()

    def _datapackage(self) -> bytes:
        members = [
            ("datapackage.json", json.dumps(self.descriptor(), indent=1).encode()),
            ("scores.csv", self.long_csv),
            ("codebook.csv", csv_text(self.codebook).encode()),
            ("units.csv", csv_text(self.units).encode()),
        ]
        for name, table in self.robustness_tables().items():
            members.append((f"{name}.csv", csv_text(table).encode()))
        return _zip(members, self.created)

    def _everything(self) -> bytes:
        members = [
            ("README.txt", self.readme().encode()),
            ("CITATION.txt", (self.release.citation or "").encode()),
        ]
        for fmt in formats(self.release):
            if fmt != "zip":
                members.append((file_name(self.release, fmt), self.parts(fmt)))
        return _zip(members, self.created)

    def readme(self) -> str:
        """The ZIP's README (in English, as the files' column names): what the release is,
        how to cite it, what each file holds."""
        release = self.release
        warning = (
            [f"SYNTHETIC DATA: {WHAT_IS_SYNTHETIC[release.unit_names]}, generated for "
             "demonstration only.", ""]
            if release.synthetic
            else []
        )  # fmt: skip
        robust = (
            [
                "",
                f"Robustness: each country's rank interval (5–95 %, median) over "
                f"{self.robustness.replications} rebuilds of the index under other plausible "
                "construction choices, and how much each choice moves the ranks (first-order "
                "and total effects), in the files named rank-intervals and sensitivity, and in "
                "the workbook, the JSON and the data package (with each choice's effects on "
                "each country's rank, and Cronbach's alpha of each group).",
            ]
            if self.robustness.uncertainty
            else []
        )
        return "\n".join(
            [
                *warning,
                f"{release.index.name} — release {release.version}",
                "",
                f"Published: {release.publish_at.isoformat()}",
                f"Licence: {release.licence or 'see the publisher'}",
                f"Checksum (SHA-256 of the release): {release.checksum}",
                "",
                "How to cite:",
                release.citation or "(no citation given)",
                "",
                "Files: scores in long and wide CSV, an XLSX workbook (a sheet per level, a "
                "codebook and the units), JSON, and a Frictionless data package (scores, codebook "
                "and units: each unit's names, kind, ISO codes and groups). Names and labels are "
                f"in {_language_name(self.lang)}.",
                *robust,
            ]
        )

    def descriptor(self) -> dict[str, Any]:
        """``datapackage.json``: the scores (long), the codebook, the units and the robustness
        tables, with table schemas."""
        return datapackage_descriptor(self.release, list(self.robustness_tables()))


# -- tables and texts ------------------------------------------------------------------------


def _pivot(long: pd.DataFrame) -> pd.DataFrame:
    """Scores with a row per unit and period, a column per node (every node, even empty)."""
    return long.pivot_table(index=["unit", "period"], columns="node", values="score", dropna=False)


def _named(long: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """``wide`` (indexed by unit and period) with the unit's name beside its code."""
    out = wide.reset_index()
    names = long.drop_duplicates("unit").set_index("unit")["name"]
    out.insert(1, "name", out["unit"].map(names))
    return out


def _language_name(lang: str) -> str:
    """``lang``'s name in English (``French``), or the code for a language Django lacks."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(lang)["name"])
    except KeyError:
        return lang


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame``'s rows as dicts of plain values, missing ones ``None`` (as
    ``to_dict(orient="records")``, a column at a time: ten times faster on a long table).

    Examples
    --------
    >>> _records(pd.DataFrame({"a": ["x", None], "b": pd.array([1, None], dtype="Int64")}))
    [{'a': 'x', 'b': 1}, {'a': None, 'b': None}]
    """
    columns = [
        frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns
    ]
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


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


WHAT_IS_SYNTHETIC = {
    "invented": "invented countries and answers",
    "real": "real country names with synthetic answers",
    "mixed": "synthetic answers",
}
"""What a synthetic release's README says is invented, by :attr:`Release.unit_names`."""


def about_release(release: Release) -> dict[str, Any]:
    """What a download says about its release (and everything it holds besides the content
    the checksum covers: a stored download is kept under a digest of this)."""
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
    for item, parent, _depth in fw.walk():
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


# -- archives that are the same bytes every time ---------------------------------------------


def _stamp(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """A ZIP member's time: ``when`` in UTC (ZIP times start in 1980)."""
    utc = when.astimezone(dt.UTC) if when.tzinfo else when
    utc = max(utc.replace(tzinfo=None), dt.datetime(1980, 1, 1))
    return (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


def _zip(members: list[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """A ZIP of ``members`` (name, bytes), every one dated ``when``: the same members give
    the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_stamp(when))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buffer.getvalue()


MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _same_every_time(archive: bytes, when: dt.datetime) -> bytes:
    """``archive`` (a workbook) written again with every member dated ``when``, and the time
    the workbook says it was changed (openpyxl writes the clock's) set to ``when`` too."""
    stamp = _stamp(when)
    written = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*stamp).encode()
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        members = [(info.filename, z.read(info)) for info in z.infolist()]
    members = [
        (name, MODIFIED.sub(rb"\g<1>" + written + rb"\g<2>", data))
        if name == "docProps/core.xml"
        else (name, data)
        for name, data in members
    ]
    return _zip(members, when)


# -- the data package ------------------------------------------------------------------------

_NUMBER = {"type": "number"}
ROBUSTNESS_SCHEMAS: dict[str, dict[str, Any]] = {
    "rank-intervals": {
        "description": "Each unit's rank and score over the rebuilds of the uncertainty "
        "analysis: as published (nominal), median, mean, 5th and 95th percentile",
        "fields": [
            {"name": "unit", "type": "string"},
            {"name": "name", "type": "string"},
            {"name": "node", "type": "string", "description": "The node studied (the index)"},
            {"name": "period", "type": "string"},
            *({"name": f, **_NUMBER} for f in INTERVAL_FIELDS),
        ],
        "primaryKey": ["unit"],
    },
    "sensitivity": {
        "description": "Sensitivity indices of the mean rank shift: the share of its variance "
        "each uncertain choice explains alone (first order) and with its interactions (total), "
        "with 5–95 % bootstrap intervals",
        "fields": [
            {"name": "input", "type": "string", "description": "The choice's name"},
            {"name": "label", "type": "string", "description": "What the choice varied"},
            *({"name": f, **_NUMBER} for f in SENSITIVITY_FIELDS),
        ],
        "primaryKey": ["input"],
    },
    "unit-sensitivity": {
        "description": "Sensitivity indices of each unit's rank (first order and total)",
        "fields": [
            {"name": "unit", "type": "string"},
            {"name": "name", "type": "string"},
            {"name": "input", "type": "string"},
            {"name": "label", "type": "string"},
            {"name": "first_order", **_NUMBER},
            {"name": "total", **_NUMBER},
        ],
        "primaryKey": ["unit", "input"],
    },
    "reliability": {
        "description": "Cronbach's alpha of each group's children (negative: its children "
        "tend to move against each other)",
        "fields": [
            {"name": "node", "type": "string"},
            {"name": "label", "type": "string"},
            {"name": "level", "type": "string"},
            {"name": "n_children", "type": "integer"},
            {"name": "cronbach_alpha", **_NUMBER},
        ],
        "primaryKey": ["node"],
    },
}
"""The table schema of each robustness resource of the data package."""


def datapackage_descriptor(release: Release, robustness: list[str] | None = None) -> dict[str, Any]:
    """``datapackage.json``: the scores (long), the codebook and the units, with table
    schemas, and the robustness resources named in ``robustness`` (see
    :data:`ROBUSTNESS_SCHEMAS`)."""
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
    resources: list[dict[str, Any]] = [
        _resource("scores", {"fields": score_fields, "primaryKey": ["unit", "period", "node"]}),
        _resource(
            "codebook",
            {
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
        ),
        _resource("units", {"fields": unit_fields, "primaryKey": ["unit"]}),
    ]
    for name in robustness or []:
        schema = dict(ROBUSTNESS_SCHEMAS[name])
        description = schema.pop("description")
        resources.append({**_resource(name, schema), "description": description})
    return {
        "name": f"{release.index.code}-{release.version}".lower().replace("_", "-"),
        "title": f"{release.index.name} {release.version}",
        "version": release.version,
        "licenses": [{"name": release.licence or "unspecified", "title": release.licence}]
        if release.licence
        else [],
        "description": release.citation,
        "resources": resources,
    }


def _resource(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "schema": schema,
    }
