"""Load and soak (run by `make bench`): mixed explorer, API and workspace traffic against
gunicorn with several workers on PostgreSQL, for ten minutes; printed, never asserted.

Traffic, from a load generator in this process (threads with keep-alive connections):

- **explorer**: anonymous visitors open release pages, country profiles, comparisons, the
  methodology and node pages of every published release (the demo's and IMPIC's when
  ``POLINDEX_DATA_DIR`` has it), each visitor one page every ``VISITOR_PAUSE`` seconds;
- **API**: clients read scores, units, the wide table and the codebook;
- **workspace**: 100 experts, each autosaving an answer once a second (the issue's knee:
  one save per expert per second) and opening a workspace page every 20 saves, in turn: a
  question, the country's questionnaire, a question, the dashboard, a question, the
  read-through, a question, the XLSX download (half the pages a question's, as before; the
  heavy ones in the mix too).

Reported: requests per second and errors per kind (workspace pages per page kind as well as
together), median / p95 / p99 latency, and the
resident memory of every gunicorn worker sampled every 10 s — its growth after the warm-up
(the first tenth of the run) tells a leak from a warm cache.

Targets (issue 13): 0 errors; p95 of pages < 50 ms and of saves < 100 ms; memory of each
worker flat (< 10 % growth after warm-up).

Needs PostgreSQL (``POLINDEX_BENCH_DATABASE_URL`` as in benchmarks/collection.py; the
database ``polindex_soak`` is dropped and re-created). ``POLINDEX_SOAK_SECONDS`` shortens the
run (default 600); ``POLINDEX_SOAK_WORKERS`` and ``POLINDEX_SOAK_THREADS`` try another server
configuration than docs/deployment.md's (the default).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

import collection  # benchmarks/collection.py, beside this script
from web import gunicorn

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = 8767
SECONDS = float(os.environ.get("POLINDEX_SOAK_SECONDS", "600"))
VISITORS, VISITOR_PAUSE = 20, 0.25  # about 80 explorer pages per second
CLIENTS, CLIENT_PAUSE = 10, 0.25  # about 40 API reads per second
SAVE_PAUSE = 1.0  # each of the 100 experts saves once a second
# the server as docs/deployment.md recommends it (tests/docs/test_deployment_doc.py)
WORKERS = int(os.environ.get("POLINDEX_SOAK_WORKERS", 2 * (os.cpu_count() or 2)))
THREADS = int(os.environ.get("POLINDEX_SOAK_THREADS", "4"))
PAGES = ("question", "country", "question", "dashboard", "question", "read-through", "question",
         "XLSX")  # fmt: skip


class Tally:
    """Latencies and errors per kind of request, shared by the load threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.recording = False

    def add(self, kind: str, seconds: float, error: str = "") -> None:
        if not self.recording:
            return
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors[kind].append(error)


def request(
    conn: http.client.HTTPConnection, method: str, path: str, body: str = "", **headers: str
) -> tuple[int, bytes, float]:
    t0 = time.perf_counter()
    conn.request(method, path, body or None, headers)
    response = conn.getresponse()
    payload = response.read()
    return response.status, payload, time.perf_counter() - t0


def public_paths() -> tuple[list[str], list[str]]:
    """Explorer pages and API routes of every published release."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    _, body, _ = request(conn, "GET", "/api/v1/releases")
    pages, api = ["/", "/search/?q=a"], ["/api/v1/releases"]
    for release in json.loads(body):
        base = f"{release['index']}/{urllib.parse.quote(release['version'])}"
        _, body, _ = request(conn, "GET", f"/api/v1/releases/{base}/units")
        units = [u["unit"] for u in json.loads(body)]
        _, body, _ = request(conn, "GET", f"/api/v1/releases/{base}/codebook")
        nodes = [n["code"] for n in json.loads(body) if n["type"] == "group"][:10]
        pages += [f"/{base}/", f"/{base}/methodology/"]
        if request(conn, "GET", f"/{base}/robustness/")[0] == 200:  # where it has robustness
            pages.append(f"/{base}/robustness/")
        pages += [f"/{base}/{urllib.parse.quote(u)}/" for u in units]
        pages += [f"/{base}/node/{n}/" for n in nodes]
        pages += [f"/{base}/compare/?u={a}&u={b}" for a, b in itertools.pairwise(units)]
        api += [f"/api/v1/releases/{base}", f"/api/v1/releases/{base}/wide"]
        api += [f"/api/v1/releases/{base}/codebook", f"/api/v1/releases/{base}/units"]
        api += [f"/api/v1/releases/{base}/scores?unit={urllib.parse.quote(u)}" for u in units]
    return pages, api


def reader(kind: str, paths: list[str], pause: float, stop: float, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    rng = random.Random()
    while time.perf_counter() < stop:
        path = rng.choice(paths)
        status, _, took = request(conn, "GET", path)
        tally.add(kind, took, "" if status == 200 else f"HTTP {status} {path}")
        time.sleep(rng.uniform(0.5, 1.5) * pause)


def expert(session: str, unit: str, stop: float, tally: Tally) -> None:
    """Autosave once a second (the workspace's save path), open a workspace page every ~20 s
    (the next of :data:`PAGES`)."""
    codes = [f"LMM{k}" for k in range(1, 10)] + [f"FAM{k}" for k in range(1, 10)]
    csrf = secrets.token_hex(16)
    cookie = f"sessionid={session}; csrftoken={csrf}"
    versions = dict.fromkeys(codes, 1)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    rng = random.Random()
    time.sleep(rng.uniform(0, SAVE_PAUSE))
    paths = {
        "question": f"/work/bench/{unit}/{{code}}/", "country": f"/work/bench/{unit}/",
        "dashboard": "/work/", "read-through": f"/work/bench/{unit}/read/",
        "XLSX": f"/work/bench/{unit}/questionnaire.xlsx",
    }  # fmt: skip
    start = rng.randrange(len(PAGES))  # the experts' pages spread over the kinds
    pages = itertools.cycle(PAGES[start:] + PAGES[:start])
    k = 0
    while time.perf_counter() < stop:
        code = codes[k % len(codes)]
        if k % 20 == 19:
            kind = next(pages)
            path = paths[kind].format(code=code)
            status, _, took = request(conn, "GET", path, Cookie=cookie)
            error = "" if status == 200 else f"HTTP {status} {path}"
            tally.add("workspace page", took, error)
            tally.add(f"  {kind}", took, error)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf, "action": "autosave", "version": versions[code],
                "option": "abc"[k % 3], "justification": f"Draft {k} of {code}.",
                "source_count": "1", "source-0-instrument": "Act", "source-0-article": "4",
            }
        )  # fmt: skip
        status, payload, took = request(
            conn, "POST", f"/work/bench/{unit}/{code}/", body, Cookie=cookie,
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        tally.add(
            "workspace save", took, "" if status == 200 else f"HTTP {status} {payload[:80]!r}"
        )
        if status == 200:
            versions[code] = json.loads(payload)["version"]
        k += 1
        time.sleep(rng.uniform(0.8, 1.2) * SAVE_PAUSE)


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    env = collection.server_environment("polindex_soak")
    if env is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [str(BIN / "polindex"), "demo", "--out", tmp, "--publish"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
    experts = collection.seed()
    server = gunicorn(PORT, WORKERS, env, threads=THREADS)
    try:
        pages, api = public_paths()
        tally = Tally()
        started = time.perf_counter()
        stop = started + SECONDS
        threads = [
            threading.Thread(
                target=reader, args=("explorer page", pages, VISITOR_PAUSE, stop, tally)
            )
            for _ in range(VISITORS)
        ]
        threads += [
            threading.Thread(target=reader, args=("API", api, CLIENT_PAUSE, stop, tally))
            for _ in range(CLIENTS)
        ]
        threads += [threading.Thread(target=expert, args=(*e, stop, tally)) for e in experts]
        for t in threads:
            t.start()
        print(
            f"Soak ({SECONDS:.0f} s; gunicorn {WORKERS} workers x {THREADS} threads, PostgreSQL; "
            f"{len(pages)} explorer pages, {len(api)} API routes, {len(experts)} experts)"
        )
        warmup = started + SECONDS / 10
        memory: dict[int, list[float]] = defaultdict(list)
        cpu0 = time.process_time()
        while time.perf_counter() < stop:
            time.sleep(min(10.0, max(0.0, stop - time.perf_counter())))
            if not tally.recording and time.perf_counter() >= warmup:
                tally.recording, measured = True, time.perf_counter()
            if tally.recording:
                for pid in workers(server.pid):
                    memory[pid].append(rss_mb(pid))
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - measured
        client = (time.process_time() - cpu0) / (time.perf_counter() - started)
        kinds = [k for k in sorted(tally.latencies) if not k.startswith(" ")]
        if "workspace page" in kinds:  # then each kind of workspace page
            at = kinds.index("workspace page") + 1
            kinds[at:at] = [f"  {k}" for k in dict.fromkeys(PAGES) if f"  {k}" in tally.latencies]
        for kind in kinds:
            lat = sorted(tally.latencies[kind])
            errors = tally.errors[kind]
            p95, p99 = (lat[int(q * (len(lat) - 1))] * 1000 for q in (0.95, 0.99))
            print(
                f"  {kind:<16} {len(lat) / elapsed:6.0f} req/s   errors {len(errors)}   "
                f"median {statistics.median(lat) * 1000:6.1f} ms   p95 {p95:6.1f} ms   "
                f"p99 {p99:6.1f} ms" + (f"   first error: {errors[0]}" if errors else "")
            )
        growth = [
            (pid, mb[0], mb[-1], (mb[-1] / mb[0] - 1) * 100) for pid, mb in memory.items() if mb
        ]
        for pid, first, last, pct in sorted(growth):
            print(f"  worker {pid}: {first:6.1f} MB after warm-up -> {last:6.1f} MB ({pct:+.1f} %)")
        print(f"  (the load generator used {client:.2f} of the cores)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
