"""A caption paragraph under a whole figure is figure text, in no panel's box.

Its lines run across the gaps between the bottom row's panels; where a space between two
words happens to fall in such a gap, the line must not be cut there and shared out among
the panels above, nor may its next line join the panel it happens to sit under. Panels on
cards keep their own text inside the card: text below the card is not theirs.
"""

from __future__ import annotations

import pytest
from figure_helpers import bar_panel
from PIL import Image, ImageChops, ImageDraw, ImageFont

from refocus_dsl.detect.figure import find_panels
from refocus_dsl.scoring.common import iou

CAPTION = (
    "Figure 3. Panels show the measured response under each condition; shaded areas are"
    " 95% intervals and every panel shares the same horizontal axis. Data from the second"
    " trial."
)


def _caption(d: ImageDraw.ImageDraw, x: int, y: int, width: int, gap_at: int | None) -> int:
    """The caption set in lines ``width`` wide from (x, y), its first line shifted so the
    space between two words covers column ``gap_at``; the caption's bottom."""
    font = ImageFont.load_default(size=14)
    space = font.getlength(" ")
    words = CAPTION.split()
    lines: list[list[str]] = [[]]
    for w in words:
        if font.getlength(" ".join([*lines[-1], w])) > width - 40:
            lines.append([])
        lines[-1].append(w)
    shift = 0.0
    if gap_at is not None:
        pos, best = x + 0.0, None
        for w in lines[0]:
            pos += font.getlength(w)
            mid = pos + space / 2
            if best is None or abs(mid - gap_at) < abs(best - gap_at):
                best = mid
            pos += space
        assert best is not None
        shift = gap_at - best
    for k, line in enumerate(lines):
        d.text((x + (shift if k == 0 else 0), y + 18 * k), " ".join(line), fill=(20, 20, 20),
               font=font)
    return y + 18 * len(lines)


@pytest.mark.parametrize("gap", [6, 10])
def test_caption_under_the_figure_stays_out_of_the_bottom_row(gap: int) -> None:
    width = 2 * 300 + gap
    page = Image.new("RGB", (width + 40, 2 * 220 + gap + 120), "white")
    d = ImageDraw.Draw(page)
    gold = []
    for r in range(2):
        for c in range(2):
            x = 20 + c * (300 + gap)
            y = 20 + r * (220 + gap)
            gold.append(bar_panel(d, (x, y, x + 300, y + 220), 2 * r + c, card=False))
    # A space between words straddles the bottom row's gap, 12 px under the tick labels.
    _caption(d, 20, 20 + 2 * 220 + gap + 12, width, gap_at=20 + 300 + gap // 2)
    found = find_panels(page).boxes
    assert len(found) == 4, found
    for got, want in zip(found, gold, strict=True):
        assert iou(got, want) >= 0.9, (got, want)


def test_caption_under_a_card_stays_out_of_it() -> None:
    # Three tinted cards over one full-width card; the caption is 4 px under that card.
    width = 3 * 200 + 2 * 6
    page = Image.new("RGB", (width + 20, 2 * 200 + 6 + 80), "white")
    d = ImageDraw.Draw(page)
    gold = [bar_panel(d, (10 + c * 206, 10, 10 + c * 206 + 200, 210), c, card=True)
            for c in range(3)]
    gold.append(bar_panel(d, (10, 216, 10 + width, 416), 3, card=True))
    _caption(d, 10, 420, width, gap_at=None)
    found = find_panels(page).boxes
    assert len(found) == 4, found
    for got, want in zip(found, gold, strict=True):
        assert iou(got, want) >= 0.9, (got, want)


def test_a_letter_left_of_its_panel_is_not_taken_by_the_panel_above() -> None:
    # Two panels over one; the lower panel's letter stands left of its plot's ink (over
    # its y tick labels' column, in the band between the rows), under the upper left
    # panel but far nearer the panel below than that one.
    page = Image.new("RGB", (660, 540), "white")
    d = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=18)
    gold = [bar_panel(d, (20 + c * 320, 20, 320 + c * 320, 220), c) for c in range(2)]
    d.text((14, 278), "C", fill=(0, 0, 0), font=font)
    gold.append(bar_panel(d, (40, 300, 640, 520), 2))
    found = find_panels(page).boxes
    assert len(found) == 3, found
    for got, want in zip(found, gold, strict=True):
        assert iou(got, want) >= 0.85, (got, want)


def test_a_turned_axis_title_nearer_the_left_panel_is_the_right_ones() -> None:
    # The right panel's y axis title stands at its box's left edge, its plot further
    # right: the title is nearer the panel on its left, yet it is the right panel's.
    page = Image.new("RGB", (540, 260), "white")
    d = ImageDraw.Draw(page)
    left = bar_panel(d, (20, 20, 300, 240), 0)
    font = ImageFont.load_default(size=14)
    word = Image.new("RGB", (90, 18), "white")
    ImageDraw.Draw(word).text((2, 0), "Response", fill=(30, 30, 30), font=font)
    turned = word.rotate(90, expand=True)
    page.paste(turned, (312, 80))
    right = bar_panel(d, (360, 20, 520, 240), 1)
    ink = ImageChops.invert(page.crop((312, 80, 312 + turned.width, 80 + turned.height)))
    tx1, _, tx2, _ = ink.getbbox() or (0, 0, 0, 0)
    gold = [left, (312 + tx1, right[1], right[2], right[3])]
    assert gold[1][0] - left[2] < right[0] - (312 + tx2)  # nearer the left panel
    found = find_panels(page).boxes
    assert len(found) == 2, found
    for got, want in zip(found, gold, strict=True):
        assert iou(got, want) >= 0.9, (got, want)


@pytest.mark.parametrize("style", ["default", "seaborn-v0_8-whitegrid"])
def test_a_framed_plot_keeps_its_tick_labels_below_it(style: str) -> None:
    # A panel sharing its neighbour's y axis has no tick labels inside its box: its four
    # spines (ticks turned in, or gridlines) look like a frame, yet its bars and ticks
    # stand on the bottom spine, and the tick labels and axis title under it are its own.
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.style.context(style):
        fig, axes = plt.subplots(1, 2, figsize=(8, 3.5), dpi=100, sharey=True)
        for k, ax in enumerate(axes):
            ax.bar(["Alpha", "Beta", "Gamma", "Delta"], [3, 5, 2, 4 + k])
            ax.tick_params(direction="in")
            ax.set_xlabel("Region")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    buf.seek(0)
    found = find_panels(Image.open(buf).convert("RGB")).boxes
    assert len(found) == 2, found
    assert abs(found[0][3] - found[1][3]) <= 3, found
