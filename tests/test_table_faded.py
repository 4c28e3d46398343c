"""Tables shrunk to under half their size and faded as a low-resolution scan leaves them:
tiny soft text, zebra shading and row rules a few grey levels off the paper, body text
lighter than a dark header. Their rows and columns should still be the drawn ones."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont
from table_helpers import (
    LABELS,
    DrawnTable,
    draw_column_groups,
    draw_table,
    font,
    make_cells,
)

from refocus_dsl.detect import detect_layout
from refocus_dsl.detect._raster import grey_of
from refocus_dsl.detect.table.structure import (
    Structure,
    find_structure,
    horizontal_structure,
    page_marks,
)
from refocus_dsl.ocr import get_ocr

OCR = get_ocr()


def _scanned(image: Image.Image, seed: int, scale: float = 0.45) -> Image.Image:
    """As a scanner at low resolution leaves a page: washed out, shrunk (area average),
    softened, grainy, JPEG'd."""
    rng = np.random.default_rng(seed)
    im = ImageEnhance.Contrast(image.convert("RGB")).enhance(0.8)
    w, h = im.size
    im = im.resize((round(w * scale), round(h * scale)), Image.Resampling.BOX)
    im = im.filter(ImageFilter.GaussianBlur(0.7))
    arr = np.asarray(im).astype(np.float64) + rng.normal(0, 4.0, (im.height, im.width, 1))
    buf = io.BytesIO()
    Image.fromarray(arr.clip(0, 255).astype(np.uint8)).save(buf, "JPEG", quality=60)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _counts(drawn: DrawnTable, seed: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(columns, rows) found on the scanned copy, and drawn."""
    t = detect_layout(_scanned(drawn.image, seed), "table", ocr=OCR, cache=False).table
    assert t is not None
    found = (len(t.columns), len(t.rows))
    return found, (len(drawn.col_bounds) - 1, len(drawn.row_bounds) - 1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_faded_zebra_rows_with_faint_rules_stay_apart(seed: int) -> None:
    """Light grey row rules and a tint of 15 grey levels, shrunk and faded: the rules fall
    under what is marked solid in places, and the shading to a few levels in grain. The
    rows are still parted where the paper changes, or a faint even rule runs, in the
    white space between their lines."""
    drawn = draw_table(
        make_cells(12, 5, seed), style="zebra", size=16, pad=6, rule=(207,) * 3, tint=(240,) * 3
    )
    found, drawn_counts = _counts(drawn, seed)
    assert found == drawn_counts


def _convoy_cells(seed: int) -> list[list[str]]:
    """Cells of several words (dates, names), whose word spaces a lost stroke widens."""
    months = ["May", "June", "July", "March"]
    out = [["Date", "Number", "Captain", "Casualties", "Sunk by"]]
    for r in range(1, 9):
        name = f"{LABELS[(r + seed) % len(LABELS)]} {LABELS[(r * 5 + seed) % len(LABELS)]}"
        out.append(
            [
                f"{(r * 3 + seed) % 28 + 1} {months[(r + seed) % 4]} 1945",
                f"U-{(r * 97 + seed) % 900 + 100}",
                name,
                str((r * 13 + seed) % 60 + 1),
                f"HMS {LABELS[(r * 7 + seed) % len(LABELS)]}",
            ]
        )
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grey_body_text_under_a_dark_header_keeps_its_columns(seed: int) -> None:
    """A dark header band is most of what differs from the paper in a small table: the
    ink level is measured on the text beside it, so a faded scan's grey letters keep their
    strokes and their word spaces stay narrower than the column gaps."""
    drawn = draw_table(_convoy_cells(seed), style="darkheader", size=16, pad=6, ink=(100,) * 3)
    found, drawn_counts = _counts(drawn, seed)
    assert found[0] == drawn_counts[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_tiny_blurred_line_of_dense_text_is_no_rule(seed: int) -> None:
    """Shrunk and blurred, a long line of small dense text is marked solid across much of
    the table; its letters and the spaces between them leave it uneven, where a faint
    rule under it, its greys only grainy, is a rule."""
    image = Image.new("RGB", (900, 120), "white")
    d = ImageDraw.Draw(image)
    d.line((20, 20, 880, 20), fill=(110, 110, 110), width=2)
    text = "Catalina flying boat of No. 5 Squadron RCAF, HMS Sunflower, HMS Vidette, Oslo Paris"
    d.text((24, 50), text, font=font(12), fill=(20, 20, 20))
    d.line((20, 90, 880, 90), fill=(200, 200, 200), width=2)
    grey = grey_of(_scanned(image, seed))
    rules, _, _ = horizontal_structure(grey, page_marks(grey)[2])
    ys = sorted(r.pos for r in rules)
    assert not [y for y in ys if 18 <= y <= 32], ys
    assert [y for y in ys if 38 <= y <= 43], ys


def _zebra_two_level(first_shaded: bool, rules: bool) -> Image.Image:
    """Two column groups over two sub-headers each, no rule under the header; zebra
    body rows, the first one white (or shaded)."""
    size = 20
    bold = ImageFont.truetype(font_manager.findfont("DejaVu Sans:bold"), size)
    plain = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)
    pitch, col = int(1.17 * size), 6 * size
    xs = [12, 12 + 10 * size] + [12 + 10 * size + k * col for k in range(1, 5)]
    width, top = xs[-1] + 12, 10
    image = Image.new("RGB", (width, top + 16 * pitch), "white")
    draw = ImageDraw.Draw(image)
    if rules:
        draw.line((xs[0], top, xs[-1], top), fill="black", width=3)
    y = top + size // 2
    draw_column_groups(draw, xs, y, size, pitch, bold)
    last = y + pitch + size // 2
    for g in range(2):
        for j, text in enumerate(["Exports", "Orders"]):
            tw = draw.textlength(text, font=bold)
            draw.text((xs[2 + 2 * g + j] - size // 2 - tw, last), text, fill="black", font=bold)
    body_pitch = int(1.65 * size)
    y0 = last + pitch + size // 3
    for i, name in enumerate(["Transport", "Lombardy", "Tuscany", "Hokkaido", "Gauteng"]):
        ry = y0 + i * body_pitch
        if (i % 2 == 0) == first_shaded:
            draw.rectangle((xs[0], ry, xs[-1], ry + body_pitch - 1), fill=(225, 230, 238))
        yy = ry + (body_pitch - size) // 2
        draw.text((xs[0] + size // 2, yy), name, fill="black", font=plain)
        for c in range(1, 5):
            text = f"{(i * 37 + c * 11) % 90 + 1}.{c}{i}"
            tw = draw.textlength(text, font=plain)
            draw.text((xs[c + 1] - size // 2 - tw, yy), text, fill="black", font=plain)
    bottom = y0 + 5 * body_pitch
    if rules:
        draw.line((xs[0], bottom, xs[-1], bottom), fill="black", width=2)
    return image.crop((0, 0, width, bottom + 12))


@pytest.mark.parametrize(("first_shaded", "rules"), [(False, True), (False, False), (True, True)])
def test_a_zebras_white_first_row_is_not_the_headers(first_shaded: bool, rules: bool) -> None:
    """Shaded rows of one height, every other row: the white first body row starts one
    row height above the first shaded one, so it is a row of its own, not the second
    header row's second line."""
    t = detect_layout(_zebra_two_level(first_shaded, rules), "table", ocr=OCR, cache=False).table
    assert t is not None
    labels = [r.label for r in t.rows]
    assert len(t.rows) == 7 and len(t.header_rows) == 2, labels
    assert labels[2] == "Transport", labels


def test_lines_of_small_dense_text_on_a_tinted_table_join_into_no_band() -> None:
    """A table's light background (249 on a white page) under lines of small dense text
    four rows apart, below a shaded header: the few rows of paper between two lines are
    no hole in a band to close, so the body stays text, not bands and rules."""
    rng = np.random.default_rng(0)
    g = np.full((200, 400), 255.0)
    g[29:190, 15:388] = 249
    g[30:54, 15:388] = 236
    for y in (29, 54, 189):
        g[y, 15:388] = 208
    for y in range(58, 181, 8):
        g[y : y + 5, 20:185] = np.where(rng.random((5, 165)) < 0.7, 60.0, 249.0)
        g[y + 5 : y + 8, 20:185] = np.where(rng.random((3, 165)) < 0.15, 90.0, 249.0)
    grey = g.astype(np.uint8)
    rules, bands, _ = horizontal_structure(grey, page_marks(grey)[2])
    assert [(a, b) for a, b, _ in bands] == [(30, 54)]
    assert [r.pos for r in rules] == [29, 54, 189]


def test_a_dense_run_of_only_uneven_thin_runs_is_no_structure_and_no_error() -> None:
    """Five speckled rows, each darker than the last all along but holed by paper at the
    same few places in every row (so no row, nor the rows judged together, is an even
    rule, and each starts a run of its own): a dense run with neither rule nor band. It
    is no structure, not a ValueError out of detect_layout."""
    rng = np.random.default_rng(0)
    grey = np.full((80, 300), 255, np.uint8)
    holes = rng.random(300) > 0.96
    for i, level in enumerate([235, 223, 211, 199, 187]):
        row = np.full(300, level, np.int16)
        row[rng.random(300) < 0.27] = level - 50
        row[holes] = 255
        grey[30 + i] = row
    rules, bands, _ = horizontal_structure(grey, page_marks(grey)[2])
    assert (rules, bands) == ([], [])
    image = Image.fromarray(grey).convert("RGB")
    for kind in ("table", "auto"):
        assert detect_layout(image, kind, ocr=OCR, cache=False).kind in ("table", "chart", "figure")


def test_a_rule_drifting_across_rows_over_a_shaded_row_is_a_rule() -> None:
    """A photographed page's rule runs a little off the horizontal: each of its rows holds
    it over part of its length only, and the colour steps split it into thin runs. Judged
    together, each x dark in one of its rows, it is a rule, and so is the shaded row's
    closing one below."""
    rng = np.random.default_rng(3)
    g = 232 + rng.normal(0, 2.0, (120, 400))
    for k, x0 in enumerate(range(10, 390, 95)):  # dark one row lower every 95 px
        g[40 + k // 2 + k % 2 : 42 + k // 2 + k % 2, x0 : x0 + 95] = 90
    g[44:70, 10:390] = 212 + rng.normal(0, 2.0, (26, 380))  # the shaded row
    g[70:72, 10:390] = 90
    grey = g.clip(0, 255).astype(np.uint8)
    rules, bands, _ = horizontal_structure(grey, page_marks(grey)[2])
    ys = [(r.pos, r.end) for r in rules]
    assert any(r.pos <= 41 and r.end >= 42 for r in rules), ys
    assert any(69 <= r.pos <= 71 for r in rules), ys


def test_faint_worn_column_rules_are_read_at_the_grids_own_contrast() -> None:
    """A grid whose row rules differ 30 grey levels from the paper and whose column rules,
    worn away in a third of the rows, 17: under the rule level, but drawn as the grid's
    rules are, at over half their contrast. Read row by row at that level, every column
    rule is found."""
    rng = np.random.default_rng(0)
    g = 248 + rng.normal(0, 2.0, (200, 360))
    ys, xs = list(range(10, 191, 18)), [10, 80, 150, 220, 290, 350]
    for y in ys:
        g[y, 10:351] = 218
    for x in xs:
        for k, (y0, y1) in enumerate(zip(ys, ys[1:], strict=False)):
            if x in (10, 350) or k % 3 != 1:
                g[y0:y1, x] = 231
    for y in ys[:-1]:
        for x0, x1 in zip(xs, xs[1:], strict=False):
            n = (x1 - x0) // 2
            g[y + 3 : y + 15, x0 + 3 : x0 + 3 + n] = np.where(rng.random((12, n)) < 0.6, 170, 240)
    st = find_structure(g.clip(0, 255).astype(np.uint8))
    assert isinstance(st, Structure)
    assert [r.pos for r in st.v_rules] == xs
