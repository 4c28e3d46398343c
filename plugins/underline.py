"""``underline``: a bar just below each target box, for text and rows."""

from __future__ import annotations

from PIL import Image

from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec

from ._common import clipped, fill


def apply(ctx: EditContext) -> Image.Image | None:
    width = int(ctx.params["width"])
    canvas = ctx.canvas
    bars = clipped(((b[0], b[3], b[2], b[3] + width) for b in ctx.targets.boxes), *canvas.size)
    if len(bars) < len(ctx.targets.boxes):
        ctx.notes.append("underline: a target touches the bottom edge; its line is cut off")
    fill(canvas, bars, ctx.params["color"])
    return None


UNDERLINE = ToolSpec(
    name="underline",
    summary="Draw a line of the given colour and width directly below each target box.",
    apply=apply,
    params=(
        Param("color", "color", "red", "colour of the line"),
        Param("width", "integer", 3, "line thickness in pixels", 1, 50),
    ),
    example='underline(text("Total"), color="blue")',
    details=(
        "For each target box `(x1, y1, x2, y2)`, the pixels with `x1 <= x < x2` and "
        "`y2 <= y < y2 + width` (cut to the image) become `color`: the line sits directly under "
        "the box, outside it. No other pixel changes."
    ),
)

PLUGIN = Plugin(tools=(UNDERLINE,), name="underline")
