"""Targets over layouts with tens of thousands of cells stay linear in the cells.

Timing belongs in benchmarks/bench_big_layout.py; here the work is counted: box
comparisons, which a list-membership test made quadratic in the matches.
"""

from __future__ import annotations

from typing import Any

from PIL import Image

from refocus_dsl import compile_program
from refocus_dsl.layout import Cell, Column, Layout, Row, Table


class CountingBox(tuple):  # type: ignore[type-arg]
    """A box that counts how often it is compared."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        CountingBox.compared += 1
        return tuple.__eq__(self, other)  # type: ignore[arg-type]

    def __hash__(self) -> int:
        return tuple.__hash__(self)


def _table(n_rows: int, n_cols: int = 10) -> Layout:
    width, height = n_cols * 20, n_rows * 2
    cols = tuple(Column(c, f"C{c}", (c * 20, 0, c * 20 + 20, height)) for c in range(n_cols))
    rows = tuple(Row(r, f"r{r}", r == 0, (0, r * 2, width, r * 2 + 2)) for r in range(n_rows))
    box: Any = CountingBox
    cells = tuple(
        Cell(r, c, f"{r}-{c}", box((c * 20, r * 2, c * 20 + 20, r * 2 + 2)))
        for r in range(n_rows)
        for c in range(n_cols)
    )
    return Layout(width, height, "table", Table((0, 0, width, height), cols, rows, cells))


def test_text_matching_every_cell_compares_each_box_a_few_times() -> None:
    layout = _table(300)  # 3,000 cells, each containing "-"
    CountingBox.compared = 0
    checked = compile_program('highlight(text("-"))', layout)
    assert checked.ok
    result = checked.run(Image.new("RGB", (layout.width, layout.height), "white"))
    assert len(result.trace[0].boxes) == 3000
    # quadratic membership tests made about 9 million comparisons here
    assert CountingBox.compared < 10 * 3000
