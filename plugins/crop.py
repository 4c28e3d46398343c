"""``crop`` and ``zoom``: cut the image down to the target; later statements' boxes follow."""

from __future__ import annotations

from PIL import Image

from refocus_dsl.imageio import check_pixels
from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec, Transform

from ._common import clip


def crop_box(ctx: EditContext) -> tuple[int, int, int, int]:
    """The union of the target boxes grown by ``margin`` and cut to the canvas."""
    boxes = ctx.targets.boxes
    margin = int(ctx.params["margin"])
    union = (
        min(b[0] for b in boxes) - margin,
        min(b[1] for b in boxes) - margin,
        max(b[2] for b in boxes) + margin,
        max(b[3] for b in boxes) + margin,
    )
    box = clip(union, *ctx.canvas.size)
    assert box is not None  # the interpreter passes only boxes on the canvas
    return box


def apply(ctx: EditContext) -> Image.Image | None:
    box = crop_box(ctx)
    ctx.transform = Transform(offset_x=box[0], offset_y=box[1])
    return ctx.canvas.crop(box)


CROP = ToolSpec(
    name="crop",
    summary=(
        "Cut the image down to the smallest rectangle around the target boxes (plus a margin); "
        "later statements still name things of the original image."
    ),
    apply=apply,
    params=(Param("margin", "integer", 8, "pixels kept around the target on every side", 0, 1000),),
    example='crop(subplots(2), margin=4)',
    details=(
        "The new image is the smallest rectangle holding every target box, grown by `margin` "
        "pixels on each side and cut to the image; its pixels are copied unchanged."
    ),
    changes_geometry=True,
)

def apply_zoom(ctx: EditContext) -> Image.Image | None:
    x1, y1, x2, y2 = crop_box(ctx)
    scale = float(ctx.params["scale"])
    size = (max(1, round((x2 - x1) * scale)), max(1, round((y2 - y1) * scale)))
    check_pixels(size[0], size[1], ctx.max_pixels, what="the zoomed image")  # before allocating
    ctx.transform = Transform(
        offset_x=x1, offset_y=y1, scale_x=size[0] / (x2 - x1), scale_y=size[1] / (y2 - y1)
    )
    return ctx.canvas.crop((x1, y1, x2, y2)).resize(size, Image.Resampling.LANCZOS)


ZOOM = ToolSpec(
    name="zoom",
    summary=(
        "Crop to the target boxes (plus a margin) and enlarge the result by a scale factor, "
        "to make small text legible; later statements still name things of the original image."
    ),
    apply=apply_zoom,
    params=(
        Param("scale", "number", 2.0, "enlargement factor (Lanczos resampling)", 1.0, 4.0),
        Param("margin", "integer", 8, "pixels kept around the target on every side", 0, 1000),
    ),
    example='zoom(cells(row="1996", col="Earning"), scale=3)',
    details=(
        "The rectangle crop would keep, resized by `scale` (each side rounded to whole pixels) "
        "with Lanczos resampling."
    ),
    changes_geometry=True,
)

PLUGIN = Plugin(tools=(CROP, ZOOM), name="crop")
