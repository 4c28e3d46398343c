"""Chart and figure targets: ``bars(...)`` (categories) and ``subplots(...)`` (panels)."""

from __future__ import annotations

from refocus_dsl.plugin import TargetSet
from refocus_dsl.targets.analysis import (
    TargetAnalysis,
    dedupe,
    pick_all,
    pick_one,
    start,
    warn_duplicates,
)


def check_bars(a: TargetAnalysis) -> None:
    started = start(a)
    if started is None:
        return
    items, idx = started
    picked: list[int] = []
    ok = True
    for expr, key in items:
        hits = pick_one(a, a.kind, expr, key, len(idx.categories), idx.category_labels)
        if hits is None:
            ok = False
            continue
        for i in hits:
            if idx.category_boxes[i] is None:
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
        boxes = [idx.category_boxes[i] for i in chosen]
        a.result = TargetSet(
            kind="bars",
            boxes=tuple(b for b in boxes if b is not None),
            labels=tuple(idx.categories[i].label for i in chosen),
            siblings=tuple(b for b in idx.category_boxes if b is not None),
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
