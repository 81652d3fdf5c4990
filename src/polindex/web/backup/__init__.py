"""Backups that restore: the whole platform database in one portable file (``polindex backup``)
and back (``polindex restore``), on SQLite or PostgreSQL, either way (decision 018)."""
