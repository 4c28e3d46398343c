"""``kind="auto"``: table, bar chart or multi-panel figure, from numpy features alone (no OCR).

Why these features: a bar chart's bars are solid fills of one colour, equally
thick, that stand on one baseline and differ in length, the longest a fair part of
the image, while the fills a table has (zebra stripes, header bands, bold section
rows) span the table and are all one length, header cells are a text line tall and
as wide as their text, and its text is thin strokes, never solid (each colour's
fills are judged on their own: a chart's plot strips between gridlines or one series
of equal bars must not hide the series that shows the chart); a figure is two or
more pieces holding drawing (panels, see :mod:`refocus_dsl.detect.figure`) that
cover most of the image, and a single chart that whitespace happens to cut is
recognised because its bars keep their regular spacing across the cut, which
separate panels never do.

Everything is measured on a copy reduced to at most WORK_SIDE pixels a side, so
the cost stays a small share of detection whatever the image's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from refocus_dsl.detect._raster import (
    U8,
    border_colour,
    colour_distance,
    palette,
    to_rgb_array,
)
from refocus_dsl.detect.figure import find_panels
from refocus_dsl.layout import Box

Kind = Literal["table", "chart", "figure"]

WORK_SIDE = 800
"""Longest side of the copy the features are measured on."""
SOLID_PX = 2
"""Ink that survives shrinking by this many pixels (in the reduced copy) is a fill."""
PAGE_NOISE = 16
"""Largest spread about the page colour taken for noise (light tints differ by more)."""
GRAIN = 2
"""A border straying this far from the page colour is grainy: fill colours are read
from a smoothed copy."""
MIN_BAR_COVER = 0.003
"""Share of the image that a chart's bars cover at the least."""
MIN_BAR_SPAN = 0.08
"""Share of the image's side that a chart's longest bar spans at the least."""
EQUAL_WIDTH = 0.25
"""Largest difference in thickness between a chart's bars, as a share of the median."""
MAX_COLOURS = 10
"""Fill colours examined for bars (the commonest ones after the page)."""


@dataclass(frozen=True)
class Bars:
    """The best run of bar-like fills: one colour, one orientation."""

    centres: tuple[float, ...]  # along the category axis, in the reduced copy
    lengths: tuple[float, ...]
    widths: tuple[float, ...]  # across the category axis
    cover: float  # share of the image inside these bars
    vertical: bool


@dataclass(frozen=True)
class Features:
    """What the decision looked at (kept for tests and for explaining a decision)."""

    n_bars: int
    distinct_lengths: bool  # bar lengths differ clearly
    bar_cover: float  # share of the image inside bars
    n_panels: int
    panel_cover: float  # share of the image inside panel boxes
    panel_balance: float  # smallest panel area over the largest
    bars_cross_panels: bool


def reduced(image: Image.Image) -> tuple[U8, int]:
    """The image as RGB, reduced by a whole factor to at most WORK_SIDE a side."""
    factor = max(1, -(-max(image.size) // WORK_SIDE))
    if factor > 1 and image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA")
    small = image if factor == 1 else image.reduce(factor)
    return to_rgb_array(small), factor


def _runs(flags: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    if not flags.any():
        return []
    d = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _solid(mask: npt.NDArray[np.bool_]) -> float:
    """Share of a colour's pixels whose right and lower neighbours share it: fills are
    solid, text strokes a pixel or two wide are not."""
    inner = mask[:-1, :-1] & mask[1:, :-1] & mask[:-1, 1:]
    return float(inner.sum()) / max(1.0, float(mask.sum()))


def _bars_of(mask: npt.NDArray[np.bool_], vertical: bool) -> Bars | None:
    """Rectangles of ``mask`` standing on one baseline, as seen along one axis."""
    m = mask if vertical else mask.T
    prof = m.sum(axis=0)
    n = m.shape[0]
    # Both ends of each column's fill: bars share one of them (the baseline), bottom
    # for upright bars, left for bars that grow to the right (or the other way round).
    first = np.argmax(m, axis=0)
    last = n - 1 - np.argmax(m[::-1], axis=0)
    centres, lengths, widths, starts, ends, area = [], [], [], [], [], 0
    # Lines across the whole plot (an axis, a frame) add a few pixels to every column.
    filled = prof >= max(3.0, 0.05 * float(prof.max()))
    # A gridline drawn over a bar splits its columns for a pixel or two: bridge that.
    for s, e in _runs(~filled):
        if 0 < s and e < len(filled) and e - s <= 2:
            filled[s:e] = True
    for s, e in _runs(filled):
        if e - s < 3:
            continue
        seg = prof[s:e]
        length = float(np.median(seg))
        # A rectangle: every column of it about as long as the others.
        if float(np.percentile(seg, 90) - np.percentile(seg, 10)) > 0.15 * length + 2:
            continue
        centres.append((s + e) / 2.0)
        lengths.append(length)
        widths.append(float(e - s))
        starts.append(float(np.median(first[s:e])))
        ends.append(float(np.median(last[s:e])))
        area += int(seg.sum())
    if len(centres) < 2:
        return None
    keep: list[int] = []
    for side in (starts, ends):
        base = float(np.median(side))
        aligned = [i for i, v in enumerate(side) if abs(v - base) <= 3]
        keep = aligned if len(aligned) > len(keep) else keep
    if len(keep) < 2:
        return None
    return Bars(
        tuple(centres[i] for i in keep), tuple(lengths[i] for i in keep),
        tuple(widths[i] for i in keep), area / float(mask.size), vertical,
    )


def _eroded(mask: npt.NDArray[np.bool_], r: int) -> npt.NDArray[np.bool_]:
    """``mask`` shrunk by ``r`` pixels in the four directions (text strokes vanish)."""
    out: npt.NDArray[np.bool_] = mask.copy()
    for _ in range(r):
        inner: npt.NDArray[np.bool_] = out.copy()
        inner[1:, :] &= out[:-1, :]
        inner[:-1, :] &= out[1:, :]
        inner[:, 1:] &= out[:, :-1]
        inner[:, :-1] &= out[:, 1:]
        out = inner
    return out


def bar_evidence(
    rgb: U8, colours: U8 | None = None
) -> tuple[Bars | None, npt.NDArray[np.bool_] | None]:
    """The best set of solid rectangles on a common baseline (and the solid mask).

    Solid: clearly off the page colour and still there when shrunk by SOLID_PX, so
    text strokes, gridlines and rules are gone and fills of any colour stay, however
    noise, blur or compression have spread their colour."""
    page = border_colour(rgb)
    solid = _eroded(colour_distance(rgb, page) > 30, SOLID_PX)
    # Light fills (grey bars on a tinted plot) are too close to the page for that:
    # each frequent colour's own solid pixels are candidates too.
    masks = [solid]
    # ``colours``: also a copy with grain smoothed out, where a grainy fill is one
    # colour again (the grain splits it over several bins in ``rgb``).
    for source in [rgb] if colours is None else [rgb, colours]:
        pal = palette(source, max(12, rgb.shape[0] * rgb.shape[1] // 4000))
        order = sorted(range(len(pal.colours)), key=lambda i: -pal.counts[i])
        for i in order[: MAX_COLOURS + 1]:
            if max(abs(a - b) for a, b in zip(pal.colours[i], page, strict=True)) > 12:
                masks.append(_eroded(pal.labels == i, 1))
    best: Bars | None = None
    best_mask: npt.NDArray[np.bool_] | None = None
    for mask in masks:
        for vertical in (True, False):
            found = _bars_of(mask, vertical)
            if found is None or not _bar_like(found, rgb.shape[0] if vertical
                                              else rgb.shape[1]):
                continue
            if best is None or len(found.centres) > len(best.centres):
                best, best_mask = found, mask
    return best, best_mask


def _bar_like(bars: Bars, side: int) -> bool:
    """Whether a run of fills on one baseline can be a chart's bars.

    They differ in length (a table's stripes, header bands and section rows all span
    the table); they hold some area (specks of grain or JPEG ringing line up too);
    the longest spans a fair part of the image (a header band's cells are a text line
    tall); and they are equally thick, as a chart draws its bars (a table's bands,
    cells and bold words are as wide as their text)."""
    widths = np.asarray(bars.widths)
    wide = float(np.median(widths))
    return (
        _distinct(list(bars.lengths))
        and bars.cover >= MIN_BAR_COVER
        and max(bars.lengths) >= MIN_BAR_SPAN * side
        and float(widths.max() - widths.min()) <= EQUAL_WIDTH * wide + 2
    )


def _crosses(
    mask: npt.NDArray[np.bool_], dark: npt.NDArray[np.bool_], panels: tuple[Box, ...]
) -> bool:
    """Whether one regularly spaced run of bars continues from a panel into the next one
    beside it with nothing but space between (one chart that whitespace cut; two panels
    have an axis or tick labels of their own between their bars)."""
    for a in panels:
        for b in panels:
            for vertical in (True, False):
                lo, hi = (1, 3) if vertical else (0, 2)  # the extent the two must share
                across = 0 if vertical else 1
                if not a[across] < b[across] or a[across + 2] > b[across] + 2:
                    continue  # b is not after a along the bars' axis
                top, bottom = max(a[lo], b[lo]), min(a[hi], b[hi])
                if bottom - top < 0.5 * min(a[hi] - a[lo], b[hi] - b[lo]):
                    continue  # not side by side
                sub = (mask[top:bottom, a[0]:b[2]] if vertical
                       else mask[a[1]:b[3], top:bottom].T)
                ink = (dark[top:bottom, a[0]:b[2]] if vertical
                       else dark[a[1]:b[3], top:bottom].T)
                bars = _bars_of(sub if vertical else sub.T, vertical)
                if bars is None or len(bars.centres) < 3:
                    continue
                cut = a[across + 2] - a[across]
                steps = np.diff(bars.centres)
                step = float(np.median(steps))
                for c1, c2, gap in zip(bars.centres, bars.centres[1:], steps, strict=False):
                    if c1 < cut <= c2 and gap <= 1.5 * step and _empty_between(
                        sub[:, int(c1) : int(c2) + 1], ink[:, int(c1) : int(c2) + 1]
                    ):
                        return True
    return False


def _empty_between(bars: npt.NDArray[np.bool_], dark: npt.NDArray[np.bool_]) -> bool:
    """No dark ink (an axis, tick labels) between two bars, apart from lines right across."""
    other = dark & ~bars
    across = other.all(axis=1)
    return int(other[~across].sum()) < 6


def _distinct(lengths: list[float]) -> bool:
    """Bars of a chart differ in length; a table's stripes and bands are nearly all one
    length (a header band or a last short stripe may differ)."""
    if len(lengths) < 2 or max(lengths) - min(lengths) <= 3:
        return False
    median = float(np.median(lengths))
    same = sum(1 for v in lengths if abs(v - median) <= 2) / len(lengths)
    return same < 0.7


def _spread(rgb: U8, page: tuple[int, int, int]) -> float:
    """How far the image's border strays from the page colour (its grain), at the 75th
    percentile: a clean page is 0 however much drawing touches the border."""
    edge = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    return float(np.percentile(colour_distance(edge[None, :, :], page), 75))


def _clean_page(rgb: U8) -> U8:
    """``rgb`` with noise and JPEG ringing off the page, so whitespace between panels is
    blank again: a 3x3 mean (grain shrinks to a third; a median would cost ten times
    more), then every pixel within the page's own spread of the page colour (as the
    image's border shows it, never more than PAGE_NOISE) set to that colour."""
    soft = np.array(Image.fromarray(rgb).filter(ImageFilter.BoxBlur(1)).convert("RGB"))
    # The page from the unblurred border (the blur smears a frame that touches the
    # image's edge over the border ring); its median, so grain does not move it.
    edge = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    r, g, b = (int(v) for v in np.median(edge, axis=0))
    page = (r, g, b)
    near = colour_distance(soft, page) <= min(PAGE_NOISE, 2 * _spread(soft, page) + 2)
    soft[near] = page
    # The outermost ring unblurred (ink right at the edge stays), grain there taken off.
    ring = np.zeros(rgb.shape[:2], dtype=bool)
    ring[0], ring[-1], ring[:, 0], ring[:, -1] = True, True, True, True
    soft[ring] = rgb[ring]
    soft[ring & (colour_distance(rgb, page) <= 2 * PAGE_NOISE)] = page
    return soft


def features(image: Image.Image) -> Features:
    """The features of ``image`` (any mode), measured on a reduced copy."""
    rgb, factor = reduced(image)
    h, w = rgb.shape[:2]
    clean = _clean_page(rgb)
    grainy = _spread(rgb, border_colour(rgb)) >= GRAIN
    bars, mask = (
        bar_evidence(rgb, clean if grainy else None) if min(h, w) >= 8 else (None, None)
    )
    lengths = list(bars.lengths) if bars is not None else []
    distinct = _distinct(lengths)
    panels = find_panels(Image.fromarray(clean), edges=False)
    big = tuple(b for b in panels.boxes if (b[2] - b[0]) * (b[3] - b[1]) >= 0.05 * w * h)
    cover = sum((b[2] - b[0]) * (b[3] - b[1]) for b in big) / float(max(1, w * h))
    areas = [(b[2] - b[0]) * (b[3] - b[1]) for b in big]
    balance = min(areas) / max(areas) if areas else 0.0
    dark = colour_distance(rgb, border_colour(rgb)) > 60
    crosses = mask is not None and _crosses(mask, dark, big)
    return Features(
        len(lengths), distinct, bars.cover if bars is not None else 0.0,
        len(big), cover, balance, crosses,
    )


def decide(f: Features) -> Kind:
    """The kind for a feature set (separate from :func:`features` so tests can pin it)."""
    if (
        f.n_panels >= 2
        and f.panel_cover >= 0.45
        and f.panel_balance >= 0.15
        and not f.bars_cross_panels
    ):
        return "figure"
    # Table fills (stripes, header bands) line up too, but all have one length.
    if f.n_bars >= 2 and f.distinct_lengths and f.bar_cover >= MIN_BAR_COVER:
        return "chart"
    return "table"


def classify_kind(image: Image.Image) -> Kind:
    """Table, chart or figure for ``image`` (RGB, RGBA or L), with no OCR."""
    return decide(features(image))
