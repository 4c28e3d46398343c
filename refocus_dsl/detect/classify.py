"""``kind="auto"``: table, bar chart or multi-panel figure, from numpy features alone (no OCR).

Why these features: a bar chart's bars stand on one baseline and differ in
length, while the fills a table has (zebra stripes, header bands, shaded cells)
line up but are all one length; a figure is two or more panel-sized pieces
separated by page-coloured gaps, and a single chart that whitespace happens to
cut (bars on the page colour) is recognised because its bars keep their regular
spacing across the cut, which separate panels never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from refocus_dsl.detect._bars import Bars, Group, group_bars
from refocus_dsl.detect._raster import to_rgb_array
from refocus_dsl.detect.chart import _find_bars
from refocus_dsl.detect.figure import find_panels
from refocus_dsl.layout import Box

Kind = Literal["table", "chart", "figure"]


@dataclass(frozen=True)
class Features:
    """What the decision looked at (kept for tests and for explaining a decision)."""

    n_bars: int
    bar_score: float
    length_spread: float  # coefficient of variation of bar lengths
    distinct_lengths: bool  # bar lengths differ by more than a few pixels
    bar_cover: float  # share of the image inside bars
    n_panels: int
    panel_cover: float  # share of the image inside panel boxes
    panel_balance: float  # smallest panel area over the largest
    bars_cross_panels: bool


def _lengths(bars: Bars) -> list[int]:
    if bars.orientation == "vertical":
        return [r.y2 - r.y1 for r in bars.bars]
    return [r.x2 - r.x1 for r in bars.bars]


def _crosses(groups: list[Group], panels: tuple[Box, ...], vertical: bool) -> bool:
    """Whether one regularly spaced run of bars continues from one panel into another."""
    if len(groups) < 3 or len(panels) < 2:
        return False
    centres = [g.centre for g in groups]
    steps = np.diff(centres)
    step = float(np.median(steps))

    def panel_of(g: Group) -> int:
        x1, y1, x2, y2 = g.box()
        cx, cy = (x1 + x2) / 2.0, (y1 + y2) / 2.0
        for i, b in enumerate(panels):
            if b[0] <= cx < b[2] and b[1] <= cy < b[3]:
                return i
        return -1

    owner = [panel_of(g) for g in groups]
    for i in range(len(groups) - 1):
        if owner[i] != owner[i + 1] and steps[i] <= 1.5 * step:
            return True
    del vertical
    return False


def features(image: Image.Image) -> Features:
    rgb = to_rgb_array(image)
    h, w = rgb.shape[:2]
    bars, _ = _find_bars(rgb)
    lengths = _lengths(bars)
    spread = float(np.std(lengths) / max(float(np.mean(lengths)), 1.0)) if lengths else 0.0
    panels = find_panels(image, edges=False)
    big = tuple(b for b in panels.boxes if (b[2] - b[0]) * (b[3] - b[1]) >= 0.05 * w * h)
    cover = sum((b[2] - b[0]) * (b[3] - b[1]) for b in big) / float(w * h)
    groups = group_bars(bars) if bars.bars else []
    crosses = _crosses(groups, big, bars.orientation == "vertical")
    areas = [(b[2] - b[0]) * (b[3] - b[1]) for b in big]
    balance = min(areas) / max(areas) if areas else 0.0
    distinct = bool(lengths) and max(lengths) - min(lengths) > 3
    bar_cover = sum(r.area for r in bars.bars) / float(w * h)
    return Features(
        len(bars.bars), bars.score, spread, distinct, bar_cover, len(big), cover, balance, crosses
    )


def decide(f: Features) -> Kind:
    """The kind for a feature set (separate from :func:`features` so tests can pin it)."""
    if (
        f.n_panels >= 2
        and f.panel_cover >= 0.45
        and f.panel_balance >= 0.3
        and not f.bars_cross_panels
    ):
        return "figure"
    # Table fills (stripes, header bands) line up too, but all have one length.
    if f.n_bars >= 2 and f.distinct_lengths and f.bar_cover >= 0.01:
        return "chart"
    return "table"


def classify_kind(image: Image.Image) -> Kind:
    """Table, chart or figure for ``image`` (RGB, RGBA or L), with no OCR."""
    return decide(features(image))
