"""Pixel helpers shared by the built-in tools: boxes, unions, blends, the keep-only region.

Every edit works on box slices of the canvas with Pillow's C routines (paste
of a solid colour, ``point`` through a lookup table), so no tool converts or
copies the whole image: cost grows with the edited area. Regions that are not
rectangles (a union, a union minus kept boxes) are split into disjoint
rectangles first; a masked paste would be exact too, but Pillow runs it pixel
by pixel (milliseconds on a whole table).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from PIL import Image

from refocus_dsl.colors import Rgba, color_channels, pixel_for_mode
from refocus_dsl.layout import Box
from refocus_dsl.plugin import TargetSet


def clip(box: Box, width: int, height: int) -> Box | None:
    """``box`` cut to the canvas, or None when nothing of it is left."""
    x1, y1 = max(0, box[0]), max(0, box[1])
    x2, y2 = min(width, box[2]), min(height, box[3])
    if x2 <= x1 or y2 <= y1:
        return None
    return (x1, y1, x2, y2)


def clipped(boxes: Iterable[Box], width: int, height: int) -> list[Box]:
    out = []
    for b in boxes:
        c = clip(b, width, height)
        if c is not None:
            out.append(c)
    return out


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    intervals.sort()
    merged: list[tuple[int, int]] = []
    for a, b in intervals:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _subtract(ivs: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted disjoint intervals minus sorted disjoint intervals."""
    out: list[tuple[int, int]] = []
    for a, b in ivs:
        for c, d in cuts:
            if d <= a or c >= b:
                continue
            if c > a:
                out.append((a, c))
            a = max(a, d)
            if a >= b:
                break
        if a < b:
            out.append((a, b))
    return out


def region_rects(add: Sequence[Box], sub: Sequence[Box] = ()) -> list[Box]:
    """The union of ``add`` minus the union of ``sub``, as non-overlapping rectangles.

    A sweep over x: between consecutive box edges every box either covers the
    whole slab or none of it, so each slab is a set of y-intervals; runs of
    slabs with the same intervals merge into one rectangle. Used where an edit
    must touch each pixel once (a blend applied twice would darken overlaps)
    and to paint regions with solid fills instead of slow masked pastes.
    """
    adds = [b for b in add if b[2] > b[0] and b[3] > b[1]]
    subs = [b for b in sub if b[2] > b[0] and b[3] > b[1]]
    if not subs and len(adds) <= 1:
        return adds
    if not adds:
        return []
    xs = sorted({x for b in (*adds, *subs) for x in (b[0], b[2])})
    out: list[Box] = []
    open_runs: dict[tuple[int, int], int] = {}  # y-interval -> x where its run started
    for xa, xb in zip(xs[:-1], xs[1:], strict=True):
        ivs = _merge([(b[1], b[3]) for b in adds if b[0] <= xa and b[2] >= xb])
        if ivs and subs:
            ivs = _subtract(ivs, _merge([(b[1], b[3]) for b in subs if b[0] <= xa and b[2] >= xb]))
        current = set(ivs)
        for iv in list(open_runs):
            if iv not in current:
                out.append((open_runs.pop(iv), iv[0], xa, iv[1]))
        for iv in ivs:
            open_runs.setdefault(iv, xa)
    for iv, start in open_runs.items():
        out.append((start, iv[0], xs[-1], iv[1]))
    return out


def disjoint_rects(boxes: Sequence[Box]) -> list[Box]:
    """The union of ``boxes`` as non-overlapping rectangles."""
    return region_rects(boxes)


def fill(canvas: Image.Image, boxes: Iterable[Box], color: Rgba) -> None:
    """Set every pixel of ``boxes`` to ``color`` (boxes already on the canvas)."""
    value = pixel_for_mode(color, canvas.mode)
    for b in boxes:
        canvas.paste(value, b)


@functools.lru_cache(maxsize=64)
def blend_lut(alpha: float, channels: tuple[int, ...], has_alpha: bool) -> tuple[int, ...]:
    """Lookup table for ``round((1 - a) * I + a * c)`` per colour channel (alpha kept).

    ``round`` is Python's (half to even), computed in double precision exactly
    as written, so a reference implementation in numpy gives the same bytes.
    """
    lut: list[int] = []
    for c in channels:
        lut.extend(round((1.0 - alpha) * i + alpha * c) for i in range(256))
    if has_alpha:
        lut.extend(range(256))
    return tuple(lut)


def point(image: Image.Image, lut: Sequence[int]) -> Image.Image:
    """``image.point(lut)`` for a table of ints, without Pillow's per-call re-rounding.

    ``Image.point`` rounds every table entry in Python on every call (about
    0.2 ms for an RGB table, as long as the whole blend of two table columns);
    our tables are ints already, so the core is called directly when this
    Pillow has it, and the public method otherwise (same bytes either way).
    """
    core = getattr(image, "im", None)
    wrap = getattr(image, "_new", None)
    if core is not None and wrap is not None and hasattr(core, "point"):
        try:
            out = wrap(core.point(lut, None))
        except (TypeError, ValueError):
            out = None
        if isinstance(out, Image.Image):
            return out
    return image.point(lut)


def blend(canvas: Image.Image, boxes: Sequence[Box], color: Rgba, alpha: float) -> None:
    """Blend ``color`` into the union of ``boxes``, each pixel once."""
    mode = canvas.mode
    lut = blend_lut(alpha, color_channels(color, mode), mode in ("RGBA", "LA"))
    for r in disjoint_rects(boxes):
        canvas.paste(point(canvas.crop(r), lut), r)


def keep_region(targets: TargetSet, width: int, height: int) -> list[Box]:
    """What ``keep_only`` covers, as non-overlapping rectangles (empty when nothing).

    Inside the group's extent (the whole canvas when there is none): the sibling
    boxes not named, or, for targets without siblings (region, text), the whole
    extent; minus every named box and every protected box.
    """
    ext: Box | None = (0, 0, width, height)
    if targets.extent is not None:
        ext = clip(targets.extent, width, height)
    if ext is None:
        return []
    if targets.siblings:
        named = set(targets.boxes)
        add = [_intersect(s, ext) for s in targets.siblings if s not in named]
    else:
        add = [ext]
    return region_rects(add, [*targets.boxes, *targets.protected])


def _intersect(a: Box, b: Box) -> Box:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
