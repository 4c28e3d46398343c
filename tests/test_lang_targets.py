"""Target queries resolve to the layout's boxes, with siblings, protected rows and extent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lang_helpers import chart_layout, figure_layout, table_layout

from refocus_dsl.errors import ProgramError
from refocus_dsl.lang.ast import Call
from refocus_dsl.lang.labels import loose_label, nearest, normalize_label
from refocus_dsl.lang.parser import parse
from refocus_dsl.lang.targets import resolve


def target(text: str) -> Call:
    call = parse(f"t({text})").statements[0].call.args[0]
    assert isinstance(call, Call)
    return call


TABLE = table_layout()
CHART = chart_layout()
FIGURE = figure_layout()


def test_columns_by_header_and_ordinal() -> None:
    ts = resolve(target('columns("year", " EARNING ", 1)'), TABLE, 800, 500)
    cols = {c.header: c.bbox for c in TABLE.table.columns}  # type: ignore[union-attr]
    assert ts.kind == "columns"
    assert ts.boxes == (cols["Year"], cols["Earning"], cols["Index"])
    assert ts.labels == ("Year", "Earning", "Index")
    assert ts.siblings == tuple(cols.values())
    assert ts.protected == ((10, 10, 790, 90),)
    assert ts.extent == (10, 10, 790, 490)


def test_rows_by_label_and_ordinal_count_body_rows() -> None:
    rows = {r.label: r.bbox for r in TABLE.table.rows}  # type: ignore[union-attr]
    ts = resolve(target('rows("1996", 2, ["Total $"])'), TABLE, 800, 500)
    assert ts.boxes == (rows["1996"], rows["1997"], rows["Total ($)"])
    assert ts.siblings == tuple(b for lab, b in rows.items() if lab != "Index")
    assert ts.protected == (rows["Index"],)


def test_cells_cross_rows_and_columns_and_use_cell_boxes() -> None:
    ts = resolve(target('cells(row="1996", col=["Earning", "Cost"])'), TABLE, 800, 500)
    assert ts.boxes == ((600, 92, 780, 168), (400, 90, 595, 170))
    whole_row = resolve(target('cells(row="1997")'), TABLE, 800, 500)
    assert len(whole_row.boxes) == 4
    assert len(whole_row.siblings) == 5 * 4
    positional = resolve(target('cells("1996", "Cost")'), TABLE, 800, 500)
    assert positional.boxes == ((400, 90, 595, 170),)


def test_bars_fall_back_to_bar_and_label_boxes() -> None:
    ts = resolve(target('bars("china", "Japan")'), CHART, 600, 400)
    assert ts.boxes[0] == (50, 40, 180, 385)
    assert ts.boxes[1] == (450, 220, 540, 380)  # union of bar_bbox and label_bbox
    assert len(ts.siblings) == 4
    assert ts.extent == (50, 40, 570, 385)
    assert resolve(target("bars(2)"), CHART, 600, 400).labels == ("India",)


def test_subplots_by_ordinal_and_title() -> None:
    ts = resolve(target('subplots(3, "(a) accuracy")'), FIGURE, 900, 300)
    assert ts.boxes == ((600, 0, 900, 300), (0, 0, 300, 300))
    assert ts.extent == (0, 0, 900, 300) and len(ts.siblings) == 3


def test_region_needs_no_layout_and_is_never_empty() -> None:
    ts = resolve(target("region(0.1, 0.2, 0.5, 0.6)"), None, 800, 500)
    assert ts.boxes == ((80, 100, 400, 300),) and ts.siblings == ()
    assert ts.extent == (0, 0, 800, 500)
    tiny = resolve(target("region(0.5, 0.5, 0.5001, 0.5001)"), None, 10, 10)
    assert tiny.boxes == ((5, 5, 6, 6),)


@settings(max_examples=100, deadline=None)
@given(
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
    st.integers(1, 3000),
    st.integers(1, 3000),
)
def test_region_box_is_inside_the_image_and_non_empty(
    a: float, b: float, c: float, d: float, w: int, h: int
) -> None:
    x1, x2 = sorted((a, c))
    y1, y2 = sorted((b, d))
    if x1 == x2 or y1 == y2:
        return
    (box,) = resolve(target(f"region({x1!r}, {y1!r}, {x2!r}, {y2!r})"), None, w, h).boxes
    assert 0 <= box[0] < box[2] <= w and 0 <= box[1] < box[3] <= h


def test_text_finds_cells_headers_and_categories() -> None:
    ts = resolve(target('text("1,204")'), TABLE, 800, 500)
    assert ts.boxes == ((600, 92, 780, 168),) and ts.siblings == ()
    assert resolve(target('text("united")'), CHART, 600, 400).labels == ("United States",)
    assert resolve(target('text("loss")'), FIGURE, 900, 300).boxes == ((300, 0, 600, 300),)


@pytest.mark.parametrize(
    ("text", "layout", "code"),
    [
        ('columns("Earnings")', TABLE, "E203"),
        ("columns(9)", TABLE, "E206"),
        ('bars("Chna")', CHART, "E203"),
        ('columns("Year")', CHART, "E205"),
        ("subplots(1)", TABLE, "E205"),
        ('rows("1996")', None, "E205"),
        ("region(0.5, 0.1, 0.4, 0.9)", None, "E308"),
        ('text("nowhere")', TABLE, "E203"),
    ],
)
def test_resolve_refuses_what_the_checker_refuses(text: str, layout: object, code: str) -> None:
    with pytest.raises(ProgramError) as info:
        resolve(target(text), layout, 800, 500)  # type: ignore[arg-type]
    assert info.value.diagnostics[0].code == code


def test_label_normalisation_and_nearest() -> None:
    assert normalize_label("  Net\u00a0 INCOME ") == "net income"
    assert normalize_label("ＡＢＣ") == "abc"  # full-width letters (NFKC)
    assert loose_label("Earning ($)") == loose_label("earning $") == "earning"
    assert nearest("Earnngs", ["Index", "Year", "Earning"]) == ["Earning"]
    assert nearest("zzz", ["Index", "Year"]) == []


def test_text_prefers_whole_matches_over_substrings() -> None:
    from refocus_dsl.layout import load_layout

    layout = load_layout(
        {
            "schema": "refocus-layout/1",
            "image": {"width": 100, "height": 100},
            "kind": "table",
            "table": {
                "bbox": [0, 0, 100, 100],
                "columns": [],
                "rows": [],
                "cells": [
                    {"row": 0, "col": 0, "text": "4", "bbox": [0, 0, 10, 10]},
                    {"row": 0, "col": 1, "text": "1,204", "bbox": [10, 0, 20, 10]},
                    {"row": 1, "col": 1, "text": "1,205", "bbox": [10, 10, 20, 20]},
                ],
            },
        }
    )
    assert resolve(target('text("4")'), layout, 100, 100).boxes == ((0, 0, 10, 10),)
    assert resolve(target('text("1,20")'), layout, 100, 100).labels == ("1,204", "1,205")


def test_bar_without_any_box_is_reported_at_its_label() -> None:
    from refocus_dsl.layout import load_layout

    layout = load_layout(
        {
            "schema": "refocus-layout/1",
            "image": {"width": 100, "height": 100},
            "kind": "chart",
            "chart": {
                "categories": [
                    {"index": 0, "label": "A", "region": [0, 0, 50, 100]},
                    {"index": 1, "label": "B"},
                ]
            },
        }
    )
    with pytest.raises(ProgramError) as info:
        resolve(target('bars("A", "B")'), layout, 100, 100)
    (d,) = info.value.diagnostics
    assert (d.code, d.column) == ("E205", 13)
    assert resolve(target('bars("A")'), layout, 100, 100).boxes == ((0, 0, 50, 100),)


def _detected(labels: list[str]) -> object:
    """CHART with OCR-read labels: a detected layout (it names its detector)."""
    import dataclasses

    chart = CHART.chart
    assert chart is not None
    cats = tuple(
        dataclasses.replace(c, label=lab) for c, lab in zip(chart.categories, labels, strict=True)
    )
    return dataclasses.replace(
        CHART, chart=dataclasses.replace(chart, categories=cats), detector={"name": "refocus-dsl"}
    )


def test_detected_labels_match_their_likely_ocr_misreading_with_a_warning() -> None:
    from refocus_dsl.lang.checker import check

    layout = _detected(["Cermany", "ember 2018", "‘1ht Attendants", "Greece"])
    ts = resolve(target('bars("Germany", "November 2018", "Flight Attendants")'), layout, 600, 400)
    boxes = [c.region for c in layout.chart.categories]  # type: ignore[attr-defined]
    assert ts.boxes == tuple(boxes[:3])
    assert ts.labels == ("Cermany", "ember 2018", "‘1ht Attendants")
    diags = check('highlight(bars("Germany"))', layout)
    assert [d.code for d in diags] == ["W106"]
    assert '"Cermany"' in diags[0].message and not diags[0].is_error


@pytest.mark.parametrize(
    ("labels", "name"),
    [
        (["2017", "2016", "Germany", "Greece"], "2018"),  # numbers must agree
        (["Q1 2017", "Q2 2017", "Q3 2017", "Q4 2017"], "Q1 2018"),
        (["ember 2018", "ember 2018", "ctober 2018", "x"], "November 2018"),  # two alike
        (["Spain", "Italy", "Chile", "Peru"], "Spai"),  # too short to guess
        (["Austria", "Australia", "Chile", "Peru"], "Austrlia"),  # two close texts
    ],
)
def test_no_ocr_guess_when_it_could_be_wrong(labels: list[str], name: str) -> None:
    from refocus_dsl.lang.checker import check

    diags = check(f'highlight(bars("{name}"))', _detected(labels))
    assert [d.code for d in diags] == ["E203"]


def test_gold_layouts_get_no_ocr_leeway() -> None:
    from refocus_dsl.lang.checker import check

    assert CHART.detector is None
    diags = check('highlight(bars("Chinaa"))', CHART)
    assert [d.code for d in diags] == ["E203"]
