"""Scan-like tables: a slight turn, light from one side, soft dense text (drawn with Pillow)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageDraw, ImageFilter
from table_helpers import (
    draw_table,
    drawn_family,
    make_cells,
    one_column_layout,
    structure_and_rows,
)

from refocus_dsl.detect import detect_layout
from refocus_dsl.detect._raster import even_light, grey_of
from refocus_dsl.detect.table.skew import skew_angle, turn_layout
from refocus_dsl.detect.table.structure import page_marks, row_background
from refocus_dsl.ocr import get_ocr

OCR = get_ocr()


def _turned(image: Image.Image, angle: float) -> Image.Image:
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))


@pytest.mark.parametrize("angle", [-0.7, -0.3, 0.45, 1.2])
def test_skew_is_read_from_the_rules_and_baselines(angle: float) -> None:
    for style in ("grid", "none"):
        drawn = draw_table(make_cells(8, 4, 2), style=style, size=16)
        _, _, marks = page_marks(grey_of(_turned(drawn.image, angle)))
        # what matters is the drift left over the table's width: at most about a pixel
        width = drawn.col_bounds[-1] - drawn.col_bounds[0]
        drift = abs(np.tan(np.radians(skew_angle(marks) - angle))) * width
        assert drift <= 1.5, (style, skew_angle(marks))


def test_a_straight_table_is_left_straight() -> None:
    for style in ("grid", "none", "booktabs"):
        drawn = draw_table(make_cells(8, 4, 3), style=style, size=16)
        _, _, marks = page_marks(grey_of(drawn.image))
        assert skew_angle(marks) == 0.0, style


def test_turned_soft_grid_reads_like_a_straight_one() -> None:
    """At 0.6 degrees a 1 px rule drifts 4 px over the table: no longer one line unless
    the page is straightened first; the boxes come back on the turned image."""
    cells = make_cells(9, 4, 7)
    drawn = draw_table(cells, style="grid", size=22, pad=10, sections={3: "Group A"})
    k = 0.5
    small = drawn.image.resize(
        (round(drawn.image.width * k), round(drawn.image.height * k)), Image.Resampling.BOX
    )
    turned = _turned(small, 0.6).filter(ImageFilter.GaussianBlur(0.7))
    layout = detect_layout(turned, "table", ocr=OCR, cache=False)
    t = layout.table
    assert t is not None
    assert len(t.columns) == len(drawn.col_bounds) - 1
    assert len(t.rows) == len(drawn.row_bounds) - 1
    assert layout.detector is not None
    assert layout.detector["skew_degrees"] == pytest.approx(0.6, abs=0.2)
    # the middle column boundary, moved by the turn about the image centre
    j = len(drawn.col_bounds) // 2
    x, y = drawn.col_bounds[j] * k, (drawn.row_bounds[0] + drawn.row_bounds[-1]) / 2 * k
    a = np.radians(0.6)
    cx, cy = turned.width / 2, turned.height / 2
    want = cx + np.cos(a) * (x - cx) + np.sin(a) * (y - cy)
    assert abs(t.columns[j].bbox[0] - want) <= 3


def test_turn_layout_moves_boxes_with_their_centres() -> None:
    layout = one_column_layout(1000, 60)
    assert turn_layout(layout, 0.0) == layout
    turned = turn_layout(layout, 1.0).table
    assert turned is not None
    assert turned.columns[0].bbox[1] > 10  # left of the centre: moves down
    assert turned.columns[0].bbox[2] - turned.columns[0].bbox[0] == 40


def test_even_light_takes_light_from_one_side_off() -> None:
    drawn = draw_table(make_cells(6, 3, 1), style="grid", size=16)
    grey = grey_of(drawn.image).astype(np.float64)
    h, w = grey.shape
    light = 1.0 - 0.15 * (np.arange(w, dtype=np.float64) / w)[None, :]
    lit = np.clip(grey * 0.94 * light, 0, 255).astype(np.uint8)
    flat = even_light(lit)
    paper = flat[grey == 255]
    assert paper.max() - paper.min() <= 4
    assert lit[grey == 255].max() - lit[grey == 255].min() >= 30
    even = grey_of(drawn.image)
    assert even_light(even) is even  # evenly lit: left as it is


def test_even_light_takes_a_photos_light_falling_off_to_the_corners_off() -> None:
    """A photo's light falls off towards the corners (brightest in the middle): no plane
    fits that, the quadratic surface fitted on the outer ring does."""
    drawn = draw_table(make_cells(8, 4, 6), style="grid", size=16)
    grey = grey_of(drawn.image).astype(np.float64)
    h, w = grey.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    fall = 1.0 - 0.15 * 2 * ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2)
    lit = np.clip(grey * 0.92 * fall, 0, 255).astype(np.uint8)
    paper = grey == 255
    assert lit[paper].max() - lit[paper].min() >= 30
    flat = even_light(lit)[paper]
    assert np.percentile(flat, 99) - np.percentile(flat, 1) <= 4


def test_row_background_through_soft_dense_text_is_the_paper() -> None:
    """A row through the middle of soft, dense text holds more of the text's greys than
    paper; the rows above and below tell what the paper is."""
    rng = np.random.default_rng(0)
    grey = (230 + rng.integers(-3, 4, size=(9, 200))).astype(np.uint8)
    # 65 % soft ink over 12 greys: its densest range (38 % of the row) beats the paper's
    grey[4, :130] = 170 + np.arange(130) % 12
    bg = row_background(grey, 0, 200)
    assert abs(bg[4] - 230) <= 3
    # ... but a shaded band starting at an edge keeps its own grey
    grey[6:] = 200
    bg = row_background(grey, 0, 200, edges=[6])
    assert bg[6] == 200 and abs(bg[5] - 230) <= 3


def test_a_worn_rule_with_gaps_still_parts_its_rows() -> None:
    """A row rule broken in two places (its longest piece well under the table's width)
    is still a row boundary across the whole table, not the short rule of a header."""
    cells = make_cells(8, 4, 4)
    drawn = draw_table(cells, style="grid", size=18, pad=8)
    draw = ImageDraw.Draw(drawn.image)
    x1, x2 = drawn.col_bounds[0], drawn.col_bounds[-1]
    for k in (3, 5):
        y = drawn.row_bounds[k]
        w = x2 - x1
        for a, b in ((0.2, 0.24), (0.5, 0.53)):
            draw.rectangle((x1 + int(a * w), y - 2, x1 + int(b * w), y + 2), fill=(255, 255, 255))
    soft = drawn.image.filter(ImageFilter.GaussianBlur(0.8))
    layout = detect_layout(soft, "table", ocr=OCR, cache=False)
    assert layout.table is not None
    assert len(layout.table.rows) == len(drawn.row_bounds) - 1, [r.bbox for r in layout.table.rows]
    assert len(layout.table.columns) == len(drawn.col_bounds) - 1


@pytest.mark.parametrize(("seed", "what"), [(4, "columns"), (10, "rows")])
def test_soft_faint_rules_are_found_by_their_core(seed: int, what: str) -> None:
    """Blur marks more rows around a thin faint rule than a rule is thick; the rows darker
    than half its contrast (its core) are the rule. Drawn by the benchmarks' scan-like
    family (two of its tuning seeds whose rules are like that)."""
    family = drawn_family()
    image, gold, _ = family.render_family_table(seed, "scan")
    layout = detect_layout(image, "table", ocr=OCR, cache=False)
    assert gold.table is not None and layout.table is not None
    assert len(getattr(layout.table, what)) == len(getattr(gold.table, what))


def test_a_descender_beside_a_soft_rule_survives_the_rules_removal() -> None:
    """Text set tight above a rule: the rule's even blur is taken off the line beside it,
    the darker descender there stays for OCR."""
    from refocus_dsl.detect._grid import Rule
    from refocus_dsl.detect.table.text import clean_text_image

    grey = np.full((40, 300), 240, np.uint8)
    grey[20] = 80
    grey[18:20] = 200
    grey[21:23] = 200  # the rule's blur on both sides
    grey[17:20, 50:53] = 90  # a descender reaching into it
    out = clean_text_image(grey, np.full(40, 240.0), [Rule(20, 1, (0, 300))], [])
    assert out[18, 51] <= 160 and out[19, 51] <= 160  # the old halo wipe made them 255
    assert out[18, 150] >= 250 and out[21, 150] >= 250 and out[20, 150] == 255


def test_row_agreement_drops_when_two_rows_are_read_as_one() -> None:
    """Evidence for calibration: a row whose every cell holds two lines is two rows."""
    import dataclasses

    from refocus_dsl.detect.table.build import make_grid, row_agreement

    drawn = draw_table(make_cells(8, 4, 9), style="grid", size=16, pad=6)
    st, rows, table = structure_and_rows(drawn)
    right = make_grid(st, rows, drawn.col_bounds[1:-1], table, [])
    assert row_agreement(right, 1, {}) == 1.0
    spans = list(rows.spans)
    spans[3:5] = [(spans[3][0], spans[4][1])]  # rows 3 and 4 read as one
    cuts = list(rows.cut_at)
    del cuts[3]
    merged_rows = dataclasses.replace(rows, spans=tuple(spans), cut_at=tuple(cuts))
    merged = make_grid(st, merged_rows, drawn.col_bounds[1:-1], table, [])
    assert row_agreement(merged, 1, {}) < 0.9


@pytest.mark.parametrize("seed", [31, 37])
def test_a_stub_header_centred_over_two_header_rows_makes_no_third(seed: int) -> None:
    """A booktabs two-level header: a group header over a short rule, the stub header
    centred over both header rows. The text lines below the short rule and above the
    next full rule are one header row (drawn by the benchmarks' report family)."""
    image, gold, info = drawn_family().render_family_table(seed, "report")
    assert info.header == "merged"
    layout = detect_layout(image, "table", ocr=OCR, cache=False)
    assert gold.table is not None and layout.table is not None
    assert len(layout.table.rows) == len(gold.table.rows)
    assert len(layout.table.header_rows) == 2


def _two_level_header_table(midrule: bool, total: bool) -> Image.Image:
    """A group header over a short rule, a stub header centred over both header rows,
    ten body rows and a bottom rule; with or without a full rule under the header, and
    with or without a total row set off by a rule."""
    from matplotlib import font_manager
    from PIL import ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 16)
    image = Image.new("RGB", (620, 420), "white")
    draw = ImageDraw.Draw(image)
    x = [30, 200, 330, 460, 590]
    draw.line((x[0], 20, x[-1], 20), fill="black", width=2)
    draw.text((x[0] + 5, 40), "Country", fill="black", font=font)
    draw.text((x[1] + 80, 26), "Exports", fill="black", font=font)
    draw.line((x[1] + 5, 48, x[3] - 5, 48), fill="black", width=1)
    draw.text((x[3] + 10, 40), "Total", fill="black", font=font)
    draw.text((x[1] + 10, 54), "Goods", fill="black", font=font)
    draw.text((x[2] + 10, 54), "Services", fill="black", font=font)
    top = 86 if midrule else 80
    if midrule:
        draw.line((x[0], 78, x[-1], 78), fill="black", width=1)
    names = ["France", "Germany", "Italy", "Spain", "Poland", "Sweden", "Norway", "Greece",
             "Ireland", "Austria"]  # fmt: skip
    for i, name in enumerate(names):
        draw.text((x[0] + 5, top + 30 * i), name, fill="black", font=font)
        for c in range(1, 4):
            draw.text((x[c] + 10, top + 30 * i), f"{(i * 37 + c * 11) % 97}.{c}", fill="black",
                      font=font)  # fmt: skip
    bottom = top + 30 * len(names)
    if total:
        draw.line((x[0], bottom - 4, x[-1], bottom - 4), fill="black", width=1)
        draw.text((x[0] + 5, bottom), "Total", fill="black", font=font)
        for c in range(1, 4):
            draw.text((x[c] + 10, bottom), f"{500 + c}.0", fill="black", font=font)
        bottom += 30
    draw.line((x[0], bottom, x[-1], bottom), fill="black", width=2)
    return image.crop((0, 0, 620, bottom + 20))


@pytest.mark.parametrize(("midrule", "total"), [(True, False), (False, False), (False, True)])
def test_a_two_level_header_keeps_the_body_out_of_its_second_row(
    midrule: bool, total: bool
) -> None:
    """Without a rule under the header the next full rule is a total's or the table's
    bottom: the body rows stay rows and do not join the second header row."""
    image = _two_level_header_table(midrule, total)
    layout = detect_layout(image, "table", ocr=OCR, cache=False)
    assert layout.table is not None
    assert len(layout.table.rows) == 12 + total and len(layout.table.header_rows) == 2
    assert [r.label for r in layout.table.rows][2:5] == ["France", "Germany", "Italy"]


def _grouped_header_table(grid: bool) -> Image.Image:
    """Three groups of two columns under a stub header spanning both header rows: a light
    grid on a tinted header (the line under the groups stops at the stub, vertical rules
    part the groups), or booktabs (one short rule under each group, no vertical rules)."""
    from matplotlib import font_manager
    from PIL import ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 15)
    xs = [20, 140, 215, 290, 365, 440, 515, 590]
    groups, subs = ["Urban", "Private", "Rural"], ["Count", "Median"]
    image = Image.new("RGB", (610, 330), "white")
    draw = ImageDraw.Draw(image)
    line = (190, 190, 190) if grid else (0, 0, 0)
    if grid:
        draw.rectangle((xs[0], 20, xs[-1], 80), fill=(228, 236, 246))
    draw.line((xs[0], 20, xs[-1], 20), fill=line, width=1 if grid else 2)
    draw.text((xs[0] + 8, 42), "Sector", fill="black", font=font)
    for k, name in enumerate(groups):
        a, b = xs[1 + 2 * k], xs[3 + 2 * k]
        w = draw.textlength(name, font=font)
        draw.text(((a + b - w) / 2, 26), name, fill="black", font=font)
        pad = 0 if grid else 6
        draw.line((a + pad, 50, b - pad, 50), fill=line, width=1)
        for j, sub in enumerate(subs):
            draw.text((xs[1 + 2 * k + j] + 8, 56), sub, fill="black", font=font)
    draw.line((xs[0], 80, xs[-1], 80), fill=line, width=1)
    names = ["Government", "Greece", "Estonia", "Norway", "Chile", "Panel B", "Peru"]
    bottom = _draw_body(draw, font, xs, names, (88, 30), 8)
    draw.line((xs[0], bottom, xs[-1], bottom), fill=line, width=1 if grid else 2)
    if grid:
        for x in xs:  # between groups from the top; inside a group from the sub-headers down
            top = 20 if x in (xs[0], xs[1], xs[3], xs[5], xs[7]) else 50
            draw.line((x, top, x, bottom), fill=line, width=1)
        for y in range(110, bottom, 30):
            draw.line((xs[0], y + 8, xs[-1], y + 8), fill=line, width=1)
    return image.crop((0, 0, 610, bottom + 15))


def test_each_column_of_a_grouped_header_gets_its_own_group() -> None:
    """A group header heads the columns between the vertical rules beside it (a grid),
    not every column under the rule row; the stub header's tinted cell beside that rule
    is no rule of its own."""
    layout = detect_layout(_grouped_header_table(grid=True), "table", ocr=OCR, cache=False)
    assert layout.table is not None
    headers = [c.header for c in layout.table.columns]
    assert headers == ["Sector", "Urban Count", "Urban Median", "Private Count",
                       "Private Median", "Rural Count", "Rural Median"]  # fmt: skip


def test_every_short_rule_of_a_booktabs_header_parts_its_own_group() -> None:
    """One short rule under each group header (booktabs' cmidrules, a few pixels apart),
    the stub header centred over both header rows and crossing the rules' row: every
    short rule splits the header, none is read as text, the stub is read clean."""
    layout = detect_layout(_grouped_header_table(grid=False), "table", ocr=OCR, cache=False)
    assert layout.table is not None
    headers = [c.header for c in layout.table.columns]
    assert headers == ["Sector", "Urban Count", "Urban Median", "Private Count",
                       "Private Median", "Rural Count", "Rural Median"]  # fmt: skip
    assert [r.label for r in layout.table.rows][:3] == ["Sector", "Sector", "Government"]


def _ruleless_report_table(note_inside: bool) -> Image.Image:
    """A table with no rule or shading: a caption and a note in smaller type flush with the
    table's edge, the rows' text inside the cells' padding, a header wrapped onto two
    lines (the first line holds one cell only). ``note_inside``: the note starts
    where the row labels do (a note row of the table, as the development tables have)."""
    from matplotlib import font_manager
    from PIL import ImageFont

    path = font_manager.findfont("DejaVu Serif")
    body, small = ImageFont.truetype(path, 16), ImageFont.truetype(path, 12)
    image = Image.new("RGB", (520, 400), "white")
    draw = ImageDraw.Draw(image)
    edge, pad = 20, 10
    draw.text((edge, 12), "Table 4: Exports by country, 2019", fill="black", font=small)
    draw.text((400, 44), "Unemployment", fill="black", font=body)
    for x, text in ((edge + pad, "Country"), (230, "Goods"), (320, "Services"), (400, "rate (%)")):
        draw.text((x, 64), text, fill="black", font=body)
    names = ["France", "Germany", "Italy", "Spain", "Poland", "Sweden", "Norway", "Greece"]
    for i, name in enumerate(names):
        y = 100 + 28 * i
        draw.text((edge + pad, y), name, fill="black", font=body)
        for c, x in enumerate((230, 320, 400)):
            draw.text((x, y), f"{(i * 37 + c * 11) % 97}.{c}", fill="black", font=body)
    note_x = edge + pad if note_inside else edge
    draw.text((note_x, 100 + 28 * len(names) + 6), "Source: OECD (2020).", fill="black", font=small)
    return image


@pytest.mark.parametrize("note_inside", [False, True])
def test_a_caption_and_note_in_smaller_type_are_outside_a_ruleless_table(
    note_inside: bool,
) -> None:
    """Without rules, a lone line in smaller type flush with the table's edge (left of the
    rows' cell padding) is a caption above or a note below, even when the header under
    the caption starts with a line of one cell; starting where the row labels do, the
    note is a row of the table."""
    layout = detect_layout(_ruleless_report_table(note_inside), "table", ocr=OCR, cache=False)
    assert layout.table is not None
    labels = [r.label for r in layout.table.rows]
    assert not any(label.startswith("Table") for label in labels)
    body = labels.index("France")
    assert labels[body : body + 8] == [
        "France", "Germany", "Italy", "Spain", "Poland", "Sweden", "Norway", "Greece"
    ]  # fmt: skip
    assert len(labels) == body + 8 + note_inside
    assert labels[-1].startswith("Source") == note_inside


def _grainy_page(rng: np.random.Generator, h: int, w: int) -> npt.NDArray[np.float64]:
    page: npt.NDArray[np.float64] = np.clip(235 + rng.normal(0, 2, (h, w)), 0, 255)
    return page


def test_a_drifting_soft_rule_under_a_shaded_row_is_a_rule() -> None:
    """A blurred rule closing a shaded section row, drifting across its rows as a scan
    leaves it (dark over 70-140 along its row, not uniform at any scale): it differs
    from the band's grey all along, so it is a rule and not the band's last rows."""
    from refocus_dsl.detect.table.structure import horizontal_structure

    rng = np.random.default_rng(1)
    g = _grainy_page(rng, 80, 300)
    g[10:12, 10:290] = 80
    g[12:40, 10:290] = 209  # the shaded section row, its bold label on it
    g[22:30, 20:80] = rng.choice([70.0, 209.0], size=(8, 60))
    g[40, 10:290] = 200 - 60 * rng.random(280)
    g[41, 10:290] = 70 + 70 * rng.random(280)
    g[42, 10:290] = 200 - 50 * rng.random(280)
    g[70:72, 10:290] = 80
    grey = g.astype(np.uint8)
    rules, bands, _ = horizontal_structure(grey, page_marks(grey)[2])
    assert any(39 <= r.pos <= 41 for r in rules), [(r.pos, r.width) for r in rules]
    assert any(a <= 13 and 38 <= b <= 41 for a, b, _ in bands), bands


def test_dense_text_set_tight_above_a_ruled_band_leaves_the_band() -> None:
    """A line of dense bold header text one textured row above a grainy shaded row
    between two blurred rules: joined across that row they fail the band's one-grey
    test together; the band and its rules are still found, the text is no band."""
    from refocus_dsl.detect.table.structure import horizontal_structure

    rng = np.random.default_rng(2)
    g = _grainy_page(rng, 90, 300)
    g[5:7, 10:290] = 80
    g[10:19, 60:220] = rng.uniform(50, 220, size=(9, 160))  # anti-aliased dense text
    g[19, 60:220] = rng.choice([120.0, 235.0], size=160)
    for y in (20, 21, 37, 38):
        g[y, 10:290] = rng.uniform(80, 130, size=280)
    for y in (22, 36):  # the rules' halo
        g[y, 10:290] = 180 + rng.normal(0, 5, size=280)
    g[23:36, 10:290] = 212 + rng.normal(0, 5, (13, 280))
    g[27:34, 20:90] = rng.uniform(50, 212, size=(7, 70))
    g[70:72, 10:290] = 80
    grey = np.clip(g, 0, 255).astype(np.uint8)
    rules, bands, _ = horizontal_structure(grey, page_marks(grey)[2])
    pos = [r.pos for r in rules]
    assert any(19 <= p <= 21 for p in pos) and any(35 <= p <= 37 for p in pos), pos
    assert [(a, b) for a, b, _ in bands if a < 40] == [(23, 36)], bands


def _wrapped_header_table(overflow: bool) -> Image.Image:
    """A rule-less table whose headers wrap onto up to three lines (one line pitch apart,
    the rows further apart by their padding) over numbers, lines without descenders a
    lot shorter than the pitch. ``overflow``: a wrapped header wider than its column of
    short numbers runs over into its neighbour's, which has a header of its own; else
    a header's last line "(pp)" is mostly descenders."""
    from matplotlib import font_manager
    from PIL import ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 16)
    image = Image.new("RGB", (620, 320), "white")
    draw = ImageDraw.Draw(image)
    pitch, row = 20, 28

    def put(text: str, right: float, y: float) -> None:
        draw.text((right - draw.textlength(text, font=font), y), text, fill="black", font=font)

    if overflow:
        heads = [["Unemployment", "rate, annual", "(%)"], ["SD"], ["Margin"], ["Users"]]
        right = [330, 390, 470, 550]
        fmt = ["{i}.{c}", "{n},{c}50.5", "{n},{c}50.5", "{n},{c}50.5"]
        pad = [60, 0, 0, 0]  # the numbers stop short of their header's right edge
    else:
        heads = [["SD"], ["Change", "since 2010", "(pp)"], ["Rate"], ["Count"]]
        right = [250, 380, 460, 550]
        fmt = ["{n}.{c}"] * 4
        pad = [0, 0, 0, 0]
    top = 20
    draw.text((20, top + 2 * pitch), "Country", fill="black", font=font)
    for c, lines in enumerate(heads):
        y0 = top + (3 - len(lines)) * pitch  # bottom-aligned, as report headers are
        for k, text in enumerate(lines):
            put(text, right[c], y0 + k * pitch)
    labels = [["Health and", "fitness apps"], ["Kenya"], ["Spain"], ["Austria"], ["Norway"]]
    y = top + 3 * pitch + 14
    for i, label in enumerate(labels):
        for k, text in enumerate(label):
            draw.text((20, y + k * pitch), text, fill="black", font=font)
        for c in range(4):
            put(fmt[c].format(i=i + 2, n=(i * 37 + c * 11) % 97, c=c), right[c] - pad[c], y)
        y += row + (len(label) - 1) * pitch
    return image.crop((0, 0, 620, y + 10))


@pytest.mark.parametrize("overflow", [False, True])
def test_a_header_wrapped_onto_three_lines_is_one_header_row(overflow: bool) -> None:
    """Each header cell wrapped onto lines one pitch apart is one cell of one header row:
    the pitch is measured from baselines (where the ink falls off, not where a line of
    descenders ends), and a header running over into a neighbour that has a header of
    its own spans no columns (no second header row)."""
    layout = detect_layout(_wrapped_header_table(overflow), "table", ocr=OCR, cache=False)
    t = layout.table
    assert t is not None
    assert len(t.rows) == 6 and len(t.header_rows) == 1, [r.label for r in t.rows]
    headers = [c.header for c in t.columns]
    if overflow:
        assert headers[1:3] == ["Unemployment rate, annual (%)", "SD"]
    else:
        assert headers[2] == "Change since 2010 (pp)"
    assert [r.label for r in t.rows][1] == "Health and fitness apps"


def test_a_section_rows_label_running_past_the_first_column_is_read_whole() -> None:
    """A bold section title across a ruled grid, longer than the first column, its words
    set wide apart (bold small type): its cell spans the table, and every word starting
    in the first column is its label, not only the first one."""
    cells = make_cells(9, 4, 8)
    sections = {3: "Capital   districts", 6: "Coastal   wards"}
    drawn = draw_table(cells, style="grid", size=16, pad=8, sections=sections)
    layout = detect_layout(drawn.image, "table", ocr=OCR, cache=False)
    t = layout.table
    assert t is not None and len(t.rows) == len(drawn.row_bounds) - 1
    labels = [r.label for r in t.rows]
    assert labels[3] == "Capital districts" and labels[6] == "Coastal wards", labels
    spanning = [c for c in t.cells if c.row in (3, 6) and c.col == 0]
    assert all(c.col_span == len(t.columns) for c in spanning), spanning


def _empty_stub_two_level_table() -> Image.Image:
    """Two groups of two columns over an empty stub cell; the line under the sub-headers
    stops short of the stub column, hairlines part the body rows (a web report)."""
    from matplotlib import font_manager
    from PIL import ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Serif"), 15)
    xs = [16, 140, 210, 280, 350, 420]
    image = Image.new("RGB", (440, 360), "white")
    draw = ImageDraw.Draw(image)
    draw.line((xs[0], 20, xs[-1], 20), fill="black", width=2)
    for k, group in enumerate(["2021", "2019"]):
        a, b = xs[1 + 2 * k], xs[3 + 2 * k]
        draw.text(((a + b) / 2 - 18, 28), group, fill="black", font=font)
        draw.line((a + 10, 50, b - 10, 50), fill="black", width=1)
        for j, sub in enumerate(["Wages", "Stock"]):
            draw.text((xs[1 + 2 * k + j] + 10, 56), sub, fill="black", font=font)
    draw.line((xs[1], 80, xs[-1], 80), fill="black", width=1)
    names = ["Flanders", "Kyushu", "Wallonia", "Saxony", "Gauteng", "Andalusia", "Hokkaido"]
    bottom = _draw_body(draw, font, xs, names, (86, 28), 10, hairlines=True)
    draw.line((xs[0], bottom, xs[-1], bottom), fill="black", width=2)
    return image.crop((0, 0, 440, bottom + 12))


def test_a_rule_under_the_value_columns_only_ends_the_header() -> None:
    """With an empty stub header the line under a two-level header starts at the first
    value column; it still parts the header from the first body row."""
    layout = detect_layout(_empty_stub_two_level_table(), "table", ocr=OCR, cache=False)
    t = layout.table
    assert t is not None
    labels = [r.label for r in t.rows]
    assert len(t.rows) == 9 and len(t.header_rows) == 2, labels
    assert labels[2:4] == ["Flanders", "Kyushu"]
    assert [c.header for c in t.columns][1:3] == ["2021 Wages", "2021 Stock"]


def _draw_body(
    draw: ImageDraw.ImageDraw,
    font: Any,
    xs: list[int],
    names: list[str],
    rows: tuple[int, int],
    pad: int,
    hairlines: bool = False,
) -> int:
    """Body rows from ``rows`` = (top, pitch): a name, then a number in every column after
    it (light hairlines under each row if asked); the y the body ends at."""
    top, pitch = rows
    for i, name in enumerate(names):
        y = top + pitch * i
        draw.text((xs[0] + pad - 2 * hairlines, y), name, fill="black", font=font)
        for c in range(1, len(xs) - 1):
            draw.text((xs[c] + pad, y), f"{(i * 31 + c * 7) % 89}.{c}", fill="black", font=font)
        if hairlines:
            draw.line((xs[0], y + pitch - 4, xs[-1], y + pitch - 4), fill=(170, 170, 170))
    return top + pitch * len(names)
