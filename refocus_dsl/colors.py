"""Colours: the one table of names and the one parser, shared by checker and tools.

A colour is written as a name from :data:`COLOR_NAMES` (case-insensitive) or
as ``#rrggbb`` / ``#rrggbbaa``. The names and values are CSS's (so ``green``
is ``#008000``, as in Pillow), limited to a fixed, documented set: a model
cannot name a colour that the checker accepts and a tool does not know.

Tools receive colours as :data:`Rgba` tuples and turn them into a pixel value
for the canvas mode with :func:`pixel_for_mode`; greyscale canvases use the
colour's luminance, exactly as Pillow's ``convert("L")`` computes it (ITU-R
601-2 weights 0.299, 0.587, 0.114 in 16-bit fixed point:
``(19595 R + 38470 G + 7471 B + 32768) >> 16``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Rgba = tuple[int, int, int, int]
Pixel = int | tuple[int, ...]

_NAMES: dict[str, tuple[int, int, int]] = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "orange": (255, 165, 0),
    "purple": (128, 0, 128),
    "pink": (255, 192, 203),
    "brown": (165, 42, 42),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
    "darkgray": (169, 169, 169),
    "darkgrey": (169, 169, 169),
    "cyan": (0, 255, 255),
    "magenta": (255, 0, 255),
    "lime": (0, 255, 0),
    "navy": (0, 0, 128),
    "teal": (0, 128, 128),
    "maroon": (128, 0, 0),
    "olive": (128, 128, 0),
    "silver": (192, 192, 192),
    "gold": (255, 215, 0),
    "violet": (238, 130, 238),
    "indigo": (75, 0, 130),
}

COLOR_NAMES: Mapping[str, tuple[int, int, int]] = MappingProxyType(_NAMES)
"""Every colour name the language knows, lower-case, with its RGB value."""

_HEX = frozenset("0123456789abcdef")


def parse_color(text: str) -> Rgba | None:
    """``"red"``, ``"#ff0000"`` or ``"#ff000080"`` to RGBA; None when it is not a colour."""
    t = text.strip().lower()
    rgb = _NAMES.get(t)
    if rgb is not None:
        return (rgb[0], rgb[1], rgb[2], 255)
    if t.startswith("#") and len(t) in (7, 9) and all(c in _HEX for c in t[1:]):
        vals = [int(t[i : i + 2], 16) for i in range(1, len(t), 2)]
        return (vals[0], vals[1], vals[2], vals[3] if len(vals) == 4 else 255)
    return None


def luminance(rgb: tuple[int, ...]) -> int:
    """Grey value of a colour: ITU-R 601-2 weights in Pillow's fixed point (as ``convert("L")``)."""
    r, g, b = rgb[0], rgb[1], rgb[2]
    return (19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16


def pixel_for_mode(color: Rgba, mode: str) -> Pixel:
    """The pixel value that *is* ``color`` on a canvas of ``mode`` (RGB, RGBA, L, LA).

    RGB drops the colour's alpha; RGBA and LA keep it; L and LA use the luminance.
    """
    if mode == "RGB":
        return (color[0], color[1], color[2])
    if mode == "RGBA":
        return color
    if mode == "L":
        return luminance(color)
    if mode == "LA":
        return (luminance(color), color[3])
    raise ValueError(f"unsupported canvas mode {mode!r}")


def color_channels(color: Rgba, mode: str) -> tuple[int, ...]:
    """The colour's value for each *colour* channel of ``mode`` (alpha excluded)."""
    if mode in ("RGB", "RGBA"):
        return (color[0], color[1], color[2])
    if mode in ("L", "LA"):
        return (luminance(color),)
    raise ValueError(f"unsupported canvas mode {mode!r}")
