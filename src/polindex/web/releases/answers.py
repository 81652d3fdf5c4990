"""The values and answers a release was computed from (its frozen input table)."""

from __future__ import annotations

import functools
import io

import pandas as pd

from polindex.framework.models import Framework
from polindex.web.releases.models import Release


@functools.lru_cache(maxsize=32)
def _inputs(release_id: int, checksum: str, inputs_csv: str) -> pd.DataFrame:
    if not inputs_csv:
        return pd.DataFrame(columns=["unit", "period", "indicator", "value"])
    table = pd.read_csv(io.StringIO(inputs_csv), dtype=str, keep_default_na=False)
    table["period"] = table["period"].map(_period_text)
    return table[["unit", "period", "indicator", "value"]]


def _period_text(text: str) -> str:
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def option_labels(framework: Framework, lang: str | None = None) -> dict[tuple[str, str], str]:
    """(indicator, option code) → the option's label in ``lang``."""
    return {
        (item.code, option.code): framework.label(option, lang)
        for item in framework.indicators
        for option in item.options
    }


def answers(
    release: Release, unit: str | None = None, period: str | None = None, lang: str | None = None
) -> list[dict[str, str]]:
    """Each input value of ``release`` (filtered by unit and period), with the chosen option's
    text for categorical indicators."""
    table = _inputs(release.pk, release.checksum, release.inputs_csv)
    if unit is not None:
        table = table[table["unit"] == unit]
    if period is not None:
        table = table[table["period"] == str(period)]
    labels = option_labels(release.definition.framework, lang)
    notes = {(n["unit"], str(n["period"]), n["indicator"]): n for n in release.notes or []}
    out = []
    for u, p, indicator, value in table[["unit", "period", "indicator", "value"]].to_numpy(str):
        note = notes.get((u, p, indicator), {})
        out.append(
            {
                "unit": u,
                "period": p,
                "indicator": indicator,
                "value": value,
                "answer": labels.get((indicator, value), ""),
                "justification": note.get("justification", ""),
                "sources": note.get("sources", []),
            }
        )
    return out
