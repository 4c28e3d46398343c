"""Text beside panels: whether a band of text under a row of panels is running text
(a caption), where the gap between two panels runs on through it, and whether a panel
is a card that keeps its own text inside. Asked by the panel finder
(:mod:`refocus_dsl.detect.figure`) when it gives each peeled text band to a panel or
leaves it as figure text.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._raster import U8, runs
from refocus_dsl.layout import Box

BoolArr = npt.NDArray[np.bool_]

CARD_EDGE = 0.9
"""A panel whose bottom line and both sides are this much ink is a card (a tint, a frame)."""
CARD_MARGIN = 3
"""Rows just inside a card's bottom edge that hold nothing drawn: a card keeps a margin
under its own text, while a plot's frame has its drawing standing on its bottom line."""
WORD_SPACE = 0.6
"""A blank in a line of text narrower than this share of the line's height is a space
between words (about a third of it), not a gap between two panels' texts."""
TEXT_MIN_PX = 6
"""A line of text is at least this tall (thinner upright ink is a line, not turned text)."""
PROSE_WORDS = 12
"""A line of running text (a caption) is at least this many times as long as high."""


def gutter_column(ink: BoolArr, band: Box, a: int, b: int) -> int | None:
    """A column in ``a:b`` (between two panels side by side) where ``band`` holds no ink:
    the panels' own gap running on through their text, or None when text crosses it."""
    if b <= a:
        return (a + b) // 2
    blank = np.flatnonzero(~ink[band[1] : band[3], a:b].any(axis=0))
    return a + int(blank[blank.size // 2]) if blank.size else None


def is_prose(ink: BoolArr, band: Box) -> bool:
    """Whether ``band`` is a line of running text: from its first ink to its last no
    blank wider than a space between words (WORD_SPACE of its height), over at least
    PROSE_WORDS heights. Two panels' texts side by side (tick labels, a legend, a source
    line) leave wide blanks between them however near the panels are."""
    x1, y1, x2, y2 = band
    height = y2 - y1
    if x2 - x1 < PROSE_WORDS * height:
        return False
    blank: BoolArr = np.asarray(~ink[y1:y2, x1:x2].any(axis=0))
    return all(e - s < WORD_SPACE * height for s, e in runs(blank))


def is_card(rgb: U8, ink: BoolArr, box: Box) -> bool:
    """Whether ``box`` is a card: ink along its bottom line and down both its sides (a
    tint or a frame; a plot's own axis does not run down the box's sides past its tick
    labels), and a margin of even rows just inside its bottom edge. A plot's own frame
    (all four spines, no tick labels inside: a panel sharing its neighbour's y axis) has
    bars, tick marks or gridlines standing on its bottom line, and its tick labels below
    it are its own."""
    x1, y1, x2, y2 = box
    sub = ink[y1:y2, x1:x2]
    if min(sub.shape) < 2 * (3 + CARD_MARGIN):
        return False
    # The edge's outermost pixel may be a faint anti-aliased blend: take the best of 3.
    edged = bool(
        sub[-3:].mean(axis=1).max() >= CARD_EDGE
        and sub[:, :3].mean(axis=0).max() >= CARD_EDGE
        and sub[:, -3:].mean(axis=0).max() >= CARD_EDGE
    )
    if not edged:
        return False
    margin = rgb[y2 - 3 - CARD_MARGIN : y2 - 3, x1 + 3 : x2 - 3].astype(np.int16)
    med = np.median(margin, axis=1).astype(np.int16)
    return bool((np.abs(margin - med[:, None, :]).max(axis=2) <= 10).all())


def shared_width(piece: Box, panel: Box) -> float:
    """How much of ``piece`` and ``panel`` share one horizontal extent: their overlap
    over the wider of the two (1 when the piece runs the panel's whole width)."""
    overlap = min(piece[2], panel[2]) - max(piece[0], panel[0])
    return max(0, overlap) / max(1, piece[2] - piece[0], panel[2] - panel[0])
