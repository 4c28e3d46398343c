"""Draw a detected layout over its image, so a person can see what was found.

Tables: column boxes (alternating tints), row boundaries, the header band and
each column's header text and each row's label. Charts: plot area, each
category's region, bar box and label box. Figures: panels with their numbers.
Pure Pillow; the result is a new RGB image the size of the input.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from refocus_dsl.layout import Box, Layout

_PALETTE = [
    (230, 25, 75),
    (60, 180, 75),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 200, 200),
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has no sized default font
        return ImageFont.load_default()


def _inner(box: Box) -> tuple[int, int, int, int]:
    """Pillow's rectangle includes x2/y2; our boxes are half-open."""
    x1, y1, x2, y2 = box
    return x1, y1, max(x1, x2 - 1), max(y1, y2 - 1)


def _label(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    text: str,
    color: tuple[int, int, int],
    size: int,
) -> None:
    if not text:
        return
    font = _font(size)
    text = text if len(text) <= 40 else text[:39] + "…"
    x, y = xy
    bb = draw.textbbox((x, y), text, font=font)
    draw.rectangle((bb[0] - 1, bb[1] - 1, bb[2] + 1, bb[3] + 1), fill=(255, 255, 255, 210))
    draw.text((x, y), text, fill=color + (255,), font=font)


def draw_overlay(image: Image.Image, layout: Layout) -> Image.Image:
    """A copy of ``image`` with the layout's boxes and labels drawn on it."""
    base = image.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    size = max(10, min(16, image.height // 40))
    if layout.table is not None:
        t = layout.table
        for c in t.columns:
            color = _PALETTE[c.index % len(_PALETTE)]
            draw.rectangle(_inner(c.bbox), fill=color + (28,), outline=color + (200,), width=1)
        for r in t.rows:
            if r.is_header:
                draw.rectangle(_inner(r.bbox), fill=(255, 215, 0, 60))
            draw.line(
                (r.bbox[0], r.bbox[1], r.bbox[2] - 1, r.bbox[1]), fill=(0, 0, 0, 160), width=1
            )
        draw.rectangle(_inner(t.bbox), outline=(220, 0, 0, 255), width=2)
        # tags go in the margins when there is room, so the table's own text stays visible
        below = image.height - t.bbox[3] >= size + 4
        tag_y = t.bbox[3] + 2 if below else max(0, t.bbox[1] - size - 3)
        for c in t.columns:
            color = _PALETTE[c.index % len(_PALETTE)]
            _label(draw, (c.bbox[0] + 2, tag_y), f"{c.index}:{c.header}", color, size)
        small = max(9, size - 2)
        tags = [f"{r.index}:{r.label}"[:40] for r in t.rows]
        widths = [int(draw.textlength(tag, font=_font(small))) for tag in tags]
        widest = max(widths, default=0)
        if t.bbox[0] >= widest + 4:  # one side for every row: left margin, right margin, inside
            xs = [t.bbox[0] - wd - 3 for wd in widths]
        elif image.width - t.bbox[2] >= widest + 4:
            xs = [t.bbox[2] + 3] * len(tags)
        else:
            xs = [t.bbox[0] + 1] * len(tags)
        for r, tag, x in zip(t.rows, tags, xs, strict=True):
            _label(draw, (x, r.bbox[1] + 1), tag, (0, 0, 0), small)
    if layout.chart is not None:
        ch = layout.chart
        if ch.plot_bbox is not None:
            draw.rectangle(_inner(ch.plot_bbox), outline=(220, 0, 0, 255), width=2)
        for cat in ch.categories:
            color = _PALETTE[cat.index % len(_PALETTE)]
            if cat.region is not None:
                draw.rectangle(_inner(cat.region), fill=color + (30,), outline=color + (120,))
            if cat.bar_bbox is not None:
                draw.rectangle(_inner(cat.bar_bbox), outline=color + (255,), width=2)
            if cat.label_bbox is not None:
                draw.rectangle(_inner(cat.label_bbox), outline=(0, 0, 0, 200), width=1)
            anchor = cat.bar_bbox or cat.region or cat.label_bbox
            if anchor is not None:
                _label(
                    draw, (anchor[0] + 1, anchor[1] + 1), f"{cat.index}:{cat.label}", color, size
                )
    for sp in layout.subplots:
        color = _PALETTE[sp.index % len(_PALETTE)]
        draw.rectangle(_inner(sp.bbox), outline=color + (255,), width=3)
        _label(
            draw,
            (sp.bbox[0] + 4, sp.bbox[1] + 4),
            f"panel {sp.index + 1}" + (f": {sp.title}" if sp.title else ""),
            color,
            size + 2,
        )
    if layout.notes and layout.table is None and layout.chart is None and not layout.subplots:
        _label(draw, (4, 4), "; ".join(layout.notes), (200, 0, 0), size)
    return Image.alpha_composite(base, layer).convert("RGB")
