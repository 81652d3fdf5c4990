"""Django's database cache, with an increment that is atomic and keeps the entry's expiry.

Django's ``DatabaseCache.incr`` reads the value and writes it back in two statements, so two
workers incrementing at once both write the same number (a lost update), and every write resets
the expiry to the default timeout. A counter of failed sign-ins needs neither: here the
increment first takes the row's lock (PostgreSQL) or the database's write lock (SQLite, whose
transactions Polindex begins as ``IMMEDIATE``) with a no-op write, then reads, adds and writes
within the same transaction, leaving ``expires`` as it was. Redis's ``INCR`` is atomic already.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now


class DatabaseCache(DjangoDatabaseCache):
    """``django.core.cache.backends.db.DatabaseCache`` with an atomic :meth:`incr`."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        """Add ``delta`` to the number stored at ``key`` and return the sum; concurrent calls
        queue, so each returns a different number. Raises ``ValueError`` for a missing or
        expired key, as every Django cache does.

        Example (with Django set up)::

            cache.add("attempts", 0, 900)  # a 15-minute window
            cache.incr("attempts")  # 1, then 2, … from any worker; the window stays
        """
        made = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, key_col, value_col, expires_col = (
            quote(self._table), quote("cache_key"), quote("value"), quote("expires")
        )  # fmt: skip
        moment = connection.ops.adapt_datetimefield_value(now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {expires_col} = {expires_col} "
                f"WHERE {key_col} = %s AND {expires_col} > %s",
                [made, moment],
            )
            if cursor.rowcount != 1:
                raise ValueError(f"Key '{key}' not found")
            cursor.execute(f"SELECT {value_col} FROM {table} WHERE {key_col} = %s", [made])
            stored = connection.ops.process_clob(cursor.fetchone()[0])
            value = pickle.loads(base64.b64decode(stored.encode(), validate=True)) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {value_col} = %s WHERE {key_col} = %s", [encoded, made]
            )
        return value
