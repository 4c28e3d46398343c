"""The tool registry: every edit tool, found through the ``refocus_dsl.plugins`` entry points.

The built-in tools are registered exactly like a third party's, so the checker,
the language reference and the model's prompt see one uniform set of
declarations. Loading is strict: a plugin written for another API version, a
tool name two distributions both claim, a plugin that fails to import or is not
a :class:`~refocus_dsl.plugin.Plugin`, and a malformed tool declaration all
raise :class:`~refocus_dsl.errors.PluginError` naming the distribution and the
reason; nothing is silently skipped.

:func:`default_registry` is the one piece of global mutable state: the entry
points are read once per process and the result cached. It is lenient where
:meth:`Registry.from_entry_points` is strict: one broken third-party plugin
must not stop every command, so its failure is logged as a warning (every
time a process loads the registry), kept in :attr:`Registry.broken` for
``refocus plugins`` to report, and its tools are missing. Plugins can be
switched off by entry-point or distribution name with
``REFOCUS_DISABLE_PLUGINS=a,b`` or the CLI's ``--disable-plugin NAME`` (as
pytest's ``-p no:NAME``).
"""

from __future__ import annotations

import functools
import keyword
import logging
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from refocus_dsl.colors import parse_color
from refocus_dsl.errors import PluginError
from refocus_dsl.plugin import (
    ALL_TARGET_KINDS,
    PLUGIN_API_VERSION,
    REQUIRED,
    Param,
    Plugin,
    ToolSpec,
)

ENTRY_POINT_GROUP = "refocus_dsl.plugins"
"""The entry-point group plugins register under (``name = "module:PLUGIN"``)."""

RESERVED_NAMES: frozenset[str] = frozenset(ALL_TARGET_KINDS) | {"display"}
"""Names a tool may not take: the target queries and the paper's ``display``."""

DISABLE_ENV = "REFOCUS_DISABLE_PLUGINS"
"""Comma-separated entry-point or distribution names of plugins not to load."""

log = logging.getLogger("refocus.plugins")

_IDENT = re.compile(r"[a-z_][a-z0-9_]*\Z")
_PARAM_TYPES = frozenset({"color", "number", "integer", "string", "boolean", "enum"})
LOCAL_SOURCE = "<local>"


def _is_identifier(name: object) -> bool:
    return isinstance(name, str) and bool(_IDENT.match(name)) and not keyword.iskeyword(name)


def _check_value(param: Param, value: Any) -> str | None:
    """Why ``value`` is not a valid value of ``param`` (None when it is)."""
    t = param.type
    if t == "color":
        if not isinstance(value, str) or parse_color(value) is None:
            return f"{value!r} is not a colour name or #rrggbb[aa]"
        return None
    if t == "boolean":
        return None if isinstance(value, bool) else f"{value!r} is not a boolean"
    if t == "string":
        return None if isinstance(value, str) else f"{value!r} is not a string"
    if t == "enum":
        if value not in param.choices:
            return f"{value!r} is not one of its choices {list(param.choices)}"
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{value!r} is not a number"
    if t == "integer" and not isinstance(value, int):
        return f"{value!r} is not an integer"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not finite"
    if param.min is not None and value < param.min:
        return f"{value!r} is below its minimum {param.min}"
    if param.max is not None and value > param.max:
        return f"{value!r} is above its maximum {param.max}"
    return None


def validate_tool(spec: object) -> list[str]:
    """Every problem with one tool declaration (empty when it is sound)."""
    if not isinstance(spec, ToolSpec):
        return [f"{spec!r:.60} is not a ToolSpec"]
    problems: list[str] = []
    where = f"tool {spec.name!r}"
    if not _is_identifier(spec.name):
        problems.append(f"{where}: name must be a lower-case identifier ([a-z_][a-z0-9_]*)")
    elif spec.name in RESERVED_NAMES or spec.name.startswith("focus_on_"):
        problems.append(f"{where}: name is reserved by the language")
    if not isinstance(spec.summary, str) or not spec.summary.strip():
        problems.append(f"{where}: needs a one-line summary")
    elif "\n" in spec.summary.strip():
        problems.append(f"{where}: summary must be one line")
    if not isinstance(spec.details, str) or not isinstance(spec.example, str):
        problems.append(f"{where}: example and details must be text")
    if not callable(spec.apply):
        problems.append(f"{where}: apply is not callable")
    kinds = set(spec.targets)
    if not kinds:
        problems.append(f"{where}: accepts no target kind")
    elif not kinds <= ALL_TARGET_KINDS:
        problems.append(
            f"{where}: unknown target kinds {sorted(kinds - ALL_TARGET_KINDS)}; "
            f"known: {sorted(ALL_TARGET_KINDS)}"
        )
    seen: set[str] = set()
    for p in spec.params:
        if not isinstance(p, Param):
            problems.append(f"{where}: parameter {p!r:.40} is not a Param")
            continue
        pw = f"{where} parameter {p.name!r}"
        if not _is_identifier(p.name):
            problems.append(f"{pw}: name must be a lower-case identifier")
        if p.name in seen:
            problems.append(f"{pw}: declared twice")
        seen.add(p.name)
        if p.type not in _PARAM_TYPES:
            problems.append(f"{pw}: unknown type {p.type!r}; known: {sorted(_PARAM_TYPES)}")
            continue
        if p.type == "enum" and not p.choices:
            problems.append(f"{pw}: an enum needs choices")
        if p.type != "enum" and p.choices:
            problems.append(f"{pw}: only enum parameters have choices")
        if (p.min is not None or p.max is not None) and p.type not in ("number", "integer"):
            problems.append(f"{pw}: only number and integer parameters have a range")
        if p.min is not None and p.max is not None and p.min > p.max:
            problems.append(f"{pw}: min {p.min} is above max {p.max}")
        if p.default is not REQUIRED:
            why = _check_value(p, p.default)
            if why is not None:
                problems.append(f"{pw}: default {why}")
    return problems


@dataclass(frozen=True)
class BrokenPlugin:
    """A plugin that failed to load or register (its tools are not available)."""

    entry_point: str
    distribution: str
    version: str
    error: str


class Registry:
    """Tools by name, each with the distribution (and version) that provided it."""

    def __init__(self) -> None:
        self._tools: dict[str, ToolSpec] = {}
        self._sources: dict[str, tuple[str, str]] = {}
        self.broken: list[BrokenPlugin] = []
        """Plugins that failed (only when loaded with ``strict=False``)."""
        self.disabled: list[str] = []
        """Entry points switched off (``REFOCUS_DISABLE_PLUGINS``), as ``name (dist)``."""
        self.unknown_disabled: list[str] = []
        """Names asked to be switched off that no entry point or distribution has."""
        self.plugin_names: list[str] = []
        """Every entry point found, loaded or not (what can be switched off)."""

    def register(self, plugin: Plugin, *, source: str = LOCAL_SOURCE, version: str = "") -> None:
        """Add every tool of ``plugin``, or none of them (raising PluginError)."""
        origin = f"{source} {version}".strip()
        if not isinstance(plugin, Plugin):
            raise PluginError(
                f"plugin from {origin} is not a refocus_dsl.plugin.Plugin object",
                plugin=plugin,
                source=origin,
            )
        if plugin.api_version != PLUGIN_API_VERSION:
            raise PluginError(
                f"plugin {plugin.name or '(unnamed)'} from {origin} was written for plugin API "
                f"version {plugin.api_version!r}, but this refocus-dsl provides version "
                f"{PLUGIN_API_VERSION}; upgrade or downgrade that package",
                plugin=plugin,
                source=origin,
            )
        problems: list[str] = []
        names: set[str] = set()
        for spec in plugin.tools:
            problems.extend(validate_tool(spec))
            if isinstance(spec, ToolSpec):
                if spec.name in names:
                    problems.append(f"tool {spec.name!r} is declared twice in this plugin")
                names.add(spec.name)
                if spec.name in self._tools:
                    other, other_version = self._sources[spec.name]
                    first = f"{other} {other_version}".strip()
                    problems.append(
                        f"tool {spec.name!r} is provided by both {first} and {origin}; "
                        "uninstall one of them"
                    )
        if not plugin.tools:
            problems.append("it declares no tools")
        if problems:
            raise PluginError(
                f"plugin from {origin}: " + "; ".join(problems), plugin=plugin, source=origin
            )
        for spec in plugin.tools:
            self._tools[spec.name] = spec
            self._sources[spec.name] = (source, version)

    def get(self, name: str) -> ToolSpec | None:
        return self._tools.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __len__(self) -> int:
        return len(self._tools)

    def names(self) -> list[str]:
        return sorted(self._tools)

    def tools(self) -> list[ToolSpec]:
        """Every tool, sorted by name (so generated docs and prompts are stable)."""
        return [self._tools[n] for n in sorted(self._tools)]

    def source_of(self, name: str) -> tuple[str, str]:
        """``(distribution, version)`` that provided tool ``name``; KeyError if unknown."""
        return self._sources[name]

    @classmethod
    def from_entry_points(
        cls,
        eps: Iterable[EntryPoint] | None = None,
        *,
        disabled: Iterable[str] = (),
        strict: bool = True,
    ) -> Registry:
        """A fresh registry of every plugin in the entry-point group (or of ``eps``).

        Entry points whose name or distribution is in ``disabled`` are skipped.
        ``strict`` raises on the first broken plugin; otherwise it is kept in
        :attr:`broken` and the others load.
        """
        registry = cls()
        off = {name.strip() for name in disabled if name.strip()}
        found = list(entry_points(group=ENTRY_POINT_GROUP) if eps is None else eps)
        found.sort(key=lambda ep: (_dist_of(ep)[0], ep.name))
        known = {ep.name for ep in found} | {_dist_of(ep)[0] for ep in found}
        registry.unknown_disabled = sorted(off - known)
        registry.plugin_names = sorted({ep.name for ep in found})
        for ep in found:
            dist, version = _dist_of(ep)
            if ep.name in off or dist in off:
                registry.disabled.append(f"{ep.name} ({dist})")
                continue
            try:
                load_entry_point(registry, ep)
            except PluginError as exc:
                if strict:
                    raise
                registry.broken.append(BrokenPlugin(ep.name, dist, version, str(exc)))
        return registry


def _dist_of(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return ("<unknown distribution>", "")
    return (str(dist.name or "<unknown distribution>"), str(dist.version or ""))


def load_entry_point(registry: Registry, ep: EntryPoint) -> None:
    """Import one entry point's plugin and register it; every failure names the package."""
    dist, version = _dist_of(ep)
    where = f"{dist} {version}".strip()
    try:
        obj = ep.load()
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - a plugin may fail in any way
        raise PluginError(
            f"plugin {ep.name!r} from {where} (entry point {ep.name} = {ep.value}) failed to load: "
            f"{type(exc).__name__}: {exc}",
            plugin=ep.name,
            source=where,
        ) from exc
    if not isinstance(obj, Plugin):
        raise PluginError(
            f"plugin {ep.name!r} from {where} (entry point {ep.name} = {ep.value}) is a "
            f"{type(obj).__name__}, not a refocus_dsl.plugin.Plugin object",
            plugin=obj,
            source=where,
        )
    registry.register(obj, source=dist, version=version)


@functools.cache
def default_registry() -> Registry:
    """Every installed plugin, loaded once per process (a failure is raised, not cached).

    Even the built-in tools come from entry points, so an empty registry means
    the package metadata is missing or stale (a source tree never installed):
    that is an error with the fix, not an empty language.
    """
    registry = Registry.from_entry_points(disabled=disabled_plugins(), strict=False)
    for bad in registry.broken:
        log.warning(
            "%s; its tools are not available (switch it off with %s=%s or --disable-plugin %s)",
            bad.error, DISABLE_ENV, bad.entry_point, bad.entry_point,
        )  # fmt: skip
    for name in registry.unknown_disabled:  # a typo, or a tool's name (zoom comes from crop)
        log.warning(
            "cannot switch off %r: no plugin or package has that name (plugins: %s)",
            name, ", ".join(registry.plugin_names),
        )  # fmt: skip
    if len(registry) == 0 and not registry.disabled:
        raise PluginError(
            f"no edit tools are installed (no entry points in the {ENTRY_POINT_GROUP!r} group); "
            "install refocus-dsl with pip (for a source checkout: pip install -e .) so that "
            "its built-in tools are registered"
        )
    return registry


_switched_off: tuple[str, ...] = ()


def disabled_plugins() -> frozenset[str]:
    """Plugins not to load: ``REFOCUS_DISABLE_PLUGINS`` and :func:`disable_plugins`."""
    from_env = os.environ.get(DISABLE_ENV, "").split(",")
    return frozenset(n.strip() for n in (*from_env, *_switched_off) if n.strip())


def disable_plugins(names: Iterable[str]) -> None:
    """Switch plugins off for this process (what ``--disable-plugin`` does); the next
    :func:`default_registry` call loads without them."""
    global _switched_off
    wanted = tuple(sorted({n.strip() for n in names if n.strip()}))
    if wanted != _switched_off:
        _switched_off = wanted
        default_registry.cache_clear()
