"""The browser-rendered unseen styles' gold and degradations, checked without a browser.

``benchmarks/_html_styles.py`` renders its pages with headless Chromium, which is not a
project dependency; what is checked here is everything around the browser: the gold table
read from a page's geometry (spans, spanning rows, device scale), the panel box shrunk to
its ink, the scan degradation, the SVG markup, and that a missing browser is a clean skip.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image, ImageDraw

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


U = _load("_unseen_styles")
H = _load("_html_styles")


def _cell(box: list[float], text: str, colspan: int = 1, rowspan: int = 1) -> dict[str, object]:
    return {"box": box, "text": text, "colspan": colspan, "rowspan": rowspan}


def _geometry() -> dict[str, object]:
    """A two-level header (stub spanning both lines, a group over two columns), one body row
    and a section row across the table, laid out at CSS pixels from (10, 20)."""
    rows = [
        [_cell([10, 20, 60, 60], "Area", rowspan=2), _cell([60, 20, 160, 40], "2021", colspan=2)],
        [_cell([60, 40, 110, 60], "Jobs"), _cell([110, 40, 160, 60], "Wages (%)")],
        [_cell([10, 60, 160, 80], "Northern districts", colspan=3)],
        [
            _cell([10, 80, 60, 100], "Tyrol"),
            _cell([60, 80, 110, 100], "1"),
            _cell([110, 80, 160, 100], "2"),
        ],
    ]
    return {
        "origin": (10, 20),
        "table": [10, 20, 160, 100],
        "rows": [
            {"box": [10, 20 + 20 * i, 160, 40 + 20 * i], "cells": r} for i, r in enumerate(rows)
        ],
    }


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_gold_table_from_page_geometry(scale: float) -> None:
    t = U.table_from_geometry(_geometry(), 2, scale)
    assert [c.header for c in t.columns] == ["Area", "2021 Jobs", "2021 Wages (%)"]
    assert [r.label for r in t.rows] == ["Area", "Area", "Northern districts", "Tyrol"]
    assert [r.is_header for r in t.rows] == [True, True, False, False]
    assert t.bbox == (0, 0, int(150 * scale), int(80 * scale))
    assert [c.bbox[0] for c in t.columns] == [0, int(50 * scale), int(100 * scale)]
    for a, b in zip(t.rows, t.rows[1:], strict=False):
        assert a.bbox[3] == b.bbox[1]  # neighbours touch
    spanning = [c for c in t.cells if c.col_span > 1]
    assert [(c.row, c.col_span) for c in spanning] == [(2, 3)]


def test_panel_box_is_shrunk_to_its_ink() -> None:
    im = Image.new("RGB", (100, 80), "white")
    ImageDraw.Draw(im).rectangle([20, 10, 59, 49], outline=(200, 200, 200))
    assert H.ink_box(im, (5, 5, 90, 70)) == (20, 10, 60, 50)
    assert H.ink_box(im, (70, 60, 90, 70)) == (70, 60, 90, 70)  # no ink: left as laid out


def test_scan_degradation_reduces_greys_and_adds_noise() -> None:
    im = Image.new("RGB", (400, 200), "white")
    d = ImageDraw.Draw(im)
    d.rectangle([20, 20, 379, 179], outline="black", width=3)
    d.text((40, 60), "Tyrol 12,345", fill="black")
    out = H.degrade_scan(im, random.Random(3), 3, 0.5)
    assert out.size == (200, 100)
    a = np.asarray(out, dtype=np.int16)
    assert a.min() >= 5  # black lifted to grey
    assert a[5:15, 5:15].std() > 0.5  # paper is noisy, not flat
    assert a.max() < 256 and a.mean() < 250


def test_svg_markup_leaves_no_element_open() -> None:
    assert H.el("rect", x=1.5, data_g="bar") == '<rect x="1.50" data-g="bar" />'
    assert H.el("text", "a<b", font_size=9) == '<text font-size="9">a&lt;b</text>'
    assert H.el("text", inner="<tspan>x</tspan>") == "<text ><tspan>x</tspan></text>"
    r = random.Random(0)
    plot = H._svg_plot(r, np.random.default_rng(0), 300, 200)
    assert plot.startswith("<svg") and "/>" not in plot.replace(" />", "")


def test_chart_page_marks_every_bar_and_label() -> None:
    for style in ("html_chart_column", "html_chart_bar", "html_chart_grouped"):
        spec = H._chart_spec(random.Random(5), style)
        page, _ = H._chart_html(random.Random(5), spec)
        n_series = len(spec.values)
        assert page.count('data-g="bar"') == len(spec.cats) * n_series
        assert page.count('data-g="label"') == len(spec.cats)
        assert len(spec.series) == n_series == (1 if style != "html_chart_grouped" else n_series)
        assert (style == "html_chart_bar") <= spec.horizontal


def test_no_browser_is_a_clean_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(U.shutil, "which", lambda name: None)
    ctx = U.Context(BENCH / "no-data")
    with pytest.raises(U.RendererMissing):
        H.html_table_scan(0, ctx)
    ctx.close()
