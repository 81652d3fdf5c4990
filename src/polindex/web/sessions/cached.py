"""Django's ``cached_db`` session store (sessions read through the cache, kept in the
database) with the database read prepared, as :mod:`polindex.web.sessions`."""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

from polindex.web.sessions import PreparedRead


class SessionStore(PreparedRead, cached_db.SessionStore):
    """Django's cached database session store; the read of a session's row prepared."""
