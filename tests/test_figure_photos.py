"""Grids of micrographs a pixel or two apart: each picture is a panel.

A narrow white gap between two pictures looks, pixel by pixel, like a white gridline
over a tinted plot (fills on both sides, the line lighter than both), but the pictures
either side are unrelated: their colours neither face each other across the gap nor
come in flat cells.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter

from refocus_dsl.detect.figure import find_panels
from refocus_dsl.scoring.common import iou

TINTS = ((0.2, 1.0, 0.3), (1.0, 0.2, 0.3), (0.55, 0.3, 0.6), (1.0, 1.0, 1.0))


def _micrograph(size: int, seed: int) -> Image.Image:
    """Blurred blobs over grain: a fluorescence (dark field) or bright-field picture."""
    g = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    blobs = np.zeros((size, size), np.float32)
    for _ in range(int(g.integers(8, 30))):
        cy, cx, r = g.uniform(0, size), g.uniform(0, size), g.uniform(4, 16)
        blobs += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (r * r))
    noise = Image.fromarray(g.integers(0, 256, (size, size), dtype=np.uint8))
    grain = np.asarray(noise.filter(ImageFilter.GaussianBlur(float(g.uniform(0.8, 1.6)))),
                       np.float32) / 255.0
    lum = np.clip(0.85 * np.clip(blobs, 0, 1) + 0.3 * (grain - 0.5) + 0.15, 0, 1)
    if seed % 2:
        lum = 1.0 - 0.6 * lum  # bright field: dark stain on a light ground
    tint = np.asarray(TINTS[seed % len(TINTS)], np.float32)
    return Image.fromarray((lum[:, :, None] * tint * 255).astype(np.uint8))


@pytest.mark.parametrize("gap", [1, 2, 3])
@pytest.mark.parametrize(("rows", "cols"), [(2, 3), (3, 3)])
def test_micrographs_a_few_pixels_apart_are_each_a_panel(gap: int, rows: int, cols: int) -> None:
    size, margin = 150, 10
    page = Image.new("RGB", (2 * margin + cols * size + (cols - 1) * gap,
                             2 * margin + rows * size + (rows - 1) * gap), "white")
    gold = []
    for r in range(rows):
        for c in range(cols):
            x, y = margin + c * (size + gap), margin + r * (size + gap)
            page.paste(_micrograph(size, 7 * r + c + gap), (x, y))
            gold.append((x, y, x + size, y + size))
    found = find_panels(page).boxes
    assert len(found) == len(gold), found
    for got, want in zip(found, gold, strict=True):
        assert iou(got, want) >= 0.9, (got, want)
