"""Targets that need no group: ``region(x1, y1, x2, y2)`` and ``text("...")``."""

from __future__ import annotations

import math

from refocus_dsl.lang.ast import Boolean, Expr, Float, Integer
from refocus_dsl.lang.diagnostics import as_float, number_text
from refocus_dsl.lang.labels import loose_label, nearest, normalize_label
from refocus_dsl.lang.targets.analysis import (
    TargetAnalysis,
    bind_arguments,
    describe,
    flatten_labels,
    no_keywords,
)
from refocus_dsl.lang.targets.index import layout_index
from refocus_dsl.layout import Box
from refocus_dsl.plugin import TargetSet

REGION_ARGS = ("x1", "y1", "x2", "y2")


def _number(expr: Expr) -> float | None:
    if isinstance(expr, (Integer, Float)) and not isinstance(expr, Boolean):
        return as_float(expr.value)
    return None


def _region_arguments(a: TargetAnalysis) -> dict[str, Expr]:
    """x1, y1, x2, y2 as given, by position or keyword (E303/E309/E302 for the rest)."""
    call = a.call
    too_many = f"region() takes 4 numbers (x1, y1, x2, y2), got {len(call.args)}"
    given = bind_arguments(a, REGION_ARGS, too_many)
    missing = [n for n in REGION_ARGS if n not in given]
    if missing:
        a.error(
            call.span,
            "E302",
            f"region() needs 4 numbers x1, y1, x2, y2; missing {', '.join(missing)}",
            a.kind.empty_hint,
        )
    return given


def _fraction(a: TargetAnalysis, name: str, expr: Expr) -> float | None:
    """One coordinate as a fraction in 0..1 (None after an error)."""
    v = _number(expr)
    if v is None or v != v:
        a.error(expr.span, "E301", f"region() {name} must be a number, got {describe(expr)}")
        return None
    if 0.0 <= v <= 1.0:
        return v
    size = a.width if name[0] == "x" else a.height
    hint = "region() takes fractions of the image (0..1)"
    shown = number_text(expr.value) if isinstance(expr, (Integer, Float)) else f"{v:g}"
    if 2 <= v < math.inf and size:
        side = "width" if name[0] == "x" else "height"
        hint += f"; if {shown} is in pixels, that is {min(v / size, 1.0):.3f} of the {side}"
    a.error(expr.span, "E304", f"region() {name} must be between 0 and 1, got {shown}", hint)
    return None


def check_region(a: TargetAnalysis) -> None:
    a.count = 1
    given = _region_arguments(a)
    values: dict[str, float] = {}
    ok = len(given) == len(REGION_ARGS)
    for name in REGION_ARGS:
        expr = given.get(name)
        if expr is None:
            continue
        v = _fraction(a, name, expr)
        if v is None:
            ok = False
        else:
            values[name] = v
    for lo, hi in (("x1", "x2"), ("y1", "y2")):
        if lo in values and hi in values and values[hi] <= values[lo]:
            a.error(
                given[hi].span,
                "E308",
                f"region() is empty: {hi} ({values[hi]:g}) must be greater than {lo} "
                f"({values[lo]:g})",
                f"swap them: {lo}={values[hi]:g}, {hi}={values[lo]:g}"
                if values[hi] < values[lo]
                else "",
            )
            ok = False
    if ok and a.build and a.width and a.height:
        w, h = a.width, a.height
        x1 = min(int(values["x1"] * w), w - 1)
        y1 = min(int(values["y1"] * h), h - 1)
        x2 = max(x1 + 1, min(w, math.ceil(values["x2"] * w)))
        y2 = max(y1 + 1, min(h, math.ceil(values["y2"] * h)))
        a.result = TargetSet(
            kind="region",
            boxes=((x1, y1, x2, y2),),
            labels=(),
            siblings=(),
            protected=(),
            extent=(0, 0, w, h),
        )


def check_text(a: TargetAnalysis) -> None:
    no_keywords(a)
    items = flatten_labels(a, a.kind, a.call.args, allow_int=False)
    a.count = len(items)
    if not a.call.args:
        a.error(a.call.span, "E307", "text() names no text", a.kind.empty_hint)
    for expr, key in items:
        if not str(key).strip():
            a.error(expr.span, "E307", "text() with an empty string finds nothing")
    if a.layout is None or not items:
        return
    idx = layout_index(a.layout)
    found: list[Box] = []
    seen: set[Box] = set()
    labels: list[str] = []
    texts = idx.texts()
    keys = idx.text_keys()
    ok = True
    for expr, key in items:
        q = normalize_label(str(key))
        if not q:
            ok = False
            continue
        # Whole-text matches win; failing those, text that contains the query.
        hits = [texts[i] for i, (norm, _) in enumerate(keys) if q == norm]
        if not hits:
            hits = [texts[i] for i, (norm, _) in enumerate(keys) if q in norm]
        if not hits:
            lq = loose_label(str(key))
            hits = [texts[i] for i, (_, loose) in enumerate(keys) if lq in loose]
        if not hits:
            close = nearest(str(key), [t for t, _ in texts])
            a.error(
                expr.span,
                "E203",
                f'no text "{key}" found in this image',
                ("did you mean " + " or ".join(f'"{c}"' for c in close) + "?") if close else "",
            )
            ok = False
        for t, b in hits:
            if b not in seen:
                seen.add(b)
                found.append(b)
                labels.append(t)
    if ok and a.build:
        a.result = TargetSet(
            kind="text",
            boxes=tuple(found),
            labels=tuple(labels),
            siblings=(),
            protected=(),
            extent=idx.whole,
        )
