"""Suggest-a-correction speed (run by `make bench`): the form's POST — throttle count in the
shared cache, CSRF check, validation of every field and links, the suggestion stored, the
redirect — through Django's whole middleware stack, in process, on a fresh SQLite database with
the synthetic demo release. Printed, never asserted.

Target (issue 16): p95 < 100 ms per POST. Each POST comes from another address (the throttle
counts per address; it still counts every one).

    .venv/bin/python benchmarks/feedback.py            # 300 POSTs
    .venv/bin/python benchmarks/feedback.py --n 20     # a smoke run
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="how many POSTs to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            POLINDEX_VAR_DIR=tmp,
            DJANGO_SETTINGS_MODULE="polindex.web.settings",
        )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        run(args.n, Path(tmp))


def run(n: int, tmp: Path) -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from polindex.demo import examples
    from polindex.web.feedback.models import Suggestion
    from polindex.web.releases.publish import publish_release

    synthetic = examples.synthetic_example(tmp / "demo")
    release = publish_release(synthetic.results, version="bench", synthetic=True)
    url = f"/{release.index.code}/{release.version}/feedback/"
    unit = release.scores.order_by("unit").values_list("unit", flat=True).first()
    setup_test_environment()  # (the test client's host name; a successful POST renders nothing)
    client = Client(enforce_csrf_checks=True)
    page = client.get(url).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if found is None:
        sys.exit(f"GET {url}: no form with a CSRF token")
    token = found.group(1)
    body = {
        "csrfmiddlewaretoken": token,
        "unit": unit,
        "node": "",
        "kind": "ngo",
        "problem": "The answer should be 'b' since the 2024 amendment (Art. 5).",
        "evidence": "https://example.org/law\nhttps://example.org/decision",
        "name": "A reader",
        "organisation": "An organisation",
        "email": "reader@example.org",
        "consent": "on",
    }
    times: list[float] = []
    cpu: list[float] = []
    for i in range(n + 5):
        address = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        start, used = time.perf_counter(), time.process_time()
        response = client.post(url, body, REMOTE_ADDR=address)
        elapsed = (time.perf_counter() - start) * 1000
        used = (time.process_time() - used) * 1000
        if response.status_code != 303:
            sys.exit(f"POST {url} answered {response.status_code}, not 303")
        if i >= 5:  # (the first few warm the caches)
            times.append(elapsed)
            cpu.append(used)
    stored = Suggestion.objects.count()
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    print(
        f"feedback POST: {n} suggestions stored ({stored} with the warm-up), "
        f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms (target < {TARGET_MS:.0f})"
    )
    cpu_p95 = statistics.quantiles(cpu, n=20)[-1] if len(cpu) >= 2 else cpu[0]
    print(
        f"  CPU time per POST: median {statistics.median(cpu):.1f} ms, p95 {cpu_p95:.1f} ms "
        "(on a busy machine wall time runs ahead of CPU time)"
    )


if __name__ == "__main__":
    main()
