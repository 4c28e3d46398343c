"""kind="auto": when the chosen reading is poor and another kind was close, the runner-up
is read too and the better supported reading kept (a sure table over a chart that names
no category; a surer figure of named charts over an unsure table)."""

from __future__ import annotations

from typing import cast

import pytest
from PIL import Image

from refocus_dsl.detect import _figure_wins, _table_wins
from refocus_dsl.layout import Category, Chart, Column, Layout, Row, Subplot, Table


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
    monkeypatch.setattr(detect, "_classified", lambda img: detect._Classified("figure", "test"))
    monkeypatch.setattr(detect, "_detector", lambda kind: (detectors[kind], "1"))
    img = Image.new("RGB", (100, 100), "white")
    no_ocr = cast(OcrEngine, None)
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "table"
    detectors["table"] = lambda img, ocr: _table(0.5)  # an unsure table does not win
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "chart"


def _figure(confidence: float, *panels: Layout | None) -> Layout:
    subplots = tuple(
        Subplot(i, (i * 30, 0, i * 30 + 25, 50), None, p) for i, p in enumerate(panels)
    )
    return Layout(width=100, height=100, kind="figure", subplots=subplots, confidence=confidence)


def test_a_surer_figure_of_charts_beats_an_unsure_table() -> None:
    """Charts pasted side by side share their tick labels' heights and look like one table
    cut at its column gaps: the figure reading of named charts wins when it is surer."""
    charts = (_chart("a", "b"), _chart("", "c"), _chart("d"))
    assert _figure_wins(_figure(0.82, *charts), _table(0.43))
    assert _figure_wins(_figure(0.9, charts[0], charts[1], None), _table(0.6))


def test_a_figure_wins_only_with_named_charts_in_most_panels_and_when_surer() -> None:
    charts = (_chart("a", "b"), _chart("c"), _chart("d"))
    assert _figure_wins(_figure(0.3, *charts), Layout(width=100, height=100, kind="chart"))
    assert not _figure_wins(_figure(0.4, *charts), _table(0.5))  # the figure is less sure
    assert not _figure_wins(_figure(1.0, charts[0], None, None), _table(0.5))  # pieces of text
    assert not _figure_wins(_figure(1.0, charts[0]), _table(0.5))  # one panel is no figure
    assert not _figure_wins(_chart("a", "b"), _table(0.2))


def test_an_unsure_table_of_several_pieces_is_read_as_a_figure_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The classifier said table but saw two or more big pieces: the figure detector runs
    only when the table reading is unsure, and the better supported reading is kept."""
    import refocus_dsl.detect as detect
    import refocus_dsl.detect.figure as figure
    from refocus_dsl.ocr import OcrEngine

    calls: list[str] = []
    charts = (_chart("a", "b"), _chart("c", "d"))
    table = {"conf": 0.45}

    def run(kind: str) -> Layout:
        calls.append(kind)
        return _table(table["conf"]) if kind == "table" else _figure(0.9, *charts)

    monkeypatch.setattr(detect, "_detector", lambda kind: (lambda img, ocr: run(kind), "1"))
    two = figure.Panels(boxes=((0, 0, 40, 90), (50, 0, 90, 90)), bands=())
    monkeypatch.setattr(figure, "find_panels", lambda img: two)
    img = Image.new("RGB", (100, 100), "white")
    no_ocr = cast(OcrEngine, None)
    monkeypatch.setattr(detect, "_classified", lambda img: detect._Classified("table", "t"))
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "table"
    assert calls == ["table"]  # one piece: no second reading
    monkeypatch.setattr(detect, "_classified",
                        lambda img: detect._Classified("table", "t", None, 3))
    notes: list[str] = []
    assert detect._detect_kind(img, "auto", no_ocr, notes)[2].kind == "figure"
    assert calls[1:] == ["table", "figure"] and "2 panels" in notes[-1]
    calls.clear()
    table["conf"] = 0.95  # a sure table: the figure detector is not run
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "table"
    assert calls == ["table"]


def test_a_chart_reading_with_no_label_is_read_as_a_figure_when_the_table_loses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """White cards on a grey page whose gaps the classifier missed come back as one chart
    naming nothing; when the table reading does not win either and the panel finder sees
    two or more panels, a surer figure of named charts is kept. With one panel the
    figure detector is not run at all."""
    import refocus_dsl.detect as detect
    import refocus_dsl.detect.figure as figure
    from refocus_dsl.ocr import OcrEngine

    calls: list[str] = []
    readings = {"chart": _chart("", ""), "table": _table(0.5),
                "figure": _figure(1.0, _chart("a", "b"), _chart("c"), None)}

    def run(kind: str) -> Layout:
        calls.append(kind)
        return readings[kind]

    monkeypatch.setattr(detect, "_detector", lambda kind: (lambda img, ocr: run(kind), "1"))
    monkeypatch.setattr(detect, "_classified", lambda img: detect._Classified("chart", "t"))
    img = Image.new("RGB", (100, 100), "white")
    no_ocr = cast(OcrEngine, None)
    one = figure.Panels(boxes=((0, 0, 90, 90),), bands=())
    monkeypatch.setattr(figure, "find_panels", lambda img: one)
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "chart"
    assert calls == ["chart", "table"]
    three = figure.Panels(boxes=((0, 0, 30, 90), (35, 0, 60, 90), (65, 0, 90, 90)), bands=())
    monkeypatch.setattr(figure, "find_panels", lambda img: three)
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "figure"
    readings["chart"] = _chart("China", "")  # a named category: no second reading at all
    calls.clear()
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "chart"
    assert calls == ["chart"]
