"""Charts rendered in a child process, so that the renderer cannot take its caller down.

vl-convert runs Vega inside an embedded JavaScript engine; on some input (a control character
in a label, once) it aborts the whole process instead of raising an error, and a pathological
spec could keep it busy for minutes. A web server renders charts from stored data on behalf of
anonymous visitors, so it renders through a :class:`Renderer`: one child process per server
process that imports vl-convert and renders one chart at a time. If the child dies or does not
answer within ``timeout`` seconds, the call raises :class:`RenderError` (the request fails, the
server lives on) and the next call starts a fresh child.

The command line renders in process (:func:`polindex.analysis.charts.render_svg`): a crash
there ends only that command.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from typing import Any, Literal

Format = Literal["svg", "png"]


class RenderError(RuntimeError):
    """The renderer crashed or took too long; nothing was rendered."""


def _serve(conn: Connection) -> None:  # pragma: no cover - runs in the child process
    """The child's loop: render each (format, spec, scale) received, send back the result."""
    import vl_convert

    while True:
        try:
            fmt, spec, scale = conn.recv()
        except EOFError:
            return
        try:
            if fmt == "svg":
                out: str | bytes = vl_convert.vegalite_to_svg(spec)
            else:
                out = vl_convert.vegalite_to_png(spec, scale=scale)
            conn.send(("ok", out))
        except Exception as exc:  # reported to the parent, which raises
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class Renderer:
    """A child process that renders Vega-Lite specs; thread-safe (one chart at a time).

    Examples
    --------
    >>> r = Renderer(timeout=60)
    >>> spec = {"mark": "bar", "data": {"values": [{"x": "a", "y": 1}]},
    ...         "encoding": {"x": {"field": "x"}, "y": {"field": "y", "type": "quantitative"}}}
    >>> r.render(spec, "svg").startswith("<svg")
    True
    >>> r.close()
    """

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._child: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        ctx = multiprocessing.get_context("spawn")  # a clean interpreter, whatever the parent
        parent, child = ctx.Pipe()
        self._child = ctx.Process(target=_serve, args=(child,), daemon=True)
        self._child.start()
        child.close()
        self._conn = parent
        return parent

    def _stop(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.join(5)
        if self._conn is not None:
            self._conn.close()
        self._child = self._conn = None

    def render(self, spec: dict[str, Any], fmt: Format, scale: float = 2.0) -> Any:
        """The chart as SVG text or PNG bytes; :class:`RenderError` if the renderer fails."""
        with self._lock:
            conn = self._conn if self._child is not None and self._child.is_alive() else None
            if conn is None:
                self._stop()
                conn = self._start()
            try:
                conn.send((fmt, spec, scale))
                if not conn.poll(self.timeout):
                    self._stop()
                    raise RenderError(f"the chart renderer took longer than {self.timeout:g} s")
                status, out = conn.recv()
            except (EOFError, OSError) as exc:  # the child died (an abort, a kill)
                code = self._child.exitcode if self._child is not None else None
                self._stop()
                raise RenderError(f"the chart renderer stopped (exit code {code})") from exc
        if status != "ok":
            raise RenderError(f"the chart could not be rendered: {out}")
        return out

    def close(self) -> None:
        """Stop the child process (a new one starts on the next :meth:`render`)."""
        with self._lock:
            self._stop()
