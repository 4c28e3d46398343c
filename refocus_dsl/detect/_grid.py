"""Pixel analysis for tables: rules, shaded bands, ink, text lines, gaps.

Everything here is numpy on a grey image; no OCR. The idea is that of a
person's eye: long thin lines and changes of background colour are structure
(row or column boundaries), everything else that differs clearly from its local
background is ink (text, small pictures), and white space that runs through
every body row between ink is a column gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._raster import runs

U8 = npt.NDArray[np.uint8]
B = npt.NDArray[np.bool_]
Span = tuple[int, int]  # half-open [a, b)

STRUCT_DIFF = 10
"""Grey difference from the page that counts as "not page" for rules and bands."""
INK_DIFF = 60
"""Grey difference from the local background that counts as ink (text)."""
RULE_DIFF = 20
"""Grey difference from a row's background that a (possibly faint, blurred) rule makes."""
MAX_RULE_PX = 6
"""Widest vertical rule (a blurred 2 px line spreads to about this)."""
ALL_ALONG = 0.9
"""Share of a row a rule crossing it is darker than the row above on (a rule is solid)."""


@dataclass(frozen=True)
class Rule:
    """A thin line: ``pos`` its first pixel, ``width`` its thickness, ``span`` its extent."""

    pos: int
    width: int
    span: Span

    @property
    def end(self) -> int:
        return self.pos + self.width


def longest_dense_runs(
    mask: B, gap: int
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]
]:
    """Per row of ``mask``: the longest run of True allowing holes of up to ``gap`` pixels.

    Returns (x1, x2, length, count) arrays (count = True pixels inside the run).
    """
    h = mask.shape[0]
    x1 = np.zeros(h, np.int64)
    x2 = np.zeros(h, np.int64)
    length = np.zeros(h, np.int64)
    count = np.zeros(h, np.int64)
    ys, xs = np.nonzero(mask)
    if ys.size == 0:
        return x1, x2, length, count
    brk = np.ones(ys.size, bool)
    brk[1:] = (ys[1:] != ys[:-1]) | (xs[1:] - xs[:-1] > gap + 1)
    starts = np.nonzero(brk)[0]
    ends = np.concatenate([starts[1:], [ys.size]]) - 1
    seg_len = xs[ends] - xs[starts] + 1
    seg_cnt = ends - starts + 1
    seg_y = ys[starts]
    order = np.lexsort((seg_len, seg_y))  # by row, longest last
    last = np.ones(order.size, bool)
    last[:-1] = seg_y[order][1:] != seg_y[order][:-1]
    best = order[last]
    yb = seg_y[best]
    x1[yb] = xs[starts[best]]
    x2[yb] = xs[ends[best]] + 1
    length[yb] = seg_len[best]
    count[yb] = seg_cnt[best]
    return x1, x2, length, count


def gaps(occupied: npt.NDArray[np.bool_], lo: int, hi: int) -> list[Span]:
    """Runs of False strictly inside [lo, hi) (not touching the ends), half-open."""
    out = []
    for a, b in runs(~occupied[lo:hi]):
        if a > 0 and b < hi - lo:
            out.append((a + lo, b + lo))
    return out
