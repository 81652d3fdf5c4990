"""Country reports: the page, the PDF (its text, pages, fonts and charts), the ZIP of all, the
admin's actions, and every bad address answered with a 404 — on the small release of
:mod:`.reports` (values checked by hand there)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from polindex.web.releases.models import Release
from polindex.web.reports import content, pdf, store
from polindex.web.reports.findings import draft_for
from polindex.web.reports.tasks import build_all

from .reports import mini_release

NOW = dt.datetime.now(dt.UTC)
FINDINGS = "# Findings\n\n* Germany moved most."


@pytest.fixture
def mini(db: None) -> Release:
    return mini_release(NOW - dt.timedelta(days=1), FINDINGS)


@pytest.fixture
def hidden(db: None) -> Release:
    return mini_release(NOW + dt.timedelta(days=3))


@pytest.fixture
def pdf_text(mini: Release) -> list[str]:
    data = pdf.pdf_of(content.build(mini, "de", "en"))
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _fonts(data: bytes) -> list[tuple[str, bool]]:
    """Each font of the PDF: its name and whether its file is embedded."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]), embedded))
    return found


def test_the_report_page_tells_the_whole_story(mini: Release, client: Client) -> None:
    page = client.get("/MINI/2024/de/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Germany</h1>" in html
    for text in (
        "<dd>75.0</dd>", "<dd>2 of 5</dd>", "<dd>Open</dd>", "+62.5",  # key figures
        "Rank 5 in 2023, 2 in 2024.",
        "<strong>Work permit</strong>: Quota → Open",  # why it changed, with its justification
        "The <strong>Skilled Immigration Act</strong> opened every job.",
        "Skilled Immigration Act, art. 18a (2024-03-01)",
        "<strong>Union membership</strong> <span class=\"area\">(Rights)</span>: No → Yes",
        "Already done by: France.", "<li>Canada (0.0)</li>", "Ranks best in: Access (1)",
        "<h3>Findings</h3>", "Mini team (2025). Mini index.", "CC BY 4.0",
        'href="/MINI/2024/de/report.pdf"', 'href="/MINI/2024/download/reports.zip"',
        'src="/MINI/2024/chart/areas/de/2024.svg"', 'src="/MINI/2024/chart/area-series/de.svg"',
    ):  # fmt: skip
        assert text in html, text
    assert "<script>alert" not in html  # a justification's HTML is cleaned


def test_the_profile_links_to_the_report(mini: Release, client: Client) -> None:
    html = client.get("/MINI/2024/de/").content.decode()
    assert 'href="/MINI/2024/de/report/"' in html
    assert 'href="/MINI/2024/de/report.pdf"' in html


def test_the_french_report(mini: Release, client: Client) -> None:
    html = client.get("/fr/MINI/2024/de/report/").content.decode()
    assert "<h1>Allemagne</h1>" in html
    assert "<dd>75,0</dd>" in html
    assert "<dd>Ouvert</dd>" in html
    assert "<strong>Permis de travail</strong>\u00a0: Quota → Ouvert" in html
    assert "Non → Oui" in html
    assert "<li>Canada (0,0)</li>" in html
    data = pdf.pdf_of(content.build(mini, "de", "fr"))
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Allemagne" in text
    assert "Mini-indice" in text
    assert "+62,5" in text


def test_the_pdf_says_what_the_page_says(pdf_text: list[str]) -> None:
    assert len(pdf_text) == 3
    first = pdf_text[0]
    for text in ("Germany", "Key figures", "75.0", "2 of 5", "+62.5 (better)"):
        assert text in first, text
    everything = "\n".join(pdf_text)
    for text in (
        "Work permit: Quota → Open (+50.0 (better))",
        "Skilled Immigration Act, art. 18a (2024-03-01) — https://example.org/fachkraefte",
        "Union membership (Rights): No → Yes; the index would change by +25.0.",
        "Canada (0.0)", "Mini team (2025). Mini index.", "Licence: CC BY 4.0.",
        "Germany moved most.", "1 / 3", "3 / 3",
    ):  # fmt: skip
        assert text in everything, text


def test_every_chart_is_drawn_in_the_pdf(pdf_text: list[str]) -> None:
    everything = "\n".join(pdf_text)
    # the areas chart: its axis (0 to 100 by tens), bars and band legend
    assert (
        "0\n10\n20\n30\n40\n50\n60\n70\n80\n90\n100\nScore\nAccess\nRights\nRestrictive Open"
        in (everything)
    )
    # the index and areas over time: the periods, the axis by twenties and the legend
    assert "2023\n2024\n0\n20\n40\n60\n80\n100\nScore\nMini index Access Rights" in everything


def test_every_letter_is_in_the_embedded_font(mini: Release) -> None:
    for lang in ("en", "fr"):
        data = pdf.pdf_of(content.build(mini, "de", lang))
        fonts = _fonts(data)
        assert fonts
        assert all(embedded for _name, embedded in fonts)
        # no fallback font: every glyph (the charts' included) came from Source Sans Pro
        assert {name.split("+", 1)[1] for name, _ in fonts} <= {
            "Source-Sans-Pro", "Source-Sans-Pro-Bold", "Source-Sans-Pro-Semi-Bold",
            "Source-Sans-Pro-Italic",
        }  # fmt: skip


def test_the_pdf_is_kept_and_revalidated(mini: Release, client: Client) -> None:
    first = client.get("/MINI/2024/de/report.pdf")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    body = b"".join(first.streaming_content)
    assert body.startswith(b"%PDF-")
    assert 'filename="MINI-2024-de-en.pdf"' in first["Content-Disposition"]
    again = client.get("/MINI/2024/de/report.pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    french = client.get("/fr/MINI/2024/de/report.pdf")
    assert french["ETag"] != first["ETag"]
    assert store.pdf_file(mini, "de", "en").read_bytes() == body


def test_the_zip_holds_every_report(mini: Release, client: Client) -> None:
    # tasks run at once in the tests: a visitor never waits for the ZIP to be made
    waiting = client.get("/MINI/2024/download/reports.zip")
    assert waiting.status_code == 202
    assert "has not been made yet" in waiting.content.decode()
    assert not store.zip_ready(mini, "en")
    build_all(mini, ["en"], workers=0)
    answer = client.get("/MINI/2024/download/reports.zip")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content))) as z:
        names = z.namelist()
        assert names == [f"MINI-2024-{u}-en.pdf" for u in ("at", "ca", "de", "er", "fr", "us")]
        assert z.read("MINI-2024-de-en.pdf") == store.pdf_file(mini, "de", "en").read_bytes()


def test_the_zip_waits_for_its_task(mini: Release, client: Client, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    answer = client.get("/MINI/2024/download/reports.zip")
    assert answer.status_code == 202
    assert answer["Retry-After"] == "120"
    assert "The country reports are being prepared" in answer.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/MINI/2024/zz/report/",
        "/MINI/2024/zz/report.pdf",
        "/MINI/1999/de/report/",
        "/NONE/2024/de/report.pdf",
        "/NONE/2024/download/reports.zip",
        "/fr/MINI/2024/%3Cscript%3E/report/",
    ],
)
def test_bad_addresses_are_404(mini: Release, client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_embargoed_reports_are_hidden(
    hidden: Release, client: Client, django_user_model: Any
) -> None:
    for path in ("/MINI/2024/de/report/", "/MINI/2024/de/report.pdf",
                 "/MINI/2024/download/reports.zip"):  # fmt: skip
        assert client.get(path).status_code == 404
    insider = django_user_model.objects.create_user("insider", password="pw-insider-1")
    insider.user_permissions.add(Permission.objects.get(codename="view_embargoed"))
    client.force_login(insider)
    page = client.get("/MINI/2024/de/report/")
    assert page.status_code == 200
    assert "Under embargo" in page.content.decode()
    kept = client.get("/MINI/2024/de/report.pdf")
    assert kept.status_code == 200
    assert kept["Cache-Control"] == "private, no-store"


def test_a_release_without_scores_has_no_reports(mini: Release, client: Client) -> None:
    empty = Release.objects.create(
        index=mini.index, version="empty", publish_at=mini.publish_at, framework=mini.framework,
        spec=mini.spec, checksum="0" * 64,
    )  # fmt: skip
    assert client.get("/MINI/empty/download/reports.zip").status_code == 404
    assert client.get("/MINI/empty/de/report/").status_code == 404
    assert store.units_of(empty) == []


def test_the_admin_drafts_key_findings_and_builds_reports(
    hidden: Release, admin_client: Client
) -> None:
    url = "/admin/releases/release/"
    answer = admin_client.post(
        url, {"action": "draft_key_findings", "_selected_action": [hidden.pk]}, follow=True
    )
    assert "key findings drafted from the scores" in answer.content.decode()
    hidden.refresh_from_db()
    assert hidden.key_findings == draft_for(hidden)
    assert (
        "* **Germany** improved by +62.5 (12.5 → 75.0, rank 5 → 2): by area Access +75.0, "
        "Rights +50.0; 3 indicators changed." in hidden.key_findings
    )
    assert hidden.key_findings_translations == {"fr": draft_for(hidden, "fr")}  # both drafted
    assert (
        "* **Allemagne** progresse de +62,5 (12,5 → 75,0, rang 5 → 2)\u00a0: par domaine "
        "Accès +75,0, Droits +50,0\u202f; 3 indicateurs modifiés."
    ) in hidden.key_findings_translations["fr"]
    again = admin_client.post(
        url, {"action": "draft_key_findings", "_selected_action": [hidden.pk]}, follow=True
    )
    assert "has key findings already" in again.content.decode()  # the team's text stays
    built = admin_client.post(
        url, {"action": "build_reports", "_selected_action": [hidden.pk]}, follow=True
    )
    assert "12 country reports made" in built.content.decode()  # 6 units, 2 languages
    assert store.zip_ready(hidden, "en")
    assert store.zip_ready(hidden, "fr")


def test_published_findings_stay(mini: Release, admin_client: Client) -> None:
    answer = admin_client.post(
        "/admin/releases/release/",
        {"action": "draft_key_findings", "_selected_action": [mini.pk]},
        follow=True,
    )
    assert "is published: its findings stay" in answer.content.decode()
    mini.refresh_from_db()
    assert mini.key_findings == FINDINGS


@pytest.mark.sqlite_only  # typesetting and files; the reports' queries run in the tests above
def test_the_bake_holds_every_report(mini: Release, tmp_path: Path) -> None:
    from polindex.web.releases.bake import bake

    out = tmp_path / "site"
    written = bake(mini, out, "https://data.example.org")
    for lang in ("", "fr/"):
        assert (out / f"{lang}MINI/2024/de/report/index.html").exists()
        assert (out / f"{lang}MINI/2024/de/report.pdf").read_bytes().startswith(b"%PDF-")
        with zipfile.ZipFile(out / f"{lang}MINI/2024/download/reports.zip") as z:
            assert len(z.namelist()) == 6
    assert "/MINI/2024/us/report.pdf" in written


def test_a_built_index_report_recommends_values(
    client: Client, db: None, robust_files: tuple[Path, Path]
) -> None:
    """A build's report ranks one value at a time by rebuilding it (decision 049): AT's a1 to
    NL's 80 gains 24.75, the most (hand-checked in tests/analysis/test_rebuilt.py)."""
    import polindex
    from polindex.web.releases.publish import publish_release

    framework, data = robust_files
    publish_release(polindex.load_index(framework), data, version="b")
    html = client.get("/T/b/AT/report/").content.decode()
    assert "each moved to the best rate any country shows and the index rebuilt" in html
    assert "<strong>a1</strong>" in html
    assert "+24.8" in html or "+24.75" in html
    assert "the index rebuilt by its pipeline" in html
