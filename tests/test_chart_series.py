"""Series of grouped and stacked bar charts, against charts drawn here with matplotlib.

Each series' bar in each category is checked against matplotlib's own geometry
(the artists' window extents), and the legend's texts must be read exactly.
"""

from __future__ import annotations

from chart_helpers import WORDS, YEARS, Drawn, draw_chart, ocr_settings
from hypothesis import assume, given, note
from hypothesis import strategies as st

from refocus_dsl.detect.chart import detect_chart
from refocus_dsl.lang.labels import compact_label as label_key
from refocus_dsl.layout import Chart, load_layout
from refocus_dsl.ocr import OcrEngine
from refocus_dsl.scoring.common import iou

NAMES = ("Women", "Men", "Total", "Urban", "Rural", "Exports", "Imports", "Online sales")
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c"]


def _detect(drawn: Drawn, ocr: OcrEngine) -> Chart:
    layout = detect_chart(drawn.image, ocr)
    assert layout.chart is not None
    # The series survive a trip through the JSON document.
    assert load_layout(layout.to_dict()).chart == layout.chart
    return layout.chart


def _check_bars(chart: Chart, drawn: Drawn, *, px: int = 3) -> None:
    """Every series' bar within ``px`` of matplotlib's, in series order."""
    assert len(chart.categories) == len(drawn.each), [c.label for c in chart.categories]
    for i, (cat, want) in enumerate(zip(chart.categories, drawn.each, strict=True)):
        assert len(cat.bars) == len(want) == len(chart.series)
        for k, (got, box) in enumerate(zip(cat.bars, want, strict=True)):
            assert got is not None, (i, k)
            assert iou(got, box) >= 0.7, (i, k, got, box)
            assert max(abs(a - b) for a, b in zip(got, box, strict=True)) <= px, (i, k, got, box)


@st.composite
def grouped_charts(draw: st.DrawFn) -> tuple[Drawn, list[str], bool]:
    horizontal = draw(st.booleans())
    n = draw(st.integers(3, 6))
    pool = draw(st.sampled_from([WORDS, YEARS]))
    start = draw(st.integers(0, len(pool) - n))
    labels = list(pool[start : start + n])
    names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=3, unique=True))
    values = [[float(draw(st.integers(2, 10))) for _ in range(n)] for _ in names]
    # Bars all of one length reach the frame at both ends: no baseline to tell.
    assume(len({v for row in values for v in row}) > 1)
    stacked = draw(st.booleans())
    rotation = 0 if horizontal else draw(st.sampled_from([0, 30, 45, 60, 90]))
    anchor = draw(st.booleans())
    legend_loc = draw(st.sampled_from(["right", "below", "inside"]))
    dark = draw(st.booleans())
    note(f"labels={labels} names={names} values={values} horizontal={horizontal} "
         f"stacked={stacked} rotation={rotation} anchor={anchor} legend={legend_loc} dark={dark}")
    drawn = draw_chart(
        labels, values, horizontal=horizontal, stacked=stacked, rotation=rotation,
        anchor=anchor, legend=True, legend_loc=legend_loc, series_names=names, dark=dark,
        colours=None if not dark else ["#4fc3f7", "#ffb74d", "#81c784"],
    )
    return drawn, labels, horizontal


@ocr_settings(8)
@given(grouped_charts())
def test_series_and_their_bars_from_drawn_charts(
    ocr: OcrEngine, case: tuple[Drawn, list[str], bool]
) -> None:
    drawn, labels, horizontal = case
    chart = _detect(drawn, ocr)
    assert chart.orientation == ("horizontal" if horizontal else "vertical")
    assert [s.label for s in chart.series] == list(drawn.series)
    for s, box in zip(chart.series, drawn.legend_labels, strict=True):
        assert s.label_bbox is not None and iou(s.label_bbox, box) >= 0.5, (s, box)
    _check_bars(chart, drawn)
    right = sum(
        label_key(c.label) == label_key(t) for c, t in zip(chart.categories, labels, strict=True)
    )
    assert right >= 0.8 * len(labels), [c.label for c in chart.categories]


def test_without_a_legend_series_are_bar_colours_in_drawing_order(ocr: OcrEngine) -> None:
    drawn = draw_chart(
        ["North", "South", "East", "West"], [[3.0, 5.0, 4.0, 6.0], [4.0, 2.0, 6.0, 5.0]]
    )
    chart = _detect(drawn, ocr)
    assert [s.label for s in chart.series] == [None, None]
    assert [s.color for s in chart.series] == [(31, 119, 180), (255, 127, 14)]
    _check_bars(chart, drawn)


def test_stacked_without_a_legend_count_from_the_baseline(ocr: OcrEngine) -> None:
    drawn = draw_chart(
        ["2015", "2016", "2017"], [[3.0, 5.0, 4.0], [4.0, 2.0, 6.0], [2.0, 2.0, 2.0]],
        stacked=True, horizontal=True,
    )
    chart = _detect(drawn, ocr)
    assert [s.color for s in chart.series] == [(31, 119, 180), (255, 127, 14), (44, 160, 44)]
    _check_bars(chart, drawn)


def test_stacked_segments_that_line_up_across_categories_are_no_baseline(
    ocr: OcrEngine,
) -> None:
    # Two categories' segments join at the same value (2+8 = 10 in both): by area that
    # join outweighed the true baseline, which the third category alone stands on.
    drawn = draw_chart(
        ["Apples", "Berlin", "Canada"], [[2.0, 2.0, 3.0], [8.0, 8.0, 10.0], [10.0, 2.0, 9.0]],
        stacked=True, horizontal=True, legend=True, legend_loc="inside",
        series_names=["Women", "Men", "Total"],
    )
    chart = _detect(drawn, ocr)
    assert [c.label for c in chart.categories] == ["Apples", "Berlin", "Canada"]
    assert [s.label for s in chart.series] == ["Women", "Men", "Total"]
    _check_bars(chart, drawn)


def test_a_single_series_chart_has_no_series(ocr: OcrEngine) -> None:
    drawn = draw_chart(["North", "South", "East"], [[3.0, 5.0, 4.0]])
    chart = _detect(drawn, ocr)
    assert chart.series == ()
    assert all(len(c.bars) == 1 for c in chart.categories)


def test_missing_bar_is_none(ocr: OcrEngine) -> None:
    # A zero value draws no bar: that series has none in that category.
    drawn = draw_chart(
        ["North", "South", "East", "West"], [[3.0, 5.0, 4.0, 6.0], [4.0, 0.0, 6.0, 5.0]],
        legend=True, series_names=["Women", "Men"],
    )
    chart = _detect(drawn, ocr)
    assert [s.label for s in chart.series] == ["Women", "Men"]
    south = chart.categories[1]
    assert south.label == "South" and south.bars[1] is None and south.bars[0] is not None
    assert iou(south.bars[0], drawn.each[1][0]) >= 0.7


def test_turned_labels_name_the_group_under_their_upper_end(ocr: OcrEngine) -> None:
    # Long labels at 45 degrees reach back over two or three groups: each names the
    # group its upper end hangs from, never the one under its centre.
    labels = ["Northeast region", "Southwest region", "Midwest states", "Pacific coast",
              "Mountain states", "Atlantic coast"]
    values = [[3.0, 5.0, 4.0, 6.0, 2.0, 4.0], [4.0, 2.0, 6.0, 5.0, 3.0, 3.0],
              [2.0, 3.0, 4.0, 5.0, 6.0, 2.0]]
    for anchor in (False, True):
        drawn = draw_chart(labels, values, rotation=45, anchor=anchor, legend=True,
                           series_names=["Women", "Men", "Total"], colours=COLOURS)
        chart = _detect(drawn, ocr)
        assert [label_key(c.label) for c in chart.categories] == [label_key(t) for t in labels]
        _check_bars(chart, drawn)
