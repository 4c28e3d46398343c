"""Each panel's own layout in a detected figure, and targets naming one panel's bars."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from refocus_dsl.detect.figure import detect_figure  # noqa: E402
from refocus_dsl.detect.panels import moved_layout  # noqa: E402
from refocus_dsl.lang.pipeline import run  # noqa: E402
from refocus_dsl.layout import Layout, load_layout  # noqa: E402
from refocus_dsl.ocr import OcrEngine  # noqa: E402


def _two_grouped_charts() -> Image.Image:
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), dpi=100)
    for n, ax in enumerate(axes):
        xs = range(4)
        ax.bar([x - 0.2 for x in xs], [3, 5, 4, 6] if n else [6, 4, 5, 3], width=0.4,
               label="Women", color="#1f77b4")
        ax.bar([x + 0.2 for x in xs], [4, 2, 6, 5], width=0.4, label="Men", color="#ff7f0e")
        ax.set_xticks(list(xs), ["Q1", "Q2", "Q3", "Q4"])
        ax.legend(loc="upper left", fontsize=9)
        ax.set_ylim(0, 9)
    fig.tight_layout(w_pad=4)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    image = Image.open(buf)
    image.load()
    return image.convert("RGB")


def test_panels_carry_their_charts_and_one_panels_bar_is_named(ocr: OcrEngine) -> None:
    image = _two_grouped_charts()
    layout = detect_figure(image, ocr)
    assert layout.kind == "figure" and len(layout.subplots) == 2
    for sub in layout.subplots:
        inner = sub.layout
        assert inner is not None and inner.chart is not None
        assert (inner.width, inner.height) == image.size
        assert [s.label for s in inner.chart.series] == ["Women", "Men"]
        assert "Q2" in [c.label for c in inner.chart.categories]
        for c in inner.chart.categories:  # inside the panel, in image coordinates
            assert c.region is not None
            assert sub.bbox[0] <= c.region[0] and c.region[2] <= sub.bbox[2]
    assert load_layout(layout.to_dict()) == layout
    before = np.asarray(image)
    after = np.asarray(run('draw_box(bars("Q2", subplot=2), color="#ff0000")', image, layout).image)
    changed = np.argwhere((after != before).any(axis=2))
    panel2 = layout.subplots[1].layout
    assert panel2 is not None and panel2.chart is not None
    q2 = next(c for c in panel2.chart.categories if c.label == "Q2").region
    assert q2 is not None and changed.size
    assert changed[:, 1].min() == q2[0] and changed[:, 1].max() == q2[2] - 1
    assert changed[:, 0].min() == q2[1] and changed[:, 0].max() == q2[3] - 1


def test_a_panels_layout_moves_into_the_images_coordinates() -> None:
    panel = load_layout(
        {
            "schema": "refocus-layout/1", "image": {"width": 100, "height": 80}, "kind": "chart",
            "chart": {
                "plot_bbox": [10, 5, 90, 60],
                "categories": [
                    {"label": "A", "region": [10, 5, 50, 70], "bar_bbox": [20, 30, 40, 60],
                     "label_bbox": [20, 62, 40, 70], "bars": [[20, 30, 30, 60], None]},
                ],
                "series": [
                    {"index": 0, "label": "W", "label_bbox": [60, 5, 80, 12], "color": [1, 2, 3]},
                    {"index": 1, "label": None, "label_bbox": None, "color": None},
                ],
            },
        }
    )
    moved: Layout = moved_layout(panel, (200, 100, 300, 180), 640, 480)
    assert (moved.width, moved.height) == (640, 480)
    assert moved.chart is not None
    cat = moved.chart.categories[0]
    assert moved.chart.plot_bbox == (210, 105, 290, 160)
    assert cat.region == (210, 105, 250, 170) and cat.bars == ((220, 130, 230, 160), None)
    assert moved.chart.series[0].label_bbox == (260, 105, 280, 112)
