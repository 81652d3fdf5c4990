"""What a backup holds: every model of every installed app (the project's own, accounts,
groups, permissions, the admin's log), in an order that loads, each serialised so that it
restores into any database.

Left out, deliberately: sessions (a restored session would sign someone in again) and the queue
of background tasks (a restored task would run twice). A release's downloads, kept as files under
``DOWNLOADS_DIR`` (:mod:`polindex.web.releases.stored`), are not in the database and not in a
backup either: they are made again on their first request after a restore. Content types and
permissions are made by ``migrate`` with ids of each database's own, so they and every reference
to them travel by natural key; every other row keeps its id.
"""

from __future__ import annotations

from typing import Any

LEFT_OUT = ("sessions.session", "django_tasks_database.dbtaskresult")
"""Models never backed up (their rows are removed by a forced restore all the same)."""
BY_NATURAL_KEY = {
    "contenttypes.contenttype": ("app_label", "model"),
    "auth.permission": ("content_type__app_label", "content_type__model", "codename"),
}
"""Models whose rows ``migrate`` makes, matched by natural key (in this order) on restore."""


def label(model: Any) -> str:
    """``app_label.model_name`` of ``model``."""
    return str(model._meta.label_lower)


def all_models() -> list[Any]:
    """Every concrete model with a table of its own, of every installed app."""
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def backed_up_models() -> list[Any]:
    """The models a backup holds, in an order that loads (natural keys before their users)."""
    from django.core import serializers

    kept = [m for m in all_models() if label(m) not in LEFT_OUT]
    ordered: list[Any] = serializers.sort_dependencies([(None, kept)], allow_cycles=True)
    return ordered


def replaced_models() -> list[Any]:
    """The models whose rows a restore replaces: all but those ``migrate`` makes."""
    return [m for m in all_models() if label(m) not in BY_NATURAL_KEY]


def refers_by_natural_key(model: Any) -> bool:
    """Whether ``model`` has a relation to a model restored by natural key (it then writes
    every relation that has a natural key as one)."""
    return any(
        f.is_relation and f.related_model is not None and label(f.related_model) in BY_NATURAL_KEY
        for f in [*model._meta.fields, *model._meta.many_to_many]
    )


def rows_of(model: Any, using: str) -> Any:
    """All rows of ``model``, in a stable order, with what their serialisation reads."""
    qs = model._base_manager.using(using).order_by(*BY_NATURAL_KEY.get(label(model), ("pk",)))
    natural = [
        f.name
        for f in model._meta.fields
        if f.is_relation and hasattr(f.related_model, "natural_key")
    ]
    if natural and refers_by_natural_key(model):  # written by natural key: read with the row
        qs = qs.select_related(*natural)
    many = [f.name for f in model._meta.many_to_many]
    return qs.prefetch_related(*many) if many else qs


def occupied(using: str) -> dict[str, int]:
    """Rows in each table a restore would replace (tables not yet created count as empty)."""
    from django.db import connections

    existing = set(connections[using].introspection.table_names())
    found = {}
    for model in replaced_models():
        if model._meta.db_table in existing:
            count = model._base_manager.using(using).count()
            if count:
                name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
                found[str(name)] = count
    return found


def replaced_tables() -> list[str]:
    """The tables a forced restore empties (with those of their many-to-many relations)."""
    tables = []
    for model in replaced_models():
        tables.append(model._meta.db_table)
        tables += [
            f.remote_field.through._meta.db_table
            for f in model._meta.many_to_many
            if f.remote_field.through._meta.auto_created
        ]
    return tables
