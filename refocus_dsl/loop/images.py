"""Images as the endpoint sees them: PNG bytes in data URIs, named for the trace."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from PIL import Image

PNG_COMPRESS_LEVEL = 1
"""Fast zlib level: an 800x600 chart encodes in a few milliseconds; size barely matters
to a model, which is billed by pixels, not bytes."""


def png_bytes(image: Image.Image, compress_level: int = PNG_COMPRESS_LEVEL) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@dataclass(frozen=True)
class ImageRef:
    """An image part of a message: its file name in the trace and its PNG bytes."""

    name: str
    png: bytes

    @cached_property
    def uri(self) -> str:
        return data_uri(self.png)


def downscaled_png(png: bytes, max_side: int) -> bytes:
    """The PNG with its longest side at most ``max_side`` pixels (unchanged when it fits)."""
    with Image.open(io.BytesIO(png)) as image:
        if max(image.size) <= max_side:
            return png
        image.load()
        small = image.copy()
    small.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return png_bytes(small)


_TURN = re.compile(r"turn(\d+)\.png$")


def _age(name: str) -> int:
    """How recent an image is: the input is 0, ``turnN.png`` is N."""
    m = _TURN.search(name)
    return int(m.group(1)) if m else 0


def images_to_leave_out(
    parts: Sequence[tuple[int, int, str]], max_images: int
) -> set[tuple[int, int]]:
    """Which image parts (message index, part index, image name) to leave out of a
    request so that at most ``max_images`` remain: first copies of an image sent again
    later (the original goes with every observation), then the oldest images."""
    extra = len(parts) - max_images
    if extra <= 0:
        return set()
    last_copy = {name: (m, p) for m, p, name in parts}

    def order(part: tuple[int, int, str]) -> tuple[int, int, int, int]:
        m, p, name = part
        return (0 if last_copy[name] != (m, p) else 1, _age(name), m, p)

    return {(m, p) for m, p, _ in sorted(parts, key=order)[:extra]}
