"""Check a long table of text cells against a framework and turn it into a :class:`Dataset`.

Every problem is collected — unknown indicator or option codes, numbers out of range, text
where a number belongs, duplicate rows, values given where an indicator does not apply — and
reported together with its file, row and column. If there is any, nothing is computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from polindex.engine.dataset import Dataset, sort_periods
from polindex.framework.models import Framework, Indicator
from polindex.framework.vocabulary import MISSING_TOKENS, NOT_APPLICABLE_TOKENS
from polindex.io.problems import DataError, DataProblem

TRUE_TOKENS = frozenset({"true", "yes", "1", "y", "t"})
FALSE_TOKENS = frozenset({"false", "no", "0", "n", "f"})


def _problems(
    table: pd.DataFrame, mask: pd.Series, source: str, reason: str | pd.Series
) -> list[DataProblem]:
    """Problems for the rows of ``table`` flagged in ``mask`` (which may cover only some rows)."""
    mask = mask.reindex(table.index, fill_value=False).astype(bool)
    bad = table[mask]
    reasons = reason[mask] if isinstance(reason, pd.Series) else [reason] * len(bad)
    return [
        DataProblem(source, int(r), str(c), str(v), str(why))
        for r, c, v, why in zip(bad["row"], bad["column"], bad["value"], reasons, strict=True)
    ]


def _fmt(x: float) -> str:
    return f"{x:g}"


def encode(
    framework: Framework, table: pd.DataFrame, source: str = "<data>", scored: bool = False
) -> Dataset:
    """Validate ``table`` (see :func:`polindex.io.tables.read_table`) and build the data set.

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
    indicators = framework.indicators
    by_code = {ind.code: ind for ind in indicators}
    problems: list[DataProblem] = []
    t = table.reset_index(drop=True).copy()
    t["value"] = t["value"].astype(str).str.strip()
    t["unit"] = t["unit"].astype(str).str.strip()
    t["period"] = t["period"].astype(str).str.strip()
    lower = t["value"].str.lower()

    for col in ("unit", "period"):
        empty = t[col] == ""
        if empty.any():
            problems += [
                DataProblem(source, int(r), col, "", f"empty {col}") for r in t.loc[empty, "row"]
            ]
    unknown = ~t["indicator"].isin(by_code)
    if unknown.any():
        groups = {n.code for n in framework.nodes}
        reason = t["indicator"].map(
            lambda c: (
                f"{c!r} is a group of the framework; its score is computed, not read"
                if c in groups
                else f"unknown indicator {c!r} (not in framework {framework.code!r})"
            )
        )
        problems += _problems(
            t.assign(column="indicator", value=t["indicator"]), unknown, source, reason
        )

    keys = ["unit", "period", "indicator"]
    dup = t.duplicated(keys, keep=False) & ~unknown
    if dup.any():
        first = t.groupby(keys)["row"].transform("min")
        later = dup & (t["row"] != first)
        reason = "duplicate of row " + first.astype(str) + " (same unit, period and indicator)"
        problems += _problems(t, later, source, reason)

    is_missing = lower.isin(MISSING_TOKENS)
    is_na = lower.isin(NOT_APPLICABLE_TOKENS)
    score = pd.Series(np.nan, index=t.index)
    raw = pd.Series(np.nan, index=t.index)
    lo, hi = framework.scale.min, framework.scale.max
    has_value = ~is_missing & ~is_na & ~unknown

    for ind in indicators:
        rows = (t["indicator"] == ind.code) & has_value
        if not rows.any():
            continue
        vals = t.loc[rows, "value"]
        if scored:
            num = pd.to_numeric(vals, errors="coerce")
            bad = num.isna()
            problems += _problems(
                t, bad, source, f"not a number (scores of {ind.code} must be numeric)"
            )
            out = (num < lo) | (num > hi)
            problems += _problems(
                t, out, source, f"score outside the index scale {_fmt(lo)}–{_fmt(hi)}"
            )
            score[rows] = num
            raw[rows] = num
            continue
        problems += _encode_indicator(ind, t, rows, vals, score, raw, source, framework)

    if problems:
        raise DataError(problems)

    units = sorted(t["unit"].unique())
    texts = sorted(t["period"].unique())
    periods = sort_periods(texts)
    position = {str(p): i for i, p in enumerate(periods)}
    numeric = bool(periods) and isinstance(periods[0], int)
    p_index = {s: position[str(int(s)) if numeric else s] for s in texts}
    u_index = {u: i for i, u in enumerate(units)}
    i_index = {ind.code: i for i, ind in enumerate(indicators)}
    shape = (len(units), len(periods), len(indicators))
    ui = t["unit"].map(u_index).to_numpy()
    pi = t["period"].map(p_index).to_numpy()
    present = np.zeros(shape[:2], dtype=bool)
    present[ui, pi] = True
    known = ~unknown.to_numpy()
    ii = t.loc[known, "indicator"].map(i_index).to_numpy()
    values = np.full(shape, np.nan)
    raws = np.full(shape, np.nan)
    na = np.zeros(shape, dtype=bool)
    values[ui[known], pi[known], ii] = score[known].to_numpy()
    raws[ui[known], pi[known], ii] = raw[known].to_numpy()
    na[ui[known], pi[known], ii] = is_na[known].to_numpy()

    if not scored:
        rule_problems = _apply_rules(framework, t, values, na, ui, pi, i_index, source)
        if rule_problems:
            raise DataError(rule_problems)
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
    ind: Indicator,
    t: pd.DataFrame,
    rows: pd.Series,
    vals: pd.Series,
    score: pd.Series,
    raw: pd.Series,
    source: str,
    framework: Framework,
) -> list[DataProblem]:
    problems: list[DataProblem] = []
    lo, hi = framework.scale.min, framework.scale.max
    if ind.type == "categorical":
        scores = {o.code: o.score for o in ind.options}
        mapped = vals.map(scores)
        bad = mapped.isna()
        codes = ", ".join(o.code for o in ind.options)
        problems += _problems(
            t, bad, source, f"not an answer option of {ind.code} (options: {codes})"
        )
        score[rows] = mapped
        raw[rows] = mapped
    elif ind.type == "boolean":
        low = vals.str.lower()
        truth = pd.Series(np.nan, index=vals.index)
        truth[low.isin(TRUE_TOKENS)] = 1.0
        truth[low.isin(FALSE_TOKENS)] = 0.0
        bad = truth.isna()
        problems += _problems(
            t, bad, source, f"{ind.code} is yes/no: give true/false, yes/no or 1/0"
        )
        ts = ind.true_score if ind.true_score is not None else hi
        fs = ind.false_score if ind.false_score is not None else lo
        score[rows] = np.where(truth == 1.0, ts, np.where(truth == 0.0, fs, np.nan))
        raw[rows] = truth
    else:
        num = pd.to_numeric(vals, errors="coerce")
        bad = num.isna() | ~np.isfinite(num)
        problems += _problems(t, bad, source, f"not a number ({ind.code} is numeric)")
        if ind.bounds is not None:
            blo, bhi = ind.bounds
            out = ~bad & ((num < blo) | (num > bhi))
            problems += _problems(
                t, out, source, f"outside the bounds of {ind.code} ({_fmt(blo)} to {_fmt(bhi)})"
            )
        raw[rows] = num
        if ind.goalposts is not None:
            g0, g1 = ind.goalposts
            frac = ((num - g0) / (g1 - g0)).clip(0.0, 1.0)
            if ind.direction == -1:
                frac = 1.0 - frac
            score[rows] = lo + frac * (hi - lo)
        else:
            if ind.direction == -1:
                problems.append(
                    DataProblem(
                        source,
                        None,
                        None,
                        None,
                        f"{ind.code} has direction -1 but no goalposts, so its raw values "
                        "cannot be scored; add goalposts, or pass values that are already "
                        "scores (scored)",
                    )
                )
            out = ~bad & ((num < lo) | (num > hi))
            problems += _problems(
                t,
                out,
                source,
                f"{ind.code} has no goalposts, so values are scores and must lie within the "
                f"index scale {_fmt(lo)}–{_fmt(hi)}",
            )
            score[rows] = num
    return problems


def _apply_rules(
    framework: Framework,
    t: pd.DataFrame,
    values: np.ndarray,
    na: np.ndarray,
    ui: np.ndarray,
    pi: np.ndarray,
    i_index: dict[str, int],
    source: str,
) -> list[DataProblem]:
    """Mark indicators N/A where their applicability rule says so; a value there is an error."""
    problems: list[DataProblem] = []
    for ind in framework.indicators:
        rule = ind.applicable_if
        if rule is None:
            continue
        target = framework.find(rule.indicator)
        answers = t[t["indicator"] == rule.indicator]
        # the rule's indicator answer per row, as text (option code or true/false)
        if isinstance(target, Indicator) and target.type == "boolean":
            low = answers["value"].str.lower()
            text = pd.Series(
                np.where(
                    low.isin(TRUE_TOKENS), "true", np.where(low.isin(FALSE_TOKENS), "false", "")
                ),
                index=answers.index,
            )
        else:
            text = answers["value"]
        applies = text.map(lambda v, rule=rule: v == "" or rule.applies(v))
        off = answers[~applies.astype(bool) & (text != "")]
        if off.empty:
            continue
        k = i_index[ind.code]
        off_u, off_p = ui[off.index], pi[off.index]
        given = ~np.isnan(values[off_u, off_p, k])
        if given.any():
            mine = t[t["indicator"] == ind.code]
            lookup = {
                (u, p): (r, v)
                for u, p, r, v in zip(
                    mine["unit"], mine["period"], mine["row"], mine["value"], strict=True
                )
            }
            for (_, arow), g in zip(off.iterrows(), given, strict=True):
                if g:
                    row, value = lookup[(arow["unit"], arow["period"])]
                    problems.append(
                        DataProblem(
                            source,
                            int(row),
                            "value",
                            str(value),
                            f"{ind.code} does not apply where {rule.indicator} is "
                            f"{arow['value']!r}; leave it empty or write n/a",
                        )
                    )
        na[off_u, off_p, k] = True
    return problems
