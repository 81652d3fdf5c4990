"""The chart renderer runs in a child process: a crash or a stall of vl-convert fails that one
render with :class:`RenderError`, and the next render works (issue 13: a control character in a
label made vl-convert abort the whole server process)."""

from __future__ import annotations

import pytest

from polindex.analysis.renderer import Renderer, RenderError

SPEC = {
    "mark": "bar",
    "data": {"values": [{"x": "a", "y": 1}, {"x": "b", "y": 2}]},
    "encoding": {"x": {"field": "x"}, "y": {"field": "y", "type": "quantitative"}},
}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    r = Renderer(timeout=60)
    yield r
    r.close()


def test_renders_svg_and_png(renderer: Renderer) -> None:
    assert renderer.render(SPEC, "svg").startswith("<svg")
    assert renderer.render(SPEC, "png", scale=1).startswith(b"\x89PNG")


def test_an_abort_of_the_renderer_fails_one_render_and_the_caller_lives(
    renderer: Renderer,
) -> None:
    # unsanitised on purpose: vl-convert panics on a character XML cannot hold and aborts
    with pytest.raises(RenderError, match="stopped"):
        renderer.render({**SPEC, "title": "A\x01B"}, "svg")
    assert renderer.render(SPEC, "svg").startswith("<svg")  # a fresh child


def test_a_render_that_takes_too_long_is_stopped(renderer: Renderer) -> None:
    renderer.render(SPEC, "svg")  # the child is up
    slow = Renderer(timeout=0.0)
    with pytest.raises(RenderError, match="took longer than 0 s"):
        slow.render(SPEC, "svg")
    assert slow._child is None  # killed, not left running
    slow.timeout = 60
    assert slow.render(SPEC, "svg").startswith("<svg")
    slow.close()


def test_an_error_in_the_spec_is_reported(renderer: Renderer) -> None:
    with pytest.raises(RenderError, match="could not be rendered"):
        renderer.render({"mark": "no-such-mark", "data": {"values": []}}, "svg")
