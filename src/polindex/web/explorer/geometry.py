"""Lighter SVG outlines: a path's rings read as points, rounded to whole units, simplified
(Douglas–Peucker) and written back as short relative moves.

The world map of :mod:`.worldmap` comes as Bézier paths with a point every unit or so and three
decimals; drawn at most 1,400 px wide (the map is 2,754 units wide), a tolerance of one unit
removes most points and nothing a reader can see, and a page with the map loses most of its
weight (from 223 kB gzipped to about 30 kB).
"""

from __future__ import annotations

import itertools
import math
import re

TOKEN = re.compile(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
ARGUMENTS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2}
"""How many numbers each path command takes (arcs are not used by the map)."""

Point = tuple[float, float]


def rings(d: str) -> list[list[Point]]:
    """The rings of an SVG path's ``d``: each sub-path as a list of absolute points (the end
    point of each segment; a curve's control points are dropped).

    Examples
    --------
    >>> rings("m 10,10 c 1,1 2,2 5,0 l 0,5 z M 0 0 h 3 v 3")
    [[(10.0, 10.0), (15.0, 10.0), (15.0, 15.0)], [(0.0, 0.0), (3.0, 0.0), (3.0, 3.0)]]
    """
    tokens = TOKEN.findall(d)
    found: list[list[Point]] = []
    ring: list[Point] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = "M"
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "zZ":
                if ring:
                    found.append(ring)
                ring = []
                x, y = start
            continue
        kind = command.lower()
        n = ARGUMENTS.get(kind)
        if n is None:
            raise ValueError(f"path command {command!r} is not supported")
        i += n
        relative = command.islower()
        if kind == "h":
            x = x + float(tokens[i - 1]) if relative else float(tokens[i - 1])
        elif kind == "v":
            y = y + float(tokens[i - 1]) if relative else float(tokens[i - 1])
        else:  # the segment's end point: its last two numbers
            ex, ey = float(tokens[i - 2]), float(tokens[i - 1])
            x, y = (x + ex, y + ey) if relative else (ex, ey)
        if kind == "m":
            if ring:
                found.append(ring)
            ring, start = [], (x, y)
            command = "l" if relative else "L"  # numbers after a move draw lines
        ring.append((x, y))
    if ring:
        found.append(ring)
    return found


def simplified(points: list[Point], tolerance: float) -> list[Point]:
    """``points`` without those closer than ``tolerance`` to the line their kept neighbours
    draw (Douglas–Peucker); the first and last point always stay.

    Examples
    --------
    >>> simplified([(0, 0), (1, 0.1), (2, 0), (2, 5)], 0.5)
    [(0, 0), (2, 0), (2, 5)]
    """
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        (px, py), (qx, qy) = points[a], points[b]
        dx, dy = qx - px, qy - py
        length = math.hypot(dx, dy)
        far, where = -1.0, a
        for k in range(a + 1, b):
            x, y = points[k]
            if length:
                distance = abs(dx * (y - py) - dy * (x - px)) / length
            else:  # a closed ring: the distance to its first point
                distance = math.hypot(x - px, y - py)
            if distance > far:
                far, where = distance, k
        if far > tolerance:
            keep[where] = True
            stack += [(a, where), (where, b)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def lighter_path(d: str, tolerance: float = 1.0, smallest: float = 2.0) -> str:
    """``d`` as closed polygons with whole-number coordinates (rounded, then simplified with
    ``tolerance``); rings less than ``smallest`` across both ways are left out (empty string:
    nothing left).

    Examples
    --------
    >>> lighter_path("M 0,0 L 10.2,0.3 L 20,0 L 20,10 z m 50,50 l 1,0 l 0,1 z")
    'M0 0l20 0 0 10z'
    """
    parts = []
    for ring in rings(d):
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        if max(xs) - min(xs) < smallest and max(ys) - min(ys) < smallest:
            continue
        whole: list[Point] = []
        for x, y in ring:
            point = (float(round(x)), float(round(y)))
            if not whole or point != whole[-1]:  # points that rounding made one
                whole.append(point)
        kept = simplified(whole, tolerance)
        if len(kept) < 3:
            continue
        steps = " ".join(
            f"{int(x - px)} {int(y - py)}" for (px, py), (x, y) in itertools.pairwise(kept)
        )
        parts.append(f"M{int(kept[0][0])} {int(kept[0][1])}l{steps.replace(' -', '-')}z")
    return "".join(parts)


__all__ = ["lighter_path", "rings", "simplified"]
