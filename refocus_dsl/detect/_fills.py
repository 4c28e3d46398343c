"""Flat fills read off degraded pixels: how grainy an image is, a copy with the grain
taken off, and bar sides put back where a fill's colour gives way.

Why: charts reach us scanned, photographed, shrunk and JPEG'd. Bars are flat fills,
so what degradation does to them can be measured on the image itself (the grain's
spread) and undone where it matters (the palette's tolerance, the bars' edges),
rather than guessed with constants per style.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from refocus_dsl.detect._bars import Rect
from refocus_dsl.detect._raster import (
    I32,
    U8,
    border_colour,
    colour_distance,
    colour_step,
    gray,
)

NOISY = 2.0
"""Median grey step between horizontal neighbours above which an image counts as
grainy (a flat-filled chart's is 0: its fills are uniform)."""

SAME_COLOUR = 3.0
"""Largest per-channel difference of two colours the eye cannot tell apart (about a
just-noticeable difference in 8-bit sRGB): two palette colours this close are one
fill that a bin edge split (JPEG's blocky chroma moves a fill by a level or two)."""

SAMPLE_PIXELS = 250_000
"""About how many pixels (whole rows) the grain statistics are taken from."""

GRAIN_LAG = 3
"""Pixels apart at which grain is measured: blur, JPEG and a 3x3 median tie neighbours
together (their differences understate the grain), pixels 3 apart much less."""


PAGE_STEP = 16
"""Per-channel difference from the page colour beyond which a pixel is ink."""

EDGE_STEP = 32
"""Per-channel step between pixels beyond which they lie in different fills (an edge):
distinct fills of a chart differ by more, while what JPEG (quality 30 and up) and scan
grain do inside one fill stays under it."""

SPREAD_SHARE = 0.9
"""Share of a fill's moved pixels the palette's tolerance must cover."""

SPREAD_PIXELS = 50_000
"""About how many pixels (whole rows, and as many in whole columns) the spread is read
from."""

MOVED_SHARE = 0.05
"""Share of the ink's steps that must be fill noise (beyond what anti-aliased edges
give) for the fills to count as spread: a flat-filled chart has a fraction of that,
JPEG at quality 30-70, grain and scans several times it."""


@dataclass(frozen=True)
class Denoised:
    """The pixels bars are read from, and how far grain left in them spreads one fill's
    colour (0 on a flat-filled image)."""

    rgb: npt.NDArray[Any]
    tolerance: float
    grain: float
    """The grain's standard deviation, or a third of the fills' spread (JPEG): what
    there is of either says the bars' edges wander."""


def _median(values: npt.NDArray[Any]) -> float:
    """``np.median`` of non-negative integers (not empty), from their counts: exact, and
    several times cheaper than numpy's partition on hundreds of thousands of values."""
    counts = np.cumsum(np.bincount(values.ravel()))
    n = values.size
    # the value at rank r is the first whose running count passes r
    lo, hi = np.searchsorted(counts, [(n - 1) // 2, n // 2], side="right").tolist()
    return float(lo + hi) / 2.0


def grain(g: npt.NDArray[Any]) -> float:
    """Standard deviation of the grain in grey ``g``, from the differences of pixels
    :data:`GRAIN_LAG` apart along rows (robust: a median, so the few edges do not
    count); pixels at black or white are left out, where grain is clipped."""
    a = np.asarray(g, dtype=np.int32)
    k = GRAIN_LAG
    if a.ndim != 2 or a.shape[1] <= k:
        return 0.0
    ok = (a > 8) & (a < 247)
    d = (a[:, k:] - a[:, :-k])[ok[:, k:] & ok[:, :-k]]
    if d.size < 100:
        return 0.0
    # twice the median, so that the deviations from it are whole numbers too
    twice = int(2 * (_median(d + 255) - 255))
    return 1.4826 * (_median(np.abs(2 * d - twice)) / 2.0) / float(np.sqrt(2.0))


def fill_spread(rgb: npt.NDArray[Any], page: tuple[int, int, int]) -> float:
    """How far a fill's colour wanders (0: flat fills), read off the ink's colour steps
    (largest channel difference) between pixels :data:`GRAIN_LAG` apart, along a sample
    of rows and of columns; the page is left out (JPEG keeps it exact).

    Steps below :data:`EDGE_STEP` come from two sources: an anti-aliased or blurred
    edge puts a pixel anywhere between its two fills, so its steps spread evenly over
    the levels (their density is that of the steps just above, which only edges make);
    noise in a fill (JPEG's ringing and 4:2:0 chroma near edges, scan grain) piles up
    at small steps. The excess over the even density is the fills' noise: when it is at
    least :data:`MOVED_SHARE` of the steps, the level below which :data:`SPREAD_SHARE`
    of it lies is the spread. (A median step would not do: JPEG keeps most of a flat
    fill exact, an 8x8 block inside it keeps only its mean, and moves the pixels near
    an edge by up to a couple of dozen levels.)"""
    k, e = GRAIN_LAG, EDGE_STEP
    if min(rgb.shape[:2]) <= k:
        return 0.0
    # An odd stride: JPEG's blocks (8 px) and chroma (2 px) repeat at even ones.
    every = max(1, rgb.shape[0] * rgb.shape[1] // SPREAD_PIXELS) | 1
    hist = np.zeros(2 * e, dtype=np.float64)
    n = 0
    for part in (rgb[::every], np.swapaxes(rgb[:, ::every], 0, 1)):
        ink = colour_distance(part, page) > PAGE_STEP
        d = colour_step(part[:, k:], part[:, :-k])[ink[:, k:] & ink[:, :-k]]
        n += d.size
        hist += np.bincount(d[d < 2 * e], minlength=2 * e)
    excess = np.clip(hist[1:e] - hist[e:].mean(), 0.0, None)
    if n < 100 or excess.sum() < MOVED_SHARE * n:
        return 0.0
    return float(1 + np.searchsorted(np.cumsum(excess), SPREAD_SHARE * excess.sum()))


def denoised(rgb: npt.NDArray[Any]) -> Denoised:
    """``rgb``, or on a grainy image (scan noise, a camera) its 3x3 median: grain
    spreads a flat fill over many palette bins, so no run of one colour is a bar; the
    median restores the fills and keeps their edges. The grain left (fine grain after
    the median, or grain that blur and JPEG spread over blocks, which no 3x3 median
    removes) is measured on the result, and the palette takes each fill's colour within
    three times that, or within the fills' spread (:func:`fill_spread`) when that is
    more (JPEG moves few pixels, by far more than its grain)."""
    # Statistics of a sample of rows: a few hundred thousand pixels tell them well.
    every = max(1, rgb.shape[0] * rgb.shape[1] // SAMPLE_PIXELS)
    g = gray(rgb[::every])
    step = _median(np.abs(np.diff(g, axis=1))) if g.shape[1] > 1 else 0.0
    if step > NOISY:
        img = Image.fromarray(np.ascontiguousarray(rgb), "RGB").filter(ImageFilter.MedianFilter(3))
        rgb = np.asarray(img, dtype=np.uint8)
        g = gray(rgb[::every])
    sigma = grain(g)
    spread = fill_spread(rgb, border_colour(rgb))
    tolerance = max(SAME_COLOUR, 3.0 * sigma, spread)
    return Denoised(rgb, tolerance, max(sigma, spread / 3.0 if spread > SAME_COLOUR else 0.0))


EDGE_REACH = 4
"""Pixels a bar's side may move when it is refined: a blurred, grainy or JPEG'd edge
is a few pixels wide; a side further off is no such edge."""


def _edge_at(profile: npt.NDArray[np.float64]) -> int | None:
    """Where a side lies along ``profile`` (distance from the fill colour, outside first):
    the first position whose distance has fallen below half way between the outside's
    and the fill's. None when the profile shows no step (or is too short to show one)."""
    if profile.size < 2:
        return None
    outside, inside = float(profile[0]), float(profile[-1])
    if outside - inside < 8.0:
        return None
    below = np.flatnonzero(profile <= (outside + inside) / 2.0)
    return int(below[0]) if below.size else None


def _off_fill(block: U8, fill: npt.NDArray[np.float64], axis: int) -> npt.NDArray[np.float64]:
    """How far ``block``'s pixels are from ``fill`` (largest channel difference), averaged
    along ``axis``."""
    d = np.abs(block.astype(np.float64) - fill).max(axis=2)
    return np.asarray(d.mean(axis=axis), dtype=np.float64)


def refine_edges(rgb: U8, bars: tuple[Rect, ...]) -> tuple[Rect, ...]:
    """Each bar's sides moved to where its colour gives way to what is beside it, half
    way through the blur (blur, grain and JPEG ringing leave a bar's edge pixels out of
    its colour, so its rectangle comes out short by a pixel or several a side). Each
    side is measured along its middle, averaged over the side's length, where grain
    cancels out."""
    h, w = rgb.shape[:2]
    out = []
    for r in bars:
        inset = 2 if min(r.w, r.h) > 6 else 0
        core = rgb[r.y1 + inset : r.y2 - inset, r.x1 + inset : r.x2 - inset].reshape(-1, 3)
        if core.size == 0:
            out.append(r)
            continue
        fill = np.median(core, axis=0)
        k = EDGE_REACH
        # Rows (columns) along the middle of a side, clear of the corners.
        ya, yb = r.y1 + r.h // 4, max(r.y1 + r.h // 4 + 1, r.y2 - r.h // 4)
        xa, xb = r.x1 + r.w // 4, max(r.x1 + r.w // 4 + 1, r.x2 - r.w // 4)

        x1, y1, x2, y2 = r.x1, r.y1, r.x2, r.y2
        # Each side's profile runs from outside in; a side near the image edge stays. A far
        # side's window starts at the image edge when the bar is thinner than EDGE_REACH
        # there (a negative start would wrap to the other end of the row).
        if r.x1 >= k:
            e = _edge_at(_off_fill(rgb[ya:yb, r.x1 - k : r.x1 + k], fill, 0))
            x1 = r.x1 - k + e if e is not None else x1
        if r.x2 + k <= w:
            e = _edge_at(_off_fill(rgb[ya:yb, max(0, r.x2 - k) : r.x2 + k], fill, 0)[::-1])
            x2 = r.x2 + k - e if e is not None else x2
        if r.y1 >= k:
            e = _edge_at(_off_fill(rgb[r.y1 - k : r.y1 + k, xa:xb], fill, 1))
            y1 = r.y1 - k + e if e is not None else y1
        if r.y2 + k <= h:
            e = _edge_at(_off_fill(rgb[max(0, r.y2 - k) : r.y2 + k, xa:xb], fill, 1)[::-1])
            y2 = r.y2 + k - e if e is not None else y2
        out.append(Rect(r.colour, x1, y1, x2, y2) if x2 > x1 and y2 > y1 else r)
    return tuple(out)


def clustered_ink(rgb: U8, labels: I32) -> float:
    """Share of the ink (pixels off the page colour) that belongs to one of the palette's
    fill colours (1.0 with no ink). A flat-filled chart leaves only anti-aliased edges
    outside every fill (well under 1% of its ink); JPEG's ringing leaves several
    percent, and with it text that reads less reliably."""
    ink = colour_distance(rgb, border_colour(rgb)) > PAGE_STEP
    n = int(ink.sum())
    if n == 0:
        return 1.0
    return 1.0 - float(np.count_nonzero(ink & (labels < 0))) / n
