"""``mask``: cover the target with a solid colour (the rest of the image is untouched)."""

from __future__ import annotations

from PIL import Image

from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec

from ._common import fill


def apply(ctx: EditContext) -> Image.Image | None:
    fill(ctx.canvas, ctx.targets.boxes, ctx.params["fill"])
    return None


MASK = ToolSpec(
    name="mask",
    summary="Cover the target boxes with a solid colour; every other pixel stays as it was.",
    apply=apply,
    params=(Param("fill", "color", "white", "colour the covered pixels become"),),
    example='mask(columns("Notes"))',
    details=(
        "Every pixel inside a target box becomes `fill` (on RGBA and LA images including the "
        "colour's alpha); every other pixel is unchanged. Overlapping boxes are simply filled; "
        "masking twice changes nothing more, and masks of disjoint targets commute."
    ),
)

PLUGIN = Plugin(tools=(MASK,), name="mask")
