"""Table rows stage: text lines, their height, captions and notes, row spans, header rows.

Rows are cut at rules and band edges; in white space, unless two lines of one
wrapped cell meet there (their baselines are one line pitch apart, learnt from
the table itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._grid import Span
from refocus_dsl.detect._raster import runs
from refocus_dsl.detect.table.columns import column_bounds, ink_columns, text_groups
from refocus_dsl.detect.table.structure import STRUCT_HALF, Structure, even_along

B = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Rows:
    """The table's rows: text spans, where structure cuts them, and how many are header."""

    spans: tuple[Span, ...]
    cut_at: tuple[int | None, ...]
    """Per gap between spans: the rule or band edge it is cut at, else None (white space)."""
    sbounds: tuple[int, ...]
    """Every structural row boundary (rules' centres, band edges)."""
    n_header: int
    line_h: float
    min_gap: float
    rows_by: str


def text_lines(profile: npt.NDArray[np.int64], lo: int, hi: int, min_ink: int = 1) -> list[Span]:
    """Text lines: runs of rows with ink, joining runs split by a one-pixel hole."""
    spans = [(a + lo, b + lo) for a, b in runs(profile[lo:hi] >= min_ink)]
    out: list[Span] = []
    for a, b in spans:
        if out and a - out[-1][1] <= 1:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return [s for s in out if s[1] - s[0] >= 2]


def line_height(ink: B, lines: Sequence[Span], x1: int, x2: int) -> float:
    """Height of one line of text: the median over narrow vertical strips.

    Whole-width lines merge the two lines of wrapped cells with their single-line
    neighbours; a strip narrower than most cells sees single lines.
    """
    y0, y1 = lines[0][0], lines[-1][1]
    heights: list[int] = []
    step = max(40, (x2 - x1) // 12)
    for x in range(x1, x2, step):
        prof = ink[y0:y1, x : min(x2, x + step)].sum(axis=1).astype(np.int64)
        heights.extend(b - a for a, b in text_lines(prof, 0, y1 - y0))
    whole = float(np.median([b - a for a, b in lines]))
    if not heights:
        return whole
    return min(whole, float(np.percentile(heights, 75)))


def baselines(profile: npt.NDArray[np.int64], lines: Sequence[Span]) -> list[int]:
    """Each line's baseline: where its ink falls off most steeply in the lower half of
    its dense core (about the x-height: rows with >= 35 % of its peak ink).

    Below the baseline only descenders go on, so the fall there is the line's
    steepest, whatever its ascenders; the core's bottom alone is the baseline only
    while descenders are few (a line like "(pp)" keeps its core down to their ends).
    """
    out = []
    for a, b in lines:
        p = profile[a:b]
        idx = np.nonzero(p >= 0.35 * p.max())[0]
        lo, hi = int(idx[0]), int(idx[-1]) + 1
        ext = np.append(p, 0)
        mid = (lo + hi) // 2
        falls = ext[mid:hi] - ext[mid + 1 : hi + 1]
        out.append(a + mid + int(np.argmax(falls)) + 1)
    return out


def same_cell_gaps(ink: B, lines: Sequence[Span], xb: Sequence[int]) -> list[bool]:
    """For each gap between consecutive text lines: do two lines of one wrapped cell meet here?

    Inside a cell, baselines are one line pitch apart; across a row boundary they
    are further apart by the cells' padding. The pitch is learnt from the table
    itself (the smallest baseline distance found inside any column), so the test
    holds for any font size.
    """
    n = len(lines)
    if n < 2 or len(xb) < 2:
        return [False] * max(0, n - 1)
    y0, y1 = lines[0][0], lines[-1][1]
    pitches: list[tuple[int, float]] = []  # (pitch, y in the white space between)
    heights: list[int] = []
    for j in range(len(xb) - 1):
        prof = ink[y0:y1, xb[j] : xb[j + 1]].sum(axis=1).astype(np.int64)
        cl = text_lines(prof, 0, y1 - y0)
        heights.extend(b - a for a, b in cl)
        if len(cl) < 2:
            continue
        base = baselines(prof, cl)
        for k in range(len(cl) - 1):
            pitches.append((base[k + 1] - base[k], y0 + (cl[k][1] + cl[k + 1][0]) / 2))
    if not pitches:
        return [False] * (n - 1)
    ps = np.asarray([p for p, _ in pitches], dtype=np.float64)
    # a line's full height, ascenders to descenders: near the top of the heights (numbers,
    # often most cells, have no descenders), leaving out two lines of a tight wrap touching
    single = [v for v in heights if v <= 1.6 * float(np.median(heights))]
    h_single = float(np.percentile(single, 90))
    lead = None
    for v in np.unique(ps):
        near = ps[(ps >= v) & (ps <= v + 2)]
        if near.size >= 2:
            lead = float(np.median(near))
            break
    if lead is None or lead > 0.85 * float(np.median(ps)) or lead > 1.6 * h_single:
        return [False] * (n - 1)  # no pitch stands out as the leading of wrapped text
    out = []
    for i in range(n - 1):
        a, b = lines[i][1], lines[i + 1][0]
        here = [p for p, y in pitches if a - 1 <= y <= b + 1]
        near = sum(1 for p in here if p <= lead + 2)
        out.append(near > 0 and near > len(here) - near)
    return out


def caption_lines(
    ink: B, lines: Sequence[Span], struct_top: int | None, ex1: int, ex2: int, min_gap: float
) -> int:
    """How many text lines at the top are a caption or title, not part of the table.

    Without rules or shading: a lone text group above a row of several cells, or
    one set apart as :func:`_set_apart` says (a header wrapped onto several lines
    can leave its first line with one cell only).
    """
    rows = _type_height(ink, lines, ex1, ex2, min_gap)
    n = 0
    while len(lines) - n >= 3:
        a, b = lines[n]
        groups = text_groups(ink_columns(ink, a, b, ex1, ex2), ex1, min_gap)
        if struct_top is not None:
            # with rules or shading, what lies above them is outside the table
            if b <= struct_top + 1 and len(groups) <= 3:
                n += 1
                continue
            break
        if len(groups) == 1 and (
            _caption_like(groups[0], ink, lines[n + 1 :], ex1, ex2, min_gap)
            or _set_apart(groups[0], (a, b), rows)
        ):
            n += 1
            continue
        break
    return n


def _type_height(
    ink: B, lines: Sequence[Span], ex1: int, ex2: int, min_gap: float
) -> tuple[float, int] | None:
    """The full height of the table's type (ascenders to descenders: the upper quartile
    of the heights of the lines that hold several cells) and where their text starts
    furthest left; None with fewer than three such lines."""
    rows: list[int] = []
    left = ex2
    for a, b in lines:
        groups = text_groups(ink_columns(ink, a, b, ex1, ex2), ex1, min_gap)
        if len(groups) >= 2:
            rows.append(b - a)
            left = min(left, groups[0][0])
    return (float(np.percentile(rows, 75)), left) if len(rows) >= 3 else None


def _set_apart(group: Span, line: Span, rows: tuple[float, int] | None) -> bool:
    """A lone line in smaller type than the rows', starting left of every row's first
    cell (flush with the table's edge, outside the cells' padding): a caption or a note,
    not a row whose one cell is filled or a note row inside the table."""
    if rows is None:
        return False
    full, left = rows
    return line[1] - line[0] <= _SMALLER_TYPE * full and group[0] <= left - _OUTSIDE_PX


_OUTSIDE_PX = 3
"""How far left of the rows' first text a caption or note starts (cell padding is wider)."""
_SMALLER_TYPE = 0.9
"""A lone line at most this share of the table's full type height is set in smaller type
(a caption's or note's 0.8 em reads at most 0.85 of it)."""


def _caption_like(
    group: Span, ink: B, rest: Sequence[Span], x1: int, x2: int, min_gap: float
) -> bool:
    """A lone text group above a borderless table: a caption, unless a spanning header."""
    if not rest:
        return False
    a, b = rest[0]
    nxt = text_groups(ink_columns(ink, a, b, x1, x2), x1, min_gap)
    if len(nxt) < 2:
        return False
    # a header spanning the columns right of the first one starts after the first group ends
    return group[0] < nxt[0][1]


def _structural_bounds(st: Structure) -> list[int]:
    """Rules' centres and band edges, merged when within 3 px. A rule under the value
    columns only (half the table or more, to its right edge) is a row boundary too: the
    line under a header whose stub cell is empty stops short of the stub column."""
    right = max((r.span[1] for r in st.h_rules), default=st.ex2)
    width = max((r.span[1] - r.span[0] for r in st.h_rules), default=st.ex2 - st.ex1)
    under = [
        r
        for r in st.part_rules
        if r.span[1] >= right - _EDGE_PX and r.span[1] - r.span[0] >= 0.5 * width
    ]
    raw = sorted(
        {r.pos + r.width // 2 for r in (*st.h_rules, *under)}
        | {y for a, b, _ in st.bands for y in (a, b)}
    )
    out: list[int] = []
    for y in raw:
        if not out or y - out[-1] > 3:
            out.append(y)
    return out


_EDGE_PX = 3
"""How near the table's right end a rule under the value columns ends."""


def gap_bounds(st: Structure, lines: Sequence[Span], known: Sequence[int]) -> list[int]:
    """Row boundaries in the white space between text lines that the structure stage
    missed: the paper changes between the two lines (zebra shading faded to a few grey
    levels, grainy), or a gap row is darker than both lines' paper and even all along
    (a rule too faint or broken to be marked solid). Between two lines of one cell the
    paper is one and nothing is drawn. ``known``: boundaries already found."""
    grey, bg = st.grey[:, st.ex1 : st.ex2], st.row_bg
    level = max(STRUCT_HALF, 3.5 * st.levels.noise)
    out = []
    for (a0, b0), (a1, b1) in zip(lines, lines[1:], strict=False):
        if a1 <= b0 or any(b0 - 1 <= y <= a1 + 1 for y in known):
            continue
        up = float(np.median(bg[a0:b0])) if b0 > a0 else float(st.page)
        down = float(np.median(bg[a1:b1]))
        med = np.median(grey[b0:a1], axis=1)
        first, last = float(med[0]), float(med[-1])
        # a change of paper shows in the gap itself, from the upper line's to the lower's
        if (
            abs(first - last) >= level
            and abs(first - up) < abs(first - down)
            and abs(last - down) < abs(last - up)
        ):
            # the edge: the first gap row whose grey is nearer the lower line's paper
            nearer = np.nonzero(np.abs(med - last) < np.abs(med - first))[0]
            out.append(b0 + int(nearer[0]))
            continue
        y = int(np.argmin(med))
        dip = min(up, down, float(med.max())) - float(med[y])
        if dip >= level and even_along(st.grey, b0 + y, b0 + y + 1, st.ex1, st.ex2):
            out.append(b0 + y)
    return out


def _drop_outside_text(
    st: Structure, lines: list[Span], line_h: float, min_gap: float, notes: list[str]
) -> list[Span]:
    """Lines of a caption above the table and of a note below its closing rule."""
    ink, ex1, ex2 = st.ink, st.ex1, st.ex2
    tops = [r.pos for r in st.h_rules] + [a for a, _, _ in st.bands]
    # a rule too faint for the structure stage above the first line is the table's top
    (a, b), edge = lines[0], max(0, 2 * lines[0][0] - lines[0][1] - 4)
    tops += gap_bounds(st, [(edge, edge), (a, b)], [])
    struct_top = min(tops, default=None)
    if struct_top is not None and sum(b <= struct_top for _, b in lines) > len(lines) / 2:
        struct_top = None  # most rows above the first rule: it sets off a total, not the top
    n_cap = caption_lines(ink, lines, struct_top, ex1, ex2, max(min_gap, line_h))
    if n_cap:
        notes.append(
            f"caption above the table (not part of it) at "
            f"{[ex1, lines[0][0], ex2, lines[n_cap - 1][1]]}"
        )
        lines = lines[n_cap:]
    # ... and a note or caption below the table's closing rule (one text group a line)
    struct_bot = max([r.end for r in st.h_rules] + [b for _, b, _ in st.bands], default=None)
    if struct_bot is not None and len(lines) >= 4:
        # column rules that all stop at the closing rule enclose the cells: below it
        # is outside the grid, a note's word spaces wide as column gaps or not
        closed = len(st.v_rules) >= 2 and all(r.span[1] <= struct_bot + 2 for r in st.v_drawn)
        n_below = 0
        for a, b in reversed(lines):
            if a < struct_bot:
                break
            groups = text_groups(ink_columns(ink, a, b, ex1, ex2), ex1, max(min_gap, line_h))
            if len(groups) > 1 and not closed:
                n_below = 0
                break
            n_below += 1
        if 0 < n_below <= 3 and len(lines) - n_below >= 3:
            notes.append(
                f"text below the table (not part of it) at "
                f"{[ex1, lines[-n_below][0], ex2, lines[-1][1]]}"
            )
            return lines[:-n_below]
    n_note = _note_lines(ink, lines, ex1, ex2, max(min_gap, line_h))
    if n_note:
        notes.append(
            f"a note in smaller type below the table (not part of it) at "
            f"{[ex1, lines[-n_note][0], ex2, lines[-1][1]]}"
        )
        lines = lines[:-n_note]
    return lines


def _note_lines(ink: B, lines: Sequence[Span], ex1: int, ex2: int, min_gap: float) -> int:
    """How many text lines at the bottom (at most three) are a note or source set apart.

    With no rule closing the table, what sets a note apart is its look: one run
    of text (no cells side by side) in smaller type than the rows, flush with
    the table's edge rather than inside the first column's padding.
    """
    rows = _type_height(ink, lines, ex1, ex2, min_gap)
    n = 0
    while len(lines) - n > 3 and n < 3:
        a, b = lines[-1 - n]
        groups = text_groups(ink_columns(ink, a, b, ex1, ex2), ex1, min_gap)
        if len(groups) != 1 or not _set_apart(groups[0], (a, b), rows):
            break
        n += 1
    return n


def _header_rows(st: Structure, spans: Sequence[Span]) -> int:
    """Rows inside a shaded band at the top, else one."""
    n_header = 1
    for a, b, _ in st.bands:
        if a <= spans[0][0] + 1 and b >= spans[0][1] - 1:
            n_header = max(1, sum(1 for s in spans if s[0] >= a - 1 and s[1] <= b + 1))
            break
    if n_header > 3 or n_header > len(spans) // 2:  # shading over much of the table: not a header
        n_header = 1
    return min(n_header, max(1, len(spans) - 1))


def zebra_bounds(st: Structure, lines: Sequence[Span], known: Sequence[int]) -> list[int]:
    """Where the white rows just outside a zebra's shaded run begin and end.

    Zebra shading alternates shaded and white rows of one height: when the shaded
    bands are of one height and one pitch (a shaded row every other row), the white
    row before the first band starts a band's height above it, and the one after the
    last ends a band's height below it. Each is a row boundary when it falls in the
    white space between two text lines (a two-level header set tight above a white
    first body row, with no rule between them, no longer takes that row in).
    """
    bands = [(a, b) for a, b, _ in st.bands]
    if len(bands) < 2:
        return []
    height = float(np.median([b - a for a, b in bands]))
    tol = max(2.0, 0.1 * height)
    # the longest run of bands of that height, two heights apart
    best: list[Span] = []
    run: list[Span] = []
    for band in bands:
        if abs(band[1] - band[0] - height) > tol:
            run = []
            continue
        if run and abs(band[0] - run[-1][0] - 2 * height) > tol:
            run = []
        run.append(band)
        if len(run) > len(best):
            best = list(run)
    if len(best) < 2:
        return []
    out = []
    for y in (best[0][0] - round(height), best[-1][1] + round(height)):
        if any(abs(y - k) <= tol for k in known):
            continue
        for (_, b0), (a1, _) in zip(lines, lines[1:], strict=False):
            if b0 <= y <= a1:
                out.append(y)
    return out


def find_rows(st: Structure, notes: list[str]) -> Rows | str:
    """The rows of the table in ``st``, or why there are none."""
    ink, ex1, ex2 = st.ink, st.ex1, st.ex2
    yprof = ink[:, ex1:ex2].sum(axis=1).astype(np.int64)
    lines = text_lines(yprof, 0, ink.shape[0])
    if not lines:
        return "no text found in the table area"
    line_h = line_height(ink, lines, ex1, ex2)
    min_gap = max(4.0, 0.55 * line_h)
    sbounds = _structural_bounds(st)
    lines = _drop_outside_text(st, lines, line_h, min_gap, notes)
    faint = gap_bounds(st, lines, sbounds)
    zebra = zebra_bounds(st, lines, [*sbounds, *faint])

    # provisional columns (skip the top lines: spanning headers cross column gaps)
    k0 = 2 if len(lines) >= 6 else (1 if len(lines) >= 3 else 0)
    col_bounds, _, ix1, ix2 = column_bounds(ink, lines[k0:], st.v_rules, ex1, ex2, min_gap)

    def bound_between(a: int, b: int, bounds: Sequence[int]) -> int | None:
        inside = [y for y in bounds if a - 1 <= y <= b + 1]
        if not inside:
            return None
        mid = (a + b) / 2
        return min(inside, key=lambda y: abs(y - mid))

    n_gaps = len(lines) - 1
    struct_cut = [bound_between(lines[i][1], lines[i + 1][0], sbounds) for i in range(n_gaps)]
    n_struct = sum(1 for c in struct_cut if c is not None)
    # ruled: rows are what the rules found whole enclose; a faint boundary found in a gap
    # only cuts there (a gap where none was found may still hold a missed one)
    ruled = n_struct >= 3 and n_struct >= 0.3 * n_gaps
    same = same_cell_gaps(ink, lines, [ix1, *col_bounds, ix2])
    for i, c in enumerate(struct_cut):
        if c is None:
            a, b = lines[i][1], lines[i + 1][0]
            # a zebra's row height is no boundary between two lines of one cell
            struct_cut[i] = bound_between(a, b, faint if same[i] else [*faint, *zebra])
    n_struct = sum(1 for c in struct_cut if c is not None)
    sbounds = sorted([*sbounds, *faint, *zebra])
    spans: list[Span] = []
    cut_at: list[int | None] = []
    start, end = lines[0]
    for i in range(n_gaps):
        big = lines[i + 1][0] - lines[i][1] >= 2.5 * line_h
        if struct_cut[i] is not None or (not ruled and not same[i]) or big:
            spans.append((start, end))
            cut_at.append(struct_cut[i])
            start = lines[i + 1][0]
        end = lines[i + 1][1]
    spans.append((start, end))
    rows_by = "rules" if ruled else ("white space and rules" if n_struct else "white space")
    return Rows(
        tuple(spans),
        tuple(cut_at),
        tuple(sbounds),
        _header_rows(st, spans),
        line_h,
        min_gap,
        rows_by,
    )
