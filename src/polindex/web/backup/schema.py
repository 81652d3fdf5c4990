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

    def record(key: tuple[str, str]) -> None:  # as Django records it: a squash of squashes too
        found.setdefault(key[0], set()).add(key[1])
        for replaced in loader.disk_migrations[key].replaces:
            record(replaced)

    for key in loader.graph.nodes:
        record(key)
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
    it, as Django counts it applied (decision 071), a squash that replaces squashes included
    (decision 073): a database migrated, or a backup written, before the squash has the same
    schema as one made by the squash."""
    from django.db.migrations.loader import MigrationLoader

    found = {app: set(names) for app, names in state.items()}
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    squashes = {key: m.replaces for key, m in loader.disk_migrations.items() if m.replaces}
    added = True
    while added:  # a squash of squashes (decision 073) counts once the squashes it replaces do
        added = False
        for (app, name), replaces in squashes.items():
            if name not in found.get(app, ()) and all(n in found.get(a, ()) for a, n in replaces):
                found[app].add(name)
                added = True
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
