"""SELECTs whose SQL the ORM writes once per process, then runs again with new values.

Django builds a query's SQL anew at every call (filters resolved, joins set up, columns
quoted): for the small queries every answer save and workspace page makes — the edition, the
user's roles in it, the answer, its sources — that costs about three times what sending the
query and reading its row does (decision 066). A :class:`Prepared` query has the ORM write the
SQL once per database, with a marker in place of each value, and then runs that SQL with the
values of each call. The rows become model instances as the ORM's own iterator makes them
(``Model.from_db``, each value converted by its field's converters, annotations set; columns the
query does not select are deferred, as with ``only``/``defer``) from a plan also made once —
which columns are the model's, which converters apply — not worked out again from the cursor's
description at each call as :meth:`~django.db.models.query.QuerySet.raw` does (decision 075:
half the cost of these queries in Python). The query is still written with the ORM: one
definition, whatever the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any

from django.db import connections, router

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
        self._plans: dict[str, _Plan] = {}  # per database
        self._lock = Lock()

    def _write(self, alias: str) -> _Plan:
        compiler = self.build(**self.markers).using(alias).query.get_compiler(alias)
        sql, params = compiler.as_sql()  # also sets the compiler's select and klass_info
        names = {marker: name for name, marker in self.markers.items()}
        order = [(True, names[p]) if _hashable(p) and p in names else (False, p) for p in params]
        missing = set(self.markers) - {name for named, name in order if named}
        if missing:
            raise ValueError(f"the query does not take {sorted(missing)} as parameters")
        info, select = compiler.klass_info, compiler.select
        if info is None or info["model"] is not self.model or info.get("related_klass_infos"):
            raise ValueError("a prepared query selects rows of its model only (no select_related)")
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        plan = _Plan(
            sql=sql,
            order=order,
            start=start,
            end=end,
            attnames=[s[0].target.attname for s in select[start:end]],
            converters=[
                (k, tuple(convs), expression)
                for k, (convs, expression) in compiler.get_converters(
                    [s[0] for s in select[: compiler.col_count]]
                ).items()
            ],
            annotations=list(compiler.annotation_col_map.items()),
        )
        with self._lock:
            self._plans[alias] = plan
        return plan

    def __call__(self, **values: Any) -> list[Any]:
        """The rows for these values, as model instances (one query)."""
        alias = router.db_for_read(self.model)
        plan = self._plans.get(alias) or self._write(alias)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, [values[p] if named else p for named, p in plan.order])
            rows = cursor.fetchall()
        found = []
        for fetched in rows:
            row = list(fetched)
            for k, convs, expression in plan.converters:
                value = row[k]
                for convert in convs:
                    value = convert(value, expression, connection)
                row[k] = value
            obj = self.model.from_db(alias, plan.attnames, row[plan.start : plan.end])
            for name, k in plan.annotations:
                setattr(obj, name, row[k])
            found.append(obj)
        return found


@dataclass(frozen=True)
class _Plan:
    """How a prepared query runs on one database: its SQL, each parameter — (True, an
    argument's name) or (False, a constant the query holds) — and how its rows become
    instances: the model's columns (``start``–``end``, their attribute names), the converters
    of each column by position, the annotations by name and position."""

    sql: str
    order: list[tuple[bool, Any]]
    start: int
    end: int
    attnames: list[str]
    converters: list[tuple[int, tuple[Any, ...], Any]]
    annotations: list[tuple[str, int]]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
