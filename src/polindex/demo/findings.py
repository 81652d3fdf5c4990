"""Key findings for the demo's releases: a short Markdown text written from the scores, as a
central team would write one by hand (a real release's findings are the team's own words)."""

from __future__ import annotations

import math

from polindex.engine.results import Results
from polindex.framework.units import resolve_units


def _shown(score: float, decimals: int) -> str:
    return f"{score:.{decimals}f}"


def demo_findings(results: Results) -> str:
    """Markdown: the best and worst country of the latest period, and who moved most since the
    period before — by the index's polarity, with its decimals and the units' names.

    Examples
    --------
    >>> import polindex
    >>> fw = polindex.load_framework({"code": "T", "name": "T",
    ...     "indicators": [{"code": "q", "type": "numeric", "bounds": [0, 100]}]})
    >>> data = [("de", 2023, "q", 40), ("at", 2023, "q", 60), ("de", 2024, "q", 70),
    ...         ("at", 2024, "q", 50)]
    >>> print(demo_findings(polindex.score(fw, data)))
    *Demonstration text, written by Polindex from the scores.*
    <BLANKLINE>
    * In 2024, **Germany** scores best (70.0) and **Austria** worst (50.0) of 2 countries.
    * Since 2023, 1 country improved and 1 fell back; Germany moved most (+30.0).
    """
    fw = results.framework
    table = results.table()
    root = table[table["node"] == fw.root.code]
    periods = sorted(root["period"].astype(str).unique())
    if not periods:
        return ""
    units = resolve_units(root["unit"].unique(), fw)
    d = fw.decimals
    latest = periods[-1]
    now = {
        str(r.unit): float(r.score)
        for r in root[root["period"].astype(str) == latest].itertuples()
        if units[str(r.unit)].ranked and not math.isnan(r.score)
    }
    if not now:
        return ""
    ordered = sorted(now, key=lambda u: now[u], reverse=fw.higher_is_better)  # best first
    top, bottom = ordered[0], ordered[-1]
    lines = [
        "*Demonstration text, written by Polindex from the scores.*",
        "",
        f"* In {latest}, **{units.name(top)}** scores best ({_shown(now[top], d)}) and "
        f"**{units.name(bottom)}** worst ({_shown(now[bottom], d)}) of {len(now)} countries.",
    ]
    if len(periods) > 1:
        previous = periods[-2]
        before = {
            str(r.unit): float(r.score)
            for r in root[root["period"].astype(str) == previous].itertuples()
            if not math.isnan(r.score)
        }
        changes = {u: now[u] - before[u] for u in now if u in before}
        moved = {u: c for u, c in changes.items() if round(c, d) != 0}
        up = sum(1 for c in moved.values() if fw.better(c))
        down = len(moved) - up
        if moved:
            most = max(moved, key=lambda u: abs(moved[u]))
            sign = "+" if moved[most] > 0 else "−"
            lines.append(
                f"* Since {previous}, {up} {'country' if up == 1 else 'countries'} improved and "
                f"{down} fell back; {units.name(most)} moved most "
                f"({sign}{_shown(abs(moved[most]), d)})."
            )
        else:
            lines.append(f"* No country's score changed since {previous}.")
    return "\n".join(lines)
