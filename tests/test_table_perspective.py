"""Photographed ruled tables: the perspective is read from the four outer rules and undone."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter
from table_helpers import DrawnTable, draw_table, make_cells, one_column_layout

from refocus_dsl.detect import detect_layout
from refocus_dsl.detect._raster import border_grey, even_light, grey_of
from refocus_dsl.detect.table.perspective import _homography, outer_rules, rectify, unwarp_layout
from refocus_dsl.ocr import get_ocr

OCR = get_ocr()
Point = tuple[float, float]

# each corner pulled inwards by these shares of the width and height (a phone held at
# a slight angle: the near side looks wider)
PULLS = [
    ((0.03, 0.02), (-0.01, 0.035), (-0.035, -0.01), (0.015, -0.02)),
    ((0.0, 0.03), (0.0, 0.0), (-0.03, 0.0), (0.03, -0.03)),
]


def _photographed(drawn: DrawnTable, pulls: tuple[Point, ...]) -> tuple[Image.Image, list[Point]]:
    """The drawing seen in perspective, and where the table's four corners went."""
    w, h = drawn.image.size
    src = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    dst = [(x + dx * w, y + dy * h) for (x, y), (dx, dy) in zip(src, pulls, strict=True)]
    back = _homography(dst, src)
    coeffs = tuple(float(c) for c in (back / back[2, 2]).flatten()[:8])
    image = drawn.image.transform(
        (w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor="white"
    ).filter(ImageFilter.GaussianBlur(0.6))
    fwd = _homography(src, dst)
    x1, x2, y1, y2 = (
        drawn.col_bounds[0],
        drawn.col_bounds[-1],
        drawn.row_bounds[0],
        drawn.row_bounds[-1],
    )
    corners = [_apply(fwd, p) for p in ((x1, y1), (x2, y1), (x2, y2), (x1, y2))]
    return image, corners


def _apply(m: np.ndarray, p: tuple[float, float]) -> Point:
    v = m @ np.array([p[0], p[1], 1.0])
    return float(v[0] / v[2]), float(v[1] / v[2])


def test_the_homography_takes_each_point_where_it_is_asked() -> None:
    src = [(0.0, 0.0), (300.0, 0.0), (300.0, 200.0), (0.0, 200.0)]
    dst = [(9.0, 4.0), (290.0, 11.0), (296.0, 190.0), (3.0, 197.0)]
    m = _homography(src, dst)
    for p, q in zip(src, dst, strict=True):
        assert _apply(m, p) == pytest.approx(q, abs=1e-6)


@pytest.mark.parametrize("pulls", PULLS)
def test_the_outer_rules_meet_at_the_tables_corners(pulls: tuple[Point, ...]) -> None:
    drawn = draw_table(make_cells(10, 5, 3), style="grid", size=18)
    image, corners = _photographed(drawn, pulls)
    quad = outer_rules(even_light(grey_of(image)))
    assert quad is not None
    for got, want in zip(quad.corners(), corners, strict=True):
        assert got == pytest.approx(want, abs=2.0)


@pytest.mark.parametrize("pulls", PULLS)
def test_a_photographed_grid_reads_like_a_straight_one(pulls: tuple[Point, ...]) -> None:
    """Columns and rows of a grid seen at an angle are no straight projections; on the
    copy rectified by its outer rules they are, and the boxes come back on the photo."""
    drawn = draw_table(make_cells(12, 6, 5), style="grid", size=18)
    image, _ = _photographed(drawn, pulls)
    layout = detect_layout(image, "table", ocr=OCR, cache=False)
    t = layout.table
    assert t is not None
    assert len(t.columns) == len(drawn.col_bounds) - 1
    assert len(t.rows) == len(drawn.row_bounds) - 1
    assert any("perspective" in n for n in layout.notes)
    assert [r.label for r in t.rows] == drawn.labels
    # each column's box is its cell's quadrilateral's bounding box on the photo
    w, h = drawn.image.size
    src = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    dst = [(x + dx * w, y + dy * h) for (x, y), (dx, dy) in zip(src, pulls, strict=True)]
    fwd = _homography(src, dst)
    y1, y2 = drawn.row_bounds[0], drawn.row_bounds[-1]
    for j, col in enumerate(t.columns):
        a, b = drawn.col_bounds[j], drawn.col_bounds[j + 1]
        xs = [_apply(fwd, p)[0] for p in ((a, y1), (b, y1), (b, y2), (a, y2))]
        assert col.bbox[0] == pytest.approx(min(xs), abs=4)
        assert col.bbox[2] == pytest.approx(max(xs), abs=4)


@pytest.mark.parametrize("angle", [0.0, 0.8])
def test_a_straight_or_turned_table_takes_the_usual_path(angle: float) -> None:
    """Outer rules that make a rectangle, straight or turned (the skew step's), are no
    perspective: nothing is rectified."""
    drawn = draw_table(make_cells(10, 5, 2), style="grid", size=18)
    image = drawn.image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor="white")
    grey = even_light(grey_of(image))
    quad = outer_rules(grey)
    assert quad is not None and quad.departure() < 1.5
    assert rectify(grey, border_grey(grey)) is None
    layout = detect_layout(image, "table", ocr=OCR, cache=False)
    assert not any("perspective" in n for n in layout.notes)


def test_boxes_map_back_as_the_bounding_box_of_their_corners() -> None:
    layout = one_column_layout(200, 100)
    assert unwarp_layout(layout, np.eye(3)) == layout
    shear = np.array([[1.0, 0.1, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])  # x += y / 10
    moved = unwarp_layout(layout, shear).table
    assert moved is not None
    assert moved.columns[0].bbox == (11, 10, 55, 50)
