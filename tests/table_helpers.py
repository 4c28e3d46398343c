"""Draw tables with Pillow and know their exact geometry (for the table-detection tests).

Each drawing returns the image and the truth: column and row boundaries (in
the middle of the gaps or on the rules, like the gold data), header texts and
row labels. Fonts come from Pillow itself (``ImageFont.load_default(size=...)``)
so the tests need no font files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from refocus_dsl.detect.table.rows import Rows
    from refocus_dsl.detect.table.structure import Structure
    from refocus_dsl.layout import Layout

WORDS = [
    "Year",
    "Team",
    "Name",
    "City",
    "Score",
    "Total",
    "Country",
    "Points",
    "Round",
    "Party",
    "Votes",
    "Season",
    "Player",
    "Club",
    "Result",
    "Notes",
    "Winner",
    "Region",
    "Album",
    "Station",
    "Height",
    "Weight",
    "Rank",
    "Title",
    "Record",
    "Venue",
    "Position",
    "Goals",
]
LABELS = [
    "Alpha",
    "Boston",
    "Chicago",
    "Denver",
    "Everton",
    "Fulham",
    "Geneva",
    "Houston",
    "Madrid",
    "Leeds",
    "Oslo",
    "Paris",
    "Quebec",
    "Rome",
    "Sydney",
    "Toronto",
    "Vienna",
]
STYLES = ("grid", "none", "hrules", "booktabs", "zebra", "darkheader")


@dataclass
class DrawnTable:
    image: Image.Image
    col_bounds: list[int]  # len = n_cols + 1, table left .. right
    row_bounds: list[int]  # len = n_rows + 1, header row first
    headers: list[str]
    labels: list[str]  # one per row, header row first
    n_header: int = 1
    caption_box: tuple[int, int, int, int] | None = None
    pad: int = 8
    notes: list[str] = field(default_factory=list)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _text_w(
    draw: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont | ImageFont.ImageFont
) -> int:
    b = draw.textbbox((0, 0), text, font=f)
    return int(b[2] - b[0])


def draw_table(
    cells: list[list[str]],
    *,
    style: str = "grid",
    size: int = 16,
    pad: int = 8,
    margin: int = 24,
    caption: str | None = None,
    right_align_numbers: bool = True,
    wrap: dict[tuple[int, int], list[str]] | None = None,
    sections: dict[int, str] | None = None,
    rule: tuple[int, int, int] = (110, 110, 110),
    tint: tuple[int, int, int] = (238, 238, 238),
    ink: tuple[int, int, int] = (20, 20, 20),
) -> DrawnTable:
    """``cells[0]`` is the header row; ``wrap[(r, c)]`` gives a cell as several lines;
    ``sections[r]`` makes row r one cell across the table with that (bold-ish) text;
    ``rule``, ``tint`` and ``ink``: the colours of the rules, the zebra's shaded rows and
    the body's text."""
    wrap = wrap or {}
    sections = sections or {}
    f = font(size)
    scratch = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    asc, desc = f.getmetrics() if hasattr(f, "getmetrics") else (size, size // 4)
    line_h = asc + desc + 2
    n_rows, n_cols = len(cells), len(cells[0])

    def lines_of(r: int, c: int) -> list[str]:
        return wrap.get((r, c), [cells[r][c]])

    widths = [
        max(_text_w(scratch, ln, f) for r in range(n_rows) for ln in lines_of(r, c)) + 2 * pad
        for c in range(n_cols)
    ]
    heights = [
        max(len(lines_of(r, c)) for c in range(n_cols)) * line_h + 2 * pad for r in range(n_rows)
    ]
    top = margin
    cap_box = None
    if caption:
        cw = _text_w(scratch, caption, f)
        cap_box = (margin, margin, margin + cw, margin + line_h)
        top = margin + line_h + size
    col_bounds = [margin]
    for wdt in widths:
        col_bounds.append(col_bounds[-1] + wdt)
    row_bounds = [top]
    for hgt in heights:
        row_bounds.append(row_bounds[-1] + hgt)
    width = col_bounds[-1] + margin
    height = row_bounds[-1] + margin
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    x1, x2 = col_bounds[0], col_bounds[-1]
    y1, y2 = row_bounds[0], row_bounds[-1]
    if style == "zebra":
        for r in range(1, n_rows):
            if r % 2 == 0:
                d.rectangle((x1, row_bounds[r], x2 - 1, row_bounds[r + 1] - 1), fill=tint)
    if style == "darkheader":
        d.rectangle((x1, y1, x2 - 1, row_bounds[1] - 1), fill=(30, 50, 100))
    if style == "grid":
        d.rectangle((x1, y1, x2 - 1, row_bounds[1] - 1), fill=(234, 236, 240))
    if style in ("grid", "hrules", "zebra"):
        for yb in row_bounds:
            d.line((x1, yb, x2 - 1, yb), fill=rule)
    if style == "booktabs":
        for yb, wdt in ((y1, 2), (row_bounds[1], 1), (y2 - 2, 2)):
            d.rectangle((x1, yb, x2 - 1, yb + wdt - 1), fill=(0, 0, 0))
    if style == "grid":
        for xb in col_bounds:
            for r in range(n_rows):  # inner rules stop at a section row's one cell
                if r in sections and xb not in (x1, x2):
                    continue
                d.line((xb, row_bounds[r], xb, row_bounds[r + 1]), fill=rule)
    if caption and cap_box:
        d.text((cap_box[0], cap_box[1]), caption, font=f, fill=(0, 0, 0))
    for r in range(n_rows):
        if r in sections:
            ty = row_bounds[r] + (heights[r] - line_h) // 2
            for dx in (0, 1):  # drawn twice, one pixel apart: bold
                d.text((col_bounds[0] + pad + dx, ty), sections[r], font=f, fill=(20, 20, 20))
            continue
        for c in range(n_cols):
            lines = lines_of(r, c)
            block_h = len(lines) * line_h
            ty = row_bounds[r] + (heights[r] - block_h) // 2
            for k, ln in enumerate(lines):
                tw = _text_w(scratch, ln, f)
                numeric = ln.replace(",", "").replace(".", "").isdigit()
                if right_align_numbers and numeric and r > 0:
                    tx = col_bounds[c + 1] - pad - tw
                else:
                    tx = col_bounds[c] + pad
                colour = (255, 255, 255) if (style == "darkheader" and r == 0) else ink
                d.text((tx, ty + k * line_h), ln, font=f, fill=colour)
    headers = [" ".join(lines_of(0, c)) for c in range(n_cols)]
    labels = [sections.get(r, " ".join(lines_of(r, 0))) for r in range(n_rows)]
    return DrawnTable(img, col_bounds, row_bounds, headers, labels, 1, cap_box, pad)


def draw_column_groups(
    draw: ImageDraw.ImageDraw,
    xs: list[int],
    y: int,
    size: int,
    pitch: int,
    bold: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    """A two-level header's top row: groups "2023" and "Q2", each centred over two of the
    columns ``xs[1:]`` bound and underlined by a short rule one line pitch lower."""
    for g, group in enumerate(["2023", "Q2"]):
        a, b = xs[1 + 2 * g], xs[3 + 2 * g]
        tw = draw.textlength(group, font=bold)
        draw.text(((a + b - tw) / 2, y), group, fill="black", font=bold)
        draw.line((a + size // 2, y + pitch, b - size // 2, y + pitch), fill="black", width=2)


def make_cells(n_rows: int, n_cols: int, seed: int) -> list[list[str]]:
    """A header of distinct words, a first column of distinct labels, numbers elsewhere."""
    header = [WORDS[(seed + 3 * c) % len(WORDS)] for c in range(n_cols)]
    if len(set(header)) < n_cols:
        header = WORDS[:n_cols]
    out = [header]
    for r in range(1, n_rows):
        row = [LABELS[(seed + r) % len(LABELS)]]
        for c in range(1, n_cols):
            row.append(str((seed * 37 + r * 101 + c * 53) % 9000 + 10))
        out.append(row)
    return out


def structure_and_rows(
    drawn: DrawnTable,
) -> tuple[Structure, Rows, tuple[int, int, int, int]]:
    """The table stages' structure and rows of a drawn table, and its drawn outer box:
    what a test of the grid-building stage starts from."""
    from refocus_dsl.detect._raster import grey_of
    from refocus_dsl.detect.table.rows import Rows, find_rows
    from refocus_dsl.detect.table.structure import Structure, find_structure

    st = find_structure(grey_of(drawn.image))
    assert isinstance(st, Structure)
    rows = find_rows(st, [])
    assert isinstance(rows, Rows)
    box = (drawn.col_bounds[0], drawn.row_bounds[0], drawn.col_bounds[-1], drawn.row_bounds[-1])
    return st, rows, box


def one_column_layout(width: int, height: int) -> Layout:
    """A layout of one column and one row in the table box (10, 10, 90, 50), for tests
    that move boxes."""
    from refocus_dsl.layout import Column, Layout, Row, Table

    table = Table(
        (10, 10, 90, 50),
        (Column(0, "A", (10, 10, 50, 50)),),
        (Row(0, "r", False, (10, 10, 90, 30)),),
    )
    return Layout(width, height, "table", table)


def drawn_family() -> Any:
    """The benchmarks' drawn table family (``benchmarks/_table_family.py``), imported from
    the benchmarks folder: scan-like and report tables with exact gold layouts."""
    import importlib
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parent.parent / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    return importlib.import_module("_table_family")
