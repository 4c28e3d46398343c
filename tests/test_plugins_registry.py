"""The registry: strict loading and validation of plugin declarations."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_dist import write_dist

from refocus_dsl.errors import PluginError
from refocus_dsl.plugin import PLUGIN_API_VERSION, Param, Plugin, ToolSpec
from refocus_dsl.registry import Registry, default_registry, validate_tool

BUILTINS = {"crop", "dim", "draw_box", "highlight", "keep_only", "mask", "underline"}


def _noop(ctx: object) -> None:
    return None


def tool(name: str = "stripe", *params: Param, **kw: object) -> ToolSpec:
    return ToolSpec(name=name, summary="A test tool.", apply=_noop, params=params, **kw)  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh site directory on sys.path; modules imported from it are forgotten after."""
    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.syspath_prepend(str(path))
    before = set(sys.modules)
    yield path
    for name in set(sys.modules) - before:
        if name.startswith("tp_"):
            del sys.modules[name]


def test_default_registry_has_every_builtin_from_its_entry_point() -> None:
    reg = default_registry()
    assert BUILTINS <= set(reg.names())
    assert [t.name for t in reg.tools()] == sorted(reg.names())
    for name in BUILTINS:
        assert reg.source_of(name)[0] == "refocus-dsl"
        assert validate_tool(reg.get(name)) == []
    assert default_registry() is reg
    assert reg.get("no_such_tool") is None


def test_register_and_look_up() -> None:
    reg = Registry()
    reg.register(Plugin(tools=(tool("stripe"),)), source="stripes", version="2.0")
    assert reg.names() == ["stripe"] and "stripe" in reg and len(reg) == 1
    assert reg.source_of("stripe") == ("stripes", "2.0")
    spec = reg.get("stripe")
    assert spec is not None and spec.summary == "A test tool."


def test_duplicate_tool_names_both_distributions() -> None:
    reg = Registry()
    reg.register(Plugin(tools=(tool("stripe"),)), source="stripes-a", version="1.0")
    second = Plugin(tools=(tool("stripe"),))
    with pytest.raises(PluginError) as err:
        reg.register(second, source="stripes-b", version="3.1")
    assert "stripes-a 1.0" in str(err.value) and "stripes-b 3.1" in str(err.value)
    # the error keeps the plugin that failed, as pluggy does
    assert err.value.plugin is second and err.value.source == "stripes-b 3.1"
    assert reg.source_of("stripe") == ("stripes-a", "1.0")


def test_wrong_api_version_is_refused_naming_the_distribution() -> None:
    with pytest.raises(PluginError) as err:
        Registry().register(
            Plugin(tools=(tool(),), api_version=PLUGIN_API_VERSION + 1), source="future-tools"
        )
    msg = str(err.value)
    assert "future-tools" in msg and str(PLUGIN_API_VERSION + 1) in msg


def test_a_bad_tool_keeps_the_whole_plugin_out() -> None:
    reg = Registry()
    bad = tool("bad", Param("alpha", "number", 2.0, min=0, max=1))
    with pytest.raises(PluginError, match="above its maximum"):
        reg.register(Plugin(tools=(tool("good"), bad)), source="mixed")
    assert len(reg) == 0


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (tool("Stripe"), "lower-case identifier"),
        (tool("for"), "lower-case identifier"),
        (tool("columns"), "reserved"),
        (tool("focus_on_rows_with_blur"), "reserved"),
        (tool("s", Param("w", "integer", 1), Param("w", "integer", 2)), "declared twice"),
        (tool("s", Param("w", "integer", 0, min=1, max=50)), "below its minimum"),
        (tool("s", Param("w", "integer", 2.5)), "not an integer"),
        (tool("s", Param("a", "number", "x")), "not a number"),
        (tool("s", Param("a", "number", float("nan"))), "not finite"),
        (tool("s", Param("c", "color", "reddish")), "not a colour"),
        (tool("s", Param("m", "enum", "up", choices=("left", "right"))), "not one of its choices"),
        (tool("s", Param("m", "enum", "left")), "needs choices"),
        (tool("s", Param("m", "string", "x", choices=("x",))), "only enum"),
        (tool("s", Param("m", "string", "x", min=1)), "only number and integer"),
        (tool("s", Param("m", "number", 1, min=3, max=2)), "above max"),
        (tool("s", Param("m", "vector", 1)), "unknown type"),  # type: ignore[arg-type]
        (tool("s", Param("9m", "number", 1)), "identifier"),
        (tool("s", targets=frozenset()), "no target kind"),
        (tool("s", targets=frozenset({"columns", "pixels"})), "unknown target kinds"),
        (ToolSpec(name="s", summary=" ", apply=_noop), "summary"),
        (ToolSpec(name="s", summary="x", apply=None), "not callable"),  # type: ignore[arg-type]
    ],
)
def test_validation_names_each_problem(spec: ToolSpec, problem: str) -> None:
    problems = validate_tool(spec)
    assert any(problem in p for p in problems), problems
    with pytest.raises(PluginError, match=problem):
        Registry().register(Plugin(tools=(spec,)), source="checked-dist")


def test_sound_declarations_pass() -> None:
    spec = tool(
        "s",
        Param("c", "color", "#ff000080"),
        Param("n", "number", 0.5, min=0, max=1),
        Param("i", "integer", 3, min=1, max=50),
        Param("m", "enum", "left", choices=("left", "right")),
        Param("b", "boolean", False),
        Param("t", "string", "x"),
        Param("r", "number"),
    )
    assert validate_tool(spec) == []


def test_entry_point_to_a_module_that_fails_to_import(site: Path) -> None:
    write_dist(site, "broken-tools", "0.3", {"broken": "tp_broken:PLUGIN"},
               {"tp_broken": "import tp_no_such_dependency\n"})
    with pytest.raises(PluginError) as err:
        Registry.from_entry_points()
    msg = str(err.value)
    assert "broken-tools 0.3" in msg
    assert "broken = tp_broken:PLUGIN" in msg
    assert "ModuleNotFoundError" in msg and "tp_no_such_dependency" in msg


def test_entry_point_that_exits_at_import_is_still_reported(site: Path) -> None:
    write_dist(site, "exit-tools", "1.0", {"bye": "tp_bye:PLUGIN"},
               {"tp_bye": "raise SystemExit(3)\n"})
    with pytest.raises(PluginError, match=r"exit-tools 1\.0.*SystemExit") as err:
        Registry.from_entry_points()
    assert err.value.plugin == "bye" and err.value.source == "exit-tools 1.0"


def test_entry_point_to_something_that_is_not_a_plugin(site: Path) -> None:
    write_dist(site, "odd-tools", "1.0", {"odd": "tp_odd:apply"},
               {"tp_odd": "def apply(ctx):\n    return None\n"})
    with pytest.raises(PluginError, match=r"odd-tools 1\.0.*function, not a refocus_dsl"):
        Registry.from_entry_points()


def test_entry_point_written_for_another_api_version(site: Path) -> None:
    source = (
        "from refocus_dsl.plugin import Plugin, ToolSpec\n"
        "PLUGIN = Plugin(tools=(ToolSpec('stripe', 'Stripes.', lambda ctx: None),),"
        " api_version=0)\n"
    )
    write_dist(site, "old-tools", "0.9", {"stripe": "tp_old:PLUGIN"}, {"tp_old": source})
    with pytest.raises(PluginError, match=r"old-tools 0\.9.*API version 0"):
        Registry.from_entry_points()


def test_entry_point_claiming_a_builtin_name(site: Path) -> None:
    source = (
        "from refocus_dsl.plugin import Plugin, ToolSpec\n"
        "PLUGIN = Plugin(tools=(ToolSpec('mask', 'Another mask.', lambda ctx: None),))\n"
    )
    write_dist(site, "zz-masks", "2.0", {"mask": "tp_masks:PLUGIN"}, {"tp_masks": source})
    with pytest.raises(PluginError) as err:
        Registry.from_entry_points()
    assert "refocus-dsl" in str(err.value) and "zz-masks 2.0" in str(err.value)


def test_no_entry_points_at_all_is_an_error_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import refocus_dsl.registry as registry_module

    monkeypatch.setattr(registry_module, "entry_points", lambda group: [])
    registry_module.default_registry.cache_clear()
    try:
        with pytest.raises(PluginError, match="pip install -e"):
            registry_module.default_registry()
    finally:
        monkeypatch.undo()
        registry_module.default_registry.cache_clear()
    assert BUILTINS <= set(registry_module.default_registry().names())
