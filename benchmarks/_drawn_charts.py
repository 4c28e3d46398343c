"""Drawn bar charts in the ways real ChartQA test charts vary beyond the other generators.

The development charts (Statista) and the unseen-style generators cover single and
grouped bars with value labels, gridlines and page chrome. Real ChartQA test charts
also hold: negative bars, stacked and 100% stacked bars (Pew's favourite), long
category labels wrapped onto two or three lines, a legend inside the plot over a
tinted plot area, value labels printed inside the bars, and OECD-style charts of
many thin bars with one bar highlighted, a source line and a logo. Each style is drawn
with matplotlib from a seed, with the exact box of every bar and tick label as gold.
"""

from __future__ import annotations

import io
import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from refocus_dsl.layout import Box, Category, Chart, Layout, Series

COUNTRIES = (
    "Australia", "Austria", "Belgium", "Canada", "Chile", "Colombia", "Czechia", "Denmark",
    "Estonia", "Finland", "France", "Germany", "Greece", "Hungary", "Iceland", "Ireland",
    "Israel", "Italy", "Japan", "Korea", "Latvia", "Lithuania", "Mexico", "Netherlands",
    "Norway", "Poland", "Portugal", "Slovenia", "Spain", "Sweden", "Switzerland", "Turkey",
    "United Kingdom", "United States", "Brazil", "India", "China", "Argentina",
)
LONG = (
    "Accommodation and food service activities",
    "Professional, scientific and technical services",
    "Wholesale and retail trade, repair of vehicles",
    "Public administration and defence",
    "Information and communication",
    "Human health and social work activities",
    "Transportation and storage",
    "Electricity, gas, steam and air conditioning",
    "Arts, entertainment and recreation",
    "Financial and insurance activities",
    "Mining and quarrying",
    "Real estate activities",
    "Education",
    "Construction",
)
GROUPS = ("Ages 18-29", "30-49", "50-64", "65+", "Rep/Lean Rep", "Dem/Lean Dem", "Total")
ANSWERS = ("Very good", "Somewhat good", "Somewhat bad", "Very bad", "No answer")
SERIES = ("Men", "Women", "Urban", "Rural", "2019", "2020", "2021")
STATISTA = ("#2876dd", "#0f3b66", "#a3a3a3", "#5fb1ff", "#e0b000")
PEW = ("#1f4e79", "#6a9fd1", "#e7a33e", "#a35a00", "#c8c8c8")
OECD = ("#4d7fb8", "#c0d7ef", "#d73027", "#222222")


@dataclass(frozen=True)
class DrawnChart:
    style: str
    seed: int
    image: Image.Image
    gold: Layout
    row: dict[str, Any]  # question, answer_bar_bbox (the answer's bar), variant


def _box(extent: Any, height: int) -> Box:
    return (
        int(np.floor(extent.x0)),
        int(np.floor(height - extent.y1)),
        int(np.ceil(extent.x1)),
        int(np.ceil(height - extent.y0)),
    )


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )


@dataclass
class _Spec:
    """What a style decided to draw; ``_render`` draws it and measures the gold."""

    labels: list[str]
    values: np.ndarray  # series x categories
    colours: list[str]
    horizontal: bool = False
    stacked: bool = False
    series_names: tuple[str, ...] = ()
    legend: str = "below"  # "below", "inside", "above", "none"
    value_labels: str = "outside"  # "outside", "inside", "none"
    fmt: str = "%.1f"
    grid: bool = True
    plot_face: str = "white"
    grid_colour: str = "#dddddd"
    rotation: int = 0
    size: tuple[int, int] = (800, 557)
    font: float = 10.0
    hide_value_axis: bool = False
    bar_colours: list[str] | None = None  # one colour per category (single series)
    footer: bool = False
    logo: bool = False
    title: str | None = None
    width: float = 0.7
    labels_above: bool = False  # each label over its (horizontal) bar, not in a strip
    markers: np.ndarray | None = None  # a second measure drawn as a diamond per category


def _render(spec: _Spec) -> tuple[Image.Image, list[Category], tuple[Series, ...]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_series, n = spec.values.shape
    w_px, h_px = spec.size
    with plt.rc_context({"font.size": spec.font, "font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(w_px / 100, h_px / 100), dpi=100)
        ax.set_facecolor(spec.plot_face)
        pos = np.arange(n, dtype=float)
        width = spec.width if spec.stacked or n_series == 1 else spec.width / n_series
        containers = []
        pos_base, neg_base = np.zeros(n), np.zeros(n)  # stacks grow away from zero
        for k in range(n_series):
            off = 0.0 if spec.stacked else (k - (n_series - 1) / 2) * width
            colour: Any = spec.bar_colours if spec.bar_colours else spec.colours[k]
            vals = spec.values[k]
            base = np.where(vals >= 0, pos_base, neg_base)
            label = spec.series_names[k] if spec.series_names else None
            if spec.horizontal:
                c = ax.barh(pos + off, vals, height=width, left=base if spec.stacked else 0,
                            color=colour, label=label)
            else:
                c = ax.bar(pos + off, vals, width=width, bottom=base if spec.stacked else 0,
                           color=colour, label=label)
            containers.append(c)
            if spec.value_labels == "inside":
                ax.bar_label(c, fmt=spec.fmt, label_type="center", color="white",
                             fontsize=spec.font - 1, fontweight="bold")
            elif spec.value_labels == "outside":
                ax.bar_label(c, fmt=spec.fmt, padding=2, fontsize=spec.font - 1)
            if spec.stacked:
                pos_base = pos_base + np.maximum(vals, 0)
                neg_base = neg_base + np.minimum(vals, 0)
        if spec.markers is not None:
            (ax.plot(spec.markers, pos, "D") if spec.horizontal else ax.plot(
                pos, spec.markers, "D"))[0].set(color="#222222", markersize=5, label="2010")
        if spec.grid:
            ax.set_axisbelow(True)
            ax.grid(True, axis="x" if spec.horizontal else "y", color=spec.grid_colour)
        if spec.horizontal and spec.labels_above:
            ax.set_yticks(pos, [""] * n)
            ax.invert_yaxis()
            label_texts = [
                ax.text(0, p - width / 2 - 0.06, lab, ha="left", va="bottom", fontsize=spec.font)
                for p, lab in zip(pos, spec.labels, strict=True)
            ]
        elif spec.horizontal:
            ax.set_yticks(pos, spec.labels)
            ax.invert_yaxis()
        else:
            rot = spec.rotation
            ax.set_xticks(pos, spec.labels, rotation=rot,
                          ha="right" if rot and rot != 90 else "center",
                          rotation_mode="anchor" if rot and rot != 90 else "default")
        if np.any(spec.values < 0):
            (ax.axvline if spec.horizontal else ax.axhline)(0, color="#444444", linewidth=0.8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if spec.hide_value_axis:
            (ax.set_xticks if spec.horizontal else ax.set_yticks)([])
            ax.spines["bottom" if spec.horizontal else "left"].set_visible(False)
        ax.tick_params(length=0)
        if spec.series_names and spec.legend == "inside":
            ax.legend(loc="upper right", fontsize=spec.font - 1, framealpha=1.0)
            lim = ax.get_xlim() if spec.horizontal else ax.get_ylim()
            (ax.set_xlim if spec.horizontal else ax.set_ylim)(lim[0], lim[1] * 1.35)
        elif spec.series_names and spec.legend == "above":
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=n_series,
                      frameon=False, fontsize=spec.font - 1)
        elif spec.series_names and spec.legend == "below":
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08 if spec.horizontal else -0.1),
                      ncol=n_series, frameon=False, fontsize=spec.font - 1)
        if spec.title:
            ax.set_title(spec.title, loc="left", fontsize=spec.font + 2, fontweight="bold",
                         pad=24 if spec.legend == "above" else 6)
        bottom = 0.0
        if spec.footer:
            fig.text(0.01, 0.01, "Source: OECD (2021), national statistics offices. Note: "
                     "data for 2020 or latest available year.", fontsize=7, color="#555555")
            bottom = 0.05
        if spec.logo:
            from matplotlib.patches import Rectangle

            fig.patches.append(Rectangle((0.9, 0.005), 0.09, 0.04, transform=fig.transFigure,
                                         facecolor="#1d5c9b", edgecolor="none"))
            fig.text(0.945, 0.025, "OECD", ha="center", va="center", color="white",
                     fontsize=8, fontweight="bold")
            bottom = max(bottom, 0.05)
        fig.tight_layout(rect=(0.0, bottom, 1.0, 1.0))
        fig.canvas.draw()
        renderer: Any = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        ticks = ax.get_yticklabels() if spec.horizontal else ax.get_xticklabels()
        if spec.horizontal and spec.labels_above:
            ticks = label_texts
        cats = []
        for i, lab in enumerate(spec.labels):
            bars = [_box(c.patches[i].get_window_extent(renderer), h_px) for c in containers]
            cats.append(Category(i, " ".join(lab.split()), _box(ticks[i].get_window_extent(
                renderer), h_px), _union(bars), None, tuple(bars)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
        plt.close(fig)
    buf.seek(0)
    image = Image.open(buf).convert("RGB")
    series = tuple(Series(k, s) for k, s in enumerate(spec.series_names)) if n_series > 1 else ()
    return image, cats, series


def _wrap(label: str, r: random.Random) -> str:
    return "\n".join(textwrap.wrap(label, r.choice([18, 22, 26])))


def _negative(r: random.Random) -> _Spec:
    """Statista's growth-rate charts: bars on both sides of zero, values at their ends."""
    n = r.randint(5, 12)
    years = r.random() < 0.5
    labels = [str(y) for y in range(2021 - n, 2021)] if years else r.sample(COUNTRIES, n)
    vals = np.array([[round(r.uniform(-9, 12), 1) or 0.5 for _ in range(n)]])
    return _Spec(labels, vals, [STATISTA[0]], horizontal=r.random() < 0.35, fmt="%.1f%%",
                 rotation=0 if years or n < 8 else 45)


def _stacked(r: random.Random) -> _Spec:
    """Stacked bars of 2-4 series, values inside the segments, legend below."""
    n, k = r.randint(4, 9), r.randint(2, 4)
    horizontal = r.random() < 0.4
    labels = [str(y) for y in range(2022 - n, 2022)] if r.random() < 0.5 else r.sample(
        COUNTRIES, n)
    vals = np.array([[round(r.uniform(8, 40)) for _ in range(n)] for _ in range(k)], float)
    return _Spec(labels, vals, list(STATISTA[:k]), horizontal=horizontal, stacked=True,
                 series_names=tuple(SERIES[:k]), value_labels="inside", fmt="%.0f")


def _stacked100(r: random.Random) -> _Spec:
    """Pew's 100% stacked horizontal bars: wrapped group labels, no value axis."""
    n, k = r.randint(4, 8), r.randint(3, 5)
    labels = r.sample(GROUPS, min(n, len(GROUPS)))
    n = len(labels)
    raw = np.array([[r.uniform(5, 40) for _ in range(n)] for _ in range(k)])
    vals = np.round(100 * raw / raw.sum(axis=0))
    return _Spec(labels, vals, list(PEW[:k]), horizontal=True, stacked=True,
                 series_names=tuple(ANSWERS[:k]), legend="above", value_labels="inside",
                 fmt="%.0f", grid=False, hide_value_axis=True, size=(r.choice([640, 700]),
                 r.randint(380, 520)), title="Views of the economy", width=0.6)


def _wrapped(r: random.Random) -> _Spec:
    """Horizontal bars whose long category labels wrap onto two or three lines."""
    labels = [_wrap(s, r) for s in r.sample(LONG, r.randint(6, 12))]
    vals = np.array([[round(r.uniform(2, 60), 1) for _ in labels]])
    return _Spec(labels, vals, [STATISTA[0]], horizontal=True, fmt="%.1f",
                 size=(800, r.choice([557, 700])))


def _legend_inside(r: random.Random) -> _Spec:
    """Grouped bars with the legend in the plot's corner, over a tinted plot area."""
    n, k = r.randint(4, 8), r.randint(2, 3)
    labels = [str(y) for y in range(2022 - n, 2022)] if r.random() < 0.5 else r.sample(
        COUNTRIES, n)
    vals = np.array([[round(r.uniform(10, 90)) for _ in range(n)] for _ in range(k)], float)
    face, grid = r.choice([("#eaeaf2", "white"), ("#ebebeb", "white"), ("#f2f6fa", "#cccccc")])
    colours = r.choice([list(STATISTA[:k]), list(PEW[:k]), ["#4c72b0", "#dd8452", "#55a868"]])
    return _Spec(labels, vals, colours, horizontal=r.random() < 0.3,
                 series_names=tuple(SERIES[4:4 + k]) if r.random() < 0.5 else tuple(SERIES[:k]),
                 legend="inside", value_labels=r.choice(["outside", "none"]), fmt="%.0f",
                 plot_face=face, grid_colour=grid)


def _thin_many(r: random.Random) -> _Spec:
    """OECD's country charts: 25-38 thin bars, turned labels, one country highlighted."""
    n = r.randint(25, 38)
    labels = r.sample(COUNTRIES, n)
    vals = np.array([sorted((round(r.uniform(1, 50), 1) for _ in range(n)), reverse=True)])
    colours = [OECD[0]] * n
    colours[r.randrange(n)] = OECD[2]
    return _Spec(labels, vals, [OECD[0]], bar_colours=colours, rotation=90, value_labels="none",
                 plot_face=r.choice(["white", "#eef3f8"]), size=(r.choice([800, 900]), 500),
                 font=9, footer=True, logo=True, width=0.6)


def _values_inside(r: random.Random) -> _Spec:
    """Single series with the values printed in white inside the bars, no value axis."""
    n = r.randint(4, 10)
    labels = [str(y) for y in range(2022 - n, 2022)] if r.random() < 0.5 else r.sample(
        COUNTRIES, n)
    vals = np.array([[round(r.uniform(20, 100)) for _ in range(n)]], float)
    return _Spec(labels, vals, [r.choice(STATISTA[:2] + PEW[:1])], horizontal=r.random() < 0.4,
                 value_labels="inside", fmt="%.0f", hide_value_axis=True, grid=False,
                 footer=r.random() < 0.5)


def _diverging(r: random.Random) -> _Spec:
    """Pew's diverging bars: the two negative answers left of zero, the two positive right,
    values inside, a line at zero."""
    labels = r.sample(GROUPS, r.randint(4, 7))
    n = len(labels)
    neg = [[-round(r.uniform(5, 30)) for _ in range(n)] for _ in range(2)]
    pos = [[round(r.uniform(5, 35)) for _ in range(n)] for _ in range(2)]
    vals = np.array([neg[0], neg[1], pos[0], pos[1]], float)
    return _Spec(labels, vals, [PEW[2], PEW[3], PEW[1], PEW[0]], horizontal=True, stacked=True,
                 series_names=("Somewhat bad", "Very bad", "Somewhat good", "Very good"),
                 legend="above", value_labels="inside", fmt="%.0f", grid=False,
                 hide_value_axis=True, size=(r.choice([640, 700]), r.randint(380, 520)),
                 width=0.6)


def _labels_above(r: random.Random) -> _Spec:
    """Horizontal bars with each category's name printed above its bar (Pew, mobile
    layouts), the value after the bar, no axis."""
    labels = r.sample(LONG[:10] + COUNTRIES[:10], r.randint(4, 9))
    vals = np.array([[round(r.uniform(5, 90)) for _ in labels]], float)
    return _Spec(labels, vals, [r.choice(PEW[:3] + STATISTA[:1])], horizontal=True,
                 labels_above=True, fmt="%.0f%%", grid=False, hide_value_axis=True,
                 size=(r.choice([560, 640]), 120 + 60 * len(labels)), width=0.45)


def _markers(r: random.Random) -> _Spec:
    """OECD's bars for this year with a diamond marking an earlier year, legend above."""
    n = r.randint(10, 24)
    labels = r.sample(COUNTRIES, n)
    vals = np.array([sorted((round(r.uniform(5, 60), 1) for _ in range(n)), reverse=True)])
    marks = np.array([max(1.0, v + r.uniform(-12, 12)) for v in vals[0]])
    return _Spec(labels, vals, [OECD[0]], series_names=("2020",), legend="above",
                 rotation=90 if n > 14 else 45, value_labels="none", markers=marks,
                 horizontal=r.random() < 0.25, size=(800, 500), font=9, footer=True,
                 logo=r.random() < 0.5, width=0.6)


def _dense(r: random.Random) -> _Spec:
    """Daily or monthly series: 60-160 thin bars, tiny turned labels."""
    n = r.randint(60, 160)
    labels = [f"{1 + i % 28:02d}.{1 + i // 28:02d}" for i in range(n)]
    vals = np.array([[round(abs(r.gauss(40, 15)) + 1, 1) for _ in range(n)]])
    return _Spec(labels, vals, [STATISTA[0]], rotation=90, value_labels="none", font=6,
                 size=(r.choice([1000, 1400, 1800]), 557), width=0.75)


STYLES: dict[str, Callable[[random.Random], _Spec]] = {
    "negative": _negative,
    "stacked": _stacked,
    "stacked100": _stacked100,
    "wrapped": _wrapped,
    "legend_inside": _legend_inside,
    "thin_many": _thin_many,
    "values_inside": _values_inside,
    "diverging": _diverging,
    "labels_above": _labels_above,
    "dense": _dense,
    "markers": _markers,
}


def draw(style: str, seed: int) -> DrawnChart:
    """The chart of ``style`` for ``seed``, its gold layout and the answer's bar."""
    r = random.Random(f"drawn-{style}-{seed}")
    spec = STYLES[style](r)
    image, cats, series = _render(spec)
    chart = Chart("bar", "horizontal" if spec.horizontal else "vertical", None, None,
                  tuple(cats), series)
    gold = Layout(image.width, image.height, "chart", chart=chart)
    qi = r.randrange(len(cats))
    qk = r.randrange(len(cats[qi].bars))
    label = cats[qi].label
    question = (f"What is the value of {label}?" if not series
                else f"What is the share of {series[qk].label} in {label}?")
    row = {"question": question, "answer": f"{spec.values[qk][qi]:g}",
           "answer_bar_bbox": list(cats[qi].bars[qk] or ()), "variant": style}
    return DrawnChart(style, seed, image, gold, row)
