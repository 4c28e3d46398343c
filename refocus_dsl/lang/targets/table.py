"""Table targets: ``columns(...)``, ``rows(...)`` and ``cells(row=..., col=...)``."""

from __future__ import annotations

from refocus_dsl.lang.ast import Expr, ListLit
from refocus_dsl.lang.target_kinds import TARGET_KINDS
from refocus_dsl.lang.targets.analysis import (
    Item,
    TargetAnalysis,
    bind_arguments,
    dedupe,
    dedupe_objs,
    flatten_labels,
    lookup,
    missing_label,
    needs,
    ordinal_exists,
    pick_all,
    pick_each,
    start,
    warn_duplicates,
)
from refocus_dsl.lang.targets.index import LayoutIndex
from refocus_dsl.layout import Box, Column, Row
from refocus_dsl.plugin import TargetSet

COLUMNS, ROWS = TARGET_KINDS["columns"], TARGET_KINDS["rows"]


def _columns(a: TargetAnalysis, idx: LayoutIndex, items: list[Item]) -> tuple[list[int], bool]:
    """Column indices for the items (a label may be a row's: the hint says so)."""
    other = (ROWS, idx.row_labels)
    return pick_all(a, COLUMNS, items, len(idx.columns), idx.column_labels, other)


def check_columns(a: TargetAnalysis) -> None:
    started = start(a)
    if started is None:
        return
    items, idx = started
    picked, ok = _columns(a, idx, items)
    warn_duplicates(a, items)
    if ok and a.build:
        cols = idx.columns
        chosen = dedupe(picked)
        a.result = TargetSet(
            kind="columns",
            boxes=tuple(cols[i].bbox for i in chosen),
            labels=tuple(cols[i].header for i in chosen),
            siblings=tuple(c.bbox for c in cols),
            protected=idx.header_boxes,
            extent=idx.table_extent,
        )


def row_hits(a: TargetAnalysis, idx: LayoutIndex, expr: Expr, key: str | int) -> list[Row] | None:
    """Rows for one label or ordinal (None after an error)."""
    rows = idx.body_rows
    if isinstance(key, int):
        labelled = idx.row_labels.exact.get(str(key))
        if key > len(rows):
            alt = f'the row starting with "{key}" is rows("{key}")' if labelled else ""
            ordinal_exists(a, expr, key, len(rows), ROWS, "this table's body", alt)
            return None
        row = rows[key - 1]
        if labelled and all(idx.all_rows[i] is not row for i in labelled):
            a.warn(
                expr.span,
                "W104",
                f'rows({key}) means body row {key} (the one starting with "{row.label}"), '
                f'not the row starting with "{key}"',
                f'write rows("{key}") for the row starting with "{key}"',
            )
        return [row]
    hits = lookup(a, expr, key, idx.row_labels, ROWS)
    if not hits:
        missing_label(a, expr, key, ROWS, idx.row_labels, (COLUMNS, idx.column_labels))
        return None
    return [idx.all_rows[i] for i in hits]


def _rows(a: TargetAnalysis, idx: LayoutIndex, items: list[Item]) -> tuple[list[Row], bool]:
    return pick_each(items, lambda expr, key: row_hits(a, idx, expr, key))


def check_rows(a: TargetAnalysis) -> None:
    started = start(a)
    if started is None:
        return
    items, idx = started
    picked, ok = _rows(a, idx, items)
    warn_duplicates(a, items)
    if ok and a.build:
        chosen = dedupe_objs(picked)
        a.result = TargetSet(
            kind="rows",
            boxes=tuple(r.bbox for r in chosen),
            labels=tuple(r.label for r in chosen),
            siblings=tuple(r.bbox for r in idx.body_rows),
            protected=idx.header_boxes,
            extent=idx.table_extent,
        )


_CELL_ARGS = ("row", "col")


def check_cells(a: TargetAnalysis) -> None:
    given = bind_arguments(a, _CELL_ARGS, "cells() takes at most two arguments, row and col")
    if not given:
        a.error(a.call.span, "E307", "cells() names no row and no column", a.kind.empty_hint)
        return
    row_items = flatten_labels(a, ROWS, [given["row"]]) if "row" in given else []
    col_items = flatten_labels(a, COLUMNS, [given["col"]]) if "col" in given else []
    a.count = len(row_items) + len(col_items)
    for key in _CELL_ARGS:
        expr = given.get(key)
        if isinstance(expr, ListLit) and not expr.items:
            a.error(
                expr.span,
                "E307",
                f"cells() {key}=[] names nothing",
                f"leave {key} out to mean every {'row' if key == 'row' else 'column'}",
            )
    idx = needs(a)
    if idx is None:
        return
    rows, rows_ok = _rows(a, idx, row_items)
    col_picked, cols_ok = _columns(a, idx, col_items)
    cols: list[Column] = [idx.columns[i] for i in col_picked]
    if rows_ok and cols_ok and a.build:
        use_rows = dedupe_objs(rows) if "row" in given else idx.body_rows
        use_cols = dedupe_objs(cols) if "col" in given else idx.columns
        boxes: list[Box] = []
        labels: list[str] = []
        seen: set[Box] = set()
        for r in use_rows:
            for c in use_cols:
                box = idx.cell_box(r, c)
                if box is not None and box not in seen:
                    seen.add(box)
                    boxes.append(box)
                    labels.append(f"{r.label} / {c.header}")
        siblings = []
        for r in idx.body_rows:
            for c in idx.columns:
                box = idx.cell_box(r, c)
                if box is not None:
                    siblings.append(box)
        a.result = TargetSet(
            kind="cells",
            boxes=tuple(boxes),
            labels=tuple(labels),
            siblings=tuple(siblings),
            protected=idx.header_boxes,
            extent=idx.table_extent,
        )
