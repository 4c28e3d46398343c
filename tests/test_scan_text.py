"""Reading text on small, soft and big tables: rules cut back to their core, a working
size that keeps fine structure, and text read from the original of a reduced copy."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from table_helpers import draw_table, make_cells

from refocus_dsl.detect import _scale, detect_layout
from refocus_dsl.detect._grid import Rule
from refocus_dsl.detect.table.structure import _thin_rule
from refocus_dsl.detect.table.text import (
    clean_text_image,
    edge_softness,
    enlarge,
    level_ink_dips,
    rule_core,
    steady_background,
)
from refocus_dsl.ocr import OcrEngine


def _band(rows: list[int], width: int = 300) -> np.ndarray:
    """A grey page (230) with the given grey for each row from y=10 on."""
    a = np.full((10 + len(rows) + 10, width), 230, np.uint8)
    for i, v in enumerate(rows):
        a[10 + i, 5 : width - 5] = v
    return a


def test_a_text_line_merged_into_a_rule_is_cut_off() -> None:
    # four rows of dense soft text (letters and spaces), a light valley, then a dark rule
    grey = _band([150, 150, 150, 150, 228, 228, 40, 40])
    grey[10:14, 5:295:4] = 225
    thin = _thin_rule(grey, Rule(10, 8, (5, 295)))
    assert thin.pos >= 14 and thin.end == 18  # the valley row at most, and the rule


def test_a_soft_rule_keeps_its_halo() -> None:
    # a blurred/JPEG'd rule: its halo fades on both sides and never darkens again
    grey = _band([215, 200, 40, 40, 190, 210])
    rule = Rule(10, 6, (5, 295))
    assert _thin_rule(grey, rule) == rule


def test_an_even_shade_beside_a_rule_stays_with_it() -> None:
    # a header's shade (or JPEG ringing) beside the rule darkens again, but evenly
    grey = _band([40, 200, 225, 170, 170, 170])
    rule = Rule(10, 6, (5, 295))
    assert _thin_rule(grey, rule) == rule


def test_text_stage_wipes_a_soft_rule_at_its_core_only() -> None:
    # contrast by row: the rule's halo (10, 35), its core, its halo (40, 20), and a
    # descender (90) reaching into the first halo row
    diff = np.zeros((20, 100), np.int16)
    for y, v in zip(range(8, 14), (10, 35, 160, 170, 40, 20), strict=True):
        diff[y, 5:95] = v
    diff[8, 20:24] = 90
    assert rule_core(diff, Rule(8, 6, (5, 95))) == Rule(10, 2, (5, 95))
    grey = (230 - diff).astype(np.uint8)
    out = clean_text_image(grey, np.full(20, 230.0), [Rule(8, 6, (5, 95))], [])
    assert out[8, 21] < 200  # the descender is kept (wiping the rule as found took it)
    assert out[8, 50] == 255 and (out[10:12, 5:95] == 255).all()


def test_a_dip_of_two_rows_in_the_background_is_taken_out() -> None:
    bg = np.array([240.0] * 6 + [188.0, 187.0] + [240.0] * 6 + [200.0] * 6 + [240.0] * 3)
    out = steady_background(bg)
    assert (out[:14] == 240).all()  # the dip through a soft line of text is gone
    assert (out[14:20] == 200).all()  # a band of shading keeps its edges


def test_a_dip_shorter_than_a_text_line_is_levelled_and_a_shaded_band_is_not() -> None:
    """Four rows through a bold dense header read darker than paper are its own ink."""
    bg = np.array(
        [239.0] * 6 + [169.0, 146.0, 143.0, 146.0] + [236.0] * 6 + [200.0] * 12 + [238.0] * 3
    )
    out = level_ink_dips(bg, 9.0)
    assert (out[6:10] > 230).all()  # the dip through the header's letters is gone
    assert (out[16:28] == 200).all()  # a band of shading, taller than a line, stays
    assert (level_ink_dips(bg, 3.0)[6:10] == bg[6:10]).all()  # a line shorter than the dip
    assert (level_ink_dips(bg, 0.0) == bg).all()  # no line height measured: nothing moves


def test_a_bold_dense_header_is_read_dark_on_white() -> None:
    """The cleaned header letters are darker than the paper between them, not light rims."""
    grey = np.full((30, 120), 238, np.uint8)
    for x in range(4, 116, 6):  # bold strokes covering most of rows 11-14
        grey[11:15, x : x + 5] = 145
        grey[8:18, x : x + 2] = 145
    out = clean_text_image(
        grey, np.where((np.arange(30) >= 11) & (np.arange(30) < 15), 146.0, 238.0), [], [], 9.0
    )
    assert out[12, 5] < 170 and out[12, 9] > 240  # ink dark, paper between white


def test_softness_tells_a_blurred_scan_from_a_crisp_render() -> None:
    from PIL import ImageFilter

    from refocus_dsl.detect._raster import grey_of
    from refocus_dsl.detect.table.structure import find_structure

    img = draw_table(make_cells(5, 3, 1), size=14).image
    soft = img.filter(ImageFilter.GaussianBlur(1.2))
    found = [find_structure(grey_of(im)) for im in (img, soft)]
    assert not isinstance(found[0], str) and not isinstance(found[1], str)
    assert edge_softness(found[0]) < 1.0 <= edge_softness(found[1])
    crisp = np.full((20, 40), 255, np.uint8)
    crisp[8:12, 5:35] = 0
    assert enlarge(crisp, (80, 40), 0.5).getextrema() == (0, 255)  # crisp: only resized
    sharpened = enlarge(crisp, (80, 40), 2.0)
    assert np.asarray(sharpened).std() > np.asarray(enlarge(crisp, (80, 40), 0.0)).std()


def _lines(size: tuple[int, int], pitch: int, text_rows: tuple[int, int]) -> Image.Image:
    """A rule every ``pitch`` rows and a dark text-like block between ``text_rows`` of each."""
    w, h = size
    a = np.full((h, w), 255, np.uint8)
    for y in range(0, h - pitch, pitch):
        a[y, :] = 0
        a[y + text_rows[0] : y + text_rows[1], 50 : w - 50 : 3] = 30
    return Image.fromarray(a)


def test_dense_lines_keep_a_finer_working_copy() -> None:
    img = _lines((3000, 3000), 15, (5, 11))  # gaps of 4 px between rules and text
    assert _scale.working_factor(img.size) == 3
    assert _scale.line_gap(img) == 4.0
    assert _scale.choose_factor(img) == 2  # a 4 px gap stays 2 px apart


def test_wide_gaps_or_no_lines_keep_the_pixel_budget() -> None:
    sparse = _lines((3000, 3000), 90, (30, 60))
    assert _scale.choose_factor(sparse) == _scale.working_factor(sparse.size)
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (2000, 2000), np.uint8))
    assert _scale.line_gap(noise) is None
    assert _scale.choose_factor(noise) == _scale.working_factor(noise.size)
    grid = np.full((3000, 3000), 255, np.uint8)
    grid[::2, :] = 0  # a 1 px grid: no factor keeps it, and it is no text
    assert _scale.choose_factor(Image.fromarray(grid)) == 3


def test_a_strip_too_thin_at_the_working_size_says_so() -> None:
    thin = Image.new("RGB", (150_000, 20), "white")  # analysed at 1/2: 75000 x 10
    layout = detect_layout(thin, cache=False)
    assert any("too thin for a line of text" in n for n in layout.notes)


def test_reduced_copy_reads_small_text_from_the_original(
    ocr: OcrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = draw_table(make_cells(6, 4, 3), size=16)
    img = drawn.image
    # a modest image stands for a huge one: analysed at a quarter of its size, where
    # its 16 px text is 4 px tall and unreadable
    monkeypatch.setattr(_scale, "WORK_PIXELS", img.width * img.height // 12)
    assert _scale.choose_factor(img) == 4
    small = detect_layout(img.reduce(4), "table", ocr=ocr, cache=False)
    assert small.table is None or [c.header for c in small.table.columns] != drawn.headers
    got = detect_layout(img, "table", ocr=ocr, cache=False)
    assert got.table is not None
    assert any("analysed at 1/4 size" in n for n in got.notes)
    assert [c.header for c in got.table.columns] == drawn.headers
    assert [r.label for r in got.table.rows] == drawn.labels
