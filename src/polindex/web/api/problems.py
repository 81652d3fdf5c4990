"""The error body the dialogue and outcome routes answer with: one ``Problem`` schema, shared,
so the OpenAPI document's ``Problem`` component has one definition."""

from __future__ import annotations

from typing import Any

from ninja import Schema


# What went wrong: a sentence, or (422, a parameter the addresses refuse, such as one holding a
# control character) a list of the invalid parameters with ``loc`` and ``msg``. (A comment, not
# a docstring: ninja would publish a docstring as the component's description.)
class Problem(Schema):
    detail: str | list[dict[str, Any]]


PROBLEMS: dict[int, type[Schema]] = {404: Problem, 422: Problem}
"""The errors a route that takes a release and parameters may answer, documented."""

__all__ = ["PROBLEMS", "Problem"]
