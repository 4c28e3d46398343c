"""How sure a figure reading is, from what the panels themselves show.

Why: a figure reading used to carry no confidence, so a caller could not tell a
clean grid of plots from a plot cut into pieces. Wrong readings leave traces:
pieces of one plot hold no axis or fill of their own across them, are much smaller
than their siblings, sit out of line with the panels beside them, or were cut at a
colour step rather than a gap. Each trace lowers the confidence; a regular grid
of plot-like panels separated by page-coloured gaps keeps it near 1. The factors
were set on the composed figure classes and the development figures together
(``benchmarks/bench_figures_composed.py --classes`` prints how often a reading at
>= 0.9 is right), never on one image.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from refocus_dsl.layout import Box

BoolArr = npt.NDArray[np.bool_]

PLOT_SHARE = 0.3
"""A panel is plot-like when drawing runs across this share of it both ways (an axis,
a frame, a fill): a plot's own lines span it, a fragment's or a text block's do not."""
ALIGN_PX = 8
"""Panels sharing a row whose tops (or bottoms) lie within this many pixels line up."""


@dataclass(frozen=True)
class FigureEvidence:
    """What the confidence of a figure reading is made of (all 0..1 but ``seams``)."""

    plot_like: float  # share of panels with drawing across a third of them both ways
    size_balance: float  # smallest panel area over the median panel's
    row_alignment: float  # share of panels sharing a row whose top or bottom lines up
    gap_agreement: float  # gaps between neighbours in a row: smallest over largest
    seams: int  # pairs of panels meeting with no gap (cut at a colour step)

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 3) for k, v in asdict(self).items()}


def panel_rows(boxes: tuple[Box, ...] | list[Box]) -> list[list[Box]]:
    """Boxes grouped into rows (vertical extents overlapping by half), rows top to bottom,
    each left to right: the figure's reading order."""
    rows: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (b[1], b[0])):
        for row in rows:
            top, bottom = min(r[1] for r in row), max(r[3] for r in row)
            if min(bottom, b[3]) - max(top, b[1]) >= 0.5 * min(b[3] - b[1], bottom - top):
                row.append(b)
                break
        else:
            rows.append([b])
    rows.sort(key=lambda row: min(r[1] for r in row))
    return [sorted(r) for r in rows]


def _plot_like(vertical: BoolArr, horizontal: BoolArr, ink: BoolArr, box: Box) -> bool:
    """Long lines or fills across a third of the panel both ways, or ink over most of it
    (a tinted plot area or a heatmap, cut into short runs by its own gridlines)."""
    x1, y1, x2, y2 = box
    if float(ink[y1:y2, x1:x2].mean()) >= 0.4:
        return True
    tall = int(vertical[y1:y2, x1:x2].sum(axis=0).max(initial=0))
    wide = int(horizontal[y1:y2, x1:x2].sum(axis=1).max(initial=0))
    return tall >= PLOT_SHARE * (y2 - y1) and wide >= PLOT_SHARE * (x2 - x1)


def _touching(boxes: tuple[Box, ...]) -> int:
    """Pairs of panels that meet with no gap at all: cut at a colour step, not a gap."""
    n = 0
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            across = min(a[3], b[3]) - max(a[1], b[1]) > 0 and min(
                abs(a[2] - b[0]), abs(b[2] - a[0])) <= 1
            down = min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(
                abs(a[3] - b[1]), abs(b[3] - a[1])) <= 1
            n += across or down
    return n


def figure_evidence(
    boxes: tuple[Box, ...], ink: BoolArr, vertical: BoolArr, horizontal: BoolArr
) -> FigureEvidence:
    """The evidence for panels ``boxes`` given the ink and its long vertical and
    horizontal runs (the masks the panel finder computed)."""
    seams = _touching(boxes)
    if not boxes:
        return FigureEvidence(0.0, 0.0, 0.0, 0.0, seams)
    plot = sum(_plot_like(vertical, horizontal, ink, b) for b in boxes) / len(boxes)
    areas = sorted((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    balance = min(1.0, areas[0] / max(1.0, float(np.median(areas))))
    shared = aligned = 0
    gaps: list[int] = []
    for row in panel_rows(boxes):
        if len(row) < 2:
            continue
        tops = [b[1] for b in row]
        bottoms = [b[3] for b in row]
        for b in row:
            shared += 1
            aligned += sum(abs(t - b[1]) <= ALIGN_PX for t in tops) > 1 or sum(
                abs(t - b[3]) <= ALIGN_PX for t in bottoms) > 1
        gaps.extend(max(0, r[0] - left[2]) for left, r in zip(row[:-1], row[1:], strict=True))
    alignment = aligned / shared if shared else 1.0
    agreement = (min(gaps) + 2) / (max(gaps) + 2) if gaps else 1.0
    return FigureEvidence(plot, balance, alignment, agreement, seams)


def figure_confidence(ev: FigureEvidence, n_panels: int) -> float:
    """0..1 from the evidence: each trace of a wrong reading scales it down."""
    c = 0.55 + 0.45 * ev.plot_like
    c *= min(1.0, 0.6 + 0.4 * ev.size_balance / 0.35)
    c *= 0.7 + 0.3 * ev.row_alignment
    c *= 0.85 + 0.15 * ev.gap_agreement
    c *= 0.9**ev.seams
    if n_panels > 9:  # figures rarely hold this many panels; pieces of plots often do
        c *= 0.8
    return round(max(0.0, min(1.0, c)), 3)
