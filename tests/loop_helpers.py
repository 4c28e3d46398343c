"""Shared fixtures for the loop tests: small Pillow-drawn images with hand-made layouts."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

from refocus_dsl.layout import Category, Cell, Chart, Column, Layout, Row, Table

TABLE_HEADERS = ("Index", "Year", "Cost", "Earning")
TABLE_ROWS = (
    ("1", "2008", "310", "1,020"),
    ("2", "2009", "280", "1,110"),
    ("3", "2010", "350", "990"),
    ("4", "2011", "300", "1,520"),
    ("5", "2012", "330", "1,240"),
)
COL_W, ROW_H, MARGIN = 90, 30, 10


def table_image_and_layout() -> tuple[Image.Image, Layout]:
    """A 5-row table drawn with Pillow, and its exact layout."""
    ncols, nrows = len(TABLE_HEADERS), len(TABLE_ROWS) + 1
    width, height = 2 * MARGIN + ncols * COL_W, 2 * MARGIN + nrows * ROW_H
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    all_rows = (TABLE_HEADERS, *TABLE_ROWS)
    for r, values in enumerate(all_rows):
        for c, text in enumerate(values):
            x, y = MARGIN + c * COL_W, MARGIN + r * ROW_H
            draw.rectangle((x, y, x + COL_W - 1, y + ROW_H - 1), outline=(120, 120, 120))
            draw.text((x + 8, y + 9), text, fill="black")
    x2, y2 = MARGIN + ncols * COL_W, MARGIN + nrows * ROW_H
    columns = tuple(
        Column(c, h, (MARGIN + c * COL_W, MARGIN, MARGIN + (c + 1) * COL_W, y2))
        for c, h in enumerate(TABLE_HEADERS)
    )
    rows = tuple(
        Row(r, values[0], r == 0, (MARGIN, MARGIN + r * ROW_H, x2, MARGIN + (r + 1) * ROW_H))
        for r, values in enumerate(all_rows)
    )
    cells = tuple(
        Cell(
            r,
            c,
            text,
            (
                MARGIN + c * COL_W,
                MARGIN + r * ROW_H,
                MARGIN + (c + 1) * COL_W,
                MARGIN + (r + 1) * ROW_H,
            ),
        )
        for r, values in enumerate(all_rows)
        for c, text in enumerate(values)
    )
    table = Table((MARGIN, MARGIN, x2, y2), columns, rows, cells)
    return image, Layout(width, height, "table", table=table)


CHART_LABELS = ("China", "India", "Brazil", "Germany", "Japan")
CHART_VALUES = (45, 30, 22, 18, 35)


def chart_image_and_layout(
    width: int = 400, height: int = 300, labels: tuple[str, ...] = CHART_LABELS
) -> tuple[Image.Image, Layout]:
    """A vertical bar chart drawn with Pillow, and its exact layout."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = 40, 20, width - 20, height - 40
    band = (right - left) // len(labels)
    cats = []
    for i, label in enumerate(labels):
        value = CHART_VALUES[i % len(CHART_VALUES)]
        x1 = left + i * band
        bar = (
            x1 + band // 4,
            bottom - int(value / 50 * (bottom - top)),
            x1 + 3 * band // 4,
            bottom,
        )
        draw.rectangle((bar[0], bar[1], bar[2] - 1, bar[3] - 1), fill=(60, 110, 200))
        draw.text((x1 + 4, bottom + 8), label, fill="black")
        cats.append(
            Category(
                i,
                label,
                (x1, bottom + 4, x1 + band, bottom + 24),
                bar,
                (x1, top, x1 + band, height - 10),
            )
        )
    draw.line((left, bottom, right, bottom), fill="black")
    chart = Chart("bar", "vertical", (left, top, right, bottom), "Values", tuple(cats))
    return image, Layout(width, height, "chart", chart=chart)


def write_table_files(folder: Path) -> tuple[str, str]:
    """The table image and its layout as files ``t.png`` and ``t.json`` in ``folder``."""
    image, layout = table_image_and_layout()
    image.save(folder / "t.png")
    (folder / "t.json").write_text(layout.to_json())
    return str(folder / "t.png"), str(folder / "t.json")


def write_dataset(folder: Path, n: int = 3, answer: str = "2011") -> str:
    """An eval dataset of ``n`` questions on the table image, with its gold layout."""
    write_table_files(folder)
    rows = [
        {"id": f"q{i}", "image": "t.png", "question": f"q{i}?", "answer": answer,
         "layout": "t.json"}
        for i in range(n)
    ]  # fmt: skip
    path = folder / "d.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)
