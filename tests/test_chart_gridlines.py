"""Bars from pixels in awkward drawings: gridlines over them, blended edges (pixels only)."""

from __future__ import annotations

import numpy as np
import pytest

from refocus_dsl.detect._bars import Rect, _rejoin_split
from refocus_dsl.detect.chart import find_bars
from refocus_dsl.scoring.common import iou


def _chart(horizontal: bool) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    h, w = 500, 800
    img = np.full((h, w, 3), 255, dtype=np.uint8)
    img[50:450, 100:750] = (235, 235, 235)  # light grey plot area
    boxes = []
    lengths = (300, 220, 380, 150, 260)
    for i, n in enumerate(lengths):
        if horizontal:
            box = (100, 70 + 75 * i, 100 + n + 150, 70 + 75 * i + 50)
        else:
            box = (130 + 120 * i, 450 - n, 130 + 120 * i + 70, 450)
        x1, y1, x2, y2 = box
        img[y1:y2, x1:x2] = (0, 200, 60)
        boxes.append(box)
    # Gridlines, 2 px, drawn on top of everything in the plot (dashed one way).
    for x in range(140, 750, 90):
        img[50:450, x : x + 2] = (250, 250, 250)
    for y in range(80, 450, 60):
        for x in range(100, 750, 12):
            img[y : y + 2, x : x + 7] = (250, 250, 250)
    img[50:450, 99:101] = (0, 0, 0)  # left axis
    img[449:451, 100:750] = (0, 0, 0)  # bottom axis
    return img, boxes


def test_bars_under_gridlines_on_a_grey_plot_are_whole() -> None:
    for horizontal in (False, True):
        img, boxes = _chart(horizontal)
        bars, _ = find_bars(img)
        assert bars.orientation == ("horizontal" if horizontal else "vertical")
        found = [(r.x1, r.y1, r.x2, r.y2) for r in bars.bars]
        for box in boxes:
            assert max(iou(f, box) for f in found) >= 0.9, (horizontal, box, found)


def test_rejoin_split_halves_of_one_bar() -> None:
    left = Rect(1, 100, 50, 140, 300)
    right = Rect(1, 142, 51, 180, 301)  # one pixel lower: anti-aliased edge
    other = Rect(1, 220, 120, 260, 300)  # a separate, shorter bar
    out = _rejoin_split((left, right, other), "vertical", 300)
    assert Rect(1, 100, 50, 180, 301) in out
    assert other in out
    assert len(out) == 2


def test_tiny_bars_get_their_blended_edge_pixels() -> None:
    from refocus_dsl.detect.chart import _fringe

    assert _fringe((265, 544, 278, 545), 800, 600) == (265, 543, 278, 546)  # 1 px long
    assert _fringe((202, 275, 204, 321), 800, 600) == (201, 275, 205, 321)  # 2 px thick
    assert _fringe((100, 100, 140, 300), 800, 600) == (100, 100, 140, 300)  # a normal bar
    assert _fringe((0, 10, 2, 50), 800, 600) == (0, 10, 3, 50)  # clipped to the image


def test_grouped_bars_with_blended_end_rows_stay_grouped() -> None:
    from refocus_dsl.detect._bars import group_bars

    img = np.full((500, 800, 3), 255, dtype=np.uint8)
    pairs = []
    for i, (a, b) in enumerate(((300, 280), (200, 240), (350, 330))):
        x = 100 + 230 * i
        for k, (n, colour) in enumerate(((a, (250, 240, 200)), (b, (200, 235, 220)))):
            x1 = x + 90 * k
            img[450 - n : 450, x1 : x1 + 90] = colour
            # Anti-aliased corners: the end rows a pixel shorter at each side.
            img[450 - n - 1, x1 + 1 : x1 + 89] = colour
            img[450, x1 + 1 : x1 + 89] = colour
        pairs.append((x, x + 180))
    img[451:453, 80:780] = (0, 0, 0)  # axis
    bars, _ = find_bars(img)
    groups = group_bars(bars)
    assert [(g.lo, g.hi) for g in groups] == pairs, [(g.lo, g.hi) for g in groups]
    assert all(len(g.bars) == 2 for g in groups)  # end rows joined to their bars


@pytest.mark.parametrize(("thick", "gap"), [(7, 2), (3, 1)])
@pytest.mark.parametrize("horizontal", [False, True])
def test_dense_thin_bars_stay_apart(thick: int, gap: int, horizontal: bool) -> None:
    # Hundreds of categories: bars a few pixels thick with the page showing 1-2 px
    # between them, which is as thin as a gridline drawn over a bar. Neighbours differ
    # in length (two of one length side by side read as one bar cut lengthwise).
    n = 90
    lengths = np.random.default_rng(thick).permutation(np.arange(20, 380, 4))[:n]
    img = np.full((420, 60 + n * (thick + gap)), 255, dtype=np.uint8)
    boxes = []
    for i in range(n):
        x1 = 40 + i * (thick + gap)
        y1 = 400 - int(lengths[i])
        img[y1:400, x1 : x1 + thick] = 70
        boxes.append((x1, y1, x1 + thick, 400))
    img[400:402, 30 : img.shape[1] - 10] = 0  # axis
    if horizontal:
        img = img.T.copy()
        boxes = [(y1, x1, y2, x2) for x1, y1, x2, y2 in boxes]
    rgb = np.repeat(img[..., None], 3, axis=2)
    bars, _ = find_bars(rgb)
    assert bars.orientation == ("horizontal" if horizontal else "vertical")
    found = sorted((r.x1, r.y1, r.x2, r.y2) for r in bars.bars)
    assert len(found) == n, len(found)
    for box in boxes:
        assert max(iou(f, box) for f in found) >= 0.9, box


def _tinted_grouped(horizontal: bool) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Four groups of two bars on a faintly tinted plot whose 1 px gridlines, with their
    anti-aliased rows either side, run behind the bars (a legend inside the plot took
    the room above them, so the top gridlines cross no bar)."""
    h, w = 557, 800
    img = np.full((h, w, 3), 255, dtype=np.uint8)
    img[15:523, 49:785] = (242, 246, 250)
    for k in range(5):  # gridlines first: the bars are drawn over them
        at = 69 + 91 * k
        if horizontal:
            img[15:523, at - 1 : at + 2] = (234, 238, 242)
            img[15:523, at] = (204, 204, 204)
        else:
            img[at - 1 : at + 2, 49:785] = (234, 238, 242)
            img[at, 49:785] = (204, 204, 204)
    boxes = []
    lengths = ((304, 150), (50, 358), (272, 286), (331, 268))
    for i, pair in enumerate(lengths):
        for k, (n, colour) in enumerate(zip(pair, ((40, 118, 221), (15, 59, 102)), strict=True)):
            lo = 80 + 182 * i + 64 * k if not horizontal else 30 + 120 * i + 50 * k
            if horizontal:
                box = (49 + 1, lo, 49 + 1 + n + 100, lo + 50)
            else:
                box = (lo, 523 - n, lo + 64, 523)
            x1, y1, x2, y2 = box
            img[y1:y2, x1:x2] = colour
            boxes.append(box)
    if horizontal:
        img[15:523, 48] = 0
    else:
        img[523, 49:785] = 0
    return img, boxes


def _every_bar_found(
    img: np.ndarray, boxes: list[tuple[int, int, int, int]], horizontal: bool
) -> None:
    """The bars found are exactly the drawn ones, each with IoU >= .9."""
    bars, _ = find_bars(img)
    assert bars.orientation == ("horizontal" if horizontal else "vertical")
    found = [(r.x1, r.y1, r.x2, r.y2) for r in bars.bars]
    assert len(found) == len(boxes), found
    for box in boxes:
        assert max(iou(f, box) for f in found) >= 0.9, (box, found)


@pytest.mark.parametrize("horizontal", [False, True])
def test_gridlines_behind_grouped_bars_are_no_bars(horizontal: bool) -> None:
    # The gridlines' pieces between the axis and the first bar stand on the baseline as
    # evenly as bars do; they go on beyond the bar that hides them, which no bar does.
    img, boxes = _tinted_grouped(horizontal)
    _every_bar_found(img, boxes, horizontal)


def test_a_stacked_segment_is_no_line_behind_bars() -> None:
    from refocus_dsl.detect._bars import behind_bars

    base = Rect(1, 100, 200, 140, 400)  # a bar standing on y = 400
    top = Rect(2, 100, 120, 140, 200)  # its stacked segment, as wide as it
    line = Rect(3, 40, 300, 100, 303)  # a gridline's piece up to the bar ...
    beyond = Rect(3, 140, 300, 240, 303)  # ... and on beyond it
    o = "horizontal"
    rects = [base, top, line, beyond]
    assert behind_bars([line], rects, o) == [True]
    assert behind_bars([line], [base, top, line], o) == [False]  # it stops at the bar
    assert behind_bars([base, top], rects, "vertical") == [False, False]


@pytest.mark.parametrize("horizontal", [False, True])
def test_bars_with_a_marker_at_their_foot_keep_their_baseline(horizontal: bool) -> None:
    # OECD's charts mark an earlier year with a diamond; near zero it sits on the bar's
    # foot, cutting the bar off its baseline into a body and two narrow feet.
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 500), "white")
    d = ImageDraw.Draw(img)
    boxes = []
    for i, n in enumerate((330, 310, 290, 140, 100, 60)):
        lo = 70 + 110 * i if not horizontal else 40 + 70 * i
        box = (lo, 402 - n, lo + 44, 402) if not horizontal else (100, lo, 100 + n + 200, lo + 44)
        d.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=(77, 127, 184))
        boxes.append(box)
        cx, cy = ((lo + 22, 396) if not horizontal else (106, lo + 22))
        d.polygon([(cx, cy - 7), (cx + 7, cy), (cx, cy + 7), (cx - 7, cy)], fill=(34, 34, 34))
    if horizontal:
        d.line((99, 20, 99, 470), fill=(0, 0, 0))
    else:
        d.line((40, 402, 780, 402), fill=(0, 0, 0))
    _every_bar_found(np.asarray(img), boxes, horizontal)


def test_a_legend_swatch_ending_on_the_baseline_is_no_bar() -> None:
    # Pew's legend row above horizontal bars: one swatch happens to end where the bars
    # start, so it stands on their baseline like a short bar of the other side.
    from PIL import Image, ImageDraw

    colours = ((212, 167, 48), (165, 95, 42), (111, 143, 58), (63, 102, 133))
    img = Image.new("RGB", (640, 540), "white")
    d = ImageDraw.Draw(img)
    for k, x in enumerate((12, 99, 165, 232)):
        d.rectangle((x, 38, x + 10, 48), fill=colours[k])
        d.text((x + 16, 36), ("In store", "Rural", "Urban", "Online")[k], fill=(0, 0, 0))
    want = []
    for i in range(6):
        for k in range(4):
            y = 70 + 70 * i + 10 * k
            box = (178, y, 178 + 60 + 37 * ((i * 3 + k * 5) % 9), y + 9)
            d.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=colours[k])
            want.append(box)
    d.line((177, 60, 177, 500), fill=(0, 0, 0))
    bars, _ = find_bars(np.asarray(img))
    assert bars.orientation == "horizontal"
    found = [(r.x1, r.y1, r.x2, r.y2) for r in bars.bars]
    assert all(f[1] >= 60 for f in found), found
    for box in want:
        assert max(iou(f, box) for f in found) >= 0.8, (box, found)
