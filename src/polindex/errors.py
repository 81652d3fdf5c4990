"""One error family for everything a user can get wrong: :class:`PolindexError`.

A framework file, a data file, a construction step that cannot run on these data, a robustness
design that cannot be built, a release that breaks a publication rule: each raises a subclass of
:class:`PolindexError` that carries **every** problem found, not just the first, and renders
them the same way (a headline, then one indented line per problem). Callers that face users
(the CLI, the admin, the web forms) catch :class:`PolindexError` and show its text; any other
exception is a programming error and stays a traceback.

This module imports nothing from the rest of the package, so every layer can use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_SHOWN = 50
"""Problems listed in a message; the rest are counted."""


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, plural when ``n`` is not one.

    Examples
    --------
    >>> plural(1, "problem"), plural(3, "problem")
    ('1 problem', '3 problems')
    """
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class PolindexError(ValueError):
    """Input that cannot be used; ``problems`` lists everything wrong with it.

    Nothing was computed or stored when it is raised. ``str(error)`` is the message for a user:
    :meth:`headline`, then each problem on its own indented line (at most :data:`MAX_SHOWN`).
    Subclasses say what was being done in :meth:`headline` and how one problem reads in
    :meth:`line`.

    Examples
    --------
    >>> err = PolindexError(["version 'a/b': letters, digits, '.', '-' and '_' only"])
    >>> print(err)
    1 problem; nothing was done:
      version 'a/b': letters, digits, '.', '-' and '_' only
    >>> isinstance(err, ValueError), err.problems[0][:7]
    (True, 'version')
    """

    def __init__(self, problems: Sequence[Any], *, source: str | None = None) -> None:
        self.problems: list[Any] = list(problems)
        self.source = source
        super().__init__(self.render())

    def headline(self) -> str:
        """The first line of the message: how many problems, and what they stopped."""
        return f"{plural(len(self.problems), 'problem')}; nothing was done:"

    def line(self, problem: Any) -> str:
        """One problem as a line of the message."""
        return str(problem)

    def messages(self) -> list[str]:
        """Every problem as a line (uncapped), e.g. to list them in a web form.

        Examples
        --------
        >>> PolindexError(["a", "b"]).messages()
        ['a', 'b']
        """
        return [self.line(p) for p in self.problems]

    def render(self, limit: int = MAX_SHOWN) -> str:
        """The whole message: the headline and at most ``limit`` problems."""
        lines = [self.headline()]
        lines += [f"  {self.line(p)}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit:,} more")
        return "\n".join(lines)


class OutputError(PolindexError):
    """A file that cannot be written as asked (an unknown format, say); nothing was written.

    Examples
    --------
    >>> print(OutputError(["cannot write 'out.pdf': unknown format '.pdf'"]))
    cannot write the output:
      cannot write 'out.pdf': unknown format '.pdf'
    """

    def headline(self) -> str:
        return "cannot write the output:"


__all__ = ["MAX_SHOWN", "OutputError", "PolindexError", "plural"]
