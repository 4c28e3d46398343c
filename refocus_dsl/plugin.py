"""The plugin API: how an edit tool declares itself.

A plugin is a module-level :class:`Plugin` object named by an entry point in
the ``refocus_dsl.plugins`` group. Each :class:`ToolSpec` declares a tool's
signature declaratively (typed parameters with defaults, ranges and choices;
the target kinds it accepts); the checker, the language reference and the
model's prompt are generated from these declarations, and ``apply`` is only
ever called with arguments the checker accepted.

Contract for ``apply(ctx)``: edit ``ctx.canvas`` in place (a Pillow image of
mode RGB, RGBA, L or LA, whose size never changes unless the tool declares
``changes_geometry``), using ``ctx.targets`` (resolved pixel boxes) and
``ctx.params`` (checked values, defaults filled in). It must be deterministic.

Parameter values arrive as Python values: ``number`` as float, ``integer`` as
int, ``boolean`` as bool, ``string``/``enum`` as str, and ``color`` as an RGBA
tuple (see :mod:`refocus_dsl.colors`, whose ``pixel_for_mode`` gives the pixel
value for the canvas mode). Target boxes are already clipped to the canvas;
boxes that fell outside it are dropped. A tool that ``changes_geometry``
returns the new canvas and sets ``ctx.transform`` to say where old pixels went,
so that later statements' boxes can be mapped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from refocus_dsl.lang.limits import DEFAULT_MAX_PIXELS
from refocus_dsl.lang.target_kinds import ALL_TARGET_KINDS
from refocus_dsl.layout import Box, Layout

if TYPE_CHECKING:  # annotations only: loading the API does not load Pillow
    from PIL import Image

PLUGIN_API_VERSION = 1
"""Bumped when a change breaks existing plugins; the registry refuses others."""

ParamType = Literal["color", "number", "integer", "string", "boolean", "enum"]
__all__ = [
    "PLUGIN_API_VERSION",
    "ALL_TARGET_KINDS",
    "REQUIRED",
    "Param",
    "TargetSet",
    "Transform",
    "EditContext",
    "ToolSpec",
    "Plugin",
]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""Default of a parameter that has none: the program must give it."""


@dataclass(frozen=True)
class Param:
    """One keyword parameter of a tool (the target is always the first positional)."""

    name: str
    type: ParamType
    default: Any = REQUIRED
    doc: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetSet:
    """A resolved target: the boxes to edit and the group extent they belong to.

    ``siblings`` are all boxes of the same group (every column of the table,
    every category region of the chart, ...), for tools such as ``keep_only``
    that act on what was *not* named; ``protected`` are boxes a tool must not
    touch (the table's header rows); ``extent`` is the group's bounding box.
    """

    kind: str
    boxes: tuple[Box, ...]
    labels: tuple[str, ...] = ()
    siblings: tuple[Box, ...] = ()
    protected: tuple[Box, ...] = ()
    extent: Box | None = None


@dataclass(frozen=True)
class Transform:
    """How a geometry-changing tool moved pixels: ``new = (old - offset) * scale``.

    Boxes map with :meth:`map_box`; the identity is ``Transform()``.
    """

    offset_x: float = 0.0
    offset_y: float = 0.0
    scale_x: float = 1.0
    scale_y: float = 1.0

    def map_point(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.offset_x) * self.scale_x, (y - self.offset_y) * self.scale_y)

    def map_box(self, box: Box) -> Box:
        """Map a half-open box; edges are rounded so touching boxes keep touching."""
        x1, y1 = self.map_point(box[0], box[1])
        x2, y2 = self.map_point(box[2], box[3])
        return (round(x1), round(y1), round(x2), round(y2))

    def then(self, later: Transform) -> Transform:
        """This transform followed by ``later`` (as one transform)."""
        return Transform(
            offset_x=self.offset_x + later.offset_x / self.scale_x,
            offset_y=self.offset_y + later.offset_y / self.scale_y,
            scale_x=self.scale_x * later.scale_x,
            scale_y=self.scale_y * later.scale_y,
        )

    @property
    def is_identity(self) -> bool:
        return (self.offset_x, self.offset_y, self.scale_x, self.scale_y) == (0.0, 0.0, 1.0, 1.0)


@dataclass
class EditContext:
    """What ``apply`` gets: the canvas to edit in place, targets and checked params."""

    canvas: Image.Image
    targets: TargetSet
    params: Mapping[str, Any]
    layout: Layout | None = None
    notes: list[str] = field(default_factory=list)
    transform: Transform | None = None
    """Set by a ``changes_geometry`` tool: where the old canvas's pixels went."""
    max_pixels: int = DEFAULT_MAX_PIXELS
    """The run's pixel limit: a tool that enlarges the canvas checks its output size
    against it before allocating (the interpreter checks every result again)."""


@dataclass(frozen=True)
class ToolSpec:
    name: str
    summary: str
    apply: Callable[[EditContext], Image.Image | None]
    params: tuple[Param, ...] = ()
    targets: frozenset[str] = ALL_TARGET_KINDS
    example: str = ""
    changes_geometry: bool = False
    """True for tools (crop, zoom) whose output canvas differs in size; the
    interpreter then maps later statements' boxes and uses the returned image."""
    details: str = ""
    """Optional Markdown paragraph for the language reference: the exact pixel
    semantics, edge cases (overlaps, modes). Not sent to the model."""


@dataclass(frozen=True)
class Plugin:
    """What an entry point names: a set of tools and the API version it was written for."""

    tools: tuple[ToolSpec, ...]
    api_version: int = PLUGIN_API_VERSION
    name: str = ""
