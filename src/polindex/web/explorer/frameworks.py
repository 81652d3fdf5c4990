"""Reading a release's stored framework (JSON of the framework model) for pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(framework: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, int]]:
    """Every node and indicator of the stored framework: (item, parent code, depth), pre-order."""
    stack: list[tuple[dict[str, Any], str, int]] = [(framework["root"], "", 0)]
    while stack:
        item, parent, depth = stack.pop()
        yield item, parent, depth
        for child in reversed(item.get("children", ())):
            stack.append((child, item["code"], depth + 1))


def labels(framework: dict[str, Any], lang: str | None = None) -> dict[str, str]:
    """Each code's label in ``lang`` (falling back to the framework's first language, then the
    code)."""
    default = (framework.get("languages") or ["en"])[0]
    out = {}
    for item, _, _ in walk(framework):
        text = item.get("label") or {}
        out[item["code"]] = text.get(lang or default) or text.get(default) or item["code"]
    name = framework.get("name") or {}
    out[framework["root"]["code"]] = (
        name.get(lang or default)
        or name.get(default)
        or out.get(framework["root"]["code"], framework["code"])
    )
    return out


def groups(framework: dict[str, Any]) -> list[dict[str, Any]]:
    """The groups below the root (areas, dimensions, …), in document order."""
    return [item for item, parent, _ in walk(framework) if parent and "type" not in item]
