"""A figure cut out of a PDF page: reduced and JPEG'd, its narrow gaps hold ringing.

JPEG rings beside every strong edge; next to a frame's corner or a line's end the faint
specks reach a few pixels into the gap between two panels. A gap holding only such
specks is still a gap.
"""

from __future__ import annotations

import io

import pytest
from figure_helpers import bar_panel
from PIL import Image, ImageDraw

from refocus_dsl.detect.figure import find_panels
from refocus_dsl.layout import Box
from refocus_dsl.scoring.common import iou


def _assert_cut_as_drawn(page: Image.Image, gold: list[Box], scale: float, quality: int) -> None:
    """Reduce ``page`` by ``scale``, JPEG it at ``quality``: its panels are found as drawn."""
    small = page.resize((round(page.width * scale), round(page.height * scale)),
                        Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=quality)
    found = find_panels(Image.open(buf).convert("RGB")).boxes
    assert len(found) == len(gold), found
    for got, want in zip(found, gold, strict=True):
        x1, y1, x2, y2 = (round(v * scale) for v in want)
        assert iou(got, (x1, y1, x2, y2)) >= 0.85, (got, want)


@pytest.mark.parametrize("gap", [5, 8])
@pytest.mark.parametrize("scale", [0.67, 0.75])
@pytest.mark.parametrize("quality", [60, 75])
def test_reduced_jpegd_row_of_framed_panels_is_cut_at_its_gaps(
    gap: int, scale: float, quality: int
) -> None:
    page = Image.new("RGB", (3 * 260 + 2 * gap + 20, 240), "white")
    d = ImageDraw.Draw(page)
    gold = [
        bar_panel(d, (10 + c * (260 + gap), 10, 10 + c * (260 + gap) + 260, 230), c, frame=True)
        for c in range(3)
    ]
    _assert_cut_as_drawn(page, gold, scale, quality)


@pytest.mark.parametrize(("gap", "scale", "quality"), [(4, 0.6, 60), (5, 0.7, 50), (6, 0.6, 50)])
def test_reduced_jpegd_panels_a_few_pixels_apart_are_cut_at_their_gaps(
    gap: int, scale: float, quality: int
) -> None:
    # Reduced, the gaps are 2-4 px wide: a 3x3 mean over such a gap takes in the frames
    # on both sides, and the ringing beside them outlasts it where it bunches; yet no
    # stroke runs through those specks from one panel to the other.
    width = 3 * 240 + 2 * gap
    page = Image.new("RGB", (width + 16, 2 * 220 + gap + 16), "white")
    d = ImageDraw.Draw(page)
    gold = [
        bar_panel(d, (8 + c * (240 + gap), 8, 8 + c * (240 + gap) + 240, 228), c, frame=True)
        for c in range(3)
    ]
    gold.append(bar_panel(d, (8, 228 + gap, 8 + width, 228 + gap + 220), 3, frame=True))
    _assert_cut_as_drawn(page, gold, scale, quality)
