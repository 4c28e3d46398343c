"""refocus-blur: a third-party edit tool for refocus-dsl.

``blur(target, radius=4)`` blurs the pixels inside the target boxes with a
Gaussian blur and leaves every other pixel alone.
"""

from __future__ import annotations

from PIL import Image, ImageFilter

from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec


def apply(ctx: EditContext) -> Image.Image | None:
    """Blur each target box in place; boxes arrive clipped to the canvas."""
    radius = float(ctx.params["radius"])
    canvas = ctx.canvas
    for box in ctx.targets.boxes:
        canvas.paste(canvas.crop(box).filter(ImageFilter.GaussianBlur(radius)), box)
    return None


BLUR = ToolSpec(
    name="blur",
    summary="Blur the pixels inside the target boxes; every other pixel stays as it was.",
    apply=apply,
    params=(
        Param("radius", "number", 4.0, "blur radius in pixels", min=0.5, max=20.0),
    ),
    example='blur(columns("Notes"), radius=6)',
)

PLUGIN = Plugin(tools=(BLUR,), name="refocus-blur")
