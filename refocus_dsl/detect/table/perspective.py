"""Perspective of a photographed ruled table: read from its four outer rules, then undone.

A table photographed at a slight angle is a quadrilateral: its outer rules are
straight lines, but no longer parallel (keystone) nor axis-parallel, so columns
and rows are not straight projections any more. A turn alone is the skew
step's (:mod:`.skew`); here each outer rule is fitted as a line of its own
(its dark pixels in long runs, nearest to that side), the four corners are
where they meet, and when the lines depart from a turned rectangle by more
than a rule's drift the image is warped so the corners make an axis-aligned
rectangle (Pillow's perspective transform). The structure is read on that
copy; boxes are mapped back by their corners (a box on the original is their
bounding box, as layout boxes are axis-aligned).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from refocus_dsl.detect._grid import RULE_DIFF
from refocus_dsl.detect._raster import long_runs
from refocus_dsl.detect._scale import map_layout_boxes
from refocus_dsl.layout import Box, Layout

B = npt.NDArray[np.bool_]
F = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
Point = tuple[float, float]

MIN_DEPARTURE_PX = 3.0
"""Perspective is undone only when the outer rules depart from a turned rectangle by at
least this much over the table: less leaves each rule drifting a pixel or two once the
turn is undone, which the structure bears (a 2 px rule still reads as at most 4 rows),
and is about what fitting a blurred rule's edge can be off by."""
_MAX_SLOPE = 0.12
"""Steepest outer rule looked for (a corner pulled in by a few percent, not a tilted page)."""
_SUPPORT = 0.6
"""Share of the table's side a fitted outer rule must be seen along."""


@dataclass(frozen=True)
class Quad:
    """The table's outer rules: top and bottom as y = a x + b, left and right as x = a y + b."""

    top: tuple[float, float]
    bottom: tuple[float, float]
    left: tuple[float, float]
    right: tuple[float, float]

    def corners(self) -> tuple[Point, Point, Point, Point]:
        """Top-left, top-right, bottom-right, bottom-left: where the lines meet."""
        return (
            _meet(self.top, self.left),
            _meet(self.top, self.right),
            _meet(self.bottom, self.right),
            _meet(self.bottom, self.left),
        )

    def departure(self) -> float:
        """How far (px over the table) the lines are from a turned rectangle's: top and
        bottom parallel, left and right parallel, each pair square to the other."""
        tl, tr, br, bl = self.corners()
        width = max(tr[0] - tl[0], br[0] - bl[0])
        height = max(bl[1] - tl[1], br[1] - tr[1])
        turn_h = (self.top[0] + self.bottom[0]) / 2
        turn_v = (self.left[0] + self.right[0]) / 2
        return max(
            abs(self.top[0] - self.bottom[0]) * width,
            abs(self.left[0] - self.right[0]) * height,
            abs(turn_h + turn_v) * max(width, height),
        )


def _meet(h: tuple[float, float], v: tuple[float, float]) -> Point:
    """Where y = h0 x + h1 meets x = v0 y + v1."""
    y = (h[0] * v[1] + h[1]) / (1.0 - h[0] * v[0])
    return v[0] * y + v[1], y


def _fit_edge(pos: F, along: F) -> tuple[float, float, float] | None:
    """A line pos = a * along + b through the points, robustly (points off the line by
    more than a rule's drift are dropped and the line refitted); with the share kept."""
    half = pos.size // 2
    if half < 10:
        return None
    # a first line that a few stray points cannot tilt: the median slope between
    # points half the side apart (Theil-Sen's idea), then least squares on the near ones
    a = float(
        np.median((pos[half : 2 * half] - pos[:half]) / (along[half : 2 * half] - along[:half]))
    )
    b = float(np.median(pos - a * along))
    keep = np.abs(pos - (a * along + b)) <= 8.0
    for tol in (4.0, 2.0):
        if keep.sum() < 10:
            return None
        a, b = (float(v) for v in np.polyfit(along[keep], pos[keep], 1))
        keep = np.abs(pos - (a * along + b)) <= tol
    if keep.sum() < 10 or abs(a) > _MAX_SLOPE:
        return None
    return a, b, float(keep.mean())


def _side(runs_mask: B, first: bool) -> tuple[float, float] | None:
    """The outer rule on the top (``first``) or bottom side of the long runs: per column,
    the first (last) run pixel, fitted as a line seen along most of the table's width."""
    cols = np.nonzero(runs_mask.any(axis=0))[0]
    if cols.size < 20:
        return None
    sub = runs_mask[:, cols]
    h = runs_mask.shape[0]
    ys = np.argmax(sub, axis=0) if first else h - 1 - np.argmax(sub[::-1], axis=0)
    fit = _fit_edge(ys.astype(np.float64), cols.astype(np.float64))
    if fit is None or fit[2] < _SUPPORT:
        return None
    return fit[0], fit[1]


def _thin_dark(grey: U8) -> B:
    """Pixels darker by a rule's contrast than the lightest within ``_REACH`` rows above
    and below: thin dark lines across (rules, strokes), not shading nor light falling off."""
    g = grey.astype(np.int16)
    light = g.copy()
    for d in range(1, _REACH + 1):
        np.maximum(light[d:], g[:-d], out=light[d:])
        np.maximum(light[:-d], g[d:], out=light[:-d])
    out: B = g <= light - RULE_DIFF
    return out


_REACH = 6
"""Rows either side a rule's lighter surroundings are looked for in (past a blurred rule)."""


def outer_rules(grey: U8) -> Quad | None:
    """The four outer rules of a ruled table in ``grey``, or None when any of them is not
    a line seen along most of its side. Big images are read reduced (the lines' fit over
    hundreds of points needs no more than ``_FIT_SIDE`` pixels a side)."""
    k = -(-max(grey.shape) // _FIT_SIDE)
    if k > 1:
        small = np.asarray(Image.fromarray(grey, "L").reduce(k), dtype=np.uint8)
        quad = _outer_rules(small)
        if quad is None:
            return None
        return Quad(*((a, b * k) for a, b in (quad.top, quad.bottom, quad.left, quad.right)))
    return _outer_rules(grey)


_FIT_SIDE = 800
"""Longest side the outer rules are looked for on (bigger images are reduced to it)."""


def _outer_rules(grey: U8) -> Quad | None:
    h, w = grey.shape
    length = max(15, min(h, w) // 20)
    h_runs = long_runs(_thin_dark(grey), length, 1)
    v_runs = long_runs(_thin_dark(np.ascontiguousarray(grey.T)), length, 1)
    top, bottom = _side(h_runs, True), _side(h_runs, False)
    left, right = _side(v_runs, True), _side(v_runs, False)
    if top is None or bottom is None or left is None or right is None:
        return None
    quad = Quad(top, bottom, left, right)
    tl, tr, br, bl = quad.corners()
    if min(tr[0] - tl[0], br[0] - bl[0], bl[1] - tl[1], br[1] - tr[1]) < 2 * length:
        return None
    return quad


def _homography(src: list[Point], dst: list[Point]) -> F:
    """The 3x3 projective map taking each point of ``src`` to the same point of ``dst``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y])
        rows.append([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y])
        rhs.extend([u, v])
    p = np.linalg.solve(np.asarray(rows), np.asarray(rhs))
    out: F = np.append(p, 1.0).reshape(3, 3)
    return out


@dataclass(frozen=True)
class Rectified:
    """The straightened copy and the map from its pixels back to the original's."""

    grey: U8
    back: F
    """Homography from the rectified copy's coordinates to the original's."""
    departure: float


def rectify(grey: U8, page: int) -> Rectified | None:
    """``grey`` warped so the table's outer rules make an axis-aligned rectangle, or None
    when there are no four outer rules or they already do (a straight or only turned
    table takes the usual path)."""
    quad = outer_rules(grey)
    if quad is None:
        return None
    departure = quad.departure()
    if departure < MIN_DEPARTURE_PX:
        return None
    tl, tr, br, bl = quad.corners()
    x1, x2 = (tl[0] + bl[0]) / 2, (tr[0] + br[0]) / 2
    y1, y2 = (tl[1] + tr[1]) / 2, (bl[1] + br[1]) / 2
    rect = [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]
    back = _homography(rect, [tl, tr, br, bl])
    h, w = grey.shape
    coeffs = tuple(float(c) for c in (back / back[2, 2]).flatten()[:8])
    img = Image.fromarray(grey, "L").transform(
        (w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=page
    )
    out: U8 = np.asarray(img, dtype=np.uint8)
    return Rectified(out, back, departure)


def unwarp_layout(layout: Layout, back: F) -> Layout:
    """Boxes found on the rectified copy, as the bounding boxes of their corners mapped
    back onto the original image."""
    w, h = layout.width, layout.height

    def move(box: Box) -> Box:
        pts = np.array(
            [
                [box[0], box[1], 1.0],
                [box[2], box[1], 1.0],
                [box[2], box[3], 1.0],
                [box[0], box[3], 1.0],
            ]
        )
        m = pts @ back.T
        xs, ys = m[:, 0] / m[:, 2], m[:, 1] / m[:, 2]
        x1, y1 = max(0, int(np.floor(xs.min()))), max(0, int(np.floor(ys.min())))
        x2, y2 = min(w, int(np.ceil(xs.max()))), min(h, int(np.ceil(ys.max())))
        return (x1, y1, max(x1, x2), max(y1, y2))

    return map_layout_boxes(layout, move)
