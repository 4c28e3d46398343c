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

Everything is measured on a copy reduced to at most COPY_SIDE pixels a side and
COPY_PIXELS in all, so the cost stays a small share of detection whatever the
image's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from PIL import Image

from refocus_dsl.detect._fills import EDGE_STEP, PAGE_STEP
from refocus_dsl.detect._page_copy import clean_page as _clean_page
from refocus_dsl.detect._page_copy import page as _page
from refocus_dsl.detect._page_copy import paint as _paint
from refocus_dsl.detect._page_copy import spread as _spread
from refocus_dsl.detect._raster import U8, colour_distance, colour_step, to_rgb_array
from refocus_dsl.detect._scale import working_factor
from refocus_dsl.detect.chart import prepare
from refocus_dsl.detect.figure import find_panels
from refocus_dsl.detect.prepared import Prepared
from refocus_dsl.layout import Box, box_area

Kind = Literal["table", "chart", "figure"]

COPY_SIDE = 800
"""Longest side of the copy the features are measured on."""
COPY_PIXELS = 200_000
"""Most pixels of that copy (the detectors' own working copy, :mod:`_scale`, is
ten times larger): bars, panels and text lines keep their shape at this
size, and the classifier's cost stays a small share of detection's."""
SOLID_PX = 2
"""Ink that survives shrinking by this many pixels (in the reduced copy) is a fill."""
GRAIN = 2
"""A border straying this far from the page colour is grainy (see :func:`_spread`)."""
MIN_BAR_COVER = 0.003
"""Share of the image that a chart's bars cover at the least."""
MIN_BAR_SPAN = 0.08
"""Share of the image's side that a chart's longest bar spans at the least."""
FILLED = 0.75
"""Share of a bar's extent along its length that its colour covers at the least."""
MAX_LINE = 0.25
"""Share of a piece's height that one band of text (a wrapped cell) takes at most."""
MAX_TEXT_FILL = 0.1
"""Share of a piece that solid dark fills cover at most when it holds only a table's text."""
EQUAL_WIDTH = 0.25
"""Largest difference in thickness between a chart's bars, as a share of the median."""
RULE_PX = 4
"""Thickness (in the reduced copy) up to which a fill may be a table's rule (blurred or
grainy, it spreads to a few pixels) or a line of small bold text."""
THIN_COVER = 0.1
"""Share of the copy that one colour of fills too thin for it covers at the least."""
MAX_COLOURS = 10
"""Fill colours examined for bars (the commonest ones after the page)."""
BORDER_PX = 2
"""A fill ending this close to the copy's border (a pixel of blur or a photo's rim
between) runs into it."""


@dataclass(frozen=True)
class Bars:
    """The best run of bar-like fills: one colour, one orientation."""

    centres: tuple[float, ...]  # along the category axis, in the reduced copy
    lengths: tuple[float, ...]
    widths: tuple[float, ...]  # across the category axis
    mids: tuple[float, ...]  # each bar's middle along its length
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
    text_rows_across: bool = False  # the pieces' text lines or columns continue across cuts


def reduced(image: Image.Image) -> tuple[U8, int]:
    """The image as RGB, reduced by a whole factor to at most COPY_SIDE a side and
    COPY_PIXELS pixels."""
    w, h = image.size
    factor = max(-(-max(w, h) // COPY_SIDE), working_factor((w, h), COPY_PIXELS))
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


def _run_quantiles(
    values: npt.NDArray[Any], starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp],
    q: float,
) -> npt.NDArray[np.float64]:
    """``np.percentile(values[s:e], 100 q)`` for every run ``s:e`` at once (each run
    non-empty): one sort for all of them, where calling numpy per run cost thousands
    of calls an image."""
    lens = ends - starts
    ids = np.repeat(np.arange(lens.size), lens)
    offsets = np.cumsum(lens) - lens
    picked = values[np.arange(int(lens.sum())) - np.repeat(offsets - starts, lens)]
    ordered = picked[np.lexsort((picked, ids))].astype(np.float64)
    pos = q * (lens - 1)
    lo = np.floor(pos).astype(np.intp)
    a = ordered[offsets + lo]
    b = ordered[offsets + np.minimum(lo + 1, lens - 1)]
    t = pos - lo
    # numpy's own interpolation, so every value is the one np.percentile gives
    out: npt.NDArray[np.float64] = np.where(t >= 0.5, b - (b - a) * (1 - t), a + (b - a) * t)
    return out


def _bars_of(
    mask: npt.NDArray[np.bool_], vertical: bool, rgb: U8 | None = None
) -> Bars | None:
    """Rectangles of ``mask`` standing on one baseline, as seen along one axis
    (``rgb``: the pixels, when ``mask`` holds fills of more than one colour)."""
    m = mask if vertical else mask.T
    px = None if rgb is None else rgb if vertical else rgb.transpose(1, 0, 2)
    prof = m.sum(axis=0)
    n = m.shape[0]
    # Both ends of each column's fill: bars share one of them (the baseline), bottom
    # for upright bars, left for bars that grow to the right (or the other way round).
    first = np.argmax(m, axis=0)
    last = n - 1 - np.argmax(m[::-1], axis=0)
    # Lines across the whole plot (an axis, a frame) add a few pixels to every column.
    filled = prof >= max(3.0, 0.05 * float(prof.max()))
    # A gridline drawn over a bar, or a JPEG block's colour step inside it, splits its
    # columns for a pixel or two: bridge that when the fill goes on as long and in
    # the same colour on the other side, to the pixel or two an edge wanders (two
    # bars touching in a group are cut apart at their colour step).
    runs = np.asarray(_runs(filled), dtype=np.intp).reshape(-1, 2)
    if len(runs) > 1:
        med = _run_quantiles(prof, runs[:, 0], runs[:, 1], 0.5)
        for k in np.flatnonzero((runs[1:, 0] - runs[:-1, 1] <= 2)
                                & (np.abs(med[:-1] - med[1:]) <= 2)).tolist():
            (s1, e1), (s2, e2) = runs[k].tolist(), runs[k + 1].tolist()
            if px is None or _fill_colour_step(
                px, m, (s1 + e1) // 2, (s2 + e2) // 2
            ) <= EDGE_STEP:
                filled[e1:s2] = True
    runs = np.asarray([r for r in _runs(filled) if r[1] - r[0] >= 3],
                      dtype=np.intp).reshape(-1, 2)
    if len(runs) < 2:
        return None
    s, e = runs[:, 0], runs[:, 1]
    length = _run_quantiles(prof, s, e, 0.5)
    # A rectangle: every column of it about as long as the others. Its core only: a
    # blurred or shrunk bar's outer columns mix with what is beside it.
    q = (e - s) // 4
    spread = _run_quantiles(prof, s + q, e - q, 0.9) - _run_quantiles(prof, s + q, e - q, 0.1)
    # Solid from end to end: a table's stripe is holed by its text (and, once
    # JPEG'd, by the ringing round it), so its colour covers its extent in part.
    extent = last - first + 1
    solid = _run_quantiles(prof / np.maximum(extent, 1), s, e, 0.5)
    ok = np.flatnonzero((spread <= 0.15 * length + 2) & (solid >= FILLED))
    if len(ok) < 2:
        return None
    s, e = s[ok], e[ok]
    centres = ((s + e) / 2.0).tolist()
    # How far it reaches (not how much of it is filled): a table's stripes all
    # reach across the table, however much text each holds.
    lengths = _run_quantiles(extent, s, e, 0.5).tolist()
    widths = (e - s).astype(float).tolist()
    starts = _run_quantiles(first, s, e, 0.5).tolist()
    ends = _run_quantiles(last, s, e, 0.5).tolist()
    cum = np.concatenate([[0], np.cumsum(prof)])
    area = int((cum[e] - cum[s]).sum())
    keep = _standing(starts, ends, widths)
    if len(keep) < 2:
        return None
    return Bars(
        tuple(centres[i] for i in keep), tuple(lengths[i] for i in keep),
        tuple(widths[i] for i in keep),
        tuple((starts[i] + ends[i]) / 2.0 for i in keep), area / float(mask.size), vertical,
    )


def _standing(starts: list[float], ends: list[float], widths: list[float]) -> list[int]:
    """The fills that stand on one baseline: the line that most of them touch with one
    end or the other (bars below zero hang from the line the others stand on), less
    pieces under half the others' thickness (a short bar cut in strips by the value
    printed inside it; a chart draws its bars equally thick)."""
    a, b = np.asarray(starts), np.asarray(ends)
    if not a.size:
        return []
    bases = np.unique(np.concatenate([a, b]))[:, None]
    touching = np.minimum(np.abs(a[None, :] - bases), np.abs(b[None, :] - bases)) <= 3
    keep = np.flatnonzero(touching[int(np.argmax(touching.sum(axis=1)))])
    thick = float(np.median(np.asarray(widths)[keep]))
    return [int(i) for i in keep if widths[i] >= 0.5 * thick]


def _opened(mask: npt.NDArray[np.bool_], r: int) -> npt.NDArray[np.bool_]:
    """``mask`` shrunk by ``r`` pixels and grown back: strokes up to ``2 r`` pixels wide
    vanish, fills keep their full size (a bar a few pixels thick in a reduced copy
    stays)."""
    out: npt.NDArray[np.bool_] = _eroded(mask, r)
    for _ in range(r):
        grown: npt.NDArray[np.bool_] = out.copy()
        grown[1:, :] |= out[:-1, :]
        grown[:-1, :] |= out[1:, :]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out & mask


def _fill_colour_step(px: U8, m: npt.NDArray[np.bool_], i: int, j: int) -> int:
    """Largest channel difference between the fills of columns ``i`` and ``j`` (each the
    median colour of its pixels in ``m``)."""
    a = np.median(px[:, i][m[:, i]], axis=0)
    b = np.median(px[:, j][m[:, j]], axis=0)
    return int(np.abs(a - b).max())


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


def _colour_steps(rgb: U8) -> npt.NDArray[np.bool_]:
    """Pixels between two whose colours, two pixels apart across or down, differ by more
    than EDGE_STEP in some channel: the borders between two touching fills, even when
    blur or shrinking left a blended pixel between them (grain and JPEG's ringing
    inside a flattened fill stay well under it)."""
    out = np.zeros(rgb.shape[:2], dtype=bool)
    out[:, 1:-1] = colour_step(rgb[:, 2:], rgb[:, :-2]) > EDGE_STEP
    out[1:-1, :] |= colour_step(rgb[2:], rgb[:-2]) > EDGE_STEP
    return out


def bar_evidence(
    rgb: U8, prepared: Prepared | None = None, page: tuple[int, int, int] | None = None
) -> tuple[Bars | None, npt.NDArray[np.bool_] | None]:
    """The best set of solid rectangles on a common baseline (and the solid mask).

    Solid: clearly off the page colour and still there when shrunk by SOLID_PX, so
    text strokes, gridlines and rules are gone and fills of any colour stay, however
    noise, blur or compression have spread their colour. ``prepared``: the chart
    detector's fill pixels and palette for ``rgb`` (computed when not given); ``page``:
    its page colour (:func:`_page`, likewise)."""
    page = _page(rgb) if page is None else page
    prep = prepared if prepared is not None else prepare(rgb)
    # Touching bars of different colours (a group, one bar a series) are cut apart
    # where one colour gives way to the other.
    solid = _eroded(colour_distance(rgb, page) > 30, SOLID_PX) & ~_colour_steps(prep.flat)
    # Light fills (grey bars on a tinted plot) are too close to the page for that,
    # and touching bars of a group merge: each frequent colour's own pixels are
    # candidates too, read as the chart detector reads them (grain flattened), and
    # taken within the spread noise gives a flat colour (JPEG's blocks and grain
    # split one fill over neighbouring palette bins).
    masks = [solid]
    pal, size = prep.palette, rgb.shape[0] * rgb.shape[1]
    order = sorted(range(len(pal.colours)), key=lambda i: -pal.counts[i])
    taken: list[tuple[int, int, int]] = [page]
    for i in order[: MAX_COLOURS + 1]:
        colour = pal.colours[i]
        if pal.counts[i] < MIN_BAR_COVER * size / 4:
            break  # too few pixels to hold bars, even split over bins (commonest first)
        if any(max(abs(a - b) for a, b in zip(colour, t, strict=True)) <= PAGE_STEP
               for t in taken):
            continue
        taken.append(colour)
        mask = colour_distance(prep.flat, colour) <= PAGE_STEP
        if mask.sum() >= MIN_BAR_COVER * size:
            masks.append(_opened(mask, 1))
    best: Bars | None = None
    best_mask: npt.NDArray[np.bool_] | None = None
    for mask in masks:
        if np.count_nonzero(mask) < MIN_BAR_COVER * mask.size:
            continue  # too little of it for bars that cover MIN_BAR_COVER (_bar_like)
        for vertical in (True, False):
            found = _bars_of(mask, vertical, prep.flat if mask is solid else None)
            side = rgb.shape[0] if vertical else rgb.shape[1]
            if found is None or not _bar_like(found, side) or _cut_by_border(found, side):
                continue
            if float(np.median(found.widths)) <= RULE_PX and not _ends_at_edges(found, prep.flat):
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
    cells and bold words are as wide as their text). Fills no thicker than a rule
    (RULE_PX: a blurred rule or a line of bold words in a small copy) must also pass
    :func:`_not_rules`."""
    widths = np.asarray(bars.widths)
    wide = float(np.median(widths))
    return (
        _distinct(list(bars.lengths))
        and bars.cover >= MIN_BAR_COVER
        and max(bars.lengths) >= MIN_BAR_SPAN * side
        and float(widths.max() - widths.min()) <= EQUAL_WIDTH * wide + 2
        and (wide > RULE_PX or _not_rules(list(bars.lengths), side))
    )


def _cut_by_border(bars: Bars, side: int) -> bool:
    """Whether every fill runs into the image's border along its length: a chart draws
    its bars whole, inside its axes and margins (none of 561 development charts has
    such a run), while the dark surround of a photographed page, or a table's bands
    reaching into it, is cut by the picture's edge and has no length to go by."""
    return all(m - n / 2.0 <= BORDER_PX or m + n / 2.0 >= side - BORDER_PX
               for m, n in zip(bars.mids, bars.lengths, strict=True))


def _ends_at_edges(bars: Bars, rgb: U8) -> bool:
    """Whether most fills end where their colour gives way to another, a few pixels past
    their far end (the one off the baseline) along the middle: a bar's end meets the
    page or the plot; a rule whose colour drifts (an unevenly lit scan) comes apart
    into pieces that run on in about their own colour."""
    h, w = rgb.shape[:2]
    starts = [m - n / 2.0 for m, n in zip(bars.mids, bars.lengths, strict=True)]
    ends = [m + n / 2.0 for m, n in zip(bars.mids, bars.lengths, strict=True)]
    # The baseline is the side whose ends line up.
    far, step = (ends, 1) if np.ptp(starts) <= np.ptp(ends) else (starts, -1)
    ended = 0
    for c, mid, end in zip(bars.centres, bars.mids, far, strict=True):
        past = int(end) + step * (1 + RULE_PX)
        y, x = (past, int(c)) if bars.vertical else (int(c), past)
        fy, fx = (int(mid), int(c)) if bars.vertical else (int(c), int(mid))
        if not (0 <= y < h and 0 <= x < w):
            continue
        step_to = np.abs(rgb[y, x].astype(np.int16) - rgb[fy, fx].astype(np.int16)).max()
        ended += int(step_to) > EDGE_STEP
    return ended >= 0.5 * len(bars.centres)


def _not_rules(lengths: list[float], side: int) -> bool:
    """Whether fills no thicker than a rule can be bars: they differ in length by more than
    a tenth of the longest (a table's rules all reach across it, cut a few pixels short
    here and there by what they meet), and the longest reaches across a quarter of the
    image (a blurred bold word in a small copy is short; a chart's longest bar is not)."""
    return max(lengths) - min(lengths) > 0.1 * max(lengths) and max(lengths) >= 0.25 * side


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


def _panel_of(bars: Bars, panels: tuple[Box, ...]) -> list[int]:
    """The index of the piece holding each bar's middle (-1: none)."""
    out = []
    for c, m in zip(bars.centres, bars.mids, strict=True):
        x, y = (c, m) if bars.vertical else (m, c)
        out.append(next((k for k, (x1, y1, x2, y2) in enumerate(panels)
                         if x1 <= x < x2 and y1 <= y < y2), -1))
    return out


def _bar_in_cut(bars: Bars, panels: tuple[Box, ...]) -> bool:
    """Whether the pieces were cut apart through a bar: one of the run stands in no
    piece, between neighbours of the run that stand in two different pieces. Whitespace
    never lies inside a fill, so the cut is no gap between panels but one chart split
    at a bar the panel finder took for a divider (a tall bar with open page beside it
    on both sides)."""
    where = _panel_of(bars, panels)
    order = sorted(range(len(bars.centres)), key=lambda i: bars.centres[i])
    held = [where[i] for i in order]
    return any(
        held[k] < 0 and held[k - 1] >= 0 and held[k + 1] >= 0 and held[k - 1] != held[k + 1]
        for k in range(1, len(held) - 1)
    )


def _one_bar_each(bars: Bars, panels: tuple[Box, ...]) -> bool:
    """Whether whitespace cut one chart between its categories: the bars of one run
    fall into two or more of the pieces, most pieces holding a single bar (or group).
    A figure's panel holds a plot of its own, so several bars of the run."""
    held = [n for n in np.bincount([k for k in _panel_of(bars, panels) if k >= 0]) if n]
    # Two fills, one a piece, are no run to judge by (pieces of two panels' plots).
    return len(held) >= 2 and sum(held) >= 3 and float(np.median(held)) <= 1


def _open_between(bars: Bars, panels: tuple[Box, ...], ink: npt.NDArray[np.bool_]) -> bool:
    """Whether one run of bars on one baseline continues from piece to piece with open
    page between: at every cut between two neighbouring bars of different pieces,
    the strip between them holds no line or band along the bars' length (a panel of
    its own has an axis, tick labels across, or a tinted plot area there; one chart
    has at most a value label beside a bar)."""
    where = _panel_of(bars, panels)
    order = sorted(range(len(bars.centres)), key=lambda i: bars.centres[i])
    lo = int(min(m - n / 2.0 for m, n in zip(bars.mids, bars.lengths, strict=True)))
    hi = int(max(m + n / 2.0 for m, n in zip(bars.mids, bars.lengths, strict=True))) + 1
    cuts = 0
    for i, j in zip(order, order[1:], strict=False):
        if where[i] < 0 or where[j] < 0 or where[i] == where[j]:
            continue
        # clear of the bars' own edges (the masks are eroded; blur spreads an edge)
        a = int(bars.centres[i] + bars.widths[i] / 2.0) + 2 + SOLID_PX
        b = int(bars.centres[j] - bars.widths[j] / 2.0) - 1 - SOLID_PX
        if b - a < 1:
            return False
        # along the length: one value per position between the baseline and the far end
        along = (ink[lo:hi, a:b].any(axis=1) if bars.vertical
                 else ink[a:b, lo:hi].any(axis=0))
        if along.size == 0 or float(along.mean()) >= 0.5:
            return False
        cuts += 1
    return cuts > 0


def _text_across(ink: npt.NDArray[np.bool_], panels: tuple[Box, ...]) -> bool:
    """Whether two neighbouring pieces are parts of one table cut at a column (or row)
    gap: four or more lines of text, and nothing but text, sit at the same heights on
    both sides of the cut (three text columns at the same places, for pieces one
    above the other). A panel's plot is a band of ink far taller than a text line,
    and the few lines two panels of one template share (tick labels, legend) are
    not all they hold. The pieces so joined must make up at least half of the pieces'
    area: a table set beside plots in a figure is one panel of it."""
    fills = _eroded(ink, SOLID_PX)
    joined: set[Box] = set()
    half = sum(box_area(p) for p in panels) / 2.0
    # A plot draws fills (bars, areas) over a fair part of its panel; a table's fills
    # are a header or section band at most.
    texts = [p for p in panels
             if fills[p[1]:p[3], p[0]:p[2]].mean() < MAX_TEXT_FILL
             and _text_lines(ink[p[1]:p[3], p[0]:p[2]])] if fills.size else []
    for a in texts:
        for b in texts:
            for axis in (0, 1):  # 0: b right of a, lines are rows; 1: b under a, columns
                lo, hi = (1, 3) if axis == 0 else (0, 2)
                if not a[2 + axis] <= b[axis] + 2 or a == b:
                    continue
                top, bottom = max(a[lo], b[lo]), min(a[hi], b[hi])
                if bottom - top < 0.5 * min(a[hi] - a[lo], b[hi] - b[lo]):
                    continue
                sides = []
                for p in (a, b):
                    block = (ink[top:bottom, p[0]:p[2]] if axis == 0
                             else ink[p[1]:p[3], top:bottom])
                    # Thin rules across the lines (a ruled table's) are no line of text;
                    # nor, for pieces one above the other, a header or section band
                    # spanning the table (a plot's fills are not in these pieces).
                    across = np.zeros(block.shape[1 - axis], dtype=bool)
                    for s, e in _runs(np.asarray(block.mean(axis=axis) >= 0.6)):
                        if e - s <= 3 or axis == 1:
                            across[max(0, s - SOLID_PX) : e + SOLID_PX] = True
                    block = block[:, ~across] if axis == 0 else block[~across]
                    found = _runs(np.asarray(block.any(axis=1 - axis)))
                    sizes = [e - s for s, e in found]
                    # A plot's drawing is one band far taller than a line of text (rows),
                    # or filling most of the piece (columns); a table's are all text.
                    if found and max(sizes) <= (MAX_LINE if axis == 0 else 0.5) * (bottom - top):
                        sides.append(found)
                if len(sides) < 2 or min(len(sides[0]), len(sides[1])) < 3 + (axis == 0):
                    continue
                # most bands of the side with fewer (the other may have words apart)
                few, many = sorted(sides, key=len)
                matched = sum(
                    1 for s, e in few
                    if any(abs(s - s2) <= 2 or abs(e - e2) <= 2 for s2, e2 in many)
                )
                if matched >= 3 + (axis == 0) and matched >= 0.6 * len(few):
                    joined |= {a, b}
                    if sum(box_area(p) for p in joined) >= half:
                        return True
    return False


def _text_lines(block: npt.NDArray[np.bool_]) -> bool:
    """Whether ``block``'s ink lies in lines of text: three or more bands of rows, none
    over MAX_LINE of its height (a plot's drawing makes one tall band; a
    ruled table's thin rules down the lines do not count)."""
    keep = []
    for axis in (0, 1):  # rules down the lines, then rules along them
        rules = np.zeros(block.shape[1 - axis], dtype=bool)
        for s, e in _runs(np.asarray(block.mean(axis=axis) >= 0.6)):
            rules[max(0, s - 1) : e + 1] = e - s <= 3
        keep.append(~rules)
    found = _runs(np.asarray(block[keep[1]][:, keep[0]].any(axis=1)))
    sizes = [e - s for s, e in found]
    return len(sizes) >= 3 and max(sizes) <= MAX_LINE * block.shape[0]


def _empty_between(bars: npt.NDArray[np.bool_], dark: npt.NDArray[np.bool_]) -> bool:
    """No dark ink (an axis, tick labels) between two bars, apart from lines right across."""
    other = dark & ~bars
    across = other.all(axis=1)
    return int(other[~across].sum()) < 6


def _distinct(lengths: list[float]) -> bool:
    """Bars of a chart differ in length; a table's stripes and bands are nearly all one
    length (a header band or a last short stripe may differ)."""
    if len(lengths) < 2 or max(lengths) - min(lengths) <= 2:
        return False
    median = float(np.median(lengths))
    # Lengths are extents (how far each reaches), so a table's stripes are one length
    # to the pixel, however much text each holds.
    same = sum(1 for v in lengths if abs(v - median) <= 1) / len(lengths)
    return same < 0.7


@dataclass(frozen=True)
class Analysis:
    """The classifier's decision, what it looked at, and the pixel work it did on the
    image at its own size (None when it worked on a reduced copy), for the detector."""

    kind: Kind
    features: Features
    prepared: Prepared | None


def analyse(image: Image.Image) -> Analysis:
    """Kind, features and reusable pixel work for ``image`` (any mode)."""
    rgb, factor = reduced(image)
    prepared = prepare(rgb) if min(rgb.shape[:2]) >= 8 else None
    found = features(image, (rgb, factor), prepared)
    return Analysis(decide(found), found, prepared if factor == 1 else None)


def features(
    image: Image.Image, copy: tuple[U8, int] | None = None, prepared: Prepared | None = None
) -> Features:
    """The features of ``image`` (any mode), measured on a reduced copy (``copy``: that
    copy and its factor, when already made; ``prepared``: the fill pixels of it)."""
    rgb, factor = copy if copy is not None else reduced(image)
    h, w = rgb.shape[:2]
    page = _page(rgb)
    clean = _clean_page(rgb)
    bars, mask = bar_evidence(rgb, prepared, page) if min(h, w) >= 8 else (None, None)
    big = _big_panels(clean, w * h)
    if len(big) <= 1 and _spread(rgb, page) < GRAIN:
        # The mean closes a gap of a pixel or two between two frames; a page without
        # grain needs none: only colours within PAGE_STEP of it (JPEG's ringing) go.
        sharp = rgb.copy()
        _paint(sharp, colour_distance(rgb, page) <= PAGE_STEP, page)
        split = _big_panels(sharp, w * h)
        big = split if len(split) >= 2 else big
    if bars is None and factor > 1 and _thin_fills(rgb, prepared, page):
        bars, mask = _finer_bars(image, factor, (h, w))  # dense bars blend with their gaps
    lengths = list(bars.lengths) if bars is not None else []
    distinct = _distinct(lengths)
    areas = [box_area(b) for b in big]
    cover = sum(areas) / float(max(1, w * h))
    balance = min(areas) / max(areas) if areas else 0.0
    crosses = across = False
    if len(big) >= 2:  # with one piece or none, nothing runs on from piece to piece
        dark = colour_distance(rgb, page) > 60
        if bars is not None and mask is not None:
            ink = colour_distance(clean, _page(clean)) > PAGE_STEP
            crosses = (_bar_in_cut(bars, big) or _one_bar_each(bars, big)
                       or _open_between(bars, big, ink) or _crosses(mask, dark, big))
        else:  # a table has no bars
            across = _text_across(dark, big)
    return Features(
        len(lengths), distinct, bars.cover if bars is not None else 0.0,
        len(big), cover, balance, crosses, across,
    )


def _thin_fills(rgb: U8, prepared: Prepared | None, page: tuple[int, int, int]) -> bool:
    """Whether a colour other than the page's covers THIN_COVER of the copy and nearly
    all of it goes when shrunk by a pixel: fills too thin for the copy (a dense chart's
    bars); text never covers so much of it."""
    prep = prepared if prepared is not None else prepare(rgb)
    for colour, count in zip(prep.palette.colours, prep.palette.counts, strict=True):
        if count >= THIN_COVER * rgb.shape[0] * rgb.shape[1] and max(
                abs(a - b) for a, b in zip(colour, page, strict=True)) > PAGE_STEP:
            mask = colour_distance(prep.flat, colour) <= PAGE_STEP
            if np.count_nonzero(_opened(mask, 1)) < 0.1 * np.count_nonzero(mask):
                return True
    return False


def _finer_bars(image: Image.Image, factor: int, shape: tuple[int, int]
                ) -> tuple[Bars | None, npt.NDArray[np.bool_] | None]:
    """:func:`bar_evidence` on a copy reduced by half the factor (or not at all), in
    the reduced copy's measures (``shape``), as the features use them."""
    half = factor // 2 if factor >= 4 else 1
    bars, mask = bar_evidence(to_rgb_array(image.convert("RGBA").reduce(half) if half > 1
                                           else image))
    if bars is None or mask is None:
        return None, None
    k = factor / half
    rows = np.minimum((np.arange(shape[0]) * k).astype(np.intp), mask.shape[0] - 1)
    cols = np.minimum((np.arange(shape[1]) * k).astype(np.intp), mask.shape[1] - 1)
    c, n, w, m = (tuple(v / k for v in vs) for vs in (bars.centres, bars.lengths,
                                                      bars.widths, bars.mids))
    return Bars(c, n, w, m, bars.cover, bars.vertical), mask[np.ix_(rows, cols)]


def _big_panels(rgb: U8, area: int) -> tuple[Box, ...]:
    """The panels of ``rgb`` that hold at least a twentieth of the image."""
    boxes = find_panels(Image.fromarray(rgb), edges=False).boxes
    return tuple(b for b in boxes if box_area(b) >= 0.05 * area)


def decide(f: Features) -> Kind:
    """The kind for a feature set (separate from :func:`features` so tests can pin it)."""
    if (
        f.n_panels >= 2
        and f.panel_cover >= 0.45
        and f.panel_balance >= 0.15
        and not f.bars_cross_panels
        and not f.text_rows_across
    ):
        return "figure"
    # Table fills (stripes, header bands) line up too, but all have one length.
    if f.n_bars >= 2 and f.distinct_lengths and f.bar_cover >= MIN_BAR_COVER:
        return "chart"
    return "table"


def classify_kind(image: Image.Image) -> Kind:
    """Table, chart or figure for ``image`` (RGB, RGBA or L), with no OCR."""
    return analyse(image).kind
