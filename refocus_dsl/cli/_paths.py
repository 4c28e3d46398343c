"""Where the CLI may write: never onto an input, never over a trace, never a traceback.

A careless ``-o`` that names the input image, or ``--trace-dir`` that names
yesterday's trace, would silently destroy data; these checks run before any
work is done, so a refusal costs nothing. Refusals are :class:`OutputRefused`
(exit 2, like any other usage error).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from refocus_dsl.errors import USAGE, RefocusError

TRACE_OWNED = ("trace.json", "input.png")
"""Files whose presence marks a folder as holding a trace."""


class OutputRefused(RefocusError):
    """An output path would overwrite an input or an existing trace (exit status 2)."""

    exit_code = USAGE


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both paths name one file (after resolving links, or by inode)."""
    pa, pb = Path(a), Path(b)
    try:
        if pa.resolve() == pb.resolve():
            return True
    except (OSError, RuntimeError):
        pass
    try:
        return os.path.samefile(pa, pb)
    except (OSError, ValueError):
        return False


def refuse_input_overwrite(
    output: str | Path | None, inputs: Iterable[tuple[str, str | Path | None]], flag: str
) -> None:
    """Raise :class:`OutputRefused` when ``output`` is one of ``inputs`` (``(what, path)``)."""
    if output is None or str(output) == "-":
        return
    for what, path in inputs:
        if path is None or str(path) == "-":
            continue
        if same_file(output, path):
            raise OutputRefused(
                f"{flag} {output} is the {what}: refusing to overwrite an input; "
                "write the output somewhere else"
            )


def check_output_file(output: str | Path | None, flag: str) -> None:
    """Refuse, before any work, an output whose folder does not exist or that is a folder."""
    if output is None or str(output) == "-":
        return
    path = Path(output)
    if path.is_dir():
        raise OutputRefused(f"{flag} {output} is a folder; name a file")
    parent = path.parent
    if not parent.is_dir():
        raise OutputRefused(f"{flag} {output}: the folder {parent} does not exist")


def check_image_extension(output: str | Path | None, flag: str) -> None:
    """An image output's extension must name a format Pillow writes: a typo in
    ``-o out.pgn`` is refused before detection runs, not after."""
    if output is None or str(output) == "-":
        return
    from PIL import Image

    suffix = Path(output).suffix.lower()
    image_format = Image.registered_extensions().get(suffix)
    if image_format is None or image_format not in Image.SAVE:
        raise OutputRefused(
            f"{flag} {output}: cannot tell an image format from {suffix or 'no extension'!r}; "
            "name a .png (or .jpg, .webp, ...) file"
        )


def check_output_folder(folder: str | Path, flag: str) -> None:
    """An output folder must be a folder (or not exist yet), not a file."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise OutputRefused(f"{flag} {folder} is a file, not a folder")


def refuse_trace_overwrite(folder: str | Path | None, overwrite: bool) -> None:
    """Refuse to write a trace where one already is, unless ``overwrite`` was asked for."""
    if folder is None:
        return
    check_output_folder(folder, "--trace-dir")
    path = Path(folder)
    if overwrite or not path.is_dir():
        return
    if any((path / name).exists() for name in TRACE_OWNED):
        raise OutputRefused(
            f"--trace-dir {folder} already holds a trace; pass --overwrite to replace it "
            "or choose another folder"
        )
