"""kind="auto": tables, bar charts and multi-panel figures told apart without OCR."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from refocus_dsl.detect.classify import Features, classify_kind, decide  # noqa: E402
from refocus_dsl.ocr import OcrEngine  # noqa: E402


def _png(fig: plt.Figure) -> Image.Image:
    """A matplotlib figure drawn at 100 dpi, as an RGB image."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _chart(
    values: list[float], horizontal: bool = False, size: tuple[float, float] = (6, 4),
    tinted: bool = False,
) -> Image.Image:
    fig, ax = plt.subplots(figsize=size, dpi=100)
    if tinted:  # a grey plot area under white gridlines, no frame
        ax.set_facecolor("#eaeaf2")
        ax.grid(True, color="white")
        ax.set_axisbelow(True)
        for spine in ax.spines.values():
            spine.set_visible(False)
    names = [f"Item {i}" for i in range(len(values))]
    if horizontal:
        ax.barh(names, values, color="#2a7ab9")
    else:
        ax.bar(names, values, color="#2a7ab9")
    ax.set_title("Totals")
    return _png(fig)


def _table(
    rows: int = 8, cols: int = 4, zebra: bool = True, dark_header: bool = True
) -> Image.Image:
    cw, rh = 130, 28
    img = Image.new("RGB", (cols * cw + 20, rows * rh + 20), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    for r in range(rows):
        y = 10 + r * rh
        if r == 0 and dark_header:
            d.rectangle((10, y, 10 + cols * cw, y + rh), fill=(40, 40, 60))
        elif zebra and r % 2 == 0:
            d.rectangle((10, y, 10 + cols * cw, y + rh), fill=(225, 232, 240))
        for c in range(cols):
            text = f"H{c}" if r == 0 else f"{(r * 37 + c * 11) % 1000}"
            d.text(
                (16 + c * cw, y + 8),
                text,
                fill="white" if r == 0 and dark_header else "black",
                font=font,
            )
    return img


def _figure(panels: list[Image.Image], cols: int, gap: int = 30) -> Image.Image:
    w = max(p.width for p in panels)
    h = max(p.height for p in panels)
    rows = (len(panels) + cols - 1) // cols
    img = Image.new(
        "RGB", (cols * w + (cols + 1) * gap, rows * h + (rows + 1) * gap), (236, 236, 236)
    )
    for k, p in enumerate(panels):
        r, c = divmod(k, cols)
        img.paste(p.convert("RGB"), (gap + c * (w + gap), gap + r * (h + gap)))
    return img


def test_bar_charts_are_charts() -> None:
    assert classify_kind(_chart([3, 7, 5, 2, 6])) == "chart"
    assert classify_kind(_chart([9, 4, 6], horizontal=True)) == "chart"


def test_tables_are_tables() -> None:
    assert classify_kind(_table()) == "table"
    assert classify_kind(_table(zebra=False, dark_header=False)) == "table"


def test_panel_grids_are_figures() -> None:
    small = (4, 3)
    panels = [
        _chart([3, 5, 2], size=small),
        _chart([4, 1, 6, 2], size=small),
        _chart([2, 2, 5], True, small),
        _chart([7, 3], size=small),
    ]
    assert classify_kind(_figure(panels, cols=2)) == "figure"


def test_decision_rules() -> None:
    # Features(n_bars, distinct_lengths, bar_cover, n_panels, panel_cover, panel_balance,
    #          bars_cross_panels)
    base = Features(0, False, 0.0, 1, 1.0, 1.0, False)
    assert decide(base) == "table"
    assert decide(Features(6, True, 0.2, 1, 1.0, 1.0, False)) == "chart"
    # Stripes of one length are a table's, not bars.
    assert decide(Features(8, False, 0.2, 1, 1.0, 1.0, False)) == "table"
    assert decide(Features(6, True, 0.2, 4, 0.8, 0.9, False)) == "figure"
    # One chart cut by whitespace: its bars keep their spacing across the cut.
    assert decide(Features(6, True, 0.2, 2, 0.8, 0.9, True)) == "chart"
    # A big plot and a small legend column are not two panels.
    assert decide(Features(6, True, 0.2, 2, 0.8, 0.05, False)) == "chart"


def test_zebra_stripes_and_section_bands_are_not_bars() -> None:
    img = _table(rows=14, zebra=True)
    d = ImageDraw.Draw(img)
    d.rectangle((10, 10 + 5 * 28, img.width - 10, 10 + 6 * 28), fill=(60, 60, 60))
    assert classify_kind(img) == "table"


def test_bars_with_a_wide_gap_are_one_chart() -> None:
    # Bars on a white page, a wide gap in the middle, one baseline under all: one chart.
    img = Image.new("RGB", (900, 500), "white")
    d = ImageDraw.Draw(img)
    heights = [300, 220, 380, 150, 260, 330]
    for i, h in enumerate(heights):
        x = 40 + i * 70 + (260 if i >= 3 else 0)
        d.rectangle((x, 450 - h, x + 40, 450), fill=(30, 100, 200))
    d.line((20, 451, 880, 451), fill=(0, 0, 0))
    assert classify_kind(img) == "chart"


def test_features_are_measured_on_a_reduced_copy() -> None:
    small = _chart([3, 7, 5, 2, 6])
    big = small.resize((small.width * 4, small.height * 4), Image.Resampling.NEAREST)
    assert classify_kind(big) == "chart"


def test_degenerate_images_do_not_break_anything() -> None:
    from refocus_dsl.detect.chart import detect_chart
    from refocus_dsl.detect.figure import find_panels

    class NoOcr:
        name = "none"
        version = "0"
        calls = 0
        seconds = 0.0

        def words(self, image: Image.Image, **_: object) -> list[object]:
            return []

    for img in (
        Image.new("RGB", (1, 1)),
        Image.new("L", (5, 5), 0),
        Image.new("RGBA", (40, 30), (0, 0, 0, 0)),
        Image.new("RGB", (300, 200), "black"),
    ):
        assert classify_kind(img) == "table"
        layout = detect_chart(img, NoOcr())  # type: ignore[arg-type]
        assert layout.chart is not None and layout.chart.categories == () and layout.notes
        assert len(find_panels(img).boxes) <= 1


def _noisy(img: Image.Image, sd: float = 8.0, seed: int = 0) -> Image.Image:
    """Grey sensor grain, as a scan or a photographed screen adds."""
    rgb = np.asarray(img.convert("RGB")).astype(np.float32)
    grain = np.random.default_rng(seed).normal(0.0, sd, rgb.shape[:2])[..., None]
    return Image.fromarray(np.clip(rgb + grain, 0, 255).astype(np.uint8))


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def test_grain_between_panels_is_still_whitespace() -> None:
    # Panels edge to edge, their own white margins the only whitespace: grain makes
    # every gap pixel differ from the page colour, and the figure must not become one
    # piece (it read as a table).
    values = ([3, 5, 2], [4, 1, 6, 2], [2, 6, 3, 5], [5, 2, 4])
    panels = [
        _chart(v, horizontal=k == 1, size=(4, 3), tinted=True).convert("RGB")
        for k, v in enumerate(values)
    ]
    w, h = panels[0].size
    page = Image.new("RGB", (2 * w, 2 * h), "white")
    for k, p in enumerate(panels):
        page.paste(p, ((k % 2) * w, (k // 2) * h))
    assert classify_kind(page) == "figure"
    for seed in range(3):
        assert classify_kind(_noisy(page, seed=seed)) == "figure"


def test_degraded_tables_and_charts_keep_their_kind() -> None:
    table = _table()
    assert classify_kind(table.filter(ImageFilter.GaussianBlur(1))) == "table"
    assert classify_kind(_jpeg(table, 30)) == "table"
    chart = _chart([3, 7, 5, 2, 6])
    assert classify_kind(_noisy(chart)) == "chart"
    assert classify_kind(_jpeg(chart, 30)) == "chart"


def _grouped(values: list[list[float]], tinted: bool = False) -> Image.Image:
    """Grouped bars: one colour a series, touching within a group."""
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if tinted:
        ax.set_facecolor("#e5e5e5")
        ax.grid(True, color="white")
        ax.set_axisbelow(True)
    x = np.arange(len(values[0]))
    width = 0.8 / len(values)
    for k, series in enumerate(values):
        ax.bar(x + k * width, series, width)
    ax.set_xticks(x, [f"Year {i}" for i in x])
    return _png(fig)


def test_a_series_of_nearly_equal_bars_does_not_hide_the_others() -> None:
    # The first series' bars are all about one length (like a table's stripes); the
    # other series' are not: still a chart.
    assert classify_kind(_grouped([[80.9, 83.0, 80.0, 80.4], [67, 66, 65, 60]])) == "chart"


def test_tinted_plot_strips_between_gridlines_are_not_the_bars() -> None:
    # Two long bars on a grey plot cut by white gridlines into many equal strips.
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    ax.set_facecolor("#e5e5e5")
    ax.grid(True, color="white")
    ax.set_axisbelow(True)
    ax.barh(["2017-2016", "2018-2017"], [8.2, 6.9])
    assert classify_kind(_png(fig)) == "chart"


def test_a_ruled_table_with_a_tinted_header_row_is_a_table() -> None:
    # Header cells are tinted boxes of unequal widths, a text line tall: no bars.
    widths = [60, 170, 120, 90, 150]
    img = Image.new("RGB", (sum(widths) + 40, 24 * 14 + 40), "white")
    d = ImageDraw.Draw(img)
    x0 = 20
    for c, w in enumerate(widths):
        for r in range(14):
            y = 20 + 24 * r
            fill = (234, 236, 240) if r == 0 else "white"
            d.rectangle((x0, y, x0 + w, y + 24), fill=fill, outline=(160, 160, 160))
            d.text((x0 + 5, y + 6), f"H{c}" if r == 0 else f"{r * 7 + c} x", fill="black")
        x0 += w
    assert classify_kind(img) == "table"
    assert classify_kind(_jpeg(img, 60)) == "table"


def test_framed_panels_touching_the_edge_are_a_figure() -> None:
    # A row of framed bar charts whose frames start one pixel from the image's edge.
    panels = [_chart(v, size=(3, 2.5)).convert("RGB") for v in ([3, 5, 2], [1, 4, 2, 5], [6, 2])]
    w, h = panels[0].size
    gap = 14
    img = Image.new("RGB", (3 * w + 2 * gap + 2, h + 2), "white")
    d = ImageDraw.Draw(img)
    for k, p in enumerate(panels):
        x = 1 + k * (w + gap)
        img.paste(p, (x, 1))
        d.rectangle((x, 1, x + w - 1, h), outline=(0, 0, 0), width=2)
    assert classify_kind(img) == "figure"


def _hbars(values: list[float], size: tuple[float, float] = (8, 5.5)) -> Image.Image:
    """Wide horizontal bars, wide gaps, dashed light gridlines, no frame (a web look)."""
    fig, ax = plt.subplots(figsize=size, dpi=100)
    names = [f"Sector {i}" for i in range(len(values))]
    ax.barh(names, values, height=0.55, color="#2876dd")
    ax.xaxis.grid(True, color="#dddddd", linestyle="--")
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(left=False)
    return _png(fig)


def test_bars_far_apart_on_one_baseline_are_one_chart() -> None:
    # Whitespace between the bars cuts the image into strips, one bar each.
    img = _hbars([91.9, 46.8, 65.8, 60.2, 38.0, 49.4, 26.1])
    assert classify_kind(img) == "chart"
    assert classify_kind(_jpeg(img, 30)) == "chart"


def test_stacked_bar_chart_panels_are_a_figure() -> None:
    # Two horizontal-bar panels one above the other: the same baseline, but each
    # panel has its own value axis between its bars and the next panel's.
    top = _chart([5, 9, 3], horizontal=True, size=(6, 3)).convert("RGB")
    bottom = _chart([4, 2, 7], horizontal=True, size=(6, 3)).convert("RGB")
    img = Image.new("RGB", (top.width, top.height + bottom.height + 12), "white")
    img.paste(top, (0, 0))
    img.paste(bottom, (0, top.height + 12))
    assert classify_kind(img) == "figure"


def _text_table(zebra: bool, rows: int = 10) -> Image.Image:
    """A borderless table in a TrueType font, wide gaps between its text columns."""
    from matplotlib import font_manager

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 14)
    widths = [60, 190, 170, 90, 200]
    img = Image.new("RGB", (sum(widths) + 60, 30 * rows + 80), "white")
    d = ImageDraw.Draw(img)
    d.text((20, 14), "Championship results, final round", fill="black", font=font)
    for r in range(rows):
        y = 50 + 30 * r
        if zebra and r % 2 == 1:
            d.rectangle((20, y, 20 + sum(widths), y + 30), fill=(238, 238, 238))
        x = 28
        for c, w in enumerate(widths):
            text = ("Rank", "Name", "Nationality", "Time", "Club")[c] if r == 0 else (
                f"{r}", f"Runner {chr(65 + r)}son", f"Country {r % 4}", f"2{r}.{c}1",
                f"Athletic Club {r * 3}")[c]
            d.text((x, y + 7), text, fill="black", font=font)
            x += w
    return img


def test_jpeg_ringing_does_not_turn_text_columns_into_panels_or_stripes_into_bars() -> None:
    for zebra in (False, True):
        img = _text_table(zebra)
        assert classify_kind(img) == "table"
        assert classify_kind(_jpeg(img, 30)) == "table"
        assert classify_kind(_jpeg(img.resize((img.width // 2, img.height // 2)), 40)) == "table"


@pytest.fixture
def prepare_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The shapes the chart detector's ``prepare`` is called on from now on (it still
    does its work)."""
    from refocus_dsl.detect import chart

    calls: list[tuple[int, ...]] = []
    real = chart.prepare

    def counted(rgb: np.ndarray) -> object:  # type: ignore[type-arg]
        calls.append(rgb.shape)
        return real(rgb)

    monkeypatch.setattr(chart, "prepare", counted)
    return calls


def test_the_chart_detector_reuses_the_classifiers_pixel_work(
    ocr: OcrEngine, prepare_calls: list[tuple[int, ...]]
) -> None:
    # kind auto: the classifier reads the fills once and the chart detector takes them
    # over (no second prepare); the layout is the one kind="chart" gives.
    from refocus_dsl.detect import detect_layout

    calls = prepare_calls
    img = _chart([3, 7, 5, 2, 6], size=(5, 3.5))  # small enough to classify at its size
    auto = detect_layout(img, "auto", ocr=ocr, cache=False)
    assert auto.kind == "chart" and calls == []
    direct = detect_layout(img, "chart", ocr=ocr, cache=False)
    assert len(calls) == 1
    assert auto.chart == direct.chart and auto.confidence == direct.confidence


def test_a_one_panel_figure_reading_reuses_the_classifiers_pixel_work(
    ocr: OcrEngine, monkeypatch: pytest.MonkeyPatch, prepare_calls: list[tuple[int, ...]]
) -> None:
    # The classifier said figure and the figure detector found one panel: its chart
    # reading starts from the classifier's fills too, with the same result.
    import refocus_dsl.detect as detect
    from refocus_dsl.detect import classify, figure

    calls = prepare_calls
    img = _chart([3, 7, 5, 2, 6], size=(5, 3.5))
    handed = classify.analyse(img).prepared  # the classifier's own prepare is not counted
    assert handed is not None  # small enough to classify at its own size
    chosen = detect._Classified("figure", "test", handed)
    monkeypatch.setattr(detect, "_classified", lambda im: chosen)
    notes: list[str] = []
    given = detect._detect_kind(img, "auto", ocr, notes)[2]
    assert calls == [] and given.kind == "chart" and given.subplots
    fresh = figure.detect_figure(img, ocr)
    assert len(calls) == 1
    assert given.chart == fresh.chart and given.confidence == fresh.confidence


def test_two_nearly_equal_bars_on_a_big_image_are_a_chart() -> None:
    # The bars' far ends differ by about 1%: a few pixels on the reduced copy, where a
    # table's stripes reach exactly as far as each other.
    assert classify_kind(_chart([11.05, 10.9], size=(16, 10))) == "chart"


def test_framed_panels_a_few_pixels_apart_are_a_figure() -> None:
    # Frames 3 px apart: on the half-size copy the gap is a pixel or two, which a blur
    # would close; a clean page is not blurred.
    panels = [_chart(v, size=(4, 3)).convert("RGB") for v in ([3, 5, 2], [1, 4, 2, 5])]
    w, h = panels[0].size
    img = Image.new("RGB", (2 * w + 3 + 8, h + 8), "white")
    d = ImageDraw.Draw(img)
    for k, p in enumerate(panels):
        x = 4 + k * (w + 3)
        img.paste(p, (x, 4))
        d.rectangle((x, 4, x + w - 1, 4 + h - 1), outline=(0, 0, 0), width=2)
    assert classify_kind(img) == "figure"


def _series_groups(
    horizontal: bool, groups: int, size: tuple[float, float], width: float = 0.27
) -> Image.Image:
    """Touching bars of three series per group (PlotQA's look: one colour a series)."""
    fig, ax = plt.subplots(figsize=size, dpi=100)
    x = np.arange(groups)
    rng = np.random.default_rng(groups)
    for k, colour in enumerate(("#e9967a", "#0000fe", "#8a2be2")):
        values = rng.uniform(5, 60, groups)
        if horizontal:
            ax.barh(x + width * k, values, width, color=colour, label=f"S{k}")
        else:
            ax.bar(x + width * k, values, width, color=colour, label=f"S{k}")
    ax.legend(loc="center right", bbox_to_anchor=(1.3, 0.5))
    fig.tight_layout()
    return _png(fig)


def test_one_group_of_touching_bars_is_a_chart() -> None:
    # One category: each series has a single bar, touching its neighbours; they are
    # told apart at their colour steps.
    assert classify_kind(_series_groups(False, 1, (8, 5))) == "chart"


def test_thin_grouped_bars_in_a_reduced_copy_are_a_chart() -> None:
    # Six groups of three horizontal bars on an image reduced by half: each bar is three
    # or four pixels thick in the copy the features are measured on.
    img = _series_groups(True, 6, (7.5, 6.5), 0.12)
    img = img.resize((img.width * 7 // 10, img.height * 7 // 10), Image.Resampling.LANCZOS)
    assert img.width * img.height > 200_000
    assert classify_kind(img) == "chart"


def _labelled_bars(values: list[float], inside: bool) -> Image.Image:
    """Bars with their values printed on them: above or below each bar's end, or in white
    inside the bar (a Statista or Pew style), with the zero line drawn across."""
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    names = [f"Item {i}" for i in range(len(values))]
    bars = ax.bar(names, values, color="#2876dd", width=0.7)
    ax.axhline(0, color="#333333", linewidth=1)
    ax.bar_label(bars, labels=[f"{v:.1f}%" for v in values], fontsize=10,
                 label_type="edge" if not inside else "center", padding=3 if not inside else 0,
                 color="black" if not inside else "white")
    return _png(fig)


def test_bars_both_sides_of_zero_are_a_chart() -> None:
    """Bars below zero hang from the line that the bars above it stand on: neither their
    tops nor their bottoms line up, but each touches the zero line with one end."""
    assert classify_kind(_labelled_bars([4.0, -6.0, 5.0, 7.0, -5.5], inside=False)) == "chart"
    assert classify_kind(_labelled_bars([-3.0, 6.0, -7.0, 2.5], inside=False)) == "chart"



def _values_inside(font_px: int, quality: int) -> Image.Image:
    """Pew-style columns with each value printed in white inside the bar's top, JPEG'd:
    in the two short bars the label spans most of the bar."""
    from matplotlib import font_manager

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), font_px)
    img = Image.new("RGB", (800, 540), "white")
    d = ImageDraw.Draw(img)
    base = 434
    for i, v in enumerate([28.3, 48.1, 7.8, 34.1, 54.9, 75.7, 36.2, 37.1, 80.5, 8.9]):
        x, top = 35 + 75 * i, base - round(v * 4.0)
        d.rectangle((x, top, x + 54, base), fill=(209, 167, 48))
        d.text((x + 27 - d.textlength(f"{v}%", font=font) / 2, top + 6), f"{v}%",
               fill="white", font=font)
        d.text((x + 5, base + 12), f"Name {i}", fill="black", font=font)
    d.line((25, base, 775, base), fill=(80, 80, 80), width=2)
    return _jpeg(img, quality)


def test_short_bars_cut_by_the_value_printed_inside_them_are_a_chart() -> None:
    """A value label in white inside a short bar leaves strips of the bar either side of it,
    much thinner than the bars: those pieces are dropped, not taken as unequal bars."""
    assert classify_kind(_values_inside(13, 50)) == "chart"
    assert classify_kind(_values_inside(16, 30)) == "chart"



def test_dense_thin_bars_are_a_chart() -> None:
    """Daily-data column charts (the drawn "dense" style: 60-160 bars 4-6 px thick, a pixel
    or two apart): in the reduced copy the bars blend with their gaps and vanish when it is
    shrunk, so they are looked for at twice the size. Seeds read as tables before."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from _drawn_charts import draw

    for seed in (1, 8):
        img = draw("dense", seed).image
        assert img.width * img.height > 200_000  # the copy is reduced
        assert classify_kind(img) == "chart"


def _line_plot(seed: int) -> Image.Image:
    fig, ax = plt.subplots(figsize=(3.6, 2.4), dpi=100)
    ax.plot(range(2010, 2019), [(seed * 7 + k * k) % 13 for k in range(9)], marker="o")
    ax.set_title(f"Series {seed}")
    return _png(fig)


def _ruled_table(rows: int, cols: int, seed: int) -> Image.Image:
    """A small table ruled round every cell, as a figure's table panel is drawn."""
    from matplotlib import font_manager

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 13)
    cw, rh = 54, 28
    img = Image.new("RGB", (cols * cw + 1, rows * rh + 1), "white")
    d = ImageDraw.Draw(img)
    names = ["Travel", "Food", "Media", "Steel", "Africa", "Health"]
    for r in range(rows):
        for c in range(cols):
            d.rectangle((c * cw, r * rh, (c + 1) * cw, (r + 1) * rh), outline=(60, 60, 60))
            text = (("Item", "2019", "2020", "2021")[c] if r == 0 else names[(r + seed) % 6]
                    if c == 0 else f"{(r * 37 + c * 11 + seed) % 90 + 10}.{c}")
            d.text((c * cw + 4, r * rh + 7), text, fill="black", font=font)
    return img


@pytest.mark.parametrize("with_third_plot", [False, True])
def test_two_tables_side_by_side_under_plots_are_a_figure(with_third_plot: bool) -> None:
    """A figure mixing plots and two small tables whose rows line up: the two tables are
    parts of one table to the text test, but they are a small share of the pieces; the
    plots make it a figure. The two tables alone are still one table."""
    t1, t2 = _ruled_table(4, 4, 0), _ruled_table(7, 3, 1)
    a, b = _line_plot(0), _line_plot(1)
    img = Image.new("RGB", (a.width + b.width + 30, a.height + 40 + t2.height), "white")
    img.paste(a, (5, 5))
    img.paste(b, (a.width + 25, 5))
    y = a.height + 20
    img.paste(t1, (15, y))
    img.paste(t2, (40 + t1.width, y))
    if with_third_plot:
        img.paste(_line_plot(2).resize((220, 240)), (65 + t1.width + t2.width, y))
    assert classify_kind(img) == "figure"
    tables = Image.new("RGB", (t1.width + t2.width + 60, t2.height + 40), "white")
    tables.paste(t1, (20, 20))
    tables.paste(t2, (45 + t1.width, 20))
    assert classify_kind(tables) == "table"


def _page_cut_by_the_picture(seed: int) -> Image.Image:
    """A ruled table photographed with its right side out of the picture: two shaded
    section rows run into the picture's edge, and the light falling from the top left
    pales the left of the upper one more than the lower one, so the two fills of the
    shade reach different lengths."""
    w, h = 460, 230
    ink = (40, 38, 35)
    img = Image.new("RGB", (w, h), (238, 229, 214))
    d = ImageDraw.Draw(img)
    for k, kind in enumerate(["head", "section", "row", "row", "section", "row", "row"]):
        y = 15 + 27 * k
        if kind == "section":
            d.rectangle((20, y, w, y + 26), fill=(200, 192, 181))
            d.text((28, y + 8), "Government" if k < 3 else "Households", fill=ink)
        else:
            for c, x in enumerate([20, 130, 200, 270, 350, 420]):
                text = f"Col{c}" if kind == "head" else f"{(k * 37 + c * 11) % 97}.{c}"
                d.text((x + 8, y + 8), text, fill=ink)
                d.line((x, y, x, y + 27), fill=ink)
        d.line((20, y, w, y), fill=ink)
    d.line((20, 15 + 27 * 7, w, 15 + 27 * 7), fill=ink)
    rgb = np.asarray(img).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    rgb *= (1.0 + 0.1 * np.clip(1 - xx / (0.5 * w) - yy / h, 0, 1))[..., None]
    rgb += np.random.default_rng(seed).normal(0.0, 3.0, rgb.shape)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.8))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shaded_rows_cut_by_the_pictures_edge_are_no_bars(seed: int) -> None:
    # A chart draws its bars whole inside its margins; fills the picture's edge cuts
    # have no length to go by (they were read as two bars of different lengths).
    assert classify_kind(_page_cut_by_the_picture(seed)) == "table"


def _one_tall_bar(values: list[float]) -> Image.Image:
    """Grey bars with their values above, a baseline and no other axis or frame (a
    news chart): open page beside the tallest bar from top to bottom."""
    fig, ax = plt.subplots(figsize=(6.4, 5.9), dpi=100)
    bars = ax.bar([str(2010 + i) for i in range(len(values))], values, color="#6b6b6b",
                  width=0.6)
    for bar, v in zip(bars, values, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, v + 1, f"{v:.1f}", ha="center",
                va="bottom", fontsize=9)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_yticks([])
    fig.suptitle("Use of online platforms grew", x=0.02, ha="left", fontweight="bold")
    return _png(fig)


@pytest.mark.parametrize("values", [
    [79, 22, 37, 34, 7, 24, 87, 66, 16, 73, 63, 77],
    [35, 62, 20, 48, 90, 58, 12, 44, 71, 30],
    [55, 70, 33, 8, 91, 65, 24, 77, 50, 60, 38, 46],
])
def test_pieces_cut_apart_through_a_bar_are_one_chart(values: list[float]) -> None:
    # The unblurred copy came apart into two pieces either side of a tall bar (the
    # panel finder took it for a divider); whitespace never lies inside a fill, so a
    # bar of the run standing between the pieces makes them one chart.
    assert classify_kind(_one_tall_bar(values)) == "chart"
