"""The interpreter on hand-made table and chart layouts: order, trace, modes, limits, crop."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from PIL import Image

from refocus_dsl.errors import LayoutError, LimitError, PluginError, ProgramError
from refocus_dsl.imageio import LoadedImage
from refocus_dsl.lang.interpreter import Result
from refocus_dsl.lang.limits import Limits
from refocus_dsl.lang.pipeline import run
from refocus_dsl.layout import Box, Category, Chart, Column, Layout, Row, Table
from refocus_dsl.plugin import EditContext, Param, Plugin, ToolSpec
from refocus_dsl.registry import Registry, default_registry

W, H = 120, 80
HEADERS = ("Index", "A", "B", "C")
COLS: tuple[Box, ...] = ((0, 0, 30, 80), (30, 0, 60, 80), (60, 0, 90, 80), (90, 0, 120, 80))
ROWS: tuple[Box, ...] = tuple((0, 16 * i, 120, 16 * (i + 1)) for i in range(5))
WHITE = (255, 255, 255)


def table_layout() -> Layout:
    columns = tuple(Column(i, h, b) for i, (h, b) in enumerate(zip(HEADERS, COLS, strict=True)))
    labels = ("Index", "1996", "1997", "1998", "1999")
    pairs = enumerate(zip(labels, ROWS, strict=True))
    rows = tuple(Row(i, lab, i == 0, b) for i, (lab, b) in pairs)
    return Layout(W, H, "table", table=Table((0, 0, W, H), columns, rows))


def chart_layout() -> Layout:
    cats = tuple(
        Category(i, lab, (x + 8, 60, x + 22, 70), (x + 5, 20, x + 25, 50), (x, 10, x + 30, 75))
        for i, (lab, x) in enumerate((("China", 0), ("India", 30), ("Japan", 60), ("Korea", 90)))
    )
    chart = Chart("bar", "vertical", (0, 5, 120, 78), "Gains", cats)
    return Layout(W, H, "chart", chart=chart)


def noise(mode: str = "RGB", seed: int = 0, size: tuple[int, int] = (W, H)) -> Image.Image:
    rng = np.random.default_rng(seed)
    bands = len(mode)
    arr = rng.integers(0, 256, (size[1], size[0], bands), dtype=np.uint8)
    return Image.fromarray(arr[:, :, 0] if bands == 1 else arr, mode)


def a(img: Image.Image) -> np.ndarray[Any, Any]:
    return np.asarray(img).copy()


def region(arr: np.ndarray[Any, Any], box: Box) -> np.ndarray[Any, Any]:
    x1, y1, x2, y2 = box
    return arr[y1:y2, x1:x2]


# ---------------------------------------------------------------- tables


def test_keep_only_columns_masks_the_others_but_not_the_header_row() -> None:
    img = noise()
    result = run('keep_only(columns("A", "C"))', img, table_layout())
    exp = a(img)
    header_bottom = ROWS[0][3]
    for i in (0, 2):  # Index and B, below the header row
        x1, _, x2, y2 = COLS[i]
        exp[header_bottom:y2, x1:x2] = WHITE
    assert np.array_equal(a(result.image), exp)
    assert (result.image.size, result.image.mode) == (img.size, img.mode)


def test_keep_only_rows_keeps_the_header_and_the_named_rows() -> None:
    img = noise()
    result = run('keep_only(rows("1997"))', img, table_layout())
    exp = a(img)
    for i in (1, 3, 4):
        exp[ROWS[i][1] : ROWS[i][3], :] = WHITE
    assert np.array_equal(a(result.image), exp)


def test_statements_apply_in_order_on_one_canvas() -> None:
    img = noise()
    layout = table_layout()
    both = run('mask(columns("A"), fill="red")\nmask(rows("1996"), fill="blue")', img, layout)
    swapped = run('mask(rows("1996"), fill="blue")\nmask(columns("A"), fill="red")', img, layout)
    crossing = (30, 16, 60, 32)
    assert np.all(region(a(both.image), crossing) == (0, 0, 255))
    assert np.all(region(a(swapped.image), crossing) == (255, 0, 0))
    outside = (90, 40, 120, 80)
    assert np.array_equal(region(a(both.image), outside), region(a(img), outside))


def test_trace_records_tool_params_kind_labels_and_boxes() -> None:
    result = run('highlight(columns("B", "A"), alpha=0.5)\ndraw_box(rows("1998"))', noise(),
                 table_layout())
    first, second = result.trace
    assert (first.index, first.line, first.tool) == (1, 1, "highlight")
    assert first.target_kind == "columns"
    assert first.params == {"color": "yellow", "alpha": 0.5}
    assert set(first.labels) == {"A", "B"}
    assert set(first.boxes) == {COLS[1], COLS[2]}
    assert second.params == {"color": "red", "width": 3}
    assert second.boxes == (ROWS[3],) and second.line == 2
    doc = json.loads(result.trace_json())
    assert doc["steps"][1]["target"]["boxes"] == [list(ROWS[3])]
    assert doc["steps"][0]["source"] == 'highlight(columns("B", "A"), alpha=0.5)'


def test_run_is_pure_and_deterministic() -> None:
    img = noise()
    before = img.tobytes()
    prog = (
        'dim(columns("A"))\nunderline(rows("1996"), width=2)\n'
        'highlight(cells(row="1997", col="B"))'
    )
    r1 = run(prog, img, table_layout())
    r2 = run(prog, img.copy(), table_layout())
    assert img.tobytes() == before
    assert r1.image.tobytes() == r2.image.tobytes()
    assert r1.trace == r2.trace


def test_a_program_with_errors_is_refused_with_every_diagnostic() -> None:
    with pytest.raises(ProgramError) as err:
        run('keep_only(columns("Nope"))\nhighlight(rows("1996"), alpha=3)', noise(), table_layout())
    codes = [d.code for d in err.value.diagnostics]
    assert len(codes) >= 2 and all(d.is_error for d in err.value.diagnostics)
    assert any(c.startswith("E2") for c in codes) and any(c.startswith("E3") for c in codes)


def test_layout_of_another_size_is_an_error() -> None:
    with pytest.raises(LayoutError, match="120x80"):
        run('mask(columns("A"))', noise(size=(100, 80)), table_layout())


# ---------------------------------------------------------------- charts


def test_chart_keep_only_and_highlight_act_on_category_regions() -> None:
    img = noise(seed=3)
    layout = chart_layout()
    assert layout.chart is not None
    regions = [c.region for c in layout.chart.categories]
    kept = run('keep_only(bars("India"))', img, layout)
    exp = a(img)
    for i in (0, 2, 3):
        box = regions[i]
        assert box is not None
        exp[box[1] : box[3], box[0] : box[2]] = WHITE
    assert np.array_equal(a(kept.image), exp)

    lit = run('highlight(bars("Japan"), color="red", alpha=1)', img, layout)
    box = regions[2]
    assert box is not None
    assert np.all(region(a(lit.image), box) == (255, 0, 0))
    outside = a(lit.image).copy()
    outside[box[1] : box[3], box[0] : box[2]] = 0
    orig = a(img)
    orig[box[1] : box[3], box[0] : box[2]] = 0
    assert np.array_equal(outside, orig)


# ---------------------------------------------------------------- modes and limits


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA"])
def test_mode_and_size_are_preserved(mode: str) -> None:
    img = noise(mode)
    result = run('mask(columns("A"))\nhighlight(rows("1997"))', img, table_layout())
    assert (result.image.mode, result.image.size) == (mode, img.size)
    assert not [n for n in result.notes if "converted" in n]


def test_palette_and_16_bit_images_are_converted_and_say_so() -> None:
    pal = noise().convert("P")
    result = run('mask(columns("A"))', pal, table_layout())
    assert result.image.mode == "RGB" and result.original_mode == "P"
    assert any("palette" in n for n in result.notes)

    deep = Image.fromarray(np.arange(W * H, dtype="<u2").reshape(H, W) * 5)
    assert deep.mode.startswith("I;16")
    result = run('mask(columns("A"))', deep, table_layout())
    assert result.image.mode == "L" and any("16" in n for n in result.notes)


def test_loaded_images_are_accepted_and_not_modified() -> None:
    img = noise()
    loaded = LoadedImage(img, "RGB", ("from a file",))
    result = run('mask(columns("A"))', loaded, table_layout())
    assert img.tobytes() == noise().tobytes()
    assert "from a file" in result.notes


def test_images_over_the_pixel_limit_raise_a_limit_error() -> None:
    with pytest.raises(LimitError, match="over the limit"):
        run("mask(region(0, 0, 0.5, 0.5))", noise(), None, limits=Limits(max_pixels=W * H - 1))


# ---------------------------------------------------------------- geometry


def test_crop_maps_later_boxes_into_the_cropped_canvas() -> None:
    img = noise()
    result = run('crop(columns("A", "B"), margin=0)\nmask(columns("B"), fill="black")', img,
                 table_layout())
    exp = a(img)[:, 30:90].copy()
    exp[:, 30:60] = 0
    assert np.array_equal(a(result.image), exp)
    assert result.trace[1].boxes == ((30, 0, 60, 80),)
    assert result.trace[0].canvas_size == (60, 80)


def test_a_target_left_outside_the_crop_is_a_note_not_an_error() -> None:
    img = noise()
    layout = table_layout()
    result = run('crop(columns("A"), margin=0)\nmask(columns("C"))', img, layout)
    assert np.array_equal(a(result.image), a(img)[:, 30:60])
    assert result.trace[1].boxes == () and not result.trace[1].skipped
    assert any("outside the cropped image" in n for n in result.notes)

    # keep_only still masks what is visible of the group: as if it ran before the crop
    kept = run('crop(columns("A"), margin=0)\nkeep_only(columns("C"))', img, layout)
    exp = a(img)[:, 30:60].copy()
    exp[ROWS[0][3]:, :] = WHITE
    assert np.array_equal(a(kept.image), exp)

    # a second crop with nothing of its target left is skipped
    twice = run('crop(columns("A"), margin=0)\ncrop(columns("C"))', img, layout)
    assert twice.trace[1].skipped and twice.image.size == (30, 80)


def test_zoom_scales_later_boxes() -> None:
    result = run('zoom(columns("A"), scale=2, margin=0)\ndraw_box(columns("A"), width=1)', noise(),
                 table_layout())
    assert result.image.size == (60, 160)
    assert result.trace[1].boxes == ((0, 0, 60, 160),)
    arr = a(result.image)
    assert np.all(arr[0, :] == (255, 0, 0)) and np.all(arr[:, -1] == (255, 0, 0))


# ---------------------------------------------------------------- plugins at run time


def _registry_with(*tools: ToolSpec) -> Registry:
    reg = Registry()
    for spec in default_registry().tools():
        reg.register(Plugin(tools=(spec,)), source="refocus-dsl", version="test")
    reg.register(Plugin(tools=tools), source="flaky-tools", version="0.1")
    return reg


def test_a_failing_plugin_is_reported_by_name_and_distribution() -> None:
    def boom(ctx: EditContext) -> None:
        raise ZeroDivisionError("division by zero")

    spec = ToolSpec("explode", "Fails.", boom)
    reg = _registry_with(spec)
    with pytest.raises(PluginError, match=r"explode.*flaky-tools 0\.1.*ZeroDivisionError") as err:
        run("explode(region(0, 0, 1, 1))", noise(), None, registry=reg)
    assert err.value.plugin is spec and err.value.source == "flaky-tools 0.1"


def test_a_plugin_that_resizes_without_declaring_it_is_refused() -> None:
    def shrink(ctx: EditContext) -> Image.Image:
        return ctx.canvas.resize((10, 10))

    reg = _registry_with(ToolSpec("shrink", "Resizes.", shrink))
    with pytest.raises(PluginError, match="changes_geometry"):
        run("shrink(region(0, 0, 1, 1))", noise(), None, registry=reg)


def test_params_reach_the_tool_converted_with_defaults() -> None:
    seen: list[dict[str, Any]] = []

    def record(ctx: EditContext) -> None:
        seen.append(dict(ctx.params))

    spec = ToolSpec(
        "probe", "Records.", record,
        params=(Param("c", "color", "red"), Param("n", "number", 1), Param("k", "integer", 2)),
    )
    result = run('probe(region(0, 0, 0.5, 0.5), c=#00ff0080, n=3)', noise(), None,
                 registry=_registry_with(spec))
    assert seen == [{"c": (0, 255, 0, 128), "n": 3.0, "k": 2}]
    assert isinstance(seen[0]["n"], float)
    assert result.trace[0].params == {"c": "#00ff0080", "n": 3, "k": 2}
    assert result.trace[0].boxes == ((0, 0, 60, 40),)


def test_result_type() -> None:
    result = run("mask(region(0, 0, 1, 1))", noise(), None)
    assert isinstance(result, Result)
    assert np.all(a(result.image) == 255)


# ---------------------------------------------------------------- the paper's calls


def test_paper_calls_give_the_bytes_of_the_native_statements() -> None:
    img = noise(seed=5)
    layout = table_layout()
    paper = run(
        'img = focus_on_columns_with_mask(image_1, ["A"], columns_bbox)\n'
        'img = focus_on_rows_with_draw(img, ["1997"], rows_bbox)\n'
        "display(img)\n",
        img, layout,
    )
    native = run('keep_only(columns("A"))\ndraw_box(rows("1997"), color="red", width=5)', img,
                 layout)
    assert paper.image.tobytes() == native.image.tobytes()
    assert [s.origin for s in paper.trace] == [
        "focus_on_columns_with_mask", "focus_on_rows_with_draw"]


def test_paper_highlight_matches_the_papers_pillow_overlay_within_one_level() -> None:
    """The paper composites a (255, 0, 0, 50) overlay; we blend at alpha 50/255 exactly."""
    img = noise(seed=6)
    ours = run('focus_on_columns_with_highlight(image_1, ["B"], columns_bbox)', img,
               table_layout())
    overlay = Image.new("RGBA", img.size, (255, 255, 255, 0))
    x1, y1, x2, y2 = COLS[2]
    overlay.paste((255, 0, 0, 50), (x1, y1, x2, y2))
    theirs = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    diff = np.abs(a(ours.image).astype(int) - a(theirs).astype(int))
    assert diff.max() <= 1
    assert np.array_equal(a(ours.image)[:, :x1], a(img)[:, :x1])


def test_zoom_beyond_the_pixel_limit_is_a_limit_error() -> None:
    with pytest.raises(LimitError):
        run("zoom(region(0, 0, 1, 1), scale=4)", noise(), None, limits=Limits(max_pixels=W * H * 2))
