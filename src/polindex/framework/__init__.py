"""The index definition: pydantic models, YAML loading and validation with exact paths."""

from polindex.framework.definition import IndexDefinition, load_framework, load_index
from polindex.framework.loader import check_framework_text
from polindex.framework.models import (
    Applicability,
    Band,
    Framework,
    Indicator,
    Level,
    Node,
    Option,
    Scale,
)
from polindex.framework.problems import FrameworkError, Problem

__all__ = [
    "Applicability",
    "Band",
    "Framework",
    "FrameworkError",
    "IndexDefinition",
    "Indicator",
    "Level",
    "Node",
    "Option",
    "Problem",
    "Scale",
    "check_framework_text",
    "load_framework",
    "load_index",
]
