"""Migration 0011 (a build's variables and uncertainty design, decision 048) leaves the releases
stored before it as they were: same checksum, same behaviour."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from polindex.web.dialogue.simulators import simulator_of
from polindex.web.dialogue.whatif_figures import simulable
from polindex.web.releases.freeze import SCORE_FIELDS, checksum
from polindex.web.releases.models import Release
from polindex.web.releases.publish import publish_release
from polindex.web.releases.verify import recomputed_checksum

from .conftest import results

BEFORE = [("releases", "0010_key_findings_translations")]


def _migrate(target: list[tuple[str, str]] | None) -> None:
    # the migrations one by one, not their squash (decision 071): 0011 alone is undone and redone
    executor = MigrationExecutor(connection)
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    for key, squash in executor.loader.replacements.items():
        executor.loader.graph.remove_replacement_node(key, squash.replaces)
    executor.migrate(target or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_release_stored_before_the_migration_loads_verifies_and_simulates() -> None:
    made = publish_release(results(), version="old", publish_at=dt.datetime.now(dt.UTC))
    stored = made.checksum
    try:
        _migrate(BEFORE)  # the columns go, as before the migration…
        with connection.cursor() as cursor:
            cursor.execute("SELECT checksum FROM releases_release WHERE id = %s", [made.pk])
            assert cursor.fetchone()[0] == stored
    finally:
        _migrate(None)  # …and come back empty, as for every release stored before it
    old = Release.objects.get(pk=made.pk)
    assert (old.variables_csv, old.uncertainty_design) == ("", {})
    assert recomputed_checksum(old) == old.checksum == stored
    # the checksum of a release without a pipeline is the formula it was frozen with
    rows = [
        dict(zip(SCORE_FIELDS, v, strict=True))
        for v in old.scores.order_by("id").values_list(*SCORE_FIELDS)
    ]
    used = {"weights_used": old.weights_used, "methods_used": old.methods_used}
    before = checksum(
        old.framework, old.spec, old.inputs_csv, rows, old.robustness, old.notes, used, old.units
    )
    assert before == stored
    assert simulable(old)
    assert simulator_of(old).simulate("BB", {"q2": "yes"}).row()["new_score"] == 100.0
