"""Interpreter properties on random images and region targets (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from refocus_dsl.lang.pipeline import run

SETTINGS = settings(max_examples=80, deadline=None)


@st.composite
def images(draw: st.DrawFn) -> Image.Image:
    mode = draw(st.sampled_from(("RGB", "RGBA", "L", "LA")))
    w, h = draw(st.integers(2, 48)), draw(st.integers(2, 48))
    arr = np.random.default_rng(draw(st.integers(0, 2**31))).integers(
        0, 256, (h, w, len(mode)), dtype=np.uint8
    )
    return Image.fromarray(arr[:, :, 0] if mode == "L" else arr, mode)


@st.composite
def regions(draw: st.DrawFn) -> str:
    """region(...) text with fractions on a 1/20 grid (exact in binary and in text)."""
    x1, x2 = sorted(draw(st.lists(st.integers(0, 20), min_size=2, max_size=2, unique=True)))
    y1, y2 = sorted(draw(st.lists(st.integers(0, 20), min_size=2, max_size=2, unique=True)))
    return f"region({x1 / 20}, {y1 / 20}, {x2 / 20}, {y2 / 20})"


edits = st.sampled_from(
    [
        "mask({t})",
        'mask({t}, fill="#10203040")',
        "keep_only({t})",
        'highlight({t}, color="red", alpha=0.5)',
        "dim({t}, amount=0.25)",
    ]
)


@SETTINGS
@given(img=images(), edit=edits, target=regions(), crop=regions())
def test_edits_commute_with_a_later_crop(img: Image.Image, edit: str, target: str,
                                          crop: str) -> None:
    """Editing then cropping equals cropping then editing: boxes follow the crop exactly."""
    statement = edit.format(t=target)
    before = run(f"{statement}\ncrop({crop}, margin=0)", img, None)
    after = run(f"crop({crop}, margin=0)\n{statement}", img, None)
    assert before.image.size == after.image.size
    assert before.image.mode == after.image.mode == img.mode
    assert before.image.tobytes() == after.image.tobytes()


@SETTINGS
@given(img=images(), a=regions(), b=regions())
def test_masks_of_the_same_fill_commute_and_are_idempotent(
    img: Image.Image, a: str, b: str
) -> None:
    ab = run(f"mask({a})\nmask({b})", img, None).image.tobytes()
    assert ab == run(f"mask({b})\nmask({a})", img, None).image.tobytes()
    assert ab == run(f"mask({a})\nmask({b})\nmask({a})", img, None).image.tobytes()


@settings(max_examples=20, deadline=None)
@given(img=images(), program=st.lists(st.tuples(edits, regions()), min_size=1, max_size=4))
def test_same_program_same_bytes_and_input_untouched(
    img: Image.Image, program: list[tuple[str, str]]
) -> None:
    text = "\n".join(e.format(t=t) for e, t in program)
    original = img.tobytes()
    first = run(text, img, None)
    second = run(text, img.copy(), None)
    assert img.tobytes() == original
    assert first.image.tobytes() == second.image.tobytes()
    assert (first.image.size, first.image.mode) == (img.size, img.mode)
    assert len(first.trace) == len(program)


finite = st.floats(-500, 500, allow_nan=False)
scales = st.floats(0.25, 4, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(ox1=finite, oy1=finite, s1=scales, ox2=finite, oy2=finite, s2=scales, x=finite, y=finite)
def test_composed_transforms_map_like_the_two_in_turn(
    ox1: float, oy1: float, s1: float, ox2: float, oy2: float, s2: float, x: float, y: float
) -> None:
    from refocus_dsl.plugin import Transform

    first = Transform(ox1, oy1, s1, s1 * 0.5)
    second = Transform(ox2, oy2, s2, s2)
    both = first.then(second)
    bx, by = both.map_point(x, y)
    ex, ey = second.map_point(*first.map_point(x, y))
    assert abs(bx - ex) <= 1e-6 * max(1.0, abs(ex)) and abs(by - ey) <= 1e-6 * max(1.0, abs(ey))
    assert Transform().then(first) == first and first.then(Transform()) == first
