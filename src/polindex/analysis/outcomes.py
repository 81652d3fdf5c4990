"""Outcome linkage: policy scores beside outcome indicators (an employment-rate gap, say).

An outcome file is long — one row per outcome, unit and period — in CSV or XLSX, with the
columns ``outcome, unit, period, value`` and, optionally, ``label``, ``measure`` (its unit of
measure: "percentage points") and ``source``. :func:`read_outcomes` checks every row and
reports every problem with its row and column (:class:`~polindex.io.problems.DataError`);
:func:`link` pairs a policy node's scores with an outcome's values country by country, says
which periods it aligned, and gives Pearson's correlation with its 95 % confidence interval
(Fisher's z) and the number of countries. A correlation is not a cause: pages that show one
say so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from polindex.io.problems import DataError, DataProblem
from polindex.io.tables import ReadOptions, Upload, read_frame, source_name

REQUIRED = ("outcome", "unit", "period", "value")
OPTIONAL = ("label", "measure", "source")
MAX_TEXT = {"outcome": 64, "unit": 64, "period": 32, "label": 200, "measure": 64, "source": 500}
MAX_ROWS = 200_000


@dataclass(frozen=True)
class OutcomeValue:
    """One outcome's value for one unit and period, with the file row it came from."""

    outcome: str
    unit: str
    period: str
    value: float
    source: str = ""
    row: int = 0


@dataclass(frozen=True)
class Outcome:
    """An outcome indicator: its code, label and unit of measure, and its values."""

    code: str
    label: str
    measure: str
    values: tuple[OutcomeValue, ...]

    @property
    def periods(self) -> list[str]:
        """The periods it has values for, in order."""
        return sorted({v.period for v in self.values})


def read_outcomes(
    path: str | Path | Upload, known_units: Iterable[str] | None = None
) -> list[Outcome]:
    """Read and check an outcome file; every problem is reported at once, with its row and
    column, and nothing is returned unless the whole file is right.

    ``known_units``, when given, are the units a value may be for (a release's).

    Examples
    --------
    >>> csv = b"outcome,unit,period,value,measure\\ngap,AT,2024,-7.5,pp\\ngap,BE,2024,-9\\n"
    >>> [(o.code, o.measure, [v.value for v in o.values]) for o in read_outcomes(
    ...     Upload("o.csv", csv))]
    [('gap', 'pp', [-7.5, -9.0])]
    >>> read_outcomes(Upload("o.csv", b"outcome,unit,period,value\\ngap,AT,2024,high\\n"))
    Traceback (most recent call last):
    ...
    polindex.io.problems.DataError: 1 problem in the input data; nothing was computed:
      o.csv row 2, column 'value': 'high': not a number
    """
    source = path if isinstance(path, Upload) else Path(path)
    name = source_name(source)
    frame = read_frame(source, ReadOptions())
    columns = [str(c).strip().lower() for c in frame.columns]
    problems: list[DataProblem] = []
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        reason = f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        problems.append(DataProblem(name, 1, None, None, f"{reason} (need {', '.join(REQUIRED)})"))
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    for c in unknown:
        problems.append(DataProblem(name, 1, c, None, "unknown column"))
    if len(set(columns)) < len(columns):
        problems.append(DataProblem(name, 1, None, None, "a column is named twice"))
    if problems:
        raise DataError(problems)
    if len(frame) > MAX_ROWS:
        raise DataError([DataProblem(name, None, None, None, f"more than {MAX_ROWS} rows")])
    frame.columns = columns
    known = set(known_units) if known_units is not None else None
    seen: dict[tuple[str, str, str], int] = {}
    by_code: dict[str, list[OutcomeValue]] = {}
    labels: dict[str, tuple[str, int]] = {}
    measures: dict[str, tuple[str, int]] = {}
    for index, record in enumerate(frame.to_dict("records")):
        row = index + 2  # the header is row 1
        cells = {c: str(record.get(c, "") or "").strip() for c in (*REQUIRED, *OPTIONAL)}
        bad = False
        for column in (*REQUIRED, *OPTIONAL):
            text = cells[column]
            if column in REQUIRED and column != "value" and not text:
                problems.append(DataProblem(name, row, column, None, "empty"))
                bad = True
            elif len(text) > MAX_TEXT.get(column, 10**9):
                reason = f"longer than {MAX_TEXT[column]} characters"
                problems.append(DataProblem(name, row, column, text[:40] + "…", reason))
                bad = True
            elif any(ord(ch) < 32 for ch in text):
                problems.append(DataProblem(name, row, column, None, "holds a control character"))
                bad = True
        value = _number(cells["value"])
        if value is None:
            reason = (
                "empty: leave the row out for a missing value"
                if not cells["value"]
                else ("not a number")
            )
            problems.append(DataProblem(name, row, "value", cells["value"] or None, reason))
            bad = True
        if known is not None and cells["unit"] and cells["unit"] not in known:
            problems.append(
                DataProblem(name, row, "unit", cells["unit"], "not a unit of the release")
            )
            bad = True
        key = (cells["outcome"], cells["unit"], cells["period"])
        if key in seen:
            reason = f"a second value for {key[0]}, {key[1]}, {key[2]} (first in row {seen[key]})"
            problems.append(DataProblem(name, row, None, None, reason))
            bad = True
        seen.setdefault(key, row)
        code = cells["outcome"]
        for column, kept in (("label", labels), ("measure", measures)):
            if cells[column] and code:
                first = kept.setdefault(code, (cells[column], row))
                if first[0] != cells[column]:
                    reason = f"{code} is {first[0]!r} in row {first[1]}: one per outcome"
                    problems.append(DataProblem(name, row, column, cells[column], reason))
                    bad = True
        if not bad and value is not None:
            by_code.setdefault(code, []).append(
                OutcomeValue(code, cells["unit"], cells["period"], value, cells["source"], row)
            )
    if problems:
        raise DataError(problems)
    if not by_code:
        raise DataError([DataProblem(name, None, None, None, "no rows")])
    return [
        Outcome(code, labels.get(code, (code, 0))[0], measures.get(code, ("", 0))[0], tuple(vs))
        for code, vs in by_code.items()
    ]


def _number(text: str) -> float | None:
    try:
        value = float(text.replace("\u2212", "-"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Linkage:
    """A policy node against an outcome: the pairs (unit, score, value), Pearson's ``r`` with
    its 95 % interval (``None`` below 4 pairs, or without spread), ``n`` and the periods."""

    pairs: tuple[tuple[str, float, float], ...]
    policy_period: str
    outcome_period: str
    r: float | None
    low: float | None
    high: float | None

    @property
    def n(self) -> int:
        return len(self.pairs)

    @property
    def lag(self) -> int | None:
        """Outcome period minus policy period, in periods, when both are years."""
        if self.policy_period.isdigit() and self.outcome_period.isdigit():
            return int(self.outcome_period) - int(self.policy_period)
        return None


def outcome_period(policy_period: str, periods: Iterable[str]) -> str | None:
    """The outcome period to set against ``policy_period``: the same, else the first later
    one (policies act with a lag), else the latest earlier one.

    >>> outcome_period("2020", ["2019", "2021", "2022"]), outcome_period("2024", ["2022"])
    ('2021', '2022')
    """
    ordered = sorted(periods)
    if policy_period in ordered:
        return policy_period
    later = [p for p in ordered if p > policy_period]
    if later:
        return later[0]
    return ordered[-1] if ordered else None


def link(
    scores: Mapping[str, float | None],
    values: Mapping[str, float],
    policy_period: str,
    outcome_period: str,
) -> Linkage:
    """Pair ``scores`` (unit → a node's score in ``policy_period``) with ``values`` (unit → an
    outcome in ``outcome_period``) where both exist, with Pearson's correlation and its 95 %
    confidence interval (Fisher's z, n ≥ 4).

    Examples
    --------
    >>> lk = link({"A": 10, "B": 20, "C": 30, "D": 40, "E": None}, {"A": 1, "B": 3, "C": 2,
    ...           "D": 5, "F": 9}, "2024", "2024")
    >>> lk.n, round(lk.r, 3), round(lk.low, 3), round(lk.high, 3)
    (4, 0.832, -0.645, 0.996)
    """
    pairs = tuple(
        (unit, float(score), float(values[unit]))
        for unit, score in sorted(scores.items())
        if score is not None and unit in values and math.isfinite(score)
    )
    r = low = high = None
    if len(pairs) >= 3:
        xs, ys = [p[1] for p in pairs], [p[2] for p in pairs]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
        sxx = sum((x - mx) ** 2 for x in xs)
        syy = sum((y - my) ** 2 for y in ys)
        if sxx > 0 and syy > 0:
            r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
            if len(pairs) >= 4 and abs(r) < 1:
                z, se = math.atanh(r), 1 / math.sqrt(len(pairs) - 3)
                low, high = math.tanh(z - 1.959964 * se), math.tanh(z + 1.959964 * se)
    return Linkage(pairs, policy_period, outcome_period, r, low, high)


__all__ = ["Linkage", "Outcome", "OutcomeValue", "link", "outcome_period", "read_outcomes"]
