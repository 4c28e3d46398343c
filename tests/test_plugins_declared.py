"""Every installed tool, driven only by its declaration: examples check, any valid call runs.

Nothing here names a built-in tool, so a new plugin is covered as soon as it
is registered: its example must be a valid program, and any call the checker
accepts (values drawn from the declared types, ranges and choices) must run
and keep the image's mode (and size, unless the tool declares
``changes_geometry``).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from refocus_dsl.colors import COLOR_NAMES
from refocus_dsl.lang.checker import check
from refocus_dsl.lang.pipeline import run
from refocus_dsl.plugin import REQUIRED, Param, ToolSpec
from refocus_dsl.registry import default_registry

TOOLS = default_registry().tools()


def test_every_example_is_a_valid_program() -> None:
    for tool in TOOLS:
        assert tool.example, f"{tool.name} has no example"
        errors = [d for d in check(tool.example) if d.is_error]
        assert errors == [], f"{tool.name}: {tool.example!r} -> {errors}"


def value_text(param: Param) -> st.SearchStrategy[str]:
    """Program text for a valid value of ``param``."""
    lo = -1e6 if param.min is None else param.min
    hi = 1e6 if param.max is None else param.max
    if param.type == "number":
        return st.floats(lo, hi, allow_nan=False).map(repr)
    if param.type == "integer":
        return st.integers(int(np.ceil(lo)), int(np.floor(hi))).map(str)
    if param.type == "color":
        hexes = st.tuples(*[st.integers(0, 255)] * 4).map(
            lambda c: '"#{:02x}{:02x}{:02x}{:02x}"'.format(*c)
        )
        return st.sampled_from(sorted(COLOR_NAMES)).map(lambda n: f'"{n}"') | hexes
    if param.type == "boolean":
        return st.sampled_from(["True", "False"])
    if param.type == "enum":
        return st.sampled_from(param.choices).map(lambda c: f'"{c}"')
    return st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8).map(
        lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
    )


@st.composite
def calls(draw: st.DrawFn) -> tuple[ToolSpec, str]:
    tool = draw(st.sampled_from(TOOLS))
    x1, x2 = sorted(draw(st.lists(st.integers(0, 10), min_size=2, max_size=2, unique=True)))
    y1, y2 = sorted(draw(st.lists(st.integers(0, 10), min_size=2, max_size=2, unique=True)))
    parts = [f"region({x1 / 10}, {y1 / 10}, {x2 / 10}, {y2 / 10})"]
    for p in tool.params:
        if p.default is REQUIRED or draw(st.booleans()):
            parts.append(f"{p.name}={draw(value_text(p))}")
    return tool, f"{tool.name}({', '.join(parts)})"


@settings(max_examples=120, deadline=None)
@given(call=calls(), mode=st.sampled_from(["RGB", "RGBA", "L", "LA"]), seed=st.integers(0, 99))
def test_any_accepted_call_runs_and_keeps_the_mode(
    call: tuple[ToolSpec, str], mode: str, seed: int
) -> None:
    tool, text = call
    rng = np.random.default_rng(seed)
    arr = rng.integers(0, 256, (24, 32, len(mode)), dtype=np.uint8)
    img = Image.fromarray(arr[:, :, 0] if mode == "L" else arr, mode)
    assert [d for d in check(text) if d.is_error] == [], text
    result = run(text, img)
    assert result.image.mode == mode
    if not tool.changes_geometry:
        assert result.image.size == img.size
    assert result.trace[0].tool == tool.name
    assert set(result.trace[0].params) == {p.name for p in tool.params}
