"""Table-layout metrics (DESIGN.md "Metrics"): counts, boxes, header and label text.

Boxes are matched one-to-one by IoU (Hungarian). Text metrics compare the
header (or row label) of each gold column (row) with that of the detected
column it was matched to; an unmatched gold column counts as wrong. Gold
without column/row boxes (PubTabNet tables with spans) still gives counts,
from the cells' grid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from refocus_dsl.layout import Layout, Table
from refocus_dsl.scoring.common import (
    ImageScores,
    MetricSpec,
    anls,
    box_scores,
    match_boxes,
    text_exact,
)

METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("col_count_exact", "column count exact"),
    MetricSpec("row_count_exact", "row count exact"),
    MetricSpec("both_count_exact", "both counts exact"),
    MetricSpec("col_iou", "column box mean IoU", "mean"),
    MetricSpec("col_iou50", "column boxes IoU>=0.5"),
    MetricSpec("row_iou", "row box mean IoU", "mean"),
    MetricSpec("row_iou50", "row boxes IoU>=0.5"),
    MetricSpec("header_exact", "header text exact"),
    MetricSpec("header_anls", "header text ANLS", "mean"),
    MetricSpec("label_exact", "row label exact"),
    MetricSpec("label_anls", "row label ANLS", "mean"),
    MetricSpec("header_rows_exact", "header row count exact"),
    MetricSpec("complete", "complete usable layout"),
)


def _grid_size(table: Table) -> tuple[int, int]:
    """(n_rows, n_cols): from the column/row lists, else from the cells' grid."""
    n_cols = len(table.columns)
    n_rows = len(table.rows)
    if table.cells:
        if not n_cols:
            n_cols = max(c.col + c.col_span for c in table.cells)
        if not n_rows:
            n_rows = max(c.row + c.row_span for c in table.cells)
    return n_rows, n_cols


def _text_scores(
    pred_boxes: Sequence[Any],
    gold_boxes: Sequence[Any],
    pred_text: Sequence[str],
    gold_text: Sequence[str],
) -> tuple[float | None, float | None]:
    if not gold_boxes:
        return None, None
    pairs, _, n_gold = match_boxes(pred_boxes, gold_boxes)
    by_gold = {j: i for i, j, _ in pairs}
    exact = 0.0
    sim = 0.0
    for j in range(n_gold):
        i = by_gold.get(j)
        if i is None:
            continue
        exact += text_exact(pred_text[i], gold_text[j])
        sim += anls(pred_text[i], gold_text[j])
    return exact / n_gold, sim / n_gold


def score_table(detected: Layout, gold: Layout, row: Mapping[str, Any]) -> ImageScores:
    """One image's table metrics; None where the gold does not say."""
    del row
    g = gold.table
    d = detected.table
    if g is None:
        return {s.key: None for s in METRICS}
    g_rows, g_cols = _grid_size(g)
    if d is None:
        d_rows, d_cols = 0, 0
        d_table = Table(bbox=(0, 0, 0, 0))
    else:
        d_rows, d_cols = len(d.rows), len(d.columns)
        d_table = d
    out: ImageScores = {
        "col_count_exact": float(d_cols == g_cols) if g_cols else None,
        "row_count_exact": float(d_rows == g_rows) if g_rows else None,
        "both_count_exact": float(d_cols == g_cols and d_rows == g_rows)
        if g_cols and g_rows
        else None,
    }
    col_boxes = [c.bbox for c in g.columns]
    row_boxes = [r.bbox for r in g.rows]
    out.update(box_scores([c.bbox for c in d_table.columns], col_boxes, "col"))
    out.update(box_scores([r.bbox for r in d_table.rows], row_boxes, "row"))
    out["header_exact"], out["header_anls"] = _text_scores(
        [c.bbox for c in d_table.columns],
        col_boxes,
        [c.header for c in d_table.columns],
        [c.header for c in g.columns],
    )
    out["label_exact"], out["label_anls"] = _text_scores(
        [r.bbox for r in d_table.rows],
        row_boxes,
        [r.label for r in d_table.rows],
        [r.label for r in g.rows],
    )
    g_hdr = len(g.header_rows) if g.rows else None
    out["header_rows_exact"] = (
        float(len(d_table.header_rows) == g_hdr) if g_hdr is not None else None
    )
    complete = d_cols == g_cols and d_rows == g_rows and d_cols > 0
    if col_boxes and complete:
        complete = out.get("col_iou50") == 1.0 and out.get("row_iou50") == 1.0
    out["complete"] = float(complete)
    return out
