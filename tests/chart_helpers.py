"""Bar charts drawn with matplotlib, with the exact geometry of what was drawn.

matplotlib knows every bar's, tick label's and legend entry's window extent; with
the figure saved at its own dpi (no tight bbox) those are image pixels with y flipped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib
from hypothesis import HealthCheck, Phase, settings
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from refocus_dsl.detect.chart import _union  # noqa: E402
from refocus_dsl.layout import Box  # noqa: E402

WORDS = (
    "Apples", "Berlin", "Canada", "Delta", "Energy", "Forest", "Garden", "Harbor",
    "Island", "Jungle", "Kettle", "Lemon", "Market", "Nordic", "Oxford", "Planet",
)
YEARS = tuple(str(y) for y in range(2008, 2024))


@dataclass(frozen=True)
class Drawn:
    image: Image.Image
    bars: list[Box]  # union box of each category's bars, in category reading order
    each: list[list[Box]]  # every bar (series, stack segment) of each category
    labels: list[Box]
    texts: list[str]
    series: tuple[str, ...] = ()  # legend texts, in series order
    legend_labels: tuple[Box, ...] = ()


def _box(extent: object, height: int) -> Box:
    x0, y0, x1, y1 = extent.x0, extent.y0, extent.x1, extent.y1  # type: ignore[attr-defined]
    return (int(round(x0)), int(round(height - y1)), int(round(x1)), int(round(height - y0)))


def draw_chart(
    labels: list[str],
    values: list[list[float]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    rotation: int = 0,
    dark: bool = False,
    grid: bool = False,
    value_labels: bool = False,
    legend: bool = False,
    title: str | None = None,
    plot_face: str | None = None,
    axis_titles: tuple[str, str] | None = None,
    colours: list[str] | None = None,
    labelsize: int = 12,
    series_names: list[str] | None = None,
    legend_loc: str = "right",
    anchor: bool = False,
    footer: tuple[str, ...] = (),
    footer_gap: int = 6,
    tick_pad: float | None = None,
) -> Drawn:
    """A bar chart (series x categories values) and the exact boxes of what was drawn.

    ``plot_face``: a plot-area colour of its own (the page stays ``face``);
    ``axis_titles``: (category axis title, value axis title); ``series_names``: the
    legend's texts; ``legend_loc``: "right" (beside the plot), "below", or
    "inside" (the plot's upper right corner, left free of bars); ``anchor``: turned
    tick labels end exactly at their tick (rotation_mode "anchor"), else matplotlib
    aligns their box; ``footer``: lines (a source, a publisher) set left-aligned
    ``footer_gap`` px under the tick labels' lowest end, as publishers' exports set them.
    """
    names = series_names or [f"S{s}" for s in range(len(values))]
    n_series = len(values)
    face, ink = ("#1e1e1e", "#f0f0f0") if dark else ("white", "black")
    if colours is None:
        colours = (
            ["#1f77b4", "#ff7f0e", "#2ca02c"] if not dark else ["#4fc3f7", "#ffb74d", "#81c784"]
        )
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=100, facecolor=face)
    ax.set_facecolor(plot_face or face)
    for side in ax.spines.values():
        side.set_color(ink)
    ax.tick_params(colors=ink, labelsize=labelsize)
    if tick_pad is not None:
        ax.tick_params(axis="y" if horizontal else "x", length=0, pad=tick_pad)
    if axis_titles is not None:
        cat_title, value_title = axis_titles
        # Tight against the tick labels, as some plotting styles set it.
        (ax.set_ylabel if horizontal else ax.set_xlabel)(
            cat_title, color=ink, fontsize=12, labelpad=1
        )
        (ax.set_xlabel if horizontal else ax.set_ylabel)(value_title, color=ink, fontsize=12)
    xs = list(range(len(labels)))
    width = 0.8 / (1 if stacked else n_series)
    containers = []
    bottoms = [0.0] * len(labels)
    for s, vals in enumerate(values):
        offset = 0.0 if stacked else (s - (n_series - 1) / 2.0) * width
        pos = [x + offset for x in xs]
        if horizontal:
            c = ax.barh(pos, vals, height=width, left=bottoms if stacked else 0.0,
                        color=colours[s], label=names[s])
        else:
            c = ax.bar(pos, vals, width=width, bottom=bottoms if stacked else 0.0,
                       color=colours[s], label=names[s])
        containers.append(c)
        if stacked:
            bottoms = [b + v for b, v in zip(bottoms, vals, strict=True)]
        if value_labels:
            ax.bar_label(c, fmt="%.0f", color=ink, fontsize=8)
    if grid:
        ax.set_axisbelow(True)
        ax.grid(True, axis="x" if horizontal else "y", color="#888888", linewidth=0.8)
    if horizontal:
        ax.set_yticks(xs, labels)
        ax.invert_yaxis()  # first category on top: reading order top to bottom
    else:
        ha = "center" if rotation in (0, 90, -90) and not anchor else "right"
        ha = "left" if rotation < 0 and ha == "right" else ha
        ax.set_xticks(xs, labels, rotation=rotation, ha=ha,
                      rotation_mode="anchor" if anchor else "default")
    leg = None
    if legend and n_series > 1:
        if legend_loc == "right":  # beside the plot, not over the bars
            leg = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
        elif legend_loc == "below":
            leg = fig.legend(loc="lower center", ncol=n_series, fontsize=10, frameon=False)
        else:  # "inside": in the plot, in room left free beyond the longest bar
            top = max(sum(col) if stacked else max(col) for col in zip(*values, strict=True))
            (ax.set_xlim if horizontal else ax.set_ylim)(0, 1.8 * top)
            leg = ax.legend(loc="upper right", fontsize=9)
        leg.get_frame().set_facecolor(plot_face or face)
        for text in leg.get_texts():
            text.set_color(ink)
    if title:
        ax.set_title(title, color=ink)
    below = (leg is not None and legend_loc == "below") or bool(footer)
    fig.tight_layout(rect=(0, 0.08 * max(1, len(footer)), 1, 1) if below else None)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    height = int(round(fig.get_figheight() * fig.dpi))
    if footer:
        ticks = ax.get_yticklabels() if horizontal else ax.get_xticklabels()
        low = min(t.get_window_extent(renderer).y0 for t in ticks) - footer_gap
        for line in footer:
            t = fig.text(0.01, low / height, line, ha="left", va="top", fontsize=9, color=ink)
            low = t.get_window_extent(renderer).y0 - 3
    bars = []
    each = []
    for i in range(len(labels)):
        boxes = [_box(c.patches[i].get_window_extent(renderer), height) for c in containers]
        bars.append(_union(boxes))
        each.append(boxes)
    ticks = ax.get_yticklabels() if horizontal else ax.get_xticklabels()
    label_boxes = [_box(t.get_window_extent(renderer), height) for t in ticks]
    legend_boxes = (
        [_box(t.get_window_extent(renderer), height) for t in leg.get_texts()] if leg else []
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, facecolor=face)
    plt.close(fig)
    buf.seek(0)
    image = Image.open(buf)
    image.load()
    return Drawn(image, bars, each, label_boxes, list(labels), tuple(names) if leg else (),
                 tuple(legend_boxes))


def ocr_settings(max_examples: int) -> settings:
    """Hypothesis settings for drawn charts: few examples, no shrinking (each costs OCR).

    Derandomized: the same drawn charts on every run, so a detector weakness shows as a
    steady failure in the change that causes it, not as a random one in CI later.
    """
    return settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow],
        report_multiple_bugs=False,
    )
