"""Columns on degraded tables: a blurred dark header band's ends (a class found on
blurred wtq tables)."""

from __future__ import annotations

from PIL import Image, ImageFilter
from table_helpers import draw_table

from refocus_dsl.detect import detect_layout
from refocus_dsl.ocr import get_ocr

OCR = get_ocr()


def _columns(image: Image.Image) -> int:
    layout = detect_layout(image, "table", ocr=OCR, cache=False)
    assert layout.table is not None
    return len(layout.table.columns)


def test_a_blurred_dark_header_band_does_not_make_a_column_at_its_ends() -> None:
    """Blur ramps a dark header band's ends into the paper: that ramp, the same all down
    the band, is no header text standing beyond the body (no extra column at an edge)."""
    cells = [["Name", "Team", "Score", "Goals"]]
    cells += [
        [n, t, str(10 + k), str(k)]
        for k, (n, t) in enumerate(
            [
                ("Alpha", "Oslo"),
                ("Boston", "Rome"),
                ("Denver", "Paris"),
                ("Geneva", "Leeds"),
                ("Madrid", "Quebec"),
                ("Sydney", "Vienna"),
            ]
        )
    ]
    drawn = draw_table(cells, style="darkheader", size=14, pad=16, margin=16)
    image = drawn.image.filter(ImageFilter.GaussianBlur(1.0))
    assert _columns(image) == 4
