"""kind="auto": when the chosen reading is poor and another kind was close, the runner-up
is read too and the better supported reading kept (a table over a chart whose bars are
its bands, fragments or cut by the image's edge, or that names no category; a surer
figure of charts over an unsure table, unless its panels are slices of the table with no
bar of substance; a figure over a chart whose bars are its panels; a sure chart over a
figure that cut its bars)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import cast

import pytest
from PIL import Image

from refocus_dsl.detect.runner_up import (
    bars_are_panels,
    cut_by_edge,
    cut_through_bars,
    figure_wins,
    table_beats_slices,
    table_wins,
)
from refocus_dsl.layout import Category, Cell, Chart, Column, Layout, Row, Subplot, Table


def _chart(*labels: str, tall: int = 0) -> Layout:
    """A chart naming ``labels``; with ``tall``, each category has a bar that tall."""
    cats = tuple(
        Category(index=i, label=t, bars=((i * 6, 50 - tall, i * 6 + 5, 50),) if tall else ())
        for i, t in enumerate(labels)
    )
    return Layout(width=100, height=100, kind="chart", chart=Chart(categories=cats), confidence=0.1)


def _table(confidence: float, n_columns: int = 3, n_rows: int = 0) -> Layout:
    cols = tuple(Column(i, f"c{i}", (i * 10, 0, i * 10 + 10, 50)) for i in range(n_columns))
    rows = tuple(
        Row(i, f"r{i}", i == 0, (0, i * 10, 10 * n_columns, i * 10 + 10)) for i in range(n_rows)
    )
    table = Table(bbox=(0, 0, 10 * n_columns, 50), columns=cols, rows=rows)
    return Layout(width=100, height=100, kind="table", table=table, confidence=confidence)


def test_sure_table_beats_a_chart_without_labels() -> None:
    assert table_wins(_table(0.93), _chart("", ""))
    assert table_wins(_table(0.93), Layout(width=100, height=100, kind="chart"))


def test_labelled_chart_is_kept_however_sure_the_table_is() -> None:
    assert not table_wins(_table(0.99), _chart("", "China"))


def test_unsure_or_degenerate_table_does_not_win() -> None:
    assert not table_wins(_table(0.80), _chart("", ""))
    assert not table_wins(_table(0.99, n_columns=1), _chart(""))


def test_any_grid_beats_a_chart_reading_with_no_bar() -> None:
    """A soft scanned table whose shaded rows looked like bars to the classifier: the
    chart detector found no bar, so the table reading wins however unsure. Unlabelled
    bars it gives no confidence are kept: a shrunk chart whose tick labels are too small
    to read is still a chart (degraded ChartLens charts were lost to tables)."""
    grid = _table(0.3, n_rows=5)
    assert table_wins(grid, Layout(width=100, height=100, kind="chart", chart=Chart()))
    assert table_wins(grid, Layout(width=100, height=100, kind="chart", confidence=0.0))
    unsure_bars = Layout(
        width=100, height=100, kind="chart", chart=_chart("", "").chart, confidence=0.0
    )
    assert not table_wins(grid, unsure_bars)
    assert not table_wins(_table(0.3, n_rows=1), Layout(width=100, height=100, kind="chart"))
    assert not table_wins(grid, _chart("China", "India"))


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
    charts = (_chart("a", "b", tall=30), _chart("", "c", tall=30), _chart("d", tall=30))
    assert figure_wins(_figure(0.82, *charts), _table(0.43))
    assert figure_wins(_figure(0.9, charts[0], charts[1], None), _table(0.6))


def test_a_figure_wins_only_with_named_charts_in_most_panels_and_when_surer() -> None:
    charts = (_chart("a", "b", tall=30), _chart("c", tall=30), _chart("d", tall=30))
    assert figure_wins(_figure(0.3, *charts), Layout(width=100, height=100, kind="chart"))
    assert not figure_wins(_figure(0.4, *charts), _table(0.5))  # the figure is less sure
    assert not figure_wins(_figure(1.0, charts[0], None, None), _table(0.5))  # pieces of text
    assert not figure_wins(_figure(1.0, charts[0]), _table(0.5))  # one panel is no figure
    assert not figure_wins(_chart("a", "b"), _table(0.2))


def test_an_unsure_table_of_several_pieces_is_read_as_a_figure_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The classifier said table but saw two or more big pieces: the figure detector runs
    only when the table reading is unsure, and the better supported reading is kept."""
    import refocus_dsl.detect as detect
    import refocus_dsl.detect.figure as figure
    from refocus_dsl.ocr import OcrEngine

    calls: list[str] = []
    charts = (_chart("a", "b", tall=30), _chart("c", "d", tall=30))
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
                "figure": _figure(1.0, _chart("a", "b", tall=30), _chart("c", tall=30), None)}

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


def _banded_table(seed: int) -> Image.Image:
    """A ruled table with a shaded header band and two shaded section rows spanning it
    (the scan style's look), on an off-white page."""
    from PIL import ImageDraw
    from table_helpers import font, make_cells

    cells, sections = make_cells(11, 5, seed), {1: "Northern districts", 6: "Over sixty"}
    f, pad, line = font(15), 6, 23
    scratch = ImageDraw.Draw(Image.new("RGB", (9, 9)))
    xs = [10]
    for c in range(5):
        xs.append(xs[-1] + max(int(scratch.textlength(row[c], font=f)) for row in cells) + 2 * pad)
    ys = [10 + k * line for k in range(12)]
    img = Image.new("RGB", (xs[-1] + 10, ys[-1] + 10), (250, 250, 245))
    d = ImageDraw.Draw(img)
    for r in (0, *sections):
        d.rectangle((xs[0], ys[r], xs[-1], ys[r + 1]), fill=(200, 202, 190))
    for y in ys:
        d.line((xs[0], y, xs[-1], y), fill=(60, 60, 60))
    for r in range(11):
        for x in (xs[0], xs[-1]) if r in sections else xs:
            d.line((x, ys[r], x, ys[r + 1]), fill=(60, 60, 60))
        for c, text in enumerate([sections[r]] if r in sections else cells[r]):
            d.text((xs[c] + pad, ys[r] + 4), text, font=f, fill=(20, 20, 20))
    return img


def _stub_detectors(
    monkeypatch: pytest.MonkeyPatch, readings: dict[str, Layout], calls: list[str]
) -> None:
    """Each kind's detector returns ``readings[kind]`` and logs the call in ``calls``."""
    import refocus_dsl.detect as detect

    def detector(kind: str) -> tuple[Callable[..., Layout], str]:
        return (lambda *a: calls.append(kind) or readings[kind]), "1"

    monkeypatch.setattr(detect, "_detector", detector)


def _as_if_classified(monkeypatch: pytest.MonkeyPatch, kind: str, pieces: int = 0) -> None:
    import refocus_dsl.detect as detect

    monkeypatch.setattr(
        detect, "_classified", lambda img: detect._Classified(kind, "test", None, pieces)
    )


@pytest.mark.parametrize("blur", [0.0, 0.8])
def test_a_banded_table_taken_for_a_chart_is_read_as_a_table(
    monkeypatch: pytest.MonkeyPatch, blur: float
) -> None:
    """The chart detector reads a shaded table's bands as bars of one length across the
    grid (crisp), or its glyphs as bar fragments (soft), and names them with row text:
    a labelled chart, but no bars to show. The table reading wins either way."""
    from PIL import ImageFilter

    from refocus_dsl.detect import detect_layout

    img = _banded_table(1)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    _as_if_classified(monkeypatch, "chart")
    layout = detect_layout(img, cache=False)
    assert layout.kind == "table" and layout.table is not None
    assert (len(layout.table.columns), len(layout.table.rows)) == (5, 11)
    # Soft, its glyph fragments may be no bars at all (pieces lined up at one span are
    # a blurred line to the bar finder).
    want = ("bands",) if not blur else ("fragments", "found no bars")
    assert any(w in n for w in want for n in layout.notes), layout.notes


@pytest.mark.parametrize("horizontal", [True, False])
def test_a_chart_of_equal_bars_stays_a_chart(
    monkeypatch: pytest.MonkeyPatch, horizontal: bool
) -> None:
    """Bars of one length that start at an axis beside their labels are no table bands."""
    from chart_helpers import draw_chart

    from refocus_dsl.detect import detect_layout

    drawn = draw_chart(["Apples", "Berlin", "Canada", "Delta"], [[7.0, 7.0, 7.0, 7.0]],
                       horizontal=horizontal, value_labels=True)
    _as_if_classified(monkeypatch, "chart")
    layout = detect_layout(drawn.image, cache=False)
    assert layout.kind == "chart" and layout.chart is not None
    assert [c.label for c in layout.chart.categories] == ["Apples", "Berlin", "Canada", "Delta"]


def _slices_figure(tall: int, n: int = 3) -> Layout:
    """A figure reading of ``n`` full-width panels stacked, each a chart whose bars are
    ``tall`` pixels tall (panels 60 px tall)."""
    subplots = tuple(
        Subplot(i, (0, 60 * i, 300, 60 * i + 60), None,
                Layout(width=300, height=60 * n, kind="chart", confidence=0.9, chart=Chart(
                    orientation="vertical", categories=(Category(
                        0, "x", bars=((10, 60 * i + 60 - tall, 20, 60 * i + 60),)),))))
        for i in range(n)
    )
    return Layout(width=300, height=60 * n, kind="figure", subplots=subplots, confidence=0.8)


def test_slices_of_a_table_are_no_figure_without_bars_of_substance() -> None:
    """A banded table cut at its stripes comes apart into full-width slices whose charts
    rest on pieces of glyphs: no figure. Charts stacked the same way with real bars are
    one (and panels in two dimensions keep the old test)."""
    assert figure_wins(_slices_figure(tall=5), _table(0.54)) is None
    assert figure_wins(_slices_figure(tall=40), _table(0.54)) is not None
    grid = _figure(0.8, _chart("a", tall=2), _chart("b", tall=2), None)
    two_rows = Subplot(3, (0, 60, 25, 110), None, None)
    grid = dataclasses.replace(grid, subplots=(*grid.subplots, two_rows))
    assert figure_wins(grid, _table(0.5)) is not None


def test_a_zebra_table_cut_into_slices_is_kept_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zebra tables, reduced, blurred and JPEG'd, that the panel finder cuts at their
    stripes into pieces whose text reads as charts: each unsure table is kept (figure
    readings of charts in half their panels, surer than the table, won there before
    panels that are slices had to hold bars of substance)."""
    import sys
    from pathlib import Path

    from table_helpers import draw_table, make_cells

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from _degrade import degradation, degrade

    import refocus_dsl.detect as detect
    from refocus_dsl.detect.figure import find_panels

    real, readings = detect._detector, {}

    def spied(kind: str) -> tuple[Callable[..., Layout], str]:
        fn, version = real(kind)
        return (lambda *a: readings.setdefault(kind, fn(*a))), version

    monkeypatch.setattr(detect, "_detector", spied)
    _as_if_classified(monkeypatch, "table", pieces=3)
    old_rule_won = 0
    for n_rows, n_cols, seed, combo in ((10, 4, 1, 3500), (14, 4, 0, 3500)):
        cells = make_cells(n_rows, n_cols, seed)
        img = degrade(draw_table(cells, style="zebra", size=13, pad=5).image,
                      degradation("combo", combo), combo)
        if len(find_panels(img).boxes) < 2:
            continue
        readings.clear()
        assert detect.detect_layout(img, cache=False).kind == "table"
        pieces = readings["figure"].subplots  # the figure reading was made, and lost
        charts = [p for p in pieces if p.layout is not None and p.layout.chart is not None]
        old_rule_won += 2 * len(charts) >= len(pieces) and (
            (readings["figure"].confidence or 0) > (readings["table"].confidence or 0))
    assert old_rule_won >= 1


def test_an_unsure_chart_of_several_pieces_is_read_as_a_figure_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Light-grey cards on a white page: the classifier saw the pieces but took them for
    one chart, which the chart detector reads unsure, naming tick values. The figure
    detector is tried, and its surer reading of charts kept; a sure chart is not re-read."""
    import refocus_dsl.detect as detect
    import refocus_dsl.detect.figure as figure
    from refocus_dsl.ocr import OcrEngine

    calls: list[str] = []
    readings = {"chart": dataclasses.replace(_chart("0", "5", tall=30), confidence=0.59),
                "figure": _figure(0.93, _chart("a", tall=30), _chart("b", tall=30), None, None)}
    two_rows = figure.Panels(boxes=((0, 0, 90, 40), (0, 50, 40, 90), (50, 50, 90, 90)), bands=())
    monkeypatch.setattr(figure, "find_panels", lambda img: two_rows)
    monkeypatch.setattr(detect, "_detector",
                        lambda kind: (lambda img, ocr: calls.append(kind) or readings[kind], "1"))
    img = Image.new("RGB", (100, 100), "white")
    no_ocr = cast(OcrEngine, None)
    _as_if_classified(monkeypatch, "chart", pieces=4)
    notes: list[str] = []
    assert detect._detect_kind(img, "auto", no_ocr, notes)[2].kind == "figure"
    assert calls == ["chart", "figure"] and "several pieces is unsure" in notes[-1]
    calls.clear()
    _as_if_classified(monkeypatch, "chart", pieces=1)  # one piece: no second reading
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "chart"
    readings["chart"] = dataclasses.replace(readings["chart"], confidence=0.95)
    _as_if_classified(monkeypatch, "chart", pieces=4)  # a sure chart: none either
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "chart"
    assert calls == ["chart", "chart"]


def test_a_sure_table_beats_a_figure_of_slices_without_bar_charts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A ruled scan table whose rules jog at a misregistered band is cut there into
    full-width slices, which the classifier takes for a figure. With no bar chart among
    the slices, a sure table reading (with a grid) is read and kept; slices with real
    bars, panels in two dimensions, an unsure table and one without rows are not."""
    grid = _table(0.95, n_rows=4)
    assert table_beats_slices(grid, _slices_figure(tall=5)) is not None
    assert table_beats_slices(grid, _slices_figure(tall=40)) is None  # stacked bar charts
    assert table_beats_slices(_table(0.7, n_rows=4), _slices_figure(tall=5)) is None
    assert table_beats_slices(_table(0.95), _slices_figure(tall=5)) is None  # no rows
    side_by_side = _figure(0.8, None, None, None)
    side_by_side = dataclasses.replace(side_by_side, subplots=(
        *side_by_side.subplots, Subplot(3, (0, 60, 25, 110), None, None)))
    assert table_beats_slices(grid, side_by_side) is None  # a grid of panels

    import refocus_dsl.detect as detect
    from refocus_dsl.ocr import OcrEngine

    calls: list[str] = []
    readings = {"figure": _slices_figure(tall=5), "table": grid}
    _stub_detectors(monkeypatch, readings, calls)
    _as_if_classified(monkeypatch, "figure", pieces=3)
    img, no_ocr = Image.new("RGB", (300, 180), "white"), cast(OcrEngine, None)
    notes: list[str] = []
    assert detect._detect_kind(img, "auto", no_ocr, notes)[2].kind == "table"
    assert calls == ["figure", "table"] and "slices of one block" in notes[-1]
    calls.clear()
    readings["figure"] = _slices_figure(tall=40)  # bar charts stacked: no table read
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "figure"
    assert calls == ["figure"]


def test_short_bars_of_a_sure_chart_are_no_fragments() -> None:
    """Small values on a fixed axis (percentages under 20 on a 0-100 scale) make every
    bar short beside the image: a sure, labelled chart reading keeps them; only an
    unsure one (a table's glyphs read as bars) loses to the table's grid."""
    sure = dataclasses.replace(_chart("Canada", "France", tall=8), confidence=1.0)
    assert not table_wins(_table(0.5, n_rows=5), sure)
    assert table_wins(_table(0.5, n_rows=5), dataclasses.replace(sure, confidence=0.5))


def test_a_chart_of_small_values_on_a_fixed_axis_stays_a_chart() -> None:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from refocus_dsl.detect import detect_layout

    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=100)
    names = ["Canada", "France", "Japan", "Brazil", "Kenya", "Norway"]
    ax.barh(names, [5, 12, 8, 15, 10, 7], color="#1f77b4")
    ax.set_xlim(0, 100)
    ax.set_axisbelow(True)
    ax.grid(True, axis="x", color="#888888")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    layout = detect_layout(Image.open(buf).convert("RGB"), cache=False)
    assert layout.kind == "chart" and layout.chart is not None, layout.notes
    assert sorted(c.label for c in layout.chart.categories) == sorted(names)


def _bars_chart(*bars: tuple[int, int, int, int], labels: str = "abcdefgh",
                confidence: float = 0.3, horizontal: bool = False) -> Layout:
    """A 100x100 chart reading of one bar a category, named from ``labels``."""
    cats = tuple(Category(index=i, label=labels[i], bars=(b,)) for i, b in enumerate(bars))
    return Layout(width=100, height=100, kind="chart", confidence=confidence, chart=Chart(
        orientation="horizontal" if horizontal else "vertical", categories=cats))


def _worded_table(confidence: float, columns_with_words: int) -> Layout:
    """A 3-column, 5-row table reading whose text (headers and cells) fills the first
    ``columns_with_words`` columns; the others hold only specks ('a', '(')."""
    cols = tuple(Column(i, "Year" if i < columns_with_words else "a", (i * 30, 0, i * 30 + 30, 50))
                 for i in range(3))
    rows = tuple(Row(i, "", i == 0, (0, i * 10, 90, i * 10 + 10)) for i in range(5))
    cells = tuple(Cell(r, c, "Kenya" if c < columns_with_words else "(", None)
                  for r in range(5) for c in range(3))
    table = Table(bbox=(0, 0, 90, 50), columns=cols, rows=rows, cells=cells)
    return Layout(width=100, height=100, kind="table", table=table, confidence=confidence)


def test_bars_cut_by_the_image_edge_lose_to_a_surer_table() -> None:
    """A photographed table's dark surround, cut by the picture's border, is read as bars
    (one at the left edge, or bars ending at the right edge beside row text): no bar of
    substance stands whole inside the image, so a surer table reading of words wins.
    Bars standing clear of the edge, a sure chart, or a less sure table keep the chart."""
    at_left = _bars_chart((0, 20, 10, 90), (14, 40, 20, 52))  # the second is a fragment
    at_right = _bars_chart((60, 0, 100, 10), (80, 20, 100, 40), (70, 50, 100, 90),
                           horizontal=True)
    table = _worded_table(0.93, 3)
    for chart in (at_left, at_right):
        assert cut_by_edge(chart)
        why = table_wins(table, chart)
        assert why is not None and "edge" in why
        assert table_wins(table, dataclasses.replace(chart, confidence=0.95)) is None
        assert table_wins(dataclasses.replace(table, confidence=0.2), chart) is None
    inside = _bars_chart((10, 20, 20, 90), (30, 40, 40, 90))
    assert not cut_by_edge(inside) and table_wins(table, inside) is None


def test_fragments_lose_only_to_a_table_reading_of_words_in_two_columns() -> None:
    """A chart shrunk and blurred until its bars read as fragments: its title, tick and
    legend lines read as a table fill one column with words and leave specks in the
    others, and that table reading (however it compares in confidence) does not win. A
    soft scanned table's reading names its columns, and wins."""
    fragments = _bars_chart((30, 64, 40, 70), (30, 80, 45, 86), confidence=0.0, horizontal=True)
    assert table_wins(_worded_table(0.2, 1), fragments) is None
    why = table_wins(_worded_table(0.2, 2), fragments)
    assert why is not None and "fragments" in why


def _two_panels(left: Layout, right: Layout, gap: int = 10) -> Layout:
    subplots = (Subplot(0, (0, 0, 45, 100), None, left),
                Subplot(1, (45 + gap, 0, 100, 100), None, right))
    return Layout(width=100, height=100, kind="figure", subplots=subplots, confidence=1.0)


def test_plot_areas_read_as_huge_bars_lose_to_the_figure() -> None:
    """Two line plots on grey grounds side by side: the chart detector reads each plot
    area as one huge nameless bar. The figure reading's panels are no bar charts, yet its
    panels are exactly those "bars", and, surer, it wins; narrow bars do not make it."""
    plots = _two_panels(Layout(width=100, height=100, kind="chart"),
                        Layout(width=100, height=100, kind="chart"))
    areas = _bars_chart((4, 5, 44, 95), (58, 5, 98, 95), labels="  ", confidence=0.0)
    assert bars_are_panels(areas, plots)
    why = figure_wins(plots, areas)
    assert why is not None and "panels" in why
    narrow = _bars_chart((10, 5, 20, 95), (60, 5, 70, 95), labels="  ", confidence=0.0)
    assert not bars_are_panels(narrow, plots) and figure_wins(plots, narrow) is None
    one_panel = _bars_chart((4, 5, 20, 95), (22, 5, 44, 95), labels="  ", confidence=0.0)
    assert not bars_are_panels(one_panel, plots)


def test_a_chart_cut_through_a_group_of_bars_is_read_as_one_chart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The panel finder cut a grouped bar chart at a narrow gap inside a group: the left
    panel's last bar and the right panel's first run into the cut from either side on one
    baseline. The chart is read too and, named and sure, kept. Two panels with a gap
    wider than a bar between them, or bars clear of the cut, are left a figure."""
    left = _bars_chart((10, 30, 20, 90), (21, 40, 31, 90), (35, 20, 45, 90))
    right = dataclasses.replace(_bars_chart((55, 50, 65, 90), (66, 30, 76, 90)), width=100)
    cut = _two_panels(left, right, gap=10)
    assert cut_through_bars(cut)
    assert not cut_through_bars(_two_panels(left, right, gap=20))  # wider than a bar
    clear = _bars_chart((10, 30, 20, 90), (21, 40, 31, 90))
    assert not cut_through_bars(_two_panels(clear, right))
    raised = _bars_chart((55, 50, 65, 80), (66, 30, 76, 80))  # another baseline
    assert not cut_through_bars(_two_panels(left, raised))

    import refocus_dsl.detect as detect
    from refocus_dsl.ocr import OcrEngine

    calls: list[str] = []
    readings = {"figure": cut, "chart": _bars_chart((10, 30, 20, 90), (55, 50, 65, 90),
                                                    confidence=0.95)}
    _stub_detectors(monkeypatch, readings, calls)
    _as_if_classified(monkeypatch, "figure", pieces=2)
    img, no_ocr = Image.new("RGB", (100, 100), "white"), cast(OcrEngine, None)
    notes: list[str] = []
    assert detect._detect_kind(img, "auto", no_ocr, notes)[2].kind == "chart"
    assert calls == ["figure", "chart"] and "cut one chart" in notes[-1]
    readings["chart"] = dataclasses.replace(readings["chart"], confidence=0.6)  # unsure
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "figure"
    calls.clear()
    readings["figure"] = _two_panels(left, right, gap=20)  # no second reading
    assert detect._detect_kind(img, "auto", no_ocr, [])[2].kind == "figure"
    assert calls == ["figure"]


def test_plots_on_grey_grounds_read_as_one_chart_are_read_as_a_figure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A wide strip of two ggplot-style panels (a line plot, a scatter) that the
    classifier took for one chart of two pieces: the chart detector reads each grey plot
    area as one bar, named by a tick label, and is sure. Bars thicker than they are long
    send it to the figure detector, whose panels are those bars, and the figure wins."""
    import io

    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from refocus_dsl.detect import detect_layout

    with plt.style.context("ggplot"):
        fig, (a, b) = plt.subplots(1, 2, figsize=(11.5, 2.0), dpi=100)
        x = np.linspace(0, 10, 21)
        a.plot(x, 15 + 10 * np.sin(x / 4), marker="o")
        a.plot(x, 18 - x * 0.7, marker="o")
        rng = np.random.default_rng(0)
        b.scatter(rng.normal(size=60), rng.normal(size=60), s=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
        plt.close(fig)
    buf.seek(0)
    img = Image.open(buf).convert("RGB")
    _as_if_classified(monkeypatch, "chart", pieces=2)
    layout = detect_layout(img, cache=False)
    assert layout.kind == "figure" and len(layout.subplots) == 2, layout.notes
    # Each grey plot area read as one bar, named by a tick label far off its middle: the
    # chart reading is unsure (the labels sit poorly under their bars), or, were it sure,
    # its bars are thicker than long; either sends it to the figure detector.
    assert any("thicker than long" in n or "is unsure" in n for n in layout.notes)
    from refocus_dsl.detect.chart import detect_chart
    from refocus_dsl.detect.runner_up import fat_bars
    from refocus_dsl.ocr import get_ocr

    assert fat_bars(detect_chart(img, get_ocr("auto")))
