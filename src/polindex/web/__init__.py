"""The Django project: releases, the public explorer and the REST API (see ARCHITECTURE.md).

Nothing below :mod:`polindex.web` imports Django; this package is the thin shell over the library.
"""
