"""Small bar-chart panels drawn with Pillow for the figure tests, with their ink boxes."""

from __future__ import annotations

from PIL import ImageDraw, ImageFont

from refocus_dsl.layout import Box


def bar_panel(
    d: ImageDraw.ImageDraw, box: Box, seed: int, card: bool = False, frame: bool = False
) -> Box:
    """A bar chart with tick labels drawn in ``box``: on a tinted card, and with its plot
    framed, when asked. Its panel box: the card, else the box of its ink."""
    x1, y1, x2, y2 = box
    font = ImageFont.load_default(size=11)
    if card:
        d.rectangle((x1, y1, x2 - 1, y2 - 1), fill=(244, 244, 246))
    base = y2 - 24
    if frame:
        d.rectangle((x1 + 28, y1 + 8, x2 - 1, base), outline=(30, 30, 30), width=2)
    else:
        d.line((x1 + 28, y1 + 8, x1 + 28, base), fill=(40, 40, 40))
        d.line((x1 + 28, base, x2 - 8, base), fill=(40, 40, 40))
    n = 4 + seed % 3
    step = (x2 - x1 - 50) // n
    for i in range(n):
        h = 20 + (seed * 41 + i * 57) % (base - y1 - 30)
        x = x1 + 36 + i * step
        d.rectangle((x, base - h, x + step // 2, base), fill=(40, 110, 200))
        d.text((x, base + 5), f"{2010 + i}", fill=(60, 60, 60), font=font)
    d.text((x1 + 4, y1 + 6), "80", fill=(60, 60, 60), font=font)
    if card:
        return box
    return (x1 + 4, y1 + 6, x2 if frame else x2 - 8, base + 17)
