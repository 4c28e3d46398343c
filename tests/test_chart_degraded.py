"""Bar charts that went through a scanner or a camera: grain, blur, JPEG, smaller size.

Charts are drawn here with matplotlib (exact geometry), degraded with Pillow and
numpy, and their bars must still be found where they were drawn.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from chart_helpers import Drawn, draw_chart
from PIL import Image, ImageFilter

from refocus_dsl.detect._bars import edge_strip
from refocus_dsl.detect._fills import denoised, fill_spread, grain
from refocus_dsl.detect._raster import border_colour, gray, palette
from refocus_dsl.detect.chart import detect_chart, find_bars
from refocus_dsl.lang.labels import compact_label
from refocus_dsl.layout import Box
from refocus_dsl.ocr import OcrEngine
from refocus_dsl.scoring.common import iou


def _grainy(image: Image.Image, sigma: float, seed: int = 0) -> Image.Image:
    """Grey grain of standard deviation ``sigma`` added to every channel alike."""
    arr = np.asarray(image.convert("RGB"), dtype=np.float32)
    noise = np.random.default_rng(seed).normal(0.0, sigma, size=arr.shape[:2])
    return Image.fromarray(np.clip(arr + noise[..., None], 0, 255).astype(np.uint8), "RGB")


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _scanned(image: Image.Image, scale: float) -> tuple[Image.Image, float]:
    """Smaller, softened, grainy and JPEG'd, as a scan of a printed chart comes back."""
    small = image.convert("RGB").resize(
        (round(image.width * scale), round(image.height * scale)), Image.Resampling.BOX
    )
    soft = _grainy(small.filter(ImageFilter.GaussianBlur(0.7)), 4.0, seed=1)
    return _jpeg(soft, 60), scale


def _scaled(box: Box, s: float) -> Box:
    return (round(box[0] * s), round(box[1] * s), round(box[2] * s), round(box[3] * s))


def _bars_found(image: Image.Image, drawn: Drawn, ocr: OcrEngine, s: float = 1.0) -> None:
    chart = detect_chart(image, ocr).chart
    assert chart is not None
    found = [c.bar_bbox for c in chart.categories if c.bar_bbox is not None]
    assert len(found) == len(drawn.bars), found
    for got, want in zip(found, drawn.bars, strict=True):
        assert iou(got, _scaled(want, s)) >= 0.8, (got, _scaled(want, s))


def test_grain_is_measured_and_flat_fills_have_none() -> None:
    flat = np.full((60, 80), 150, dtype=np.int16)
    assert grain(flat) == 0.0
    noisy = flat + np.random.default_rng(3).normal(0.0, 6.0, size=flat.shape)
    assert 4.5 <= grain(noisy) <= 7.5


def test_a_tolerant_palette_keeps_a_grainy_fill_one_colour() -> None:
    # A fill on a bin edge (160 = 20 bins of 8) with grain: without tolerance its pixels
    # fall into several bins of similar counts, none of which takes the others in.
    fill = np.full((80, 80, 3), (148, 160, 160), dtype=np.uint8)
    noise = np.random.default_rng(5).normal(0.0, 3.0, size=(80, 80, 1))
    rgb = np.clip(fill + noise, 0, 255).astype(np.uint8)
    plain = palette(rgb, 30).labels
    assert np.bincount(plain[plain >= 0]).max() < 0.7 * plain.size
    tolerant = palette(rgb, 30, tolerance=9.0)
    assert len(tolerant.colours) == 1
    assert np.mean(tolerant.labels == 0) >= 0.99
    assert max(abs(a - b) for a, b in zip(tolerant.colours[0], (148, 160, 160), strict=True)) <= 2


def test_a_clean_chart_is_read_as_it_is() -> None:
    drawn = draw_chart(["North", "South", "East"], [[3.0, 5.0, 4.0]])
    rgb = np.asarray(drawn.image.convert("RGB"))
    work = denoised(rgb)
    assert work.grain == 0.0 and work.rgb is rgb


def test_bars_under_heavy_grain(ocr: OcrEngine) -> None:
    drawn = draw_chart(
        ["Apples", "Berlin", "Canada", "Delta"], [[3.0, 7.0, 5.0, 2.0], [4.0, 2.0, 6.0, 5.0]],
        colours=["#93a3a3", "#d0b080"],
    )
    _bars_found(_grainy(drawn.image, 8.0), drawn, ocr)


def test_horizontal_bars_from_a_scan(ocr: OcrEngine) -> None:
    drawn = draw_chart(
        ["Apples", "Berlin", "Canada", "Delta", "Energy"], [[3.0, 7.0, 5.0, 2.0, 6.0]],
        horizontal=True, colours=["#5b8db8"],
    )
    image, s = _scanned(drawn.image, 0.5)
    _bars_found(image, drawn, ocr, s)


def test_fill_spread_is_read_off_a_jpeg_and_is_nil_on_flat_fills() -> None:
    drawn = draw_chart(
        ["Apples", "Berlin", "Canada"], [[3.0, 5.0, 4.0], [2.0, 6.0, 3.0]],
        colours=["#ffd700", "#8b2be2"],
    )
    clean = np.asarray(drawn.image.convert("RGB"))
    assert fill_spread(clean, border_colour(clean)) == 0.0
    jpeg = np.asarray(_jpeg(drawn.image, 30))
    # JPEG leaves most of a fill exact, so the grain's median says nothing; the spread
    # sees the pixels it moved near the bars' edges (several levels at quality 30).
    assert grain(gray(jpeg)) == 0.0
    assert fill_spread(jpeg, border_colour(jpeg)) >= 8.0
    assert denoised(jpeg).tolerance >= 8.0


@pytest.mark.parametrize(
    ("colours", "quality"), [(["#ffd700", "#8b2be2"], 30), (["#1f77b4", "#ff7f0e", "#2ca02c"], 50)]
)
def test_grouped_bars_from_a_jpeg(ocr: OcrEngine, colours: list[str], quality: int) -> None:
    # JPEG's ringing and halved chroma move a fill's pixels near its edges by a dozen
    # levels and more (saturated yellow and violet most), over several palette bins.
    values = [[3.0, 7.0, 5.0, 2.0, 6.0], [4.0, 2.0, 6.0, 5.0, 3.0], [2.0, 3.0, 1.0, 4.0, 2.0]]
    drawn = draw_chart(
        ["Apples", "Berlin", "Canada", "Delta", "Energy"], values[: len(colours)],
        colours=colours,
    )
    _bars_found(_jpeg(drawn.image, quality), drawn, ocr)


def test_a_bars_jpegd_end_by_the_axis_is_no_bar_of_its_own() -> None:
    # Blue and navy bars on a black axis (a common news-chart palette), JPEG'd: the
    # band between a bar's end and the axis blurs dark, near navy, and was read as a
    # thin navy bar under each blue one, which split every group in two.
    img = np.full((400, 700, 3), 255, np.uint8)
    for i, (n, m) in enumerate(((250, 120), (180, 260), (300, 90), (140, 200))):
        x = 60 + 160 * i
        img[350 - n : 350, x : x + 50] = (40, 114, 220)
        img[350 - m : 350, x + 55 : x + 105] = (15, 37, 56)
    img[350:352, 40:680] = (0, 0, 0)
    bars = find_bars(np.asarray(_jpeg(Image.fromarray(img), 30)))[0]
    slivers = [r for r in bars.bars if edge_strip(r, bars.bars, bars.orientation)]
    assert not slivers, slivers


STACKS = {
    False: ([[1.1, 4.7, 4.9, 3.2], [7.5, 1.3, 4.9, 1.6], [8.6, 7.0, 3.9, 4.4],
             [2.1, 3.8, 4.4, 7.6]], ["#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]),
    True: ([[1.6, 5.3, 3.9, 1.5, 5.1], [1.3, 4.5, 1.6, 1.7, 4.4], [7.6, 2.0, 2.8, 6.0, 8.6]],
           ["#9467bd", "#8c564b", "#e377c2"]),
}


@pytest.mark.parametrize("horizontal", [False, True])
def test_stacked_bars_from_a_jpeg(ocr: OcrEngine, horizontal: bool) -> None:
    # JPEG 30 leaves a thick segment's sides ragged by up to a block and blurs each join
    # over rows of neither colour: every segment must still be stacked on its bar.
    values, colours = STACKS[horizontal]
    drawn = draw_chart(
        ["Apples", "Berlin", "Canada", "Delta", "Energy"][: len(values[0])], values,
        stacked=True, horizontal=horizontal, colours=colours,
    )
    chart = detect_chart(_jpeg(drawn.image, 30), ocr).chart
    assert chart is not None and len(chart.categories) == len(drawn.each)
    for cat, want in zip(chart.categories, drawn.each, strict=True):
        got = [b for b in cat.bars if b is not None]
        assert len(got) == len(want), (cat.label, got, want)
        for w in want:
            assert max(iou(g, w) for g in got) >= 0.7, (cat.label, got, w)


@pytest.mark.parametrize(
    ("names", "size"),
    [(["England", "Wales", "Scotland", "Ireland"], 9),
     (["White", "Asian", "Latino", "Black", "Other"], 11)],
)
def test_blurred_tick_labels_are_read(ocr: OcrEngine, names: list[str], size: int) -> None:
    # A chart softened by a one-pixel blur (a resized screenshot): tesseract drops small
    # blurred words as noise unless the strip is read again enlarged and sharpened.
    drawn = draw_chart(names, [[5.0 + i % 3 for i in range(len(names))]], labelsize=size)
    layout = detect_chart(drawn.image.convert("RGB").filter(ImageFilter.GaussianBlur(1.0)), ocr)
    assert layout.chart is not None
    got = [compact_label(c.label) for c in layout.chart.categories]
    assert got == [compact_label(n) for n in names], got


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_blurred_axis_is_no_row_of_bars(ocr: OcrEngine, horizontal: bool) -> None:
    # Blurred, the axis line is a band of blended greys that the bars cut into short
    # pieces standing on the baseline, all at one value span: no bars, no categories.
    names = ["England", "Wales", "Scotland", "Ireland"]
    values = [[5.0, 6.0, 7.0, 5.0], [4.0, 6.0, 5.0, 4.0]]
    drawn = draw_chart(names, values, horizontal=horizontal, labelsize=10)
    layout = detect_chart(drawn.image.convert("RGB").filter(ImageFilter.GaussianBlur(1.0)), ocr)
    assert layout.chart is not None
    cats = layout.chart.categories
    assert len(cats) == len(names), [(c.label, c.bar_bbox) for c in cats]
    for cat, want in zip(cats, drawn.bars, strict=True):
        assert cat.bar_bbox is not None and iou(cat.bar_bbox, want) >= 0.8, (cat.bar_bbox, want)
