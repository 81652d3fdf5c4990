"""The squashed migrations (decisions 071 and 073): a new database gets the same schema and the
same recorded state as through the originals; a database, or a backup, at any earlier point
(before a squash, part-way through what it replaces, or with only the first squash applied)
still migrates to this schema, or counts as it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import CreateModel
from django.db.migrations.recorder import MigrationRecorder

from polindex.web.backup.schema import expected_state, recorded_state, with_squashes

from .backups import fresh_database

Key = tuple[str, str]

SQUASHES = {  # squash → how many of its app's first migrations it stands for
    ("collection", "0001_squashed_0006_reminders"): 6,
    ("collection", "0001_squashed_0008_edition_release_scored"): 8,
    ("releases", "0001_squashed_0011_variables_and_design"): 11,
    ("releases", "0001_squashed_0012_verbose_names"): 12,
    ("feedback", "0001_squashed_0002_verbose_names"): 2,
    ("outcomes", "0001_squashed_0002_verbose_names"): 2,
    ("sharedcache", "0001_squashed_0002_verbose_names"): 2,
}
FIRST = {
    ("collection", "0001_squashed_0006_reminders"),
    ("releases", "0001_squashed_0011_variables_and_design"),
}
LAST = set(SQUASHES) - FIRST
"""The squashes a new database runs: the first squashes of collection and releases are replaced
by a squash of them and the migrations that followed (a squash of squashes, decision 073)."""
APPS = {app for app, _ in SQUASHES}
VERBOSE_NAMES = {
    ("collection", "0007_verbose_names"),
    ("releases", "0012_verbose_names"),
    ("feedback", "0002_verbose_names"),
    ("outcomes", "0002_verbose_names"),
    ("sharedcache", "0002_verbose_names"),
}
AFTER_FIRST = VERBOSE_NAMES | {("collection", "0008_edition_release_scored")}
"""What followed the first squashes (and the initial migrations of the three small apps)."""


def originals(loader: MigrationLoader, key: Key) -> list[Key]:
    """The migrations that are no squash which ``key`` stands for, in order."""
    replaces = loader.disk_migrations[key].replaces
    return [o for r in replaces for o in originals(loader, r)] if replaces else [key]


def originals_executor() -> MigrationExecutor:
    """An executor that goes through the migrations one by one, never a squash."""
    executor = MigrationExecutor(connection)
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    for key, squash in executor.loader.replacements.items():
        executor.loader.graph.remove_replacement_node(key, squash.replaces)
    return executor


def test_the_squashes_replace_every_migration_of_their_app_so_far() -> None:
    loader = MigrationLoader(None, replace_migrations=False)
    for (app, name), count in SQUASHES.items():
        replaced = originals(loader, (app, name))
        in_order = sorted(n for a, n in loader.disk_migrations if a == app and "squash" not in n)
        assert [n for _, n in replaced] == in_order[:count]


def test_a_new_database_creates_each_model_once_with_its_final_options() -> None:
    loader = MigrationLoader(None)
    used = {key for key in loader.graph.nodes if key[0] in APPS}
    assert used == LAST
    for key in LAST:
        operations = loader.disk_migrations[key].operations
        assert all(isinstance(op, CreateModel) for op in operations), key
        assert len({op.name for op in operations}) == len(operations)


def test_a_squash_of_a_squash_creates_the_models_in_the_same_order() -> None:
    """(then a new database's permissions get the same ids as before it)"""
    loader = MigrationLoader(None, replace_migrations=False)

    def created(key: Key) -> list[str]:
        return [op.name for op in loader.disk_migrations[key].operations]

    for key in LAST:
        first = [r for r in loader.disk_migrations[key].replaces if r in SQUASHES]
        for squash in first:
            assert created(key) == created(squash), key


def test_the_squashes_end_where_the_migrations_one_by_one_do() -> None:
    """Same models, fields (in the same order), options, indexes and constraints."""
    squashed = MigrationLoader(None).project_state()
    one_by_one = MigrationLoader(None, replace_migrations=False)
    for key, squash in one_by_one.replacements.items():
        one_by_one.graph.remove_replacement_node(key, squash.replaces)
    state = one_by_one.project_state()
    assert set(squashed.models) == set(state.models)
    for model, expected in state.models.items():
        assert squashed.models[model] == expected, model
        assert list(squashed.models[model].fields) == list(expected.fields), model
    verbose = state.models["collection", "person"].options["verbose_name_plural"]
    assert verbose == "people"  # (the end state holds the verbose names)


def test_a_state_from_before_the_squash_is_this_schema() -> None:
    expected = expected_state()
    before = {app: [n for n in names if "_squashed_" not in n] for app, names in expected.items()}
    assert before != expected
    assert with_squashes(before) == expected
    # recorded before the squash of squashes (the first squash, 0007 and 0008 applied): the same
    later = {name for _, name in AFTER_FIRST}
    first = {app: [n for n in names if n not in later] for app, names in before.items()}
    assert with_squashes(with_squashes(first) | {a: before[a] for a in APPS}) == expected
    # without 0007 and 0008: the first squash counts, not the second
    found = with_squashes(first)
    assert "0001_squashed_0006_reminders" in found["collection"]
    assert "0001_squashed_0008_edition_release_scored" not in found["collection"]
    # one replaced migration missing: neither squash of collection is applied
    partial = {**before, "collection": [n for n in before["collection"] if n != "0006_reminders"]}
    found = with_squashes(partial)
    assert not {n for n in found["collection"] if "_squashed_" in n}
    assert "0001_squashed_0012_verbose_names" in found["releases"]


@pytest.mark.django_db
def test_a_new_database_records_the_squashes_and_what_they_replace() -> None:
    assert recorded_state(connection) == expected_state()
    applied = MigrationLoader(connection).applied_migrations
    assert set(SQUASHES) <= set(applied)


AT_0006 = [
    ("collection", "0006_reminders"),
    ("releases", "0011_variables_and_design"),
    ("feedback", "0001_initial"),
    ("outcomes", "0001_initial"),
    ("sharedcache", "0001_initial"),
]
POINTS: dict[str, tuple[list[Key] | None, set[Key], set[Key] | None]] = {
    # point: (where the migrations one by one stop, the squashes it has recorded, what then runs:
    # None for the originals from there)
    "first squashes, no verbose names": (AT_0006, FIRST, AFTER_FIRST),
    "before any squash, no verbose names": (AT_0006, set(), AFTER_FIRST),
    "first squashes and the verbose names": (None, FIRST, set()),
    "before any squash, the verbose names": (None, set(), set()),
    "part-way": (
        [("collection", "0004_assignment_language"), ("releases", "0009_crosswalk")],
        set(),
        None,
    ),
}


def schema() -> dict[str, Any]:
    """Each table of the five apps: its columns (name, type, null) and constraints (columns,
    kind), as the database describes them."""
    found: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.split("_")[0] not in APPS:
                continue
            columns = connection.introspection.get_table_description(cursor, table)
            constraints = connection.introspection.get_constraints(cursor, table).values()
            found[table] = (
                sorted((c.name, c.type_code, c.null_ok) for c in columns),
                sorted(
                    (tuple(c["columns"]), c["primary_key"], c["unique"], c["foreign_key"] or ())
                    for c in constraints
                ),
            )
    return found


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.django_db(transaction=True)
def test_a_database_at_an_earlier_point_migrates_to_this_schema(point: str) -> None:
    stop, squashes, runs = POINTS[point]
    new = schema()
    executor = originals_executor()
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(stop or leaves)
        recorder = MigrationRecorder(connection)
        for key in set(SQUASHES) - squashes:  # as such a database has recorded them
            recorder.record_unapplied(*key)
        applied = set(recorder.applied_migrations())
        plan = MigrationExecutor(connection).migration_plan(
            MigrationLoader(connection).graph.leaf_nodes()
        )
        planned = {(m.app_label, m.name) for m, _ in plan if m.app_label in APPS}
        if runs is None:  # part-way: the originals left, no squash
            assert planned & set(SQUASHES) == set()
            assert planned == {
                key
                for key in MigrationLoader(None, replace_migrations=False).disk_migrations
                if key[0] in APPS and key not in SQUASHES and key not in applied
            }
        else:
            assert planned == runs
    finally:
        call_command("migrate", verbosity=0)
    assert recorded_state(connection) == expected_state()
    assert schema() == new


MADE = """
import json, os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "polindex.web.settings"
django.setup()
from django.core.management import call_command
from django.db import connection
if sys.argv[1] == "cli":
    from polindex.cli.releases import django_setup
    django_setup()
else:
    call_command("migrate", verbosity=0, interactive=False)
with connection.cursor() as cursor:
    cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
    types = cursor.fetchall()
    cursor.execute("SELECT id, content_type_id, codename, name FROM auth_permission ORDER BY id")
    permissions = cursor.fetchall()
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations = cursor.fetchall()
    tables = {
        t: [(c.name, c.type_code, c.null_ok, c.default)
            for c in connection.introspection.get_table_description(cursor, t)]
        for t in connection.introspection.table_names(cursor)
    }
print(json.dumps({"types": types, "permissions": permissions, "migrations": migrations,
                  "tables": tables}, default=str))
"""


def test_the_command_line_makes_a_new_database_as_migrate_does(tmp_path: Path) -> None:
    """``django_setup`` migrates a new database's task queue first (decision 073): the same
    tables (columns in the same order), content types, permissions (same ids) and migrations."""
    made = {}
    for how in ("cli", "migrate"):
        with fresh_database(connection.vendor, tmp_path) as url:
            env = {**os.environ, "DATABASE_URL": url}
            env.pop("DJANGO_SETTINGS_MODULE", None)
            done = subprocess.run(
                [sys.executable, "-c", MADE, how], env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr
            made[how] = json.loads(done.stdout)
    cli, migrate = made["cli"], made["migrate"]
    assert cli["tables"] == migrate["tables"]
    assert (cli["types"], cli["permissions"]) == (migrate["types"], migrate["permissions"])
    assert len(cli["permissions"]) > 50
    assert sorted(cli["migrations"]) == sorted(migrate["migrations"])
    assert {app for app, _ in cli["migrations"][:21]} == {"django_tasks_database"}  # first
    assert migrate["migrations"][0][0] != "django_tasks_database"
