"""Table layouts from pixels: columns, rows, header rows, headers, row labels.

In stages, each its own module (as img2table splits its table extraction):
:mod:`.perspective` rectifies a ruled table photographed at an angle by its outer rules;
:mod:`.structure` finds rules, shaded bands and ink with numpy (:mod:`.column_rules` a
ruled grid's column rules, :mod:`.short_rules` the short rules under a two-level header's
groups);
:mod:`.rows` the text lines and the rows they form; :mod:`.columns` the column
boundaries on vertical rules or in white space through every body row;
:mod:`.text` reads the header cells and the first column with one stacked OCR
call; :mod:`.build` makes the grid and the :class:`~refocus_dsl.layout.Layout`.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import numpy.typing as npt
from PIL import Image

from refocus_dsl.detect._grid import gaps
from refocus_dsl.detect._raster import even_light, grey_of
from refocus_dsl.detect._scale import ScaledOcr
from refocus_dsl.detect.table.build import build_layout, empty_layout
from refocus_dsl.detect.table.columns import column_bounds, merge_sparse_columns, occupancy
from refocus_dsl.detect.table.perspective import rectify, unwarp_layout
from refocus_dsl.detect.table.rows import Rows, find_rows
from refocus_dsl.detect.table.skew import skew_angle, straighten, turn_layout
from refocus_dsl.detect.table.structure import Levels, Structure, find_structure, page_marks
from refocus_dsl.layout import Box, Layout
from refocus_dsl.ocr import OcrEngine

VERSION = "10"

__all__ = ["VERSION", "detect_table"]


def _table_box(st: Structure, rows: Rows, ix1: int, ix2: int, body_gaps: list[int]) -> Box:
    """The table's box: outer rules or shading, else the text plus half a gap."""
    h, w = st.grey.shape
    spans, line_h, sbounds = rows.spans, rows.line_h, rows.sbounds
    gap_sizes = [spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)]
    pad_v = int(round(min(line_h, max(1.0, float(np.median(gap_sizes)) / 2)))) if gap_sizes else 2
    wide_gaps = [g for g in body_gaps if g >= rows.min_gap]
    pad_h = int(round(min(2 * line_h, max(2.0, min(wide_gaps, default=line_h) / 2))))
    left_rules = [r for r in st.v_rules if r.pos <= ix1]
    right_rules = [r for r in st.v_rules if r.pos >= ix2 - 1]
    extent = st.extent
    if left_rules:
        tx1 = min(r.pos for r in left_rules)
    elif extent is not None and extent[0] <= ix1:
        tx1 = extent[0]
    else:
        tx1 = max(0, ix1 - pad_h)
    if right_rules:
        tx2 = max(r.end for r in right_rules)
    elif extent is not None and extent[1] >= ix2:
        tx2 = extent[1]
    else:
        tx2 = min(w, ix2 + pad_h)
    reach = 3 * line_h + 4
    above = [y for y in sbounds if spans[0][0] - reach <= y <= spans[0][0]]
    above += [r.pos for r in st.h_rules if spans[0][0] - reach <= r.pos <= spans[0][0]]
    ty1 = min(above, default=max(0, spans[0][0] - pad_v))
    below = [y for y in sbounds if spans[-1][1] <= y <= spans[-1][1] + reach]
    below += [r.end for r in st.h_rules if spans[-1][1] - 1 <= r.pos <= spans[-1][1] + reach]
    ty2 = max(below, default=min(h, spans[-1][1] + pad_v))
    return tx1, ty1, tx2, ty2


def detect_table(image: Image.Image, ocr: OcrEngine) -> Layout:
    """Find a table's grid, header rows, header texts and row labels in ``image``."""
    t0 = time.perf_counter()
    grey = even_light(grey_of(image))
    notes: list[str] = []
    marks = page_marks(grey)
    rect = rectify(grey, marks[0])
    if rect is not None:  # photographed at an angle: read on the rectified copy
        notes.append(
            f"photographed in perspective (outer rules {rect.departure:.1f} px off square): "
            "rectified before reading its lines"
        )
        if isinstance(ocr, ScaledOcr):  # the text stage reads the rectified copy only
            ocr = ocr.engine
        layout = _detect_straight(rect.grey, ocr, notes, t0, None)
        detector = dict(layout.detector or {})
        detector["perspective_px"] = round(rect.departure, 1)
        return dataclasses.replace(unwarp_layout(layout, rect.back), detector=detector)
    angle = skew_angle(marks[2])
    if angle:
        grey = straighten(grey, angle, marks[0])
        notes.append(f"turned {angle:+.2f} degrees: straightened before reading its lines")
        if isinstance(ocr, ScaledOcr):  # the text stage reads the straightened copy only
            ocr = ocr.engine
    # the page's marks are the straight image's only when nothing was turned
    layout = _detect_straight(grey, ocr, notes, t0, None if angle else marks)
    if not angle:
        return layout
    detector = dict(layout.detector or {})
    detector["skew_degrees"] = angle
    return dataclasses.replace(turn_layout(layout, angle), detector=detector)


def _detect_straight(
    grey: npt.NDArray[np.uint8],
    ocr: OcrEngine,
    notes: list[str],
    t0: float,
    marks: tuple[int, Levels, npt.NDArray[np.bool_]] | None,
) -> Layout:
    h, w = grey.shape
    st = find_structure(grey, marks)
    if isinstance(st, str):
        return empty_layout(w, h, st)
    rows = find_rows(st, notes)
    if isinstance(rows, str):
        return empty_layout(w, h, rows)

    # columns again, from the body rows only (header rows only move a boundary)
    spans, n_header = list(rows.spans), rows.n_header
    body = spans[n_header:] if len(spans) - n_header >= 2 else spans
    head = spans[:n_header] if len(spans) - n_header >= 2 else []
    ink, v_rules, min_gap = st.ink, st.v_rules, rows.min_gap
    col_bounds, col_mode, ix1, ix2 = column_bounds(
        ink, body, v_rules, st.ex1, st.ex2, min_gap, head
    )
    if col_mode != "rules":
        col_bounds = merge_sparse_columns(ink, spans, col_bounds, ix1, ix2, len(head))
    all_cols = column_bounds(ink, spans, v_rules, st.ex1, st.ex2, min_gap)
    ix1, ix2 = min(ix1, all_cols[2]), max(ix2, all_cols[3])
    body_gaps = [b - a for a, b in gaps(occupancy(ink, body, ix1, ix2) > 0, 0, ix2 - ix1)]
    table = _table_box(st, rows, ix1, ix2, body_gaps)
    return build_layout(ocr, st, rows, col_bounds, table, notes, col_mode, t0)
