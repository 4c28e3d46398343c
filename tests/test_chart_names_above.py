"""Horizontal bars whose names are printed over each bar instead of in a strip by the axis."""

from __future__ import annotations

import io

import matplotlib
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from refocus_dsl.detect import detect_layout  # noqa: E402
from refocus_dsl.lang.labels import compact_label  # noqa: E402
from refocus_dsl.ocr import OcrEngine  # noqa: E402
from refocus_dsl.scoring.common import iou  # noqa: E402

NAMES = ["Transportation and storage", "Education", "Financial services", "Canada",
         "Real estate activities"]


def _names_above(values: list[float]) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=100)
    pos = list(range(len(values)))
    bars = ax.barh(pos, values, height=0.45, color="#4f7f9f")
    for p, name in zip(pos, NAMES, strict=False):
        ax.text(0, p - 0.29, name, ha="left", va="bottom", fontsize=10)
    ax.bar_label(bars, fmt="%.0f%%", padding=2)
    ax.set_yticks(pos, [""] * len(pos))
    ax.set_xticks([])
    ax.invert_yaxis()
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    fig.tight_layout()
    fig.canvas.draw()
    h = int(fig.get_figheight() * fig.dpi)
    boxes = []
    for b in bars.patches:
        e = b.get_window_extent()
        boxes.append((round(e.x0), round(h - e.y1), round(e.x1), round(h - e.y0)))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("RGB"), boxes


def test_names_over_their_bars_are_the_categories(ocr: OcrEngine) -> None:
    # No label strip beside the axis: the chart reading must still name every bar (and
    # so stay a chart under kind auto rather than lose to a table reading of the text
    # rows); the values after the bars are no names.
    values = [36.0, 64.0, 24.0, 54.0, 41.0]
    image, boxes = _names_above(values)
    layout = detect_layout(image, ocr=ocr, cache=False)
    assert layout.kind == "chart" and layout.chart is not None
    cats = layout.chart.categories
    assert [compact_label(c.label) for c in cats] == [compact_label(n) for n in NAMES]
    for c, box in zip(cats, boxes, strict=True):
        assert c.bar_bbox is not None and iou(c.bar_bbox, box) >= 0.8, (c.bar_bbox, box)
