"""Bar-chart detection against charts drawn here with matplotlib, whose geometry is exact."""

from __future__ import annotations

import pytest
from chart_helpers import WORDS, YEARS, Drawn, draw_chart, ocr_settings
from hypothesis import given, note
from hypothesis import strategies as st
from PIL import Image

from refocus_dsl.detect.chart import detect_chart
from refocus_dsl.lang.labels import compact_label as label_key
from refocus_dsl.ocr import OcrEngine
from refocus_dsl.scoring.common import iou


def _check(drawn: Drawn, ocr: OcrEngine, horizontal: bool, *, min_label_share: float) -> None:
    layout = detect_chart(drawn.image, ocr)
    chart = layout.chart
    assert chart is not None
    assert chart.orientation == ("horizontal" if horizontal else "vertical")
    cats = chart.categories
    assert len(cats) == len(drawn.bars), [c.label for c in cats]
    for cat, drawn_bars in zip(cats, drawn.each, strict=True):
        # Each series bar or stack segment on its own, too.
        assert len(cat.bars) == len(drawn_bars)
        for got in cat.bars:
            assert max(iou(got, b) for b in drawn_bars) >= 0.7, (got, drawn_bars)
    for cat, want in zip(cats, drawn.bars, strict=True):
        assert cat.bar_bbox is not None
        assert iou(cat.bar_bbox, want) >= 0.8, (cat.bar_bbox, want)
        assert cat.region is not None
        r = cat.region
        assert r[0] <= want[0] + 2 and r[1] <= want[1] + 2 and r[2] >= want[2] - 2
        assert r[3] >= want[3] - 2
    # Regions tile the category axis: each ends where the next begins.
    for a, b in zip(cats, cats[1:], strict=False):
        assert a.region is not None and b.region is not None
        if horizontal:
            assert a.region[3] == b.region[1]
        else:
            assert a.region[2] == b.region[0]
    right = sum(
        1 for c, t in zip(cats, drawn.texts, strict=True) if label_key(c.label) == label_key(t)
    )
    assert right >= min_label_share * len(cats), [c.label for c in cats]
    for c, lb in zip(cats, drawn.labels, strict=True):
        if c.label_bbox is not None and label_key(c.label):
            cx = (c.label_bbox[0] + c.label_bbox[2]) / 2.0
            cy = (c.label_bbox[1] + c.label_bbox[3]) / 2.0
            assert lb[0] - 4 <= cx <= lb[2] + 4 and lb[1] - 4 <= cy <= lb[3] + 4


def test_simple_vertical_chart(ocr: OcrEngine) -> None:
    drawn = draw_chart(["Apples", "Berlin", "Canada", "Delta"], [[3.0, 7.0, 5.0, 2.0]])
    _check(drawn, ocr, False, min_label_share=1.0)


def test_horizontal_grouped_chart_with_legend_and_values(ocr: OcrEngine) -> None:
    drawn = draw_chart(
        ["Energy", "Forest", "Garden"],
        [[4.0, 6.0, 3.0], [5.0, 2.0, 7.0]],
        horizontal=True,
        legend=True,
        value_labels=True,
        grid=True,
    )
    _check(drawn, ocr, True, min_label_share=1.0)


@pytest.mark.parametrize("rotation", [90, -90])
def test_rotated_year_labels(ocr: OcrEngine, rotation: int) -> None:
    # Read upwards (90) or downwards (-90): the ink alone cannot tell which.
    years = list(YEARS[:9])
    drawn = draw_chart(years, [[float(3 + (i * 7) % 5) for i in range(9)]], rotation=rotation)
    _check(drawn, ocr, False, min_label_share=0.8)


def test_many_names_turned_a_quarter(ocr: OcrEngine) -> None:
    # OECD's country charts: 30 names read upwards, close together. Seen level, the
    # whole strip is one wide piece, so it must not outvote the turn's word-like pieces.
    names = [w + s for s in ("", "ia", "land") for w in WORDS[:10]]
    drawn = draw_chart(names, [[float(30 - i) for i in range(30)]], rotation=90)
    _check(drawn, ocr, False, min_label_share=0.8)


def test_plot_background_between_bars_is_no_bar(ocr: OcrEngine) -> None:
    # A tinted plot area on a white page shows between the bars in slices that stand
    # on the baseline like bars; large, widely spaced year labels must stay level.
    drawn = draw_chart(
        ["2019", "2018", "2017", "2016", "2015"],
        [[84.0, 83.6, 82.4, 82.9, 83.4]],
        plot_face="#ede6d6",
        colours=["#f7dcdf"],
        labelsize=14,
    )
    _check(drawn, ocr, False, min_label_share=1.0)


def test_plot_colour_beyond_equal_stacks_is_no_bar(ocr: OcrEngine) -> None:
    # Every stack ends at the same length, so the plot colour to their right stands
    # on the far frame in equal slices, like bars growing from the right: no bars.
    drawn = draw_chart(
        ["2014", "2015", "2016"], [[3.0, 6.0, 6.0], [9.0, 6.0, 6.0]],
        horizontal=True, stacked=True, plot_face="#ede6d6",
    )
    _check(drawn, ocr, True, min_label_share=1.0)


@pytest.mark.parametrize("horizontal", [False, True])
def test_axis_title_is_not_part_of_a_label(ocr: OcrEngine, horizontal: bool) -> None:
    # "Year" under the middle label, or turned upright just left of the labels.
    drawn = draw_chart(
        ["2016", "2017", "2018"] if horizontal else ["2013", "2014", "2015", "2016", "2017"],
        [[16.0, 17.0, 18.0]] if horizontal else [[5.0, 6.0, 4.0, 7.0, 3.0]],
        horizontal=horizontal,
        axis_titles=("Year", "Amount"),
        labelsize=14,
    )
    _check(drawn, ocr, horizontal, min_label_share=1.0)


def test_negative_bar_with_turned_labels(ocr: OcrEngine) -> None:
    # The negative bar's value label sits between it and the frame; the turned tick
    # labels start below the frame.
    drawn = draw_chart(
        ["Loyalty programs", "Onboard sales", "Refinery", "Baggage fees", "Other"],
        [[9.5, 3.9, 25.1, 3.1, -12.7]],
        rotation=45,
        value_labels=True,
    )
    _check(drawn, ocr, False, min_label_share=0.8)


@pytest.mark.parametrize("gap", [3, 5, 8])
def test_footer_under_turned_labels_is_no_label(ocr: OcrEngine, gap: int) -> None:
    # A source line and a publisher line a few pixels under labels turned 45 degrees
    # run on with them as one block of ink; the labels must still be read as labels.
    drawn = draw_chart(
        ["Discord", "Tencent", "Uber", "Airbnb", "Snapchat"],
        [[10.0, 32.0, 22.0, 21.0, 15.0], [18.0, 16.0, 18.0, 11.0, 9.0]],
        rotation=45,
        legend=True,
        value_labels=True,
        footer=("Source: Survey of adults, 2022.", "PEW RESEARCH CENTER"),
        footer_gap=gap,
    )
    _check(drawn, ocr, False, min_label_share=0.8)


@pytest.mark.parametrize("gap", [3, 6])
def test_footer_under_wrapped_level_labels_is_no_label_line(ocr: OcrEngine, gap: int) -> None:
    # Pew's columns: labels wrapped onto two or three lines, a source line a few pixels
    # under the longest, starting at the page's margin.
    names = ["Watching\nlive\nsports", "Video calls\nwith family", "Paying\nbills",
             "Sharing\nphotos", "Booking a\ndoctor visit", "Buying\ngroceries"]
    drawn = draw_chart(
        names, [[8.0, 23.0, 26.0, 22.0, 24.0, 9.0]], labelsize=11,
        footer=("Source: Survey of adults, 2022.", "PEW RESEARCH CENTER"), footer_gap=gap,
    )
    layout = detect_chart(drawn.image, ocr)
    assert layout.chart is not None
    got = [label_key(c.label) for c in layout.chart.categories]
    assert got == [label_key(n.replace("\n", " ")) for n in names], got


def test_colliding_level_labels_stay_apart(ocr: OcrEngine) -> None:
    # Names a little wider than their bars' slots run into each other: OCR reads two as
    # one word ("FacebookWhatsApp") or the gap between them lies just past the cut.
    names = ["Instagram", "Pinterest", "Facebook", "WhatsApp", "LinkedIn", "Snapchat", "Telegram",
             "YouTube"]
    drawn = draw_chart(names, [[75.0, 34.0, 18.0, 82.0, 40.0, 77.0, 29.0, 50.0]], labelsize=13)
    layout = detect_chart(drawn.image, ocr)
    assert layout.chart is not None
    got = [label_key(c.label) for c in layout.chart.categories]
    assert got == [label_key(n) for n in names], got


@pytest.mark.parametrize("horizontal", [False, True])
def test_labels_tight_against_the_axis_are_no_tick_marks(ocr: OcrEngine, horizontal: bool) -> None:
    # No tick marks and the labels a pixel or two from the axis: their line spans most
    # of the strip like an axis with ticks, but no row of it is a line.
    names = ["Instagram", "Pinterest", "Facebook", "WhatsApp", "LinkedIn", "Snapchat", "Telegram",
             "YouTube"]
    drawn = draw_chart(
        names, [[75.0, 34.0, 18.0, 82.0, 40.0, 77.0, 29.0, 50.0]], horizontal=horizontal,
        tick_pad=1.5, labelsize=11,
    )
    _check(drawn, ocr, horizontal, min_label_share=0.8)


@st.composite
def charts(draw: st.DrawFn) -> tuple[Drawn, bool]:
    horizontal = draw(st.booleans())
    n = draw(st.integers(3, 7))
    pool = draw(st.sampled_from([WORDS, YEARS]))
    start = draw(st.integers(0, len(pool) - n))
    labels = list(pool[start : start + n])
    n_series = draw(st.integers(1, 3))
    stacked = n_series > 1 and draw(st.booleans())
    values = [
        [float(draw(st.integers(2, 10))) for _ in range(n)] for _ in range(n_series)
    ]
    rotation = 0 if horizontal else draw(st.sampled_from([0, 45, 90, -90]))
    style = {
        "dark": draw(st.booleans()),
        "grid": draw(st.booleans()),
        "value_labels": draw(st.booleans()),
        "legend": draw(st.booleans()),
        "title": draw(st.sampled_from([None, "Annual totals by group"])),
        "axis_titles": draw(st.sampled_from([None, ("Group", "Amount")])),
    }
    if not style["dark"]:
        style["plot_face"] = draw(st.sampled_from([None, "#ede6d6"]))
    note(f"labels={labels} values={values} horizontal={horizontal} stacked={stacked} "
         f"rotation={rotation} style={style}")
    drawn = draw_chart(
        labels, values, horizontal=horizontal, stacked=stacked, rotation=rotation, **style
    )
    return drawn, horizontal


@ocr_settings(10)
@given(charts())
def test_drawn_charts_recover_geometry(ocr: OcrEngine, case: tuple[Drawn, bool]) -> None:
    drawn, horizontal = case
    _check(drawn, ocr, horizontal, min_label_share=0.6)


def test_not_a_chart_says_so(ocr: OcrEngine) -> None:
    layout = detect_chart(Image.new("RGB", (300, 200), "white"), ocr)
    assert layout.chart is not None and layout.chart.categories == ()
    assert layout.confidence == 0.0 and layout.notes


def test_dash_between_words_stays_in_the_label(ocr: OcrEngine) -> None:
    labels = ["Peppa Pig - Official", "Bounce - Kids Songs", "YouTube - Watch"]
    drawn = draw_chart(labels, [[5.0, 7.0, 3.0]], horizontal=True)
    _check(drawn, ocr, True, min_label_share=1.0)


def test_full_stops_ending_a_few_labels_are_not_tick_marks() -> None:
    import numpy as np

    from refocus_dsl.detect._labels import skip_ticks

    # Columns read from the axis outwards: a 2-px band of marks, a gap, then text.
    mask = np.zeros((400, 40), dtype=bool)
    mask[:, 8:30] = np.arange(400)[:, None] % 40 < 10  # ten text lines
    stops = mask.copy()
    for y in (5, 45, 85):  # three labels end in a full stop
        stops[y : y + 2, 1:3] = True
    assert skip_ticks(stops, 1, expected=10) == 0
    ticks = mask.copy()
    for k in range(10):  # one tick per category
        ticks[k * 40 + 4 : k * 40 + 5, 0:4] = True
    assert skip_ticks(ticks, 1, expected=10) == 4


def test_words_of_stacked_lines_stay_on_their_lines() -> None:
    from refocus_dsl.detect._labels import line_phrases
    from refocus_dsl.ocr import Word

    # Two wrapped labels side by side; OCR read "Chicago" and the "7" under it as one
    # tall word, whose height must not pull the third line ("Messiah") into the second.
    boxes = {
        "The": (8, 1, 29, 11), "Trial": (32, 1, 56, 11), "of": (60, 1, 72, 11),
        "Judas": (92, 2, 122, 13), "and": (126, 2, 145, 11),
        "the": (8, 13, 25, 23), "Chicago": (28, 13, 72, 34),
        "the ": (95, 13, 113, 23), "Black": (116, 13, 144, 23), "Messiah": (98, 26, 141, 35),
    }
    words = [Word(t.strip(), b, 95.0) for t, b in boxes.items()]
    got = [" ".join(w.text for w in ph) for ph in line_phrases(words)]
    assert "the Black" in got and "Messiah" in got, got


def test_axis_antialiased_edge_does_not_hide_the_labels(ocr: OcrEngine) -> None:
    # A chart scaled down (a panel of a figure) keeps a 1 px grey remnant of its axis
    # under the bars: mid grey between them, lighter under them. It is no text line.
    from PIL import ImageDraw, ImageFont

    img = Image.new("RGB", (700, 420), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=15)
    years = [str(y) for y in range(2007, 2017)]
    for i, year in enumerate(years):
        x = 60 + i * 62
        d.rectangle((x, 300 - (60 + (i * 37) % 180), x + 40, 299), fill=(40, 110, 210))
        d.text((x + 20, 318), year, fill=(80, 80, 80), font=font, anchor="mt")
    d.line((40, 300, 670, 300), fill=(20, 20, 20))
    d.line((40, 301, 670, 301), fill=(185, 185, 185))
    for i in range(len(years)):
        d.line((60 + i * 62, 301, 100 + i * 62, 301), fill=(215, 215, 230))
    chart = detect_chart(img, ocr).chart
    assert chart is not None
    assert [c.label for c in chart.categories] == years
