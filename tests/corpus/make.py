"""The files of the malformed-input corpus that are not plain text, made when the corpus is
replayed (``tests/corpus/test_corpus.py``) or by hand: ``python tests/corpus/make.py FOLDER``
writes the whole corpus to FOLDER.

The text files (YAML, CSV) are kept beside this script; what cannot be typed is made here,
byte for byte the same on every run: text in other encodings, NUL bytes, noise, and XLSX
workbooks assembled from their XML parts, so that a sheet can hold what no spreadsheet program
writes (two million empty rows, a lying dimension, a value in column XFD, an entity bomb).
"""

from __future__ import annotations

import io
import random
import sys
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

# The offline questionnaire's columns (polindex.web.collection.workbook.COLUMNS)
SOURCE_PARTS = ("instrument", "article", "url", "in force")
QUESTIONNAIRE = [
    "indicator", "question", "previous answer", "previous justification", "answer",
    "not applicable because", "justification",
    *[f"source {k} {part}" for k in (1, 2, 3) for part in SOURCE_PARTS],
    "confidence", "version",
]  # fmt: skip


def column(n: int) -> str:
    """Spreadsheet column letters of column ``n`` (1-based): 1 → A, 16384 → XFD."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def row(number: int, values: Sequence[object]) -> str:
    """A ``<row>`` of values: numbers as numbers, anything else as inline text."""
    cells = []
    for k, value in enumerate(values, start=1):
        ref = f"{column(k)}{number}"
        if value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            text = escape(str(value))
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def rows(values: Iterable[Sequence[object]]) -> str:
    """Rows 1, 2, … of ``values``."""
    return "".join(row(n, v) for n, v in enumerate(values, start=1))


def xlsx(sheets: dict[str, str], *, dimension: str = "A1", prologue: str = "") -> bytes:
    """A workbook whose sheets (name → the XML inside ``<sheetData>``) are written as given;
    ``prologue`` goes before the sheet's root element (a DTD, say)."""
    names = list(sheets)
    book_sheets = "".join(
        f'<sheet name="{escape(n)}" sheetId="{k}" r:id="rId{k}"/>'
        for k, n in enumerate(names, start=1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="{SHEET_TYPE}"/>'
                for k in range(1, len(names) + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f"<sheets>{book_sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            + "".join(
                f'<Relationship Id="rId{k}" Type="{RELS}/worksheet" '
                f'Target="worksheets/sheet{k}.xml"/>'
                for k in range(1, len(names) + 1)
            )
            + "</Relationships>"
        ),
    }
    for k, name in enumerate(names, start=1):
        parts[f"xl/worksheets/sheet{k}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>{prologue}<worksheet xmlns="{MAIN}">'
            f'<dimension ref="{dimension}"/><sheetData>{sheets[name]}</sheetData></worksheet>'
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def empty_rows_bomb(n: int = 2_000_000) -> bytes:
    """One header row, then ``n`` empty rows: 22 kB for two million (issue 13's 290 kB
    workbook held an expert upload for 96 s and 300 MB)."""
    return xlsx({"Questionnaire": rows([QUESTIONNAIRE]) + "<row/>" * n},
                dimension=f"A1:XFD{n + 1}")  # fmt: skip


def numbered_empty_rows(n: int) -> bytes:
    """``n`` empty rows each with its number: they compress 7 to 1, not as a ZIP bomb."""
    header = rows([QUESTIONNAIRE])
    return xlsx({"Questionnaire": header + "".join(f'<row r="{k}"/>' for k in range(2, n + 2))})


def questionnaire(*answers: Sequence[object], header: Sequence[str] = QUESTIONNAIRE) -> bytes:
    """An offline questionnaire of the demo edition with rows ``answers``."""
    return xlsx({"Questionnaire": rows([header, *answers])})


def answer_row(indicator: str, answer: str, **cells: object) -> list[object]:
    """A questionnaire row answering ``indicator``; ``cells`` by column name, with ``_`` for
    spaces (version 1: the answer as the edition opened it)."""
    values: dict[str, object] = {"indicator": indicator, "answer": answer, "version": 1}
    values |= {k.replace("_", " "): v for k, v in cells.items()}
    return [values.get(c) for c in QUESTIONNAIRE]


def zip_version(data: bytes, version: int = 64) -> bytes:
    """``data`` (a ZIP archive) with every central-directory entry asking for ZIP ``version``
    (64: 6.4, past what Python's zipfile reads)."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        out[at + 6 : at + 8] = version.to_bytes(2, "little")
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


ENTITY_BOMB = (
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(8))
    + "]>"
)
"""A DTD whose last entity expands to 10⁹ characters ("billion laughs" in a sheet)."""


def binaries() -> dict[str, bytes]:
    """Every generated file of the corpus, by its path under ``tests/corpus``."""
    rng = random.Random(13)
    noise = bytes(rng.randrange(256) for _ in range(2048))
    tiny = rows([["unit", "period", "q1", "q2"], ["AA", 2024, "yes", "no"]])
    return {
        # frameworks that are not UTF-8 YAML text
        "frameworks/utf16.yaml": "code: T\nname: T\n".encode("utf-16"),
        "frameworks/latin1.yaml": "code: T\nname: Marché du travail\n".encode("latin-1"),
        "frameworks/nul.yaml": b"code: T\x00\nname: T\n",
        "frameworks/random.yaml": noise,
        "frameworks/deep-nesting.yaml": f"code: D\nindicators: {'[' * 150}{']' * 150}\n".encode(),
        # data files
        "data/latin1.csv": "unit,period,q1,q2\nMarché,2024,yes,no\n".encode("latin-1"),
        "data/utf16.csv": "unit,period,q1,q2\nAA,2024,yes,no\n".encode("utf-16"),
        "data/random.csv": noise,
        "data/nul.csv": b"unit,period,q1,q2\nAT\x00,2024,yes,no\n",
        "data/control-character-unit.csv": b"unit,period,q1,q2\nEvil\x01Land,2024,yes,no\n",
        "data/random.xlsx": noise,
        "data/zip-version-6.4.xlsx": zip_version(xlsx({"data": tiny})),
        "data/bomb.xlsx": xlsx({"data": tiny + "<row/>" * 2_000_000}),
        "data/empty-rows.xlsx": xlsx(
            {"data": tiny + "".join(f'<row r="{k}"/>' for k in range(3, 110_003))}
        ),
        "data/far-column.xlsx": xlsx({"data": tiny + '<row r="3"><c r="XFD3"><v>1</v></c></row>'}),
        "data/entity-bomb.xlsx": xlsx({"data": tiny}, prologue=ENTITY_BOMB),
        # offline questionnaires (the demo edition's, for AT)
        "workbooks/bomb.xlsx": empty_rows_bomb(),
        "workbooks/empty-rows.xlsx": numbered_empty_rows(60_000),
        "workbooks/far-row.xlsx": xlsx(
            {"Questionnaire": rows([QUESTIONNAIRE]) + row(1_048_576, ["LMM1"])},
            dimension="A1:XFD1048576",
        ),
        "workbooks/far-column.xlsx": xlsx(
            {"Questionnaire": rows([QUESTIONNAIRE]) + '<row r="2"><c r="XFD2"><v>1</v></c></row>'}
        ),
        "workbooks/random.xlsx": noise,
        "workbooks/zip-version-6.4.xlsx": zip_version(questionnaire(answer_row("LMM1", "a"))),
        "workbooks/entity-bomb.xlsx": xlsx(
            {"Questionnaire": rows([QUESTIONNAIRE])}, prologue=ENTITY_BOMB
        ),
        "workbooks/no-questionnaire.xlsx": xlsx({"Sheet1": rows([QUESTIONNAIRE])}),
        "workbooks/wrong-header.xlsx": questionnaire(header=["code", "answer"]),
        "workbooks/version-1e400.xlsx": questionnaire(answer_row("LMM1", "a", version="1e400")),
        "workbooks/version-negative.xlsx": questionnaire(answer_row("LMM1", "a", version=-3)),
        "workbooks/version-text.xlsx": questionnaire(answer_row("LMM1", "a", version="abc")),
        "workbooks/hyperlink-option.xlsx": questionnaire(
            answer_row("LMM1", '=HYPERLINK("http://evil.example","Click")')
        ),
        "workbooks/confidence-formula.xlsx": questionnaire(
            answer_row("LMM1", "a", confidence="=1+1")
        ),
        "workbooks/date-2024-02-30.xlsx": questionnaire(
            answer_row("LMM1", "a", source_1_instrument="Act", source_1_in_force="2024-02-30")
        ),
        "workbooks/unknown-question.xlsx": questionnaire(answer_row("ZZZ9", "a")),
        "workbooks/broken-xml.xlsx": questionnaire(answer_row("LMM1", "a\x01b")),
    }


def cases(kind: str) -> list[dict[str, str]]:
    """The cases of ``kind`` (frameworks, data, workbooks, versions) in ``expected.toml``."""
    with (HERE / "expected.toml").open("rb") as manifest:
        found: list[dict[str, str]] = tomllib.load(manifest)[kind]
    return found


def expected(case: dict[str, str], reader: str) -> str:
    """What ``reader`` (cli, release, edition, upload) must say of ``case``."""
    return case.get(reader, case["message"])


def case_id(case: dict[str, str]) -> str:
    """A test id: the file's name, or the version."""
    return case["file"].rsplit("/", 1)[-1] if "file" in case else repr(case["version"])


def write(folder: Path) -> Path:
    """The whole corpus in ``folder``: the files kept beside this script and those it makes."""
    for path in HERE.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".csv", ".toml"):
            target = folder / path.relative_to(HERE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    for name, content in binaries().items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return folder


def main() -> None:
    """``python tests/corpus/make.py FOLDER`` writes the corpus there, to replay by hand."""
    folder = write(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus"))
    print(f"{sum(1 for p in folder.rglob('*') if p.is_file())} files in {folder}")


if __name__ == "__main__":
    main()
