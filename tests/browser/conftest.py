"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, installed by .ci/run).

Without Chromium the tests skip with one line (plain `make test`) or fail (POLINDEX_REQUIRE_ALL=1).
Every request to a host other than the live server's is blocked and fails the test; a failing
test leaves a screenshot in var/browser-failures/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import missing

CHROMIUM = Path("/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright beside the ORM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        missing("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def local_page(page: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page that may only talk to the live server; outside requests fail the test."""
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = Path("var/browser-failures")
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{request.node.name}.png"), full_page=True)
    assert outside == [], f"requests to outside hosts: {outside}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# Each test starts with an empty cache without a fixture: the shared cache (sign-in counters,
# public pages) is a table of the test database, emptied by each test's rollback or flush.
