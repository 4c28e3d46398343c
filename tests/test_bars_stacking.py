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


def test_stacked_segments_with_values_printed_inside_are_kept() -> None:
    # Pew's diverging bars: each segment carries its value in bold white at the same
    # rows, so pieces of one segment split around its digits lie beside pieces of the
    # next segment split the same way; the next segment lies beyond this one's end, not
    # between two pieces of it, so it does not make this colour a plot background.
    import numpy as np
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    from refocus_dsl.detect.chart import find_bars
    from refocus_dsl.scoring.common import iou

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans:bold"), 11)
    img = Image.new("RGB", (700, 480), "white")
    d = ImageDraw.Draw(img)
    colours = ((163, 90, 0), (231, 163, 62), (106, 159, 209), (31, 78, 121))
    want = []
    for i, vals in enumerate(((-16, -25, 8, 20), (-26, -28, 30, 11), (-7, -12, 26, 35),
                              (-16, -11, 28, 16), (-21, -26, 27, 21))):
        y1, y2 = 65 + 61 * i, 102 + 61 * i
        neg, pos = 362, 362
        for k, v in enumerate(vals):
            n = abs(v) * 5
            x1, x2 = (neg - n, neg) if v < 0 else (pos, pos + n)
            neg, pos = (x1, pos) if v < 0 else (neg, x2)
            d.rectangle((x1, y1, x2 - 1, y2 - 1), fill=colours[(1, 0, 2, 3)[k]])
            d.text(((x1 + x2) / 2, (y1 + y2) / 2), str(v), fill="white", font=font, anchor="mm")
            want.append((x1, y1, x2, y2))
    d.line((362, 45, 362, 420), fill=(68, 68, 68))  # the zero line
    bars, _ = find_bars(np.asarray(img))
    assert bars.orientation == "horizontal"
    found = [(r.x1, r.y1, r.x2, r.y2) for r in bars.bars]
    for box in want:
        assert max(iou(f, box) for f in found) >= 0.8, (box, found)
