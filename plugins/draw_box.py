"""``draw_box``: outline each target box (the paper's ``_with_draw``)."""

from __future__ import annotations

from PIL import Image

from refocus_dsl.layout import Box
from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec

from ._common import fill


def ring(box: Box, width: int) -> list[Box]:
    """The outline of ``box``, ``width`` pixels thick, inside the box (four strips)."""
    x1, y1, x2, y2 = box
    return [
        (x1, y1, x2, min(y2, y1 + width)),
        (x1, max(y1, y2 - width), x2, y2),
        (x1, y1, min(x2, x1 + width), y2),
        (max(x1, x2 - width), y1, x2, y2),
    ]


def apply(ctx: EditContext) -> Image.Image | None:
    width = int(ctx.params["width"])
    strips = [s for b in ctx.targets.boxes for s in ring(b, width)]
    fill(ctx.canvas, strips, ctx.params["color"])
    return None


DRAW_BOX = ToolSpec(
    name="draw_box",
    summary="Draw an outline of the given colour and width just inside each target box.",
    apply=apply,
    params=(
        Param("color", "color", "red", "colour of the outline"),
        Param("width", "integer", 3, "outline thickness in pixels, drawn inside the box", 1, 50),
    ),
    example='draw_box(rows("4", "5"), color="red", width=4)',
    details=(
        "For each target box, the pixels within `width` pixels of its edges, inside the box, "
        "become `color`; a box narrower than twice the width is filled. No other pixel changes."
    ),
)

PLUGIN = Plugin(tools=(DRAW_BOX,), name="draw_box")
