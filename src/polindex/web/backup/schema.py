"""Migration states: what this code's migrations make, what a database has recorded, and how
two states differ. A backup restores only into the schema it was written from."""

from __future__ import annotations

from typing import Any

State = dict[str, list[str]]
"""Applied migrations: app label → migration names, sorted."""


def expected_state() -> State:
    """What ``migrate`` records on a fresh database with this code (a squashed migration also
    records the migrations it replaces)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    found: dict[str, set[str]] = {}
    for key, migration in loader.graph.nodes.items():
        for app, name in [key, *migration.replaces]:
            found.setdefault(app, set()).add(name)
    return {app: sorted(names) for app, names in sorted(found.items())}


def recorded_state(connection: Any) -> State:
    """The migrations ``connection``'s database has recorded as applied (none: no table), with
    the squashed migrations whose every replaced migration is among them (:func:`with_squashes`)."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    found: dict[str, set[str]] = {}
    for app, name in recorder.applied_migrations():
        found.setdefault(app, set()).add(name)
    return with_squashes({app: sorted(names) for app, names in sorted(found.items())})


def with_squashes(state: State) -> State:
    """``state`` with each squashed migration of this code whose replaced migrations are all in
    it, as Django counts it applied (decision 071): a database migrated, or a backup written,
    before the squash has the same schema as one made by the squash."""
    from django.db.migrations.loader import MigrationLoader

    found = {app: set(names) for app, names in state.items()}
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    for (app, name), migration in loader.disk_migrations.items():
        if migration.replaces and all(n in found.get(a, ()) for a, n in migration.replaces):
            found[app].add(name)
    return {app: sorted(names) for app, names in sorted(found.items())}


def difference(state: State, expected: State) -> tuple[list[str], list[str]]:
    """``(extra, missing)``: the migrations of ``state`` that ``expected`` lacks, and the other
    way round, as ``app.name``.

    Examples
    --------
    >>> difference({"releases": ["0001_initial", "0002_more"]}, {"releases": ["0001_initial"]})
    (['releases.0002_more'], [])
    >>> difference({}, {"auth": ["0001_initial"]})
    ([], ['auth.0001_initial'])
    """

    def flat(s: State) -> set[str]:
        return {f"{app}.{name}" for app, names in s.items() for name in names}

    have, want = flat(state), flat(expected)
    return sorted(have - want), sorted(want - have)


def listed(names: list[str], limit: int = 5) -> str:
    """At most ``limit`` names, and how many more.

    Examples
    --------
    >>> listed(["a", "b", "c"], limit=2)
    'a, b and 1 more'
    """
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
