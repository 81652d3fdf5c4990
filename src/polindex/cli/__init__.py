"""The ``polindex`` command line: a thin layer over the library, one module per group of verbs.

Each verb parses its arguments, calls one library function and prints the outcome. Modules
here import only Typer at the top; the library (numpy, pandas, scipy, Django) is imported
inside the verbs, so ``polindex --help`` starts at once.
"""

from polindex.cli.main import app

__all__ = ["app"]
