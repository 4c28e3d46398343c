"""Table build stage: the grid from rows and columns, header groups, text, the Layout.

Boundaries go on the rules or in the middle of the gaps, so neighbouring boxes
touch. A short rule under a spanning header makes two header rows; a header
item spanning several columns gives its text to each of them.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._grid import Rule, Span, gaps
from refocus_dsl.detect._raster import runs
from refocus_dsl.detect.table.columns import (
    columns_of,
    ink_columns,
    merge_by_column,
    occupancy,
    split_at_bounds,
    text_groups,
)
from refocus_dsl.detect.table.rows import Rows, text_lines
from refocus_dsl.detect.table.short_rules import ShortRules, partial_rule, with_short_rules
from refocus_dsl.detect.table.structure import Structure
from refocus_dsl.detect.table.text import ink_box, join_words, read_regions
from refocus_dsl.layout import Box, Cell, Column, Layout, Row, Table
from refocus_dsl.ocr import OcrEngine, Word

B = npt.NDArray[np.bool_]
HeaderItem = tuple[Span, list[int], Span, tuple[int, ...]]
"""(x-span, columns, (y1, y2), header rows covered)."""


@dataclass(frozen=True)
class Grid:
    """Row and column boundaries (``xb``, ``yb``: n + 1 each) and the rows' text spans."""

    xb: list[int]
    yb: list[int]
    spans: list[Span]
    n_header: int
    split: ShortRules | None
    """The short rules under the spanning headers of a two-level header."""
    ink: B
    structure: Structure
    """What the grid was read from: the page's structure, with the short rules under a
    two-level header's groups taken as rules (``ink`` is its ink)."""


def empty_layout(w: int, h: int, why: str) -> Layout:
    return Layout(w, h, "table", None, notes=(why,), confidence=0.0)


def make_grid(
    st: Structure, rows: Rows, col_bounds: Sequence[int], table: Box, notes: list[str]
) -> Grid:
    """Boundaries of every row and column, after a spanning header's short rule splits a row."""
    tx1, ty1, tx2, ty2 = table
    xb = [tx1] + [x for x in col_bounds if tx1 + 2 < x < tx2 - 2] + [tx2]
    spans = list(rows.spans)
    cut_at = list(rows.cut_at)
    n_header = rows.n_header
    ink = st.ink
    split = None
    if n_header == 1 and len(spans) >= 3:
        split = partial_rule(st, (spans[0][0], spans[1][1]), tx1, tx2, rows.line_h)
    if split is not None:  # a short rule under a spanning header: two header rows
        y, t = split.y, split.thickness
        st = with_short_rules(st, split)
        ink = st.ink
        (r0a, r0b), (r1a, r1b) = spans[0], spans[1]
        mid = y + (t + 1) // 2
        if y > r0a + 2 and y + t < r0b - 2:  # inside the first row: split it
            spans[0:1] = [(r0a, y), (y + t, r0b)]
            cut_at.insert(0, mid)
        elif y > r1a + 2 and y + t < r1b - 2:  # inside the second: the two rows are cut there
            spans[0:2] = [(r0a, y), (y + t, r1b)]
            cut_at[0] = mid
        # A header cell centred over both header rows leaves a piece of a line below the
        # short rule, or splits the second row's line: such pieces (shorter than a line,
        # or closer than half a line) down to the next full rule are the second header
        # row. Whole lines a row's gap apart are body rows, also when no rule closes the
        # header (then the next full rule is a total's or the table's bottom).
        below = [r.pos for r in st.h_rules if r.pos > y + t]
        rule = min(below, default=ty2)
        line = rows.line_h

        def one_line(upper: tuple[int, int], lower: tuple[int, int]) -> bool:
            piece = min(upper[1] - upper[0], lower[1] - lower[0]) < 0.75 * line
            return piece or lower[0] - upper[1] < 0.5 * line

        closed = _closing_cut(cut_at, len(spans))
        while (
            len(spans) > 2
            and spans[2][1] <= rule
            and cut_at[1] is None
            and (closed or one_line(spans[1], spans[2]))
        ):
            spans[1:3] = [(spans[1][0], spans[2][1])]
            del cut_at[1]
        n_header = 2
        xb = _clear_of_sub_headers(xb, ink, spans[1], spans[2:])
        notes.append("a rule under a spanning header: two header rows")
    yb = [ty1]
    for i in range(len(spans) - 1):
        c = cut_at[i] if i < len(cut_at) else None
        yb.append(int(c) if c is not None else int(round((spans[i][1] + spans[i + 1][0]) / 2)))
    yb.append(ty2)
    for i in range(1, len(yb)):  # keep boundaries monotone
        yb[i] = max(yb[i], yb[i - 1] + 1)
    return Grid(xb, yb, spans, n_header, split, ink, st)


def _closing_cut(cut_at: Sequence[int | None], n_spans: int) -> bool:
    """Whether a rule closes the second header row a few lines below the short rules:
    the first cut after the second row's first line comes within ``_SUB_HEADER_LINES``
    lines and has at least two rows below it (a total's rule has one, the bottom rule
    none). Then every line down to it is the sub-headers' (wrapped, set bottom-aligned
    beside one-line ones, their lines can be a row's gap apart)."""
    k = next((i for i in range(1, len(cut_at)) if cut_at[i] is not None), None)
    return k is not None and k <= _SUB_HEADER_LINES and n_spans - (k + 1) >= 2


_SUB_HEADER_LINES = 3
"""Most lines a sub-header wraps onto."""


def _clear_of_sub_headers(xb: Sequence[int], ink: B, sub: Span, body: Sequence[Span]) -> list[int]:
    """Boundaries moved off the sub-headers' text into the space they leave free.

    The columns were found with the whole header as one row, where the group
    headers above the short rules cross the body's gaps: a sub-header wider than
    its body cells could not move its boundary then. Each boundary crossing a
    sub-header goes to the middle of the widest space free in the sub-header row
    inside the body's gap around it (no body cell is cut); none free: it stays.
    """
    out = list(xb)
    for k in range(1, len(out) - 1):
        x, lo, hi = out[k], out[k - 1] + 1, out[k + 1] - 1
        if hi - lo < 3 or not ink[sub[0] : sub[1], max(0, x - 1) : x + 2].any():
            continue
        body_free = occupancy(ink, body, lo, hi) == 0
        gap = next(((a, b) for a, b in runs(body_free) if a <= x - lo < b), None)
        if gap is None:
            continue
        head: B = np.asarray(ink[sub[0] : sub[1], lo + gap[0] : lo + gap[1]].any(axis=0))
        free = max(runs(~head), key=lambda r: r[1] - r[0], default=None)
        if free is not None and free[1] - free[0] >= 2:
            out[k] = lo + gap[0] + (free[0] + free[1]) // 2
    return out


def header_items(
    st: Structure, grid: Grid, min_gap: float, notes: list[str]
) -> tuple[list[list[HeaderItem]], int]:
    """Text groups of the top rows with the columns they cover, and the header row count.

    A spanning top row over a row that does not span means a second header row.
    """
    ink, xb, spans, n_header = grid.ink, grid.xb, grid.spans, grid.n_header
    tx1, tx2 = xb[0], xb[-1]
    items: list[list[HeaderItem]] = []
    for r in range(min(len(spans), max(3, n_header + 1))):
        a, b = spans[r]
        groups = split_at_bounds(
            text_groups(ink_columns(ink, a, b, tx1, tx2), tx1, min_gap), ink, a, b, xb
        )
        row: list[HeaderItem] = [
            (g, columns_of(g[0], g[1], xb), (a, b), (r,)) for g in merge_by_column(groups, xb)
        ]
        items.append(_own_columns(row))
    if grid.split is not None:
        items[0:2] = _two_level_items(st, grid, min_gap)
    if n_header == 1 and len(spans) >= 4 and len(xb) >= 3:
        top_spans = any(len(item[1]) >= 2 for item in items[0])
        next_spans = any(len(item[1]) >= 2 for item in items[1])
        if top_spans and not next_spans:
            n_header = 2
            notes.append("the top header row spans several columns: two header rows")
    return items, n_header


def _own_columns(row: Sequence[HeaderItem]) -> list[HeaderItem]:
    """A row's header items without the columns that hold a header of their own in it: a
    wrapped header wider than its column runs over into its neighbour's, which spanning
    headers (over columns whose own headers are a row below) never do."""
    sole = {item[1][0] for item in row if len(item[1]) == 1}
    out: list[HeaderItem] = []
    for g, cols, ys, covers in row:
        mine = [j for j in cols if j not in sole]
        out.append((g, mine if len(cols) >= 2 and mine else cols, ys, covers))
    return out


def _two_level_items(
    st: Structure, grid: Grid, min_gap: float
) -> tuple[list[HeaderItem], list[HeaderItem]]:
    """The two header rows split at the short rules: each rule's text above it is a group
    header over the columns under that rule, the text below it that group's sub-headers;
    text over no rule (the stub header centred over both rows) is a cell of both rows."""
    assert grid.split is not None
    ink, xb, spans = grid.ink, grid.xb, grid.spans
    tx1, tx2 = xb[0], xb[-1]
    y, t, pieces = grid.split.y, grid.split.thickness, grid.split.pieces
    a0, b1 = spans[0][0], spans[1][1]
    # text over two neighbouring rules is two groups' text, wherever no ink joins them
    between = [tx1, *((p[1] + q[0]) // 2 for p, q in zip(pieces, pieces[1:], strict=False)), tx2]
    groups = text_groups(ink_columns(ink, a0, b1, tx1, tx2), tx1, min_gap)
    top: list[HeaderItem] = []
    bottom: list[HeaderItem] = []
    for g in split_at_bounds(groups, ink, a0, b1, between):
        piece = max(pieces, key=lambda p: min(g[1], p[1]) - max(g[0], p[0]))
        if min(g[1], piece[1]) - max(g[0], piece[0]) > 0.5 * (g[1] - g[0]):
            if ink_box(ink, (g[0], a0, g[1], y)) is not None:
                lo, hi = _group_extent(st, grid, g, piece)
                under = [j for j in range(len(xb) - 1) if lo <= (xb[j] + xb[j + 1]) / 2 < hi]
                top.append((g, under or columns_of(lo, hi, xb), (a0, y), (0,)))
            for sub in text_groups(ink_columns(ink, y + t, b1, g[0], g[1]), g[0], min_gap):
                for cut in split_at_bounds([sub], ink, y + t, b1, xb):
                    bottom.append((cut, columns_of(cut[0], cut[1], xb), (y + t, b1), (1,)))
        else:  # a cell spanning both header rows ("Game" beside "Results")
            for cut in split_at_bounds([g], ink, a0, b1, xb):
                top.append((cut, columns_of(cut[0], cut[1], xb), (a0, b1), (0, 1)))
    return top, bottom


def _group_extent(st: Structure, grid: Grid, g: Span, piece: Span) -> Span:
    """The columns a spanning header above a short rule heads: those under its rule,
    narrowed to the vertical rules drawn beside it in the top row (a grid draws one
    line under all groups and rules them apart)."""
    xb, a0 = grid.xb, grid.spans[0][0]
    y = grid.split.y if grid.split is not None else a0
    centre = (g[0] + g[1]) // 2
    lo, hi = piece
    # a boundary the header's own text runs over is inside its group, ruled or not
    ruled = [x for x in xb[1:-1] if not g[0] < x < g[1] and _rule_in_row(st, x, a0, y)]
    lo = max([x for x in ruled if x <= centre], default=lo)
    hi = min([x for x in ruled if x >= centre], default=hi)
    return lo, hi


def _rule_in_row(st: Structure, x: int, a: int, b: int) -> bool:
    """Whether a vertical rule at ``x`` is drawn between rows ``a`` and ``b``."""
    return any(
        r.pos - 2 <= x <= r.end + 2 and r.span[0] <= a + 2 and b <= r.span[1] + 2
        for r in st.v_drawn
    )


def label_spans(st: Structure, grid: Grid, min_gap: float) -> dict[int, int]:
    """Body rows whose first cell spans several columns: row -> how many.

    A column boundary drawn as a rule elsewhere but not in this row is crossed
    (a section title across a ruled table); a white-space boundary is crossed
    when the row's first text runs over it. The spanning cell's text is the label.
    """
    out: dict[int, int] = {}
    xb = grid.xb
    for r in range(grid.n_header, len(grid.spans)):
        a, b = grid.spans[r]
        groups = text_groups(ink_columns(grid.ink, a, b, xb[0], xb[-1]), xb[0], min_gap)
        if not groups or groups[0][0] >= xb[1]:
            continue
        # the first cell's text: every word starting in the first column
        text_end = max(g[1] for g in groups if g[0] < xb[1])
        others = [g for g in groups if g[0] >= xb[1]]
        n = 1
        while n < len(xb) - 1:
            x = xb[n]
            ruled = any(q.pos - 2 <= x <= q.end + 2 for q in st.v_rules)
            if ruled and _rule_in_row(st, x, a, b):
                break
            if not ruled and text_end <= x:
                break
            if any(g[0] < x for g in others):  # another cell's text before it
                break
            n += 1
        if n > 1:
            out[r] = n
    return out


def column_alignment(grid: Grid, n_header: int, spanning: dict[int, int], line_h: float) -> float:
    """How well the body's text keeps to its columns (0..1): evidence for the grid.

    In a real table every column's cells share an edge (left, right) or a centre,
    no cell's ink runs over a column boundary, and no column holds a white gap
    through all its rows (two columns read as one). For each column with three or
    more filled body cells, the share of cells on its best anchor, zero when such
    a gap splits it; times the share of (row, boundary) pairs that no ink
    crosses. Rows with a spanning cell are left out.
    """
    xb, ink = grid.xb, grid.ink
    body = [r for r in range(n_header, len(grid.spans)) if r not in spanning]
    if len(xb) < 3 or len(body) < 3:
        return 1.0
    tol = max(2.0, 0.5 * line_h)
    shares: list[float] = []
    for j in range(len(xb) - 1):
        boxes = [ink_box(ink, (xb[j], grid.spans[r][0], xb[j + 1], grid.spans[r][1])) for r in body]
        found = [b for b in boxes if b is not None]
        if len(found) < 3:
            continue
        spans = [grid.spans[r] for r in body]
        occ = occupancy(ink, spans, xb[j], xb[j + 1]) > 0
        if any(b - a >= 0.8 * line_h for a, b in gaps(occ, 0, occ.size)):
            shares.append(0.0)
            continue
        best = 0.0
        for anchor in (
            [b[0] for b in found],
            [b[2] for b in found],
            [(b[0] + b[2]) / 2 for b in found],
        ):
            mid = float(np.median(anchor))
            best = max(best, float(np.mean([abs(v - mid) <= tol for v in anchor])))
        shares.append(best)
    crossed = [
        bool(ink[grid.spans[r][0] : grid.spans[r][1], max(0, x - 1) : x + 2].any())
        for r in body
        for x in xb[1:-1]
    ]
    aligned = float(np.mean(shares)) if shares else 1.0
    return aligned * (1.0 - float(np.mean(crossed)))


def row_agreement(grid: Grid, n_header: int, spanning: dict[int, int]) -> float:
    """How well the body's rows agree with one row of text each (0..1): evidence for the grid.

    A wrapped cell holds two lines while its neighbours hold one; when every
    filled cell of a row holds two separate lines of text, two rows were read
    as one (a missed rule or gap). The share of body rows (two or more filled
    cells, no spanning cell) that do not look like that.
    """
    xb, ink = grid.xb, grid.ink
    checked = doubled = 0
    for r in range(n_header, len(grid.spans)):
        if r in spanning:
            continue
        a, b = grid.spans[r]
        lines = []
        for j in range(len(xb) - 1):
            prof = ink[a:b, xb[j] + 2 : xb[j + 1] - 2].sum(axis=1).astype(np.int64)
            if prof.any():
                lines.append(len(text_lines(prof, 0, b - a)))
        if len(lines) < 2:
            continue
        checked += 1
        doubled += all(n >= 2 for n in lines)
    return 1.0 - doubled / checked if checked else 1.0


def _assemble(
    grid: Grid,
    items: Sequence[Sequence[HeaderItem]],
    n_header: int,
    read: dict[tuple[int, int], list[Word]],
    spans_of: dict[int, int],
) -> tuple[tuple[Column, ...], tuple[Row, ...], list[Cell]]:
    xb, yb, spans = grid.xb, grid.yb, grid.spans
    n_cols = len(xb) - 1
    ty1, ty2 = yb[0], yb[-1]
    texts: dict[tuple[int, int], str] = {}
    header_text: list[list[str]] = [[] for _ in range(n_cols)]
    cells: list[Cell] = []
    for r in range(n_header):
        for k, (_, cols, _, covers) in enumerate(items[r]):
            txt = join_words(read.get((-1 - r, k), []))
            if not txt or not cols:
                continue
            for j in cols:
                header_text[j].append(txt)
            last = min(covers[-1], n_header - 1)
            box = (xb[cols[0]], yb[r], xb[cols[-1] + 1], yb[last + 1])
            cells.append(Cell(r, cols[0], txt, box, last - r + 1, len(cols)))
            if cols[0] == 0:
                for rr in covers:
                    texts[(rr, 0)] = txt
    for r in range(n_header, len(spans)):
        txt = join_words(read.get((r, 0), []))
        texts[(r, 0)] = txt
        if txt:
            n = spans_of.get(r, 1)
            cells.append(Cell(r, 0, txt, (xb[0], yb[r], xb[n], yb[r + 1]), 1, n))
    columns = tuple(
        Column(j, " ".join(header_text[j]), (xb[j], ty1, xb[j + 1], ty2)) for j in range(n_cols)
    )
    rows = tuple(
        Row(r, texts.get((r, 0), ""), r < n_header, (xb[0], yb[r], xb[-1], yb[r + 1]))
        for r in range(len(spans))
    )
    cells.sort(key=lambda c: (c.row, c.col))
    return columns, rows, cells


def build_layout(
    ocr: OcrEngine,
    st: Structure,
    rows: Rows,
    col_bounds: Sequence[int],
    table: Box,
    notes: list[str],
    col_mode: str,
    t0: float,
) -> Layout:
    """The grid, the header items, their text and the first column's: the table layout."""
    h, w = st.grey.shape
    grid = make_grid(st, rows, col_bounds, table, notes)
    st = grid.structure
    t_struct = time.perf_counter() - t0
    items, n_header = header_items(st, grid, rows.min_gap, notes)
    regions: list[tuple[Box, tuple[int, int]]] = []
    for r in range(n_header):
        for k, (g, _, (a, b), _) in enumerate(items[r]):
            regions.append(((g[0], a, g[1], b), (-1 - r, k)))
    spans_of = label_spans(st, grid, rows.min_gap)
    for r in range(n_header, len(grid.spans)):
        a, b = grid.spans[r]
        regions.append(((grid.xb[0], a, grid.xb[spans_of.get(r, 1)], b), (r, 0)))
    t1 = time.perf_counter()
    if grid.split is not None:  # the short rules are no text either
        y, t = grid.split.y, grid.split.thickness
        short = tuple(Rule(y, t, p) for p in grid.split.pieces)
        st = dataclasses.replace(st, h_rules=st.h_rules + short)
    read, rereads = read_regions(ocr, st, grid.ink, regions, rows.line_h)
    t_ocr = time.perf_counter() - t1
    columns, out_rows, cells = _assemble(grid, items, n_header, read, spans_of)
    confs = [x.confidence for ws in read.values() for x in ws]
    conf = (float(np.mean(confs)) / 100.0) if confs else 0.3
    if len(columns) < 2:
        notes.append(
            "only one column found: no vertical rule or white-space gap runs through the body"
        )
        conf *= 0.5
    alignment = column_alignment(grid, n_header, spans_of, rows.line_h)
    agreement = row_agreement(grid, n_header, spans_of)
    conf *= (0.6 + 0.4 * alignment) * (0.6 + 0.4 * agreement)
    if alignment < 0.7:
        notes.append(f"the body's text keeps to its columns poorly (alignment {alignment:.2f})")
    if agreement < 0.9:
        notes.append(f"some rows hold two lines in every cell (row agreement {agreement:.2f})")
    notes.append("cell text read for the header rows and the first column only")
    return Layout(
        width=w,
        height=h,
        kind="table",
        table=Table(table, columns, out_rows, tuple(cells)),
        notes=tuple(notes),
        confidence=round(min(1.0, conf), 3),
        detector={
            "rows_by": rows.rows_by,
            "columns_by": col_mode,
            "ocr_rereads": rereads,
            "evidence": {
                "column_alignment": round(alignment, 3),
                "row_agreement": round(agreement, 3),
            },
            "seconds": {"structure": round(t_struct, 4), "text": round(t_ocr, 4)},
        },
    )
