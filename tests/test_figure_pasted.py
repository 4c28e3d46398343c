"""Charts cut to their ink and pasted a few pixels apart: each panel keeps its own text.

Tick labels, legend and source line of charts side by side make lines that run across
the gap; each panel's box must still take its own part of them.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from refocus_dsl.detect.figure import find_panels
from refocus_dsl.layout import Box
from refocus_dsl.scoring.common import iou


def _chart(width: int, height: int, seed: int) -> tuple[Image.Image, int]:
    """A bar chart with x tick labels, a legend and a source line, cut to its ink, and
    the bottom of its legend."""
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    base = height - 90
    n = 4 + seed % 3
    step = (width - 50) // n
    for i in range(n):
        h = 30 + (seed * 41 + i * 57) % (base - 60)
        x = 40 + i * step
        d.rectangle((x, base - h, x + step // 2, base), fill=(40, 110, 200))
        d.text((x, base + 6), f"20{10 + i}", fill=(60, 60, 60), font=font)
    d.line((30, 10, 30, base), fill=(80, 80, 80))
    d.line((30, base, width - 4, base), fill=(80, 80, 80))
    d.rectangle((width // 2 - 40, base + 36, width // 2 - 32, base + 44), fill=(40, 110, 200))
    d.text((width // 2 - 28, base + 34), "Revenue", fill=(60, 60, 60), font=font)
    d.text((0, height - 14), "Additional Information", fill=(30, 90, 200), font=font)
    d.text((width - 66, height - 14), "Show source", fill=(30, 90, 200), font=font)
    ink = np.asarray(img.convert("L")) < 250
    ys, xs = np.nonzero(ink)
    top = int(ys.min())
    crop = img.crop((int(xs.min()), top, int(xs.max()) + 1, int(ys.max()) + 1))
    return crop, base + 44 - top


def _pasted(gap: int) -> tuple[Image.Image, list[Box], list[int]]:
    """Two rows of two charts, ``gap`` pixels apart on a white page; their boxes and
    their legends' bottoms."""
    drawn = [_chart(300, 240, s) for s in range(4)]
    charts = [c for c, _ in drawn]
    legends: list[int] = []
    width = max(c.width for c in charts[:2]) * 2 + gap + 20
    height = max(c.height for c in charts) * 2 + gap + 20
    page = Image.new("RGB", (width, height), "white")
    boxes: list[Box] = []
    y = 10
    for row in (charts[:2], charts[2:]):
        x = 10
        for c in row:
            page.paste(c, (x, y))
            legends.append(y + drawn[charts.index(c)][1])
            boxes.append((x, y, x + c.width, y + c.height))
            x += c.width + gap
        y += max(c.height for c in row) + gap
    return page, boxes, legends


@pytest.mark.parametrize("gap", [4, 6, 10])
def test_pasted_panels_take_their_own_tick_labels_and_legend(gap: int) -> None:
    image, gold, legends = _pasted(gap)
    found = find_panels(image).boxes
    assert len(found) == len(gold)
    for box, want, legend in zip(found, gold, legends, strict=True):
        # Tick labels and legend under the plot lie inside the panel's box.
        assert want[1] - 2 <= box[1] and legend <= box[3] <= want[3] + 2, (box, want)
        assert iou(box, want) >= 0.7, (box, want)
    # The bottom row has no panel under it: its source lines are its own too.
    for box, want in zip(found[2:], gold[2:], strict=True):
        assert iou(box, want) >= 0.95, (box, want)


def test_a_source_line_just_above_a_narrower_panel_stays_with_its_chart() -> None:
    # One wide chart, then one narrower chart centred under it only 4 px below its
    # source line: that line is nearer the lower chart, but it runs the upper chart's
    # whole width and reaches far past the lower one, so it is the upper chart's.
    upper, _ = _chart(600, 240, 1)
    lower, _ = _chart(260, 240, 2)
    page = Image.new("RGB", (upper.width + 20, upper.height + lower.height + 24), "white")
    page.paste(upper, (10, 10))
    x = 10 + (upper.width - lower.width) // 2
    y = 10 + upper.height + 4
    page.paste(lower, (x, y))
    gold = [
        (10, 10, 10 + upper.width, 10 + upper.height),
        (x, y, x + lower.width, y + lower.height),
    ]
    found = find_panels(page).boxes
    assert len(found) == 2
    for box, want in zip(found, gold, strict=True):
        assert iou(box, want) >= 0.9, (box, want)
