"""The ``polindex`` application: the top-level options and every group of verbs."""

from __future__ import annotations

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


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Polindex: define, score and publish a comparative policy index."""


for group in (framework, scoring, robustness, releases, backup):
    group.register(app)
app.add_typer(xlsform.app, name="xlsform")
app.add_typer(releases.release_app, name="release")
