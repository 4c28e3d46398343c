"""kind="auto": when the chart reading names no category, a sure table reading wins."""

from __future__ import annotations

from typing import cast

import pytest
from PIL import Image

from refocus_dsl.detect import _table_wins
from refocus_dsl.layout import Category, Chart, Column, Layout, Row, Table


def _chart(*labels: str) -> Layout:
    cats = tuple(Category(index=i, label=t) for i, t in enumerate(labels))
    return Layout(width=100, height=100, kind="chart", chart=Chart(categories=cats), confidence=0.1)


def _table(confidence: float, n_columns: int = 3, n_rows: int = 0) -> Layout:
    cols = tuple(Column(i, f"c{i}", (i * 10, 0, i * 10 + 10, 50)) for i in range(n_columns))
    rows = tuple(
        Row(i, f"r{i}", i == 0, (0, i * 10, 10 * n_columns, i * 10 + 10)) for i in range(n_rows)
    )
    table = Table(bbox=(0, 0, 10 * n_columns, 50), columns=cols, rows=rows)
    return Layout(width=100, height=100, kind="table", table=table, confidence=confidence)


def test_sure_table_beats_a_chart_without_labels() -> None:
    assert _table_wins(_table(0.93), _chart("", ""))
    assert _table_wins(_table(0.93), Layout(width=100, height=100, kind="chart"))


def test_labelled_chart_is_kept_however_sure_the_table_is() -> None:
    assert not _table_wins(_table(0.99), _chart("", "China"))


def test_unsure_or_degenerate_table_does_not_win() -> None:
    assert not _table_wins(_table(0.80), _chart("", ""))
    assert not _table_wins(_table(0.99, n_columns=1), _chart(""))


def test_any_grid_beats_a_chart_reading_with_no_bar() -> None:
    """A soft scanned table whose shaded rows looked like bars to the classifier: the
    chart detector found no bar, so the table reading wins however unsure. Unlabelled
    bars it gives no confidence are kept: a shrunk chart whose tick labels are too small
    to read is still a chart (degraded ChartLens charts were lost to tables)."""
    grid = _table(0.3, n_rows=5)
    assert _table_wins(grid, Layout(width=100, height=100, kind="chart", chart=Chart()))
    assert _table_wins(grid, Layout(width=100, height=100, kind="chart", confidence=0.0))
    unsure_bars = Layout(
        width=100, height=100, kind="chart", chart=_chart("", "").chart, confidence=0.0
    )
    assert not _table_wins(grid, unsure_bars)
    assert not _table_wins(_table(0.3, n_rows=1), Layout(width=100, height=100, kind="chart"))
    assert not _table_wins(grid, _chart("China", "India"))


def test_a_figure_reading_of_one_unlabelled_chart_also_tries_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The classifier says figure, the figure detector finds one panel and reads it as
    # a chart without labels: a sure table reading wins, as for a chart reading.
    import refocus_dsl.detect as detect
    from refocus_dsl.ocr import OcrEngine

    detectors = {"figure": lambda img, ocr: _chart("", ""), "table": lambda img, ocr: _table(0.95)}
    monkeypatch.setattr(detect, "_classified", lambda img: ("figure", "test", None))
    monkeypatch.setattr(detect, "_detector", lambda kind: (detectors[kind], "1"))
    img = Image.new("RGB", (100, 100), "white")
    no_ocr = cast(OcrEngine, None)
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "table"
    detectors["table"] = lambda img, ocr: _table(0.5)  # an unsure table does not win
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "chart"
