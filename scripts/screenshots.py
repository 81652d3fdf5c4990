"""``make screenshots``: every page kind of the demo site at 390 and 1366 px (the workspace's
and the sign-in page also at 768 px), in English and French, written to ``var/screenshots/``
(PNG, full page) for a person to look at.

It builds the demo (``polindex demo --publish``) into a fresh SQLite database under
``var/screenshots/``, serves it with ``polindex serve`` on a free port and drives Debian's
Chromium (``/usr/bin/chromium``) with Playwright. Public pages are shot as a visitor; the
workspace pages as the demo's expert, reviewer and central team. Pages that scroll sideways are
listed at the end (they are a bug). Nothing is asserted: the browser tests do that.

    make screenshots            # or: .venv/bin/python scripts/screenshots.py [--only unit]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "screenshots"
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
WIDTHS = (390, 1366)
WORKSPACE_WIDTHS = (390, 768, 1366)
"""The workspace and its sign-in page are also shot at a tablet's width."""
LANGUAGES = ("en", "fr")
PASSWORD = "polindex-demo"

# (name, path) of every public page kind, on the demo's releases
PUBLIC = [
    ("home", "/"),
    ("release-impic", "/ImmPol/2016/"),
    ("release-asem", "/Index/2018/"),
    ("release-synthetic", "/SYNTH/demo/"),
    ("compare", "/ImmPol/2016/compare/?u=de&u=fr&u=se"),
    ("methodology", "/ImmPol/2016/methodology/"),
    ("robustness", "/Index/2018/robustness/"),
    ("node-asem", "/Index/2018/node/Conn/"),
    ("node-area", "/ImmPol/2016/node/Reg_A/"),
    ("node-indicator", "/ImmPol/2016/node/a01/"),
    ("unit-country", "/ImmPol/2016/de/"),
    ("unit-eu-level", "/ImmPol/2016/er/"),
    ("unit-asem", "/Index/2018/DEU/"),
    ("report-synthetic", "/SYNTH/demo/Synthetic-A/report/"),
    ("report-impic", "/ImmPol/2016/de/report/"),
    ("report-asem", "/Index/2018/DEU/report/"),
    ("whatif-choose", "/SYNTH/demo/what-if/"),
    ("whatif-synthetic", "/SYNTH/demo/what-if/Synthetic-C/?W1=a&W4=7.2"),
    ("whatif-errors", "/SYNTH/demo/what-if/Synthetic-C/?W1=zzz&W4=500"),
    ("whatif-impic", "/ImmPol/2016/what-if/de/"),
    ("whatif-asem", "/Index/2018/what-if/DEU/?Flights=300"),
    ("whatif-asem-interval", "/Index/2018/what-if/DEU/?Flights=300&interval=1"),
    ("goal-synthetic", "/SYNTH/demo/goal/Synthetic-C/?node=SYNTH&band=favourable"),
    ("goal-rank", "/SYNTH/demo/goal/Synthetic-C/?node=WORK&rank=1"),
    ("goal-asem", "/Index/2018/goal/DEU/?band=x"),
    ("goal-asem-score", "/Index/2018/goal/DEU/?node=Conn&rank=3"),
    ("recommendations-asem", "/Index/2018/recommendations/DEU/"),
    ("recommendations", "/SYNTH/demo/recommendations/Synthetic-B/"),
    ("recommendations-impic", "/ImmPol/2016/recommendations/de/?area=Reg_B"),
    ("typology", "/SYNTH/demo/typology/"),
    ("typology-impic", "/ImmPol/2016/typology/?method=kmeans"),
    ("search", "/search/?q=Allemagne"),
    ("embed", "/ImmPol/2016/chart/ranking/ImmPol/2010.html"),
    ("weights-asem", "/Index/2018/weights/?level=sub_index&w.Conn=5&w.Sust=1"),
    ("weights-pillars", "/Index/2018/weights/?level=pillar&w.Physical=0&w.Political=5"),
    ("weights-synthetic", "/SYNTH/demo/weights/?w.WORK=5&w.FAMILY=0"),
    ("weights-error", "/SYNTH/demo/weights/?w.WORK=9&w.FAMILY=x"),
    ("compare-with-backcast", "/SYNTH/demo/compare-with/2022/"),
    ("compare-with-choose", "/ImmPol/2016/compare-with/"),
    ("not-found", "/no-such-page/"),
    ("api-docs", "/api/v1/docs"),
    ("sign-in", "/accounts/login/"),
    # suggest a correction (polindex.web.feedback), on the demo's MIPEX-style release
    ("feedback-unit", "/MIPEXDEMO/demo-previous/AT/"),
    ("node-mipex-area", "/MIPEXDEMO/demo-previous/node/LMM/"),
    ("node-mipex-indicator", "/MIPEXDEMO/demo-previous/node/LMM1/"),
    ("feedback-form", "/MIPEXDEMO/demo-previous/feedback/?unit=AT&node=LMM1"),
    ("feedback-thanks", "/MIPEXDEMO/demo-previous/feedback/thanks/?unit=AT&node=LMM1"),
    # the MIPEX-style release scored from the demo's earlier edition, and its credits
    ("release-mipex", "/MIPEXDEMO/demo-previous/"),
    ("credits", "/MIPEXDEMO/demo-previous/credits/"),
    ("outcomes", "/SYNTH/demo/outcomes/"),
    ("outcomes-area", "/SYNTH/demo/outcomes/?node=WORK&period=2019"),
]
# (name, path) of the country reports' PDFs, each rendered to PNG pages with pdftoppm
PDFS = [
    ("report-pdf-synthetic", "/SYNTH/demo/Synthetic-A/report.pdf"),
    ("report-pdf-impic", "/fr/ImmPol/2016/de/report.pdf"),
    ("report-pdf-asem", "/Index/2018/DEU/report.pdf"),
]
# (name, path) of forms shot after sending them empty: their messages tied to the fields
SENT_EMPTY = [("feedback-errors", "/MIPEXDEMO/demo-previous/feedback/?unit=AT")]
# (account, name, path) of the workspace pages, each as the person who uses it
WORKSPACE = [
    ("expert-at", "work-dashboard", "/work/"),
    ("expert-at", "work-country", "/work/mipex-style-demo/AT/"),
    ("expert-at", "work-answer", None),  # the first question of AT, found on the country page
    ("expert-at", "work-answer-guidance", "/work/mipex-style-demo/AT/LMM1/"),  # notes opened
    ("expert-at", "work-upload", "/work/mipex-style-demo/AT/upload/"),
    ("reviewer-be", "work-review", "/work/mipex-style-demo/BE/read/"),
    ("reviewer-be", "work-reviewer-country", "/work/mipex-style-demo/BE/"),
    ("reviewer-be", "work-step-preview", "/work/mipex-style-demo/BE/steps/agree/"),
    ("central", "work-central", "/work/"),
    ("central", "work-score", "/work/mipex-style-demo/score/"),
    ("central", "work-score-errors", "/work/mipex-style-demo/score/?preview=1&version=a/b"),
    ("central", "admin-index", "/admin/"),
    ("central", "work-people", "/work/people/"),
    ("central", "work-invite", "/work/mipex-style-demo/invite/"),
    ("central", "work-central-progress", "/work/mipex-style-demo/progress/"),
    ("central", "work-central-assign", "/work/mipex-style-demo/assign/?unit=DE&role=expert"),
    ("central", "work-central-remind", "remind"),  # the first person's, from the progress page
    ("central", "admin-feedback-queue", "/admin/feedback/suggestion/"),
    ("central", "admin-feedback-suggestion", "/admin/feedback/suggestion/1/change/"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_server() -> Iterator[str]:
    """The demo site, built afresh under var/screenshots, served until the block ends."""
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{OUT / 'demo.sqlite3'}",
        "POLINDEX_LOCAL_HTTP": "1",
        "POLINDEX_VAR_DIR": str(OUT / "var"),
    }
    print("Building the demo site (polindex demo --publish) ...", flush=True)
    subprocess.run(
        [str(BIN / "polindex"), "demo", "--out", str(OUT / "demo"), "--publish"],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "polindex"), "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def pdf_pages(url: str, name: str) -> None:
    """Fetch a PDF and render its pages to PNG at 60 dpi (``NAME-1.png``, …) to look at."""
    import urllib.request

    target = OUT / f"{name}.pdf"
    with urllib.request.urlopen(url, timeout=120) as answer:  # our own demo server
        target.write_bytes(answer.read())
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(target), str(OUT / name)], check=True)
    print(f"{name}: {target}", flush=True)


def localised(base: str, path: str, language: str, page: Page) -> str:
    """The address of ``path`` in ``language``: the /fr/ prefix where the site has one."""
    if language == "en":
        return base + path
    probe = page.request.get(f"{base}/{language}/", max_redirects=0)
    if probe.status == 200 and not path.startswith(("/api/", "/work/", "/accounts/")):
        return f"{base}/{language}{path}"
    return base + path


def shoot(
    page: Page, url: str, name: str, width: int, language: str, wide: list[str], send: bool = False
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    if send:  # the page's form sent as it is
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        response = None
    if name.endswith("-guidance"):  # a question's guidance notes, opened
        page.click("details.guidance > summary")
    status = response.status if response else 0
    path = OUT / f"{name}-{language}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        wide.append(f"{path.name}: {overflow} px sideways")
    print(f"  {path.name:<40} {status}  {url}", flush=True)


def first_question(page: Page, base: str, country: str) -> str:
    """The address of the first question linked from a country's page in the workspace."""
    page.goto(base + country)
    hrefs: list[str] = page.eval_on_selector_all("main a", "links => links.map(a => a.pathname)")
    pattern = re.compile(re.escape(country) + r"[A-Za-z0-9_.-]+/$")
    found = [h for h in hrefs if pattern.fullmatch(h) and not h.endswith(("/read/", "/upload/"))]
    return found[0] if found else country


def sign_in(page: Page, base: str, account: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", account)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")  # the sign-in form (the header has others)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="only page names containing this text")
    parser.add_argument("--base", help="a demo site already running (e.g. http://127.0.0.1:8000)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    wide: list[str] = []
    server: AbstractContextManager[str] = (
        nullcontext(args.base.rstrip("/")) if args.base else demo_server()
    )
    OUT.mkdir(parents=True, exist_ok=True)
    with server as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for language in LANGUAGES:
            context = browser.new_context(locale=language, extra_http_headers={
                "Accept-Language": language})  # fmt: skip
            page = context.new_page()
            for name, path in PUBLIC:
                if args.only and args.only not in name:
                    continue
                url = localised(base, path, language, page)
                for width in WORKSPACE_WIDTHS if name == "sign-in" else WIDTHS:
                    shoot(page, url, name, width, language, wide)
            for name, path in SENT_EMPTY:
                if args.only and args.only not in name:
                    continue
                url = localised(base, path, language, page)
                for width in WIDTHS:
                    shoot(page, url, name, width, language, wide, send=True)
            context.close()
            for account, name, where in WORKSPACE:
                if args.only and args.only not in name:
                    continue
                context = browser.new_context(locale=language, extra_http_headers={
                    "Accept-Language": language})  # fmt: skip
                page = context.new_page()
                sign_in(page, base, account)
                if where is None:  # the first question on the expert's country page
                    where = first_question(page, base, "/work/mipex-style-demo/AT/")
                elif where == "remind":  # the first reminder offered on the progress page
                    page.goto(base + "/work/mipex-style-demo/progress/")
                    link = page.locator("#people-table a").first.get_attribute("href")
                    where = link or "/work/mipex-style-demo/remind/"
                for width in WORKSPACE_WIDTHS if name.startswith("work-") else WIDTHS:
                    shoot(page, base + where, name, width, language, wide)
                context.close()
        browser.close()
        for name, path in PDFS:
            if not args.only or args.only in name:
                pdf_pages(base + path, name)
    print(f"\nScreenshots in {OUT}")
    if wide:
        print("Pages that scroll sideways:\n  " + "\n  ".join(wide))


if __name__ == "__main__":
    main()
