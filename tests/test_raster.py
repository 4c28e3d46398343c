"""The raster helpers every detector shares: runs, page grey, grain, Otsu's level."""

from __future__ import annotations

import numpy as np

from refocus_dsl.detect._raster import border_grey, commonest_grey, noise_sigma, otsu_level, runs


def test_runs_are_half_open_spans_of_true() -> None:
    flags = np.array([0, 1, 1, 0, 0, 1, 0, 1, 1, 1], dtype=bool)
    assert runs(flags) == [(1, 3), (5, 6), (7, 10)]
    assert runs(np.zeros(4, dtype=bool)) == []
    assert runs(np.zeros(0, dtype=bool)) == []


def test_page_grey_is_the_commonest_value_on_the_border() -> None:
    grey = np.full((20, 30), 240, dtype=np.uint8)
    grey[5:15, 5:25] = 10  # a dark block inside does not count
    grey[0, :3] = 0
    assert border_grey(grey) == 240
    assert commonest_grey(np.array([3, 3, 7, 300, -5])) == 3


def test_noise_sigma_reads_the_grain_of_the_page() -> None:
    rng = np.random.default_rng(1)
    clean = np.full((120, 160), 230, dtype=np.int16)
    assert noise_sigma(clean, 230) == 0.0
    for sigma in (3.0, 8.0):
        noisy = np.clip(clean + rng.normal(0, sigma, clean.shape), 0, 255).astype(np.uint8)
        assert abs(noise_sigma(noisy, 230) - sigma) <= 0.3 * sigma


def test_otsu_level_splits_two_populations() -> None:
    rng = np.random.default_rng(2)
    faint = rng.normal(30, 5, 4000)
    strong = rng.normal(120, 10, 1000)
    level = otsu_level(np.clip(np.concatenate([faint, strong]), 0, 255).astype(np.int64))
    assert 45 <= level <= 95
