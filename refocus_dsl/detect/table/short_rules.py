"""Short rules under a two-level header's spanning groups (booktabs' cmidrules, a grid's
line under the groups): found in the top rows, and taken as rules, not ink.

A rule across part of the table under a group header splits the header in two
rows; each group header heads the columns under its own rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from refocus_dsl.detect._grid import Rule, Span
from refocus_dsl.detect._raster import runs
from refocus_dsl.detect.table.structure import RULE_HALO, Structure, ink_mask


@dataclass(frozen=True)
class ShortRules:
    """The short rules side by side under a two-level header's groups (booktabs draws one
    cmidrule per group, a little apart; a grid draws one line under all of them)."""

    y: int
    thickness: int
    pieces: tuple[Span, ...]
    """x-spans of the rules, left to right."""


def partial_rule(st: Structure, span: Span, x1: int, x2: int, line_h: float) -> ShortRules | None:
    """The short rules inside the top rows (under the spanning headers), or None.

    The longest is solid for at least two line heights but clearly shorter than
    the table, with little ink just above and below it, so it is neither text
    nor a full rule (nor the faint, broken edge of a blurred full rule): a rule
    found across part of the table (its blurred core found too) or a row with
    such a run, the topmost. The others on its row pass the same test with at least
    a line height's length.
    """
    grey, row_bg, level = st.grey, st.row_bg, st.levels.rule
    a, b = span
    min_len = max(30, int(2 * line_h))
    full = 0.9 * (x2 - x1)
    known = [
        r
        for r in st.part_rules
        if a + 2 <= r.pos
        and r.end <= b - 2
        and min_len <= r.span[1] - r.span[0] <= 0.85 * (x2 - x1)
        and _clear_around(st, r.pos, r.width, r.span, span, line_h)
    ]
    for y in range(a + 2, b - 2):
        at = [r for r in known if r.pos == y]
        if at:  # the topmost short rule; its row's other pieces read on its middle row
            return _with_others(st, y, at[0].width, at[0].span, span, line_h, x1, x2)
        if any(r.pos - 3 <= y < r.end + 3 and r.span[1] - r.span[0] >= full for r in st.h_rules):
            continue  # near a rule across the table (a rule over the groups only is short)
        # Against the background above it: on the rule's own row the densest grey can be
        # the rule itself, and a header cell's tint beside it would pass for the rule.
        ref = int(row_bg[y - 2])
        found = runs(np.abs(grey[y, x1:x2].astype(np.int16) - ref) >= level)
        best = max(found, key=lambda r: r[1] - r[0], default=None)
        if best is None or not min_len <= best[1] - best[0] <= 0.85 * (x2 - x1):
            continue
        c, d = best
        t = 1
        while y + t < b and t < 3:
            nxt = np.abs(grey[y + t, x1 + c : x1 + d].astype(np.int16) - ref) >= level
            if nxt.mean() < 0.9:
                break
            t += 1
        if _clear_around(st, y, t, (x1 + c, x1 + d), span, line_h):
            return _with_others(st, y, t, (x1 + c, x1 + d), span, line_h, x1, x2)
    return None


def _with_others(
    st: Structure, y: int, t: int, piece: Span, span: Span, line_h: float, x1: int, x2: int
) -> ShortRules:
    """The short rule ``piece`` and the others beside it on its rows (one under each
    group header): at least a line height long, little ink just above and below."""
    mid = y + t // 2
    ref = int(st.row_bg[max(0, y - 2)])
    found = runs(np.abs(st.grey[mid, x1:x2].astype(np.int16) - ref) >= st.levels.rule)
    others = [
        (x1 + p, x1 + q)
        for p, q in found
        if (x1 + q <= piece[0] or x1 + p >= piece[1])
        and q - p >= max(12.0, line_h)
        and _clear_around(st, y, t, (x1 + p, x1 + q), span, line_h)
    ]
    return ShortRules(y, t, tuple(sorted([piece, *others])))


_CLEAR = 0.2
"""Most ink a row just beside a short rule a word long holds along it: the stems of a
serif line standing on a run of joined serifs (a rule of its own length) hold a third
or more."""
_HALO = 0.5
"""Most ink a row just beside a longer short rule holds along it (a soft rule's halo)."""
_WORD_LINES = 4
"""Line heights below which a rule piece is no longer than a word."""


def with_short_rules(st: Structure, short: ShortRules) -> Structure:
    """``st`` with the short rules under a header's groups taken as rules, not ink.

    A row mostly covered by such rules takes their grey for its background, so
    the rest of it reads as ink (and a stub header crossing it reads inverted):
    the rules' rows get the background above them, as full rules' rows do. A
    vertical rule between two sub-headers of one group that is not drawn above
    the short rules is not there: the group header's text crosses it.
    """
    y, t = short.y, short.thickness
    row_bg = st.row_bg.copy()
    row_bg[y : y + t] = row_bg[max(0, y - 1)]
    drawn: list[Rule] = []
    lo = y  # the rows whose ink changes: from the top of a rule found not drawn
    for r in st.v_drawn:
        top = r.span[0] + RULE_HALO + 1  # below the rule that closes the table's top
        if top < y - 2 < y + t < r.span[1]:
            strip = np.abs(st.grey[top:y, r.pos : r.end].astype(np.int16) - row_bg[top:y, None])
            if (strip >= st.levels.rule).any(axis=1).mean() < 0.6:
                drawn.append(Rule(r.pos, r.width, (y, r.span[1])))
                lo = min(lo, top)
                continue
        drawn.append(r)
    ink = st.ink.copy()
    ink[lo : y + t] = ink_mask(st.grey, row_bg, st.h_rules, drawn, st.levels.ink)[lo : y + t]
    for x1, x2 in short.pieces:  # with their anti-aliasing, only along them
        ink[max(0, y - 1) : y + t + 1, x1:x2] = False
    return replace(st, row_bg=row_bg, v_drawn=tuple(drawn), ink=ink)


def _clear_around(st: Structure, y: int, t: int, xs: Span, span: Span, line_h: float) -> bool:
    """Whether rows just above and below a rule piece at ``y`` (``t`` thick) hold little ink.

    A piece a word long must have them nearly clear (joined serifs along a baseline
    have the letters' stems above); a longer one may have a soft rule's halo there.
    """
    level = st.levels.rule
    around = [
        (np.abs(st.grey[yy, xs[0] : xs[1]].astype(np.int16) - int(st.row_bg[yy])) >= level).mean()
        for yy in (y - 2, y + t + 1)
        if span[0] <= yy < span[1]
    ]
    limit = _CLEAR if xs[1] - xs[0] < _WORD_LINES * line_h else _HALO
    return bool(around) and max(around) < limit
