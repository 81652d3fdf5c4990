"""Your own weights through a real server (run by `make bench`): the weights page and its API
route on a release of the MIPEX-style example with 200 invented countries, served by gunicorn
with 2 workers; every request asks for other weights (no cached page). Printed, never asserted.

Target (issue 15): a custom-weights ranking of 200 countries p95 < 50 ms.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import BIN, ROOT, gunicorn


def publish(var_dir: Path, env: dict[str, str]) -> None:
    """The MIPEX-style example with 200 invented countries, one period, as release
    MIPEXDEMO/bench."""
    from polindex.demo.synthetic import synthetic_data
    from polindex.framework import load_framework

    fw = load_framework(ROOT / "examples" / "mipex-style" / "framework.yaml")
    units = tuple(f"U{k:03d}" for k in range(200))
    synthetic_data(fw, units=units, periods=(2024,)).to_csv(var_dir / "data.csv", index=False)
    subprocess.run(
        [str(BIN / "polindex"), "release", "create",
         str(ROOT / "examples" / "mipex-style" / "framework.yaml"), str(var_dir / "data.csv"),
         "--version", "bench"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timings(port: int, paths: list[str]) -> list[float]:
    """The time (ms) of each GET of ``paths`` on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        out.append((time.perf_counter() - t0) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
    conn.close()
    return out


def main(n: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        env = {
            **os.environ,
            "POLINDEX_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "polindex.web.settings",
            "POLINDEX_SECRET_KEY": secrets.token_urlsafe(50),
        }
        publish(var_dir, env)
        from polindex.framework import load_framework

        fw = load_framework(ROOT / "examples" / "mipex-style" / "framework.yaml")
        areas = [c.code for c in fw.root.children]
        port = int(os.environ.get("POLINDEX_WEIGHTS_BENCH_PORT", 0)) or free_port()
        server = gunicorn(port, 2, env)
        try:
            print("Your own weights through gunicorn (2 workers), MIPEX-style, 200 countries")

            def weights(k: int) -> list[tuple[str, int]]:
                return [(a, (k + j) % 6) for j, a in enumerate(areas)] + [(areas[0], 1 + k % 5)]

            pages = [
                "/MIPEXDEMO/bench/weights/?" + "&".join(f"w.{a}={v}" for a, v in weights(k))
                for k in range(n + 5)
            ]
            api = [
                "/api/v1/releases/MIPEXDEMO/bench/weights?weights="
                + ",".join(f"{a}:{v}" for a, v in weights(k))
                for k in range(n + 5)
            ]
            for label, paths in (("weights page", pages), ("weights API", api)):
                got = timings(port, paths)[5:]  # the first ones build the release's simulator
                p95 = float(np.quantile(got, 0.95))
                print(
                    f"  {label:<30} median {float(np.median(got)):6.2f} ms   "
                    f"p95 {p95:6.2f} ms (target p95 < 50 ms)"
                )
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
