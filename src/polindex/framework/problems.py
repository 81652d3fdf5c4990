"""Problems found while loading a framework, each with its exact YAML path and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from polindex.errors import PolindexError, plural


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a framework file.

    ``path`` is the location in the YAML document, written the way a reader finds it
    (``areas[2].dimensions[1].indicators[4].options``, indices from 0); ``line`` is the
    1-based line in the file where that location starts, when known.

    Examples
    --------
    >>> str(Problem("areas[0].code", "duplicate code \\"LMM\\"", line=12))
    'line 12: areas[0].code: duplicate code "LMM"'
    """

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.path or '(document)'}: {self.message}"


class FrameworkError(PolindexError):
    """A framework file that cannot be used; carries **every** problem found, not just the first.

    Examples
    --------
    >>> err = FrameworkError([Problem("name", "field required", line=1)], source="f.yaml")
    >>> print(err)
    f.yaml: 1 problem
      f.yaml:1: name: field required
    """

    problems: list[Problem]

    def __init__(self, problems: list[Problem], source: str | Path | None = None) -> None:
        super().__init__(
            sorted(problems, key=lambda p: (p.line or 0, p.path)),
            source=str(source) if source is not None else "<framework>",
        )

    def headline(self) -> str:
        return f"{self.source}: {plural(len(self.problems), 'problem')}"

    def line(self, problem: Problem) -> str:
        where = f"{self.source}:{problem.line}" if problem.line is not None else self.source
        return f"{where}: {problem.path or '(document)'}: {problem.message}"
