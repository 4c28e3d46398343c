"""Table columns stage: boundaries on vertical rules, else in white space through the body.

Also the small helpers that relate text groups to columns (which columns a
span of x covers, text groups of a row, cutting groups at free boundaries).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._grid import Rule, Span, gaps
from refocus_dsl.detect._raster import runs

B = npt.NDArray[np.bool_]

_GAP_FLOOR = 0.3
"""A column gap narrower than this share of the median gap is a lined-up word space."""


_SPAN_FRAC = 0.0
"""A row crossing this share of candidate gaps (and at least 2) is a note across the table."""


def occupancy(ink: B, spans: Sequence[Span], x1: int, x2: int) -> npt.NDArray[np.int64]:
    """Per x in [x1, x2): in how many of ``spans`` (row content) there is ink."""
    count = np.zeros(x2 - x1, np.int64)
    for a, b in spans:
        count += ink[a:b, x1:x2].any(axis=0)
    return count


def text_groups(occ: npt.NDArray[np.bool_], x0: int, min_gap: float) -> list[Span]:
    """Runs of occupied x, merged across holes narrower than ``min_gap``."""
    out: list[Span] = []
    for a, b in runs(occ):
        if out and a - out[-1][1] < min_gap:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return [(a + x0, b + x0) for a, b in out]


def ink_columns(ink: B, a: int, b: int, x1: int, x2: int) -> B:
    out: B = np.asarray(ink[a:b, x1:x2].any(axis=0), dtype=np.bool_)
    return out


def columns_of(x1: int, x2: int, bounds: Sequence[int]) -> list[int]:
    """Columns (between consecutive ``bounds``) that [x1, x2) overlaps by more than 2 px."""
    out = []
    for j in range(len(bounds) - 1):
        ov = min(x2, bounds[j + 1]) - max(x1, bounds[j])
        if ov > 2 or (ov > 0 and ov >= 0.5 * (x2 - x1)):
            out.append(j)
    return out


def merge_by_column(groups: Sequence[Span], xb: Sequence[int]) -> list[Span]:
    """Join neighbouring text groups that lie in the same single column (one header cell).

    Words of a wrapped header are separate groups when their spaces are wide;
    read apart, their lines would interleave ("Average 1000) population (x").
    """
    out: list[Span] = []
    last_cols: list[int] | None = None
    for g in groups:
        cols = columns_of(g[0], g[1], xb)
        if out and last_cols is not None and len(cols) == 1 and cols == last_cols:
            out[-1] = (out[-1][0], g[1])
        else:
            out.append(g)
        last_cols = cols
    return out


def split_at_bounds(
    groups: Sequence[Span], ink: B, a: int, b: int, xb: Sequence[int]
) -> list[Span]:
    """Cut text groups at column boundaries that no ink crosses (tight columns, not spans)."""
    out: list[Span] = []
    for g0, g1 in groups:
        start = g0
        for x in xb[1:-1]:
            if start < x < g1 and not ink[a:b, max(0, x - 1) : x + 2].any():
                out.append((start, x))
                start = x
        out.append((start, g1))
    return out


def column_bounds(
    ink: B,
    spans: Sequence[Span],
    v_rules: Sequence[Rule],
    ex1: int,
    ex2: int,
    min_gap: float,
    head: Sequence[Span] = (),
) -> tuple[list[int], str, int, int]:
    """Inner column boundaries: on vertical rules, else in white space through every span.

    Header rows (``head``) do not make gaps, but where a header's text is wider
    than the body's the boundary moves into what the header leaves free.
    """
    every = [*spans, *head]
    a0, b0 = min(s[0] for s in every), max(s[1] for s in every)
    text_cols = np.nonzero(ink[a0:b0, ex1:ex2].any(axis=0))[0]
    if text_cols.size == 0:
        return [], "none", ex1, ex2
    ix1, ix2 = ex1 + int(text_cols[0]), ex1 + int(text_cols[-1]) + 1
    ix1, ix2 = _inside_frame(ink, every, v_rules, (ex1, ex2), (ix1, ix2), min_gap)
    left = [r.pos for r in v_rules if r.pos <= ix1]
    right = [r.pos for r in v_rules if r.pos >= ix2 - 1]
    lo = min(left) if left else ix1
    hi = max(right) if right else ix2
    inner = [r for r in v_rules if lo < r.pos + r.width // 2 < hi and r.pos not in (lo, hi)]
    # a "column" narrower than about half a text line holds no text: a rule that close
    # to another (JPEG ringing beside a border, a double rule) is not a boundary
    apart: list[Rule] = []
    for r in sorted(inner, key=lambda r: r.pos):
        mid = r.pos + r.width // 2
        prev = apart[-1].pos + apart[-1].width // 2 if apart else lo
        if mid - prev >= min_gap and hi - mid >= min_gap:
            apart.append(r)
    inner = apart
    if len(inner) >= 2:
        return [r.pos + r.width // 2 for r in inner], "rules", ix1, ix2
    # rows whose text runs across several column gaps (a note spanning the table) do not count
    n = len(spans)
    if n >= 5:
        count = occupancy(ink, spans, ix1, ix2)
        cand = [g for g in gaps(count > max(1, n // 10), 0, ix2 - ix1) if g[1] - g[0] >= min_gap]
        if len(cand) >= 2:
            # a note row crosses (nearly) every gap; a long cell crosses its own column's
            need = max(2, int(np.ceil(_SPAN_FRAC * len(cand))))
            kept = [
                sp
                for sp in spans
                if sum(1 for a, b in cand if ink[sp[0] : sp[1], ix1 + a : ix1 + b].any()) < need
            ]
            if len(kept) >= max(2, n // 2):
                spans = kept
    occ = occupancy(ink, spans, ix1, ix2) > 0
    head_occ = occupancy(ink, head, ix1, ix2) > 0 if head else np.zeros_like(occ)
    both = occ | head_occ
    # gaps free in every row, header included; where the header splits one body gap
    # in several (header text wider than the body's), only wide header gaps count ...
    free_both = [g for g in gaps(both, 0, ix2 - ix1) if g[1] - g[0] >= min_gap]
    mids: list[int] = []
    widths: list[int] = []
    body_widths: list[int] = []
    width = ix2 - ix1
    for a, b in runs(~occ):
        inside = [g for g in free_both if a <= g[0] and g[1] <= b]
        edge = a == 0 or b == width
        if b - a < min_gap or (edge and not inside):
            continue
        if len(inside) > 1 or edge:
            wide = [g for g in inside if g[1] - g[0] >= _NARROW_GAP * min_gap]
            inside = wide or ([] if edge else [max(inside, key=lambda g: g[1] - g[0])])
            if edge and not inside:
                continue
        if inside:
            mids.extend((c + d) // 2 for c, d in inside)
            widths.extend(d - c for c, d in inside)
            body_widths.extend(b - a for _ in inside)
        else:  # ... and body gaps that a spanning header crosses
            mids.append((a + b) // 2)
            widths.append(b - a)
            body_widths.append(b - a)
    # a gap far narrower than the table's other column gaps is a word space that
    # happens to line up (e.g. "arr. 1847" in every row)
    if len(widths) >= 3:
        floor = _GAP_FLOOR * float(np.median(widths))
        # judged on the body's gap: a header may narrow a real gap, never a word space
        kept = [(m, wd) for m, wd in zip(mids, body_widths, strict=True) if wd >= floor]
        mids = _headed_narrow_gaps(kept, head_occ, min_gap) if head else [m for m, _ in kept]
    bounds = [ix1 + m for m in mids]
    for r in inner:
        mid = r.pos + r.width // 2
        if all(abs(mid - x) > min_gap for x in bounds):
            bounds.append(mid)
    return sorted(bounds), ("white space and rules" if inner else "white space"), ix1, ix2


def _headed_narrow_gaps(gaps_found: Sequence[Span], head_occ: B, min_gap: float) -> list[int]:
    """Gap middles, without the narrow gaps that the header does not head as column gaps.

    A word space lined up in every row ("4 May 1943", a bullet before each line of a
    list in a cell) can be a little wider than the minimum gap once blur thins the
    strokes, yet stays far narrower than the table's clear column gaps. A gap of a word
    space's scale (under ``_NARROW_GAP`` minimum gaps) and under half the clear gaps'
    median is a column gap only when the header leaves a word space free over it and
    heads the columns on both sides of it: a header running over it, or header text
    over one side only, heads one cell split at a space. Only the stub column (the
    first) may have no header of its own. A header row running over a clear gap is a
    group header over sub-headers (not a column's own header): it decides nothing.
    ``gaps_found``: (middle, body gap width), in ``head_occ``'s x.
    """
    mids = [m for m, _ in gaps_found]
    clear = [wd for _, wd in gaps_found if wd >= _NARROW_GAP * min_gap]
    if len(clear) < 2:  # no clear gaps to compare with (a tight or tiny table)
        return mids

    def crossed(m: int, wd: int) -> bool:
        # letters stand closer than half a minimum gap, words farther apart
        free = runs(~head_occ[max(0, m - wd // 2) : m + (wd + 1) // 2])
        return max((b - a for a, b in free), default=0) < 0.5 * min_gap

    if any(crossed(m, wd) for m, wd in gaps_found if wd >= _NARROW_GAP * min_gap):
        return mids
    narrow = min(_NARROW_GAP * min_gap, 0.5 * float(np.median(clear)))
    out: list[int] = []
    for k, (m, wd) in enumerate(gaps_found):
        lo = mids[k - 1] if k > 0 else 0
        hi = mids[k + 1] if k + 1 < len(mids) else head_occ.size
        left, right = bool(head_occ[lo:m].any()), bool(head_occ[m:hi].any())
        if wd >= narrow or (not crossed(m, wd) and right and (left or k == 0)):
            out.append(m)
    return out


_NARROW_GAP = 2
"""Minimum gaps (about a line's height) under which a column gap may be a word space."""


def _inside_frame(
    ink: B,
    spans: Sequence[Span],
    v_rules: Sequence[Rule],
    extent: Span,
    text: Span,
    min_gap: float,
) -> Span:
    """The text's x-extent cut at a frame's inner edge: an outermost column rule that
    leaves less than a line's width (two minimum gaps) to the end of the rules, with
    ink beyond it in fewer than half the rows, is the table's border. What lies beyond
    it is the border's halo or a shaded band's ragged edge on a photographed page, not
    a column (a real column that narrow would hold text in most rows)."""
    ix1, ix2 = text
    if not v_rules or len(spans) < 4:
        return ix1, ix2
    room = _FRAME_GAPS * min_gap

    def rows_with_ink(x1: int, x2: int) -> int:
        return sum(1 for a, b in spans if x2 > x1 and ink[a:b, x1:x2].any())

    first = min(v_rules, key=lambda r: r.pos)
    if ix1 < first.pos and first.pos - extent[0] < room:
        if 2 * rows_with_ink(ix1, first.pos) < len(spans):
            ix1 = first.end
    last = max(v_rules, key=lambda r: r.end)
    if ix2 > last.end and extent[1] - last.end < room:
        if 2 * rows_with_ink(last.end, ix2) < len(spans):
            ix2 = last.pos
    return ix1, ix2


_FRAME_GAPS = 2
"""Minimum gaps (about a line height) a column needs beyond the last rule to hold text."""


def merge_sparse_columns(
    ink: B, spans: Sequence[Span], bounds: Sequence[int], ix1: int, ix2: int, n_head: int
) -> list[int]:
    """Drop boundaries that cut off a "column" with text in one row only.

    Such a column is a long cell's word gap lined up with white space in every
    other row; a real column has text in several rows or a header.
    """
    out = list(bounds)
    if len(spans) < 4:
        return out
    occ_all = occupancy(ink, spans, ix1, ix2) > 0
    changed = True
    while changed and out:
        changed = False
        xb = [ix1, *out, ix2]
        for j in range(len(xb) - 1):
            edges = [x for x in (xb[j], xb[j + 1]) if x in out]

            def crosses(a: int, b: int, edges: list[int] = edges) -> bool:
                return any(ink[a:b, max(0, x - 1) : x + 2].any() for x in edges)

            # a header counts only when it stays inside the column (a wide header over
            # a centred column does not make the column's empty margin a column)
            support = sum(
                (2 if not crosses(a, b) else 0) if k < n_head else 1
                for k, (a, b) in enumerate(spans)
                if ink[a:b, xb[j] : xb[j + 1]].any()
            )
            if support > 1:
                continue

            # the boundary to drop: the one whose white gap is narrower
            def width(x: int) -> int:
                i = x - ix1
                lo = i
                while lo > 0 and not occ_all[lo - 1]:
                    lo -= 1
                hi = i
                while hi < len(occ_all) and not occ_all[hi]:
                    hi += 1
                return hi - lo

            cands = [x for x in (xb[j], xb[j + 1]) if x in out]
            if not cands:
                continue
            out.remove(min(cands, key=width))
            changed = True
            break
    return out
