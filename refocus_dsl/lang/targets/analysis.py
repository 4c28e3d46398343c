"""The shared steps of checking one target call: arguments, layout, labels, ordinals.

Every message names things through the kind's descriptor
(:mod:`refocus_dsl.lang.target_kinds`), so the wording of "column", "this table",
"rows start with" lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from refocus_dsl.lang.ast import Boolean, Call, Expr, Float, Integer, ListLit, Name, Span, String
from refocus_dsl.lang.diagnostics import Diagnostic, Severity, diagnostic_at, number_text
from refocus_dsl.lang.labels import LabelSet, nearest, normalize_label
from refocus_dsl.lang.target_kinds import TARGET_KINDS, TargetKind
from refocus_dsl.lang.targets.index import LayoutIndex, layout_index
from refocus_dsl.layout import Layout
from refocus_dsl.plugin import TargetSet

SHOW_ALL = 12
"""Labels listed in full in a suggestion; longer lists are cut with a count."""

T = TypeVar("T")

Item = tuple[Expr, "str | int"]
"""One label or ordinal argument and its value."""


class TargetAnalysis:
    """Shared state of checking (and maybe resolving) one target call."""

    __slots__ = ("call", "kind", "layout", "diags", "build", "width", "height", "count", "result")

    def __init__(
        self,
        call: Call,
        layout: Layout | None,
        diags: list[Diagnostic],
        build: bool,
        width: int | None,
        height: int | None,
    ) -> None:
        self.call = call
        self.kind = TARGET_KINDS[call.name]
        self.layout = layout
        self.diags = diags
        self.build = build
        self.width = width if width is not None else (layout.width if layout else None)
        self.height = height if height is not None else (layout.height if layout else None)
        self.count = 0
        self.result: TargetSet | None = None

    def error(self, span: Span, code: str, message: str, *suggestions: str) -> None:
        self.diags.append(
            diagnostic_at(span, code, message, suggestions=tuple(s for s in suggestions if s))
        )

    def warn(self, span: Span, code: str, message: str, *suggestions: str) -> None:
        self.diags.append(
            diagnostic_at(
                span,
                code,
                message,
                severity=Severity.WARNING,
                suggestions=tuple(s for s in suggestions if s),
            )
        )


def describe(expr: Expr) -> str:
    """What an argument is, for "takes labels in quotes, got ..." messages."""
    if isinstance(expr, String):
        return "a string"
    if isinstance(expr, Boolean):
        return "a boolean"
    if isinstance(expr, (Integer, Float)):
        return "a number"
    if isinstance(expr, Name):
        return f"the name {expr.name}"
    if isinstance(expr, ListLit):
        return "a list"
    if isinstance(expr, Call):
        return f"a call of {expr.name}"
    return "a colour"


def flatten_labels(
    a: TargetAnalysis, kind: TargetKind, args: Sequence[Expr], allow_int: bool = True
) -> list[Item]:
    """Label and ordinal arguments of ``kind`` (lists flattened), type-checked."""
    noun, name = kind.noun, kind.name
    out: list[Item] = []
    for arg in args:
        items = arg.items if isinstance(arg, ListLit) else (arg,)
        for item in items:
            if isinstance(item, String):
                out.append((item, item.value))
            elif isinstance(item, Integer) and allow_int:
                if item.value < 1:
                    a.error(
                        item.span,
                        "E304",
                        f"{noun} ordinals count from 1, got {item.value}",
                        f'for a {noun} labelled "{item.value}" write {name}("{item.value}")',
                    )
                else:
                    out.append((item, item.value))
            elif isinstance(item, Name):
                a.error(
                    item.span,
                    "E301",
                    f"{name}() takes labels in quotes, got the name {item.name}",
                    f'did you mean {name}("{item.name}")?',
                )
            else:
                what = "labels in quotes" + (" or ordinals from 1" if allow_int else "")
                a.error(item.span, "E301", f"{name}() takes {what}, got {describe(item)}")
    return out


def no_keywords(a: TargetAnalysis, allowed: Sequence[str] = ()) -> None:
    """E202 for every keyword of the call not in ``allowed``."""
    call = a.call
    for kw in call.keywords:
        if kw.name not in allowed:
            hint = (
                (f"{call.name}() takes keywords " + ", ".join(allowed))
                if allowed
                else (f"{call.name}() takes no keyword arguments")
            )
            a.error(kw.name_span, "E202", f"{call.name}() has no argument named {kw.name}", hint)


def bind_arguments(a: TargetAnalysis, names: Sequence[str], too_many: str) -> dict[str, Expr]:
    """Arguments ``names`` as given, by position or keyword: E303 (``too_many``) for extra
    positionals, E309 for one given twice, E202 for unknown keywords."""
    call = a.call
    no_keywords(a, names)
    given: dict[str, Expr] = {}
    for i, arg in enumerate(call.args):
        if i >= len(names):
            a.error(arg.span, "E303", too_many)
            break
        given[names[i]] = arg
    for kw in call.keywords:
        if kw.name in names:
            if kw.name in given:
                a.error(kw.span, "E309", f"{call.name}() got {kw.name} twice")
            else:
                given[kw.name] = kw.value
    return given


_NEEDS_ARTICLE = {
    "table": "a table",
    "chart": "a bar chart with categories",
    "subplots": "subplots",
}


def needs(a: TargetAnalysis) -> LayoutIndex | None:
    """The layout index if the layout has what the kind needs (else an E205 and None)."""
    layout = a.layout
    what = a.kind.needs
    if layout is None:
        return None
    idx = layout_index(layout)
    if what is None:
        return idx
    if what == "table":
        ok = layout.table is not None and bool(idx.columns or idx.all_rows)
    elif what == "chart":
        ok = layout.chart is not None and bool(idx.categories)
    else:
        ok = bool(idx.subplots)
    if ok:
        return idx
    has = []
    if layout.table is not None:
        has.append("columns(...), rows(...)")
    if layout.chart is not None and idx.categories:
        has.append("bars(...)")
    if idx.subplots:
        has.append("subplots(...)")
        inner = [str(i + 1) for i, s in enumerate(idx.subplots) if s.layout is not None]
        if inner and a.kind.in_panels:
            panels = f"panel{'s' if len(inner) > 1 else ''} " + ", ".join(inner)
            has.append(f"{a.call.name}(..., subplot=N) for what is inside {panels}")
    has.append("region(...)")
    a.error(
        a.call.name_span,
        "E205",
        f"{a.call.name}() needs {_NEEDS_ARTICLE[what]}, but this image's layout has none "
        f"(it is a {layout.kind})",
        "this image supports " + ", ".join(has),
    )
    return None


def listing(kind: TargetKind, labels: Sequence[str]) -> str:
    """'columns are: "A", "B", ...', cut after :data:`SHOW_ALL` labels."""
    shown = [f'"{lab}"' if lab else '""' for lab in labels[:SHOW_ALL]]
    more = f", ... ({len(labels)} in all)" if len(labels) > SHOW_ALL else ""
    return f"{kind.listing}: " + ", ".join(shown) + more


def missing_label(
    a: TargetAnalysis,
    expr: Expr,
    query: str,
    kind: TargetKind,
    labels: LabelSet,
    other: tuple[TargetKind, LabelSet] | None,
) -> None:
    """E203 for a label the group lacks, with the nearest ones and where else it is."""
    suggestions: list[str] = []
    if other is not None and other[1].find(query):
        suggestions.append(other[0].there_is(query))
    close = nearest(query, labels.labels)
    parts = []
    if close:
        parts.append("did you mean " + " or ".join(f'"{c}"' for c in close) + "?")
    if labels.labels:
        parts.append(listing(kind, labels.labels))
    if parts:
        suggestions.append(" ".join(parts))
    a.error(expr.span, "E203", kind.missing(query), *suggestions)


def ordinal_exists(
    a: TargetAnalysis, expr: Expr, n: int, size: int, kind: TargetKind, where: str, alt: str = ""
) -> bool:
    """Whether ordinal ``n`` is within ``size`` (else an E206)."""
    if n <= size:
        return True
    a.error(
        expr.span,
        "E206",
        f"{kind.noun} {number_text(n)} does not exist: {where} has {kind.count(size)} "
        "(ordinals count from 1)",
        alt,
    )
    return False


def start(
    a: TargetAnalysis, keywords: Sequence[str] = ()
) -> tuple[list[Item], LayoutIndex] | None:
    """The shared opening of columns/rows/bars/series/subplots: keywords (only those
    named may appear), labels, E307, layout.

    Returns the flattened items and the layout index, or None when there is
    nothing to resolve against.
    """
    kind = a.kind
    no_keywords(a, keywords)
    items = flatten_labels(a, kind, a.call.args)
    a.count = len(items)
    if not a.call.args:
        a.error(a.call.span, "E307", f"{kind.name}() names no {kind.noun}", kind.empty_hint)
    idx = needs(a) if items else None
    if idx is None:
        return None
    return items, idx


def lookup(
    a: TargetAnalysis, expr: Expr, key: str, labels: LabelSet, kind: TargetKind
) -> list[int]:
    """Indices labelled ``key``; failing that, the OCR-tolerant match with a W106."""
    hits = labels.find(key)
    if not hits:
        hits = labels.find_ocr(key)
        if hits:
            read = labels.labels[hits[0]]
            noun = kind.noun
            a.warn(
                expr.span,
                "W106",
                f'no {noun} is labelled "{key}" exactly; using the OCR-read label "{read}"',
                f"if that is not the {noun} meant, name it as the layout reads it",
            )
    return hits


def pick_one(
    a: TargetAnalysis,
    kind: TargetKind,
    expr: Expr,
    key: str | int,
    size: int,
    labels: LabelSet,
    other: tuple[TargetKind, LabelSet] | None = None,
) -> list[int] | None:
    """Indices for one ordinal (checked against ``size``) or label; None after an error."""
    if isinstance(key, int):
        if ordinal_exists(a, expr, key, size, kind, kind.where):
            return [key - 1]
        return None
    hits = lookup(a, expr, key, labels, kind)
    if not hits:
        missing_label(a, expr, key, kind, labels, other)
        return None
    return hits


def pick_all(
    a: TargetAnalysis,
    kind: TargetKind,
    items: list[Item],
    size: int,
    labels: LabelSet,
    other: tuple[TargetKind, LabelSet] | None = None,
) -> tuple[list[int], bool]:
    """Indices for all items, in order, and whether every one resolved."""
    picked: list[int] = []
    ok = True
    for expr, key in items:
        hits = pick_one(a, kind, expr, key, size, labels, other)
        if hits is None:
            ok = False
        else:
            picked.extend(hits)
    return picked, ok


def pick_each(
    items: list[Item], pick: Callable[[Expr, str | int], list[T] | None]
) -> tuple[list[T], bool]:
    """What ``pick`` finds for every item, in order, and whether every one resolved
    (``pick`` reports its own errors and returns None)."""
    picked: list[T] = []
    ok = True
    for expr, key in items:
        hits = pick(expr, key)
        if hits is None:
            ok = False
        else:
            picked.extend(hits)
    return picked, ok


def dedupe(items: list[int]) -> list[int]:
    return list(dict.fromkeys(items))


def dedupe_objs(items: list[Any]) -> list[Any]:
    """``items`` without repeats of the same object, in order."""
    seen: set[int] = set()
    out = []
    for it in items:
        if id(it) not in seen:
            seen.add(id(it))
            out.append(it)
    return out


def warn_duplicates(a: TargetAnalysis, items: list[Item]) -> None:
    """W102 for a label named twice in one target (same normalised text or ordinal)."""
    if len(items) < 2:
        return
    seen: set[Any] = set()
    warned: set[Any] = set()
    for expr, key in items:
        k = normalize_label(key) if isinstance(key, str) else key
        if k in seen and k not in warned:
            warned.add(k)
            quoted = f'"{key}"' if isinstance(key, str) else number_text(key)
            a.warn(
                expr.span,
                "W102",
                f"{a.call.name}() names {quoted} more than once",
                "name each once",
            )
        seen.add(k)
