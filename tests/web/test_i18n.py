"""English and French: every page string comes from the catalogue."""

from __future__ import annotations

from django.test import Client

from polindex.web.releases.models import Release


def test_french_pages(client: Client, published: Release) -> None:
    body = client.get("/TOY/2024.1/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in body
    for text in ("Classement", "Rang", "Pays", "Télécharger", "Comment citer", "Comparer des pays"):
        assert text in body, text
    english = client.get("/TOY/2024.1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
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
    import re
    from pathlib import Path

    import polindex.web

    web = Path(polindex.web.__file__).parent
    po = (web / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    known = {
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m))
        for m in re.findall(r"^msgid (.*?)(?=^msgstr)", po, re.S | re.M)
    }
    used = set()
    for page in web.rglob("*.html"):
        used |= set(re.findall(r'{% translate "([^"]+)"', page.read_text(encoding="utf-8")))
    for module in web.rglob("*.py"):
        used |= set(re.findall(r'\b_\(\s*"([^"]+)"', module.read_text(encoding="utf-8")))
    assert len(used) > 80
    assert sorted(used - known) == []
