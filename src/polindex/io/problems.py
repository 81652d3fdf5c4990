"""Problems found in input data, each pointing at the file, row and column that holds it."""

from __future__ import annotations

from dataclasses import dataclass

from polindex.errors import PolindexError, plural


@dataclass(frozen=True, slots=True)
class DataProblem:
    """One offending cell or row of an input file.

    ``row`` is the row number a spreadsheet shows (the header is row 1), ``None`` for problems
    of the whole file.

    Examples
    --------
    >>> str(DataProblem("d.csv", 7, "value", "maybe", 'unknown option code for q1'))
    "d.csv row 7, column 'value': 'maybe': unknown option code for q1"
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f"{',' if self.row is not None else ''} column {self.column!r}"
        what = f"{self.value!r}: " if self.value is not None else ""
        return f"{where}: {what}{self.reason}"


class DataError(PolindexError):
    """Input data that cannot be scored; lists every offending row. Nothing was computed.

    Examples
    --------
    >>> err = DataError([DataProblem("d.csv", 3, "value", "x", "not a number")])
    >>> print(err)
    1 problem in the input data; nothing was computed:
      d.csv row 3, column 'value': 'x': not a number
    >>> len(DataError([DataProblem("d.csv", 3, "unit", "A/B", "has a '/'")] * 2).problems)
    1
    """

    problems: list[DataProblem]

    def __init__(self, problems: list[DataProblem]) -> None:
        # each problem once (a unit's name is checked in every row of the long table), file-wide
        # problems first, then by row (stable: a row's problems keep their order)
        unique = dict.fromkeys(problems)
        super().__init__(sorted(unique, key=lambda p: (p.file, p.row or 0)))

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} in the input data; nothing was computed:"
