"""Web speed (run by `make bench`): country profile and API score queries on the IMPIC release
(or a synthetic release of the same size), served by gunicorn with 2 workers, measured from a
second process with keep-alive connections; warm cache. Printed, never asserted.

The load comes from `wrk` (a compiled load generator, one thread: it leaves the two cores to the
server; Debian package `wrk`) when it is installed, else from a Python client with 8 threads,
which competes with the server for the cores and under-reports what it can serve; the output
says which.

Targets (issue 5): >= 500 requests/s and p95 < 50 ms for the profile page; p95 < 30 ms for
/api/v1/.../scores?unit=…

Then the release's ZIP of every download (issue 14): the first request makes and keeps every
file, each later one is served from the kept file (target < 200 ms), and a request that holds
the file already (``If-None-Match``) gets a 304.
"""

from __future__ import annotations

import http.client
import itertools
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def publish(var_dir: Path) -> tuple[str, str]:
    """Publish IMPIC (or a synthetic release of its size) into a fresh SQLite database."""
    env = {**os.environ, "POLINDEX_VAR_DIR": str(var_dir)}
    data_dir = os.environ.get("POLINDEX_DATA_DIR")
    impic = Path(data_dir) / "impic" / "impic2016.csv" if data_dir else None
    if impic is not None and impic.exists():
        subprocess.run(
            [
                str(BIN / "polindex"),
                "release",
                "create",
                str(ROOT / "examples/impic/framework.yaml"),
                str(impic),
                "--version",
                "2016",
                "--unit-column",
                "cntry",
                "--period-column",
                "year",
                "--column-prefix",
                "AvgS_",
                "--ignore-extra-columns",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        return "/ImmPol/2016/de/", "/api/v1/releases/ImmPol/2016/scores?unit=de"
    import numpy as np
    import yaml

    rng = np.random.default_rng(3)
    fw = {
        "code": "SIZE",
        "name": {"en": "Synthetic size test"},
        "levels": ["area"],
        "areas": [
            {
                "code": f"A{a}",
                "indicators": [{"code": f"A{a}I{i}", "type": "numeric"} for i in range(14)],
            }
            for a in range(5)
        ],
    }
    (var_dir / "fw.yaml").write_text(yaml.safe_dump(fw))
    lines = ["unit,period," + ",".join(f"A{a}I{i}" for a in range(5) for i in range(14))]
    for u in range(33):
        for p in range(1980, 2011):
            lines.append(f"U{u:02d},{p}," + ",".join(f"{v:.1f}" for v in rng.uniform(0, 100, 70)))
    (var_dir / "data.csv").write_text("\n".join(lines) + "\n")
    subprocess.run(
        [
            str(BIN / "polindex"),
            "release",
            "create",
            str(var_dir / "fw.yaml"),
            str(var_dir / "data.csv"),
            "--version",
            "1",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return "/SIZE/1/U07/", "/api/v1/releases/SIZE/1/scores?unit=U07"


def gunicorn(
    port: int, workers: int, env: dict[str, str], threads: int = 1
) -> subprocess.Popen[bytes]:
    """Start gunicorn serving Polindex on ``port`` (gthread workers when ``threads`` > 1) and
    return once it answers; the caller terminates it."""
    worker_class = ["-k", "gthread", "--threads", str(threads)] if threads > 1 else []
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "polindex.web.wsgi", *worker_class, "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--keep-alive", "60", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    wait_for(port)
    return server


def free_port() -> int:
    """A TCP port nobody listens on now (another benchmark's server may hold the default)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int) -> None:
    """Return once a server answers on ``port`` (10 s at most)."""
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            return
        except OSError:
            time.sleep(0.1)


def load(
    port: int, path: str | list[str], seconds: float = 4.0, threads: int = 8
) -> tuple[float, float, float]:
    """Requests per second, median and p95 latency (ms) for ``path`` (a list: each request the
    next path of it, e.g. so that none is served from the page cache)."""
    paths = [path] if isinstance(path, str) else path
    turn = itertools.count()
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        mine = []
        while time.perf_counter() < stop:
            asked = paths[next(turn) % len(paths)]
            t0 = time.perf_counter()
            conn.request("GET", asked)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            if response.status != 200:
                raise RuntimeError(f"{asked}: HTTP {response.status}")
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p95 * 1000


def load_wrk(port: int, path: str, seconds: float = 4.0) -> tuple[float, float, float]:
    """Requests per second, median and p99 latency (ms) measured by wrk (1 thread, 8
    connections)."""
    done = subprocess.run(
        ["wrk", "-t1", "-c8", f"-d{seconds:g}s", "--latency", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{path}: wrk saw error responses\n{out}")

    def ms(text: str) -> float:  # wrk writes 812.00us, 1.23ms, 1.02s
        for suffix, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
            if text.endswith(suffix):
                return float(text.removesuffix(suffix)) * factor
        raise ValueError(f"not a wrk latency: {text!r}")

    percentiles = {
        parts[0]: parts[1]
        for parts in (line.split() for line in out.splitlines())
        if len(parts) == 2 and parts[0].endswith("%")
    }
    rps = float(next(ln.split()[1] for ln in out.splitlines() if ln.startswith("Requests/sec")))
    return rps, ms(percentiles["50%"]), ms(percentiles["99%"])


WRK_PATHS = """-- every request the next path of a file (one a line), so that none repeats the last
local paths, turn = {}, 0
for line in io.lines(os.getenv("POLINDEX_WRK_PATHS")) do paths[#paths + 1] = line end
request = function()
  turn = turn + 1
  return wrk.format("GET", paths[(turn - 1) % #paths + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("p95-us %d\\n", latency:percentile(95)))
  io.write(string.format("p50-us %d\\n", latency:percentile(50)))
end
"""


def load_wrk_paths(port: int, paths: list[str], seconds: float = 4.0) -> tuple[float, float, float]:
    """Requests per second, median and p95 latency (ms) measured by wrk (1 thread, 8
    connections), each request the next of ``paths`` (a Lua script reads them from a file):
    no two requests in a row ask the same thing, so none is served from the page cache."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(tmp) / "paths.lua"
        script.write_text(WRK_PATHS)
        done = subprocess.run(
            ["wrk", "-t1", "-c8", f"-d{seconds:g}s", "-s", str(script),
             f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, check=True,
            env={**os.environ, "POLINDEX_WRK_PATHS": str(listing)},
        )  # fmt: skip
    out = done.stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw error responses\n{out}")
    found = dict(line.split() for line in out.splitlines() if line.startswith(("p95-us", "p50-us")))
    rps = float(next(ln.split()[1] for ln in out.splitlines() if ln.startswith("Requests/sec")))
    return rps, int(found["p50-us"]) / 1000, int(found["p95-us"]) / 1000


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, int, float]:
    """Status, body size and time (ms) of one GET of ``path`` on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - t0) * 1000
    conn.close()
    return response.status, len(body), elapsed


def downloads(port: int, path: str) -> None:
    """Print the first (made and kept) and later (served from the kept file) downloads of
    ``path``, and a revalidation."""
    status, size, first = fetch(port, path)
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}")
    later = sorted(fetch(port, path)[2] for _ in range(10))
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path)
    etag = conn.getresponse().getheader("ETag") or ""
    conn.close()
    status_304, _, revalidated = fetch(port, path, {"If-None-Match": etag})
    print(f"  download {path} ({size / 1e6:.1f} MB)")
    print(f"    first request (made and kept)   {first:9.0f} ms")
    print(
        f"    later requests (kept file)      {statistics.median(later):9.1f} ms median, "
        f"{later[-2]:.1f} ms 9th of 10, {later[-1]:.1f} ms slowest (target < 200 ms)"
    )
    print(f"    If-None-Match ({status_304})             {revalidated:9.1f} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        profile, api = publish(var_dir)
        port = int(os.environ.get("POLINDEX_BENCH_PORT", "8765"))  # another, when it is taken
        env = {
            **os.environ,
            "POLINDEX_VAR_DIR": str(var_dir),
            "POLINDEX_DOWNLOADS_DIR": str(var_dir / "downloads"),
            "DJANGO_SETTINGS_MODULE": "polindex.web.settings",
            "POLINDEX_SECRET_KEY": secrets.token_urlsafe(50),  # a production-like server
        }
        server = gunicorn(port, 2, env)
        try:
            compiled = shutil.which("wrk") is not None
            client = "wrk, 1 thread" if compiled else "a Python client, 8 threads (install wrk)"
            print(f"Web (gunicorn, 2 workers; 8 keep-alive connections from {client})")
            for label, path, target in (
                ("country profile page", profile, 50),
                ("API scores?unit=", api, 30),
            ):
                load(port, path, 1.0)  # warm the cache
                if compiled:
                    rps, median, p99 = load_wrk(port, path)
                    tail = f"p99 {p99:6.2f} ms (target p95 < {target} ms)"
                else:
                    rps, median, p95 = load(port, path)
                    tail = f"p95 {p95:6.2f} ms (target p95 < {target} ms)"
                print(f"  {label:<30} {rps:8.0f} req/s   median {median:6.2f} ms   {tail}")
            downloads(port, profile.rstrip("/").rsplit("/", 1)[0] + "/download/zip")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
