"""Series of a grouped or stacked bar chart: bar colours, and the legend that names them.

Why this way: a legend entry is a small patch of a bar colour (a square, a short
bar, a dot) lying away from the bars, with a text label just after it. So the
bars' own colours say what to look for; every swatch candidate must carry text
on its right, and the entries of one legend line up with one another (a row or
a column). All labels are read in one OCR call over their union, with the
swatches painted out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from refocus_dsl.detect._bars import Bars, Orientation, Rect, cross_span, value_span
from refocus_dsl.detect._labels import bands, clean_words, ink, join_text, line_phrases, norm_strip
from refocus_dsl.detect._raster import Palette, long_runs
from refocus_dsl.layout import RGB, Box, Series
from refocus_dsl.ocr import OcrEngine, Word

MAX_WRAPPED = 3
"""Lines a legend label may wrap over; a taller block of text is no legend entry."""

SAME_SERIES = 24
"""Largest per-channel difference between two palette colours of one series (JPEG
noise and anti-aliasing split one fill over neighbouring bins)."""


@dataclass(frozen=True)
class Entry:
    """One legend entry: which series colour, its swatch, and its label."""

    series: int  # index into the series colour list
    swatch: Box
    label: str
    label_bbox: Box


def series_colours(
    bars: tuple[Rect, ...], pal: Palette, groups: list[tuple[Rect, ...]]
) -> list[tuple[int, ...]]:
    """Bar colours (palette indices) grouped into series, most bar area first.

    Two near colours are one fill split by noise only when they never stand side by
    side as two bars of one category: similar shades of two series do.
    """
    area: dict[int, int] = {}
    for r in bars:
        area[r.colour] = area.get(r.colour, 0) + r.area
    apart: set[tuple[int, int]] = set()
    for grp in groups:
        for r in grp:
            for q in grp:
                if r.colour != q.colour and not (
                    r.x1 < q.x2 and q.x1 < r.x2 and r.y1 < q.y2 and q.y1 < r.y2
                ):
                    apart.add((r.colour, q.colour))
    merged: list[list[int]] = []
    for c in sorted(area, key=lambda c: -area[c]):
        rgb = np.asarray(pal.colours[c], dtype=np.int32)
        for members in merged:
            ref = np.asarray(pal.colours[members[0]], dtype=np.int32)
            near = int(np.abs(rgb - ref).max()) <= SAME_SERIES
            if near and not any((c, o) in apart for o in members):
                members.append(c)
                break
        else:
            merged.append([c])
    return [tuple(m) for m in merged]


def mean_colour(rgb: npt.NDArray[Any], boxes: list[Box]) -> RGB:
    """The mean colour of the bars' inner pixels (their blended edges left out)."""
    sums = np.zeros(3, dtype=np.float64)
    n = 0
    for x1, y1, x2, y2 in boxes:
        ix1, iy1 = x1 + (1 if x2 - x1 > 4 else 0), y1 + (1 if y2 - y1 > 4 else 0)
        ix2, iy2 = x2 - (1 if x2 - x1 > 4 else 0), y2 - (1 if y2 - y1 > 4 else 0)
        part = rgb[iy1:iy2, ix1:ix2].reshape(-1, 3)
        sums += part.sum(axis=0)
        n += part.shape[0]
    if n == 0:
        return (0, 0, 0)
    m = sums / n
    return (int(round(m[0])), int(round(m[1])), int(round(m[2])))


def _blobs(rects: list[Rect]) -> list[tuple[Box, int]]:
    """Rectangles of one colour that touch, joined: (box, filled area)."""
    boxes = [[r.x1, r.y1, r.x2, r.y2, r.area] for r in sorted(rects, key=lambda r: r.y1)]
    merged = True
    while merged:
        merged = False
        out: list[list[int]] = []
        for b in boxes:
            for m in out:
                if b[0] <= m[2] and m[0] <= b[2] and b[1] <= m[3] and m[1] <= b[3]:
                    m[0], m[1] = min(m[0], b[0]), min(m[1], b[1])
                    m[2], m[3] = max(m[2], b[2]), max(m[3], b[3])
                    m[4] += b[4]
                    merged = True
                    break
            else:
                out.append(list(b))
        boxes = out
    return [((b[0], b[1], b[2], b[3]), b[4]) for b in boxes]


def _swatches(
    rects: list[Rect], colours: list[tuple[int, ...]], bars: tuple[Rect, ...], size: tuple[int, int]
) -> list[tuple[int, Box]]:
    """Swatch candidates: small compact patches of a series colour that are no bar."""
    w, h = size
    limit = max(14.0, 0.07 * max(w, h))
    bar_boxes = [(b.x1 - 1, b.y1 - 1, b.x2 + 1, b.y2 + 1) for b in bars]
    out: list[tuple[int, Box]] = []
    for k, cols in enumerate(colours):
        mine = [
            r
            for r in rects
            if r.colour in cols
            and r not in bars
            and not any(
                r.x1 < b[2] and b[0] < r.x2 and r.y1 < b[3] and b[1] < r.y2 for b in bar_boxes
            )
        ]
        for (x1, y1, x2, y2), filled in _blobs(mine):
            bw, bh = x2 - x1, y2 - y1
            if min(bw, bh) < 3 or max(bw, bh) > limit or max(bw, bh) > 4 * min(bw, bh):
                continue
            if filled < 0.5 * bw * bh:
                continue
            out.append((k, (x1, y1, x2, y2)))
    return out


def _label_box(
    ink: npt.NDArray[np.bool_], swatch: Box, stops: list[int], rows_of_swatches: list[float]
) -> Box | None:
    """The text just right of a swatch, on its line: up to the next swatch or a wide gap."""
    h, w = ink.shape
    x1, y1, x2, y2 = swatch
    sh = y2 - y1
    cy = (y1 + y2) // 2
    reach = max(12, 2 * sh)
    top, bottom = max(0, cy - reach), min(h, cy + reach)
    start = x2 + 1
    near = min(w, start + max(24, 4 * sh))
    if near - start < 2 or bottom - top < 2:
        return None
    rows: list[tuple[int, int]] = []
    for a, b in bands(np.asarray(ink[top:bottom, start:near].sum(axis=1), dtype=np.int64)):
        if rows and a - rows[-1][1] <= 2:  # a glyph's parts (the bar of a "T", an "i"'s dot)
            rows[-1] = (rows[-1][0], b)
        else:
            rows.append((a, b))
    if not rows:
        return None
    # The text line the swatch sits on: the band holding (or nearest to) its centre.
    s, e = min(
        rows,
        key=lambda b: (
            0 if b[0] <= cy - top < b[1] else min(abs(b[0] - (cy - top)), abs(b[1] - (cy - top)))
        ),
    )
    t1, t2 = top + s, top + e
    th = t2 - t1
    if th < 4 or th > 3 * max(sh, 8) or not (t1 - sh <= cy <= t2 + sh):
        return None
    end_x = min([w] + [x for x in stops if x > x2])
    cols = bands(np.asarray(ink[t1:t2, start:end_x].sum(axis=0), dtype=np.int64))
    if not cols or cols[0][0] > max(2 * th, 3 * sh):
        return None
    first, last = cols[0][0], cols[0][1]
    for a, b in cols[1:]:
        if a - last > 1.2 * th:
            break
        last = b
    x_lo, x_hi = start + first, start + last
    # The whole line's rows (descenders further along it included).
    full = bands(np.asarray(ink[top:bottom, x_lo:x_hi].sum(axis=1), dtype=np.int64))
    t2 = max([t2] + [top + b for a, b in full if top + a <= t2 and top + b >= t1])
    # A long label wraps: further lines start under the first, close below it, with no
    # swatch of their own beside them (that would be the next entry).
    for _ in range(MAX_WRAPPED - 1):
        if t2 >= h:
            break
        below = bands(
            np.asarray(ink[t2 : min(h, t2 + 2 * th), x_lo:x_hi].sum(axis=1), dtype=np.int64)
        )
        if not below or below[0][0] > 0.8 * th:
            break
        n1, n2 = t2 + below[0][0], t2 + below[0][1]
        if n2 - n1 > 1.5 * th or any(n1 - 2 <= cy2 <= n2 + 2 for cy2 in rows_of_swatches):
            break
        line = bands(np.asarray(ink[n1:n2, x_lo:end_x].sum(axis=0), dtype=np.int64))
        if not line or line[0][0] > 0.5 * th:
            break
        reach_x = line[0][1]
        for a, b in line[1:]:
            if a - reach_x > 1.2 * th:
                break
            reach_x = b
        x_hi = max(x_hi, x_lo + reach_x)
        t2 = n2
    if t2 - t1 > 1.6 * MAX_WRAPPED * th or x_hi - x_lo > 40 * th:
        return None  # a block of text (value labels, a paragraph), no legend label
    return (x_lo, t1, x_hi, t2)


def _label_near(
    g: npt.NDArray[Any], swatch: Box, stops: list[int], rows_of_swatches: list[float]
) -> Box | None:
    """:func:`_label_box` on the ink of a window around the swatch, measured against
    that window's own background (a legend box may be tinted unlike the page)."""
    h, w = g.shape
    x1, y1, x2, y2 = swatch
    sh = y2 - y1
    wx1, wx2 = max(0, x1 - 2), min(w, x2 + 1 + max(60, w // 2))
    wy1, wy2 = max(0, y1 - 8 * max(12, sh)), min(h, y2 + 8 * max(12, sh))
    mask, _ = ink(g[wy1:wy2, wx1:wx2])
    # Axes, gridlines and a legend's frame are no text: runs of ink longer than any
    # glyph stroke (a few swatch heights) are left out.
    limit = 2 * max(sh, 8)
    mask = mask & ~long_runs(mask, 2 * limit, 1) & ~long_runs(mask, limit, 0)
    box = _label_box(
        mask,
        (x1 - wx1, y1 - wy1, x2 - wx1, y2 - wy1),
        [x - wx1 for x in stops],
        [c - wy1 for c in rows_of_swatches],
    )
    if box is None:
        return None
    return (box[0] + wx1, box[1] + wy1, box[2] + wx1, box[3] + wy1)


def _aligned(box: Box, others: list[Box]) -> int:
    """How many other swatches share this one's row or column (a legend's layout)."""
    cy = (box[1] + box[3]) / 2.0
    n = 0
    for o in others:
        if abs((o[1] + o[3]) / 2.0 - cy) <= 3 or abs(o[0] - box[0]) <= 3:
            n += 1
    return n


def find_legend(
    g: npt.NDArray[Any],
    rects: list[Rect],
    colours: list[tuple[int, ...]],
    bars: tuple[Rect, ...],
    ocr: OcrEngine,
) -> list[Entry]:
    """The legend entries found for the series colours, in reading order (row by row,
    left to right); a colour without an entry is left out."""
    h, w = g.shape
    cands = _swatches(rects, colours, bars, (w, h))
    if not cands:
        return []
    stops = {}
    centres = [(b[1] + b[3]) / 2.0 for _, b in cands]
    labelled: list[tuple[int, Box, Box]] = []
    for k, box in cands:
        # The next swatch on the same line ends this one's label.
        cy = (box[1] + box[3]) / 2.0
        stops[box] = [b[0] for _, b in cands if abs((b[1] + b[3]) / 2.0 - cy) <= 3]
        lb = _label_near(g, box, stops[box], centres)
        if lb is not None:
            labelled.append((k, box, lb))
    chosen: dict[int, tuple[Box, Box]] = {}
    for k in range(len(colours)):
        mine = [(b, lb) for kk, b, lb in labelled if kk == k]
        if not mine:
            continue
        others = [b for kk, b, _ in labelled if kk != k]
        chosen[k] = max(mine, key=lambda t: (_aligned(t[0], others), -t[0][1]))
    if len(colours) >= 2 and len(chosen) >= 2:
        # One legend: entries of a row or a column; a lone swatch elsewhere is no entry.
        boxes = {k: v[0] for k, v in chosen.items()}
        chosen = {
            k: v
            for k, v in chosen.items()
            if _aligned(v[0], [b for kk, b in boxes.items() if kk != k]) >= 1
        }
    if not chosen:
        return []
    texts = _read_labels(g, [v[1] for v in chosen.values()], [v[0] for v in chosen.values()], ocr)
    entries = [
        Entry(k, sw, text, lb)
        for (k, (sw, lb)), text in zip(chosen.items(), texts, strict=True)
        if text
    ]
    line_h = float(np.median([e.swatch[3] - e.swatch[1] for e in entries])) if entries else 1.0

    def reading(e: Entry) -> tuple[int, int]:
        return (int(((e.swatch[1] + e.swatch[3]) / 2.0) // max(2.0 * line_h, 1.0)), e.swatch[0])

    return sorted(entries, key=reading)


def _read_labels(
    g: npt.NDArray[Any], boxes: list[Box], swatches: list[Box], ocr: OcrEngine
) -> list[str]:
    """Every label box's text, from one OCR call over their union (swatches painted out)."""
    h, w = g.shape
    ux1 = max(0, min(b[0] for b in boxes) - 4)
    uy1 = max(0, min(b[1] for b in boxes) - 4)
    ux2 = min(w, max(b[2] for b in boxes) + 4)
    uy2 = min(h, max(b[3] for b in boxes) + 4)
    strip, inked = norm_strip(g, (ux1, uy1, ux2, uy2))
    arr = np.asarray(strip, dtype=np.uint8).copy()
    for x1, y1, x2, y2 in swatches:
        ya, yb = max(0, y1 - uy1 - 1), max(0, y2 - uy1 + 1)
        arr[ya:yb, max(0, x1 - ux1 - 1) : max(0, x2 - ux1 + 1)] = 255
    # Text lines' height (a wrapped label's box holds several).
    heights = [
        e - s
        for x1, y1, x2, y2 in boxes
        for s, e in bands(
            np.asarray(inked[y1 - uy1 : y2 - uy1, x1 - ux1 : x2 - ux1].sum(axis=1), dtype=np.int64)
        )
        if e - s >= 4
    ]
    th = float(np.median(heights)) if heights else 12.0
    scale = float(min(4.0, max(1.0, 28.0 / max(th, 1.0))))
    words = clean_words(ocr.words(Image.fromarray(arr, "L"), psm=6, scale=scale))
    per: list[list[Word]] = [[] for _ in boxes]
    for wd in words:
        cx = (wd.bbox[0] + wd.bbox[2]) / 2.0 + ux1
        cy = (wd.bbox[1] + wd.bbox[3]) / 2.0 + uy1
        for i, (x1, y1, x2, y2) in enumerate(boxes):
            if x1 - 3 <= cx <= x2 + 3 and y1 - 3 <= cy <= y2 + 3:
                per[i].append(wd)
                break
    return [" ".join(join_text(ph) for ph in line_phrases(ws)) for ws in per]


@dataclass(frozen=True)
class SeriesFound:
    """The chart's series (legend order, then unnamed colours) and, per category group,
    each series' bar (None where absent)."""

    series: tuple[Series, ...]
    bars: tuple[tuple[Box | None, ...], ...]


def _order_unnamed(
    ks: list[int],
    groups: list[tuple[Rect, ...]],
    which: dict[int, int],
    o: Orientation,
    base: int,
) -> list[int]:
    """Series without a legend entry in drawing order: side by side, along the category
    axis (left to right, top to bottom); stacked, outwards from the baseline."""
    offs: dict[int, list[float]] = {k: [] for k in ks}
    dist: dict[int, list[float]] = {k: [] for k in ks}
    stacked = False
    for grp in groups:
        lo = min(cross_span(r, o)[0] for r in grp)
        hi = max(cross_span(r, o)[1] for r in grp)
        for r in grp:
            a, b = cross_span(r, o)
            k = which[r.colour]
            if k in offs:
                offs[k].append((a + b) / 2.0 - (lo + hi) / 2.0)
                v = value_span(r, o)
                dist[k].append(min(abs(v[0] - base), abs(v[1] - base)))
            for q in grp:
                if q is not r and q.colour != r.colour:
                    c = cross_span(q, o)
                    if min(b, c[1]) - max(a, c[0]) >= 0.5 * min(b - a, c[1] - c[0]):
                        stacked = True
    table = dist if stacked else offs
    return sorted(ks, key=lambda k: float(np.mean(table[k])) if table[k] else 0.0)


def assign_series(
    rgb: npt.NDArray[Any],
    g: npt.NDArray[Any],
    pal: Palette,
    rects: list[Rect],
    bars: Bars,
    groups: list[tuple[Rect, ...] | None],
    ocr: OcrEngine,
) -> SeriesFound | None:
    """Series from the bars' colours and the legend; None for a single-series chart
    (one bar per category and no legend naming its colours)."""
    real = [grp for grp in groups if grp]
    colours = series_colours(bars.bars, pal, real)
    which = {c: k for k, cols in enumerate(colours) for c in cols}
    multi = any(len({which[r.colour] for r in grp}) >= 2 for grp in real)
    entries = find_legend(g, rects, colours, bars.bars, ocr) if colours else []
    if not multi and not entries:
        return None
    named = [e.series for e in entries]
    rest = _order_unnamed(
        [k for k in range(len(colours)) if k not in named],
        real,
        which,
        bars.orientation,
        bars.baseline,
    )
    order = named + rest
    by_k = {e.series: e for e in entries}
    series = []
    for i, k in enumerate(order):
        boxes = [(r.x1, r.y1, r.x2, r.y2) for r in bars.bars if which[r.colour] == k]
        e = by_k.get(k)
        series.append(
            Series(
                index=i,
                label=e.label if e is not None else None,
                label_bbox=e.label_bbox if e is not None else None,
                color=mean_colour(rgb, boxes),
            )
        )
    per_cat: list[tuple[Box | None, ...]] = []
    for grp in groups:
        row: list[Box | None] = []
        for k in order:
            mine = [r for r in grp or () if which[r.colour] == k]
            if mine:  # its bar, and pieces of it; not a sliver reaching past it
                big = max(mine, key=lambda r: r.area)
                lo, hi = cross_span(big, bars.orientation)
                mine = [
                    r for r in mine
                    if lo - 3 <= cross_span(r, bars.orientation)[0]
                    and cross_span(r, bars.orientation)[1] <= hi + 3
                ]
            row.append(
                (
                    min(r.x1 for r in mine),
                    min(r.y1 for r in mine),
                    max(r.x2 for r in mine),
                    max(r.y2 for r in mine),
                )
                if mine
                else None
            )
        per_cat.append(tuple(row))
    return SeriesFound(tuple(series), tuple(per_cat))
