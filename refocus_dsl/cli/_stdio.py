"""``-`` for standard input and output, wherever the CLI reads or writes a file.

``refocus detect - --json < img.png``, ``refocus check prog.rf --layout - <
layout.json``, ``refocus run img.png prog.rf -o - > out.png``. Standard input can
be read once, so a command that names ``-`` for two inputs is a usage error;
an image written to standard output moves the command's text to standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from PIL import Image

from refocus_dsl.errors import USAGE, ImageError, LayoutError, RefocusError
from refocus_dsl.imageio import on_white

STDIO = "-"


def is_stdio(path: object) -> bool:
    return path is not None and str(path) == STDIO


def one_stdin(*inputs: tuple[str, object]) -> None:
    """Refuse more than one input read from standard input (``(flag, value)`` pairs)."""
    named = [flag for flag, value in inputs if is_stdio(value)]
    if len(named) > 1:
        raise RefocusError(
            f"{' and '.join(named)} both read standard input ('-'); give a file for one",
            exit_code=USAGE,
        )


def image_input(path: str) -> str | bytes:
    """The image argument as ``load_image`` takes it: a path, or the bytes of stdin."""
    if not is_stdio(path):
        return path
    data = sys.stdin.buffer.read()
    if not data:
        raise ImageError("standard input is empty (expected an image)", exit_code=USAGE)
    return data


def layout_input(path: str | None) -> str | Mapping[str, Any] | None:
    """The ``--layout`` argument as ``load_layout`` takes it: a path, or the parsed
    document read from standard input."""
    if not is_stdio(path):
        return path
    try:
        doc = json.loads(sys.stdin.read())
    except json.JSONDecodeError as exc:
        raise LayoutError(f"<stdin>:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise LayoutError("<stdin>: not UTF-8 text") from None
    if not isinstance(doc, dict):
        raise LayoutError("<stdin>: a layout is a JSON object")
    return doc


def text_stream(output: object) -> IO[str]:
    """Where a command's text goes: standard error when its image goes to standard output."""
    return sys.stderr if is_stdio(output) else sys.stdout


def write_image(image: Image.Image, path: str | Path, image_format: str | None = None) -> str:
    """Save ``image`` to ``path`` (in ``image_format``, else as its extension says) or as
    PNG to standard output; return a name for messages."""
    try:
        if is_stdio(path):
            from refocus_dsl.loop.images import png_bytes

            sys.stdout.buffer.write(png_bytes(image, compress_level=6))
            sys.stdout.buffer.flush()
            return "<stdout>"
        image = _without_alpha_for(image, path, image_format)
        image.save(path, format=image_format)
    except (OSError, ValueError, KeyError) as exc:
        raise ImageError(f"cannot write {path}: {exc}", exit_code=USAGE) from None
    return str(path)


def _without_alpha_for(
    image: Image.Image, path: str | Path, image_format: str | None
) -> Image.Image:
    """JPEG keeps no transparency: the image is laid on white (Pillow would refuse an
    RGBA image, and dropping alpha alone would show what it hid)."""
    name = image_format or Image.registered_extensions().get(Path(path).suffix.lower())
    return on_white(image) if name == "JPEG" else image


def write_text(text: str, path: str | Path) -> str:
    """Write ``text`` to ``path`` or standard output; return a name for messages."""
    if is_stdio(path):
        sys.stdout.write(text)
        sys.stdout.flush()
        return "<stdout>"
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RefocusError(f"cannot write {path}: {exc.strerror or exc}", exit_code=USAGE) from None
    return str(path)
