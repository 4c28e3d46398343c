"""Hostile images against layout detection: a clear error or a sane layout, never a
traceback."""

from __future__ import annotations

import numpy as np

from refocus_dsl.detect._bars import Rect
from refocus_dsl.detect._fills import refine_edges


def test_refine_edges_keeps_bars_thinner_than_its_reach_at_the_image_edge() -> None:
    # A bar 3 px wide at the left edge and one 2 px tall at the top: the window for
    # their far side would start before the image (pure noise charts made such fills).
    rgb = np.full((60, 60, 3), 255, np.uint8)
    rgb[10:50, 0:3] = (30, 90, 200)
    rgb[0:2, 20:40] = (200, 30, 30)
    bars = (Rect(0, 0, 10, 3, 50), Rect(1, 20, 0, 40, 2))
    out = refine_edges(rgb, bars)
    assert out == bars  # sharp edges: nothing to move, and no IndexError
