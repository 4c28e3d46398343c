"""Reading text on small, soft tables: rules cut back to their core, so the text set
tight beside them is not wiped with them."""

from __future__ import annotations

import numpy as np

from refocus_dsl.detect._grid import Rule
from refocus_dsl.detect.table.structure import _thin_rule
from refocus_dsl.detect.table.text import clean_text_image, rule_core


def _band(rows: list[int], width: int = 300) -> np.ndarray:
    """A grey page (230) with the given grey for each row from y=10 on."""
    a = np.full((10 + len(rows) + 10, width), 230, np.uint8)
    for i, v in enumerate(rows):
        a[10 + i, 5 : width - 5] = v
    return a


def test_a_text_line_merged_into_a_rule_is_cut_off() -> None:
    # four rows of dense text (contrast 80), a light valley, then a dark rule
    grey = _band([150, 150, 150, 150, 228, 228, 40, 40])
    thin = _thin_rule(grey, Rule(10, 8, (5, 295)))
    assert thin.pos >= 14 and thin.end == 18  # the valley row at most, and the rule


def test_a_soft_rule_keeps_its_halo() -> None:
    # a blurred/JPEG'd rule: its halo fades on both sides and never darkens again
    grey = _band([215, 200, 40, 40, 190, 210])
    rule = Rule(10, 6, (5, 295))
    assert _thin_rule(grey, rule) == rule


def test_text_stage_wipes_a_soft_rule_at_its_core_only() -> None:
    # contrast by row: the rule's halo (10, 35), its core, its halo (40, 20), and a
    # descender (90) reaching into the first halo row
    diff = np.zeros((20, 100), np.int16)
    for y, v in zip(range(8, 14), (10, 35, 160, 170, 40, 20), strict=True):
        diff[y, 5:95] = v
    diff[8, 20:24] = 90
    assert rule_core(diff, Rule(8, 6, (5, 95))) == Rule(10, 2, (5, 95))
    grey = (230 - diff).astype(np.uint8)
    out = clean_text_image(grey, np.full(20, 230.0), [Rule(8, 6, (5, 95))], [])
    assert out[8, 21] < 200  # the descender is kept (wiping the rule as found took it)
    assert out[8, 50] == 255 and (out[10:12, 5:95] == 255).all()
