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
)

PLUGIN = Plugin(tools=(MASK,), name="mask")
