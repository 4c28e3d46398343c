"""Tick labels turned part of the way (30-60 degrees) on single and grouped bar charts:
labels wrapped onto two lines, and long labels centred on their ticks (matplotlib's
default alignment), whose upper ends lie over the next bar."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from chart_helpers import draw_chart  # noqa: E402
from PIL import Image  # noqa: E402

from refocus_dsl.detect.chart import detect_chart  # noqa: E402
from refocus_dsl.ocr import OcrEngine  # noqa: E402

WRAPPED = ["Star Wars: The\nForce Awakens", "Rogue One: A\nStar Wars Story", "Return of\nthe Jedi",
           "Revenge of\nthe Sith", "The Empire\nStrikes Back", "Attack of\nthe Clones"]


@pytest.mark.parametrize(("rotation", "anchor", "series"), [(45, True, 2), (30, False, 1),
                                                            (-45, True, 1)])
def test_wrapped_turned_labels_name_their_bars_whole(
    ocr: OcrEngine, rotation: int, anchor: bool, series: int
) -> None:
    # Each line was a label of its own, and the nearest to a bar won it: every bar was
    # named by half its label (the first lines, or the second), at confidence 1.0.
    values = [[float(3 + (i * 7 + s) % 5) for i in range(len(WRAPPED))] for s in range(series)]
    drawn = draw_chart(WRAPPED, values, rotation=rotation, anchor=anchor, labelsize=10)
    chart = detect_chart(drawn.image, ocr).chart
    assert chart is not None
    assert [c.label for c in chart.categories] == [n.replace("\n", " ") for n in WRAPPED]


COUNTRIES = ["Saudi Arabia", "Czech Republic", "Netherlands", "Bangladesh", "United Kingdom",
             "New Zealand", "Switzerland", "Luxembourg", "South Africa", "Argentina",
             "Liechtenstein"]


def _centred_turned(labels: list[str], series: int, width: float) -> Image.Image:
    """Bars with their tick labels turned 45 degrees and centred on the ticks."""
    fig, ax = plt.subplots(figsize=(width, 5), dpi=100)
    w = 0.8 / series
    for s in range(series):
        xs = [x + (s - (series - 1) / 2) * w for x in range(len(labels))]
        ax.bar(xs, [2.0 + (3 * i + 2 * s) % 7 for i in range(len(labels))], width=w)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="center", fontsize=12)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


@pytest.mark.parametrize("series", [1, 3])
def test_long_centred_turned_labels_are_not_shifted_by_a_bar(
    ocr: OcrEngine, series: int
) -> None:
    # Their upper ends lie on the next bar group, and were taken for the ticks: every
    # category named by its left neighbour's label, the first none, at confidence .91.
    image = _centred_turned(COUNTRIES, series, 6.0)
    layout = detect_chart(image, ocr)
    assert layout.chart is not None
    assert [c.label for c in layout.chart.categories] == COUNTRIES
    # The last label reaches past its tick to the right: it is read to its end.
    assert layout.chart.categories[-1].label == "Liechtenstein"
