"""The tick-label strip of a bar chart: where it lies beyond the baseline, which way its
text runs, and its reading.

Why its own module: finding the strip, telling its turn and choosing among readings of
it are one concern, apart from matching the labels to the bars (:mod:`.chart`).
The turn is told from ink (:func:`~._labels.estimate_angle`), which small, blurred
or JPEG'd labels leave as fragments that can look turned; so a turned reading that
reads poorly is weighed against the level one, and the reading with more confident
text wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._bars import Bars, Group, Rect
from refocus_dsl.detect._labels import (
    Phrase,
    above_level_lines,
    above_level_title,
    above_page_line,
    bands,
    estimate_angle,
    norm_strip,
    ocr_box,
    past_slivers,
    past_turned_title,
    skip_ticks,
    text_block,
)
from refocus_dsl.layout import Box
from refocus_dsl.ocr import OcrEngine

SURE_READING = 75.0
"""Mean OCR confidence of a turned reading naming most bars from which no other turn is
tried (tesseract gives junk read at a wrong turn 20-60)."""

NAMED_SHARE = 0.7
"""Share of the bars a turned reading must name to count as sure."""


@dataclass(frozen=True)
class Strip:
    box: Box  # in image pixels
    angle: int
    phrases: tuple[Phrase, ...]


def reading_score(strip: Strip) -> float:
    """How much confident text a reading found (to compare two turns of one strip)."""
    return sum(sum(ch.isalnum() for ch in p.text) * p.confidence for p in strip.phrases)


def _sure(strip: Strip, groups: list[Group]) -> bool:
    """A reading that names most bars with confident text."""
    conf = float(np.mean([p.confidence for p in strip.phrases] or [0.0]))
    return len(strip.phrases) >= NAMED_SHARE * len(groups) and conf >= SURE_READING


def read_labels(
    g: npt.NDArray[Any], bars: Bars, groups: list[Group], spacing: float, ocr: OcrEngine,
    lines: list[Rect], mids: tuple[float, ...],
) -> Strip | None:
    """Find and OCR the tick-label strip beyond the baseline (``lines``: long thin rules
    across the bars, axes and frame among them; ``mids``: where an axis title would be
    centred)."""
    if bars.orientation == "vertical":
        return _below(g, bars, groups, spacing, ocr, lines, mids)
    return _beside(g, bars, groups, spacing, ocr)


def _below(
    g: npt.NDArray[Any], bars: Bars, groups: list[Group], spacing: float, ocr: OcrEngine,
    lines: list[Rect], mids: tuple[float, ...],
) -> Strip | None:
    """Vertical bars: the labels under the baseline, level or turned."""
    h, w = g.shape
    # Level labels are centred under their bars: half a step either side is theirs.
    lo = groups[0].centre - 0.5 * spacing
    hi = groups[-1].centre + 0.5 * spacing
    y0 = max(bars.baseline, max(r.y2 for r in bars.bars)) + 1
    # Bars below the baseline (negative values) can end short of the frame, and their
    # value labels sit between them and it: the labels start beyond the frame.
    frame = [r.y2 for r in lines if y0 - 3 <= r.y1 <= y0 + 0.06 * h]
    y0 = max([y0] + frame)
    cap = min(h, y0 + max(40, int(0.4 * h)))
    x1, x2 = max(0, int(lo)), min(w, int(hi))
    if cap - y0 < 4 or x2 - x1 < 4:
        return None
    _, mask = norm_strip(g, (x1, y0, x2, cap))
    skip = skip_ticks(mask, 0)
    if skip:  # an axis line, then tick marks below it
        skip += skip_ticks(mask[skip:], 0, sparse_ok=False)
    skip += past_slivers(mask[skip:].sum(axis=1))
    block = text_block(mask[skip:].sum(axis=1))
    if block is None:
        return None
    bs, be, _ = block
    top = y0 + skip + bs
    # A level axis title under short turned labels can outvote them.
    labels_end = above_level_lines(mask[skip:], bs, be)
    labels_end = above_level_title(mask[skip:], bs, labels_end, tuple(m - x1 for m in mids))
    angle = estimate_angle(mask[skip + bs : skip + labels_end])

    def level() -> Strip:
        bottom = y0 + skip + above_page_line(mask[skip:], bs, be, spacing)
        # The rows between ticks and text hold a blurred glyph's faint top.
        box = (x1, max(0, top - (min(bs, 2) if skip else 2)), x2, min(h, bottom + 2))
        pairs = zip(groups, groups[1:], strict=False)
        cuts = tuple((a.centre + b.centre) / 2.0 for a, b in pairs)
        return Strip(box, 0, tuple(ocr_box(g, box, 0, ocr, True, cuts)))

    if angle == 0:
        return level()
    # Turned labels: the sign of a 45-degree turn is easy to get wrong from ink alone
    # when labels are short, so a poor reading is retried with the other sign. A
    # quarter turn's sign cannot be told from ink at all (text read upwards and
    # downwards has the same profile): both are read and the surer reading wins
    # (upside-down text comes back as confident-looking junk such as "L661").
    # Short labels at 30 and 60 degrees look alike in ink too (each reads as the
    # other's thin lines): a poor reading tries the complementary turn as well.
    quarter = angle in (90, -90)
    other = (90 - abs(angle)) * (1 if angle > 0 else -1)
    tries = list(dict.fromkeys([angle, -angle] if quarter else [angle, -angle, other, -other]))
    best: Strip | None = None
    # A label hangs from its tick away from the bars' side, but a label centred on its
    # tick reaches past it by half its run, at most the strip's depth (at 30 degrees
    # .87 of it): the last label would lose its end.
    reach = cap - top
    for a in tries:
        if 0 < a < 90:
            bx1, bx2 = 0, min(w, x2 + reach)
        elif -90 < a < 0:
            bx1, bx2 = max(0, x1 - reach), w
        else:
            bx1, bx2 = x1, x2
        _, mask2 = norm_strip(g, (bx1, top, bx2, cap))
        blk = text_block(mask2.sum(axis=1), max_gap=6)  # runs on without line gaps
        end = top + blk[1] if blk is not None else y0 + skip + be
        if blk is not None:
            local = tuple(m - bx1 for m in mids)
            end = top + above_level_title(
                mask2, blk[0], above_level_lines(mask2, blk[0], blk[1]), local
            )
        box = (bx1, max(0, top - (0 if skip else 2)), bx2, min(h, end + 2))
        found = Strip(box, a, tuple(ocr_box(g, box, a, ocr, True)))
        if best is None or reading_score(found) > reading_score(best):
            best = found
        if not quarter and _sure(best, groups):
            break
    if best is not None and _sure(best, groups):
        return best
    # Blurred or small level labels leave fragments of ink that look turned (a glyph's
    # stroke cores at 30-60 degrees): no turn read well, so the level reading is
    # weighed too.
    flat = level()
    return flat if best is None or reading_score(flat) > reading_score(best) else best


def _beside(
    g: npt.NDArray[Any], bars: Bars, groups: list[Group], spacing: float, ocr: OcrEngine
) -> Strip | None:
    """Horizontal bars: the labels left of the baseline."""
    h, w = g.shape
    x_end = min(bars.baseline, min(r.x1 for r in bars.bars)) - 1
    # Half a step beyond the outer bars: the value axis' own tick labels stay out.
    gap = spacing - float(np.median([gp.hi - gp.lo for gp in groups]))
    margin = max(0.5 * gap, 0.15 * spacing) if len(groups) >= 2 else 0.5 * spacing
    y1 = max(0, int(groups[0].lo - margin))
    y2 = min(h, int(groups[-1].hi + margin))
    if x_end < 4 or y2 - y1 < 4:
        return None
    _, mask = norm_strip(g, (0, y1, x_end, y2))
    rev = mask[:, ::-1]
    skip = skip_ticks(rev, 1, expected=len(groups))
    if skip:
        skip += skip_ticks(rev[:, skip:], 1, sparse_ok=False)
    skip += past_slivers(rev[:, skip:].sum(axis=0))
    row_runs = bands(mask.sum(axis=1))
    line_h = float(np.median([e - s for s, e in row_runs])) if row_runs else 10.0
    block = text_block(rev[:, skip:].sum(axis=0), max_gap=max(6, int(1.0 * line_h)))
    if block is None:
        return None
    bs, be, _ = block
    left, right = x_end - skip - be, x_end - skip - bs
    # The labels' last glyphs, next to the ticks, give their text height.
    ends = bands(np.asarray(mask[:, max(left, right - 12) : right].any(axis=1), np.int64))
    text_h = float(np.median([e - s for s, e in ends])) if ends else line_h
    left = past_turned_title(mask, left, right, text_h)
    box = (max(0, left - 3), y1, min(w, right + 1), y2)
    return Strip(box, 0, tuple(ocr_box(g, box, 0, ocr, False)))
