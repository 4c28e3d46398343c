"""How far a bar-chart reading's own evidence agrees, as one confidence.

Why: a caller acting on a layout needs to know when to doubt it. Tesseract is as sure
of a misread label as of a right one, so the confidence also weighs what the pixels
say: tick labels under the bars they name, and fills that are flat colours.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._raster import runs
from refocus_dsl.layout import Box


def label_alignment(
    pairs: Sequence[tuple[float, float, float]], spacing: float,
    centres: Sequence[float] = (),
) -> float:
    """Share of tick labels sitting over/under the bars they are assigned to (0..1).

    Each pair is a label's anchor along the category axis (its centre; the end at
    its tick for a label turned part of the way) and its bar group's extent
    (lo, hi). A label sits right when its anchor lies within the group, or, for a
    group narrower than half the category spacing, within a quarter spacing of its
    centre. Evidence for the pairing: a label half-way between two bars names
    either. With every group's centre (``centres``) a label also counts only as far
    as it is nearer its own group's centre than the neighbour's on its side
    (:func:`nearer_own`): a wide group's extent reaches almost to the next one, and a
    turned label hanging at the gap between two groups (bars grouped across two
    categories) lies within both. 1.0 when no label has a bar.
    """
    if not pairs:
        return 1.0
    ok = 0.0
    for a, lo, hi in pairs:
        c = (lo + hi) / 2.0
        if abs(a - c) <= max((hi - lo) / 2.0, 0.25 * spacing):
            ok += nearer_own(a, c, centres, spacing) if centres else 1.0
    return ok / len(pairs)


SURE_SHARE = 0.3
"""A label whose distance to its own group's centre is at most this share of its
distances to that centre and the neighbour's together names its own group surely;
at one half it names either."""


def nearer_own(anchor: float, own: float, centres: Sequence[float], spacing: float) -> float:
    """1 when ``anchor`` is clearly nearer its group's centre ``own`` than the next
    centre on its side (one ``spacing`` on when there is none), 0 half-way, linear
    between."""
    side = [c for c in centres if (c - own) * (anchor - own) > 0 and c != own]
    neighbour = min(side, key=lambda c: abs(c - own)) if side else (
        own + spacing if anchor >= own else own - spacing)
    d_own, d_next = abs(anchor - own), abs(anchor - neighbour)
    share = d_own / max(d_own + d_next, 1e-9)
    return float(min(1.0, max(0.0, (0.5 - share) / (0.5 - SURE_SHARE))))


UNEXPLAINED_WEIGHT = 5.0
"""How much confidence each share of ink outside every fill colour costs (calibrated on
the ChartQA development charts: clean ones leave 0.3-0.8% of their ink unexplained,
the same charts JPEG'd at quality 30 3-7%, and then read wrong labels with tesseract
as sure as ever)."""


NON_WORD_WEIGHT = 0.3
"""How much confidence each share of labels that are no known word costs when the labels
are blurred, small or grainy (ChartQA development charts blurred, shrunk to 0.7 or
JPEG'd: of readings with such a label 17 of 27, 28 of 29 and 25 of 31 were wrong,
against 4 of 33, 6 of 30 and 13 of 29 without; on crisp labels a non-word is mostly a
name the list lacks, and costs nothing)."""


def chart_confidence(
    paired: float, ocr: float, alignment: float, clustered: float = 1.0,
    non_words: float = 0.0,
) -> float:
    """0..1 from the share of categories with both a label and a bar, the labels' mean
    OCR confidence (0..100, 90 counts as sure), :func:`label_alignment`, the share
    of ink in the fills' colours (:func:`~refocus_dsl.detect._fills.clustered_ink`) and
    the share of blurred, small or grainy labels that are no known word."""
    fills = max(0.0, 1.0 - UNEXPLAINED_WEIGHT * (1.0 - clustered))
    words = 1.0 - NON_WORD_WEIGHT * non_words
    return paired * min(1.0, ocr / 90.0) * (0.6 + 0.4 * alignment) * fills * words


_NUMBER = re.compile(r"^\s*(\d+)\s*[*\"'\u2019\u201d]*\s*$")


def numbers_out_of_step(texts: Sequence[str]) -> int:
    """How many of a chart's tick labels, read in axis order, break the run of numbers
    they mostly form (years, ages, sizes: 2012, 2013, 2034, 2015): a number that is not
    on the longest rising or falling run, or a label holding digits but no number
    ('200)') among numbers. Such a label is
    misread, and tesseract is as sure of '2034' as of '2014'. 0 when the labels are not
    mostly numbers (under three quarters, or fewer than four) or are out of order more
    than in it (a chart sorted by value whose categories are years)."""
    texts = [t for t in texts if t.strip()]
    values = [(m.group(1) if (m := _NUMBER.match(t)) else None) for t in texts]
    numbers = [v for v in values if v is not None]
    if len(numbers) < 4 or len(numbers) < 0.75 * len(texts):
        return 0
    garbled = sum(1 for t, v in zip(texts, values, strict=True)
                  if v is None and any(ch.isdigit() for ch in t))
    run = [int(v) for v in numbers]
    out = len(run) - max(_longest_run(run), _longest_run([-x for x in run]))
    if out > len(run) / 3:
        return 0
    return out + garbled


def _longest_run(xs: Sequence[int]) -> int:
    """Length of the longest strictly rising subsequence of ``xs``."""
    tails: list[int] = []
    for x in xs:
        k = bisect.bisect_left(tails, x)
        tails[k:k + 1] = [x]
    return len(tails)


def labels_short_of_ink(
    mask: npt.NDArray[np.bool_], origin: tuple[int, int], read: Sequence[Box],
    labels: Sequence[Box], line_h: float, level: bool = True, pad: int = 2,
) -> int:
    """How many ``labels`` (boxes in image pixels) have ink left unread beside, above or
    below them: within a ``line_h`` of the box (a word space, a wrapped line's
    leading), at least a glyph's stroke (``line_h`` pixels) of the strip's ink ``mask``
    (its top-left corner at ``origin``) that no read box (``read``, grown by ``pad``)
    covers. Why: a label whose first line, year or last letters OCR dropped ('Salt Lake
    City' under '2002', 'Asia and the rest of the wor') is read as sure as a whole one;
    the ink it left says it is cut short. In a strip of level labels, a line of text
    turned a quarter (an axis title set tight beside them) is no label's: columns of
    unread ink at most two lines wide and over three lines tall are left out."""
    x0, y0 = origin
    free = mask.copy()
    for a, b, c, d in read:
        free[max(0, b - y0 - pad):max(0, d - y0 + pad),
             max(0, a - x0 - pad):max(0, c - x0 + pad)] = False
    if level:
        for lo, hi in runs(free.any(axis=0)):
            rows = np.flatnonzero(free[:, lo:hi].any(axis=1))
            if hi - lo <= 2 * line_h and rows[-1] - rows[0] > 3 * line_h:
                free[:, lo:hi] = False
    reach = int(round(line_h)) + pad
    short = 0
    for a, b, c, d in labels:
        near = free[max(0, b - y0 - reach):max(0, d - y0 + reach),
                    max(0, a - x0 - reach):max(0, c - x0 + reach)]
        short += int(near.sum()) >= line_h
    return short
