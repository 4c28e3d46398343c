"""``highlight``: blend a colour into the target, like a highlighter pen."""

from __future__ import annotations

from PIL import Image

from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec

from ._common import blend


def apply(ctx: EditContext) -> Image.Image | None:
    color = ctx.params["color"]
    alpha = float(ctx.params["alpha"]) * color[3] / 255.0
    blend(ctx.canvas, ctx.targets.boxes, color, alpha)
    return None


HIGHLIGHT = ToolSpec(
    name="highlight",
    summary=(
        "Blend a colour into the target boxes: each pixel becomes "
        "round((1 - alpha) * pixel + alpha * colour); overlaps are blended once."
    ),
    apply=apply,
    params=(
        Param("color", "color", "yellow", "colour blended in"),
        Param("alpha", "number", 0.35, "opacity of the colour, 0 (none) to 1 (solid)", 0.0, 1.0),
    ),
    example='highlight(rows("1996"), color="yellow", alpha=0.4)',
    details=(
        "Inside the union of the target boxes each colour channel becomes "
        "`round((1 - a) * I + a * c)` with `a = alpha * colour_alpha / 255` (the colour's alpha "
        "is 255 unless written as `#rrggbbaa`); pixels where boxes overlap are blended once. "
        "The alpha channel of RGBA and LA images is unchanged; on L and LA images `c` is the "
        "colour's luminance. Pixels outside the target are unchanged."
    ),
)

PLUGIN = Plugin(tools=(HIGHLIGHT,), name="highlight")
