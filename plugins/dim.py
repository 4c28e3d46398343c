"""``dim``: fade the rest of the group, a softer ``keep_only`` that leaves it legible."""

from __future__ import annotations

from PIL import Image

from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec

from ._common import blend, keep_region


def apply(ctx: EditContext) -> Image.Image | None:
    canvas = ctx.canvas
    rects = keep_region(ctx.targets, canvas.width, canvas.height)
    if not rects:
        ctx.notes.append("dim: nothing outside the target to dim")
    blend(canvas, rects, ctx.params["color"], float(ctx.params["amount"]))
    return None


DIM = ToolSpec(
    name="dim",
    summary=(
        "Fade what keep_only would mask towards a colour by an amount: "
        "round((1 - amount) * pixel + amount * colour); the target and header row stay."
    ),
    apply=apply,
    params=(
        Param("amount", "number", 0.6, "how far to fade: 0 not at all, 1 solid colour", 0.0, 1.0),
        Param("color", "color", "white", "colour faded towards"),
    ),
    example='dim(bars("China", "India"), amount=0.7)',
    details=(
        "The pixels keep_only would fill (the group's other members inside its extent, never "
        "the named or protected boxes) are blended towards `color`: each colour channel becomes "
        "`round((1 - amount) * I + amount * c)` (the colour's own alpha is not used); alpha "
        "channels are unchanged."
    ),
)

PLUGIN = Plugin(tools=(DIM,), name="dim")
