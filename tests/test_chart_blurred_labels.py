"""Tick labels under a blur of about a pixel: found soft by their edges, read sharpened
and plain, each bar keeping the better reading.

Charts are drawn with matplotlib and blurred with Pillow; a crisp, a shrunk and a JPEG'd
copy of the same labels must not count as soft (sharpening turns JPEG's ringing into
strokes).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from chart_helpers import draw_chart
from PIL import Image, ImageFilter

from refocus_dsl.detect._labels import SOFT_EDGES, edge_steepness, norm_strip
from refocus_dsl.detect._raster import gray, to_rgb_array
from refocus_dsl.detect.chart import detect_chart
from refocus_dsl.ocr import OcrEngine

_COUNTRIES = ["England", "Wales", "Northern Ireland", "Spain", "France", "Italy"]


def _label_steepness(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    strip, mask = norm_strip(gray(to_rgb_array(image)), box)
    return edge_steepness(strip, mask)


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def test_blurred_labels_are_soft_and_crisp_shrunk_or_jpegd_ones_are_not() -> None:
    drawn = draw_chart(_COUNTRIES, [[3.0, 5.0, 4.0, 6.0, 2.0, 7.0]], labelsize=10)
    xs = [b for box in drawn.labels for b in (box[0], box[2])]
    ys = [b for box in drawn.labels for b in (box[1], box[3])]
    box = (min(xs) - 4, min(ys) - 4, max(xs) + 4, max(ys) + 4)
    clean = drawn.image.convert("RGB")
    half = clean.resize((clean.width // 2, clean.height // 2), Image.Resampling.BOX)
    small_box = (box[0] // 2, box[1] // 2, box[2] // 2, box[3] // 2)
    assert _label_steepness(clean, box) >= SOFT_EDGES + 0.2
    assert _label_steepness(_jpeg(clean, 30), box) >= SOFT_EDGES + 0.05
    assert _label_steepness(half, small_box) >= SOFT_EDGES + 0.05
    for radius in (0.8, 1.0, 1.5):
        blurred = clean.filter(ImageFilter.GaussianBlur(radius))
        assert _label_steepness(blurred, box) < SOFT_EDGES


def test_a_strip_without_ink_is_not_soft() -> None:
    strip = Image.new("L", (40, 12), 255)
    assert edge_steepness(strip, np.zeros((12, 40), dtype=bool)) == 1.0


@pytest.mark.parametrize("radius", [0.8, 1.0])
def test_blurred_tick_labels_are_read(ocr: OcrEngine, radius: float) -> None:
    # Read plain, tesseract took the blurred capital I for a lower-case one
    # ('Northern ireland'); sharpened it reads 'Northem'. Each bar keeps the reading
    # made of known words, else the surer one.
    drawn = draw_chart(_COUNTRIES, [[3.0, 5.0, 4.0, 6.0, 2.0, 7.0]], labelsize=10)
    image = drawn.image.convert("RGB").filter(ImageFilter.GaussianBlur(radius))
    chart = detect_chart(image, ocr).chart
    assert chart is not None
    assert [c.label for c in chart.categories] == _COUNTRIES
