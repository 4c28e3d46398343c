"""Hostile images against layout detection: a clear error or a sane layout, never a
traceback."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from refocus_dsl.detect import detect_layout, figure
from refocus_dsl.detect._bars import Orientation, Rect, _with_stacked, cross_span, value_span
from refocus_dsl.detect._fills import refine_edges
from refocus_dsl.detect._raster import _merge_near
from refocus_dsl.layout import Box


def test_refine_edges_keeps_bars_thinner_than_its_reach_at_the_image_edge() -> None:
    # A bar 3 px wide at the left edge and one 2 px tall at the top: the window for
    # their far side would start before the image (pure noise charts made such fills).
    rgb = np.full((60, 60, 3), 255, np.uint8)
    rgb[10:50, 0:3] = (30, 90, 200)
    rgb[0:2, 20:40] = (200, 30, 30)
    bars = (Rect(0, 0, 10, 3, 50), Rect(1, 20, 0, 40, 2))
    out = refine_edges(rgb, bars)
    assert out == bars  # sharp edges: nothing to move, and no IndexError


def _stacked_pairwise(on: list[Rect], cands: list[Rect], o: Orientation) -> list[Rect]:
    """The stacking rule checked pair by pair, as its definition reads."""
    accepted, frontier = list(on), list(on)
    rest = [r for r in cands if all(r is not q for q in on)]
    while frontier and rest:
        nxt = []
        for r in rest:
            rc, rv = cross_span(r, o), value_span(r, o)
            for f in frontier:
                fc, fv = cross_span(f, o), value_span(f, o)
                if abs(rc[0] - fc[0]) <= 3 and abs(rc[1] - fc[1]) <= 3 and (
                    abs(rv[0] - fv[1]) <= 3 or abs(rv[1] - fv[0]) <= 3
                ):
                    nxt.append(r)
                    break
        rest = [r for r in rest if all(r is not q for q in nxt)]
        accepted.extend(nxt)
        frontier = nxt
    return accepted


@pytest.mark.parametrize("o", ["vertical", "horizontal"])
def test_stacked_segments_are_those_the_pairwise_rule_finds(o: Orientation) -> None:
    # Many small fills near each other (a photo-like image or thousands of thin bars):
    # the indexed search must accept exactly the pieces the pairwise rule accepts.
    rng = np.random.default_rng(7)
    cands = []
    for _ in range(600):
        c1, v1 = int(rng.integers(0, 300)), int(rng.integers(0, 300))
        c2, v2 = c1 + int(rng.integers(3, 12)), v1 + int(rng.integers(1, 12))
        cands.append(Rect(0, c1, v1, c2, v2) if o == "vertical" else Rect(0, v1, c1, v2, c2))
    on = [r for r in cands if value_span(r, o)[0] < 30]
    got = _with_stacked(on, cands, o)
    want = _stacked_pairwise(on, cands, o)
    assert [id(r) for r in got] == [id(r) for r in want]
    assert len(got) > len(on)  # the case does exercise stacking


def test_palette_merges_near_colours_like_the_pairwise_rule() -> None:
    # Thousands of colours (a photo-like gradient): the merge keeps, fullest first, each
    # colour farther than the tolerance from every colour kept before it.
    rng = np.random.default_rng(3)
    colours = rng.uniform(0, 255, (1500, 3))
    counts = rng.integers(1, 1000, 1500).astype(np.int64)
    hist = np.zeros(32**3, dtype=np.int64)
    lut = np.full(32**3, -1, dtype=np.int32)
    _, new_of = _merge_near(hist, lut, colours, counts, 20.0)
    kept: list[int] = []
    want = np.full(1500, -1)
    for i in np.argsort(-counts, kind="stable").tolist():
        near = [k for k, j in enumerate(kept) if np.abs(colours[i] - colours[j]).max() <= 20.0]
        want[i] = near[0] if near else len(kept)
        if not near:
            kept.append(i)
    assert new_of.tolist() == want.tolist()
    assert 1 < len(kept) < 1500


def test_figure_cuts_measure_a_box_colour_once_however_many_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A strip of full-height bars pasted edge to edge: every bar side is a colour step
    # across the box. The box's own colour is measured once per box, not once per step
    # (hundreds of steps in a 60000x600 strip took half a minute).
    a = np.full((160, 1240, 3), 255, np.uint8)
    for i, x in enumerate(range(20, 1220, 12)):
        a[20:140, x : x + 6] = (40, 90, 200) if i % 2 else (200, 60, 40)
    calls = {"edges": 0, "off": 0}
    edges, off_main = figure._Cutter._edges, figure._Cutter._off_main

    def count_edges(self: figure._Cutter, box: Box, axis: int) -> list[int]:
        calls["edges"] += 1
        return edges(self, box, axis)

    def count_off(lines: npt.NDArray[np.int16]) -> npt.NDArray[np.bool_]:
        calls["off"] += 1
        return off_main(lines)

    monkeypatch.setattr(figure._Cutter, "_edges", count_edges)
    monkeypatch.setattr(figure._Cutter, "_off_main", staticmethod(count_off))
    panels = figure.find_panels(Image.fromarray(a))
    assert panels.boxes == ((20, 20, 1214, 140),)  # one drawing, not 200 panels
    assert 0 < calls["off"] <= calls["edges"]


@pytest.mark.parametrize(
    ("image", "said"),
    [(None, "not NoneType"), (123, "not int"), (np.zeros((40, 40, 3), np.uint8), "fromarray")],
)
def test_detect_layout_names_what_it_takes_when_given_something_else(
    image: object, said: str
) -> None:
    with pytest.raises(TypeError, match="takes a PIL image, a file path") as info:
        detect_layout(image, cache=False)  # type: ignore[arg-type]
    assert said in str(info.value)
