"""Django's sessions in the database, their row read by a query whose SQL is written once.

Every request of a signed-in person reads its session: with Django's store that is an ORM
``get()`` whose SQL is built anew each time — about three times what sending the query and
reading the row costs (decision 075; :mod:`polindex.web.prepared`). This store is Django's
(``django.contrib.sessions.backends.db``, and ``.cached`` Django's ``cached_db`` in front of
Redis): the same table, rows, expiry and keys; only the read of one session is a
:class:`~polindex.web.prepared.Prepared` query. A session past its expiry date is not one, as
in Django's (its row stays until ``clearsessions``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from polindex.web.prepared import Prepared

_ROW = Prepared(Session, lambda key: Session.objects.filter(session_key=key), key="")


class PreparedRead:
    """Read the session's row with :data:`_ROW` (for Django's database stores)."""

    session_key: str | None
    _session_key: str | None

    def _get_session_from_db(self) -> Any:
        rows = _ROW(key=self.session_key)
        if rows and rows[0].expire_date > timezone.now():
            return rows[0]
        self._session_key = None  # as Django's: an unknown or expired key is no session
        return None


class SessionStore(PreparedRead, db.SessionStore):
    """Django's database session store; the read of a session's row prepared."""
