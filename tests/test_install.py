"""`pip install polindex` is the library and the command line; `polindex[web]` the platform."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = ("django", "psycopg", "gunicorn", "whitenoise", "rules", "argon2", "ninja")


def test_the_core_requirements_hold_no_web_platform() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"]).lower()
    assert not [name for name in PLATFORM if name in core]
    web = " ".join(project["optional-dependencies"]["web"]).lower()
    assert all(name in web for name in ("django", "psycopg", "gunicorn"))


def test_the_library_and_cli_run_without_importing_django(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(
        "code: T\nname: T\nindicators: [{code: q, type: boolean}]\n", encoding="utf-8"
    )
    (tmp_path / "d.csv").write_text("unit,period,q\nA,2024,yes\nB,2024,no\n", encoding="utf-8")
    fw, data = str(tmp_path / "fw.yaml"), str(tmp_path / "d.csv")
    script = f"""
import sys
from typer.testing import CliRunner
from polindex.cli import app
import polindex
res = polindex.score(polindex.load_index({fw!r}), {data!r})
assert res.score(unit="A") == 100.0
out = CliRunner().invoke(app, ["score", {fw!r}, {data!r}])
assert out.exit_code == 0, out.output
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {PLATFORM!r})
print(loaded)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_cli_start_imports_no_numeric_stack() -> None:
    script = (
        "import sys; import polindex.cli.main; "
        "print(sorted(m for m in ('numpy', 'pandas', 'scipy', 'django') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
