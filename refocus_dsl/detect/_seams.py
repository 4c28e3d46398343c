"""Where a line of page colour or a colour step lies inside one drawing rather than
between two panels: the tests the panel finder (:mod:`refocus_dsl.detect.figure`) puts
to every gap and straight step before it cuts there.

Why a module of its own: each test reads the pixels on both sides of one line (fills,
gridlines and their anti-aliased fringes, axes, card borders), a concern apart from the
recursive cutting that asks them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._raster import U8, runs

BoolArr = npt.NDArray[np.bool_]

CORE_PX = 48
"""Lines and fills at least this long (rows or columns of ink) are drawing, not text: a
piece of a figure with drawing this wide and this tall is a panel's plot, one without
is text (tick labels, a legend, a letter, a title) that belongs to a panel beside it."""
RULE_MAX_PX = 16
"""A flat band of another colour up to this wide separates panels (frames meeting, a rule)."""
GRIDLINE_MAX_PX = 3
"""A page-coloured line at most this thick with fills on both sides of it is a gridline
drawn over a tinted plot area or a heatmap, not a gap between panels (gaps the issue names
are 4 px and up; drawn gridlines are 1-2 px at screen resolution)."""
FILL_DEPTH = 4
"""How far a fill must run on each side of such a line (beyond its anti-aliased edge)."""
SAME_SURFACE = 0.8
"""A line drawn over one surface has that surface facing itself across it along this share
of it (or its cells' edges at this share of the same places)."""
END_PX = 6
"""Lines this close to a box's end are its edge (a card's border, an axis under its plot)."""


def _fill_sides(
    lines: npt.NDArray[np.int16] | U8, ink: BoolArr, s: int, e: int
) -> tuple[BoolArr, BoolArr] | None:
    """Where the page-coloured lines ``s:e`` have a fill on both sides (one non-page
    colour running FILL_DEPTH lines deep past the anti-aliased edge pixel, the line
    lighter than both), and where ink touches the line at all; None near the ends."""
    a, b = s - 1 - FILL_DEPTH, e + 1 + FILL_DEPTH
    if a < 0 or b > len(lines):
        return None
    before = lines[a : s - 1].astype(np.int16)
    after = lines[e + 1 : b].astype(np.int16)
    ref_b, ref_a = before[-1], after[0]
    flat_b = np.abs(before - ref_b).max(axis=(0, 2)) <= 10
    flat_a = np.abs(after - ref_a).max(axis=(0, 2)) <= 10
    # The line itself is lighter than the fills (a white gridline on a tint); a darker
    # line between two light fills is page showing between two white cards.
    band = lines[s:e].astype(np.int16).sum(axis=2)
    other = ((band - ref_b.sum(axis=1)) > 30).all(axis=0) & (
        (band - ref_a.sum(axis=1)) > 30).all(axis=0)
    fill: BoolArr = flat_b & flat_a & other & ink[s - 2] & ink[e + 1]
    touched: BoolArr = ink[s - 1] | ink[e]
    return fill, touched


def _crosses_fills(fill: BoolArr, touched: BoolArr) -> bool:
    n = int(fill.sum())
    return n >= CORE_PX and n >= 0.5 * int(touched.sum())


def inside_fill(lines: npt.NDArray[np.int16] | U8, ink: BoolArr, s: int, e: int) -> bool:
    """Whether the page-coloured lines ``s:e`` cross fills: on both sides a non-page
    colour runs FILL_DEPTH lines deep (past the anti-aliased edge pixel) along at least
    half of where ink touches the line, and at least CORE_PX of it. That is a white
    gridline over a tinted plot or a heatmap (through its cells or along their edges,
    where the colour differs from side to side); a gap between panels has a panel's edge
    (an axis, text, a frame line) beside it, not fills running up to it."""
    sides = _fill_sides(lines, ink, s, e)
    return sides is not None and _crosses_fills(*sides) and _one_surface(
        lines, ink, s, e, sides[0]
    )


def _one_surface(
    lines: npt.NDArray[np.int16] | U8, ink: BoolArr, s: int, e: int, fill: BoolArr
) -> bool:
    """Whether the fills either side of the lines ``s:e`` are one surface that a line is
    drawn over: the same colour facing each other along most of it (a tint, a heatmap's
    cell), or, where the colours differ (a line along cells' edges), cells on both
    sides: flat runs of colour that change in steps. Two pictures side by side
    (micrographs a pixel or two apart) face each other with unrelated colours that
    drift all along."""
    before = lines[s - 2].astype(np.int16)
    after = lines[e + 1].astype(np.int16)
    if float((np.abs(before - after).max(axis=1) <= 10)[fill].mean()) >= SAME_SURFACE:
        return True
    drawn = ink[s - 2] & ink[e + 1]
    return _cells(before, drawn) and _cells(after, drawn)


def _cells(side: npt.NDArray[np.int16], drawn: BoolArr) -> bool:
    """Whether ``side`` (a line of colours) is, where ``drawn``, flat runs of colour that
    change in steps (cells) along SAME_SURFACE of it: runs at least FILL_DEPTH long
    between two steps, each within a colour's noise (10 levels) of its own first colour.
    A picture's colours drift, or change at every few positions."""
    step = np.ones(len(side), dtype=bool)
    step[1:] = (np.abs(np.diff(side, axis=0)).max(axis=1) > 10) | ~drawn[1:] | ~drawn[:-1]
    starts = np.flatnonzero(step)
    ends = np.append(starts[1:], len(side))
    run_of = np.searchsorted(starts, np.arange(len(side)), side="right") - 1
    flat = (np.abs(side - side[starts[run_of]]).max(axis=1) <= 10) & drawn
    flat &= (ends - starts)[run_of] >= FILL_DEPTH
    return int(flat.sum()) >= SAME_SURFACE * int(drawn.sum())


def _fill_deep(
    side: npt.NDArray[np.int16], side_ink: BoolArr, page: npt.NDArray[np.int16], d: int
) -> BoolArr:
    """Where ``side`` (lines ordered away from a step) is one fill ``d`` lines deep: ink of
    one colour, or, if a page-coloured gridline with its anti-aliased fringe crosses it,
    ``d`` lines of that colour around at most GRIDLINE_MAX_PX + 2 lines of it blended
    toward the page colour, the fill resuming beyond them (within ``side``)."""
    ref = side[0]
    u = (side - ref).astype(np.float32)
    near = np.abs(u).max(axis=2) <= 10
    plain: BoolArr = side_ink[:d].all(axis=0) & near[:d].all(axis=0)
    if len(side) <= d:
        return plain
    v = (page - ref).astype(np.float32)
    t = np.clip((u * v).sum(axis=2) / np.maximum((v * v).sum(axis=1), 1.0), 0.0, 1.0)
    blend = np.abs(u - t[:, :, None] * v).max(axis=2) <= 10
    crossed: BoolArr = (
        side_ink[0] & side_ink[-1] & near[-1] & (near | blend).all(axis=0)
        & (near.sum(axis=0) >= d)
    )
    return plain | crossed


def _strip_between(
    side: npt.NDArray[np.int16], side_ink: BoolArr, other: npt.NDArray[np.int16]
) -> BoolArr:
    """Where ``side`` (lines ordered away from a step) is a strip of one non-page colour at
    least FILL_DEPTH lines wide that ends (within an anti-aliased line) in the colour
    ``other`` from across the step: a tinted plot showing between two bars of one colour,
    however narrow the gap between them."""
    ref = side[0]
    same = np.abs(side - ref).max(axis=2) <= 10
    back = np.abs(side - other[None, :, :]).max(axis=2) <= 10
    wide: BoolArr = (same[:FILL_DEPTH] & side_ink[:FILL_DEPTH]).all(axis=0) & ~back[0]
    # The first line off the strip's colour (or, past a blend, the next) is ``other``.
    rest = same[FILL_DEPTH:]
    off = np.where(rest.all(axis=0), len(side), FILL_DEPTH + np.argmin(rest, axis=0))
    cols = np.arange(side.shape[1])
    at, nxt = np.minimum(off, len(side) - 1), np.minimum(off + 1, len(side) - 1)
    ends: BoolArr = (off < len(side)) & (back[at, cols] | back[nxt, cols])
    return wide & ends


def fills_meet(
    lines: npt.NDArray[np.int16], ink: BoolArr, i: int, page: npt.NDArray[np.int16]
) -> bool:
    """Whether the step between lines ``i`` and ``i + 1`` is where two fills meet (a bar
    on a tinted plot, heatmap cells, stacked bars): on both sides one non-page colour
    runs twice FILL_DEPTH lines deep along most of it, perhaps crossed by a gridline, or
    on one side a strip of tint lies between this fill and another of the same colour
    (bars a few pixels apart on a tinted plot).
    Panels pasted together meet at their own margins or border bands, not inside fills."""
    d = 2 * FILL_DEPTH  # deeper than a card's border band (about 5 px)
    if i < d or i + 2 + d > len(lines):
        return False
    far = d + GRIDLINE_MAX_PX + 2  # room for a gridline and its fringe inside the fill
    # The lines on either side of the step may be an anti-aliased blend: look past them.
    lo, hi = max(0, i - far), min(len(lines), i + 2 + far)
    near, away = lines[lo:i][::-1], lines[i + 2 : hi]
    before_ink, after_ink = ink[lo:i][::-1], ink[i + 2 : hi]
    before = _fill_deep(near, before_ink, page, d)
    after = _fill_deep(away, after_ink, page, d)
    before = before | _strip_between(near, before_ink, away[0]) & after
    after = after | _strip_between(away, after_ink, near[0]) & before
    return float((before & after).mean()) >= 0.6


def _reach(band: BoolArr) -> BoolArr:
    """Per line of ``band``, whether ink runs to it from the first line, each step to
    the next line at most one position aside (8-connected)."""
    out = np.zeros(len(band), dtype=bool)
    reach = band[0]
    for k, line in enumerate(band):
        if k:
            reach = line & _grown(reach)
        if not reach.any():
            break
        out[k] = True
    return out


def _grown(line: BoolArr) -> BoolArr:
    """``line`` with every ink position grown by one either way."""
    out: BoolArr = line.copy()
    out[1:] |= line[:-1]
    out[:-1] |= line[1:]
    return out


def cut_off(band: BoolArr, before: BoolArr, after: BoolArr) -> BoolArr:
    """Lines of ``band`` (sparse lines between the drawings on the lines ``before`` and
    ``after`` it) that no stroke crosses, when no stroke runs through the whole band:
    specks there are scattered, while a line or curve drawn across them runs from one
    end to the other. A line holds a stroke where its ink continues into the lines on
    both sides (8-connected); the drawing reaching in from each end (an axis's top, a
    label's glyphs) keeps its own lines."""
    out = np.zeros(len(band), dtype=bool)
    if _reach(band)[-1]:
        return out
    lines = np.concatenate([before[None], band, after[None]])
    for k in range(len(band)):
        out[k] = not (band[k] & _grown(lines[k]) & _grown(lines[k + 2])).any()
    return out


def snap_to_card(ink: BoolArr, cut: int) -> int:
    """``cut`` moved onto the edge of the card that reaches past the other: where one card
    is shorter, nothing is drawn on its side beside the taller card's border band, and
    that whole band (ink along those lines, up to RULE_MAX_PX) belongs to the taller card."""
    n = len(ink)
    for side in (-1, 1):
        probe = cut - RULE_MAX_PX - 1 if side < 0 else cut + RULE_MAX_PX
        if not 0 <= probe < n:
            continue
        # Positions where that whole side holds no ink: the shorter card is absent there.
        bare = ~(ink[: probe + 1] if side < 0 else ink[probe:]).any(axis=0)
        if bare.mean() < 0.1:
            continue
        edge = cut
        while side < 0 and edge > probe + 1 and ink[edge - 1][bare].mean() >= 0.9:
            edge -= 1
        while side > 0 and edge < probe - 1 and ink[edge][bare].mean() >= 0.9:
            edge += 1
        if edge != cut:
            return edge
    return cut


def axis_at_one_end(window: BoolArr) -> bool:
    """Whether a thin line crosses the ``window`` of lines around a step at one end of it
    and nothing crosses at the other end: an axis the step's fill stands on (a bar's edge
    in a plot without a top spine). Cards pasted together have their edges at both ends
    (equal heights) or at neither."""
    cross: BoolArr = np.asarray(window.all(axis=0))
    n = cross.size
    thin = [(s, e) for s, e in runs(cross) if e - s <= GRIDLINE_MAX_PX + 1]
    at_start = any(s < END_PX for s, _ in thin)
    at_end = any(e > n - END_PX for _, e in thin)
    return at_start != at_end


def plain_positions(content: BoolArr) -> BoolArr:
    """Which positions along a step (rows of ``content``, a box's soft ink) are blank or
    a line across half the box or more (a border, a shadow): no text, no marks."""
    share = content.mean(axis=1)
    out: BoolArr = (share == 0) | (share >= 0.5)
    return out


def runs_across(window: BoolArr, plain: BoolArr) -> int:
    """How many lines cross the ``window`` of lines around a step (drawn all along it),
    not counting a card's own edge. A crossing line within END_PX of the box's end is
    that card's edge (cards pasted edge to edge meet across the step there) only when
    nothing lies beyond it but ``plain`` positions (:func:`plain_positions`). Text
    beyond it (a tick label over a plot's top spine, tick marks under its x axis) makes
    it a frame inside one drawing, however close to the end: on a copy at half size
    a spine lies a few pixels from the label's top."""
    cross: BoolArr = np.asarray(window.all(axis=0))
    n = cross.size
    # The first position from each end holding something else than blank or a line.
    head = int(np.argmin(plain)) if not plain.all() else n
    tail = int(np.argmin(plain[::-1])) if not plain.all() else n
    keep = cross.copy()
    keep[: min(head, END_PX)] = False
    keep[n - min(tail, END_PX) :] = False
    return int(keep.sum())


def enclosed(ink: BoolArr, lo: int, hi: int, step: int) -> bool:
    """Whether the colour step between lines ``step`` and ``step + 1`` of ``ink`` (lines
    along the cut) stops inside a frame: lines cross the window ``lo:hi`` around it on
    both sides of a spot where page shows on both sides of the step. That spot is one
    open space reaching across the step (the white above a bar, under a plot's top
    spine), so the step is a drawing's edge inside the frame. A seam between pasted
    cards has a card's own colour or edge all along it, from one crossing line to the
    other."""
    crossing = np.flatnonzero(ink[lo:hi].all(axis=0))
    if crossing.size < 2:
        return False
    open_space = np.flatnonzero(~ink[step] & ~ink[step + 1])
    inside = (open_space > crossing[0]) & (open_space < crossing[-1])
    return bool(inside.any())


def gridline_edge(lines: npt.NDArray[np.int16], ink: BoolArr, i: int) -> bool:
    """Whether the step after line ``i`` is one side of a line at most GRIDLINE_MAX_PX
    thick drawn across a fill (a white gridline over a tinted plot or a heatmap), or of
    its anti-aliased fringe: the line's core may start a fringe pixel past the step
    (``i + 2``) as well as end one before it. Each position along the step may have its
    own such line (a gridline and, along part of it, an inset's edge a pixel off it)."""
    fill = np.zeros(lines.shape[1], dtype=bool)
    touched = np.zeros(lines.shape[1], dtype=bool)
    for s in range(max(0, i - GRIDLINE_MAX_PX), i + 3):
        for e in range(s + 1, s + 1 + GRIDLINE_MAX_PX):
            sides = _fill_sides(lines, ink, s, e)
            if sides is None:
                continue
            if _crosses_fills(*sides):
                return True
            fill |= sides[0]
            touched |= sides[1]
    return _crosses_fills(fill, touched)


def marks_cross(drawn: BoolArr, lines: npt.NDArray[np.int16], i: int) -> bool:
    """Whether marks (a curve, dots) run through the step between lines ``i`` and
    ``i + 1`` of ``drawn`` (drawing, by line): the step is one side of a thin line (a
    gridline, at most GRIDLINE_MAX_PX thick) with the same background beyond it on both
    sides, and at two places or more, away from the ends, drawing just beyond the line
    on one side meets drawing just beyond it on the other (within as many lines along
    it as the two are apart: a curve crossing at up to 45 degrees). Cards pasted
    together keep a margin inside each frame; nothing drawn runs from one into the other."""
    a, b = i - GRIDLINE_MAX_PX - 1, i + GRIDLINE_MAX_PX + 2
    if a < 0 or b >= len(drawn):
        return False
    back_a = np.median(lines[a], axis=0)
    back_b = np.median(lines[b], axis=0)
    if np.abs(back_a - back_b).max() > 10:
        return False
    k = b - a
    n = drawn.shape[1]
    inner = slice(END_PX, n - END_PX)
    near_a = _spread(drawn[a], k)[inner]
    near_b = _spread(drawn[b], k)[inner]
    both = drawn[a][inner] & near_b | drawn[b][inner] & near_a
    return len(runs(np.asarray(both))) >= 2


def _spread(line: BoolArr, k: int) -> BoolArr:
    """``line`` with every true position grown by ``k`` either way."""
    sums = np.concatenate([[0], np.cumsum(line, dtype=np.int32)])
    idx = np.arange(line.size)
    lo, hi = np.maximum(idx - k, 0), np.minimum(idx + k + 1, line.size)
    out: BoolArr = (sums[hi] - sums[lo]) > 0
    return out
