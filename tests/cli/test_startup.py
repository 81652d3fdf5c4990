"""What a command's process does before its work (decision 068): the library is imported with
the collector paused and then frozen, pydantic's plugins are not looked up for the framework's
models, pycountry is not imported to find ISO codes — and nothing of it changes what is printed."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FRAMEWORK = textwrap.dedent(
    """\
    code: T
    name: Toy
    indicators:
      - {code: gdp, type: numeric}
      - {code: vote, type: numeric}
    pipeline:
      steps:
        - {step: normalise, method: minmax, params: {low: 0, high: 100}}
        - {step: aggregate, method: arithmetic}
    """
)
DATA = "unit,period,gdp,vote\nAUT,2024,100,50\nde,2024,400,70\nZZZ,2024,300,40\n"

# runs `polindex build` in this process, then reports on the process's state
PROBE = textwrap.dedent(
    """\
    import gc, json, sys
    from polindex.cli import app
    try:
        app(sys.argv[1:], prog_name="polindex")
    except SystemExit as exc:
        assert not exc.code, exc.code
    import pydantic.plugin._loader as plugins
    print(json.dumps({
        "gc_enabled": gc.isenabled(),
        "frozen": gc.get_freeze_count(),
        "plugins_looked_up": plugins._plugins is not None,
        "pycountry": "pycountry" in sys.modules,
    }))
    """
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "fw.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "data.csv").write_text(DATA, encoding="utf-8")
    return tmp_path / "fw.yaml", tmp_path / "data.csv"


def test_build_sets_up_without_collecting_plugins_or_pycountry_and_prints_the_ranking(
    files: tuple[Path, Path],
) -> None:
    fw, data = files
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "build", str(fw), str(data)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    *printed, last = done.stdout.strip().splitlines()
    state = json.loads(last)
    assert state["gc_enabled"] is True  # collecting again after the imports
    assert state["frozen"] > 50_000  # numpy, pandas, pydantic's models... frozen once
    assert state["plugins_looked_up"] is False
    assert state["pycountry"] is False
    text = "\n".join(printed)
    # minmax over the three units: AUT (100, 50) → 0, 33.33; de (400, 70) → 100, 100;
    # ZZZ (300, 40) → 66.67, 0; the index is their mean
    assert "Germany (de)" in text
    assert "Austria (AUT)" in text
    assert "ZZZ" in text
    rows = [line for line in printed if "│" in line and "Rank" not in line]
    assert [r.split("│")[2].strip() for r in rows] == ["Germany (de)", "ZZZ", "Austria (AUT)"]
    assert [r.split("│")[3].strip() for r in rows] == ["100.0", "33.3", "16.7"]


def test_setting_up_collects_again_when_the_block_fails_and_only_once_a_process() -> None:
    code = textwrap.dedent(
        """\
        import gc
        from polindex.cli.common import setting_up
        try:
            with setting_up():
                assert not gc.isenabled()
                raise KeyError("x")
        except KeyError:
            pass
        first = gc.get_freeze_count()
        with setting_up():  # a second block: the collector stays on, nothing more is frozen
            enabled_inside = gc.isenabled()
            junk = [[] for _ in range(1000)]
        print(gc.isenabled(), first > 0, enabled_inside, gc.get_freeze_count() == first)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["True", "True", "True", "True"]


def test_a_users_pydantic_plugin_setting_is_left_as_it_was() -> None:
    code = (
        "import os; os.environ['PYDANTIC_DISABLE_PLUGINS'] = 'logfire'\n"
        "import polindex.framework\n"
        "print(os.environ['PYDANTIC_DISABLE_PLUGINS'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "logfire"


def test_verb_signatures_are_objects_not_strings_typer_compiles_at_each_start() -> None:
    # Typer reads every command's signature at each start; annotations kept as strings
    # (`from __future__ import annotations`) were compiled and evaluated there: 15 of the
    # 20 ms it took to build the commands (decision 068)
    import inspect

    import typer.main

    from polindex.cli import app

    group = typer.main.get_command(app)
    assert isinstance(group, typer.main.TyperGroup)
    commands = [group.commands[name] for name in sorted(group.commands)]
    for command in list(commands):
        sub = getattr(command, "commands", None)
        if sub:
            commands.extend(sub.values())
    verbs = [c.callback for c in commands if c.callback is not None]
    assert len(verbs) >= 15
    for verb in verbs:
        annotations = inspect.get_annotations(getattr(verb, "__wrapped__", verb))
        assert annotations, verb
        assert not [name for name, a in annotations.items() if isinstance(a, str)], verb
