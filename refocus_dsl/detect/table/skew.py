"""Skew of a scanned table: estimated from its rules and text baselines, then undone.

A table's rules and text lines are horizontal; on a page scanned slightly
turned they are not, and a 1-2 px rule drifting a few pixels over the table's
width is no longer one solid line (nor is a row boundary one white gap). The
angle is the one at which the rows' ink profile is sharpest: projected along
the true direction, rules and baselines pile up in few rows, so the sum of the
squared row counts peaks there (the classic projection-profile estimate;
it resolves about one pixel of drift over the ink's width, all that matters). The
image is turned back before the analysis and the layout's boxes turned with it
at the end, each box moved with its centre (the angles are small, so boxes keep
their size).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from PIL import Image

from refocus_dsl.detect._scale import map_layout_boxes
from refocus_dsl.layout import Box, Layout

B = npt.NDArray[np.bool_]

MAX_SKEW_DEG = 2.0
"""Largest skew looked for: a scanner's or a phone's slight turn, not a rotated page."""
MIN_DRIFT_PX = 1.0
"""Skew is undone only when a line drifts at least this much over the ink's width."""
_MAX_SAMPLES = 60_000
"""Ink pixels the estimate uses at most (an even sample of them: the angle needs no more)."""


def _sharpness(ys: npt.NDArray[np.float64], xs: npt.NDArray[np.float64], slope: float) -> float:
    rows = np.round(ys + xs * slope).astype(np.int64)
    rows -= rows.min()
    counts = np.bincount(rows).astype(np.float64)
    return float((counts * counts).sum())


def skew_angle(ink: B) -> float:
    """The angle (degrees, counter-clockwise as :meth:`PIL.Image.Image.rotate` turns) by
    which the table's horizontal lines are turned; 0.0 when too little ink tells."""
    ys, xs = np.nonzero(ink)
    if ys.size < 200:
        return 0.0
    if ys.size > _MAX_SAMPLES:
        step = int(math.ceil(ys.size / _MAX_SAMPLES))
        ys, xs = ys[::step], xs[::step]
    yf, xf = ys.astype(np.float64), xs.astype(np.float64) - float(xs.mean())
    best, best_deg = -1.0, 0.0
    for step_deg, around in ((0.25, 0.0), (0.05, None)):
        centre = best_deg if around is None else around
        lo = -MAX_SKEW_DEG if around is not None else centre - 0.25
        hi = MAX_SKEW_DEG if around is not None else centre + 0.25
        for deg in np.arange(lo, hi + 1e-9, step_deg):
            s = _sharpness(yf, xf, math.tan(math.radians(float(deg))))
            if s > best * (1 + 1e-9):
                best, best_deg = s, float(deg)
    width = float(xs.max() - xs.min() + 1)
    if abs(math.tan(math.radians(best_deg))) * width < MIN_DRIFT_PX:
        return 0.0
    return round(best_deg, 2)


def straighten(grey: npt.NDArray[np.uint8], angle: float, fill: int) -> npt.NDArray[np.uint8]:
    """``grey`` turned back by ``angle`` degrees (same size, corners filled with ``fill``)."""
    img = Image.fromarray(grey, "L").rotate(
        -angle, resample=Image.Resampling.BICUBIC, fillcolor=fill
    )
    out: npt.NDArray[np.uint8] = np.asarray(img, dtype=np.uint8)
    return out


def turn_layout(layout: Layout, angle: float) -> Layout:
    """Boxes found on the straightened image, moved back onto the turned original."""
    cx, cy = layout.width / 2, layout.height / 2
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def move(box: Box) -> Box:
        mx, my = (box[0] + box[2]) / 2 - cx, (box[1] + box[3]) / 2 - cy
        dx, dy = c * mx + s * my - mx, -s * mx + c * my - my
        x1, y1 = max(0, round(box[0] + dx)), max(0, round(box[1] + dy))
        x2, y2 = min(layout.width, round(box[2] + dx)), min(layout.height, round(box[3] + dy))
        return (x1, y1, max(x1, x2), max(y1, y2))

    return map_layout_boxes(layout, move)
