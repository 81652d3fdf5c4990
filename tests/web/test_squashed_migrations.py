"""The squashed migrations of collection and releases (decision 071): a new database gets the
same schema and the same recorded state; a database or a backup from before the squash still
counts as this schema."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from polindex.web.backup.schema import expected_state, recorded_state, with_squashes

SQUASHES = {
    ("collection", "0001_squashed_0006_reminders"): 6,
    ("releases", "0001_squashed_0011_variables_and_design"): 11,
}


def test_the_squashes_replace_every_migration_of_their_app_so_far() -> None:
    loader = MigrationLoader(None, replace_migrations=False)
    for (app, name), count in SQUASHES.items():
        replaced = loader.disk_migrations[(app, name)].replaces
        originals = sorted(n for a, n in loader.disk_migrations if a == app and n != name)
        assert len(replaced) == count
        assert [n for _, n in replaced] == originals[:count]


def test_a_state_from_before_the_squash_is_this_schema() -> None:
    expected = expected_state()
    before = {app: [n for n in names if "_squashed_" not in n] for app, names in expected.items()}
    assert before != expected
    assert with_squashes(before) == expected
    # one replaced migration missing: its squash is not applied either
    partial = {**before, "collection": [n for n in before["collection"] if n != "0006_reminders"]}
    found = with_squashes(partial)
    assert "0001_squashed_0006_reminders" not in found["collection"]
    assert "0001_squashed_0011_variables_and_design" in found["releases"]


@pytest.mark.django_db
def test_a_new_database_records_the_squashes_and_what_they_replace() -> None:
    assert recorded_state(connection) == expected_state()
    applied = MigrationLoader(connection).applied_migrations
    assert set(SQUASHES) <= set(applied)
