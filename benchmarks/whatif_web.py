"""What-if and goal seeking through a real server (run by `make bench`): the MIPEX-style example
(61 questions) with invented answers for 50 countries, published into a fresh SQLite database
and served by gunicorn with 2 workers. Printed, never asserted.

Every what-if request asks for other changes (a country and two answers), so none is served
from the page cache: the figures are the simulator's, per request. The load comes from `wrk`
(1 thread, 8 connections; a Lua script sends the next path of a list each request) when it is
installed, else from a Python client with 8 keep-alive threads (which competes with the server
for the cores and under-reports what it can serve); the output says which.

Then the CPU time of one request in process (Django's test client, no server; the minimum and
median over 200 different what-ifs): a figure a busy machine disturbs far less than a
throughput.

Targets (issue 15): simulator request p95 < 50 ms and >= 200 requests/s; goal seeking for one
country and one target < 1 s.

    POLINDEX_BENCH_SECONDS=1 .venv/bin/python benchmarks/whatif_web.py   # a short smoke run
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from web import BIN, ROOT, fetch, free_port, gunicorn, load, load_wrk_paths

FRAMEWORK = ROOT / "examples" / "mipex-style" / "framework.yaml"
UNITS = 50


def publish(var_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """Publish the example with invented answers; return what-if page paths, API paths and goal
    paths, every one different."""
    import polindex
    from polindex.demo.synthetic import synthetic_data

    fw = polindex.load_framework(FRAMEWORK)
    units = [f"U{k:03d}" for k in range(UNITS)]
    data = synthetic_data(fw, units=tuple(units), periods=(2023, 2024))
    data.to_csv(var_dir / "data.csv", index=False)
    env = {**os.environ, "POLINDEX_VAR_DIR": str(var_dir)}
    subprocess.run(
        [str(BIN / "polindex"), "release", "create", str(FRAMEWORK), str(var_dir / "data.csv"),
         "--version", "bench"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    choices = [
        (i.code, o.code)
        for i in fw.indicators
        if i.type == "categorical" and i.applicable_if is None
        for o in i.options
    ]
    latest = data[data["period"] == 2024]
    given = {(u, i): str(v) for u, i, v in latest[["unit", "indicator", "value"]].to_numpy()}
    pages, api = [], []
    pairs = itertools.combinations(range(len(choices)), 2)
    for k, (a, b) in enumerate(itertools.islice(pairs, 6000)):
        unit = units[k % UNITS]
        (qa, va), (qb, vb) = choices[a], choices[b]
        if qa == qb or given.get((unit, qa)) in (va, None) or given.get((unit, qb)) in (vb, None):
            continue  # the same question, or an answer it has already: not a change
        changes = {qa: va, qb: vb}
        pages.append(f"/{fw.code}/bench/what-if/{unit}/?{urlencode(changes)}")
        api.append(
            f"/api/v1/releases/{fw.code}/bench/what-if/{unit}?"
            + urlencode([("change", f"{c}:{v}") for c, v in changes.items()])
        )
    goals = [
        f"/{fw.code}/bench/goal/{unit}/?{goal}"
        for unit in units
        for goal in ("band=favourable", "band=slightly_favourable", "rank=1", "rank=10")
    ]
    return pages, api, goals


def publish_asem(var_dir: Path) -> list[tuple[str, str]] | None:
    """Publish COINr's ASEM example with its robustness design (as the demo does); return
    (without, with the rank interval) what-if page paths, each a different change — or None
    without its data."""
    data_dir = os.environ.get("POLINDEX_DATA_DIR")
    data = Path(data_dir) / "asem" / "asem_iData.csv" if data_dir else None
    if data is None or not data.is_file():
        return None
    env = {**os.environ, "POLINDEX_VAR_DIR": str(var_dir)}
    subprocess.run(
        [str(BIN / "polindex"), "release", "create", str(ROOT / "examples" / "asem" /
         "framework.yaml"), str(data), "--version", "bench", "--robustness", "--unit-column",
         "uCode", "--period-column", "Time", "--ignore-extra-columns"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    import pandas as pd

    frame = pd.read_csv(data)
    units = frame["uCode"].tolist()
    out = []
    for k, unit in enumerate(units * 4):
        value = round(
            float(frame.loc[frame["uCode"] == unit, "Flights"].iloc[0]) * (1.5 + k / 100), 3
        )
        text = str(int(value)) if value.is_integer() else repr(value)  # as the page writes it
        path = f"/Index/bench/what-if/{unit}/?Flights={text}"
        out.append((path, path + "&interval=1"))
    return out


def main() -> None:
    seconds = float(os.environ.get("POLINDEX_BENCH_SECONDS", "4"))
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        pages, api, goals = publish(var_dir)
        asem = publish_asem(var_dir)
        port = int(os.environ.get("POLINDEX_BENCH_PORT") or free_port())
        env = {
            **os.environ,
            "POLINDEX_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "polindex.web.settings",
            "POLINDEX_SECRET_KEY": secrets.token_urlsafe(50),  # a production-like server
        }
        server = gunicorn(port, 2, env)
        try:
            compiled = shutil.which("wrk") is not None
            client = "wrk, 1 thread" if compiled else "a Python client, 8 threads (install wrk)"
            print(
                "What-if and goals through gunicorn (2 workers), MIPEX-style, 50 countries; "
                f"8 keep-alive connections from {client}"
            )
            for path in pages[:UNITS] + api[:UNITS]:  # each worker makes its simulator once
                fetch(port, path)
            half = len(pages) // 2
            for label, paths in (("what-if page", pages[half:]), ("what-if API", api[half:])):
                measure = load_wrk_paths if compiled else load
                rps, median, p95 = measure(port, paths, seconds)
                print(
                    f"  {label:<30} {rps:8.0f} req/s   median {median:6.2f} ms   "
                    f"p95 {p95:6.2f} ms (target p95 < 50 ms, >= 200 req/s)"
                )
            n = len(goals) if seconds >= 4 else 20
            times = []
            for path in goals[:n]:
                status, _, took = fetch(port, path)
                if status != 200:
                    raise RuntimeError(f"{path}: HTTP {status}")
                times.append(took)
            times.sort()
            print(
                f"  {'goal page, ' + str(n) + ' goals':<30} median {statistics.median(times):6.1f} "
                f"ms   slowest {times[-1]:6.1f} ms (target < 1,000 ms)"
            )
            if asem is None:
                print("  ASEM: skipped — POLINDEX_DATA_DIR does not hold asem/asem_iData.csv")
            else:
                print("What-if on ASEM (a build, 51 countries, its design: 100 runs), one request")
                print("  at a time, each a different change (rebuilt, no page cache):")
                for pair in asem[-6:]:  # each worker makes its simulator and official analysis
                    fetch(port, pair[1])
                for label, k in (("rebuilt, published interval", 0), ("interval recomputed", 1)):
                    took = []
                    for pair in asem[2 : 2 + (60 if seconds >= 4 else 10)]:
                        status, _, ms = fetch(port, pair[k])
                        if status != 200:
                            raise RuntimeError(f"{pair[k]}: HTTP {status}")
                        took.append(ms)
                    took.sort()
                    p95 = took[int(0.95 * (len(took) - 1))]
                    print(
                        f"  {label:<30} median {statistics.median(took):6.1f} ms   p95 "
                        f"{p95:6.1f} ms (target p95 < 50 ms; the interval is asked for)"
                    )
        finally:
            server.terminate()
            server.wait()
        cpu = subprocess.run(
            [sys.executable, __file__, "--cpu"],
            env={**env, "POLINDEX_BENCH_PATHS": "\n".join(
                [*pages[UNITS : UNITS + 200], "", *api[UNITS : UNITS + 200]]
            )},  # what-ifs neither the warm-up nor the load asked (no page cache hit)
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        print(cpu, end="")


def cpu_per_request() -> None:
    """Print the CPU time of one what-if page and API request in this process (the paths in
    ``POLINDEX_BENCH_PATHS``: pages, a blank line, API routes), minimum and median."""
    import time

    import django

    django.setup()
    from django.test import Client

    pages, _, api = os.environ["POLINDEX_BENCH_PATHS"].partition("\n\n")
    client = Client()
    for label, paths in (("what-if page", pages.split("\n")), ("what-if API", api.split("\n"))):
        for bare in sorted({p.partition("?")[0] for p in paths}):  # each country's published
            client.get(bare)  # questions made and kept (once per process): not measured
        times = []
        for path in paths:
            t0 = time.process_time()
            status = client.get(path).status_code
            times.append((time.process_time() - t0) * 1000)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
        print(
            f"  {label + ', CPU in process':<30} min {min(times):6.2f} ms   "
            f"median {statistics.median(times):6.2f} ms ({len(times)} different what-ifs)"
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["--cpu"]:
        sys.exit(cpu_per_request())
    sys.exit(main())
