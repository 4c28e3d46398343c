"""The page colour of a classifier's copy, and the copy with grain and JPEG ringing taken
off the page (whitespace between panels blank again), for :mod:`classify`."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from refocus_dsl.detect._fills import PAGE_STEP
from refocus_dsl.detect._raster import U8, border_colour, colour_distance

BORDER_DEPTH = 3
"""Depth of the outer band the page colour is read from, in pixels of the reduced copy."""


def spread(rgb: U8, page: tuple[int, int, int]) -> float:
    """How far the image's border strays from the page colour (its grain), at the 75th
    percentile: a clean page is 0 however much drawing touches the border."""
    edge = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    return float(np.percentile(colour_distance(edge[None, :, :], page), 75))


def border_band(rgb: U8) -> U8:
    """The pixels of the image's outer band (BORDER_DEPTH deep, or a twentieth of its
    short side), as one row of colours."""
    d = max(1, min(max(BORDER_DEPTH, min(rgb.shape[:2]) // 20), min(rgb.shape[:2]) // 4))
    return np.concatenate([
        rgb[:d].reshape(-1, 3), rgb[-d:].reshape(-1, 3),
        rgb[:, :d].reshape(-1, 3), rgb[:, -d:].reshape(-1, 3),
    ])


def page(rgb: U8) -> tuple[int, int, int]:
    """The page colour: the commonest on the image's outer band, a few pixels deep, so
    a frame drawn along the edge (a pixel wide in the reduced copy) is not taken for it."""
    return border_colour(border_band(rgb)[None, :, :])


def clean_page(rgb: U8) -> U8:
    """``rgb`` with noise and JPEG ringing off the page, so whitespace between panels is
    blank again: a 3x3 mean (grain shrinks to a third; a median would cost ten times
    more), then every pixel within the page's own spread of the page colour (as the
    image's border shows it, never more than PAGE_STEP) set to that colour."""
    # The page from the unblurred border (a blur smears a frame that touches the
    # image's edge over the border ring); its median, so grain does not move it.
    r, g, b = (int(v) for v in np.median(border_band(rgb), axis=0))
    page = (r, g, b)
    soft = np.array(Image.fromarray(rgb).filter(ImageFilter.BoxBlur(1)).convert("RGB"))
    paint(soft, colour_distance(soft, page) <= min(PAGE_STEP, 2 * spread(soft, page) + 2),
           page)
    # The outermost ring unblurred (ink right at the edge stays), grain there taken off.
    for side in (np.s_[0], np.s_[-1], np.s_[:, 0], np.s_[:, -1]):
        line = rgb[side].copy()
        paint(line, colour_distance(line, page) <= 2 * PAGE_STEP, page)
        soft[side] = line
    return soft


def paint(rgb: U8, where: npt.NDArray[np.bool_], colour: tuple[int, int, int]) -> None:
    """Set the pixels of ``rgb`` ``where`` it is true to ``colour``, in place (a channel
    at a time: three times faster than assigning colours through a mask)."""
    for c in range(3):
        rgb[..., c][where] = colour[c]
