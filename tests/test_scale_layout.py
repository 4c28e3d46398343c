"""A layout found on a reduced copy of a big image, mapped back to the image's size."""

from __future__ import annotations

import pytest

from refocus_dsl.detect._scale import scale_layout
from refocus_dsl.layout import Category, Chart, Layout


@pytest.mark.parametrize("n", [1, 3, 4, 5])
def test_each_bar_of_a_category_is_scaled_and_a_missing_bar_stays_missing(n: int) -> None:
    # Four bars once looked like one box (four numbers) and failed; other counts were
    # left unscaled.
    bars = tuple(None if k == 1 else (10 * k, 20, 10 * k + 5, 60) for k in range(n))
    cat = Category(0, "A", bar_bbox=(0, 20, 50, 60), bars=bars)
    layout = Layout(width=100, height=100, kind="chart", chart=Chart(categories=(cat,)))
    out = scale_layout(layout, (200, 300))
    assert out.chart is not None
    got = out.chart.categories[0]
    assert got.bar_bbox == (0, 60, 100, 180)
    assert got.bars == tuple(
        None if b is None else (2 * b[0], 3 * b[1], 2 * b[2], 3 * b[3]) for b in bars
    )
