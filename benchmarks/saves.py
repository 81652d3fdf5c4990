"""Answer saves (run by `make bench`): what one save costs in process, and how many saves a
second gunicorn on PostgreSQL serves on this machine; printed, never asserted.

Targets (issue 13): saves saturate at 300 a second or more (111-117 in the issue; 191-230 for
`main` before decision 066 measured by this script, on a shared machine) and,
with 100 experts each saving once a second, the p95 of a save stays under 100 ms.

1. **In process** (Django's test client, no server, on the same PostgreSQL database): the CPU
   time of each of 200 autosaves of one expert (a new justification of one of 18 questions
   each time, as the workspace's autosave sends it) — minimum and median — and the queries one
   save makes.
2. **Through gunicorn** (:data:`WORKERS` workers x :data:`THREADS` threads) on PostgreSQL, the
   load from ``wrk`` (a
   compiled load generator: it leaves the cores to the server; Debian package ``wrk``) with
   ``benchmarks/saves.lua``: 100 experts' sessions, each request the autosave of the next of
   1,800 answers with a new justification and the version the last save gave it (one
   connection per wrk thread: each response tells it; decision 067).
   - *saturation*: :data:`CONNECTIONS` connections without pause, :data:`RUNS` runs —
     saves per second (min / median / max) and the p95 of each run;
   - *100 experts*, each saving once a second (100 connections, 0.8-1.2 s between saves) —
     saves per second, median and p95.
   The CPU time the server's workers and PostgreSQL's back ends spent per save is printed too
   (from ``/proc``).

``POLINDEX_DB_SERVER_SIDE_BINDING=1`` measures with PostgreSQL's server-side binding (decision
075). Needs PostgreSQL (``POLINDEX_BENCH_DATABASE_URL``'s server; the database ``polindex_saves`` is
dropped and re-created) and, for the second part, ``wrk`` (without it, it says so and stops).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import collection  # benchmarks/collection.py, beside this script
from web import gunicorn

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = 8768
SAVES = 200
CODES = [f"LMM{k}" for k in range(1, 10)] + [f"FAM{k}" for k in range(1, 10)]
WORKERS, THREADS = 4, 2  # two workers per core, each with two threads (keep-alive)
CONNECTIONS = 16
RUNS, SECONDS = 3, 10.0
TICKS = os.sysconf("SC_CLK_TCK")


def in_process(session: str, unit: str) -> None:
    """CPU time per autosave (min and median of :data:`SAVES`) and queries per save."""
    from django.db import connection
    from django.test import Client

    client = Client()
    client.cookies["sessionid"] = session
    versions = dict.fromkeys(CODES, 1)

    def save(k: int) -> float:
        code = CODES[k % len(CODES)]
        form = {
            "action": "autosave", "version": versions[code], "option": "abc"[k % 3],
            "justification": f"Draft {k} of {code}.", "source_count": "1",
            "source-0-instrument": "Act", "source-0-article": "4",
        }  # fmt: skip
        t0 = time.process_time()
        response = client.post(f"/work/bench/{unit}/{code}/", form)
        took = time.process_time() - t0
        if response.status_code != 200:
            raise RuntimeError(f"{code}: HTTP {response.status_code} {response.content[:200]!r}")
        versions[code] = response.json()["version"]
        return took

    for k in range(len(CODES)):  # warm: each question once (and the per-process caches)
        save(k)
    queries: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        save(len(CODES))
    times = sorted(save(k) * 1000 for k in range(SAVES))
    print(
        f"Answer saves in process ({SAVES} autosaves, Django's test client, PostgreSQL): "
        f"CPU min {times[0]:.2f} ms, median {statistics.median(times):.2f} ms, "
        f"max {times[-1]:.2f} ms; {len(queries)} queries per save"
    )
    for sql in queries:
        print(f"    {sql[:100]}")


def answers_file(path: Path, experts: list[tuple[str, str]]) -> None:
    """The answers wrk saves: ``session unit question version`` a line, question by question
    (so that consecutive saves are different experts')."""
    from polindex.web.collection.models import Answer

    versions = {
        (a.unit, a.indicator): a.version
        for a in Answer.objects.filter(edition__code="bench", indicator__in=CODES)
    }
    lines = [
        f"{session} {unit} {code} {versions[unit, code]}"
        for code in CODES
        for session, unit in experts
    ]
    path.write_text("\n".join(lines) + "\n")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of the processes ``pids`` so far (those gone count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def database_pids() -> list[int]:
    """PostgreSQL's back ends serving the benchmark's database."""
    import psycopg

    with psycopg.connect(collection.URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(r[0]) for r in rows]


def wrk(
    experts: list[tuple[str, str]], connections: int, seconds: float, delay_ms: int, server: int
) -> dict[str, float]:
    """One wrk run: requests, seconds, errors, p50/p95/p99 (ms), and the CPU seconds the
    server's workers and the database's back ends used per save."""
    threads = connections  # one connection a thread: responses in the order of requests
    time.sleep(3.0)  # the last run's saves still under way when wrk stopped are done
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "answers.txt"
        answers_file(listing, experts)
        workers = [
            int(p) for p in Path(f"/proc/{server}/task/{server}/children").read_text().split()
        ]
        backends = database_pids()
        before = cpu_seconds(workers), cpu_seconds(backends)
        done = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
             "-s", str(ROOT / "benchmarks/saves.lua"), f"http://127.0.0.1:{PORT}/",
             "--", str(threads)],
            capture_output=True, text=True, check=True,
            env={**os.environ, "POLINDEX_WRK_ANSWERS": str(listing),
                 "POLINDEX_WRK_DELAY_MS": str(delay_ms)},
        )  # fmt: skip
        after = cpu_seconds(workers), cpu_seconds(backends + database_pids())
    found = {
        name: float(value)
        for name, value in (
            line.split() for line in done.stdout.splitlines() if line.split()[:1] and
            line.split()[0] in ("requests", "seconds", "errors", "p50-us", "p95-us", "p99-us")
        )
    }  # fmt: skip
    for line in done.stdout.splitlines():  # what the errors were, when there were any
        if line.strip().startswith(("Socket errors", "Non-2xx")):
            print(f"    wrk: {line.strip()}")
    saves = found["requests"] or 1
    return {
        "rate": found["requests"] / found["seconds"],
        "errors": found["errors"],
        "p50": found["p50-us"] / 1000,
        "p95": found["p95-us"] / 1000,
        "p99": found["p99-us"] / 1000,
        "server": (after[0] - before[0]) / saves * 1000,
        "database": (after[1] - before[1]) / saves * 1000,
    }


def through_gunicorn(experts: list[tuple[str, str]], env: dict[str, str]) -> None:
    """Saturation and 100 experts saving once a second, through gunicorn, measured by wrk."""
    if shutil.which("wrk") is None:
        print("Answer saves through gunicorn: not measured (no wrk; Debian package wrk)")
        return
    server = gunicorn(PORT, WORKERS, env, threads=THREADS)
    try:
        wrk(experts, CONNECTIONS, 3.0, 0, server.pid)  # warm: connections, caches
        binding = os.environ.get("POLINDEX_DB_SERVER_SIDE_BINDING") == "1"
        print(
            f"Answer saves through gunicorn ({WORKERS} workers x {THREADS} threads, PostgreSQL"
            f"{', server-side binding' if binding else ''}), wrk with "
            f"{CONNECTIONS} connections, {RUNS} runs of {SECONDS:g} s (target >= 300 saves/s):"
        )
        runs = [wrk(experts, CONNECTIONS, SECONDS, 0, server.pid) for _ in range(RUNS)]
        rates = sorted(r["rate"] for r in runs)
        print(
            f"  saturation: {statistics.median(rates):.0f} saves/s "
            f"[{rates[0]:.0f}-{rates[-1]:.0f}]; p95 "
            + ", ".join(f"{r['p95']:.1f}" for r in runs)
            + " ms; errors "
            + ", ".join(f"{r['errors']:.0f}" for r in runs)
            + "; CPU per save: server "
            + ", ".join(f"{r['server']:.2f}" for r in runs)
            + " ms, database "
            + ", ".join(f"{r['database']:.2f}" for r in runs)
            + " ms"
        )
        if os.environ.get("POLINDEX_SAVES_SATURATION_ONLY"):
            return
        paced = wrk(experts, len(experts), 2 * SECONDS, 1000, server.pid)
        print(
            f"  {len(experts)} experts saving once a second: {paced['rate']:.0f} saves/s, "
            f"median {paced['p50']:.1f} ms, p95 {paced['p95']:.1f} ms (target < 100 ms), "
            f"p99 {paced['p99']:.1f} ms, errors {paced['errors']:.0f}"
        )
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    env = collection.server_environment("polindex_saves")
    if env is None:
        return
    experts = collection.seed()
    in_process(*experts[0])
    through_gunicorn(experts, env)


if __name__ == "__main__":
    main()
