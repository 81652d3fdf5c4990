"""What a backup or a restore refuses, and why: each a :class:`~polindex.errors.PolindexError`."""

from __future__ import annotations

from polindex.errors import PolindexError, plural


class BackupError(PolindexError):
    """A backup that could not be written; no file was left behind.

    Examples
    --------
    >>> print(BackupError(["backup.zip exists already: give --overwrite to replace it"]))
    1 problem; no backup was written:
      backup.zip exists already: give --overwrite to replace it
    """

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')}; no backup was written:"


class RestoreError(PolindexError):
    """A backup that cannot be restored, or not into this database; the database's data are as
    they were (every load runs in one transaction, rolled back on any problem).

    Examples
    --------
    >>> print(RestoreError(["old.zip is not a Polindex backup (no manifest.json)"]))
    1 problem; nothing was restored:
      old.zip is not a Polindex backup (no manifest.json)
    """

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')}; nothing was restored:"
