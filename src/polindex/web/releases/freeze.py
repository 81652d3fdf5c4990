"""Freezing engine results into a release."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import connections, router, transaction

from polindex.analysis.robustness import ReleaseResults, clean
from polindex.engine.results import Results
from polindex.framework.units import resolve_units
from polindex.web.releases.models import Index, Release, ReleaseScore, site_languages

SCORE_FIELDS = ("unit", "period", "node", "level", "parent", "score", "rank", "band", "status")
"""The keys of a score row, in order: what the checksum covers of each :class:`ReleaseScore`."""


def score_rows(results: Results) -> list[dict[str, Any]]:
    """Every (unit, period, node) row of ``results`` as plain values."""
    table = results.table()
    rows = []
    for rec in table.to_dict(orient="records"):
        rows.append(
            {
                "unit": str(rec["unit"]),
                "period": str(rec["period"]),
                "node": str(rec["node"]),
                "level": str(rec["level"]),
                "parent": str(rec["parent"]),
                "score": clean(rec["score"]),
                "rank": clean(rec["rank"]),
                "band": str(rec["band"]),
                "status": str(rec["status"]),
            }
        )
    return rows


def checksum(
    framework: Any,
    spec: Any,
    inputs_csv: str,
    rows: list[dict[str, Any]],
    robustness: dict[str, Any] | None = None,
    notes: list[dict[str, Any]] | None = None,
    used: dict[str, Any] | None = None,
    units: dict[str, Any] | None = None,
    crosswalk: dict[str, Any] | None = None,
    variables_csv: str = "",
    design: dict[str, Any] | None = None,
) -> str:
    """SHA-256 over the canonical JSON of everything a release holds (``used``: the weights
    and methods used, by name; ``units``: the unit table as frozen; ``crosswalk``: the one to
    its predecessor; ``variables_csv`` and ``design``: a build's pipeline variables and
    uncertainty design). Each optional part is covered only when present, so a release
    without it keeps the checksum it was frozen with
    (``docs/decisions/048-releases-that-can-be-rebuilt.md``)."""
    doc = {"framework": framework, "spec": spec, "inputs": inputs_csv, "scores": rows}
    if variables_csv:
        doc["variables"] = variables_csv
    if design:
        doc["uncertainty_design"] = design
    if units:
        doc["units"] = units
    if robustness:
        doc["robustness"] = robustness
    if notes:
        doc["notes"] = notes
    if used:
        doc.update(used)
    if crosswalk:
        doc["crosswalk"] = crosswalk
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def freeze(
    computed: Results | ReleaseResults,
    *,
    version: str,
    publish_at: dt.datetime,
    citation: str = "",
    licence: str = "",
    changelog: str = "",
    corrects: Release | None = None,
    synthetic: bool = False,
    notes: list[dict[str, Any]] | None = None,
    key_findings: str = "",
    crosswalk: dict[str, Any] | None = None,
) -> Release:
    """Store ``results`` as release ``version`` of its index (created if new), all or nothing.

    The storage step of :func:`~polindex.web.releases.publish.publish_release`, which checks
    the publication rules first: call that. A version that exists already raises
    ``IntegrityError``.
    ``notes`` carry each answer's justification and sources (``unit``, ``period``,
    ``indicator``, ``justification``, ``sources``) when the data come from a collection edition.
    ``key_findings`` is the central team's Markdown text shown on the release's page (not in
    the checksum: it may be edited until the release is published). ``crosswalk`` is the
    checked crosswalk to the predecessor (:mod:`~polindex.web.releases.crosswalks`).
    """
    content = computed if isinstance(computed, ReleaseResults) else ReleaseResults(computed)
    results = content.results
    fw = results.framework
    index, _ = Index.objects.get_or_create(
        code=fw.code, defaults={"name": fw.name.get(fw.default_language, fw.code)}
    )
    framework = json.loads(fw.model_dump_json())
    spec = json.loads(json.dumps(dict(results.spec), default=str))
    inputs_csv = "" if results.inputs is None else results.inputs.to_csv(index=False)
    variables_csv = "" if content.variables is None else content.variables.to_csv(index=False)
    design = content.design_json()
    rows = score_rows(results)
    robustness = content.robustness.as_json()
    used = {
        "weights_used": results.weights_used.as_json(),
        "methods_used": results.methods_used.as_json(),
    }
    # names in the index's languages and the site's, frozen: a package update changes nothing
    units = resolve_units(results.dataset.units, fw, site_languages()).as_json()
    release = Release(
        index=index,
        version=version,
        methodology_version=fw.version,
        publish_at=publish_at,
        citation=citation or (fw.citation or ""),
        licence=licence or (fw.licence or ""),
        changelog=changelog,
        corrects=corrects,
        framework=framework,
        spec=spec,
        inputs_csv=inputs_csv,
        variables_csv=variables_csv,
        uncertainty_design=design,
        checksum=checksum(
            framework,
            spec,
            inputs_csv,
            rows,
            robustness,
            notes,
            used,
            units,
            crosswalk=crosswalk,
            variables_csv=variables_csv,
            design=design,
        ),
        synthetic=synthetic,
        robustness=robustness,
        notes=notes or [],
        units=units,
        key_findings=key_findings,
        crosswalk=crosswalk or {},
        **used,
    )
    release.save()
    _insert_scores(release, rows)
    return release


def _insert_scores(release: Release, rows: list[dict[str, Any]]) -> None:
    """Store ``rows`` as ``release``'s :class:`ReleaseScore` rows: one prepared ``INSERT`` run
    for every row (``executemany``), each value converted by its model field as
    ``bulk_create`` converts it — without building a model instance per row and the SQL of
    thirty batches (ASEM's 3,060 rows: 150 → 32 ms; decision 065)."""
    connection = connections[router.db_for_write(ReleaseScore)]
    meta = ReleaseScore._meta
    fields = [meta.get_field(name) for name in SCORE_FIELDS]
    quote = connection.ops.quote_name
    columns = [quote(meta.get_field("release").column)] + [quote(f.column) for f in fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    params = [
        (release.pk, *(f.get_db_prep_save(row[f.name], connection) for f in fields)) for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
