"""The two statements every save and review step writes, their SQL built once per process.

Saving an answer is the workspace's most frequent write (an autosave two seconds after typing
stops, by every expert at once at the end of a round). Django's ORM builds the SQL of an
``update()`` or a ``create()`` anew at each call — most of a save's database work in Python
(decision 066). :func:`update_answer` and :func:`record_change` run the same statements the ORM
would, with the SQL made once for each set of columns and each value converted by its model
field (``get_db_prep_save``, as the ORM converts it), through Django's cursor (so
transactions, query logging and ``assertNumQueries`` see them as any other query).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db import connections, router

from polindex.web.collection.models import Answer, AnswerChange


@cache
def _update_sql(vendor: str, alias: str, names: tuple[str, ...]) -> str:
    conn = connections[alias]
    qn, meta = conn.ops.quote_name, Answer._meta
    version = qn(meta.get_field("version").column)
    sets = "".join(f", {qn(meta.get_field(n).column)} = %s" for n in names)
    return (
        f"UPDATE {qn(meta.db_table)} SET {version} = {version} + 1{sets} "
        f"WHERE {qn(meta.pk.column)} = %s AND {version} = %s"
    )


def update_answer(pk: int, version: int, values: dict[str, Any]) -> bool:
    """Write ``values`` (field name → value; a foreign key by its id, e.g. ``updated_by``:
    the user's id) into the answer ``pk`` and add one to its version — only if it is still at
    ``version`` (the optimistic lock is the statement's own condition): whether it was.

    Example (with Django set up)::

        update_answer(a.pk, 3, {"justification": "Art. 5.", "updated_by": user.pk})
        # True: the answer is at version 4; False: it was not at version 3, nothing written
    """
    alias = router.db_for_write(Answer)
    conn = connections[alias]
    meta = Answer._meta
    sql = _update_sql(conn.vendor, alias, tuple(values))
    params = [meta.get_field(n).get_db_prep_save(v, conn) for n, v in values.items()]
    with conn.cursor() as cursor:
        cursor.execute(sql, [*params, pk, version])
        return bool(cursor.rowcount)


CHANGE_FIELDS = ("answer", "who", "when", "action", "old", "new", "reason")


@cache
def _insert_sql(vendor: str, alias: str) -> str:
    qn, meta = connections[alias].ops.quote_name, AnswerChange._meta
    columns = ", ".join(qn(meta.get_field(n).column) for n in CHANGE_FIELDS)
    marks = ", ".join("%s" for _ in CHANGE_FIELDS)
    return f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"


def record_change(
    answer: int, who: int, when: dt.datetime, action: str, old: dict[str, Any],
    new: dict[str, Any], reason: str = "",
) -> None:  # fmt: skip
    """Append one entry to an answer's history (:class:`~.models.AnswerChange`; ids of the
    answer and of who changed it) — an insert, never an update: the history stays append-only.

    Example (with Django set up)::

        record_change(a.pk, user.pk, timezone.now(), "save", {"option": "a"}, {"option": "b"})
    """
    alias = router.db_for_write(AnswerChange)
    conn = connections[alias]
    meta = AnswerChange._meta
    values = (answer, who, when, action, old, new, reason)
    params = [
        meta.get_field(n).get_db_prep_save(v, conn)
        for n, v in zip(CHANGE_FIELDS, values, strict=True)
    ]
    with conn.cursor() as cursor:
        cursor.execute(_insert_sql(conn.vendor, alias), params)
