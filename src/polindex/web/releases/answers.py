"""The values and answers a release was computed from (its frozen input table)."""

from __future__ import annotations

import functools
import io
from typing import Any

import pandas as pd

from polindex.web.explorer import frameworks
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


def option_labels(framework: dict[str, Any], lang: str | None = None) -> dict[tuple[str, str], str]:
    """(indicator, option code) → the option's label."""
    default = (framework.get("languages") or ["en"])[0]
    out = {}
    for item, _, _ in frameworks.walk(framework):
        for option in item.get("options") or ():
            text = option.get("label") or {}
            out[(item["code"], str(option["code"]))] = (
                text.get(lang or default) or text.get(default) or str(option["code"])
            )
    return out


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
    labels = option_labels(release.framework, lang)
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
