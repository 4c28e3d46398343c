"""The unseen-style generators' gold boxes hold what is drawn for them (benchmarks/bench_unseen.py
scores the detector against these boxes, so a box off its ink would be a wrong measure)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _styles() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("_unseen_styles", BENCH / "_unseen_styles.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["_unseen_styles"] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


U = _styles()
CTX = U.Context(BENCH / "no-data")


@pytest.mark.parametrize(
    ("style", "seed"),
    [(st, k) for st in ("figure_mosaic", "figure_ggplot") for k in (0, 1, 2)]
    + [("figure_boxed", 1)],
)
def test_figure_panels_cover_all_ink_but_the_title_and_leave_gaps(style: str, seed: int) -> None:
    s = U.STYLES[style].make(seed, CTX)
    ink = U.ink_mask(s.image)
    boxes = [p.bbox for p in s.gold.subplots]
    assert len(boxes) >= 2
    covered = np.zeros_like(ink)
    for x1, y1, x2, y2 in boxes:
        covered[y1:y2, x1:x2] = True
        assert ink[y1:y2, x1:x2].any()
    top = min(b[1] for b in boxes)
    stray = ink & ~covered
    stray[:top] = False  # the figure's title sits above the panels
    assert stray.sum() == 0
    assert U._min_gap(boxes) >= 3


def _assert_no_ink_outside(ink: np.ndarray, box: tuple[int, int, int, int]) -> None:
    x1, y1, x2, y2 = box
    outside = ink.copy()
    outside[max(0, y1 - 2) : y2 + 2, max(0, x1 - 2) : x2 + 2] = False
    assert outside.sum() == 0


@pytest.mark.parametrize(
    ("style", "seed"), [("table_scan", k) for k in range(4)] + [("table_scan_soft", 1)]
)
def test_scan_table_rows_hold_their_label_and_the_table_holds_the_ink(
    style: str, seed: int
) -> None:
    s = U.STYLES[style].make(seed, CTX)
    t = s.gold.table
    ink = U.ink_mask(s.image, 90 if style == "table_scan" else 45)  # soft: grey, blurred ink
    _assert_no_ink_outside(ink, t.bbox)
    first = t.columns[0].bbox
    for row in t.rows:
        ry1, ry2 = row.bbox[1] + 3, row.bbox[3] - 3  # inside the rules
        assert ink[ry1:ry2, first[0] + 3 : first[2] - 3].sum() > 10, row.label
    for a, b in zip(t.columns, t.columns[1:], strict=False):
        if s.extra["angle"] == 0:
            assert a.bbox[2] == b.bbox[0]
        else:  # a skewed box is the bounding box of the turned one: neighbours overlap a little
            assert 0 <= a.bbox[2] - b.bbox[0] <= 4
    assert s.image.width < 480


@pytest.mark.parametrize(
    "style",
    [
        "chart_vertical",
        "chart_horizontal",
        "chart_rot45",
        "chart_grouped",
        "chart_grouped_rot45",
        "chart_owid",
    ],
)
def test_chart_bar_boxes_are_filled_with_the_bar_and_labels_have_ink(style: str) -> None:
    s = U.STYLES[style].make(1, CTX)
    ink = U.ink_mask(s.image, 40)
    for cat in s.gold.chart.categories:
        for x1, y1, x2, y2 in (b for b in cat.bars if b is not None):
            inner = ink[y1 + 1 : y2 - 1, x1 + 1 : x2 - 1]
            if inner.size:
                assert inner.mean() > 0.9, cat.label
        lx1, ly1, lx2, ly2 = cat.label_bbox
        assert ink[ly1:ly2, lx1:lx2].any(), cat.label
    assert list(s.extra["answer_bar_bbox"]) in [
        list(b) for c in s.gold.chart.categories for b in c.bars
    ]


@pytest.mark.parametrize("seed", [0, 1])
def test_photographed_scan_table_boxes_follow_the_warp(seed: int) -> None:
    """Under perspective each gold box is the bounding box of the warped cell: every row's
    first-column box holds its label's ink, the table box holds all ink, neighbours overlap
    a little at most."""
    from PIL import Image, ImageFilter

    s = U.STYLES["table_scan_photo"].make(seed, CTX)
    t = s.gold.table
    gray = s.image.convert("L")
    page = np.asarray(gray.filter(ImageFilter.MedianFilter(15)), dtype=np.int16)
    ink = np.asarray(gray, dtype=np.int16) < page - 60  # dark against the light falling off
    _assert_no_ink_outside(ink, t.bbox)
    first = t.columns[0].bbox
    for row in t.rows:
        assert ink[row.bbox[1] : row.bbox[3], first[0] : first[2]].sum() > 10, row.label
    for a, b in zip(t.columns, t.columns[1:], strict=False):
        assert 0 <= a.bbox[2] - b.bbox[0] <= 0.05 * s.image.width
    assert s.extra["perspective"] > 0
    assert isinstance(s.image, Image.Image) and s.image.width < 700


def test_same_seed_same_image_and_gold() -> None:
    a = U.STYLES["table_scan"].make(5, CTX)
    b = U.STYLES["table_scan"].make(5, CTX)
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
    assert a.gold == b.gold
    c = U.STYLES["table_scan"].make(6, CTX)
    assert a.gold != c.gold
