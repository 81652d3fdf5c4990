"""What every verb shares: the consoles, the options that read data, errors, progress bars."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from polindex.errors import PolindexError
    from polindex.framework.definition import IndexDefinition
    from polindex.io.tables import ReadOptions

LARGE_INPUT_BYTES = 1_000_000
"""Inputs larger than this show a progress bar while they are read and scored."""

RESULT_SUFFIXES = (".csv", ".xlsx", ".json")
"""The formats ``score --output`` writes (``polindex.io.writers.WRITERS``, named here so that
the help text does not import the data stack)."""

# options shared by the verbs that read data
UnitColumn = Annotated[str, typer.Option(help="Column holding the unit codes.")]
PeriodColumn = Annotated[str, typer.Option(help="Column holding the periods.")]
SinglePeriod = Annotated[
    str | None,
    typer.Option(help="The period of every row, for a file without a period column."),
]
IgnoreExtra = Annotated[
    bool, typer.Option(help="Skip wide-file columns that are not indicators (nor variables).")
]
ColumnPrefix = Annotated[str, typer.Option(help="Prefix to strip from column names (e.g. AvgS_).")]
Top = Annotated[int, typer.Option(help="Rows of the ranking to print.")]
Lang = Annotated[str | None, typer.Option(help="Language of the labels.")]
FrameworkArg = Annotated[Path, typer.Argument(help="Framework YAML file.")]
DataArg = Annotated[Path, typer.Argument(help="Data: CSV or XLSX, long or wide.")]
PipelineOpt = Annotated[
    Path | None,
    typer.Option(help="Pipeline YAML (default: the framework's pipeline: section)."),
]

# What the library's messages call an option, and the flag that sets it here.
FLAG_OF = {
    "no pipeline: section": "give one with --pipeline",
    "no uncertainty: section": "give one with --spec",
    "extra columns: ignore": "--ignore-extra-columns skips them",
    "no unit column": "--unit-column names the column of unit codes",
    "no period column": "--period-column names it, or --single-period gives every row one",
    "write a changelog": "--changelog says what this release corrects",
}


class Consoles:
    """Rich consoles for results (stdout) and messages (stderr), made on first use."""

    _out: "Console | None" = None
    _err: "Console | None" = None

    @property
    def out(self) -> "Console":
        if self._out is None:
            from rich.console import Console

            self._out = Console()
        return self._out

    @property
    def err(self) -> "Console":
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True)
        return self._err


consoles = Consoles()


def say(text: str) -> None:
    """Print plain text (no markup, no highlighting, never wrapped: a path stays whole) to
    stdout."""
    consoles.out.print(text, markup=False, highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print ``message`` to stderr and end the command with status 1."""
    typer.echo(message, err=True)
    raise typer.Exit(1)


def fail_with(exc: "PolindexError") -> NoReturn:
    """End the command with a library error's message, and a tip where the library names
    something this command line sets with a flag."""
    text = str(exc)
    tips = [tip for phrase, tip in FLAG_OF.items() if phrase in text]
    if tips:
        text += "\n" + "\n".join(f"Tip: {tip}" for tip in tips)
    typer.echo(text, err=True)
    raise typer.Exit(1) from exc


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's :class:`~polindex.errors.PolindexError` into a message and exit
    status 1; any other exception is a bug and stays a traceback."""
    from polindex.errors import PolindexError

    try:
        yield
    except PolindexError as exc:
        fail_with(exc)


@contextmanager
def setting_up() -> Iterator[None]:
    """Import the library with the garbage collector paused, the first time in a process.

    Importing numpy, pandas, pydantic's models and the engine makes about 140,000 objects, all
    kept until the process ends, and the collector walked them again and again while they were
    made: 15–20 ms of the 0.5 s ``polindex build`` takes (decision 068). Here it is paused
    while the block runs, then everything made so far is frozen (moved to the permanent
    generation, as at exit: decision 047) and collecting starts again, so later collections
    walk only what the command itself makes. Only the first block in a process does this (a
    test process that invokes many commands freezes once); the collector runs again whatever
    the block raises.

    Examples
    --------
    >>> import gc
    >>> with setting_up():
    ...     import polindex.framework.definition
    >>> gc.isenabled()
    True
    """
    if _set_up or not gc.isenabled():
        yield
        return
    _set_up.append(True)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


_set_up: list[bool] = []


def read_options(
    unit_column: str = "unit",
    period_column: str = "period",
    ignore_extra_columns: bool = False,
    single_period: str | None = None,
    column_prefix: str = "",
) -> "ReadOptions":
    """The library's read options from the command line's flags."""
    from polindex.io.tables import ReadOptions

    return ReadOptions(
        unit_column=unit_column,
        period_column=period_column,
        column_prefix=column_prefix,
        extra_columns="ignore" if ignore_extra_columns else "error",
        period=single_period,
    )


def load(path: Path) -> "IndexDefinition":
    """The index definition in ``path`` (parsed once); its problems end the command."""
    with setting_up():
        from polindex.framework.definition import load_index

    with user_errors():
        return load_index(path)
    raise AssertionError("unreachable")  # pragma: no cover


def progress(enabled: bool) -> "Progress":
    """A transient progress display on stderr (``enabled=False``: shows nothing)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=consoles.err,
        transient=True,
        disable=not enabled,
    )


def write_or_fail(write: Any, output: Path) -> None:
    """Call ``write()``; a file that cannot be written ends the command with a message."""
    from polindex.errors import OutputError

    try:
        write()
    except OutputError as exc:
        fail_with(exc)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


def esc(text: str) -> str:
    """``text`` safe inside Rich markup."""
    return text.replace("[", r"\[")
