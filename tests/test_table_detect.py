"""Table detection on tables we draw ourselves, checked against the drawing's geometry."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFilter
from table_helpers import STYLES, DrawnTable, draw_table, make_cells, structure_and_rows

from refocus_dsl.detect import DETECTOR_VERSION, detect_layout
from refocus_dsl.lang.labels import normalize_label as normalize_text
from refocus_dsl.layout import Layout, Table
from refocus_dsl.ocr import get_ocr

OCR = get_ocr("tesserocr")


def detect(image: Image.Image) -> Table:
    layout = detect_layout(image, "table", ocr=OCR, cache=False)
    assert layout.kind == "table"
    assert layout.table is not None, layout.notes
    return layout.table


def check_grid(t: Table, drawn: DrawnTable, tol: int) -> None:
    n_cols = len(drawn.col_bounds) - 1
    n_rows = len(drawn.row_bounds) - 1
    assert len(t.columns) == n_cols, [c.bbox for c in t.columns]
    assert len(t.rows) == n_rows, [r.bbox for r in t.rows]
    for c, want in zip(t.columns[1:], drawn.col_bounds[1:-1], strict=True):
        assert abs(c.bbox[0] - want) <= tol, (c.bbox, want)
    for r, want in zip(t.rows[1:], drawn.row_bounds[1:-1], strict=True):
        assert abs(r.bbox[1] - want) <= tol, (r.bbox, want)
    # neighbours touch: boxes share their boundaries, columns span the table height
    for a, b in zip(t.columns, t.columns[1:], strict=False):
        assert a.bbox[2] == b.bbox[0]
    for a, b in zip(t.rows, t.rows[1:], strict=False):
        assert a.bbox[3] == b.bbox[1]
    assert all(c.bbox[1] == t.bbox[1] and c.bbox[3] == t.bbox[3] for c in t.columns)
    assert all(r.bbox[0] == t.bbox[0] and r.bbox[2] == t.bbox[2] for r in t.rows)


def check_text(t: Table, drawn: DrawnTable) -> None:
    assert [normalize_text(c.header) for c in t.columns] == [
        normalize_text(h) for h in drawn.headers
    ]
    assert [normalize_text(r.label) for r in t.rows] == [normalize_text(x) for x in drawn.labels]
    assert [r.is_header for r in t.rows] == [True] + [False] * (len(t.rows) - 1)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(
    n_rows=st.integers(3, 7),
    n_cols=st.integers(2, 5),
    style=st.sampled_from(STYLES),
    size=st.integers(13, 20),
    pad=st.integers(5, 12),
    caption=st.booleans(),
    seed=st.integers(0, 60),
)
def test_drawn_tables_grid_headers_labels(
    n_rows: int, n_cols: int, style: str, size: int, pad: int, caption: bool, seed: int
) -> None:
    drawn = draw_table(
        make_cells(n_rows, n_cols, seed),
        style=style,
        size=size,
        pad=pad,
        caption="Table 2: results by season" if caption else None,
    )
    t = detect(drawn.image)
    check_grid(t, drawn, tol=pad // 2 + 2)
    check_text(t, drawn)
    if drawn.caption_box is not None:  # the caption is not part of the table
        assert t.bbox[1] >= drawn.caption_box[3]


@pytest.mark.parametrize("style", ["none", "booktabs", "grid"])
def test_wrapped_cells_stay_one_row_and_multiline_header_is_joined(style: str) -> None:
    cells = make_cells(5, 3, 4)
    wrap = {(0, 1): ["Points", "scored"], (2, 2): ["North", "Station"], (3, 0): ["New", "Boston"]}
    drawn = draw_table(cells, style=style, size=16, pad=8, wrap=wrap)
    t = detect(drawn.image)
    check_grid(t, drawn, tol=6)
    assert normalize_text(t.columns[1].header) == "points scored"
    assert normalize_text(t.rows[3].label) == "new boston"


def test_dark_header_with_light_text_is_read() -> None:
    drawn = draw_table(make_cells(5, 4, 11), style="darkheader", size=15, pad=7)
    t = detect(drawn.image)
    check_grid(t, drawn, tol=5)
    check_text(t, drawn)


def test_small_blurred_jpeg_table() -> None:
    drawn = draw_table(make_cells(6, 4, 21), style="hrules", size=13, pad=6)
    blurred = drawn.image.filter(ImageFilter.GaussianBlur(0.6))
    buf = io.BytesIO()
    blurred.save(buf, "JPEG", quality=70)
    buf.seek(0)
    t = detect(Image.open(buf))
    check_grid(t, drawn, tol=5)


def test_right_aligned_numbers_keep_their_column() -> None:
    cells = make_cells(6, 3, 9)
    for r in range(1, 6):  # numbers of very different widths, right-aligned
        cells[r][2] = ["7", "12345", "89", "1000000", "4"][r - 1]
    drawn = draw_table(cells, style="none", size=16, pad=9)
    t = detect(drawn.image)
    check_grid(t, drawn, tol=6)


def test_blank_image_says_so_instead_of_inventing_boxes() -> None:
    layout = detect_layout(Image.new("RGB", (200, 120), "white"), "table", ocr=OCR, cache=False)
    assert isinstance(layout, Layout)
    assert layout.table is None
    assert layout.notes and "blank" in " ".join(layout.notes)
    assert layout.confidence == 0.0


def test_layout_records_detector_timing_and_ocr_calls() -> None:
    drawn = draw_table(make_cells(4, 3, 2), style="grid")
    layout = detect_layout(drawn.image, "table", ocr=OCR, cache=False)
    det = layout.detector or {}
    assert det["ocr"]["backend"] == "tesserocr"
    assert det["ocr_calls"] >= 1
    assert det["seconds"]["total"] > 0
    assert det["version"].startswith(f"{DETECTOR_VERSION}/table-")


def test_spanning_header_over_a_short_rule_gives_two_header_rows() -> None:
    from PIL import ImageDraw
    from table_helpers import font

    f = font(16)
    cols = [24, 124, 224, 324, 424]  # four columns, 100 px each
    rows = [30, 60, 90, 120, 150, 180]  # two header rows, three body rows
    img = Image.new("RGB", (450, 205), "white")
    d = ImageDraw.Draw(img)
    for y in (rows[0], rows[2], rows[-1]):
        d.line((cols[0], y, cols[-1] - 1, y), fill=(90, 90, 90))
    d.line((cols[2], rows[1], cols[4] - 1, rows[1]), fill=(90, 90, 90))  # under "Results"
    d.text((cols[0] + 8, 52), "Team", font=f, fill="black")  # spans both header rows
    d.text((cols[1] + 8, 52), "City", font=f, fill="black")
    d.text((cols[2] + 60, 36), "Results", font=f, fill="black")  # spans columns 2 and 3
    d.text((cols[2] + 8, 66), "Score", font=f, fill="black")
    d.text((cols[3] + 8, 66), "Record", font=f, fill="black")
    for r, (label, city) in enumerate([("Alpha", "Oslo"), ("Boston", "Rome"), ("Denver", "Paris")]):
        y = rows[2 + r] + 7
        d.text((cols[0] + 8, y), label, font=f, fill="black")
        d.text((cols[1] + 8, y), city, font=f, fill="black")
        d.text((cols[2] + 8, y), str(3 + r), font=f, fill="black")
        d.text((cols[3] + 8, y), f"{r + 1}-0", font=f, fill="black")
    t = detect(img)
    assert len(t.columns) == 4 and len(t.rows) == 5
    assert [r.is_header for r in t.rows] == [True, True, False, False, False]
    headers = [normalize_text(c.header) for c in t.columns]
    assert headers == ["team", "city", "results score", "results record"]
    assert [normalize_text(r.label) for r in t.rows][:3] == ["team", "team", "alpha"]
    assert abs(t.rows[1].bbox[1] - rows[1]) <= 3 and abs(t.rows[2].bbox[1] - rows[2]) <= 3


@pytest.mark.parametrize("style", ["grid", "booktabs", "zebra"])
def test_note_below_a_ruled_table_is_not_a_row(style: str) -> None:
    from PIL import ImageDraw
    from table_helpers import font

    drawn = draw_table(make_cells(5, 3, 3), style=style, margin=40)
    img = drawn.image.copy()
    ImageDraw.Draw(img).text(
        (drawn.col_bounds[0], drawn.row_bounds[-1] + 8),
        "Source: statistics office",
        font=font(13),
        fill="black",
    )
    t = detect(img)
    assert len(t.rows) == 5
    assert t.bbox[3] <= drawn.row_bounds[-1] + 3


def test_table_on_a_shaded_panel_is_not_all_header() -> None:
    import numpy as np

    drawn = draw_table(make_cells(6, 3, 8), style="none", size=16, pad=8, margin=30)
    arr = np.asarray(drawn.image).copy()
    x1, x2 = drawn.col_bounds[0], drawn.col_bounds[-1]
    y1, y2 = drawn.row_bounds[0], drawn.row_bounds[-1]
    panel = arr[y1:y2, x1:x2]
    panel[(panel == 255).all(axis=2)] = (232, 236, 242)  # light panel behind the whole table
    t = detect(Image.fromarray(arr))
    check_grid(t, drawn, tol=6)
    assert [r.is_header for r in t.rows].count(True) == 1


@pytest.mark.parametrize("seed", [3, 11])
def test_soft_ruled_grid_with_section_rows(seed: int) -> None:
    """A scan-like grid: small, blurred, inner rules absent across bold section rows.

    A section row is a row whose one cell spans the table (its text is the label),
    not a break in the column rules.
    """
    cells = make_cells(9, 4, seed)
    drawn = draw_table(cells, style="grid", size=22, pad=10, sections={2: "Group A", 6: "Group B"})
    k = 0.5
    small = drawn.image.resize(
        (round(drawn.image.width * k), round(drawn.image.height * k)), Image.Resampling.BOX
    ).filter(ImageFilter.GaussianBlur(0.8))
    t = detect(small)
    scaled = DrawnTable(
        small,
        [round(x * k) for x in drawn.col_bounds],
        [round(y * k) for y in drawn.row_bounds],
        drawn.headers,
        drawn.labels,
    )
    check_grid(t, scaled, tol=3)
    labels = [normalize_text(r.label) for r in t.rows]
    assert labels[2] == "group a" and labels[6] == "group b", labels
    section = [c for c in t.cells if c.row == 2]
    assert section and section[0].col_span == 4


def test_confidence_drops_when_a_column_holds_two_columns_of_text() -> None:
    """Evidence for calibration: a grid that missed a column boundary keeps less confidence."""
    from refocus_dsl.detect.table.build import column_alignment, label_spans, make_grid

    drawn = draw_table(make_cells(7, 4, 5), style="hrules", size=16, pad=10)
    st, rows, table = structure_and_rows(drawn)

    def score(bounds: list[int]) -> float:
        grid = make_grid(st, rows, bounds, table, [])
        return column_alignment(grid, 1, label_spans(st, grid, rows.min_gap), rows.line_h)

    right = score(drawn.col_bounds[1:-1])
    merged = score([drawn.col_bounds[1], drawn.col_bounds[3]])
    assert right >= 0.9
    assert merged <= right - 0.2
