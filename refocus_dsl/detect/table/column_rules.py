"""Vertical rules of a ruled grid: found row by row between the horizontal rules, where
each is drawn, and which are no rules (letter stems in line, text running across).

Split from :mod:`.structure`, which finds the horizontal rules and bands these read
the grid's rows from.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._grid import ALL_ALONG, MAX_RULE_PX, RULE_DIFF, Rule, Span
from refocus_dsl.detect._raster import runs

F = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]


def _rule_lines(h_rules: Sequence[Rule]) -> list[Span]:
    """Horizontal rules that touch (a blurred rule read as several thin ones) as one line."""
    out: list[Span] = []
    for r in sorted(h_rules, key=lambda r: r.pos):
        if out and r.pos <= out[-1][1] + 2:
            out[-1] = (out[-1][0], max(out[-1][1], r.end))
        else:
            out.append((r.pos, r.end))
    return out


def ruled_columns(
    grey: U8, row_bg: F, h_rules: Sequence[Rule], ex1: int, ex2: int, level: int = RULE_DIFF
) -> list[Rule]:
    """Vertical rules of a ruled grid, found row by row between the horizontal rules.

    A column rule crosses every row of the grid from rule to rule, except rows
    whose one cell spans the table (section titles), where it is absent; so it
    is read per row: an x that differs from the row's background over the whole
    height between two horizontal rules, in at least 40 % of the rows. Text
    never fills a cell's padding, shading is the row's background, so neither
    passes.
    """
    lines = _rule_lines(h_rules)
    solid = _solid_in_cells(grey, row_bg, lines, ex1, ex2, level)
    if solid is None:
        return []
    coverage = solid.mean(axis=0)
    top, bottom = lines[0][0], lines[-1][1]
    out = []
    for a, b in runs((coverage >= 0.4) & (solid.sum(axis=0) >= 2)):
        if b - a <= MAX_RULE_PX:
            out.append(Rule(ex1 + a, b - a, (top, bottom)))
    return out


def _solid_in_cells(
    grey: U8, row_bg: F, lines: Sequence[Span], ex1: int, ex2: int, level: int
) -> B | None:
    """Per cell row between the rule lines (axis 0), per x in [ex1, ex2): marked over the
    cell's height, as a column rule is; None with fewer than two cell rows."""
    cells = _cells_between(lines)
    if len(cells) < 2 or ex2 - ex1 < 4:
        return None
    mark = np.abs(grey[:, ex1:ex2].astype(np.int16) - row_bg[:, None].astype(np.int16)) >= level
    return np.stack([mark[a:b].mean(axis=0) >= 0.85 for a, b, _, _ in cells])


def not_crossed(
    v_rules: Sequence[Rule],
    grey: U8,
    row_bg: F,
    h_rules: Sequence[Rule],
    rule_level: int,
    ink_level: int,
) -> list[Rule]:
    """The column rules, less inner ones that text runs across in the grid's rows.

    Every column rule of a grid is drawn in the rows where the others are (all but
    rows one cell spans). Stems of left-aligned capitals, or a monospaced font's
    digits right-aligned, blurred into a line, stand in line in some rows only, and
    in the others the text runs on over their place (ink just left and right of it).
    A worn rule is missing in a few rows too, but text does not cross it there,
    except in a cell merged across it now and then. Dropped: a rule drawn in under
    two thirds of the grid's rows and crossed by text in at least three of the rest.
    The outermost rules frame the table and stay.
    """
    if len(v_rules) < 4:
        return list(v_rules)
    lines = _rule_lines(h_rules)
    cells = _cells_between(lines)
    ex1, ex2 = v_rules[0].pos, v_rules[-1].end
    solid = _solid_in_cells(grey, row_bg, lines, ex1, ex2, rule_level)
    if solid is None:
        return list(v_rules)
    drawn = np.stack([solid[:, r.pos - ex1 : r.end - ex1].any(axis=1) for r in v_rules])
    grid_rows = drawn.sum(axis=0) >= len(v_rules) / 2
    text = np.abs(grey.astype(np.int16) - row_bg[:, None].astype(np.int16)) >= ink_level
    out = [v_rules[0]]
    for i, r in enumerate(v_rules[1:-1], start=1):
        missing = [k for k in np.nonzero(grid_rows & ~drawn[i])[0]]
        crossed = 0
        for k in missing:
            a, b = cells[k][0], cells[k][1]
            left = text[a:b, max(0, r.pos - _BESIDE) : r.pos].any(axis=1)
            right = text[a:b, r.end : r.end + _BESIDE].any(axis=1)
            crossed += int((left & right).sum() >= 2)
        share = float(drawn[i][grid_rows].mean()) if grid_rows.any() else 1.0
        if crossed >= _CROSSED_ROWS and share < 2 / 3:
            continue
        out.append(r)
    out.append(v_rules[-1])
    return out


_BESIDE = 3
"""Pixels either side of a rule's place that text running across it inks."""
_CROSSED_ROWS = 3
"""Grid rows text must cross a rule's place in before it is no rule (a cell merged across
a rule now and then crosses it in one or two)."""


def _cells_between(lines: Sequence[Span]) -> list[tuple[int, int, int, int]]:
    """(y1, y2) inside consecutive rule lines, with the lines' outer edges (top, bottom)."""
    return [
        (a[1], b[0], a[0], b[1]) for a, b in zip(lines, lines[1:], strict=False) if b[0] - a[1] >= 3
    ]


def drawn_pieces(
    grey: U8, row_bg: F, v_rules: Sequence[Rule], h_rules: Sequence[Rule], level: int = RULE_DIFF
) -> list[Rule]:
    """Where each vertical rule is drawn, row by row of the ruled grid."""
    cells = _cells_between(_rule_lines(h_rules))
    if len(cells) < 2:
        return list(v_rules)
    bg = row_bg.astype(np.int16)[:, None]
    out: list[Rule] = []
    for r in v_rules:
        strip = np.abs(grey[:, r.pos : r.end].astype(np.int16) - bg) >= level
        drawn = np.array([_drawn_in(strip[a:b].any(axis=1)) for a, b, _, _ in cells])
        top, bottom = cells[0][2], cells[-1][3]
        if r.span[0] < top and _solid_down(strip[r.span[0] : top]):
            out.append(Rule(r.pos, r.width, (r.span[0], top)))
        for i, j in runs(drawn):
            out.append(Rule(r.pos, r.width, (cells[i][2], cells[j - 1][3])))
        if r.span[1] > bottom and _solid_down(strip[bottom : r.span[1]]):
            out.append(Rule(r.pos, r.width, (bottom, r.span[1])))
    return out


def _solid_down(marked: B) -> bool:
    """Whether a vertical rule goes on past the grid's outer rules: marked on nearly every
    row there. A note's letter set just under the closing rule, in line with a column
    rule, continues its run only after the white space between them."""
    return bool(marked.any(axis=1).mean() >= ALL_ALONG) if marked.size else False


def _drawn_in(marked: B) -> bool:
    """Whether a vertical rule is drawn across a cell, from its rows marked at the rule:
    most of them, and the cell's padding at both ends (bold text crossing the rule's
    place in a section row spanning the table covers the rows of its line only)."""
    if marked.size == 0:
        return False
    pad = max(1, marked.size // 5)
    return bool(
        marked.mean() >= 0.6 and marked[:pad].mean() >= 0.5 and marked[-pad:].mean() >= 0.5
    )


def add_rules(found: list[Rule], more: Sequence[Rule]) -> list[Rule]:
    """``found`` plus ``more``: a rule of ``more`` touching (within 3 px) one already found
    extends that one's span (a grid rule broken by a spanning row was found in pieces)."""
    out = list(found)
    for r in more:
        near = [i for i, q in enumerate(out) if r.pos <= q.end + 3 and q.pos <= r.end + 3]
        if not near:
            out.append(r)
            continue
        q = out[near[0]]
        out[near[0]] = Rule(q.pos, q.width, (min(q.span[0], r.span[0]), max(q.span[1], r.span[1])))
    return sorted(out, key=lambda r: r.pos)
