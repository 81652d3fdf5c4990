"""docs/framework-format.md cannot rot: its examples are checked against the real loader."""

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from polindex.framework import (
    Applicability,
    Band,
    Framework,
    FrameworkError,
    Indicator,
    Level,
    Node,
    Option,
    Scale,
    check_framework_text,
    load_framework,
)
from polindex.framework.models import (
    Approach,
    ApproachRule,
    Definition,
    Display,
    Guidance,
    UnitDeclaration,
)

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "framework-format.md"
MINI = Path(__file__).parent / "data" / "mini.yaml"


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def block_after(marker: str, lang: str) -> str:
    """The fenced ``lang`` block that directly follows the HTML comment ``marker``."""
    pattern = rf"<!-- {re.escape(marker)} -->\n```{lang}\n(.*?)^```$"
    found = re.findall(pattern, doc_text(), flags=re.DOTALL | re.MULTILINE)
    assert len(found) == 1, f"expected one block after <!-- {marker} -->"
    return str(found[0])


def test_the_complete_example_is_the_data_file() -> None:
    assert block_after("example: tests/framework/data/mini.yaml", "yaml") == MINI.read_text(
        encoding="utf-8"
    )


def test_the_complete_example_has_no_problems() -> None:
    assert check_framework_text(MINI.read_text(encoding="utf-8")) == []


def test_the_complete_example_is_what_the_doc_describes() -> None:
    fw = load_framework(MINI)
    assert fw.code == "MINI"
    assert fw.languages == ("en", "fr")
    assert [(lv.code, lv.plural) for lv in fw.levels] == [
        ("area", "areas"),
        ("dimension", "dimensions"),
    ]
    # 2 areas × 2 dimensions, 2–3 indicators each
    assert [(n.code, n.level, len(n.children)) for n in fw.nodes] == [
        ("MINI", "index", 2),
        ("LMM", "area", 2),
        ("LMM_access", "dimension", 2),
        ("LMM_support", "dimension", 2),
        ("NAT", "area", 2),
        ("NAT_elig", "dimension", 3),
        ("NAT_dual", "dimension", 2),
    ]
    assert [(i.code, i.type) for i in fw.indicators] == [
        ("L1", "categorical"),
        ("L2", "categorical"),
        ("L3", "boolean"),
        ("L4", "numeric"),
        ("N1", "categorical"),
        ("N2", "categorical"),
        ("N3", "categorical"),
        ("N4", "categorical"),
        ("N5", "categorical"),
    ]
    for ind in fw.indicators:
        assert set(ind.label) == {"en", "fr"}, ind.code
        if ind.type == "categorical":
            assert [o.score for o in ind.options] == [100, 50, 0]
            assert all(set(o.label) == {"en", "fr"} for o in ind.options)
    l4 = fw.find("L4")
    assert isinstance(l4, Indicator)
    assert (l4.unit, l4.bounds, l4.goalposts, l4.direction) == ("months", (0, 120), (0, 24), -1)
    n3 = fw.find("N3")
    assert isinstance(n3, Indicator)
    assert n3.applicable_if is not None
    assert (n3.applicable_if.indicator, n3.applicable_if.not_in) == ("N2", ("c",))
    assert fw.find("N5").weight == 0.5
    assert all((n.aggregation, n.min_coverage) == ("arithmetic", 0.5) for n in fw.nodes)
    # MIPEX's six bands
    assert sorted((b.min, b.code) for b in fw.bands) == [
        (0, "critically_unfavourable"),
        (1, "unfavourable"),
        (21, "slightly_unfavourable"),
        (41, "halfway_favourable"),
        (60, "slightly_favourable"),
        (80, "favourable"),
    ]
    assert all(set(b.label) == {"en", "fr"} for b in fw.bands)


@pytest.mark.parametrize(
    ("score", "band"),
    [(60, "Slightly favourable"), (59.9, "Halfway favourable"), (0.5, "Critically unfavourable")],
)
def test_the_band_examples_in_the_doc(score: float, band: str) -> None:
    fw = load_framework(MINI)
    found = fw.band_for(score)
    assert found is not None
    assert fw.label(found) == band
    assert f"{score:g} is *{band.lower()}*" in " ".join(doc_text().split())


def test_the_validate_sample_output_is_what_polindex_reports() -> None:
    broken = block_after("validate-sample: broken.yaml", "yaml")
    output = block_after("validate-output", "text").splitlines()
    assert output[0] == "$ polindex validate broken.yaml"
    problems = check_framework_text(broken, "broken.yaml")
    assert str(FrameworkError(problems, "broken.yaml")).splitlines() == output[1:]


def test_every_yaml_block_in_the_doc_is_valid_yaml() -> None:
    blocks = re.findall(r"^```yaml\n(.*?)^```$", doc_text(), flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) >= 6
    for block in blocks:
        assert yaml.safe_load(block) is not None


def test_the_smallest_framework_in_the_doc_is_valid() -> None:
    first = re.search(r"^```yaml\n(.*?)^```$", doc_text(), flags=re.DOTALL | re.MULTILINE)
    assert first is not None
    assert check_framework_text(first.group(1)) == []


@pytest.mark.parametrize(
    "model",
    [
        Framework,
        Scale,
        Band,
        Level,
        Node,
        Indicator,
        Option,
        Applicability,
        UnitDeclaration,
        Display,
        Approach,
        ApproachRule,
        Guidance,
        Definition,
    ],
)
def test_every_key_is_documented(model: type[BaseModel]) -> None:
    internal = {"root", "level", "children"}  # set by the loader, not written as keys
    text = doc_text()
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in internal:
            assert f"`{key}`" in text, f"{model.__name__}.{key} is not documented"
