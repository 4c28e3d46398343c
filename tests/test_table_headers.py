"""Two-level headers as web reports set them: sub-headers wrapped onto two lines beside
one-line ones, bottom-aligned, their lines as far apart as the body's rows."""

from __future__ import annotations

import pytest
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont
from table_helpers import draw_column_groups

from refocus_dsl.detect import detect_layout
from refocus_dsl.ocr import get_ocr

OCR = get_ocr()


def _wrapped_sub_headers(size: int, under_values_only: bool) -> tuple[Image.Image, list[str]]:
    """Two groups of two columns; each group's second sub-header wraps ("Orders" over
    "(hrs)"), the first does not, all set on the same last line at 1.5 line spacing;
    a rule under the header (under the value columns only, or across the table),
    body rows without rules a little further apart. The image and the gold headers."""
    bold = ImageFont.truetype(font_manager.findfont("DejaVu Sans:bold"), size)
    plain = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)
    pitch = int(1.17 * size)
    col = 6 * size
    xs = [12, 12 + 10 * size] + [12 + 10 * size + k * col for k in range(1, 5)]
    width = xs[-1] + 12
    top = 10
    image = Image.new("RGB", (width, top + 14 * pitch), "white")
    draw = ImageDraw.Draw(image)
    draw.line((xs[0], top, xs[-1], top), fill="black", width=3)
    y = top + size // 2
    draw_column_groups(draw, xs, y, size, pitch, bold)
    last = y + pitch + size // 2 + pitch  # the sub-headers' last line
    for g in range(2):
        for j, lines in enumerate([["Exports"], ["Orders", "(hrs)"]]):
            right = xs[2 + 2 * g + j] - size // 2
            for k, text in enumerate(reversed(lines)):
                tw = draw.textlength(text, font=bold)
                draw.text((right - tw, last - k * pitch), text, fill="black", font=bold)
    rule_y = last + pitch + size // 3
    draw.line((xs[1 if under_values_only else 0], rule_y, xs[-1], rule_y), fill="black", width=2)
    names = ["Transport", "Lombardy", "Tuscany", "Hokkaido", "Gauteng"]
    body_pitch = int(1.65 * size)
    for i, name in enumerate(names):
        yy = rule_y + size // 2 + i * body_pitch
        draw.text((xs[0] + size // 2, yy), name, fill="black", font=plain)
        for c in range(1, 5):
            text = f"{(i * 37 + c * 11) % 90 + 1}.{c}{i}"
            tw = draw.textlength(text, font=plain)
            draw.text((xs[c + 1] - size // 2 - tw, yy), text, fill="black", font=plain)
    bottom = rule_y + size // 2 + len(names) * body_pitch
    draw.line((xs[0], bottom, xs[-1], bottom), fill="black", width=2)
    gold = ["", "2023 Exports", "2023 Orders (hrs)", "Q2 Exports", "Q2 Orders (hrs)"]
    return image.crop((0, 0, width, bottom + 12)), gold


@pytest.mark.parametrize(("size", "under_values_only"), [(16, False), (20, True), (28, True)])
def test_wrapped_sub_headers_are_one_header_row(size: int, under_values_only: bool) -> None:
    """The rule under the header closes it: every line between the short rules and that
    rule is the second header row, however far apart the wrapped lines are."""
    image, gold = _wrapped_sub_headers(size, under_values_only)
    t = detect_layout(image, "table", ocr=OCR, cache=False).table
    assert t is not None
    labels = [r.label for r in t.rows]
    assert len(t.rows) == 7 and len(t.header_rows) == 2, labels
    assert labels[2] == "Transport"
    assert [c.header for c in t.columns] == gold
