"""Country reports (run by `make bench`): one report's page content and PDF, and every report of
a 50-country release in both languages, on the MIPEX-style example (61 questions) with invented
answers for two periods, in a fresh SQLite database. Printed, never asserted.

Targets (issue 16): one country report (HTML + PDF) < 2 s; all reports of a 50-country release
in both languages < 2 min on 2 cores.

``--smoke`` runs it on 3 countries, to check that it runs.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(smoke: bool = False) -> None:
    var = Path(tempfile.mkdtemp(prefix="polindex-bench-reports-"))
    os.environ.update(
        {"POLINDEX_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "polindex.web.settings"}
    )
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    import polindex
    from polindex.demo.synthetic import synthetic_data
    from polindex.web.releases.publish import publish_release
    from polindex.web.reports import content, pdf
    from polindex.web.reports.tasks import build_all
    from polindex.web.reports.typeset import typeset

    n = 3 if smoke else 50
    fw = polindex.load_framework(ROOT / "examples" / "mipex-style" / "framework.yaml")
    units = tuple(f"U{k:03d}" for k in range(n))
    results = polindex.score(fw, synthetic_data(fw, units=units, periods=(2023, 2024)))
    release = publish_release(results, version="bench")
    print(f"Country reports, MIPEX-style example ({n} countries, 61 questions, 2 periods)")

    pdf.pdf_of(content.build(release, units[0], "en"))  # the renderer and fonts started once
    parts: dict[str, list[float]] = {"read": [], "charts": [], "typeset": [], "total": []}
    cpu: list[float] = []
    for k in range(3 if smoke else 10):
        c0 = _cpu()
        t0 = time.perf_counter()
        page = content.build(release, units[k % n], "en")
        t1 = time.perf_counter()
        document = pdf.html_of(page)
        t2 = time.perf_counter()
        typeset(document)
        t3 = time.perf_counter()
        cpu.append(_cpu() - c0)
        for name, took in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            parts[name].append(took)
    median = {name: statistics.median(times) for name, times in parts.items()}
    print(
        f"  one report, HTML + PDF (median of {len(parts['total'])}){'':<18} "
        f"{median['total']:8.2f} s  (< 2 s)\n"
        f"    read {median['read']:.2f} s, charts drawn {median['charts']:.2f} s, "
        f"typeset {median['typeset']:.2f} s; CPU time {statistics.median(cpu):.2f} s "
        "(with the chart renderer's; on a busy machine wall time runs ahead of CPU time)"
    )
    t0, c0 = time.perf_counter(), _cpu()
    made = build_all(release, ["en", "fr"])
    took, used = time.perf_counter() - t0, _cpu() - c0
    print(f"  every report, {made} PDFs and 2 ZIPs{'':<26} {took:8.2f} s  (< 120 s for 100)")
    print(
        f"    CPU time {used:.1f} s (this process, the chart renderer and the typesetting "
        f"workers): at best {used / 2:.1f} s on two idle cores"
    )


def _cpu() -> float:
    """CPU time of this process, of its finished children (the typesetting pool) and of those
    still running (the chart renderer)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    live = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # (ended meanwhile: counted in RUSAGE_CHILDREN)
                continue
            live += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime + live


if __name__ == "__main__":
    main(smoke="--smoke" in sys.argv)
