"""The ``polindex`` application: the top-level options and every group of verbs."""

import atexit
import gc
from typing import Annotated

import typer

from polindex.cli import backup, framework, releases, robustness, scoring, xlsform
from polindex.version import __version__

app = typer.Typer(
    name="polindex",
    help="Polindex: define, score and publish a comparative policy index.",
    no_args_is_help=True,
    add_completion=False,
    # plain help: rendering it with rich imports rich's Markdown and took 0.26 s of the 0.4 s
    # `polindex --help` cost (decision 045); the commands' own output still uses rich
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"polindex {__version__}")
        raise typer.Exit()


def _freeze_at_exit() -> None:
    """Have the process end without the collector walking every object it made.

    At exit Python collects garbage while it tears down its modules: after a command that
    loaded pandas, SciPy or Django that walk cost 0.55–0.65 s of CPU time (a third of a second
    for ``release create`` and ``build`` alike, more than the work itself; decision 047). An
    exit handler moves every live object to the permanent generation first (``gc.freeze``), so
    the collector has nothing to walk. Nothing is lost: open files are closed and flushed by
    reference counting and by the ``io`` module at exit, as before.
    """
    if _freeze_at_exit not in _registered:
        atexit.register(gc.freeze)
        _registered.add(_freeze_at_exit)


_registered: set[object] = set()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Polindex: define, score and publish a comparative policy index."""
    _freeze_at_exit()


for group in (framework, scoring, robustness, releases, backup):
    group.register(app)
app.add_typer(xlsform.app, name="xlsform")
app.add_typer(releases.release_app, name="release")
