"""Big layouts: check and run of text() and cells() targets over tens of thousands of cells.

Run on demand (it prints figures; nothing asserts on time):

    python benchmarks/bench_big_layout.py [--cells 50000 ...]

Target: linear in the cells (50,000 cells once took 54 s to check and 133 s to run
``text(...)``; the work now grows with the cells, not with their square).
"""

from __future__ import annotations

import argparse
import time

from PIL import Image

from refocus_dsl import compile_program
from refocus_dsl.layout import Cell, Column, Layout, Row, Table

PROGRAMS = ('highlight(text("1"))', 'highlight(text("-"))', 'keep_only(cells(col="C3"))')


def table(n_cells: int, n_cols: int = 10) -> Layout:
    n_rows = max(2, n_cells // n_cols)
    width, height = n_cols * 20, n_rows * 2
    cols = tuple(Column(c, f"C{c}", (c * 20, 0, c * 20 + 20, height)) for c in range(n_cols))
    rows = tuple(Row(r, f"r{r}", r == 0, (0, r * 2, width, r * 2 + 2)) for r in range(n_rows))
    cells = tuple(
        Cell(r, c, f"{r}-{c}", (c * 20, r * 2, c * 20 + 20, r * 2 + 2))
        for r in range(n_rows)
        for c in range(n_cols)
    )
    return Layout(width, height, "table", Table((0, 0, width, height), cols, rows, cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", type=int, nargs="+", default=[5_000, 20_000, 50_000])
    args = ap.parse_args()
    print(f"{'cells':>8}  {'program':<28} {'check s':>8} {'run s':>8}")
    for n in args.cells:
        layout = table(n)
        image = Image.new("RGB", (layout.width, layout.height), "white")
        for source in PROGRAMS:
            t0 = time.perf_counter()
            checked = compile_program(source, layout)
            t1 = time.perf_counter()
            checked.run(image)
            t2 = time.perf_counter()
            print(f"{n:>8}  {source:<28} {t1 - t0:>8.3f} {t2 - t1:>8.3f}")


if __name__ == "__main__":
    main()
