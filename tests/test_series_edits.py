"""Edits on single bars, whole series and one panel's bars, pixel for pixel.

The layouts are lang_helpers' grouped chart (North, South, East; Women and Men
side by side; Men has no bar in East) and a two-panel figure whose second panel
carries such a chart. References are numpy, written from the edit semantics.
"""

from __future__ import annotations

import numpy as np
import pytest
from lang_helpers import chart_panels_layout, grouped_chart_layout

from refocus_dsl.lang.pipeline import run
from refocus_dsl.layout import Box, Layout

RED = (255, 0, 0)


def _image(seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (400, 600, 3), dtype=np.uint8)


def _edit(program: str, layout: Layout, arr: np.ndarray) -> np.ndarray:
    from PIL import Image

    result = run(program, Image.fromarray(arr, "RGB"), layout)
    return np.asarray(result.image.convert("RGB"), dtype=np.uint8)


def _mask(boxes: list[Box], shape: tuple[int, ...]) -> np.ndarray:
    m = np.zeros(shape[:2], dtype=bool)
    for x1, y1, x2, y2 in boxes:
        m[y1:y2, x1:x2] = True
    return m


def _bars(layout: Layout, k: int) -> list[Box]:
    assert layout.chart is not None
    return [c.bars[k] for c in layout.chart.categories if c.bars[k] is not None]  # type: ignore[misc]


def _band(layout: Layout, bar: Box) -> Box:
    """A side-by-side bar's band: its own width across the plot area."""
    assert layout.chart is not None and layout.chart.plot_bbox is not None
    plot = layout.chart.plot_bbox
    return (bar[0], min(bar[1], plot[1]), bar[2], max(bar[3], plot[3]))


def _blend(arr: np.ndarray, m: np.ndarray, colour: tuple[int, int, int], a: float) -> np.ndarray:
    want = arr.copy()
    c = np.asarray(colour, dtype=np.float64)
    want[m] = np.array([[round(v) for v in px] for px in (1 - a) * arr[m] + a * c], dtype=np.uint8)
    return want


def test_highlight_one_bar_changes_only_its_band() -> None:
    layout = grouped_chart_layout()
    arr = _image()
    got = _edit('highlight(bars("South", series="Women"), color="#ff0000", alpha=0.5)', layout, arr)
    south_women = layout.chart.categories[1].bars[0]  # type: ignore[union-attr]
    assert south_women is not None
    m = _mask([_band(layout, south_women)], arr.shape)
    assert np.array_equal(got, _blend(arr, m, RED, 0.5))


def test_highlight_series_touches_every_bar_of_it_and_none_of_the_other() -> None:
    layout = grouped_chart_layout()
    arr = _image()
    got = _edit('highlight(series("Men"), color="#ff0000", alpha=0.5)', layout, arr)
    men = _mask([_band(layout, b) for b in _bars(layout, 1)], arr.shape)
    assert np.array_equal(got, _blend(arr, men, RED, 0.5))
    women = _mask(_bars(layout, 0), arr.shape)
    assert np.array_equal(got[women], arr[women])
    for bar in _bars(layout, 1):
        x1, y1, x2, y2 = bar
        assert (got[y1:y2, x1:x2] != arr[y1:y2, x1:x2]).any()


def test_keep_only_series_masks_the_other_series_and_keeps_axes_labels_legend() -> None:
    layout = grouped_chart_layout()
    arr = _image()
    got = _edit('keep_only(series("Men"), fill="#000000")', layout, arr)
    women = _mask([_band(layout, b) for b in _bars(layout, 0)], arr.shape)
    men = _mask([_band(layout, b) for b in _bars(layout, 1)], arr.shape)
    want = arr.copy()
    want[women & ~men] = 0
    assert np.array_equal(got, want)
    assert layout.chart is not None
    kept = [c.label_bbox for c in layout.chart.categories] + [
        s.label_bbox for s in layout.chart.series
    ]
    for x1, y1, x2, y2 in (b for b in kept if b is not None):  # tick labels and legend
        assert np.array_equal(got[y1:y2, x1:x2], arr[y1:y2, x1:x2])


@pytest.mark.parametrize("width", [1, 3])
def test_draw_box_on_one_panels_bar_edits_only_that_bar(width: int) -> None:
    layout = chart_panels_layout()
    panel = layout.subplots[1].layout
    assert panel is not None and panel.chart is not None
    arr = _image()
    got = _edit(
        f'draw_box(bars("QSouth", subplot=2), color="#ff0000", width={width})', layout, arr
    )
    x1, y1, x2, y2 = panel.chart.categories[1].region  # type: ignore[misc]
    ring = _mask([(x1, y1, x2, y2)], arr.shape) & ~_mask(
        [(x1 + width, y1 + width, x2 - width, y2 - width)], arr.shape
    )
    want = arr.copy()
    want[ring] = RED
    assert np.array_equal(got, want)
    assert x1 >= layout.subplots[1].bbox[0]  # inside panel 2 only


def test_every_tool_takes_the_new_targets() -> None:
    layout = grouped_chart_layout()
    arr = _image()
    men = _bars(layout, 1)
    bands = _mask([_band(layout, b) for b in men], arr.shape)
    got = _edit('mask(series(2), fill="#000000")', layout, arr)
    want = arr.copy()
    want[bands] = 0
    assert np.array_equal(got, want)
    got = _edit('dim(series("Women"), color="#000000", amount=1.0)', layout, arr)
    women = _mask([_band(layout, b) for b in _bars(layout, 0)], arr.shape)
    assert np.array_equal(got[bands & ~women], np.zeros_like(arr[bands & ~women]))
    assert np.array_equal(got[~bands], arr[~bands])
    got = _edit('underline(bars("North", series="Men"), color="#ff0000", width=2)', layout, arr)
    changed = (got != arr).any(axis=2)
    band = _band(layout, men[0])
    assert changed.any() and not changed[: band[3]].any()
    assert np.flatnonzero(changed.any(axis=0)).min() >= band[0]
    from PIL import Image

    result = run('crop(series("Men"), margin=0)', Image.fromarray(arr, "RGB"), layout)
    x1 = min(_band(layout, b)[0] for b in men)
    x2 = max(_band(layout, b)[2] for b in men)
    assert result.image.size[0] == x2 - x1
