"""Chart and figure targets: ``bars(...)`` (categories, or one series' bar in each),
``series(...)`` (every bar of a series) and ``subplots(...)`` (panels)."""

from __future__ import annotations

from refocus_dsl.lang.ast import Expr, Integer, String
from refocus_dsl.lang.target_kinds import TARGET_KINDS
from refocus_dsl.lang.targets.analysis import (
    TargetAnalysis,
    dedupe,
    describe,
    lookup,
    missing_label,
    ordinal_exists,
    pick_all,
    pick_each,
    pick_one,
    start,
    warn_duplicates,
)
from refocus_dsl.lang.targets.index import LayoutIndex
from refocus_dsl.layout import Box
from refocus_dsl.plugin import TargetSet

SERIES = TARGET_KINDS["series"]
BARS = TARGET_KINDS["bars"]


def _has_series(a: TargetAnalysis, idx: LayoutIndex, span_expr: Expr | None = None) -> bool:
    """Whether the chart has series to name (else an E205)."""
    if idx.series:
        return True
    span = span_expr.span if span_expr is not None else a.call.name_span
    a.error(
        span,
        "E205",
        "this chart has a single series (no legend, bars of one colour): no series to name",
        'name its bars by category, e.g. bars("...")',
    )
    return False


def pick_series(a: TargetAnalysis, idx: LayoutIndex, expr: Expr, key: str | int) -> int | None:
    """The index of the series a label or ordinal names; None after an error.

    On a chart without a legend a label cannot match (E203 says so); an ordinal
    counts the bar colours in drawing order, with warning W107.
    """
    n = len(idx.series)
    if isinstance(key, int):
        if not ordinal_exists(a, expr, key, n, SERIES, SERIES.where):
            return None
        if not idx.legend_read:
            a.warn(
                expr.span,
                "W107",
                f"this chart has no legend: series {key} is its {_ordinal(key)} bar colour "
                f"of {n}, counted {_drawing_order(idx)}",
                "check the edited image shows the series meant",
            )
        return key - 1
    if not idx.legend_read:
        a.error(
            expr.span,
            "E203",
            SERIES.missing(key) + " (it has no legend to name series by)",
            f"name a series by ordinal from 1 to {n}, its bar colours "
            f"{_drawing_order(idx)}, e.g. series(1)",
        )
        return None
    hits = lookup(a, expr, key, idx.series_labels, SERIES)
    if not hits:
        missing_label(a, expr, key, SERIES, idx.series_labels, (BARS, idx.category_labels))
        return None
    return hits[0]


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _drawing_order(idx: LayoutIndex) -> str:
    chart = idx.layout.chart
    across = "top to bottom" if chart is not None and chart.orientation == "horizontal" else (
        "left to right"
    )
    return f"{across} within a group (stacked: from the baseline out)"


def _series_key(a: TargetAnalysis) -> tuple[Expr, str | int] | None:
    """The ``series=`` keyword of ``bars(...)``: one label or ordinal, or None."""
    for kw in a.call.keywords:
        if kw.name != "series":
            continue
        v = kw.value
        if isinstance(v, String):
            return v, v.value
        if isinstance(v, Integer) and v.value >= 1:
            return v, v.value
        a.error(
            v.span,
            "E301",
            f"series= takes one legend label in quotes or an ordinal from 1, got {describe(v)}",
            'e.g. bars("South", series="Women")',
        )
        return None
    return None


def _all_series_boxes(idx: LayoutIndex) -> tuple[Box, ...]:
    return tuple(b for boxes in idx.series_boxes() for b in boxes if b is not None)


def check_bars(a: TargetAnalysis) -> None:
    started = start(a, ("series",))
    series_kw = _series_key(a)
    if started is None:
        return
    items, idx = started
    k: int | None = None
    if series_kw is not None:
        if not _has_series(a, idx, series_kw[0]):
            return
        k = pick_series(a, idx, *series_kw)
        if k is None:
            return
    picked: list[int] = []
    ok = True
    for expr, key in items:
        other = (SERIES, idx.series_labels) if idx.legend_read else None
        hits = pick_one(a, a.kind, expr, key, len(idx.categories), idx.category_labels, other)
        if hits is None:
            ok = False
            continue
        for i in hits:
            if k is not None and idx.series_boxes()[k][i] is None:
                name = idx.series[k].label or f"series {k + 1}"
                a.error(
                    expr.span,
                    "E205",
                    f'bar "{idx.categories[i].label}" has no bar of "{name}" in this layout',
                    "that series has no bar there (a zero or missing value?)",
                )
                ok = False
            elif idx.category_boxes[i] is None:
                a.error(
                    expr.span,
                    "E205",
                    f'bar "{idx.categories[i].label}" has no position in this layout',
                )
                ok = False
        picked.extend(hits)
    warn_duplicates(a, items)
    if ok and a.build:
        chosen = dedupe(picked)
        if k is not None:
            boxes = [idx.series_boxes()[k][i] for i in chosen]
            name = idx.series[k].label or str(k + 1)
            labels = tuple(f"{idx.categories[i].label} / {name}" for i in chosen)
            siblings = _all_series_boxes(idx)
        else:
            boxes = [idx.category_boxes[i] for i in chosen]
            labels = tuple(idx.categories[i].label for i in chosen)
            siblings = tuple(b for b in idx.category_boxes if b is not None)
        a.result = TargetSet(
            kind="bars",
            boxes=tuple(b for b in boxes if b is not None),
            labels=labels,
            siblings=siblings,
            protected=(),
            extent=idx.chart_extent(),
        )


def check_series(a: TargetAnalysis) -> None:
    started = start(a)
    if started is None:
        return
    items, idx = started
    if not _has_series(a, idx):
        return
    def one(expr: Expr, key: str | int) -> list[int] | None:
        k = pick_series(a, idx, expr, key)
        return None if k is None else [k]

    picked, ok = pick_each(items, one)
    warn_duplicates(a, items)
    if ok and a.build:
        chosen = dedupe(picked)
        per = idx.series_boxes()
        a.result = TargetSet(
            kind="series",
            boxes=tuple(b for k in chosen for b in per[k] if b is not None),
            labels=tuple(idx.series[k].label or str(k + 1) for k in chosen),
            siblings=_all_series_boxes(idx),
            protected=(),
            extent=idx.chart_extent(),
        )


def check_subplots(a: TargetAnalysis) -> None:
    started = start(a)
    if started is None:
        return
    items, idx = started
    picked, ok = pick_all(a, a.kind, items, len(idx.subplots), idx.subplot_titles)
    warn_duplicates(a, items)
    if ok and a.build:
        chosen = dedupe(picked)
        subs = idx.subplots
        a.result = TargetSet(
            kind="subplots",
            boxes=tuple(subs[i].bbox for i in chosen),
            labels=tuple(subs[i].title or str(i + 1) for i in chosen),
            siblings=tuple(s.bbox for s in subs),
            protected=(),
            extent=idx.whole,
        )
