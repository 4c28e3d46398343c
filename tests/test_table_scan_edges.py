"""Scan tables at their edges: a grainy shaded header between rules, a note just under
the closing rule (classes found on independently drawn scan tables)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from table_helpers import draw_table, drawn_family, font, make_cells

from refocus_dsl.detect import detect_layout
from refocus_dsl.ocr import get_ocr

OCR = get_ocr()


def _grainy_header(seed: int) -> tuple[Image.Image, int, int]:
    """A ruled grid whose header row is shaded mid grey with a scan's coarse grain (its
    greys spread about 10 levels, so no row of it is one grey) behind bold text filling
    most of its height; the image's row and column counts."""
    cells = make_cells(8, 5, seed)
    drawn = draw_table(cells, style="grid", size=16, pad=4, margin=10)
    g = np.asarray(drawn.image.convert("L"), dtype=np.float64)
    bold = np.minimum(g, np.roll(g, 1, axis=1))  # drawn twice, a pixel apart
    x1, x2 = drawn.col_bounds[0] + 1, drawn.col_bounds[-1] - 1
    y1, y2 = drawn.row_bounds[0] + 1, drawn.row_bounds[1] - 1
    head = bold[y1:y2, x1:x2]
    g[y1:y2, x1:x2] = np.where(head > 200, 214.0, np.minimum(head, 70))
    g[g < 200] = np.minimum(g[g < 200], 70)  # dark rules, as a scan darkens them
    soft = np.asarray(Image.fromarray(g.astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6)))
    rng = np.random.default_rng(seed)
    out = soft.astype(np.float64) + rng.normal(0, 2, soft.shape)
    out[y1:y2, x1:x2] += rng.normal(0, 10, (y2 - y1, x2 - x1))
    image = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    return image, len(drawn.row_bounds) - 1, len(drawn.col_bounds) - 1


def test_a_grainy_shaded_header_keeps_the_rule_under_it() -> None:
    """A shaded header too grainy to be one grey band, its text and both rules marked as
    one solid block: the rule closing it is still a row boundary (the header and the
    first body row are not read as one row), and no rule is found inside the shading."""
    for seed in (1, 2):
        image, n_rows, n_cols = _grainy_header(seed)
        t = detect_layout(image, "table", ocr=OCR, cache=False).table
        assert t is not None
        assert (len(t.rows), len(t.columns)) == (n_rows, n_cols), [r.label for r in t.rows]
        assert t.rows[1].label == make_cells(8, 5, seed)[1][0]


def _word_stems(text: str, size: int) -> list[int]:
    """x of the vertical stems (ink over most of the cap height) that begin a word of
    ``text`` drawn at x = 0 (white space just left of them)."""
    f = font(size)
    probe = Image.new("L", (12 * size * len(text) // 10 + 20, 2 * size), 255)
    ImageDraw.Draw(probe).text((0, 0), text, fill=0, font=f)
    ink = np.asarray(probe) < 128
    rows = np.nonzero(ink.any(axis=1))[0]
    tall = ink[rows[0] : rows[-1] + 1].sum(axis=0) >= 0.7 * (rows[-1] - rows[0] + 1)
    used = ink.any(axis=0)
    return [
        int(x) for x in np.nonzero(tall)[0] if x >= 3 and not used[x - 3 : x].any()
    ]


def test_a_note_just_under_the_closing_rule_is_no_row() -> None:
    """A source note set 3 px under a ruled grid's closing rule, whose letters' stems lie
    in line with the column rules (blurred, the rules seem to run on into them): the
    note is outside the table, and the rules do not cut it into cells."""
    note, small, size = "Data: Bureau of labour, blended hourly totals.", 10, 13
    stems = _word_stems(note, small)
    x0 = 12
    inner: list[int] = []
    for s in stems:
        if s >= 60 and (not inner or s - inner[-1] >= 60):
            inner.append(s)
    assert len(inner) >= 2, stems
    xs = [x0] + [x0 + s for s in inner[:3]] + [x0 + inner[min(2, len(inner) - 1)] + 80]
    names = ["Flanders", "Kyushu", "Wallonia", "Saxony", "Gauteng", "Andalusia"]
    pitch, top = 22, 10
    bottom = top + pitch * (len(names) + 1)
    image = Image.new("L", (xs[-1] + 12, bottom + 3 + small + 10), 255)
    draw = ImageDraw.Draw(image)
    f = font(size)
    for k in range(len(names) + 2):
        draw.line((xs[0], top + pitch * k, xs[-1], top + pitch * k), fill=60, width=3)
    for x in xs:
        draw.line((x, top, x, bottom), fill=60, width=3)
    for c in range(len(xs) - 1):
        draw.text((xs[c] + 5, top + 4), ["Region", "Jobs", "Stock", "Wages"][c], fill=0, font=f)
    for i, name in enumerate(names):
        y = top + pitch * (i + 1) + 4
        draw.text((xs[0] + 5, y), name, fill=0, font=f)
        for c in range(1, len(xs) - 1):
            draw.text((xs[c] + 5, y), f"{(i * 31 + c * 7) % 89}.{c}", fill=0, font=f)
    draw.text((x0, bottom + 4), note, fill=0, font=font(small))
    soft = image.filter(ImageFilter.GaussianBlur(0.9))
    layout = detect_layout(soft, "table", ocr=OCR, cache=False)
    t = layout.table
    assert t is not None
    labels = [r.label for r in t.rows]
    assert len(t.rows) == len(names) + 1 and labels[-1] == names[-1], labels
    assert len(t.columns) == len(xs) - 1
    assert any("below the table" in n for n in layout.notes), layout.notes


def test_a_note_under_a_framed_grid_is_no_row_even_with_wide_word_spaces() -> None:
    """Column rules that all stop at the closing rule enclose the cells: a note under
    it is outside the table even when its word spaces are as wide as column gaps (a
    monospaced "Note:   values rounded.")."""
    cells = make_cells(7, 4, 3)
    drawn = draw_table(cells, style="grid", size=14, pad=6, margin=12)
    w, h = drawn.image.size
    image = Image.new("RGB", (w, h + 14), "white")
    image.paste(drawn.image, (0, 0))
    x0, bottom = drawn.col_bounds[0], drawn.row_bounds[-1]
    draw = ImageDraw.Draw(image)
    draw.text((x0 - 4, bottom + 5), "Note:", fill=(0, 0, 0), font=font(11))
    draw.text((x0 + 52, bottom + 5), "values rounded.", fill=(0, 0, 0), font=font(11))
    layout = detect_layout(image, "table", ocr=OCR, cache=False)
    t = layout.table
    assert t is not None
    labels = [r.label for r in t.rows]
    assert len(t.rows) == len(cells) and labels[-1] == cells[-1][0], labels
    assert t.bbox[3] <= bottom + 3, (t.bbox, bottom, layout.notes)


def test_shading_overshooting_the_frame_makes_no_column() -> None:
    """A photographed grid: a light shadow along its right border, and the section rows'
    tint running a few pixels past it (a ragged band edge), blurred. The border is
    still the table's edge: no narrow empty column is found beyond it."""
    cells = make_cells(10, 4, 5)
    sections = {2: "Coastal", 6: "Inland"}
    drawn = draw_table(cells, style="grid", size=14, pad=6, margin=16, sections=sections)
    draw = ImageDraw.Draw(drawn.image)
    x2 = drawn.col_bounds[-1]
    top, bottom = drawn.row_bounds[0], drawn.row_bounds[-1]
    for k in range(10):  # the border's soft shadow, fading out
        grey = 236 + 2 * k
        draw.line((x2 + 1 + k, top, x2 + 1 + k, bottom), fill=(grey, grey, grey))
    for r in sections:
        y1, y2 = drawn.row_bounds[r] + 1, drawn.row_bounds[r + 1] - 1
        draw.rectangle((x2 + 2, y1 + 2, x2 + 8, y2 - 1), fill=(185, 185, 185))
    soft = drawn.image.filter(ImageFilter.GaussianBlur(0.7))
    t = detect_layout(soft, "table", ocr=OCR, cache=False).table
    assert t is not None
    assert len(t.columns) == len(drawn.col_bounds) - 1, [c.bbox for c in t.columns]
    assert len(t.rows) == len(drawn.row_bounds) - 1


def test_letter_stems_in_line_are_no_column_rule() -> None:
    """A blurred scan grid (the benchmarks' drawn scan family, a tuning seed) whose
    left-aligned labels' stems and right-aligned digits' last strokes line up into
    lines in some rows: text runs across their place in the other rows, so they are
    no column rules and the columns are the drawn ones."""
    image, gold, _ = drawn_family().render_family_table(14, "scan")
    t = detect_layout(image, "table", ocr=OCR, cache=False).table
    assert gold.table is not None and t is not None
    assert len(t.columns) == len(gold.table.columns), [c.bbox for c in t.columns]
    assert len(t.rows) == len(gold.table.rows)
