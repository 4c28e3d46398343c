"""Images as the endpoint sees them: PNG bytes in data URIs, named for the trace."""

from __future__ import annotations

import base64
import io
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
