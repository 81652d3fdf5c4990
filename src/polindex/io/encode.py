"""Check a long table of text cells against a framework and turn it into a :class:`Dataset`.

Every problem is collected — unknown indicator or option codes, numbers out of range, text
where a number belongs, duplicate rows, values given where an indicator does not apply — and
reported together with its file, row and column. If there is any, nothing is computed.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from polindex.engine.dataset import Dataset, sort_periods
from polindex.framework.models import CONTROL, Framework, Indicator
from polindex.framework.vocabulary import MISSING_TOKENS, NOT_APPLICABLE_TOKENS
from polindex.io.problems import DataError, DataProblem
from polindex.io.tables import text_cells

TRUE_TOKENS = frozenset({"true", "yes", "1", "y", "t"})
FALSE_TOKENS = frozenset({"false", "no", "0", "n", "f"})

Positions = npt.NDArray[np.intp]
Texts = npt.NDArray[np.object_]


def _fmt(x: float) -> str:
    return f"{x:g}"


MAX_NAME = {"unit": 64, "period": 32}
"""How long a unit's and a period's names may be (they are part of web addresses and stored
in columns of that size)."""


def _name_problem(kind: str, value: str) -> str:
    """Why ``value`` cannot name a unit or period (``""`` when it can).

    Examples
    --------
    >>> _name_problem("unit", "AT"), _name_problem("unit", "A/T")
    ('', "a unit is at most 64 characters, without '/'")
    """
    if CONTROL.search(value):
        return f"the {kind} holds a control character"
    if len(value) > MAX_NAME[kind] or "/" in value:
        return f"a {kind} is at most {MAX_NAME[kind]} characters, without '/'"
    return ""


_WHOLE = re.compile(r"[+-]?\d+(\.0*)?")


def _period_texts(column: pd.Series) -> Texts:
    """Periods as text, whole numbers written one way ("2019", "2019.0" and "02019" → "2019").

    Examples
    --------
    >>> _period_texts(pd.Series(["2019", " 2019.0", "02019", "2019Q1", 2020])).tolist()
    ['2019', '2019', '2019', '2019Q1', '2020']
    """
    codes, spellings = pd.factorize(column.astype(str))  # few distinct periods, many rows
    if not all(isinstance(t, str) for t in spellings):  # NaN: pandas' own rules
        canonical = pd.Series(spellings, dtype=object).str.strip()
        whole = canonical.str.fullmatch(_WHOLE.pattern)
        canonical[whole] = canonical[whole].map(lambda t: str(int(float(t))))
        out: Texts = canonical.to_numpy(dtype=object)[codes]
        return out
    stripped = [t.strip() for t in spellings]
    texts = [str(int(float(t))) if _WHOLE.fullmatch(t) else t for t in stripped]
    table: Texts = np.empty(len(texts), dtype=object)
    table[:] = texts
    return table[codes]


class _Report:
    """Collects problems for rows of the table, addressed by position."""

    def __init__(self, source: str, rows: npt.NDArray[Any], columns: Texts, values: Texts):
        self.source, self.rows, self.columns, self.values = source, rows, columns, values
        self.problems: list[DataProblem] = []

    def add(
        self,
        where: Positions,
        reason: str | Texts,
        column: str | None = None,
        values: Texts | None = None,
    ) -> None:
        vals = self.values if values is None else values
        for k, i in enumerate(where):
            self.problems.append(
                DataProblem(
                    self.source,
                    int(self.rows[i]),
                    column or str(self.columns[i]),
                    str(vals[i]),
                    reason if isinstance(reason, str) else str(reason[k]),
                )
            )


def encode(
    framework: Framework,
    table: pd.DataFrame,
    source: str = "<data>",
    scored: bool = False,
    *,
    raw_numbers: bool = False,
) -> Dataset:
    """Validate ``table`` (see :func:`polindex.io.tables.read_table`) and build the data set.

    With ``raw_numbers=True`` (input to a construction pipeline, which normalises later)
    numeric values are only checked to be numbers within the indicator's ``bounds``; they are
    not scaled, and need not lie on the index scale.

    With ``scored=True`` every value is taken to be an indicator score already on the index
    scale (as in published item scores or normalised data), whatever the indicator's type.

    Examples
    --------
    >>> from polindex.framework import load_framework
    >>> from polindex.io.tables import long_from_records
    >>> fw = load_framework({"code": "T", "name": "T", "indicators": [
    ...     {"code": "q1", "type": "categorical",
    ...      "options": [{"code": "a", "score": 100}, {"code": "b", "score": 0}]},
    ...     {"code": "q2", "type": "numeric", "bounds": [0, 10], "goalposts": [0, 10]}]})
    >>> ds = encode(fw, long_from_records([("X", 2024, "q1", "b"), ("X", 2024, "q2", 2.5)]))
    >>> ds.values[0, 0].tolist()
    [0.0, 25.0]
    >>> encode(fw, long_from_records([("X", 2024, "q1", "c")]))
    Traceback (most recent call last):
    ...
    polindex.io.problems.DataError: 1 problem in the input data; nothing was computed:
      <data> row 1, column 'value': 'c': not an answer option of q1 (options: a, b)
    """
    if table.empty:
        raise DataError([DataProblem(source, None, None, None, "the data have no values")])
    indicators = framework.indicators
    i_index = {ind.code: i for i, ind in enumerate(indicators)}
    unit, period = text_cells(table["unit"]), _period_texts(table["period"])
    code, value = text_cells(table["indicator"]), text_cells(table["value"])
    report = _Report(source, table["row"].to_numpy(), text_cells(table["column"]), value)

    for name, col in (("unit", unit), ("period", period)):
        report.add(np.flatnonzero(col == ""), f"empty {name}", column=name, values=col)
        # each distinct name is checked once (a panel repeats every unit in every row)
        names = pd.Series(col)
        why = {v: _name_problem(name, v) for v in names.unique()}
        for reason in sorted({r for r in why.values() if r}):
            wrong = [v for v, r in why.items() if r == reason]
            report.add(
                np.flatnonzero(names.isin(wrong).to_numpy()), reason, column=name, values=col
            )
    ind_pos = pd.Index(list(i_index)).get_indexer(pd.Index(code))
    unknown = ind_pos < 0
    if unknown.any():
        groups = {n.code for n in framework.nodes}
        where = np.flatnonzero(unknown)
        reasons = np.array(
            [
                f"{c!r} is a group of the framework; its score is computed, not read"
                if c in groups
                else f"unknown indicator {c!r} (not in framework {framework.code!r})"
                for c in code[where]
            ],
            dtype=object,
        )
        report.add(where, reasons, column="indicator", values=code)

    # most tables have no duplicate row: a set of keys says so at a fraction of pandas' cost
    distinct = len(set(zip(unit, period, code, strict=True))) == len(code)
    dup = (
        np.zeros(len(code), dtype=bool)
        if distinct
        else pd.DataFrame({"u": unit, "p": period, "i": code}).duplicated(keep=False).to_numpy()
        & ~unknown
    )
    if dup.any():
        first = pd.Series(report.rows).groupby([unit, period, code]).transform("min").to_numpy()
        later = np.flatnonzero(dup & (report.rows != first))
        reasons = np.array(
            [f"duplicate of row {first[i]} (same unit, period and indicator)" for i in later],
            dtype=object,
        )
        report.add(later, reasons)

    lower = pd.Series(value).str.lower()
    is_na = lower.isin(NOT_APPLICABLE_TOKENS).to_numpy()
    has_value = ~(lower.isin(MISSING_TOKENS).to_numpy() | is_na | unknown)
    score = np.full(len(value), np.nan)
    raw = np.full(len(value), np.nan)
    positions = pd.Series(np.arange(len(value))[has_value]).groupby(code[has_value]).indices
    offsets = np.flatnonzero(has_value)
    # every cell read as a number at once (one conversion, not one per indicator)
    numbers = (
        pd.to_numeric(pd.Series(value), errors="coerce").to_numpy(dtype=np.float64)
        if scored or any(i.type == "numeric" for i in indicators)
        else np.empty(0)
    )
    for ind in indicators:
        if ind.code not in positions:
            continue
        where = offsets[positions[ind.code]]
        _encode_indicator(
            framework, ind, where, value, numbers, score, raw, report, scored, raw_numbers
        )
    # no raise yet: applicability rules are checked too, so every problem is listed at once

    units = sorted(set(unit))
    texts = sorted(set(period))
    periods = sort_periods(texts)
    position = {str(p): i for i, p in enumerate(periods)}
    numeric = bool(periods) and isinstance(periods[0], int)
    p_of_text = pd.Index(texts).get_indexer
    p_order = np.array([position[str(int(s)) if numeric else s] for s in texts], dtype=np.intp)
    ui = pd.Index(units).get_indexer(pd.Index(unit))
    pi = p_order[p_of_text(pd.Index(period))]
    shape = (len(units), len(periods), len(indicators))
    present = np.zeros(shape[:2], dtype=bool)
    present[ui, pi] = True
    known = ~unknown
    values = np.full(shape, np.nan)
    raws = np.full(shape, np.nan)
    na = np.zeros(shape, dtype=bool)
    cell = (ui[known], pi[known], ind_pos[known])
    values[cell], raws[cell], na[cell] = score[known], raw[known], is_na[known]

    if not scored:
        rows_at = np.full(shape, -1, dtype=np.intp)
        rows_at[cell] = np.flatnonzero(known)
        _apply_rules(framework, code, value, score, (ui, pi), values, na, rows_at, report)
    if report.problems:
        raise DataError(report.problems)
    values[na] = np.nan
    raws[na] = np.nan
    return Dataset(
        units=tuple(units),
        periods=tuple(periods),
        indicators=tuple(i.code for i in indicators),
        raw=raws,
        values=values,
        not_applicable=na,
        present=present,
    )


def _encode_indicator(
    framework: Framework,
    ind: Indicator,
    where: Positions,
    value: Texts,
    numbers: npt.NDArray[np.float64],
    score: npt.NDArray[np.float64],
    raw: npt.NDArray[np.float64],
    report: _Report,
    scored: bool,
    raw_numbers: bool = False,
) -> None:
    """Score one indicator's cells (positions ``where``) into ``score`` and ``raw``;
    ``numbers`` holds every cell's value read as a number (NaN: not one)."""
    lo, hi = framework.scale.min, framework.scale.max
    if scored or ind.type == "numeric":
        num = numbers[where]
        bad = ~np.isfinite(num)
        kind = f"scores of {ind.code} must be numeric" if scored else f"{ind.code} is numeric"
        report.add(where[bad], f"not a number ({kind})")
        raw[where] = num
        if scored:
            out = ~bad & ((num < lo) | (num > hi))
            report.add(where[out], f"score outside the index scale {_fmt(lo)}–{_fmt(hi)}")
            score[where] = num
            return
        if ind.bounds is not None:
            blo, bhi = ind.bounds
            out = ~bad & ((num < blo) | (num > bhi))
            report.add(where[out], f"outside the bounds of {ind.code} ({_fmt(blo)} to {_fmt(bhi)})")
        if raw_numbers:  # a construction pipeline scales them later
            score[where] = num
            return
        if ind.goalposts is not None:
            g0, g1 = ind.goalposts
            frac = np.clip((num - g0) / (g1 - g0), 0.0, 1.0)
            score[where] = lo + (1.0 - frac if ind.direction == -1 else frac) * (hi - lo)
            return
        if ind.direction == -1:
            report.problems.append(
                DataProblem(
                    report.source,
                    None,
                    None,
                    None,
                    f"{ind.code} has direction -1 but no goalposts, so its raw values cannot "
                    "be scored; add goalposts, or pass values that are already scores (scored)",
                )
            )
        out = ~bad & ((num < lo) | (num > hi))
        report.add(
            where[out],
            f"{ind.code} has no goalposts, so values are scores and must lie within the "
            f"index scale {_fmt(lo)}–{_fmt(hi)}",
        )
        score[where] = num
    elif ind.type == "categorical":
        vals = pd.Series(value[where])
        mapped = vals.map({o.code: o.score for o in ind.options}).to_numpy(dtype=np.float64)
        codes = ", ".join(o.code for o in ind.options)
        folded = {o.code.casefold(): o.code for o in ind.options}
        bad = np.isnan(mapped)
        reasons = np.array(
            [
                f"not an answer option of {ind.code} (options: {codes})"
                + (
                    f"; codes are case-sensitive: {folded[v.casefold()]!r}?"
                    if v.casefold() in folded
                    else ""
                )
                for v in vals[bad]
            ],
            dtype=object,
        )
        report.add(where[bad], reasons)
        score[where] = raw[where] = mapped
    else:  # boolean
        truth = _truth(pd.Series(value[where]))
        report.add(where[np.isnan(truth)], f"{ind.code} is yes/no: give true/false, yes/no or 1/0")
        ts = ind.true_score if ind.true_score is not None else hi
        fs = ind.false_score if ind.false_score is not None else lo
        score[where] = np.where(truth == 1.0, ts, np.where(truth == 0.0, fs, np.nan))
        raw[where] = truth


def _truth(vals: pd.Series) -> npt.NDArray[np.float64]:
    """1.0 for true-like text, 0.0 for false-like, NaN otherwise."""
    low = vals.str.lower()
    return np.where(low.isin(TRUE_TOKENS), 1.0, np.where(low.isin(FALSE_TOKENS), 0.0, np.nan))


def _apply_rules(
    framework: Framework,
    code: Texts,
    value: Texts,
    score: npt.NDArray[np.float64],
    cells: tuple[Positions, Positions],
    values: npt.NDArray[np.float64],
    na: npt.NDArray[np.bool_],
    rows_at: npt.NDArray[np.intp],
    report: _Report,
) -> None:
    """Mark indicators N/A where their applicability rule says so; a value there is an error."""
    for ind in framework.indicators:
        rule = ind.applicable_if
        if rule is None:
            continue
        target = framework.find(rule.indicator)
        answers = np.flatnonzero(code == rule.indicator)
        # a missing, N/A or invalid answer to the rule's question (already reported) leaves
        # the indicator applicable
        texts = np.where(np.isnan(score[answers]), "", value[answers])
        if isinstance(target, Indicator) and target.type == "boolean":
            truth = _truth(pd.Series(texts))
            texts = np.where(truth == 1.0, "true", np.where(truth == 0.0, "false", ""))
        off = np.array([t != "" and not rule.applies(t) for t in texts], dtype=bool)
        if not off.any():
            continue
        k = framework.indicators.index(ind)
        u, p = cells[0][answers[off]], cells[1][answers[off]]
        given = ~np.isnan(values[u, p, k])
        reasons = np.array(
            [
                f"{ind.code} does not apply where {rule.indicator} is {t!r}; "
                "leave it empty or write n/a"
                for t in value[answers[off]][given]
            ],
            dtype=object,
        )
        report.add(rows_at[u[given], p[given], k], reasons)
        na[u, p, k] = True
