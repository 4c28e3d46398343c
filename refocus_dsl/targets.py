"""Target queries: what ``columns("Year")``, ``region(...)`` and friends mean on a layout.

Each query kind has an argument signature, validation that needs no layout
(types, arity, ranges) and resolution against a :class:`~refocus_dsl.layout.Layout`
into a :class:`~refocus_dsl.plugin.TargetSet` of pixel boxes. The checker and
the interpreter share this code, so what checks is what runs.

Kinds (ordinals count from 1, as a person counts):

=========================  ===========================================================
``columns(l, ...)``        table columns by header text, or ordinal ``columns(2)``
``rows(l, ...)``           table rows by the text of their first cell, or ordinal among
                           the body (non-header) rows: ``rows(1)`` is the first data row
``cells(row=.., col=..)``  crossings of rows and columns; each a label, an ordinal or a
                           list of them; leave one out for all (also ``cells(r, c)``)
``bars(l, ...)``           bar-chart categories by tick label, or ordinal
``subplots(n, ...)``       panels by ordinal (reading order), or by title text
``region(x1,y1,x2,y2)``    fractions of the image, each in 0..1, non-empty
``text(s, ...)``           wherever the layout shows that text (cells, headers, row
                           labels, categories, subplot titles): the pieces equal to
                           it, or if there are none, the pieces containing it
=========================  ===========================================================

Any label argument may also be a list (``columns(["A", "B"])``), as the paper writes.

Labels match after normalisation (Unicode NFKC, case-folded, whitespace
collapsed); failing that, ignoring punctuation and spaces (``"Earning ($)"``
matches ``"earning $"``). On a detected layout, whose text OCR read, a name
that still matches nothing may match the one label that is clearly its likely
misreading (``"Germany"`` -> ``"Cermany"``, or a label the image clips,
``"November 2018"`` -> ``"ember 2018"``; numbers must agree), with warning W106.
Gold layouts get no such leeway. Other near misses are errors with the nearest
candidates as suggestions. An integer is an ordinal, never a
label; where a row's first cell is that number too, a warning (W104) says
which row was meant and how to name the other one.

``TargetSet`` fields: ``boxes`` (what was named, in the order named),
``labels``, ``siblings`` (every box of the group: all columns / all body rows /
all cells / all categories / all panels; none for region and text),
``protected`` (the table's header rows, for table targets) and ``extent``
(table box; plot area joined with the category bands; the whole image for
panels, regions and text).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from refocus_dsl.ast import Boolean, Call, Expr, Float, Integer, ListLit, Name, Span, String
from refocus_dsl.diagnostics import Diagnostic, Severity, diagnostic_at
from refocus_dsl.layout import Box, Category, Column, Layout, Row, Subplot

if TYPE_CHECKING:
    from refocus_dsl.plugin import TargetSet

__all__ = [
    "TargetKind",
    "TARGET_KINDS",
    "TargetCheck",
    "check_target",
    "resolve",
    "normalize_label",
    "loose_label",
    "nearest",
    "ocr_similarity",
    "find_label",
]


@dataclass(frozen=True)
class TargetKind:
    """One query kind, as the docs and the prompt describe it."""

    name: str
    signature: str
    summary: str
    example: str
    needs: str | None
    """What the layout must have: "table", "chart", "subplots", or None."""


TARGET_KINDS: Mapping[str, TargetKind] = MappingProxyType(
    {
        k.name: k
        for k in (
            TargetKind(
                "columns",
                'columns("Header", ...)',
                "table columns by header text or ordinal",
                'columns("Year", "Earning")',
                "table",
            ),
            TargetKind(
                "rows",
                'rows("first cell", ...)',
                "table rows by first-cell text or ordinal among body rows",
                'rows("1996", "1997")',
                "table",
            ),
            TargetKind(
                "cells",
                'cells(row="...", col="...")',
                "table cells where named rows and columns cross",
                'cells(row="1996", col="Earning")',
                "table",
            ),
            TargetKind(
                "bars",
                'bars("label", ...)',
                "bar-chart categories by tick label",
                'bars("China", "India")',
                "chart",
            ),
            TargetKind(
                "subplots",
                "subplots(n, ...)",
                "panels of a figure, counted from 1 in reading order",
                "subplots(1, 3)",
                "subplots",
            ),
            TargetKind(
                "region",
                "region(x1, y1, x2, y2)",
                "a rectangle in fractions of the image (0..1)",
                "region(0.1, 0.2, 0.5, 0.6)",
                None,
            ),
            TargetKind(
                "text", 'text("...")', "wherever the layout shows that text", 'text("Total")', None
            ),
        )
    }
)

_NOUNS = {"columns": "column", "rows": "row", "bars": "bar", "subplots": "subplot"}
_SHOW_ALL = 12


class TargetCheck(NamedTuple):
    """What checking one target found: how many things it names, and (with a layout,
    when asked and error-free) the resolved target set."""

    named: int
    targets: TargetSet | None = None


# ---------------------------------------------------------------- labels


_norm_cache: dict[str, str] = {}


def normalize_label(text: str) -> str:
    """How labels compare: NFKC, case-folded, whitespace collapsed to single spaces."""
    norm = _norm_cache.get(text)
    if norm is None:
        if text.isascii():
            norm = " ".join(text.lower().split())
        else:
            norm = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        if len(_norm_cache) >= 4096:
            _norm_cache.clear()
        _norm_cache[text] = norm
    return norm


def loose_label(text: str) -> str:
    """A label with punctuation and spaces removed (the second, looser match)."""
    norm = normalize_label(text)
    loose = "".join(ch for ch in norm if ch.isalnum())
    return loose or norm


def nearest(query: str, candidates: Sequence[str], n: int = 3) -> list[str]:
    """The candidates closest to ``query`` (after normalisation), best first."""
    import difflib

    by_norm: dict[str, str] = {}
    for c in candidates:
        by_norm.setdefault(normalize_label(c), c)
    close = difflib.get_close_matches(normalize_label(query), list(by_norm), n=n, cutoff=0.6)
    return [by_norm[c] for c in close]


def _listing(noun_plural: str, labels: Sequence[str]) -> str:
    shown = [f'"{lab}"' if lab else '""' for lab in labels[:_SHOW_ALL]]
    more = f", ... ({len(labels)} in all)" if len(labels) > _SHOW_ALL else ""
    return f"{noun_plural}: " + ", ".join(shown) + more


OCR_MATCH = 0.8
"""Least similarity (difflib ratio of the loose forms) for an OCR-tolerant label match."""


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def ocr_similarity(query: str, label: str) -> float:
    """How well a name matches a label that OCR read, 0..1 (see :meth:`_Labels.find_ocr`).

    Compared loose (no case, spaces or punctuation): the whole label, or, when the
    label is shorter, the query's end or start of the label's length (a label that
    the image itself clips at its edge, "ember 2018" for "November 2018"). Numbers
    must agree exactly: "2017" never matches "2018". Short names never match.
    """
    q, lab = loose_label(query), loose_label(label)
    if len(q) < 5 or len(lab) < 4:
        return 0.0
    import difflib

    segments = [q]
    if len(lab) < len(q) and len(lab) >= max(5, len(q) // 2):
        segments += [q[-len(lab) :], q[: len(lab)]]
    best = 0.0
    for seg in segments:
        d_seg, d_lab = _digits(seg), _digits(lab)
        # A stray digit in a label with no number is an OCR slip ("1" for "l").
        if d_seg != d_lab and (d_seg or len(d_lab) > 1):
            continue
        best = max(best, difflib.SequenceMatcher(None, seg, lab, autojunk=False).ratio())
    return best


class _Labels:
    """Exact-after-normalisation and loose lookups over one group's labels, and, for
    labels read by OCR, an OCR-tolerant one."""

    __slots__ = ("labels", "exact", "loose", "read_by_ocr")

    def __init__(self, labels: Sequence[str], read_by_ocr: bool = False) -> None:
        self.labels = list(labels)
        self.read_by_ocr = read_by_ocr
        self.exact: dict[str, list[int]] = {}
        self.loose: dict[str, list[int]] = {}
        for i, lab in enumerate(labels):
            self.exact.setdefault(normalize_label(lab), []).append(i)
            self.loose.setdefault(loose_label(lab), []).append(i)

    def find(self, query: str) -> list[int]:
        hit = self.exact.get(normalize_label(query))
        if hit is None:
            hit = self.loose.get(loose_label(query))
        return hit or []

    def find_ocr(self, query: str) -> list[int]:
        """The one label OCR most likely misread for ``query`` ("Cermany" for "Germany"),
        when the labels were read by OCR and exactly one text is clearly closest."""
        if not self.read_by_ocr:
            return []
        scores: dict[str, float] = {}
        for lab in self.labels:
            key = loose_label(lab)
            if key and key not in scores:
                scores[key] = ocr_similarity(query, lab)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < OCR_MATCH:
            return []
        if len(ranked) > 1 and ranked[1][1] > ranked[0][1] - 0.05:
            return []  # two texts about as close: no guess
        hits = self.loose[ranked[0][0]]
        return list(hits) if len(hits) == 1 else []  # a guess names one thing


def find_label(labels: Sequence[str], query: str, *, read_by_ocr: bool) -> list[int]:
    """Indices of the labels that ``bars(query)`` (or columns, rows, subplots) selects:
    exact, then loose, then (``read_by_ocr``) the OCR-tolerant match. For scorers and
    tools that ask what a name would select without a program."""
    labs = _Labels(labels, read_by_ocr)
    return labs.find(query) or labs.find_ocr(query)


# ---------------------------------------------------------------- layout index


def _union(boxes: Sequence[Box | None]) -> Box | None:
    bs = [b for b in boxes if b is not None]
    if not bs:
        return None
    return (
        min(b[0] for b in bs),
        min(b[1] for b in bs),
        max(b[2] for b in bs),
        max(b[3] for b in bs),
    )


def _intersect(a: Box, b: Box) -> Box | None:
    x1, y1, x2, y2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    if x2 <= x1 or y2 <= y1:
        return None
    return (x1, y1, x2, y2)


class _Index:
    """Everything label lookups need from one layout, computed once per layout."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        table = layout.table
        self.columns: list[Column] = sorted(table.columns, key=lambda c: c.index) if table else []
        rows = sorted(table.rows, key=lambda r: r.index) if table else []
        self.body_rows: list[Row] = [r for r in rows if not r.is_header]
        self.all_rows: list[Row] = rows
        self.header_boxes: tuple[Box, ...] = tuple(r.bbox for r in rows if r.is_header)
        # A detected layout's text was read by OCR; a gold layout's was not.
        ocr = layout.detector is not None
        self.column_labels = _Labels([c.header for c in self.columns], ocr)
        self.row_labels = _Labels([r.label for r in rows], ocr)
        chart = layout.chart
        self.categories: list[Category] = (
            sorted(chart.categories, key=lambda c: c.index) if chart else []
        )
        self.category_labels = _Labels([c.label for c in self.categories], ocr)
        self.category_boxes: list[Box | None] = [
            c.region if c.region is not None else _union([c.bar_bbox, c.label_bbox])
            for c in self.categories
        ]
        self.subplots: list[Subplot] = sorted(layout.subplots, key=lambda s: s.index)
        self.subplot_titles = _Labels([s.title or "" for s in self.subplots], ocr)
        self.whole: Box = (0, 0, layout.width, layout.height)
        self._cells: dict[tuple[int, int], Box] | None = None
        self._texts: list[tuple[str, Box]] | None = None

    @property
    def table_extent(self) -> Box | None:
        return self.layout.table.bbox if self.layout.table is not None else None

    def chart_extent(self) -> Box | None:
        chart = self.layout.chart
        plot = chart.plot_bbox if chart is not None else None
        return _union([plot, *self.category_boxes])

    def cell_box(self, row: Row, col: Column) -> Box | None:
        if self._cells is None:
            cells: dict[tuple[int, int], Box] = {}
            table = self.layout.table
            for c in table.cells if table is not None else ():
                if c.bbox is not None:
                    cells[(c.row, c.col)] = c.bbox
            self._cells = cells
        box = self._cells.get((row.index, col.index))
        return box if box is not None else _intersect(row.bbox, col.bbox)

    def texts(self) -> list[tuple[str, Box]]:
        """Every piece of text the layout places: (text, box)."""
        if self._texts is None:
            out: list[tuple[str, Box]] = []
            table = self.layout.table
            if table is not None:
                for cell in table.cells:
                    if cell.bbox is not None and cell.text:
                        out.append((cell.text, cell.bbox))
                if not table.cells:
                    first_col = self.columns[0].bbox if self.columns else None
                    header = _union(list(self.header_boxes))
                    for col in self.columns:
                        box = _intersect(col.bbox, header) if header else col.bbox
                        if col.header and box is not None:
                            out.append((col.header, box))
                    for row in self.all_rows:
                        box = _intersect(row.bbox, first_col) if first_col else row.bbox
                        if row.label and box is not None:
                            out.append((row.label, box))
            for cat, box in zip(self.categories, self.category_boxes, strict=True):
                lbox = cat.label_bbox or box
                if cat.label and lbox is not None:
                    out.append((cat.label, lbox))
            for sub in self.subplots:
                if sub.title:
                    out.append((sub.title, sub.bbox))
            self._texts = out
        return self._texts


_cache: dict[int, _Index] = {}


def _index(layout: Layout) -> _Index:
    idx = _cache.get(id(layout))
    if idx is None or idx.layout is not layout:
        if len(_cache) >= 16:
            _cache.clear()
        idx = _Index(layout)
        _cache[id(layout)] = idx
    return idx


# ---------------------------------------------------------------- argument helpers


def _err(diags: list[Diagnostic], span: Span, code: str, message: str, *suggestions: str) -> None:
    diags.append(diagnostic_at(span, code, message, suggestions=tuple(s for s in suggestions if s)))


def _warn(diags: list[Diagnostic], span: Span, code: str, message: str, *suggestions: str) -> None:
    diags.append(
        diagnostic_at(
            span,
            code,
            message,
            severity=Severity.WARNING,
            suggestions=tuple(s for s in suggestions if s),
        )
    )


def _what(expr: Expr) -> str:
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


Item = tuple[Expr, "str | int"]


def _flatten_labels(
    kind: str, args: Sequence[Expr], diags: list[Diagnostic], allow_int: bool = True
) -> list[Item]:
    """Label and ordinal arguments (lists flattened), type-checked."""
    noun = _NOUNS.get(kind, kind)
    out: list[Item] = []
    for arg in args:
        items = arg.items if isinstance(arg, ListLit) else (arg,)
        for item in items:
            if isinstance(item, String):
                out.append((item, item.value))
            elif isinstance(item, Integer) and allow_int:
                if item.value < 1:
                    _err(
                        diags,
                        item.span,
                        "E304",
                        f"{noun} ordinals count from 1, got {item.value}",
                        f'for a {noun} labelled "{item.value}" write {kind}("{item.value}")',
                    )
                else:
                    out.append((item, item.value))
            elif isinstance(item, Name):
                _err(
                    diags,
                    item.span,
                    "E301",
                    f"{kind}() takes labels in quotes, got the name {item.name}",
                    f'did you mean {kind}("{item.name}")?',
                )
            else:
                what = "labels in quotes" + (" or ordinals from 1" if allow_int else "")
                _err(diags, item.span, "E301", f"{kind}() takes {what}, got {_what(item)}")
    return out


def _no_keywords(call: Call, diags: list[Diagnostic], allowed: Sequence[str] = ()) -> None:
    for kw in call.keywords:
        if kw.name not in allowed:
            hint = (
                (f"{call.name}() takes keywords " + ", ".join(allowed))
                if allowed
                else (f"{call.name}() takes no keyword arguments")
            )
            _err(
                diags, kw.name_span, "E202", f"{call.name}() has no argument named {kw.name}", hint
            )


def _number(expr: Expr) -> float | None:
    if isinstance(expr, (Integer, Float)) and not isinstance(expr, Boolean):
        return float(expr.value)
    return None


# ---------------------------------------------------------------- the kinds


class _Analysis:
    """Shared state of checking (and maybe resolving) one target call."""

    __slots__ = ("call", "layout", "diags", "build", "width", "height", "count", "result")

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
        self.layout = layout
        self.diags = diags
        self.build = build
        self.width = width if width is not None else (layout.width if layout else None)
        self.height = height if height is not None else (layout.height if layout else None)
        self.count = 0
        self.result: TargetSet | None = None


def _needs(a: _Analysis, what: str) -> _Index | None:
    """The layout index if the layout has ``what`` (else an E205 and None)."""
    layout = a.layout
    if layout is None:
        return None
    idx = _index(layout)
    if what == "table":
        ok = layout.table is not None and bool(idx.columns or idx.all_rows)
    elif what == "chart":
        ok = layout.chart is not None and bool(idx.categories)
    else:
        ok = bool(idx.subplots)
    if ok:
        return idx
    article = {"table": "a table", "chart": "a bar chart with categories", "subplots": "subplots"}[
        what
    ]
    has = []
    if layout.table is not None:
        has.append("columns(...), rows(...)")
    if layout.chart is not None and idx.categories:
        has.append("bars(...)")
    if idx.subplots:
        has.append("subplots(...)")
    has.append("region(...)")
    _err(
        a.diags,
        a.call.name_span,
        "E205",
        f"{a.call.name}() needs {article}, but this image's layout has none "
        f"(it is a {layout.kind})",
        "this image supports " + ", ".join(has),
    )
    return None


def _missing_label(
    a: _Analysis,
    expr: Expr,
    query: str,
    noun: str,
    plural: str,
    labels: _Labels,
    where: str,
    other: tuple[str, _Labels] | None,
) -> None:
    if noun == "row":
        message = f'no row starting with "{query}" in {where}'
    elif noun == "bar":
        message = f'no bar labelled "{query}" in {where}'
    elif noun == "subplot":
        message = f'no subplot titled "{query}" in {where}'
    else:
        message = f'no {noun} named "{query}" in {where}'
    suggestions: list[str] = []
    if other is not None and other[1].find(query):
        kind = other[0]
        what = "row starting with" if kind == "rows" else f"{_NOUNS[kind]} named"
        suggestions.append(f'there is a {what} "{query}": write {kind}("{query}")')
    close = nearest(query, labels.labels)
    shown = list(labels.labels)
    parts = []
    if close:
        parts.append("did you mean " + " or ".join(f'"{c}"' for c in close) + "?")
    if shown:
        parts.append(_listing(plural, shown))
    if parts:
        suggestions.append(" ".join(parts))
    _err(a.diags, expr.span, "E203", message, *suggestions)


def _ordinal(
    a: _Analysis, expr: Expr, n: int, size: int, noun: str, where: str, alt: str | None = None
) -> bool:
    if n <= size:
        return True
    _err(
        a.diags,
        expr.span,
        "E206",
        f"{noun} {n} does not exist: {where} has {size} {noun}{'s' if size != 1 else ''} "
        "(ordinals count from 1)",
        alt or "",
    )
    return False


def _start(
    a: _Analysis, kind: str, noun: str, hint: str, needs: str
) -> tuple[list[Item], _Index] | None:
    """The shared opening of columns/rows/bars/subplots: keywords, labels, E307, layout.

    Returns the flattened items and the layout index, or None when there is
    nothing to resolve against.
    """
    _no_keywords(a.call, a.diags)
    items = _flatten_labels(kind, a.call.args, a.diags)
    a.count = len(items)
    if not a.call.args:
        _err(a.diags, a.call.span, "E307", f"{kind}() names no {noun}", hint)
    idx = _needs(a, needs) if items else None
    if idx is None:
        return None
    return items, idx


def _lookup(a: _Analysis, expr: Expr, key: str, labels: _Labels, noun: str) -> list[int]:
    """Indices labelled ``key``; failing that, the OCR-tolerant match with a W106."""
    hits = labels.find(key)
    if not hits:
        hits = labels.find_ocr(key)
        if hits:
            read = labels.labels[hits[0]]
            _warn(
                a.diags,
                expr.span,
                "W106",
                f'no {noun} is labelled "{key}" exactly; using the OCR-read label "{read}"',
                f"if that is not the {noun} meant, name it as the layout reads it",
            )
    return hits


def _pick_one(
    a: _Analysis,
    expr: Expr,
    key: str | int,
    size: int,
    labels: _Labels,
    noun: str,
    plural: str,
    where: str,
    other: tuple[str, _Labels] | None,
) -> list[int] | None:
    """Indices for one ordinal (checked against ``size``) or label; None after an error."""
    if isinstance(key, int):
        if _ordinal(a, expr, key, size, noun, where):
            return [key - 1]
        return None
    hits = _lookup(a, expr, key, labels, noun)
    if not hits:
        _missing_label(a, expr, key, noun, plural, labels, where, other)
        return None
    return hits


def _pick_by_label_or_ordinal(
    a: _Analysis,
    items: list[Item],
    size: int,
    labels: _Labels,
    noun: str,
    plural: str,
    where: str,
    other: tuple[str, _Labels] | None,
) -> tuple[list[int], bool]:
    """Indices for all items, in order, and whether every one resolved."""
    picked: list[int] = []
    ok = True
    for expr, key in items:
        hits = _pick_one(a, expr, key, size, labels, noun, plural, where, other)
        if hits is None:
            ok = False
        else:
            picked.extend(hits)
    return picked, ok


def _check_columns(a: _Analysis) -> None:
    started = _start(a, "columns", "column", 'name at least one, e.g. columns("Year")', "table")
    if started is None:
        return
    items, idx = started
    picked, ok = _pick_by_label_or_ordinal(
        a,
        items,
        len(idx.columns),
        idx.column_labels,
        "column",
        "columns are",
        "this table",
        ("rows", idx.row_labels),
    )
    _duplicates(a, items, picked)
    if ok and a.build:
        cols = idx.columns
        chosen = _dedupe(picked)
        a.result = _target_set(
            kind="columns",
            boxes=tuple(cols[i].bbox for i in chosen),
            labels=tuple(cols[i].header for i in chosen),
            siblings=tuple(c.bbox for c in cols),
            protected=idx.header_boxes,
            extent=idx.table_extent,
        )


def _row_hits(a: _Analysis, idx: _Index, expr: Expr, key: str | int) -> list[Row] | None:
    """Rows for one label or ordinal (None after an error)."""
    rows = idx.body_rows
    if isinstance(key, int):
        labelled = idx.row_labels.exact.get(str(key))
        if key > len(rows):
            alt = f'the row starting with "{key}" is rows("{key}")' if labelled else ""
            _ordinal(a, expr, key, len(rows), "row", "this table's body", alt)
            return None
        row = rows[key - 1]
        if labelled and all(idx.all_rows[i] is not row for i in labelled):
            _warn(
                a.diags,
                expr.span,
                "W104",
                f'rows({key}) means body row {key} (the one starting with "{row.label}"), '
                f'not the row starting with "{key}"',
                f'write rows("{key}") for the row starting with "{key}"',
            )
        return [row]
    hits = _lookup(a, expr, key, idx.row_labels, "row")
    if not hits:
        _missing_label(
            a,
            expr,
            key,
            "row",
            "rows start with",
            idx.row_labels,
            "this table",
            ("columns", idx.column_labels),
        )
        return None
    return [idx.all_rows[i] for i in hits]


def _check_rows(a: _Analysis) -> None:
    started = _start(a, "rows", "row", 'name rows by their first cell, e.g. rows("1996")', "table")
    if started is None:
        return
    items, idx = started
    picked: list[Row] = []
    ok = True
    for expr, key in items:
        hits = _row_hits(a, idx, expr, key)
        if hits is None:
            ok = False
        else:
            picked.extend(hits)
    _duplicates(a, items, [id(r) for r in picked])
    if ok and a.build:
        chosen = _dedupe_objs(picked)
        a.result = _target_set(
            kind="rows",
            boxes=tuple(r.bbox for r in chosen),
            labels=tuple(r.label for r in chosen),
            siblings=tuple(r.bbox for r in idx.body_rows),
            protected=idx.header_boxes,
            extent=idx.table_extent,
        )


def _check_cells(a: _Analysis) -> None:
    call = a.call
    _no_keywords(call, a.diags, ("row", "col"))
    given: dict[str, Expr] = {}
    names = ("row", "col")
    for i, arg in enumerate(call.args):
        if i >= 2:
            _err(a.diags, arg.span, "E303", "cells() takes at most two arguments, row and col")
            break
        given[names[i]] = arg
    for kw in call.keywords:
        if kw.name in names:
            if kw.name in given:
                _err(a.diags, kw.span, "E309", f"cells() got {kw.name} twice")
            else:
                given[kw.name] = kw.value
    if not given:
        _err(
            a.diags,
            call.span,
            "E307",
            "cells() names no row and no column",
            'write cells(row="1996", col="Earning")',
        )
        return
    row_items = _flatten_labels("rows", [given["row"]], a.diags) if "row" in given else []
    col_items = _flatten_labels("columns", [given["col"]], a.diags) if "col" in given else []
    a.count = len(row_items) + len(col_items)
    for key in ("row", "col"):
        expr = given.get(key)
        if isinstance(expr, ListLit) and not expr.items:
            _err(
                a.diags,
                expr.span,
                "E307",
                f"cells() {key}=[] names nothing",
                f"leave {key} out to mean every {'row' if key == 'row' else 'column'}",
            )
    idx = _needs(a, "table")
    if idx is None:
        return
    ok = True
    rows: list[Row] = []
    for expr, rkey in row_items:
        hits = _row_hits(a, idx, expr, rkey)
        if hits is None:
            ok = False
        else:
            rows.extend(hits)
    col_picked, cols_ok = _pick_by_label_or_ordinal(
        a,
        col_items,
        len(idx.columns),
        idx.column_labels,
        "column",
        "columns are",
        "this table",
        ("rows", idx.row_labels),
    )
    ok = ok and cols_ok
    cols: list[Column] = [idx.columns[i] for i in col_picked]
    if ok and a.build:
        use_rows = _dedupe_objs(rows) if "row" in given else idx.body_rows
        use_cols = _dedupe_objs(cols) if "col" in given else idx.columns
        boxes: list[Box] = []
        labels: list[str] = []
        for r in use_rows:
            for c in use_cols:
                box = idx.cell_box(r, c)
                if box is not None and box not in boxes:
                    boxes.append(box)
                    labels.append(f"{r.label} / {c.header}")
        siblings = []
        for r in idx.body_rows:
            for c in idx.columns:
                box = idx.cell_box(r, c)
                if box is not None:
                    siblings.append(box)
        a.result = _target_set(
            kind="cells",
            boxes=tuple(boxes),
            labels=tuple(labels),
            siblings=tuple(siblings),
            protected=idx.header_boxes,
            extent=idx.table_extent,
        )


def _check_bars(a: _Analysis) -> None:
    started = _start(
        a, "bars", "bar", 'name bars by their category label, e.g. bars("China")', "chart"
    )
    if started is None:
        return
    items, idx = started
    picked: list[int] = []
    ok = True
    for expr, key in items:
        hits = _pick_one(
            a,
            expr,
            key,
            len(idx.categories),
            idx.category_labels,
            "bar",
            "bars are",
            "this chart",
            None,
        )
        if hits is None:
            ok = False
            continue
        for i in hits:
            if idx.category_boxes[i] is None:
                _err(
                    a.diags,
                    expr.span,
                    "E205",
                    f'bar "{idx.categories[i].label}" has no position in this layout',
                )
                ok = False
        picked.extend(hits)
    _duplicates(a, items, picked)
    if ok and a.build:
        chosen = _dedupe(picked)
        boxes = [idx.category_boxes[i] for i in chosen]
        a.result = _target_set(
            kind="bars",
            boxes=tuple(b for b in boxes if b is not None),
            labels=tuple(idx.categories[i].label for i in chosen),
            siblings=tuple(b for b in idx.category_boxes if b is not None),
            protected=(),
            extent=idx.chart_extent(),
        )


def _check_subplots(a: _Analysis) -> None:
    started = _start(
        a, "subplots", "panel", "name panels by ordinal from 1, e.g. subplots(2)", "subplots"
    )
    if started is None:
        return
    items, idx = started
    picked, ok = _pick_by_label_or_ordinal(
        a,
        items,
        len(idx.subplots),
        idx.subplot_titles,
        "subplot",
        "subplot titles are",
        "this figure",
        None,
    )
    _duplicates(a, items, picked)
    if ok and a.build:
        chosen = _dedupe(picked)
        subs = idx.subplots
        a.result = _target_set(
            kind="subplots",
            boxes=tuple(subs[i].bbox for i in chosen),
            labels=tuple(subs[i].title or str(i + 1) for i in chosen),
            siblings=tuple(s.bbox for s in subs),
            protected=(),
            extent=idx.whole,
        )


_REGION_NAMES = ("x1", "y1", "x2", "y2")


def _check_region(a: _Analysis) -> None:
    call = a.call
    _no_keywords(call, a.diags, _REGION_NAMES)
    a.count = 1
    given: dict[str, Expr] = {}
    for i, arg in enumerate(call.args):
        if i >= 4:
            _err(
                a.diags,
                arg.span,
                "E303",
                f"region() takes 4 numbers (x1, y1, x2, y2), got {len(call.args)}",
            )
            break
        given[_REGION_NAMES[i]] = arg
    for kw in call.keywords:
        if kw.name in _REGION_NAMES:
            if kw.name in given:
                _err(a.diags, kw.span, "E309", f"region() got {kw.name} twice")
            else:
                given[kw.name] = kw.value
    missing = [n for n in _REGION_NAMES if n not in given]
    if missing:
        _err(
            a.diags,
            call.span,
            "E302",
            f"region() needs 4 numbers x1, y1, x2, y2; missing {', '.join(missing)}",
            "e.g. region(0.1, 0.2, 0.5, 0.6): left, top, right, bottom as fractions",
        )
    values: dict[str, float] = {}
    ok = not missing
    for name in _REGION_NAMES:
        expr = given.get(name)
        if expr is None:
            continue
        v = _number(expr)
        if v is None or v != v:
            _err(a.diags, expr.span, "E301", f"region() {name} must be a number, got {_what(expr)}")
            ok = False
            continue
        if not 0.0 <= v <= 1.0:
            size = a.width if name[0] == "x" else a.height
            hint = "region() takes fractions of the image (0..1)"
            if v >= 2 and size:
                side = "width" if name[0] == "x" else "height"
                hint += f"; if {v:g} is in pixels, that is {min(v / size, 1.0):.3f} of the {side}"
            _err(
                a.diags,
                expr.span,
                "E304",
                f"region() {name} must be between 0 and 1, got {v:g}",
                hint,
            )
            ok = False
            continue
        values[name] = v
    for lo, hi in (("x1", "x2"), ("y1", "y2")):
        if lo in values and hi in values and values[hi] <= values[lo]:
            _err(
                a.diags,
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
        a.result = _target_set(
            kind="region",
            boxes=((x1, y1, x2, y2),),
            labels=(),
            siblings=(),
            protected=(),
            extent=(0, 0, w, h),
        )


def _check_text(a: _Analysis) -> None:
    _no_keywords(a.call, a.diags)
    items = _flatten_labels("text", a.call.args, a.diags, allow_int=False)
    a.count = len(items)
    if not a.call.args:
        _err(a.diags, a.call.span, "E307", "text() names no text", 'e.g. text("Total")')
    for expr, key in items:
        if not str(key).strip():
            _err(a.diags, expr.span, "E307", "text() with an empty string finds nothing")
    if a.layout is None or not items:
        return
    idx = _index(a.layout)
    found: list[Box] = []
    labels: list[str] = []
    texts = idx.texts()
    ok = True
    for expr, key in items:
        q = normalize_label(str(key))
        if not q:
            ok = False
            continue
        # Whole-text matches win; failing those, text that contains the query.
        hits = [(t, b) for t, b in texts if q == normalize_label(t)]
        if not hits:
            hits = [(t, b) for t, b in texts if q in normalize_label(t)]
        if not hits:
            lq = loose_label(str(key))
            hits = [(t, b) for t, b in texts if lq in loose_label(t)]
        if not hits:
            close = nearest(str(key), [t for t, _ in texts])
            _err(
                a.diags,
                expr.span,
                "E203",
                f'no text "{key}" found in this image',
                ("did you mean " + " or ".join(f'"{c}"' for c in close) + "?") if close else "",
            )
            ok = False
        for t, b in hits:
            if b not in found:
                found.append(b)
                labels.append(t)
    if ok and a.build:
        a.result = _target_set(
            kind="text",
            boxes=tuple(found),
            labels=tuple(labels),
            siblings=(),
            protected=(),
            extent=idx.whole,
        )


_CHECKERS = {
    "columns": _check_columns,
    "rows": _check_rows,
    "cells": _check_cells,
    "bars": _check_bars,
    "subplots": _check_subplots,
    "region": _check_region,
    "text": _check_text,
}


_TARGET_SET: Any = None


def _target_set(**fields: Any) -> TargetSet:
    # plugin.py imports Pillow; load it when a target is resolved, not on import.
    global _TARGET_SET
    if _TARGET_SET is None:
        from refocus_dsl.plugin import TargetSet

        _TARGET_SET = TargetSet
    return _TARGET_SET(**fields)  # type: ignore[no-any-return]


def _dedupe(items: list[int]) -> list[int]:
    return list(dict.fromkeys(items))


def _dedupe_objs(items: list[Any]) -> list[Any]:
    seen: set[int] = set()
    out = []
    for it in items:
        if id(it) not in seen:
            seen.add(id(it))
            out.append(it)
    return out


def _duplicates(a: _Analysis, items: list[Item], picked: list[Any]) -> None:
    """W102 for a label named twice in one target (same normalised text or ordinal)."""
    if len(items) < 2:
        return
    seen: set[Any] = set()
    warned: set[Any] = set()
    for expr, key in items:
        k = normalize_label(key) if isinstance(key, str) else key
        if k in seen and k not in warned:
            warned.add(k)
            _warn(
                a.diags,
                expr.span,
                "W102",
                f"{a.call.name}() names {_quote(key)} more than once",
                "name each once",
            )
        seen.add(k)


def _quote(key: str | int) -> str:
    return f'"{key}"' if isinstance(key, str) else str(key)


# ---------------------------------------------------------------- public


def check_target(
    call: Call,
    layout: Layout | None,
    diags: list[Diagnostic],
    *,
    resolve: bool = False,
    width: int | None = None,
    height: int | None = None,
) -> TargetCheck:
    """Check one target call (its kind must be in :data:`TARGET_KINDS`), appending problems
    to ``diags``. Labels are checked only when a layout is given. With ``resolve=True``
    and no errors, the result carries the :class:`TargetSet`."""
    checker = _CHECKERS.get(call.name)
    if checker is None:
        raise ValueError(f"{call.name!r} is not a target kind")
    a = _Analysis(call, layout, diags, resolve, width, height)
    checker(a)
    return TargetCheck(a.count, a.result)


def resolve(call: Call, layout: Layout | None, width: int, height: int) -> TargetSet:
    """The pixel boxes ``call`` names on an image of ``width`` x ``height`` with ``layout``.

    Raises :class:`~refocus_dsl.errors.ProgramError` with the diagnostics when the
    call does not resolve (the checker reports the same problems beforehand).
    """
    from refocus_dsl.errors import ProgramError

    diags: list[Diagnostic] = []
    if call.name not in _CHECKERS:
        diags.append(diagnostic_at(call.name_span, "E204", f"{call.name}() is not a target query"))
        raise ProgramError(diags)
    kind = TARGET_KINDS[call.name]
    if layout is None and kind.needs is not None:
        diags.append(
            diagnostic_at(
                call.name_span, "E205", f"{call.name}() needs a layout of the image; none was given"
            )
        )
        raise ProgramError(diags)
    if layout is None and call.name == "text":
        diags.append(
            diagnostic_at(
                call.name_span, "E205", "text() needs a layout of the image; none was given"
            )
        )
        raise ProgramError(diags)
    result = check_target(call, layout, diags, resolve=True, width=width, height=height)
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if errors or result.targets is None:
        raise ProgramError(errors or diags)
    return result.targets
