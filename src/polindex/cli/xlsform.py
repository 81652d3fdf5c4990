"""Verbs about the questionnaire as an XLSForm: ``xlsform export`` and ``xlsform import``."""

from pathlib import Path
from typing import Annotated

import typer

from polindex.cli.common import FrameworkArg, load, say, user_errors, write_or_fail

app = typer.Typer(
    help="The questionnaire as an XLSForm (KoboToolbox, ODK), and back.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help, fast (decision 045)
)


@app.command("export")
def export(
    framework: FrameworkArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The XLSForm (.xlsx).")],
) -> None:
    """Write the framework's questionnaire as an XLSForm; choices carry their score."""
    from polindex.io.xlsform import to_xlsform

    content = to_xlsform(load(framework).framework)
    write_or_fail(lambda: output.write_bytes(content), output)
    say(f"Wrote {output}")


@app.command("import")
def import_(
    form: Annotated[Path, typer.Argument(help="An XLSForm (.xlsx) with scores on its choices.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The framework YAML.")],
) -> None:
    """Turn an XLSForm into a framework (checked before it is written)."""
    import yaml

    from polindex.framework.definition import load_index
    from polindex.io.xlsform import from_xlsform

    with user_errors():
        doc = from_xlsform(form)
        load_index(doc, name=str(form))
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    write_or_fail(lambda: output.write_text(text, encoding="utf-8"), output)
    say(f"Wrote {output}")
