"""Layouts: what was found in one image (``refocus-layout/1``).

Detected and gold layouts share these types, so scoring compares them field by
field. Boxes are ``(x1, y1, x2, y2)`` integer pixels, half-open like a Pillow
crop box. :func:`load_layout` validates a document and raises
:class:`~refocus_dsl.errors.LayoutError` naming the field at fault.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from refocus_dsl.errors import USAGE, LayoutError

SCHEMA = "refocus-layout/1"

Box = tuple[int, int, int, int]
Kind = Literal["table", "chart", "figure"]


def box_area(box: Box) -> int:
    """Pixels inside ``box`` (x1, y1, x2, y2); an empty or inverted box has none."""
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    bbox: Box


@dataclass(frozen=True)
class Row:
    index: int
    label: str
    is_header: bool
    bbox: Box


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str
    bbox: Box | None
    row_span: int = 1
    col_span: int = 1


@dataclass(frozen=True)
class Table:
    bbox: Box
    columns: tuple[Column, ...] = ()
    rows: tuple[Row, ...] = ()
    cells: tuple[Cell, ...] = ()

    @property
    def header_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.is_header)


@dataclass(frozen=True)
class Category:
    index: int
    label: str
    label_bbox: Box | None = None
    bar_bbox: Box | None = None
    region: Box | None = None
    # Each bar of the category, if known. When the chart lists ``series``, ``bars[k]`` is
    # series k's bar (None where that series has no bar here); otherwise every bar
    # (stack segments, side-by-side bars) in reading order.
    bars: tuple[Box | None, ...] = ()


RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Series:
    """One data series of a grouped or stacked chart: a legend entry, or a bar colour
    with ``label`` None when the chart has no legend."""

    index: int
    label: str | None = None
    label_bbox: Box | None = None
    color: RGB | None = None


@dataclass(frozen=True)
class Chart:
    type: str = "bar"
    orientation: Literal["vertical", "horizontal"] | None = None
    plot_bbox: Box | None = None
    title: str | None = None
    categories: tuple[Category, ...] = ()
    series: tuple[Series, ...] = ()


@dataclass(frozen=True)
class Subplot:
    """One panel of a figure; ``layout`` is the panel's own layout (a chart or a table,
    boxes in the whole image's coordinates) when it was detected."""

    index: int
    bbox: Box
    title: str | None = None
    layout: Layout | None = None


@dataclass(frozen=True)
class Layout:
    """One image's layout. ``notes`` says what could not be found and why;
    ``confidence`` (0..1) is the detector's own estimate, None for gold."""

    width: int
    height: int
    kind: Kind
    table: Table | None = None
    chart: Chart | None = None
    subplots: tuple[Subplot, ...] = ()
    notes: tuple[str, ...] = ()
    confidence: float | None = None
    detector: Mapping[str, Any] | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return layout_to_dict(self)

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# ---------------------------------------------------------------- reading


MAX_COORDINATE = 2**31 - 1
"""Largest magnitude of any number in a layout (coordinates, sizes, indexes)."""

MAX_NUMBER_DIGITS = 40
"""Integers with more digits are read as :class:`_HugeNumber` and refused by field."""


class _HugeNumber(str):
    """An integer literal too long to be a coordinate (kept as text, refused by field)."""

    def __repr__(self) -> str:
        return f"<{len(self)}-digit number>"


def _parse_int(text: str) -> int | _HugeNumber:
    return _HugeNumber(text) if len(text.lstrip("-")) > MAX_NUMBER_DIGITS else int(text)


def _number(v: Any) -> bool:
    """A finite JSON number within :data:`MAX_COORDINATE` (NaN, Infinity and 1e400 are not)."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    return math.isfinite(v) and abs(v) <= MAX_COORDINATE


def _fail(where: str, what: str) -> LayoutError:
    return LayoutError(f"layout {where}: {what}")


def _box(value: Any, where: str, *, optional: bool = False) -> Box | None:
    if value is None and optional:
        return None
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 4
        or not all(_number(v) for v in value)
    ):
        raise _fail(
            where,
            f"expected a box [x1, y1, x2, y2] of finite numbers within +-{MAX_COORDINATE}, "
            f"got {value!r:.80}",
        )
    x1, y1, x2, y2 = (int(round(v)) for v in value)
    if x2 < x1 or y2 < y1:
        raise _fail(where, f"box {list(value)} has x2 < x1 or y2 < y1")
    return (x1, y1, x2, y2)


def _req_box(value: Any, where: str) -> Box:
    box = _box(value, where)
    assert box is not None
    return box


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_COORDINATE:
        raise _fail(where, f"expected an integer within +-{MAX_COORDINATE}, got {value!r:.80}")
    return value


def _text(value: Any, where: str, *, optional: bool = False) -> str:
    if value is None:
        return "" if not optional else ""
    if not isinstance(value, str) or isinstance(value, _HugeNumber):
        raise _fail(where, f"expected text, got {value!r:.80}")
    # a lone surrogate ("\ud800" in JSON) cannot be written back as UTF-8: replace it
    return value.encode("utf-8", "replace").decode("utf-8")


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, f"expected a list, got {type(value).__name__}")
    return value


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(where, f"expected an object, got {type(value).__name__}")
    return value


def _table(doc: Mapping[str, Any]) -> Table:
    columns = tuple(
        Column(
            index=_int(c.get("index", i), f"table.columns[{i}].index"),
            header=_text(c.get("header"), f"table.columns[{i}].header"),
            bbox=_req_box(c.get("bbox"), f"table.columns[{i}].bbox"),
        )
        for i, c in enumerate(
            _obj(c, f"table.columns[{i}]")
            for i, c in enumerate(_list(doc.get("columns"), "table.columns"))
        )
    )
    rows = tuple(
        Row(
            index=_int(r.get("index", i), f"table.rows[{i}].index"),
            label=_text(r.get("label"), f"table.rows[{i}].label"),
            is_header=bool(r.get("is_header", False)),
            bbox=_req_box(r.get("bbox"), f"table.rows[{i}].bbox"),
        )
        for i, r in enumerate(
            _obj(r, f"table.rows[{i}]") for i, r in enumerate(_list(doc.get("rows"), "table.rows"))
        )
    )
    cells = tuple(
        Cell(
            row=_int(c.get("row"), f"table.cells[{i}].row"),
            col=_int(c.get("col"), f"table.cells[{i}].col"),
            text=_text(c.get("text"), f"table.cells[{i}].text"),
            bbox=_box(c.get("bbox"), f"table.cells[{i}].bbox", optional=True),
            row_span=_int(c.get("row_span", 1), f"table.cells[{i}].row_span"),
            col_span=_int(c.get("col_span", 1), f"table.cells[{i}].col_span"),
        )
        for i, c in enumerate(
            _obj(c, f"table.cells[{i}]")
            for i, c in enumerate(_list(doc.get("cells"), "table.cells"))
        )
    )
    return Table(
        bbox=_req_box(doc.get("bbox"), "table.bbox"), columns=columns, rows=rows, cells=cells
    )


def _chart(doc: Mapping[str, Any]) -> Chart:
    orientation = doc.get("orientation")
    if orientation not in (None, "vertical", "horizontal"):
        raise _fail(
            "chart.orientation", f"expected 'vertical' or 'horizontal', got {orientation!r:.40}"
        )
    categories = []
    for i, raw in enumerate(_list(doc.get("categories"), "chart.categories")):
        c = _obj(raw, f"chart.categories[{i}]")
        categories.append(
            Category(
                index=_int(c.get("index", i), f"chart.categories[{i}].index"),
                label=_text(c.get("label"), f"chart.categories[{i}].label"),
                label_bbox=_box(
                    c.get("label_bbox"), f"chart.categories[{i}].label_bbox", optional=True
                ),
                bar_bbox=_box(c.get("bar_bbox"), f"chart.categories[{i}].bar_bbox", optional=True),
                region=_box(c.get("region"), f"chart.categories[{i}].region", optional=True),
                bars=tuple(
                    _box(b, f"chart.categories[{i}].bars[{k}]", optional=True)
                    for k, b in enumerate(_list(c.get("bars"), f"chart.categories[{i}].bars"))
                ),
            )
        )
    series = tuple(
        _series(_obj(raw, f"chart.series[{k}]"), k)
        for k, raw in enumerate(_list(doc.get("series"), "chart.series"))
    )
    title = doc.get("title")
    return Chart(
        type=_text(doc.get("type", "bar"), "chart.type") or "bar",
        orientation=orientation,
        plot_bbox=_box(doc.get("plot_bbox"), "chart.plot_bbox", optional=True),
        title=_text(title, "chart.title") if title is not None else None,
        categories=tuple(categories),
        series=series,
    )


def _series(doc: Mapping[str, Any], k: int) -> Series:
    where = f"chart.series[{k}]"
    label = doc.get("label")
    color = doc.get("color")
    rgb: RGB | None = None
    if color is not None:
        if (
            not isinstance(color, (list, tuple))
            or len(color) != 3
            or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255
                       for v in color)
        ):
            raise _fail(f"{where}.color", f"expected [r, g, b] integers 0-255, got {color!r:.80}")
        rgb = (color[0], color[1], color[2])
    return Series(
        index=_int(doc.get("index", k), f"{where}.index"),
        label=_text(label, f"{where}.label") if label is not None else None,
        label_bbox=_box(doc.get("label_bbox"), f"{where}.label_bbox", optional=True),
        color=rgb,
    )


def _panel_layout(value: Any, where: str) -> Layout | None:
    """A panel's own layout: a chart or a table, never a figure of its own."""
    if value is None:
        return None
    try:
        panel = layout_from_dict(_obj(value, where))
    except LayoutError as exc:
        raise _fail(where, str(exc).removeprefix("layout ")) from None
    if panel.kind == "figure":
        raise _fail(f"{where}.kind", "a panel's layout is a chart or a table, not a figure")
    return panel


def layout_from_dict(doc: Mapping[str, Any]) -> Layout:
    """Validate and convert a ``refocus-layout/1`` document."""
    doc = _obj(doc, "document")
    schema = doc.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise _fail("schema", f"expected {SCHEMA!r}, got {schema!r:.40}")
    image = _obj(doc.get("image"), "image")
    width = _int(image.get("width"), "image.width")
    height = _int(image.get("height"), "image.height")
    if width <= 0 or height <= 0:
        raise _fail("image", f"width and height must be positive, got {width}x{height}")
    kind = doc.get("kind")
    if kind not in ("table", "chart", "figure"):
        raise _fail("kind", f"expected 'table', 'chart' or 'figure', got {kind!r:.40}")
    table = _table(_obj(doc["table"], "table")) if doc.get("table") is not None else None
    chart = _chart(_obj(doc["chart"], "chart")) if doc.get("chart") is not None else None
    subplots = []
    for i, raw in enumerate(_list(doc.get("subplots"), "subplots")):
        s = _obj(raw, f"subplots[{i}]")
        title = s.get("title")
        subplots.append(
            Subplot(
                index=_int(s.get("index", i), f"subplots[{i}].index"),
                bbox=_req_box(s.get("bbox"), f"subplots[{i}].bbox"),
                title=_text(title, f"subplots[{i}].title") if title is not None else None,
                layout=_panel_layout(s.get("layout"), f"subplots[{i}].layout"),
            )
        )
    notes_raw = doc.get("notes", doc.get("note"))
    if isinstance(notes_raw, str):
        notes: tuple[str, ...] = (notes_raw,)
    else:
        notes = tuple(_text(n, "notes[]") for n in _list(notes_raw, "notes"))
    confidence = doc.get("confidence")
    if confidence is not None and not _number(confidence):
        raise _fail("confidence", f"expected a finite number, got {confidence!r:.40}")
    detector = doc.get("detector")
    if isinstance(detector, Mapping) and not _nesting_within(detector, MAX_DETECTOR_DEPTH):
        raise _fail("detector", f"nested deeper than {MAX_DETECTOR_DEPTH} levels")
    return Layout(
        width=width,
        height=height,
        kind=kind,
        table=table,
        chart=chart,
        subplots=tuple(subplots),
        notes=notes,
        confidence=float(confidence) if confidence is not None else None,
        detector=dict(detector) if isinstance(detector, Mapping) else None,
    )


MAX_DETECTOR_DEPTH = 8
"""Deepest nesting kept in a document's free-form ``detector`` record."""


def _nesting_within(value: Any, limit: int) -> bool:
    """True when ``value`` nests lists and objects at most ``limit`` deep."""
    if isinstance(value, Mapping):
        return limit > 0 and all(_nesting_within(v, limit - 1) for v in value.values())
    if isinstance(value, list):
        return limit > 0 and all(_nesting_within(v, limit - 1) for v in value)
    return True


def parse_layout_json(data: bytes | str, name: str = "layout") -> Any:
    """JSON text of a layout, read with bounds: UTF-8 only, nesting as deep as the
    parser allows (RecursionError is a clear error), over-long integers kept for the
    field check to refuse by name."""
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise LayoutError(f"{name}: the file is UTF-16; save it as UTF-8")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LayoutError(
                f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8"
            ) from None
    else:
        text = data
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise LayoutError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise LayoutError(f"{name}: JSON nested too deeply to read") from None
    except ValueError as exc:
        raise LayoutError(f"{name}: not valid JSON: {exc}") from None


def load_layout(source: str | Path | Mapping[str, Any]) -> Layout:
    """Read a layout from a JSON file path or an already-parsed mapping."""
    if isinstance(source, Mapping):
        return layout_from_dict(source)
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LayoutError(
            f"cannot read layout {path}: {exc.strerror or exc}", exit_code=USAGE
        ) from None
    doc = parse_layout_json(data, str(path))
    try:
        return layout_from_dict(doc)
    except LayoutError as exc:
        raise LayoutError(f"{path}: {exc}") from None


# ---------------------------------------------------------------- writing


def _b(box: Box | None) -> list[int] | None:
    return None if box is None else list(box)


def layout_to_dict(layout: Layout) -> dict[str, Any]:
    """The JSON document for a layout (schema fields first, extras only when set)."""
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "image": {"width": layout.width, "height": layout.height},
        "kind": layout.kind,
        "table": None,
        "chart": None,
        "subplots": [
            {
                "index": s.index,
                "bbox": _b(s.bbox),
                "title": s.title,
                **({"layout": layout_to_dict(s.layout)} if s.layout is not None else {}),
            }
            for s in layout.subplots
        ],
    }
    if layout.table is not None:
        t = layout.table
        doc["table"] = {
            "bbox": _b(t.bbox),
            "columns": [
                {"index": c.index, "header": c.header, "bbox": _b(c.bbox)} for c in t.columns
            ],
            "rows": [
                {"index": r.index, "label": r.label, "is_header": r.is_header, "bbox": _b(r.bbox)}
                for r in t.rows
            ],
            "cells": [
                {
                    "row": c.row,
                    "col": c.col,
                    "row_span": c.row_span,
                    "col_span": c.col_span,
                    "text": c.text,
                    "bbox": _b(c.bbox),
                }
                for c in t.cells
            ],
        }
    if layout.chart is not None:
        ch = layout.chart
        doc["chart"] = {
            "type": ch.type,
            "orientation": ch.orientation,
            "plot_bbox": _b(ch.plot_bbox),
            "title": ch.title,
            "categories": [
                {
                    "index": c.index,
                    "label": c.label,
                    "label_bbox": _b(c.label_bbox),
                    "bar_bbox": _b(c.bar_bbox),
                    "region": _b(c.region),
                    **({"bars": [_b(b) for b in c.bars]} if c.bars else {}),
                }
                for c in ch.categories
            ],
        }
        if ch.series:
            doc["chart"]["series"] = [
                {
                    "index": se.index,
                    "label": se.label,
                    "label_bbox": _b(se.label_bbox),
                    "color": list(se.color) if se.color is not None else None,
                }
                for se in ch.series
            ]
    if layout.notes:
        doc["notes"] = list(layout.notes)
    if layout.confidence is not None:
        doc["confidence"] = round(layout.confidence, 4)
    if layout.detector is not None:
        doc["detector"] = dict(layout.detector)
    return doc
