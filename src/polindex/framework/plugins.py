"""The framework's pydantic models are built without pydantic's plugin look-up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

DISABLE = "PYDANTIC_DISABLE_PLUGINS"


@contextmanager
def without_pydantic_plugins() -> Iterator[None]:
    """Build pydantic models (their validators) without looking for pydantic plugins.

    The first model pydantic builds in a process looks for plugins among the entry points of
    every installed distribution (``importlib.metadata``): 7–8 ms of CPU here, a sixtieth of
    what ``polindex build`` takes, for validators that no plugin watches. Typer builds its own
    adapters the same way. The environment variable pydantic reads is set while the block
    runs and put back as it was after (decision 068).

    Examples
    --------
    >>> import os
    >>> before = os.environ.get(DISABLE)
    >>> with without_pydantic_plugins():
    ...     os.environ[DISABLE]
    '__all__'
    >>> os.environ.get(DISABLE) == before
    True
    """
    previous = os.environ.get(DISABLE)
    os.environ[DISABLE] = "__all__"
    try:
        yield
    finally:
        if previous is None:
            del os.environ[DISABLE]
        else:
            os.environ[DISABLE] = previous
