"""``keep_only``: mask every sibling that was not named (the paper's ``_with_mask``)."""

from __future__ import annotations

from PIL import Image

from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec

from ._common import fill, keep_region


def apply(ctx: EditContext) -> Image.Image | None:
    canvas = ctx.canvas
    rects = keep_region(ctx.targets, canvas.width, canvas.height)
    if not rects:
        ctx.notes.append("keep_only: nothing outside the target to mask")
    fill(canvas, rects, ctx.params["fill"])
    return None


KEEP_ONLY = ToolSpec(
    name="keep_only",
    summary=(
        "Mask every other column, row, bar or panel of the same group with a solid colour; "
        "the named ones, the table's header row and everything outside the group stay."
    ),
    apply=apply,
    params=(Param("fill", "color", "white", "colour the masked pixels become"),),
    example='keep_only(columns("Year", "Earning"))',
    details=(
        "Inside the group's extent (the table, the plot area with its category bands, the "
        "whole image for panels, regions and text), the pixels of the group's other members "
        "(for region and text targets, which have no group: the rest of the extent) become "
        "`fill`. Pixels in the named boxes, in protected boxes (the table's header rows) and "
        "outside the extent are unchanged. Naming every member masks nothing (warning W101)."
    ),
)

PLUGIN = Plugin(tools=(KEEP_ONLY,), name="keep_only")
