"""How far a bar-chart reading's own evidence agrees, as one confidence.

Why: a caller acting on a layout needs to know when to doubt it. Tesseract is as sure
of a misread label as of a right one, so the confidence also weighs what the pixels
say: tick labels under the bars they name, and fills that are flat colours.
"""

from __future__ import annotations

from collections.abc import Sequence


def label_alignment(pairs: Sequence[tuple[float, float, float]], spacing: float) -> float:
    """Share of tick labels sitting over/under the bars they are assigned to (0..1).

    Each pair is a label's anchor along the category axis (its centre; the end at
    its tick for a label turned part of the way) and its bar group's extent
    (lo, hi). A label sits right when its anchor lies within the group, or, for a
    group narrower than half the category spacing, within a quarter spacing of its
    centre. Evidence for the pairing: a label half-way between two bars names
    either. 1.0 when no label has a bar.
    """
    if not pairs:
        return 1.0
    ok = sum(
        abs(a - (lo + hi) / 2.0) <= max((hi - lo) / 2.0, 0.25 * spacing) for a, lo, hi in pairs
    )
    return ok / len(pairs)


UNEXPLAINED_WEIGHT = 5.0
"""How much confidence each share of ink outside every fill colour costs (calibrated on
the ChartQA development charts: clean ones leave 0.3-0.8% of their ink unexplained,
the same charts JPEG'd at quality 30 3-7%, and then read wrong labels with tesseract
as sure as ever)."""


def chart_confidence(
    paired: float, ocr: float, alignment: float, clustered: float = 1.0
) -> float:
    """0..1 from the share of categories with both a label and a bar, the labels' mean
    OCR confidence (0..100, 90 counts as sure), :func:`label_alignment` and the share
    of ink in the fills' colours (:func:`~refocus_dsl.detect._fills.clustered_ink`)."""
    fills = max(0.0, 1.0 - UNEXPLAINED_WEIGHT * (1.0 - clustered))
    return paired * min(1.0, ocr / 90.0) * (0.6 + 0.4 * alignment) * fills
