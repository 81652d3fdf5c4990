"""The production server docs/deployment.md recommends is the one the soak measures."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_recommended_server_is_the_measured_one() -> None:
    soak = (ROOT / "benchmarks/soak.py").read_text()
    threads = re.search(r'POLINDEX_SOAK_THREADS", "(\d+)"', soak)
    workers = re.search(r'POLINDEX_SOAK_WORKERS", (\d+) \* \(os.cpu_count', soak)
    assert threads is not None
    assert workers is not None
    command = next(
        line for line in (ROOT / "docs/deployment.md").read_text().splitlines()
        if line.startswith("gunicorn polindex.web.wsgi")
    )  # fmt: skip
    assert f"-k gthread --threads {threads[1]} " in command
    assert "# two workers per core" in command
    assert workers[1] == "2"
