"""A working resolution: structure on a reduced copy, text from the original, boxes mapped back.

Why: the detectors' pixel analysis costs time and memory in proportion to the
pixel count, and their thresholds (rule thickness, gaps, the smallest panel)
are in pixels of ordinary screen-sized images. A 36-megapixel scan of a chart
is the same chart: analysed on a copy of a few megapixels it gives the same
structure, fast and in bounded memory. OCR, though, reads best from the
original pixels: :class:`ScaledOcr` answers the detector's OCR requests on the
reduced copy by reading the matching crop of the original (at the working scale
when its text is big enough there, else from the original pixels at up to full
resolution), and gives the words back in the copy's coordinates.
:func:`scale_layout` maps the layout to the original at the end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from refocus_dsl.detect._raster import U8, grey_of, runs
from refocus_dsl.layout import Box, Layout
from refocus_dsl.ocr import DEFAULT_LANG, SMALL_TEXT_PX, OcrEngine, Word

WORK_PIXELS = 2_000_000
"""Images larger than this are analysed on a copy reduced by a whole factor to at most this."""


def working_factor(size: tuple[int, int], limit: int | None = None) -> int:
    """The whole factor that brings ``size`` to at most ``limit`` pixels (WORK_PIXELS by
    default; 1: as it is)."""
    limit = WORK_PIXELS if limit is None else limit
    w, h = size
    k = 1
    while (w // k) * (h // k) > limit:
        k += 1
    return k


FINE_WORK_PIXELS = 12_000_000
"""Upper bound on a working copy kept larger than WORK_PIXELS because its structure is fine."""
MIN_GAP_PX = 2.0
"""The narrowest blank band between lines (a rule and the text beside it, two text lines)
that the working copy must keep: a box filter by ``k`` turns a gap of ``g`` pixels into
``g / k``, and under about two pixels the line on either side runs into it."""
MIN_SIDE_PX = 16
"""What one line of text needs of a working copy's short side (a thinner copy is noted)."""
_PROBE_SAMPLES = 512
"""Columns sampled (nearest, full height) to measure the gaps between lines."""


def _probe(image: Image.Image, size: tuple[int, int]) -> U8:
    """Grey of whole rows or columns of ``image`` sampled to ``size`` (nearest: cheap,
    and no blur of its own), transparent pixels white as the detectors see them."""
    return grey_of(image.resize(size, Image.Resampling.NEAREST))


def line_gap(image: Image.Image) -> float | None:
    """The typical blank band between lines across ``image`` (median, pixels), or None.

    Measured on a few hundred columns at full height: rows holding no more ink than
    the emptiest rows (vertical rules run through every row) are blank, and the
    runs of them between inked rows are the gaps. None when the picture has no such
    regular blank bands (a photo, noise, a gradient, a blank page, or fewer than
    eight gaps): then the pixel budget alone sets the working size.
    """
    w, h = image.size
    if h < 16 or w < 1:
        return None
    grey = _probe(image, (min(w, _PROBE_SAMPLES), h)).astype(np.int16)
    bg = int(np.median(grey))
    prof = (np.abs(grey - bg) >= 60).mean(axis=1)
    base = float(np.percentile(prof, 10))
    if base > 0.05:
        return None
    gaps = [b - a for a, b in runs(prof <= base + 0.01) if a > 0 and b < h]
    if len(gaps) < 8:
        return None
    return float(np.median(gaps))


SHARP_RAMP_PX = 1.2
"""How many pixels the typical strong edge of a picture at its own resolution takes to
rise (crisp renders measure 1-1.2, soft scans about 1.5-2.3; taking the crisp end
brings an enlargement back near its own size): a picture whose edges take
``n`` times that is an enlargement, with nothing finer than ``n`` pixels in it."""
MIN_RAMP_EDGES = 200
"""Strong edges needed before :func:`edge_ramp` says anything."""


def edge_ramp(image: Image.Image) -> float | None:
    """The typical width (median, pixels) over which the picture's strong edges rise, or
    None when it has too few of them (a blank page, a photo with no hard edge).

    Measured on a few hundred sampled rows and columns: each run of same-signed steps
    is one edge, its width its whole rise over its largest single step (1 for a hard
    edge, about ``k`` for a hard edge enlarged ``k`` times)."""
    w, h = image.size
    if min(w, h) < 16:
        return None
    rows = _probe(image, (w, min(h, _PROBE_SAMPLES // 2)))
    cols = _probe(image, (min(w, _PROBE_SAMPLES // 2), h))
    lo, hi = np.percentile(rows, [0.5, 99.5])
    strong = max(40.0, 0.4 * float(hi - lo))
    widths: list[npt.NDArray[np.float64]] = []
    for lines in (rows.astype(np.int16), cols.T.astype(np.int16)):
        step = np.diff(lines, axis=1)
        sign = np.sign(step) * (np.abs(step) >= 2)
        r, c = np.nonzero(sign)
        if r.size == 0:
            continue
        sgn = sign[r, c]
        starts = np.ones(r.size, dtype=bool)
        starts[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1] + 1) | (sgn[1:] != sgn[:-1])
        first = np.flatnonzero(starts)
        vals = step[r, c].astype(np.float64)
        rise = np.abs(np.add.reduceat(vals, first))
        top = np.maximum.reduceat(np.abs(vals), first)
        keep = rise >= strong
        widths.append(rise[keep] / top[keep])
    found = np.concatenate(widths) if widths else np.empty(0)
    return float(np.median(found)) if found.size >= MIN_RAMP_EDGES else None


def choose_factor(image: Image.Image) -> int:
    """The whole factor to analyse ``image`` at: the pixel budget's (:func:`working_factor`),
    unless that would close the gaps between its lines (:func:`line_gap`); then the
    largest factor that keeps them at least MIN_GAP_PX, within FINE_WORK_PIXELS (when
    even a factor of 2 would close them, the budget's: they are no lines of text).
    An enlargement (:func:`edge_ramp`) is reduced further, towards its own resolution.

    Why: a dense ruled table (rows every 30 px, 36 MP) reduced to 2 MP had its rules
    6 px apart and its text run into them: it came back with no rows. And a 400 px scan
    enlarged to 36 MP, reduced only to 2 MP, still had rules 5-7 px of blur wide,
    which no rule finder measured in pixels takes for a rule: it lost its columns."""
    k = working_factor(image.size)
    if k == 1:
        return 1
    gap = line_gap(image)
    fine = int(gap // MIN_GAP_PX) if gap is not None else 0
    if 2 <= fine < k:  # under 2: lines packed tighter than any reduction keeps
        k = max(fine, working_factor(image.size, FINE_WORK_PIXELS))
    ramp = edge_ramp(image)
    if ramp is None:
        return k
    native = int(ramp // SHARP_RAMP_PX)
    if fine >= 2:
        native = min(native, fine)  # never closing the gaps between its lines
    native = min(native, min(image.size) // (8 * MIN_SIDE_PX))
    return max(k, native)


def working_copy(image: Image.Image, factor: int) -> Image.Image:
    """``image`` reduced by ``factor`` (box filter: every source pixel counts once)."""
    if factor <= 1:
        return image
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    return image.reduce(factor)


class ScaledOcr:
    """An :class:`OcrEngine` for the reduced copy that reads the original's pixels."""

    def __init__(
        self, engine: OcrEngine, original: Image.Image, work: Image.Image, factor: int
    ) -> None:
        self.engine = engine
        self.original = original
        self.work = work
        self.factor = factor
        self.name = engine.name
        self.lang = str(getattr(engine, "lang", DEFAULT_LANG))
        self.version = engine.version
        self.model = str(getattr(engine, "model", ""))
        self.calls = engine.calls
        self.seconds = engine.seconds

    def words(
        self,
        image: Image.Image,
        *,
        box: Box | None = None,
        psm: int = 11,
        scale: float | None = None,
    ) -> list[Word]:
        """Words of ``box`` of the reduced copy, read from the original, in copy pixels."""
        try:
            return self._words(image, box, psm, scale)
        finally:
            self.calls, self.seconds = self.engine.calls, self.engine.seconds

    def _words(
        self, image: Image.Image, box: Box | None, psm: int, scale: float | None
    ) -> list[Word]:
        if image is not self.work:  # a strip the detector made itself: read it as it is
            return self.engine.words(image, box=box, psm=psm, scale=scale)
        k = self.factor
        full = box if box is not None else (0, 0, self.work.width, self.work.height)
        orig: Box = _scale_pair(full, k, k)
        if scale is not None:
            scale = scale / k
        elif full[3] - full[1] >= SMALL_TEXT_PX:
            scale = 1.0 / k  # text of a working size already: read at the working scale
        else:
            # Small at the working scale: read from the original, enlarged no more than
            # needed (the engine enlarges small crops of ordinary images the same way).
            scale = max(1.0 / k, min(1.0, 1.5 * SMALL_TEXT_PX / max(1, orig[3] - orig[1])))
        found = self.engine.words(self.original, box=orig, psm=psm, scale=scale)
        return [dataclasses.replace(w, bbox=_scale_pair(w.bbox, 1.0 / k, 1.0 / k)) for w in found]


BoxMap = Callable[[Box], Box]


def _map_value(value: Any, typ: str, fn: BoxMap) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _map_dataclass(value, fn)
    if isinstance(value, tuple) and value and "Box" in typ and ", ...]" in typ:  # Box | None
        return tuple(_map_box(b, fn) for b in value)
    if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
        return tuple(_map_dataclass(v, fn) for v in value)
    if "Box" in typ and (value is None or (isinstance(value, tuple) and len(value) == 4)):
        return _map_box(value, fn)
    return value


def _map_box(box: Any, fn: BoxMap) -> Any:
    return None if box is None else fn(box)


def _scale_pair(box: Any, sx: float, sy: float) -> Any:
    if box is None:
        return None
    x1, y1, x2, y2 = box
    return (round(x1 * sx), round(y1 * sy), round(x2 * sx), round(y2 * sy))


def _map_dataclass(obj: Any, fn: BoxMap) -> Any:
    changes = {}
    for f in dataclasses.fields(obj):
        old = getattr(obj, f.name)
        new = _map_value(old, str(f.type), fn)
        if new is not old:
            changes[f.name] = new
    return dataclasses.replace(obj, **changes) if changes else obj


def map_layout_boxes(layout: Layout, fn: BoxMap) -> Layout:
    """``layout`` with ``fn`` applied to every box field of every nested dataclass (so new
    layout fields keep working)."""
    out: Layout = _map_dataclass(layout, fn)
    return out


def scale_layout(layout: Layout, size: tuple[int, int]) -> Layout:
    """``layout`` (of an image of ``layout.width`` x ``layout.height``) for the image resized
    to ``size``: every box field of every nested dataclass scaled, width/height replaced."""
    sx = size[0] / max(1, layout.width)
    sy = size[1] / max(1, layout.height)
    out = map_layout_boxes(layout, lambda b: _scale_pair(b, sx, sy))
    return dataclasses.replace(out, width=size[0], height=size[1])
