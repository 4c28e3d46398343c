"""Shared fixtures of the language tests: a fixed tool registry and three small layouts.

The registry mirrors the built-in tools' declarations but is fixed here, so the
language tests (and their golden files) do not change when a plugin is added.
"""

from __future__ import annotations

from typing import Any

from refocus_dsl.layout import Layout, load_layout
from refocus_dsl.plugin import REQUIRED, Param, ToolSpec


def _noop(ctx: Any) -> None:
    return None


def _tool(name: str, *params: Param, targets: frozenset[str] | None = None) -> ToolSpec:
    kw: dict[str, Any] = {} if targets is None else {"targets": targets}
    return ToolSpec(
        name=name,
        summary=f"{name} for tests",
        apply=_noop,
        params=params,
        example=f'{name}(columns("Year"))',
        **kw,
    )


class FixedRegistry:
    """The two methods the checker uses, over a fixed set of tools."""

    def __init__(self, *tools: ToolSpec) -> None:
        self._tools = {t.name: t for t in tools}

    def get(self, name: str) -> ToolSpec | None:
        return self._tools.get(name)

    def tools(self) -> list[ToolSpec]:
        return [self._tools[n] for n in sorted(self._tools)]


REGISTRY = FixedRegistry(
    _tool("keep_only", Param("fill", "color", "white")),
    _tool("mask", Param("fill", "color", "white")),
    _tool(
        "highlight",
        Param("color", "color", "yellow"),
        Param("alpha", "number", 0.35, min=0.0, max=1.0),
    ),
    _tool("draw_box", Param("color", "color", "red"), Param("width", "integer", 3, min=1, max=50)),
    _tool(
        "underline",
        Param("color", "color", "red"),
        Param("width", "integer", 3, min=1, max=50),
        targets=frozenset({"columns", "rows", "cells", "bars", "text"}),
    ),
    _tool(
        "label",
        Param("text", "string", REQUIRED),
        Param("side", "enum", "top", choices=("top", "bottom", "left", "right")),
        Param("bold", "boolean", False),
    ),
)

HEADERS = ["Index", "Year", "Cost", "Earning"]
ROW_LABELS = ["Index", "1996", "1997", "4", "5", "Total ($)"]


def table_layout() -> Layout:
    """An 800x500 table: 4 columns of 195 px, a header row and 5 body rows of 80 px."""
    cols = [
        {"index": i, "header": h, "bbox": [10 + i * 195, 10, 10 + (i + 1) * 195, 490]}
        for i, h in enumerate(HEADERS)
    ]
    rows = [
        {
            "index": j,
            "label": lab,
            "is_header": j == 0,
            "bbox": [10, 10 + j * 80, 790, 10 + (j + 1) * 80],
        }
        for j, lab in enumerate(ROW_LABELS)
    ]
    cells = [
        {"row": 1, "col": 3, "text": "1,204", "bbox": [600, 92, 780, 168]},
    ]
    return load_layout(
        {
            "schema": "refocus-layout/1",
            "image": {"width": 800, "height": 500},
            "kind": "table",
            "table": {"bbox": [10, 10, 790, 490], "columns": cols, "rows": rows, "cells": cells},
            "subplots": [],
        }
    )


CATEGORIES = ["China", "India", "United States", "Japan"]


def chart_layout() -> Layout:
    """A 600x400 vertical bar chart with four categories."""
    cats = [
        {
            "index": i,
            "label": lab,
            "label_bbox": [60 + i * 130, 360, 150 + i * 130, 380],
            "bar_bbox": [80 + i * 130, 100 + i * 40, 130 + i * 130, 350],
            "region": [50 + i * 130, 40, 180 + i * 130, 385],
        }
        for i, lab in enumerate(CATEGORIES)
    ]
    cats[3]["region"] = None  # falls back to bar_bbox joined with label_bbox
    return load_layout(_chart_doc([50, 40, 570, 350], "Gain", cats))


def _chart_doc(
    plot: list[int], title: str | None, cats: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    """A 600x400 vertical bar chart's layout document."""
    return {
        "schema": "refocus-layout/1",
        "image": {"width": 600, "height": 400},
        "kind": "chart",
        "chart": {
            "type": "bar",
            "orientation": "vertical",
            "plot_bbox": plot,
            "title": title,
            "categories": cats,
            **extra,
        },
        "subplots": [],
    }


def figure_layout() -> Layout:
    """A 900x300 figure of three panels side by side."""
    subs = [
        {"index": i, "bbox": [i * 300, 0, (i + 1) * 300, 300], "title": t}
        for i, t in enumerate(["(a) Accuracy", "(b) Loss", "(c) Time"])
    ]
    return load_layout(
        {
            "schema": "refocus-layout/1",
            "image": {"width": 900, "height": 300},
            "kind": "figure",
            "subplots": subs,
        }
    )


def detected_chart_layout() -> Layout:
    """chart_layout() as a detector reports it: OCR misread "China" as "Chlna"."""
    import dataclasses

    gold = chart_layout()
    assert gold.chart is not None
    cats = tuple(
        dataclasses.replace(c, label="Chlna") if c.label == "China" else c
        for c in gold.chart.categories
    )
    return dataclasses.replace(
        gold,
        chart=dataclasses.replace(gold.chart, categories=cats),
        detector={"name": "refocus-dsl"},
    )


REGIONS = ["North", "South", "East"]
SERIES = ["Women", "Men"]


def grouped_chart_doc(legend: bool = True, x0: int = 0, prefix: str = "") -> dict[str, Any]:
    """A 600x400 grouped vertical bar chart (or a 300-wide panel of one at ``x0``):
    three regions, two series side by side, Men has no bar in East."""
    step = 100 if prefix else 180
    cats = []
    for i, lab in enumerate(REGIONS):
        left = x0 + 40 + i * step
        women = [left + 10, 120 + 30 * i, left + 40, 340]
        men = [left + 40, 160 + 20 * i, left + 70, 340] if i < 2 else None
        cats.append(
            {
                "index": i,
                "label": prefix + lab,
                "label_bbox": [left + 15, 350, left + 65, 368],
                "bar_bbox": women[:2] + (men or women)[2:],
                "region": [left, 40, left + step, 370],
                "bars": [women, men],
            }
        )
    series = [
        {
            "index": k,
            "label": name if legend else None,
            "label_bbox": [x0 + 60 + 80 * k, 380, x0 + 110 + 80 * k, 395] if legend else None,
            "color": [[31, 119, 180], [255, 127, 14]][k],
        }
        for k, name in enumerate(SERIES)
    ]
    return _chart_doc([x0 + 30, 40, x0 + 40 + 3 * step, 340], None, cats, series=series)


def grouped_chart_layout() -> Layout:
    return load_layout(grouped_chart_doc())


def unnamed_series_layout() -> Layout:
    """grouped_chart_layout() without a legend: series by colour alone."""
    return load_layout(grouped_chart_doc(legend=False))


def chart_panels_layout() -> Layout:
    """A 600x400 figure of two chart panels side by side, each with its own layout."""
    subs = [
        {"index": i, "bbox": [300 * i, 0, 300 * (i + 1), 400], "title": None,
         "layout": grouped_chart_doc(x0=300 * i, prefix="Q") if i == 1 else None}
        for i in range(2)
    ]
    return load_layout(
        {"schema": "refocus-layout/1", "image": {"width": 600, "height": 400},
         "kind": "figure", "subplots": subs}
    )


LAYOUTS = {
    "table": table_layout,
    "chart": chart_layout,
    "detected_chart": detected_chart_layout,
    "figure": figure_layout,
    "grouped": grouped_chart_layout,
    "unnamed_series": unnamed_series_layout,
    "panels": chart_panels_layout,
}
