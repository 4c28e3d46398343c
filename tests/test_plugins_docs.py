"""Docs and prompt are generated from the declarations, and the committed reference is current."""

from __future__ import annotations

from pathlib import Path

from refocus_dsl.lang.docs_gen import language_reference, prompt_tool_section, signature
from refocus_dsl.plugin import Param, Plugin, ToolSpec
from refocus_dsl.registry import Registry, default_registry

ROOT = Path(__file__).resolve().parent.parent


def test_committed_language_reference_is_current() -> None:
    committed = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    assert committed == language_reference(default_registry()), (
        "docs/language.md is stale: run `refocus docs` and commit the result"
    )


def test_reference_documents_every_tool_param_and_example() -> None:
    reg = default_registry()
    text = language_reference(reg)
    for tool in reg.tools():
        assert f"### `{tool.name}`" in text
        assert signature(tool) in text
        assert tool.example in text
        for p in tool.params:
            assert f"| `{p.name}` | {p.type} |" in text
    from refocus_dsl.lang.targets import TARGET_KINDS

    assert set(TARGET_KINDS) == {
        "columns", "rows", "cells", "bars", "series", "subplots", "region", "text"
    }
    for kind in TARGET_KINDS.values():
        assert f"| `{kind.signature}` | `{kind.example}` |" in text
    assert "focus_on_columns_with_mask" in text


def _extra_registry() -> Registry:
    reg = Registry()
    reg.register(Plugin(tools=(ToolSpec(
        "stripe", "Paint stripes over the target.", lambda ctx: None,
        params=(Param("pitch", "integer", 4, "stripe spacing", 2, 40),
                Param("direction", "enum", "horizontal", choices=("horizontal", "vertical"))),
        example='stripe(rows("1996"), pitch=6)',
    ),)), source="stripes", version="1.2")
    return reg


def test_a_new_tool_appears_in_reference_and_prompt() -> None:
    reg = _extra_registry()
    text = language_reference(reg)
    assert 'stripe(target, pitch=4, direction="horizontal")' in text
    assert '| `direction` | enum | `"horizontal"` | horizontal \\| vertical |  |' in text
    assert "From: `stripes`." in text
    prompt = prompt_tool_section(reg)
    line = (
        'stripe(target, pitch=4, direction="horizontal") '
        "[pitch 2..40; direction horizontal | vertical]"
    )
    assert line in prompt
    assert "Paint stripes over the target." in prompt
    assert 'e.g. stripe(rows("1996"), pitch=6)' in prompt


def test_prompt_lists_every_builtin_once_in_name_order() -> None:
    reg = default_registry()
    prompt = prompt_tool_section(reg)
    positions = [prompt.index(f"  {signature(t)}") for t in reg.tools()]
    assert positions == sorted(positions)
    for t in reg.tools():
        assert prompt.count(f"  {signature(t)}") == 1
