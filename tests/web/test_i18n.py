"""English and French: every page string comes from the catalogue."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

from polindex.web.releases.models import Release


def test_french_pages(client: Client, published: Release) -> None:
    body = client.get("/fr/TOY/2024.1/").content.decode()
    assert '<html lang="fr">' in body
    for text in ("Classement", "Rang", "Pays", "Télécharger", "Comment citer", "Comparer des pays"):
        assert text in body, text
    # the address says the language: a French browser on the English address reads English
    english = client.get("/TOY/2024.1/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in english
    assert "Ranking" in english
    assert "Classement" not in english


def test_every_french_message_is_translated() -> None:
    from pathlib import Path

    import polindex.web

    po = Path(polindex.web.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""')]
    assert untranslated == []
    assert 'msgid "Skip to content"\nmsgstr "Aller au contenu"' in text  # the first entry too
    assert "fuzzy" not in text
    assert po.with_suffix(".mo").stat().st_mtime >= po.stat().st_mtime - 1


def test_the_catalogue_holds_every_string_of_the_templates_and_code() -> None:
    """No UI string is missing from the French catalogue (run `django-admin makemessages -l fr`
    in src/polindex/web after adding one)."""
    import ast
    import re
    from pathlib import Path

    import polindex.web

    web = Path(polindex.web.__file__).parent
    po = (web / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")

    def unescaped(text: str) -> str:
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)

    known = {
        unescaped("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m)))
        for m in re.findall(r"^msgid (.*?)(?=^msgid_plural|^msgstr)", po, re.S | re.M)
    }
    used = set()
    for page in web.rglob("*.html"):
        used |= set(re.findall(r'{% translate "([^"]+)"', page.read_text(encoding="utf-8")))
    # every message given to gettext in the code, its pieces joined as Python joins them
    # (a message written over two lines is one msgid)
    gettexts = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
    for module in web.rglob("*.py"):
        if "migrations" in module.parts:
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in gettexts
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.add(node.args[0].value)
    assert len(used) > 80
    assert sorted(used - known) == []


BILINGUAL = """\
code: BI
name: {en: Bilingual, fr: Bilingue}
languages: [en, fr]
children:
  - code: ACC
    label: {en: Access, fr: Accès}
    indicators:
      - code: q1
        type: categorical
        question: {en: Can migrants work?, fr: Les migrants peuvent-ils travailler ?}
        options:
          - {code: a, score: 100, label: {en: "Yes", fr: Oui}}
          - {code: b, score: 0, label: {en: "No"}}
"""


def test_the_workspace_speaks_the_request_s_language(tmp_path: Path, db: None) -> None:
    # regression: the workspace walked the framework JSON by hand and showed English only
    import datetime as dt
    import io

    from django.contrib.auth import get_user_model
    from openpyxl import load_workbook

    from polindex.web.collection.editions import create_edition
    from polindex.web.collection.models import Assignment

    (tmp_path / "bi.yaml").write_text(BILINGUAL, encoding="utf-8")
    edition = create_edition(
        tmp_path / "bi.yaml", code="bi-1", name="Bi", reference_date=dt.date(2025, 1, 1),
        period="2025", units=["AT"],
    )  # fmt: skip
    expert = get_user_model().objects.create_user("expert-bi", password="pw-expert-bi-1")
    Assignment.objects.create(
        edition=edition, user=expert, role="expert", unit="AT", accepted_at=dt.datetime.now(dt.UTC)
    )
    client = Client()
    client.force_login(expert)
    french = client.get("/work/bi-1/AT/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Accès" in french
    assert "Les migrants peuvent-ils travailler ?" in french
    answer = client.get("/work/bi-1/AT/q1/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<strong>Les migrants peuvent-ils travailler ?</strong>" in answer
    assert "<strong>a</strong> (100) — Oui</span></label>" in answer  # a score, not "100,0"
    assert "— No</span></label>" in answer  # no French label: the index's first language
    english = client.get("/work/bi-1/AT/q1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>Can migrants work?</strong>" in english
    book = client.get("/work/bi-1/AT/questionnaire.xlsx", HTTP_ACCEPT_LANGUAGE="fr")
    options = load_workbook(io.BytesIO(book.content))["Options"]
    assert [c.value for c in options[2]] == ["q1", "a", 100, "Oui"]
