"""The edit semantics of DESIGN.md, pixel for pixel, against straightforward references.

Each built-in tool is taken from the registry (so it is exercised as loaded
through its entry point) and applied to random images (sizes 1..64, modes
RGB/RGBA/L/LA) and random target boxes; a numpy reference written from the
spec, independently of the tools' Pillow code, must give the same bytes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from refocus_dsl.colors import COLOR_NAMES
from refocus_dsl.layout import Box
from refocus_dsl.plugin import EditContext, TargetSet, ToolSpec
from refocus_dsl.registry import default_registry

MODES = ("RGB", "RGBA", "L", "LA")
SETTINGS = settings(max_examples=150, deadline=None)

Rgba = tuple[int, int, int, int]


def tool(name: str) -> ToolSpec:
    spec = default_registry().get(name)
    assert spec is not None, f"built-in tool {name} is not registered"
    return spec


# ---------------------------------------------------------------- strategies


@st.composite
def images(draw: st.DrawFn) -> Image.Image:
    mode = draw(st.sampled_from(MODES))
    w = draw(st.integers(1, 64))
    h = draw(st.integers(1, 64))
    seed = draw(st.integers(0, 2**32 - 1))
    arr = np.random.default_rng(seed).integers(0, 256, (h, w, len(mode)), dtype=np.uint8)
    return Image.fromarray(arr[:, :, 0] if mode == "L" else arr, mode)


@st.composite
def box_in(draw: st.DrawFn, w: int, h: int) -> Box:
    x1 = draw(st.integers(0, w - 1))
    y1 = draw(st.integers(0, h - 1))
    return (x1, y1, draw(st.integers(x1 + 1, w)), draw(st.integers(y1 + 1, h)))


def boxes_in(w: int, h: int, max_size: int = 5, min_size: int = 0) -> st.SearchStrategy[list[Box]]:
    return st.lists(box_in(w, h), min_size=min_size, max_size=max_size)


def some_of(draw: st.DrawFn, items: list[Box]) -> list[Box]:
    picks = draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items)))
    return [b for b, keep in zip(items, picks, strict=True) if keep]


colors = st.one_of(
    st.sampled_from(sorted(COLOR_NAMES)).map(lambda n: (*COLOR_NAMES[n], 255)),
    st.tuples(*[st.integers(0, 255)] * 4),
)


# ---------------------------------------------------------------- references


def arr(img: Image.Image) -> np.ndarray[Any, Any]:
    a = np.asarray(img)
    return a[:, :, None] if a.ndim == 2 else a


def grey(color: Rgba) -> int:
    """Luminance as Pillow's own RGB -> L conversion gives it (independent of the tools)."""
    return int(Image.new("RGB", (1, 1), color[:3]).convert("L").getpixel((0, 0)))  # type: ignore[arg-type]


def pixel(color: Rgba, mode: str) -> list[int]:
    return {
        "RGB": list(color[:3]),
        "RGBA": list(color),
        "L": [grey(color)],
        "LA": [grey(color), color[3]],
    }[mode]


def colour_channels(color: Rgba, mode: str) -> list[int]:
    return list(color[:3]) if mode in ("RGB", "RGBA") else [grey(color)]


def union(shape: tuple[int, int], boxes: list[Box]) -> np.ndarray[Any, Any]:
    m = np.zeros(shape, dtype=bool)
    for x1, y1, x2, y2 in boxes:
        m[max(0, y1) : max(0, y2), max(0, x1) : max(0, x2)] = True
    return m


def ref_fill(img: Image.Image, where: np.ndarray[Any, Any], color: Rgba) -> np.ndarray[Any, Any]:
    out = arr(img).copy()
    out[where] = pixel(color, img.mode)
    return out


def ref_blend(
    img: Image.Image, where: np.ndarray[Any, Any], color: Rgba, a: float
) -> np.ndarray[Any, Any]:
    out = arr(img).copy()
    cs = colour_channels(color, img.mode)
    for ch, c in enumerate(cs):
        plane = out[:, :, ch]
        blended = np.rint((1.0 - a) * plane.astype(np.float64) + a * c).astype(np.uint8)
        plane[where] = blended[where]
    return out


def ref_keep_region(shape: tuple[int, int], t: TargetSet) -> np.ndarray[Any, Any]:
    h, w = shape
    extent = union(shape, [t.extent]) if t.extent is not None else np.ones(shape, dtype=bool)
    if t.siblings:
        others = union(shape, [s for s in t.siblings if s not in t.boxes])
    else:
        others = np.ones(shape, dtype=bool)
    keep = union(shape, list(t.boxes)) | union(shape, list(t.protected))
    return extent & others & ~keep


def apply(name: str, img: Image.Image, targets: TargetSet, **params: Any) -> Image.Image:
    spec = tool(name)
    full = {p.name: p.default for p in spec.params}
    full.update(params)
    for p in spec.params:
        if p.type == "color" and isinstance(full[p.name], str):
            from refocus_dsl.colors import parse_color

            full[p.name] = parse_color(full[p.name])
    canvas = img.copy()
    ctx = EditContext(canvas=canvas, targets=targets, params=full)
    out = spec.apply(ctx)
    return canvas if out is None else out


def same(img: Image.Image, expected: np.ndarray[Any, Any]) -> None:
    got = arr(img)
    assert got.shape == expected.shape
    bad = np.argwhere(got != expected)
    assert bad.size == 0, f"{len(bad)} values differ, first at (y, x, ch) = {tuple(bad[0])}"


# ---------------------------------------------------------------- tools


@SETTINGS
@given(data=st.data(), img=images(), color=colors)
def test_mask_fills_exactly_the_target(data: st.DataObject, img: Image.Image, color: Rgba) -> None:
    boxes = data.draw(boxes_in(*img.size))
    out = apply("mask", img, TargetSet("region", tuple(boxes)), fill=color)
    assert (out.size, out.mode) == (img.size, img.mode)
    same(out, ref_fill(img, union(arr(img).shape[:2], boxes), color))


@SETTINGS
@given(data=st.data(), img=images(), color=colors, alpha=st.floats(0, 1))
def test_highlight_blends_the_union_once(
    data: st.DataObject, img: Image.Image, color: Rgba, alpha: float
) -> None:
    boxes = data.draw(boxes_in(*img.size))
    out = apply("highlight", img, TargetSet("cells", tuple(boxes)), color=color, alpha=alpha)
    a = alpha * color[3] / 255.0
    assert (out.size, out.mode) == (img.size, img.mode)
    same(out, ref_blend(img, union(arr(img).shape[:2], boxes), color, a))


def test_highlight_overlap_is_blended_once_not_twice() -> None:
    img = Image.new("RGB", (10, 10), (0, 0, 0))
    out = apply("highlight", img, TargetSet("cells", ((0, 0, 6, 6), (3, 3, 10, 10))),
                color=(255, 0, 0, 255), alpha=0.5)
    assert out.getpixel((4, 4)) == out.getpixel((1, 1)) == (round(0.5 * 255), 0, 0)
    assert out.getpixel((8, 1)) == (0, 0, 0)


@SETTINGS
@given(data=st.data(), img=images(), color=colors, width=st.integers(1, 50))
def test_draw_box_changes_only_the_ring_inside_each_box(
    data: st.DataObject, img: Image.Image, color: Rgba, width: int
) -> None:
    boxes = data.draw(boxes_in(*img.size))
    out = apply("draw_box", img, TargetSet("rows", tuple(boxes)), color=color, width=width)
    h, w = arr(img).shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    ring = np.zeros((h, w), dtype=bool)
    for x1, y1, x2, y2 in boxes:
        inside = (xs >= x1) & (xs < x2) & (ys >= y1) & (ys < y2)
        depth = np.minimum.reduce([xs - x1, x2 - 1 - xs, ys - y1, y2 - 1 - ys])
        ring |= inside & (depth < width)
    assert (out.size, out.mode) == (img.size, img.mode)
    same(out, ref_fill(img, ring, color))


@st.composite
def group_targets(draw: st.DrawFn, w: int, h: int) -> TargetSet:
    siblings = draw(boxes_in(w, h, 6))
    named = some_of(draw, siblings) if siblings else draw(boxes_in(w, h, 2))
    protected = draw(boxes_in(w, h, 2))
    extent = draw(st.none() | box_in(w, h))
    return TargetSet("columns", tuple(named), (), tuple(siblings), tuple(protected), extent)


@SETTINGS
@given(data=st.data(), img=images(), color=colors)
def test_keep_only_masks_unnamed_siblings_within_the_extent(
    data: st.DataObject, img: Image.Image, color: Rgba
) -> None:
    t = data.draw(group_targets(*img.size))
    out = apply("keep_only", img, t, fill=color)
    shape = arr(img).shape[:2]
    assert (out.size, out.mode) == (img.size, img.mode)
    same(out, ref_fill(img, ref_keep_region(shape, t), color))
    untouched = union(shape, list(t.boxes) + list(t.protected))
    assert np.array_equal(arr(out)[untouched], arr(img)[untouched])


@SETTINGS
@given(data=st.data(), img=images())
def test_keep_only_never_touches_the_header_row(data: st.DataObject, img: Image.Image) -> None:
    """A table: columns as siblings, the first row band protected, as targets.py resolves it."""
    w, h = img.size
    cuts = sorted(set(data.draw(st.lists(st.integers(1, max(1, w - 1)), max_size=4))) | {0, w})
    columns = [(a, 0, b, h) for a, b in zip(cuts[:-1], cuts[1:], strict=True) if b > a]
    header = (0, 0, w, data.draw(st.integers(1, h)))
    named = data.draw(st.lists(st.booleans(), min_size=len(columns), max_size=len(columns)))
    named = [c for c, keep in zip(columns, named, strict=True) if keep]
    t = TargetSet("columns", tuple(named), (), tuple(columns), (header,), (0, 0, w, h))
    out = apply("keep_only", img, t)
    hy = header[3]
    assert np.array_equal(arr(out)[:hy], arr(img)[:hy])


@SETTINGS
@given(data=st.data(), img=images(), color=colors, amount=st.floats(0, 1))
def test_dim_blends_what_keep_only_would_mask(
    data: st.DataObject, img: Image.Image, color: Rgba, amount: float
) -> None:
    t = data.draw(group_targets(*img.size))
    out = apply("dim", img, t, color=color, amount=amount)
    assert (out.size, out.mode) == (img.size, img.mode)
    same(out, ref_blend(img, ref_keep_region(arr(img).shape[:2], t), color, amount))


@SETTINGS
@given(data=st.data(), img=images(), color=colors, width=st.integers(1, 50))
def test_underline_paints_the_band_below_each_box(
    data: st.DataObject, img: Image.Image, color: Rgba, width: int
) -> None:
    boxes = data.draw(boxes_in(*img.size))
    out = apply("underline", img, TargetSet("text", tuple(boxes)), color=color, width=width)
    bands = [(x1, y2, x2, y2 + width) for x1, _, x2, y2 in boxes]
    assert (out.size, out.mode) == (img.size, img.mode)
    same(out, ref_fill(img, union(arr(img).shape[:2], bands), color))


@SETTINGS
@given(data=st.data(), img=images(), margin=st.integers(0, 20))
def test_crop_cuts_to_the_union_plus_margin(
    data: st.DataObject, img: Image.Image, margin: int
) -> None:
    boxes = data.draw(boxes_in(*img.size, min_size=1))
    spec = tool("crop")
    assert spec.changes_geometry
    ctx = EditContext(canvas=img.copy(), targets=TargetSet("region", tuple(boxes)),
                      params={"margin": margin})
    out = spec.apply(ctx)
    assert out is not None and out.mode == img.mode
    w, h = img.size
    x1 = max(0, min(b[0] for b in boxes) - margin)
    y1 = max(0, min(b[1] for b in boxes) - margin)
    x2 = min(w, max(b[2] for b in boxes) + margin)
    y2 = min(h, max(b[3] for b in boxes) + margin)
    same(out, arr(img)[y1:y2, x1:x2])
    assert ctx.transform is not None and ctx.transform.map_box((x1, y1, x2, y2)) == (
        0, 0, x2 - x1, y2 - y1)


# ---------------------------------------------------------------- algebra


@SETTINGS
@given(data=st.data(), img=images(), c1=colors, c2=colors)
def test_independent_masks_commute(
    data: st.DataObject, img: Image.Image, c1: Rgba, c2: Rgba
) -> None:
    """Masks commute when their boxes are disjoint, or when they use the same fill."""
    w, h = img.size
    a = data.draw(boxes_in(w, h, 3))
    b = data.draw(boxes_in(w, h, 3))
    shape = (h, w)
    if (union(shape, a) & union(shape, b)).any():
        c2 = c1
    ta, tb = TargetSet("region", tuple(a)), TargetSet("region", tuple(b))
    ab = apply("mask", apply("mask", img, ta, fill=c1), tb, fill=c2)
    ba = apply("mask", apply("mask", img, tb, fill=c2), ta, fill=c1)
    assert ab.tobytes() == ba.tobytes()


@SETTINGS
@given(data=st.data(), img=images(), color=colors)
def test_mask_is_idempotent(data: st.DataObject, img: Image.Image, color: Rgba) -> None:
    t = TargetSet("region", tuple(data.draw(boxes_in(*img.size))))
    once = apply("mask", img, t, fill=color)
    assert apply("mask", once, t, fill=color).tobytes() == once.tobytes()


@settings(max_examples=25, deadline=None)
@given(data=st.data(), img=images(), name=st.sampled_from(
    ["mask", "keep_only", "highlight", "draw_box", "dim", "underline"]))
def test_every_tool_is_deterministic_and_leaves_its_input_alone(
    data: st.DataObject, img: Image.Image, name: str
) -> None:
    t = data.draw(group_targets(*img.size))
    before = img.tobytes()
    first = apply(name, img, t)
    second = apply(name, img, t)
    assert img.tobytes() == before
    assert first.tobytes() == second.tobytes()
    assert (first.size, first.mode) == (img.size, img.mode)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), img=images(), margin=st.integers(0, 10), scale=st.floats(1, 4))
def test_zoom_crops_then_enlarges_and_maps_boxes(
    data: st.DataObject, img: Image.Image, margin: int, scale: float
) -> None:
    boxes = data.draw(boxes_in(*img.size, min_size=1))
    spec = tool("zoom")
    assert spec.changes_geometry
    ctx = EditContext(canvas=img.copy(), targets=TargetSet("region", tuple(boxes)),
                      params={"margin": margin, "scale": scale})
    out = spec.apply(ctx)
    w, h = img.size
    x1 = max(0, min(b[0] for b in boxes) - margin)
    y1 = max(0, min(b[1] for b in boxes) - margin)
    x2 = min(w, max(b[2] for b in boxes) + margin)
    y2 = min(h, max(b[3] for b in boxes) + margin)
    size = (max(1, round((x2 - x1) * scale)), max(1, round((y2 - y1) * scale)))
    assert out is not None and out.mode == img.mode and out.size == size
    expected = img.crop((x1, y1, x2, y2)).resize(size, Image.Resampling.LANCZOS)
    assert out.tobytes() == expected.tobytes()
    assert ctx.transform is not None
    assert ctx.transform.map_box((x1, y1, x2, y2)) == (0, 0, *size)


@settings(max_examples=30, deadline=None)
@given(img=images(), alpha=st.floats(0, 1), color=colors)
def test_fast_point_gives_the_bytes_of_pillows_point(
    img: Image.Image, alpha: float, color: Rgba
) -> None:
    from refocus_plugins._common import blend_lut, point

    from refocus_dsl.colors import color_channels

    lut = blend_lut(alpha, color_channels(color, img.mode), img.mode in ("RGBA", "LA"))
    fast = point(img, lut)
    assert (fast.mode, fast.size) == (img.mode, img.size)
    assert fast.tobytes() == img.point(list(lut)).tobytes()
