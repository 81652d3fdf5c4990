"""Crosswalks between methodology versions, and back-casting on the core both share.

A methodology changes between editions: an indicator is renamed (``LMM2`` in 2019 is ``LMM2a``
in 2025), dropped or added. A :class:`Crosswalk` says which indicator of the old methodology is
which of the new; indicators it does not name are matched by their code, and the rest are
dropped (old only) or added (new only). :func:`backcast` then scores both results on the
**core** — the indicators both share — under the new methodology's tree, weights and
aggregation, as MIPEX recomputed its 2007–2019 scores on its 2020 core set: the old figures are
*back-cast* (the old edition's indicator scores aggregated the new way) and are flagged so.

A crosswalk is written in YAML (or as a mapping) or CSV::

    from: "2019"              # the methodology versions (optional: checked when given)
    to: "2025"
    indicators:
      - {old: LMM2, new: LMM2a}                       # the same question, renamed
      - {old: EDU9, note: no longer asked}            # dropped
      - {new: HEA5}                                   # added

    old,new,note                                      # CSV: a blank side is dropped / added
    LMM2,LMM2a,
    EDU9,,no longer asked
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from polindex.engine.compute import compute
from polindex.engine.dataset import Dataset, Period
from polindex.engine.results import Results
from polindex.errors import PolindexError, plural
from polindex.framework.models import Framework, Indicator, Node
from polindex.framework.yamlsource import YamlSyntaxError, parse_yaml

FIELDS = ("old", "new", "note")
SUFFIXES = (".csv", ".yaml", ".yml")


class CrosswalkError(PolindexError):
    """A crosswalk that cannot be used (a row without codes, an unknown or repeated code, a
    methodology version that does not match); every problem is listed.

    Examples
    --------
    >>> print(CrosswalkError(["row 2: no indicator 'Q9' in the old methodology"]))
    1 problem with the crosswalk; nothing was computed:
      row 2: no indicator 'Q9' in the old methodology
    """

    problems: list[str]

    def headline(self) -> str:
        return f"{plural(len(self.problems), 'problem')} with the crosswalk; nothing was computed:"


@dataclass(frozen=True)
class Link:
    """One row of a crosswalk: ``old`` in the old methodology is ``new`` in the new one
    (``None`` on one side: dropped or added)."""

    old: str | None
    new: str | None
    note: str = ""

    @property
    def kind(self) -> str:
        """``same`` (same code), ``renamed``, ``dropped`` or ``added``."""
        if self.old is None:
            return "added"
        if self.new is None:
            return "dropped"
        return "same" if self.old == self.new else "renamed"


@dataclass(frozen=True)
class Crosswalk:
    """Which indicator of methodology ``old_version`` is which of ``new_version``.

    Examples
    --------
    >>> cw = load_crosswalk({"indicators": [{"old": "a", "new": "a2"}, {"old": "z"}]})
    >>> [(k.old, k.new, k.kind) for k in cw.links]
    [('a', 'a2', 'renamed'), ('z', None, 'dropped')]
    """

    links: tuple[Link, ...] = ()
    old_version: str | None = None
    new_version: str | None = None

    def resolve(self, old: Framework, new: Framework) -> tuple[Link, ...]:
        """Every indicator of both frameworks accounted for: the crosswalk's links, then the
        indicators it does not name matched by code, then the rest dropped or added. Raises
        :class:`CrosswalkError` naming every link to an indicator that does not exist, every
        code named twice and a methodology version that does not match.

        Examples
        --------
        >>> import polindex
        >>> def fw(*codes):
        ...     return polindex.load_framework({"code": "T", "name": "T", "indicators": [
        ...         {"code": c, "type": "boolean"} for c in codes]})
        >>> links = Crosswalk((Link("b", "b2"),)).resolve(fw("a", "b", "c"), fw("a", "b2", "d"))
        >>> [(k.old, k.new, k.kind) for k in links]
        [('b', 'b2', 'renamed'), ('a', 'a', 'same'), ('c', None, 'dropped'), (None, 'd', 'added')]
        >>> Crosswalk((Link("x", "a"),)).resolve(fw("a"), fw("a"))
        Traceback (most recent call last):
        ...
        polindex.analysis.crosswalk.CrosswalkError: 1 problem with the crosswalk; ...
          row 1: no indicator 'x' in the old methodology (T 1.0)
        """
        problems = []
        for version, fw, side in ((self.old_version, old, "old"), (self.new_version, new, "new")):
            if version is not None and version != fw.version:
                problems.append(
                    f"the crosswalk's {side} methodology is version {version}, the {side} "
                    f"results' is {fw.version}"
                )
        old_codes = [i.code for i in old.indicators]
        new_codes = [i.code for i in new.indicators]
        seen: dict[str, dict[str, int]] = {"old": {}, "new": {}}
        for row, link in enumerate(self.links, start=1):
            for side, code, codes, fw in (
                ("old", link.old, old_codes, old),
                ("new", link.new, new_codes, new),
            ):
                if code is None:
                    continue
                if code not in codes:
                    problems.append(
                        f"row {row}: no indicator {code!r} in the {side} methodology "
                        f"({fw.code} {fw.version})"
                    )
                elif code in seen[side]:
                    problems.append(
                        f"row {row}: indicator {code!r} of the {side} methodology is already "
                        f"in row {seen[side][code]}"
                    )
                else:
                    seen[side][code] = row
        named_old, named_new = set(seen["old"]), set(seen["new"])
        if problems:
            raise CrosswalkError(problems)
        links = list(self.links)
        implicit = [c for c in old_codes if c not in named_old and c in new_codes]
        implicit = [c for c in implicit if c not in named_new]
        links += [Link(c, c) for c in implicit]
        matched_old = named_old | set(implicit)
        matched_new = named_new | set(implicit)
        links += [Link(c, None) for c in old_codes if c not in matched_old]
        links += [Link(None, c) for c in new_codes if c not in matched_new]
        return tuple(links)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _links(rows: Iterable[Any], where: str) -> tuple[Link, ...]:
    links, problems = [], []
    for row, item in enumerate(rows, start=1):
        if not isinstance(item, Mapping):
            problems.append(f"{where} {row}: expected old, new and note, got {item!r}")
            continue
        if None in item:  # (a CSV row with more values than its header has columns)
            problems.append(
                f"{where} {row}: more values than the columns old, new, note (put a note that "
                "holds a comma in double quotes)"
            )
        extra = sorted(str(k) for k in item if k is not None and k not in FIELDS)
        if extra:
            problems.append(
                f"{where} {row}: unknown field {', '.join(extra)} (fields: old, new, note)"
            )
        old, new = _text(item.get("old")), _text(item.get("new"))
        if old is None and new is None:
            problems.append(f"{where} {row}: neither an old nor a new indicator")
            continue
        links.append(Link(old, new, _text(item.get("note")) or ""))
    if problems:
        raise CrosswalkError(problems)
    return tuple(links)


def load_crosswalk(source: Mapping[str, Any] | str | Path) -> Crosswalk:
    """A crosswalk from a mapping, YAML text, or a ``.yaml``/``.yml``/``.csv`` file (see the
    module's documentation for the format). Raises :class:`CrosswalkError` for a row without
    codes or with unknown fields, a file that is not YAML or CSV.

    Examples
    --------
    >>> cw = load_crosswalk("old,new,note\\nLMM2,LMM2a,renamed\\nEDU9,,\\n")
    >>> [(k.old, k.new, k.note) for k in cw.links]
    [('LMM2', 'LMM2a', 'renamed'), ('EDU9', None, '')]
    >>> load_crosswalk({"indicators": [{"new": None}, {"old": "a", "to": "b"}]})
    Traceback (most recent call last):
    ...
    polindex.analysis.crosswalk.CrosswalkError: 2 problems with the crosswalk; ...
      indicator 1: neither an old nor a new indicator
      indicator 2: unknown field to (fields: old, new, note)
    """
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and source.endswith(SUFFIXES)
    ):
        path = Path(source)
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CrosswalkError([f"{path}: cannot be read ({exc})"]) from None
        if path.suffix == ".csv":
            return _from_csv(source)
    if isinstance(source, str):
        first = source.lstrip().partition("\n")[0]
        if "," in first and ":" not in first and not first.startswith(("{", "[", "-")):
            return _from_csv(source)
        try:
            data = parse_yaml(source).data
        except YamlSyntaxError as exc:
            at = f" (line {exc.line})" if exc.line else ""
            raise CrosswalkError([f"not a crosswalk in YAML or CSV: {exc}{at}"]) from None
    else:
        data = source
    if not isinstance(data, Mapping):
        raise CrosswalkError(["expected a mapping with 'indicators' (and 'from', 'to')"])
    extra = sorted(str(k) for k in data if k not in ("from", "to", "indicators"))
    if extra:
        raise CrosswalkError([f"unknown field {', '.join(extra)} (fields: from, to, indicators)"])
    rows = data.get("indicators") or []
    if not isinstance(rows, list):
        raise CrosswalkError(["'indicators' must be a list of rows with old, new and note"])
    return Crosswalk(_links(rows, "indicator"), _text(data.get("from")), _text(data.get("to")))


def _from_csv(text: str) -> Crosswalk:
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in ("old", "new") if f not in (reader.fieldnames or [])]
    if missing:
        raise CrosswalkError(
            [f"the CSV has no column {', '.join(missing)} (columns: old, new, note)"]
        )
    return Crosswalk(_links(list(reader), "row"))  # rows counted after the header


@dataclass(frozen=True)
class Backcast:
    """Two results scored on the indicators both share, under the new methodology.

    ``old`` holds the old results' periods back-cast (their indicator scores aggregated by the
    new tree, weights and methods); ``new`` the new results on the same core; ``series`` both
    in one (the new periods, then the old ones the new results do not have, back-cast) and
    ``backcast_periods`` says which of its periods are back-cast. ``links`` accounts for every
    indicator; ``left_out`` are the new groups without a core indicator (not scored).
    """

    old: Results = field(repr=False)
    new: Results = field(repr=False)
    series: Results = field(repr=False)
    backcast_periods: tuple[Period, ...]
    links: tuple[Link, ...]
    left_out: tuple[str, ...] = ()

    @property
    def core(self) -> list[tuple[str, str]]:
        """The shared indicators (old code, new code)."""
        return [(k.old, k.new) for k in self.links if k.old is not None and k.new is not None]

    @property
    def dropped(self) -> list[str]:
        return [k.old for k in self.links if k.new is None and k.old is not None]

    @property
    def added(self) -> list[str]:
        return [k.new for k in self.links if k.old is None and k.new is not None]

    def table(self) -> pd.DataFrame:
        """The series' scores (long: unit, period, node, score, rank, band…) with a
        ``backcast`` column: true where the figure is back-cast."""
        out = self.series.table().copy()
        flagged = {str(p) for p in self.backcast_periods}
        out["backcast"] = out["period"].astype(str).isin(flagged)
        return out


def scored_tree(
    framework: Framework,
    keep: set[str] | None,
    weights: Mapping[str, float],
    aggregation: Mapping[str, str],
) -> tuple[Framework, tuple[str, ...]]:
    """``framework`` with only the indicators in ``keep`` (``None``: all), each taken as a
    score (numeric, no rules of applicability), every node weighted by ``weights`` and each
    group aggregated by ``aggregation`` (code → method; the framework's own otherwise), with
    the groups left without an indicator (dropped). Raises :class:`CrosswalkError` when no
    indicator is kept.

    Examples
    --------
    >>> import polindex
    >>> tree, left_out = scored_tree(polindex.load_framework({
    ...     "code": "T", "name": "T", "children": [
    ...         {"code": "A", "indicators": [{"code": "a", "type": "boolean"},
    ...                                      {"code": "c", "type": "boolean"}]},
    ...         {"code": "B", "indicators": [{"code": "b", "type": "boolean"}]}]}),
    ...     {"a"}, {"A": 2.0}, {"T": "geometric"})
    >>> [(i.code, i.type) for i in tree.indicators], left_out, tree.root.aggregation
    ([('a', 'numeric')], ('B',), 'geometric')
    """
    left_out: list[str] = []

    def prune(item: Node | Indicator) -> Node | Indicator | None:
        weight = float(weights.get(item.code, item.weight))
        if isinstance(item, Indicator):
            if keep is not None and item.code not in keep:
                return None
            return Indicator(code=item.code, type="numeric", label=item.label, weight=weight)
        children = tuple(c for c in (prune(c) for c in item.children) if c is not None)
        if not children:
            left_out.append(item.code)
            return None
        update = {"children": children, "weight": weight}
        return item.model_copy(
            update={**update, "aggregation": aggregation.get(item.code, item.aggregation)}
        )

    root = prune(framework.root)
    if not isinstance(root, Node):
        raise CrosswalkError(["no indicator is shared by both methodologies: nothing to back-cast"])
    return framework.model_copy(update={"root": root}), tuple(left_out)


def _prune(new: Results, core: set[str]) -> tuple[Framework, tuple[str, ...]]:
    """The new framework with only the ``core`` indicators, each group weighted and aggregated
    as the new results did."""
    methods = {code: m.method for code, m in new.methods_used.aggregation.items()}
    return scored_tree(new.framework, core, new.weights_used.given, methods)


def _on_core(fw: Framework, res: Results, codes: Mapping[str, str], periods: list[int]) -> Results:
    """``res``'s indicator scores in ``periods`` (positions), renamed by ``codes`` (new → code
    in ``res``), scored by ``fw``."""
    ds = res.dataset
    at = [ds.indicators.index(codes[i.code]) for i in fw.indicators]
    values = ds.values[:, periods][:, :, at]
    na = ds.not_applicable[:, periods][:, :, at]
    data = Dataset(
        units=ds.units,
        periods=tuple(ds.periods[p] for p in periods),
        indicators=tuple(i.code for i in fw.indicators),
        raw=values,
        values=values,
        not_applicable=na,
        present=ds.present[:, periods],
    )
    spec = {"backcast": {"from": res.framework.code, "version": res.framework.version}}
    return compute(fw, data, spec=spec, ties=res.ties)


def _stack(fw: Framework, new: Results, old: Results, old_only: list[int]) -> Results:
    """The new core results' periods and ``old``'s periods at ``old_only`` in one."""
    units = list(dict.fromkeys([*new.dataset.units, *old.dataset.units]))
    periods = [*new.dataset.periods, *(old.dataset.periods[p] for p in old_only)]
    n_ind = len(fw.indicators)
    values = np.full((len(units), len(periods), n_ind), np.nan)
    na = np.zeros(values.shape, dtype=bool)
    present = np.zeros(values.shape[:2], dtype=bool)
    for res, at in ((new.dataset, list(range(len(new.dataset.periods)))), (old.dataset, old_only)):
        rows = [units.index(u) for u in res.units]
        first = 0 if res is new.dataset else len(new.dataset.periods)
        cols = list(range(first, first + len(at)))
        values[np.ix_(rows, cols)] = res.values[:, at]
        na[np.ix_(rows, cols)] = res.not_applicable[:, at]
        present[np.ix_(rows, cols)] = res.present[:, at]
    data = Dataset(
        units=tuple(units), periods=tuple(periods), indicators=new.dataset.indicators,
        raw=values, values=values, not_applicable=na, present=present,
    )  # fmt: skip
    return compute(
        fw, data, spec={"backcast": {"periods": [str(p) for p in periods]}}, ties=new.ties
    )


def backcast(old: Results, new: Results, crosswalk: Crosswalk | None = None) -> Backcast:
    """Score ``old`` and ``new`` on the indicators both share (by ``crosswalk``; without one,
    by code) under ``new``'s tree, weights and aggregation methods; the old figures are
    back-cast. Raises :class:`CrosswalkError` (see :meth:`Crosswalk.resolve`) and when no
    indicator is shared.

    Examples
    --------
    >>> import polindex
    >>> old = polindex.score({"code": "T", "name": "T", "version": "2019", "indicators": [
    ...     {"code": "a", "type": "numeric"}, {"code": "b", "type": "numeric"},
    ...     {"code": "z", "type": "numeric"}]},
    ...     [("X", 2019, "a", 60), ("X", 2019, "b", 30), ("X", 2019, "z", 0)])
    >>> new = polindex.score({"code": "T", "name": "T", "version": "2025", "levels": ["area"],
    ...     "areas": [{"code": "A", "weight": 3, "indicators": [{"code": "a", "type": "numeric"},
    ...                                                         {"code": "n", "type": "numeric"}]},
    ...               {"code": "B", "indicators": [{"code": "b2", "type": "numeric"}]}]},
    ...     [("X", 2025, "a", 80), ("X", 2025, "n", 100), ("X", 2025, "b2", 40)])
    >>> bc = backcast(old, new, load_crosswalk({"indicators": [{"old": "b", "new": "b2"}]}))
    >>> bc.core, bc.dropped, bc.added
    ([('b', 'b2'), ('a', 'a')], ['z'], ['n'])
    >>> bc.old.score(unit="X"), bc.new.score(unit="X")   # (3 × 60 + 30) / 4, (3 × 80 + 40) / 4
    (52.5, 70.0)
    >>> bc.table().query("node == 'T'")[["period", "score", "backcast"]].values.tolist()
    [[2025, 70.0, False], [2019, 52.5, True]]
    """
    links = (crosswalk or Crosswalk()).resolve(old.framework, new.framework)
    core = {k.new: k.old for k in links if k.old is not None and k.new is not None}
    fw, left_out = _prune(new, set(core))
    old_core = _on_core(fw, old, core, list(range(len(old.periods))))
    new_core = _on_core(fw, new, {c: c for c in core}, list(range(len(new.periods))))
    shown = {str(p) for p in new.periods}
    old_only = [k for k, p in enumerate(old.periods) if str(p) not in shown]
    series = _stack(fw, new_core, old_core, old_only)
    return Backcast(
        old=old_core,
        new=new_core,
        series=series,
        backcast_periods=tuple(old.periods[k] for k in old_only),
        links=links,
        left_out=left_out,
    )


__all__ = [
    "Backcast",
    "Crosswalk",
    "CrosswalkError",
    "Link",
    "backcast",
    "load_crosswalk",
    "scored_tree",
]
