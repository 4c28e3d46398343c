"""Bars from pixels: solid rectangles of one colour that stand on a common baseline.

Why this shape of algorithm: bars are axis-aligned flat fills, so every row
through a bar has a run of one colour with the same start and end. Grouping
identical runs over consecutive rows yields rectangles in a few vectorised
numpy passes (no connected-component library needed). A rectangle is a bar
when one of its ends lies on the baseline shared by most rectangles (or it is
stacked on such a bar), its colour is not the page's, and most of that
colour's pixels are in such rectangles (so background gaps between bars and
legend swatches, which are mostly elsewhere, are not bars).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._pieces import group_runs, heal, knit, past_objects, runs, without_inner
from refocus_dsl.detect._raster import I32, U8, Palette, colour_distance

Orientation = Literal["vertical", "horizontal"]

BAR_AREA = 0.002
"""Share of the image a piece must cover to count fully as bar-sized (glyph strokes
line up on a baseline too, but are small)."""


@dataclass(frozen=True)
class Rect:
    """A solid fill: palette colour index and half-open pixel box."""

    colour: int
    x1: int
    y1: int
    x2: int
    y2: int

    @property
    def w(self) -> int:
        return self.x2 - self.x1

    @property
    def h(self) -> int:
        return self.y2 - self.y1

    @property
    def area(self) -> int:
        return self.w * self.h


@dataclass(frozen=True)
class Bars:
    """Bars found for one orientation: the baseline coordinate and the bars on it."""

    orientation: Orientation
    baseline: int
    bars: tuple[Rect, ...]
    score: float
    colours: tuple[int, ...]


@dataclass(frozen=True)
class Group:
    """One category's bars (a single bar, a stack, or a group of side-by-side bars)."""

    lo: int  # cross-axis start (x for vertical bars, y for horizontal)
    hi: int
    bars: tuple[Rect, ...]

    @property
    def centre(self) -> float:
        return (self.lo + self.hi) / 2.0

    def box(self) -> tuple[int, int, int, int]:
        return (
            min(b.x1 for b in self.bars),
            min(b.y1 for b in self.bars),
            max(b.x2 for b in self.bars),
            max(b.y2 for b in self.bars),
        )


def find_rects(
    labels: I32, excluded: set[int], min_side: int = 3, min_area: int = 12, jitter: int = 0,
    along: Orientation | None = None, background: int | None = None,
) -> list[Rect]:
    """Solid rectangles of one palette colour, rejoined across thin interruptions and
    (``jitter`` > 0: a blurred or grainy image) across edges that wander by that much.

    ``along``: the bars sought stand that way, so a thin gap along their length that
    shows the ``background`` colour is not healed, nor are pieces either side of a thin
    gap along them rejoined: such a gap is the plot between two bars of a dense chart
    (a line drawn lengthwise over one bar cuts it in two halves that
    :func:`_rejoin_split` puts together)."""
    vertical, horizontal = along in (None, "vertical"), along in (None, "horizontal")
    axis = {"vertical": 0, "horizontal": 1}.get(along or "")
    labels = heal(labels, excluded, along=axis, background=background)
    rows, x1, x2, vals = runs(labels, 1)
    keep = np.ones(vals.size, dtype=bool)
    for c in excluded:
        keep &= vals != c
    raw = group_runs(rows[keep], x1[keep], x2[keep], vals[keep])
    if jitter > 0:
        raw = knit(raw, jitter)
    # Rejoin pieces split vertically (gridline or text across a bar): same colour and columns;
    # pieces that touch are one fill whichever way the bars stand.
    raw.sort(key=lambda t: (t[0], t[1], t[3], t[2]))
    merged: list[list[int]] = []
    for c, a, y1, b, y2 in raw:
        if merged:
            m = merged[-1]
            if m[0] == c and m[1] == a and m[3] == b and 0 <= y1 - m[4]:
                gap = y1 - m[4]
                # Text inside a bar leaves the bar's two edges intact; a gap between
                # two bars does not.
                if gap == 0 or (vertical and gap <= 2) or (
                    gap <= 60
                    and b - a >= 6
                    and max(
                        float(np.mean(labels[m[4] : y1, a + 1] == c)),
                        float(np.mean(labels[m[4] : y1, b - 2] == c)),
                    )
                    >= 0.9
                    and float(np.mean(labels[m[4] : y1, a:b] == c)) >= 0.3
                ):
                    m[4] = y2
                    continue
        merged.append([c, a, y1, b, y2])
    merged = without_inner(merged, [past_objects(labels, m) for m in merged])
    # Rejoin pieces split horizontally (vertical gridline over a horizontal bar).
    merged.sort(key=lambda t: (t[0], t[2], t[4], t[1]))
    joined: list[list[int]] = []
    for c, a, y1, b, y2 in merged:
        if joined:
            m = joined[-1]
            gap = a - m[3]
            near = gap == 0 or (horizontal and 0 <= gap <= 5)
            if m[0] == c and m[2] == y1 and m[4] == y2 and near:
                m[3] = b
                continue
        joined.append([c, a, y1, b, y2])
    out = [
        Rect(c, a, y1, b, y2)
        for c, a, y1, b, y2 in joined
        if (b - a) >= 1 and (y2 - y1) >= 1 and max(b - a, y2 - y1) >= min_side
        and (b - a) * (y2 - y1) >= min_area
    ]
    return out


def excluded_colours(pal: Palette, rgb: U8, page: tuple[int, int, int]) -> set[int]:
    """Palette colours that are page or near-white: never bar fills."""
    out: set[int] = set()
    for i, col in enumerate(pal.colours):
        arr = np.asarray([[col]], dtype=np.uint8)
        near_white = min(col) >= 244 and min(page) >= 128  # a white card on a light page
        if int(colour_distance(arr, page)[0, 0]) < 16 or near_white:
            out.add(i)
    del rgb
    return out


def cross_span(r: Rect, o: Orientation) -> tuple[int, int]:
    return (r.x1, r.x2) if o == "vertical" else (r.y1, r.y2)


def value_span(r: Rect, o: Orientation) -> tuple[int, int]:
    return (r.y1, r.y2) if o == "vertical" else (r.x1, r.x2)


def edge_strip(r: Rect, bars: tuple[Rect, ...], o: Orientation) -> bool:
    """A sliver (<= 3 px long) along the end of a longer bar of another colour: an
    anti-aliased or outlined edge, not a bar of its own."""
    rv = value_span(r, o)
    if rv[1] - rv[0] > 3:
        return False
    rc = cross_span(r, o)
    for q in bars:
        if q is r or q.colour == r.colour:
            continue
        qc, qv = cross_span(q, o), value_span(q, o)
        if qv[1] - qv[0] <= 3 or qc[0] > rc[0] + 2 or qc[1] < rc[1] - 2:
            continue
        if abs(qv[0] - rv[1]) <= 2 or abs(qv[1] - rv[0]) <= 2:
            return True
    return False


def behind_bars(on: list[Rect], rects: list[Rect], o: Orientation) -> list[bool]:
    """For each of ``on``: a line drawn behind the bars (a gridline), not a bar. Its far
    end meets a fill of another colour much wider than it across, and beyond that fill
    it goes on (the same colour and cross extent). A bar ends in the plot; a stacked
    segment meets one of its own width; text inside a bar is no wide fill."""
    if not on or not rects:
        return [False] * len(on)
    arr = np.asarray([(r.colour, *cross_span(r, o), *value_span(r, o)) for r in rects])
    col, c1, c2, v1, v2 = arr.T
    out = []
    for r in on:
        rc, rv = cross_span(r, o), value_span(r, o)
        pad = max(2, rc[1] - rc[0])
        wide = (col != r.colour) & (c1 <= rc[0] - pad) & (c2 >= rc[1] + pad)
        # The fill starts where the line ends (either way along the value axis), and the
        # line goes on where the fill stops.
        same = (col == r.colour) & (np.abs(c1 - rc[0]) <= 1) & (np.abs(c2 - rc[1]) <= 1)
        up = v2[wide & (np.abs(v1 - rv[1]) <= 2)]
        down = v1[wide & (np.abs(v2 - rv[0]) <= 2)]
        out.append(
            bool((np.abs(up[:, None] - v1[same][None, :]) <= 2).any())
            or bool((np.abs(down[:, None] - v2[same][None, :]) <= 2).any())
        )
    return out


def legend_swatches(
    bars: tuple[Rect, ...], rects: list[Rect], size: tuple[int, int]
) -> set[Rect]:
    """Bars that are a legend's swatch whose end happens to lie on the baseline: a small
    patch with a patch of the same size in another bar colour, which is no bar, in line
    with it (a legend's row or column). A real bar that small has no such twin."""
    limit = max(14.0, 0.07 * max(size))
    colours = {r.colour for r in bars}
    # Compact like a swatch: a sliver of a bar near zero is no legend's patch.
    small = [r for r in bars if max(r.w, r.h) <= min(limit, 4 * min(r.w, r.h))
             and min(r.w, r.h) >= 3]
    if not small:
        return set()
    twins = [q for q in rects if q.colour in colours and q not in bars
             and max(q.w, q.h) <= limit]
    out = set()
    for r in small:
        for q in twins:
            if q.colour == r.colour or abs(q.w - r.w) > 1 or abs(q.h - r.h) > 1:
                continue
            row = abs(q.y1 - r.y1) <= 1 and abs(q.y2 - r.y2) <= 1
            column = abs(q.x1 - r.x1) <= 1 and abs(q.x2 - r.x2) <= 1
            if row or column:
                out.add(r)
                break
    return out


def _runs_to_frame(pieces: list[tuple[int, int]], frame: int, tol: int) -> bool:
    """Whether most of a colour's area (pieces of (far end, area)) ends at the frame."""
    total = sum(a for _, a in pieces)
    hits = [a for f, a in pieces if abs(f - frame) <= tol]
    return (
        len(hits) >= 2 and len(hits) >= 0.5 * len(pieces) and total > 0 and sum(hits) >= 0.5 * total
    )


def _surrounding(
    rects: list[Rect], on: list[Rect], others: list[Rect], good: set[int], o: Orientation,
    base: int,
) -> set[int]:
    """Colours whose pieces on the baseline are the plot background showing between bars.

    A bar is a rectangle of its own; the background is one connected region with the
    bars cut out of it (above the shortest bars its rows run across the plot). So a
    colour whose pieces on the baseline are joined to one another, with a bar of
    another colour between two of them (one of ``others``: the bars accepted here, or
    when this baseline has one colour only, any rectangle: seen from the far frame the
    real bars stand on no baseline at all), is no bar colour.
    Rectangles of one colour are joined when their rows meet or overlap and they share
    columns.
    """
    # An axis line drawn in the bars' colour along the baseline joins nothing.
    mine = [
        r for r in rects
        if r.colour in good and not all(abs(e - base) <= 3 for e in value_span(r, o))
    ]
    parent = list(range(len(mine)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Rejoined pieces may overlap rather than abut: rows that meet or overlap, and
    # shared columns, join two pieces (a sweep down the rows).
    order = sorted(range(len(mine)), key=lambda i: mine[i].y1)
    for k, i in enumerate(order):
        r = mine[i]
        for j in order[k + 1 :]:
            q = mine[j]
            if q.y1 > r.y2:
                break
            if q.colour == r.colour and min(r.x2, q.x2) > max(r.x1, q.x1):
                parent[find(i)] = find(j)
    index = {id(r): i for i, r in enumerate(mine)}
    out: set[int] = set()
    for c in good:
        roots: dict[int, list[Rect]] = {}
        for r in on:
            if r.colour == c and id(r) in index:
                roots.setdefault(find(index[id(r)]), []).append(r)
        for pieces in roots.values():
            # Two places along the axis, with a bar of another colour between them. A
            # tick mark splitting one bar's bottom rows, or a gridline's dash across a
            # bar, is no bar: it is short beside the pieces' length.
            lo = min(cross_span(r, o)[1] for r in pieces)
            hi = max(cross_span(r, o)[0] for r in pieces)
            reach = max(value_span(r, o)[1] - value_span(r, o)[0] for r in pieces)
            # Between them, not beyond their ends: the next stacked segment, split around
            # the value printed in it at the same rows as this one, is no bar between.
            v_lo = min(value_span(r, o)[0] for r in pieces)
            v_hi = max(value_span(r, o)[1] for r in pieces)
            if any(
                b.colour != c
                and value_span(b, o)[1] - value_span(b, o)[0] > max(3.0, 0.1 * reach)
                and min(value_span(b, o)[1], v_hi) > max(value_span(b, o)[0], v_lo)
                and cross_span(b, o)[1] - cross_span(b, o)[0] >= 3
                and lo - 3 <= cross_span(b, o)[0] and cross_span(b, o)[1] <= hi + 3
                for b in others
            ):
                out.add(c)
                break
    return out


def _rejoin_split(bars: tuple[Rect, ...], o: Orientation, base: int) -> tuple[Rect, ...]:
    """One bar cut lengthwise in two (a gridline drawn over it, anti-aliased edges that
    differ by a pixel so the two halves' rows no longer match): same colour, side by
    side with a gap of at most 3 px, both standing on the baseline and ending within
    2 px of each other. Categories stand apart and differ in length."""
    def far(r: Rect) -> int:
        v = value_span(r, o)
        return v[1] if abs(v[0] - base) <= abs(v[1] - base) else v[0]

    def stands(r: Rect) -> bool:
        return min(abs(e - base) for e in value_span(r, o)) <= 3

    out: list[Rect] = []
    for r in sorted(bars, key=lambda q: (q.colour, cross_span(q, o)[0])):
        for i, m in enumerate(out):
            gap = cross_span(r, o)[0] - cross_span(m, o)[1]
            if (
                m.colour == r.colour
                and 0 <= gap <= 3
                and stands(m)
                and stands(r)
                and abs(far(m) - far(r)) <= 2
            ):
                out[i] = Rect(
                    m.colour, min(m.x1, r.x1), min(m.y1, r.y1), max(m.x2, r.x2), max(m.y2, r.y2)
                )
                break
        else:
            out.append(r)
    return tuple(out)


def bars_for(
    rects: list[Rect], o: Orientation, counts: tuple[int, ...], size: tuple[int, int]
) -> Bars:
    """The best baseline for orientation ``o`` and the bars standing on it."""
    width, height = size
    cross_limit = 0.5 * (width if o == "vertical" else height)
    cands = [
        r
        for r in rects
        if cross_span(r, o)[1] - cross_span(r, o)[0] >= 3
        and cross_span(r, o)[1] - cross_span(r, o)[0] <= cross_limit
    ]
    broken = _broken_line(cands, o)
    cands = [r for r in cands if id(r) not in broken]
    if not cands:
        return Bars(o, 0, (), 0.0, ())
    peaks = _baseline_candidates(cands, o, BAR_AREA * width * height)
    solid: dict[int, int] = {}
    for r in rects:
        solid[r.colour] = solid.get(r.colour, 0) + r.area
    found: list[Bars] = []
    for base in peaks:
        on = [r for r in cands if min(abs(e - base) for e in value_span(r, o)) <= 3]
        on = [r for r, line in zip(on, behind_bars(on, rects, o), strict=True) if not line]
        accepted = _with_stacked(on, cands, o)
        # A bar colour has most of its pixels in bars; background gaps and text do not.
        area: dict[int, int] = {}
        for r in accepted:
            area[r.colour] = area.get(r.colour, 0) + r.area
        good = {c for c, a in area.items() if a >= 0.5 * solid[c]}
        # Plot background between bars also stands on the baseline, but every piece of it
        # runs to the same far edge (the frame); real bars differ in length.
        far_by: dict[int, list[tuple[int, int]]] = {}
        for r in on:
            v = value_span(r, o)
            far = v[1] if abs(v[0] - base) <= 2 else v[0]
            far_by.setdefault(r.colour, []).append((far, r.area))
        # The frame is beyond every bar end, stacked segments included.
        all_far = [e for r in accepted for e in value_span(r, o)]
        frame = max(all_far, key=lambda f: abs(f - base)) if all_far else base
        tol = max(4, int(0.01 * (width if o == "horizontal" else height)))
        # ... and it also fills the plot beyond the bars' ends, so only part of its area
        # stands on the baseline; a real series of equal bars has nearly all of it there.
        flat = {
            c for c in good
            if _runs_to_frame(far_by.get(c, []), frame, tol) and area[c] < 0.8 * solid[c]
        }
        # With one colour here, the real bars (if this is the far frame) stand elsewhere.
        flat |= _surrounding(rects, on, accepted if len(good) >= 2 else cands, good, o, base)
        doubtful = bool(flat) and not (good - flat)
        if flat and good - flat:
            good -= flat
        # Slivers of anti-aliased or outlined edges are colours with next to no bar area.
        if good:
            top = max(area[c] for c in good)
            good = {c for c in good if area[c] >= 0.02 * top}
        bars = tuple(r for r in accepted if r.colour in good)
        # Drop near-duplicates and rectangles inside other bars (text holes).
        bars = tuple(
            r
            for r in bars
            if not any(
                q is not r and q.x1 <= r.x1 and q.y1 <= r.y1 and q.x2 >= r.x2 and q.y2 >= r.y2
                and q.area > r.area
                for q in bars
            )
        )
        if not bars:
            continue
        bars = _rejoin_split(bars, o, base)
        mid = float(np.median([cross_span(r, o)[1] - cross_span(r, o)[0] for r in bars]))
        bars = tuple(r for r in bars if cross_span(r, o)[1] - cross_span(r, o)[0] >= 0.25 * mid)
        bars = tuple(r for r in bars if not edge_strip(r, bars, o))
        score = _baseline_score(bars, o, base, size)
        if doubtful:  # every colour here has most of its bars elsewhere: a mirror image
            score *= 0.3
        if score > 0:
            found.append(Bars(o, int(base), bars, score, tuple(sorted(good))))
    # Bars that reach the frame also "stand" on it, hanging from the top; a baseline
    # whose bars are only some of another baseline's bars is that frame, not a base.
    sets = [set(b.bars) for b in found]
    kept = [
        b for i, b in enumerate(found)
        if not any(j != i and sets[i] < sets[j] for j in range(len(found)))
    ]
    return max(kept, key=lambda b: b.score, default=Bars(o, 0, (), 0.0, ()))


LINE_PX = 8
"""Thickness up to which three or more pieces of one colour at one value span are a line
broken by the bars (an axis or gridline blurred into the page's colour), not bars."""


def _broken_line(cands: list[Rect], o: Orientation) -> set[int]:
    """Ids of the pieces of lines crossing the bars: under blur an axis line turns into a
    band of blended colours, cut by the bars into pieces short enough to pass for bars
    standing on the baseline, all with the same value span."""
    spans: dict[tuple[int, int, int], list[Rect]] = {}
    for r in cands:
        v0, v1 = value_span(r, o)
        if v1 - v0 <= LINE_PX:
            spans.setdefault((r.colour, v0, v1), []).append(r)
    out: set[int] = set()
    for (c, v0, v1), rs in spans.items():
        near = [
            q for a in (-1, 0, 1) for b in (-1, 0, 1) for q in spans.get((c, v0 + a, v1 + b), [])
        ]
        if len(near) >= 3:
            out.update(id(q) for q in rs)
    return out


def _baseline_candidates(cands: list[Rect], o: Orientation, min_area: float) -> list[int]:
    """Up to six value positions where many bar ends meet (weighted by area), best first,
    and the outermost ends shared by pieces of at least ``min_area``."""
    ends = np.asarray([e for r in cands for e in value_span(r, o)], dtype=np.int64)
    weights = np.asarray([r.area for r in cands for _ in (0, 1)], dtype=np.float64)
    # At least the kernel's length, or "same" convolution pads past the ends' indices.
    hist = np.bincount(ends, weights=weights, minlength=5)
    smooth = np.convolve(hist, np.ones(5), mode="same")
    peaks: list[int] = []
    for base in np.argsort(-smooth).tolist():
        if smooth[base] <= 0 or len(peaks) >= 6:
            break
        if all(abs(base - p) > 4 for p in peaks):
            peaks.append(int(base))
    # Bars of one sign all stand on the baseline from one side, so it is the outermost
    # place where several bar-sized pieces end (glyph strokes line up too, but are
    # small). In a stacked chart, inner joins of big segments that happen to line up
    # can outweigh it by area and push it out of the peaks above.
    big = np.asarray(
        [e for r in cands if r.area >= min_area for e in value_span(r, o)], dtype=np.int64
    )
    counts = np.bincount(big, minlength=5) if big.size else np.zeros(5, dtype=np.int64)
    shared = np.flatnonzero(np.convolve(counts, np.ones(5), mode="same") >= 2)
    for edge in (shared[:1].tolist() + shared[-1:].tolist()) if shared.size else []:
        near = big[np.abs(big - edge) <= 2]
        base = int(np.bincount(near).argmax())
        if all(abs(base - p) > 4 for p in peaks):
            peaks.append(base)
    return peaks


def _with_stacked(on: list[Rect], cands: list[Rect], o: Orientation) -> list[Rect]:
    """The bars on a baseline plus stacked segments: each touches an accepted bar's far
    end with the same cross extent."""
    accepted = list(on)
    frontier = list(on)
    placed = {id(r) for r in on}  # by identity: equal-field rects are distinct pieces
    rest = [r for r in cands if id(r) not in placed]
    while frontier and rest:
        touching = _touching_ends(rest, frontier, o)
        nxt = [r for r, hit in zip(rest, touching, strict=True) if hit]
        rest = [r for r, hit in zip(rest, touching, strict=True) if not hit]
        accepted.extend(nxt)
        frontier = nxt
    return accepted


def _touching_ends(
    pieces: list[Rect], ends: list[Rect], o: Orientation, chunk: int = 256
) -> npt.NDArray[np.bool_]:
    """For each piece: whether some rect of ``ends`` has its cross extent (within 3 px,
    up to 8 for a thick one and a long piece) and meets it end to end (within 3 px,
    up to 6 for those). Compared
    as arrays, a chunk of pieces at a time: a colourful image (a heatmap) gives
    thousands of both."""

    def spans(rects: list[Rect]) -> npt.NDArray[np.int64]:
        rows = [(*cross_span(r, o), *value_span(r, o)) for r in rects]
        return np.asarray(rows, dtype=np.int64).reshape(-1, 4)

    p, e = spans(pieces), spans(ends)
    # JPEG's 8 px blocks leave a thick bar's side ragged by up to a block, cutting a
    # piece off its fill: a thick end is met with that slack (never more than a
    # seventh of its thickness, so thin neighbours stay apart) ...
    tol = np.clip((0.15 * (e[:, 1] - e[:, 0])).astype(np.int64), 3, 8)
    # ... and blurs the join of two segments over a few rows of neither colour.
    reach = np.minimum(tol, 6)
    out = np.zeros(len(pieces), dtype=bool)
    for start in range(0, len(pieces), chunk):
        q = p[start : start + chunk, None, :]
        # Only a segment long enough to be one takes the slack: JPEG's halo over a
        # bar's end is a few pixels long, and stacked on every bar it would make a
        # grouped chart read as stacked.
        long = (q[..., 3] - q[..., 2]) >= 2 * reach[None, :]
        slack = np.where(long, tol[None, :], 3)
        same_cross = (np.abs(q[..., 0] - e[None, :, 0]) <= slack) & (
            np.abs(q[..., 1] - e[None, :, 1]) <= slack
        )
        meets = (np.abs(q[..., 2] - e[None, :, 3]) <= np.where(long, reach[None, :], 3)) | (
            np.abs(q[..., 3] - e[None, :, 2]) <= np.where(long, reach[None, :], 3)
        )
        out[start : start + chunk] = (same_cross & meets).any(axis=1)
    return out


def _baseline_score(
    bars: tuple[Rect, ...], o: Orientation, base: int, size: tuple[int, int]
) -> float:
    """How much ``bars`` look like a chart's bars on ``base``: many places along the axis,
    even thickness, big pieces."""
    width, height = size
    thick = np.asarray(
        [cross_span(r, o)[1] - cross_span(r, o)[0] for r in bars], dtype=np.float64
    )
    on_base = sum(1 for r in bars if min(abs(e - base) for e in value_span(r, o)) <= 3)
    spread = float(np.std(thick) / max(float(np.mean(thick)), 1.0))
    # Glyph strokes of tick labels also line up; bars are big.
    big = min(1.0, float(np.percentile([r.area for r in bars], 75)) / (BAR_AREA * width * height))
    # Count places along the axis, not pieces: background split around bars tiles the
    # axis without gaps, while categories stand apart.
    spans = sorted(cross_span(r, o) for r in bars)
    places, reach = 0, -(10**9)
    for lo, hi in spans:
        if lo > reach + 1:
            places += 1
        reach = max(reach, hi)
    score = min(on_base, places) * (1.0 - min(spread, 0.9)) * big
    return score + 0.01 * len(bars)  # on a tie, the baseline that explains more bars


def _absorb_slivers(stack: list[Rect], o: Orientation) -> list[Rect]:
    """A bar's anti-aliased end rows (1-3 px, same colour, a pixel narrower or wider)
    joined to the bar they end, so a category lists each bar once."""
    body = [r for r in stack if value_span(r, o)[1] - value_span(r, o)[0] > 3]
    out = list(body)
    for r in stack:
        if r in body:
            continue
        rc, rv = cross_span(r, o), value_span(r, o)
        for i, q in enumerate(out):
            qc, qv = cross_span(q, o), value_span(q, o)
            overlap = min(rc[1], qc[1]) - max(rc[0], qc[0])
            touching = abs(rv[1] - qv[0]) <= 1 or abs(qv[1] - rv[0]) <= 1
            if q.colour == r.colour and touching and overlap >= 0.8 * (rc[1] - rc[0]):
                out[i] = Rect(q.colour, min(q.x1, r.x1), min(q.y1, r.y1),
                              max(q.x2, r.x2), max(q.y2, r.y2))
                break
        else:
            out.append(r)
    return out


def _segments(stack: list[Rect], o: Orientation) -> int:
    """Stack segments: pieces longer than an anti-aliased 1-3 px row."""
    return sum(1 for q in stack if value_span(q, o)[1] - value_span(q, o)[0] > 3)


def group_bars(bars: Bars) -> list[Group]:
    """Bars -> categories: stacks merged, side-by-side series bars grouped by gaps and colours."""
    o = bars.orientation
    items = sorted(bars.bars, key=lambda r: cross_span(r, o))
    stacks: list[list[Rect]] = []
    for r in items:
        lo, hi = cross_span(r, o)
        if stacks:
            slo = min(cross_span(q, o)[0] for q in stacks[-1])
            shi = max(cross_span(q, o)[1] for q in stacks[-1])
            overlap = min(hi, shi) - max(lo, slo)
            if overlap >= 0.5 * min(hi - lo, shi - slo):
                stacks[-1].append(r)
                continue
        stacks.append([r])
    if not stacks:
        return []
    stacks = [_absorb_slivers(st, o) for st in stacks]
    spans = [
        (min(cross_span(q, o)[0] for q in s), max(cross_span(q, o)[1] for q in s)) for s in stacks
    ]
    thick = float(np.median([hi - lo for lo, hi in spans]))
    n_colours = len({r.colour for r in bars.bars})
    gaps = [spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)]
    groups: list[list[int]] = [[0]]
    if n_colours <= 1 or all(_segments(s, o) > 1 for s in stacks):
        groups = [[i] for i in range(len(stacks))]
    else:
        # Series bars of one category sit closer together than categories do.
        big_gap = max(gaps) if gaps else 0
        small_gap = min(gaps) if gaps else 0
        if big_gap - small_gap > 3:
            split_at = max(2.0, 0.35 * thick, (big_gap + small_gap) / 2.0)
        else:  # even spacing: every stack is a category (colour repeats still split)
            split_at = min(small_gap - 1.0, max(2.0, 0.35 * thick))
        for i in range(1, len(stacks)):
            colours = {q.colour for k in groups[-1] for q in stacks[k]}
            new_colours = {q.colour for q in stacks[i]}
            if gaps[i - 1] > split_at or colours & new_colours:
                groups.append([i])
            else:
                groups[-1].append(i)
    out = []
    for g in groups:
        rs = tuple(q for k in g for q in stacks[k])
        out.append(Group(spans[g[0]][0], spans[g[-1]][1], rs))
    return out
