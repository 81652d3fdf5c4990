"""The index definition: pydantic models, YAML loading and validation with exact paths."""

from polindex.framework.plugins import without_pydantic_plugins

with without_pydantic_plugins():  # the models' validators are built here (decision 068)
    from polindex.framework.definition import IndexDefinition, load_framework, load_index
from polindex.framework.loader import check_framework_text
from polindex.framework.models import (
    Applicability,
    Band,
    Display,
    Framework,
    Indicator,
    Level,
    Node,
    Option,
    Scale,
    UnitDeclaration,
)
from polindex.framework.problems import FrameworkError, Problem
from polindex.framework.units import Unit, UnitTable, resolve_units

__all__ = [
    "Applicability",
    "Band",
    "Display",
    "Framework",
    "FrameworkError",
    "IndexDefinition",
    "Indicator",
    "Level",
    "Node",
    "Option",
    "Problem",
    "Scale",
    "Unit",
    "UnitDeclaration",
    "UnitTable",
    "check_framework_text",
    "load_framework",
    "load_index",
    "resolve_units",
]
