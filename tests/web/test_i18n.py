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
