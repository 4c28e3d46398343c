"""Stacked segments are found the same way however many pieces an image gives."""

from __future__ import annotations

import random

import pytest

from refocus_dsl.detect._bars import Orientation, Rect, _with_stacked


def _stack(x: int, ends: list[int], colour: int) -> list[Rect]:
    """One stacked bar: segments between consecutive ``ends`` (from the baseline up)."""
    return [Rect(colour, x, hi, x + 20, lo) for lo, hi in zip(ends, ends[1:], strict=False)]


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
def test_segments_touching_end_to_end_join_their_bar_and_nothing_else(
    orientation: Orientation,
) -> None:
    rng = random.Random(7)
    bars, segments, strays = [], [], []
    for i in range(300):  # as many pieces as a heatmap gives
        x = 30 * i
        ends = [500, *sorted(rng.sample(range(100, 480), 3), reverse=True)]
        stack = _stack(x, ends, colour=i % 3)
        bars.append(stack[0])
        segments += stack[1:]
        strays.append(Rect(1, x + 2, ends[-1] - 40, x + 18, ends[-1] - 20))  # a gap below it
        strays.append(Rect(2, x + 8, ends[-1] - 10, x + 30, ends[-1]))  # another cross extent
    if orientation == "horizontal":
        flip = lambda r: Rect(r.colour, r.y1, r.x1, r.y2, r.x2)  # noqa: E731
        bars, segments, strays = ([flip(r) for r in rs] for rs in (bars, segments, strays))
    found = _with_stacked(bars, segments + strays, orientation)
    assert {id(r) for r in found} == {id(r) for r in bars + segments}
