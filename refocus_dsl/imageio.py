"""Reading images safely: bounded size, known modes, clear errors.

Every path by which an image enters the package goes through
:func:`load_image`, so the pixel limit and the mode rules hold everywhere.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from refocus_dsl.errors import USAGE, ImageError, LimitError
from refocus_dsl.lang.limits import DEFAULT_MAX_PIXELS as DEFAULT_MAX_PIXELS

MIN_DETECT_SIDE = 16
"""Smallest width and height in which a layout can be detected."""

_KEPT_MODES = {"RGB", "RGBA", "L", "LA"}

IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM")
"""The only formats Pillow may try: whatever a file is named, an EPS or PDF never reaches
Ghostscript, and no rarely used decoder sees untrusted bytes."""


def _allow_pixels(max_pixels: int) -> None:
    """Pillow's own bomb limit follows ours when ours is higher (it only ever rises), so
    an image our limit allows is never refused by Pillow's with a contradicting message."""
    if Image.MAX_IMAGE_PIXELS is not None and max_pixels > Image.MAX_IMAGE_PIXELS:
        Image.MAX_IMAGE_PIXELS = max_pixels


@dataclass(frozen=True)
class LoadedImage:
    """An image ready for editing, and what was done to get it there."""

    image: Image.Image
    original_mode: str
    notes: tuple[str, ...] = ()


def check_pixels(
    width: int, height: int, max_pixels: int = DEFAULT_MAX_PIXELS, what: str = "image"
) -> None:
    if width <= 0 or height <= 0:
        raise ImageError(f"{what} has no pixels ({width}x{height})")
    if width * height > max_pixels:
        verb = "is" if what == "image" else "would be"
        raise LimitError(
            f"{what} {verb} {width}x{height} = {width * height:,} pixels, over the limit of "
            f"{max_pixels:,}; shrink it first, or raise the limit (--max-pixels N on the "
            "command line, max_pixels= or Limits(max_pixels=...) in Python)"
        )


def normalize_image(image: Image.Image, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedImage:
    """Convert an in-memory image to a mode the edit tools handle, saying what changed."""
    check_pixels(image.width, image.height, max_pixels)
    notes: list[str] = []
    mode = image.mode
    if getattr(image, "is_animated", False):
        notes.append(
            f"animated image with {getattr(image, 'n_frames', '?')} frames: using the first"
        )
        image.seek(0)
    upright = _upright(image)
    turned = upright is not image
    if turned:
        notes.append(f"turned upright as its EXIF orientation ({_orientation(image)}) says")
        image = upright
    if mode in _KEPT_MODES:
        out = image if turned else image.copy()  # a turned image is a new one already
    elif mode == "P" or mode == "PA":
        has_alpha = "transparency" in image.info or mode == "PA"
        out = image.convert("RGBA" if has_alpha else "RGB")
        notes.append(f"palette image converted to {out.mode}")
    elif mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        import numpy as np

        arr = np.nan_to_num(np.asarray(image, dtype=np.float64))
        hi = float(arr.max()) if arr.size else 0.0
        if mode == "F" and hi <= 1.0:
            scale = 255.0  # floating-point images usually hold 0..1
        else:
            scale = 255.0 / 65535.0 if hi > 255 else 1.0
        out = Image.fromarray(np.clip(np.rint(arr * scale), 0, 255).astype(np.uint8), "L")
        notes.append(f"{mode} image converted to 8-bit L")
    elif mode == "1":
        out = image.convert("L")
        notes.append("1-bit image converted to L")
    else:  # CMYK, YCbCr, LAB, HSV, RGBX, premultiplied La / RGBa ...
        out = _converted(image)
        notes.append(f"{mode} image converted to {out.mode}")
    return LoadedImage(out, mode, tuple(notes))


def _converted(image: Image.Image) -> Image.Image:
    """The image in RGB, or in RGBA / LA for a mode Pillow turns only into those
    (premultiplied "La" has no route to RGB)."""
    for target in ("RGB", "RGBA", "LA"):
        try:
            return image.convert(target)
        except ValueError:
            continue
    raise ImageError(f"image mode {image.mode!r} cannot be read: convert it to RGB first")


_EXIF_ORIENTATION = 0x0112


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation tag (1 = upright); broken metadata never stops the pixels."""
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - any malformed EXIF block: read the pixels as stored
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
"""How each EXIF orientation is undone (the tag's meaning, as in Pillow's exif_transpose)."""


def _upright(image: Image.Image) -> Image.Image:
    """The image as a person sees it: a phone photo stored sideways with an orientation
    tag is turned, so boxes found on it match what the model is shown. The EXIF block
    is dropped, not rewritten (a damaged one made Pillow's writer fail), so the turned
    image is never turned again."""
    turn = _TURNS.get(_orientation(image))
    if turn is None:
        return image
    upright = image.transpose(turn)
    upright.info.pop("exif", None)
    return upright


def on_white(image: Image.Image) -> Image.Image:
    """``image`` as RGB (or L) with transparent pixels laid on white, how viewers show
    them: for formats and encoders that keep no alpha."""
    if image.mode in ("RGB", "L"):
        return image
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def load_image(source: str | Path | bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedImage:
    """Open and fully decode an image file (or bytes), within ``max_pixels``."""
    name = "<bytes>" if isinstance(source, bytes) else str(source)
    try:
        fp: io.BytesIO | Path = io.BytesIO(source) if isinstance(source, bytes) else Path(source)
        _allow_pixels(max_pixels)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fp, formats=IMAGE_FORMATS) as im:
                check_pixels(im.width, im.height, max_pixels)
                im.load()
                return normalize_image(im, max_pixels)
    except (LimitError, ImageError) as exc:
        raise type(exc)(f"{name}: {exc}") from None
    except FileNotFoundError:
        raise ImageError(f"{name}: no such file", exit_code=USAGE) from None
    except IsADirectoryError:
        raise ImageError(f"{name}: is a directory, not an image", exit_code=USAGE) from None
    except PermissionError:
        raise ImageError(f"{name}: permission denied", exit_code=USAGE) from None
    except UnidentifiedImageError:
        raise ImageError(
            f"{name}: not an image in a format we read ({', '.join(IMAGE_FORMATS)})"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refused before we saw the size; its message names its own limit, not ours
        size = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = f" ({int(size.group(1)):,} pixels)" if size else ""
        raise LimitError(
            f"{name}: image{pixels} is over the limit of {max_pixels:,} pixels; shrink it "
            "first, or raise the limit (--max-pixels N on the command line, max_pixels= or "
            "Limits(max_pixels=...) in Python)"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageError(f"{name}: cannot decode image ({exc})") from None


def check_detectable(image: Image.Image, min_side: int = MIN_DETECT_SIDE) -> None:
    """Refuse images too small to hold a table, chart or figure (a 1x1 icon, a spacer)."""
    if image.width < min_side or image.height < min_side:
        raise ImageError(
            f"image is {image.width}x{image.height} pixels: too small to detect a layout "
            f"(at least {min_side}x{min_side} is needed)"
        )
