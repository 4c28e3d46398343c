"""The optional series, per-series bars and per-panel layouts of ``refocus-layout/1``."""

from __future__ import annotations

from typing import Any

import pytest

from refocus_dsl.errors import LayoutError
from refocus_dsl.layout import Series, load_layout


def _chart_doc(**chart: Any) -> dict[str, Any]:
    return {
        "schema": "refocus-layout/1",
        "image": {"width": 400, "height": 300},
        "kind": "chart",
        "chart": {"orientation": "vertical", "categories": [], **chart},
    }


def test_series_and_missing_bars_round_trip() -> None:
    doc = _chart_doc(
        series=[
            {"index": 0, "label": "Women", "label_bbox": [300, 10, 340, 20],
             "color": [31, 119, 180]},
            {"index": 1, "label": None, "label_bbox": None, "color": None},
        ],
        categories=[
            {"index": 0, "label": "South", "region": [0, 0, 100, 300],
             "bars": [[10, 50, 30, 250], None]},
        ],
    )
    layout = load_layout(doc)
    assert layout.chart is not None
    assert layout.chart.series == (
        Series(0, "Women", (300, 10, 340, 20), (31, 119, 180)),
        Series(1, None, None, None),
    )
    assert layout.chart.categories[0].bars == ((10, 50, 30, 250), None)
    again = load_layout(layout.to_dict())
    assert again == layout
    assert layout.to_dict()["chart"]["categories"][0]["bars"] == [[10, 50, 30, 250], None]


def test_a_layout_one_without_series_still_reads_and_writes_no_series() -> None:
    layout = load_layout(_chart_doc(categories=[{"label": "A", "bars": [[1, 2, 3, 4]]}]))
    assert layout.chart is not None and layout.chart.series == ()
    assert "series" not in layout.to_dict()["chart"]


@pytest.mark.parametrize(
    ("color", "field"),
    [([1, 2], "chart.series[0].color"), ([0, 0, 300], "chart.series[0].color"),
     ("red", "chart.series[0].color")],
)
def test_bad_series_colour_names_the_field(color: object, field: str) -> None:
    with pytest.raises(LayoutError, match=field.replace("[", r"\[").replace("]", r"\]")):
        load_layout(_chart_doc(series=[{"index": 0, "label": "A", "color": color}]))


def test_panel_layouts_round_trip_and_nest_only_once() -> None:
    panel = _chart_doc(categories=[{"label": "Q2", "region": [210, 0, 300, 300]}])
    doc = {
        "schema": "refocus-layout/1",
        "image": {"width": 400, "height": 300},
        "kind": "figure",
        "subplots": [
            {"index": 0, "bbox": [0, 0, 200, 300]},
            {"index": 1, "bbox": [200, 0, 400, 300], "layout": panel},
        ],
    }
    layout = load_layout(doc)
    assert layout.subplots[0].layout is None
    inner = layout.subplots[1].layout
    assert inner is not None and inner.chart is not None
    assert inner.chart.categories[0].label == "Q2"
    assert load_layout(layout.to_dict()) == layout
    nested = dict(doc, subplots=[{"index": 0, "bbox": [0, 0, 400, 300], "layout": doc}])
    with pytest.raises(LayoutError, match=r"subplots\[0\]\.layout"):
        load_layout(nested)
