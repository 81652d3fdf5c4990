"""Outcome indicators attached to a release, and the page and API route that set a policy node
against one of them (see :mod:`polindex.analysis.outcomes` and docs/outcomes.md)."""
