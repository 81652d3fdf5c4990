"""SELECTs whose SQL the ORM writes once per process, then runs again with new values.

Django builds a query's SQL anew at every call (filters resolved, joins set up, columns
quoted): for the small queries every answer save and workspace page makes — the edition, the
user's roles in it, the answer, its sources — that costs about three times what sending the
query and reading its row does (decision 066). A :class:`Prepared` query has the ORM write the
SQL once per database, with a marker in place of each value, and then runs that SQL with the
values of each call through :meth:`~django.db.models.query.QuerySet.raw`, which maps the
columns to the model's fields and converts each value as the ORM does (columns the query does
not select are deferred, as with ``only``/``defer``). The query is still written with the ORM:
one definition, whatever the database.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Any

from django.db import router

_STRING, _NUMBER = "\x1fprepared:", -(2**40)


class Prepared:
    """A query of ``model`` built by ``build`` (a function of keyword arguments returning a
    queryset), its SQL written once per database; ``examples`` gives each argument's type (a
    text or a whole number), e.g. ``code=""``, ``user=0``.

    Example (with Django set up)::

        by_code = Prepared(Edition, lambda code: Edition.objects.filter(code=code), code="")
        by_code(code="demo-2025")  # [<Edition: demo-2025>], one query, its SQL made once
    """

    def __init__(self, model: Any, build: Callable[..., Any], **examples: str | int) -> None:
        self.model, self.build = model, build
        self.markers: dict[str, str | int] = {
            name: f"{_STRING}{name}" if isinstance(example, str) else _NUMBER - k
            for k, (name, example) in enumerate(examples.items())
        }
        # per database: the SQL, and each parameter: (True, an argument's name) or (False, a
        # constant the query holds)
        self._sql: dict[str, tuple[str, list[tuple[bool, Any]]]] = {}
        self._lock = Lock()

    def _write(self, alias: str) -> tuple[str, list[tuple[bool, Any]]]:
        sql, params = self.build(**self.markers).using(alias).query.sql_with_params()
        names = {marker: name for name, marker in self.markers.items()}
        order = [(True, names[p]) if _hashable(p) and p in names else (False, p) for p in params]
        missing = set(self.markers) - {name for named, name in order if named}
        if missing:
            raise ValueError(f"the query does not take {sorted(missing)} as parameters")
        with self._lock:
            self._sql[alias] = (sql, order)
        return sql, order

    def __call__(self, **values: Any) -> list[Any]:
        """The rows for these values, as model instances (one query)."""
        alias = router.db_for_read(self.model)
        sql, order = self._sql.get(alias) or self._write(alias)
        params = [values[p] if named else p for named, p in order]
        return list(self.model._default_manager.db_manager(alias).raw(sql, params))


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
