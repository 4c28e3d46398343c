"""kind="auto": when the chart reading names no category, a sure table reading wins."""

from __future__ import annotations

from refocus_dsl.detect import _table_wins
from refocus_dsl.layout import Category, Chart, Column, Layout, Table


def _chart(*labels: str) -> Layout:
    cats = tuple(Category(index=i, label=t) for i, t in enumerate(labels))
    return Layout(width=100, height=100, kind="chart", chart=Chart(categories=cats), confidence=0.1)


def _table(confidence: float, n_columns: int = 3) -> Layout:
    cols = tuple(Column(i, f"c{i}", (i * 10, 0, i * 10 + 10, 50)) for i in range(n_columns))
    table = Table(bbox=(0, 0, 10 * n_columns, 50), columns=cols)
    return Layout(width=100, height=100, kind="table", table=table, confidence=confidence)


def test_sure_table_beats_a_chart_without_labels() -> None:
    assert _table_wins(_table(0.93), _chart("", ""))
    assert _table_wins(_table(0.93), Layout(width=100, height=100, kind="chart"))


def test_labelled_chart_is_kept_however_sure_the_table_is() -> None:
    assert not _table_wins(_table(0.99), _chart("", "China"))


def test_unsure_or_degenerate_table_does_not_win() -> None:
    assert not _table_wins(_table(0.80), _chart("", ""))
    assert not _table_wins(_table(0.99, n_columns=1), _chart(""))
