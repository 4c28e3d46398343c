"""Running a checked program on an image: edits in order on one canvas, with a trace.

:func:`run` checks the program first (and refuses it with a
:class:`~refocus_dsl.errors.ProgramError` carrying every error), converts the
image to an editable mode (saying so in ``Result.notes``), then applies each
statement's tool to one canvas. The input image is never modified: the canvas
is the one copy made per run. Everything is deterministic, so the same
program, image and layout give the same bytes.

Coordinates. Every target names things of the *original* image (its layout,
or fractions of its size for ``region``). After a tool that changes geometry
(``crop``), later targets are mapped through the accumulated
:class:`~refocus_dsl.plugin.Transform` and clipped to the new canvas, so an
edit followed by a crop gives the same pixels as the crop followed by the edit.
A target left with no box on the canvas is not an error (the program was
valid; the crop left that part out) but a note: the tool still runs, with no
named boxes (``mask`` then changes nothing, ``keep_only`` masks the rest of the
group that is still visible), except geometry tools, which are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PIL import Image

from refocus_dsl.colors import parse_color
from refocus_dsl.errors import LayoutError, PluginError, RefocusError
from refocus_dsl.imageio import DEFAULT_MAX_PIXELS, LoadedImage, check_pixels, normalize_image
from refocus_dsl.lang import ast
from refocus_dsl.layout import Box, Layout
from refocus_dsl.plugin import EditContext, Param, TargetSet, ToolSpec, Transform
from refocus_dsl.registry import Registry, default_registry

if TYPE_CHECKING:
    from refocus_dsl.lang.limits import Limits


@dataclass(frozen=True)
class TraceStep:
    """What one statement did: the tool, its arguments, and the pixels it was given."""

    index: int
    """1-based statement number."""
    line: int
    tool: str
    params: Mapping[str, Any]
    """Every parameter, defaults filled in, as JSON values (colours as written)."""
    target_kind: str
    labels: tuple[str, ...]
    boxes: tuple[Box, ...]
    """Target boxes in the coordinates of the canvas the tool edited (after earlier crops)."""
    canvas_size: tuple[int, int]
    """Canvas size after this statement."""
    source: str = ""
    origin: str | None = None
    """The paper call this statement was lowered from, if any."""
    notes: tuple[str, ...] = ()
    skipped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "line": self.line,
            "source": self.source,
            "origin": self.origin,
            "tool": self.tool,
            "params": dict(self.params),
            "target": {
                "kind": self.target_kind,
                "labels": list(self.labels),
                "boxes": [list(b) for b in self.boxes],
            },
            "canvas_size": list(self.canvas_size),
            "skipped": self.skipped,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Result:
    """The edited image, one trace step per statement, and notes (conversions, warnings)."""

    image: Image.Image
    trace: tuple[TraceStep, ...]
    notes: tuple[str, ...] = ()
    original_mode: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "image": {
                "width": self.image.width,
                "height": self.image.height,
                "mode": self.image.mode,
                "original_mode": self.original_mode,
            },
            "steps": [s.to_dict() for s in self.trace],
            "notes": list(self.notes),
        }

    def trace_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _repr_png_(self) -> bytes | None:
        """The edited image, for notebooks (IPython shows a Result as its image)."""
        return self.image._repr_png_()


# ---------------------------------------------------------------- arguments


def _literal(expr: ast.Expr) -> Any:
    if isinstance(expr, (ast.String, ast.Integer, ast.Float, ast.Boolean, ast.Color)):
        return expr.value
    if isinstance(expr, ast.Name):
        return expr.name
    raise RefocusError(f"unchecked program: {type(expr).__name__} where a value belongs")


def _convert(param: Param, value: Any) -> tuple[Any, Any]:
    """``(value for the trace, value for the tool)`` of one checked argument."""
    if param.type == "color":
        rgba = parse_color(str(value))
        if rgba is None:  # the checker refuses this; guard against an unchecked caller
            raise RefocusError(f"parameter {param.name}: {value!r} is not a colour")
        return str(value).strip().lower(), rgba
    if param.type == "number":
        return value, float(value)
    if param.type == "integer":
        return value, int(value)
    if param.type == "boolean":
        return value, bool(value)
    return value, str(value)


def bind(call: ast.Call, spec: ToolSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """Arguments of a checked tool call: ``(trace params, tool params)``, defaults filled in.

    The target is the first positional argument; further positional arguments
    fill the parameters in declared order; keywords fill them by name.
    """
    given: dict[str, Any] = {}
    for param, expr in zip(spec.params, call.args[1:], strict=False):
        given[param.name] = _literal(expr)
    for kw in call.keywords:
        given[kw.name] = _literal(kw.value)
    shown: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for param in spec.params:
        raw = given.get(param.name, param.default)
        shown[param.name], values[param.name] = _convert(param, raw)
    return shown, values


# ---------------------------------------------------------------- geometry


def _clip(box: Box, width: int, height: int) -> Box | None:
    x1, y1 = max(0, box[0]), max(0, box[1])
    x2, y2 = min(width, box[2]), min(height, box[3])
    if x2 <= x1 or y2 <= y1:
        return None
    return (x1, y1, x2, y2)


def _place(boxes: tuple[Box, ...], t: Transform, width: int, height: int) -> tuple[Box, ...]:
    out = []
    for b in boxes:
        c = _clip(t.map_box(b), width, height)
        if c is not None:
            out.append(c)
    return tuple(out)


def place_targets(targets: TargetSet, t: Transform, width: int, height: int) -> TargetSet:
    """A target set mapped through ``t`` and clipped to a ``width`` x ``height`` canvas.

    Boxes keep their order; boxes and labels are dropped together when a box
    leaves the canvas.
    """
    pairs = [(_clip(t.map_box(b), width, height), i) for i, b in enumerate(targets.boxes)]
    kept = tuple(c for c, _ in pairs if c is not None)
    labels = targets.labels
    if len(labels) == len(targets.boxes):  # one label per box: drop them together
        labels = tuple(labels[i] for c, i in pairs if c is not None)
    extent = None
    if targets.extent is not None:
        extent = _clip(t.map_box(targets.extent), width, height) or (0, 0, 0, 0)
    return TargetSet(
        kind=targets.kind,
        boxes=kept,
        labels=labels,
        siblings=_place(targets.siblings, t, width, height),
        protected=_place(targets.protected, t, width, height),
        extent=extent,
    )


# ---------------------------------------------------------------- running


def _max_pixels(limits: Limits | None) -> int:
    value = getattr(limits, "max_pixels", None)
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_MAX_PIXELS


def _source_of(program: ast.Program, stmt: ast.Statement) -> str:
    span = stmt.span
    if program.source and 0 <= span.start < span.end <= len(program.source):
        return program.source[span.start : span.end]
    return ""


def execute(
    program: ast.Program,
    image: Image.Image | LoadedImage,
    layout: Layout | None = None,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
    notes: list[str] | None = None,
) -> Result:
    """Apply an already checked program: ``run`` without the check, for callers that just did it."""
    from refocus_dsl.lang.targets import resolve

    reg = registry if registry is not None else default_registry()
    max_pixels = _max_pixels(limits)
    run_notes = list(notes or ())
    if isinstance(image, LoadedImage):  # normalised already, unless built by hand: redo, cheaply
        again = normalize_image(image.image, max_pixels)
        loaded = LoadedImage(again.image, image.original_mode, image.notes + again.notes)
    else:
        loaded = normalize_image(image, max_pixels)
    run_notes.extend(loaded.notes)
    canvas = loaded.image
    width0, height0 = canvas.size
    if layout is not None and (layout.width, layout.height) != (width0, height0):
        raise LayoutError(
            f"the layout describes a {layout.width}x{layout.height} image but the image is "
            f"{width0}x{height0}; detect a layout for this image or resize it"
        )
    transform = Transform()
    trace: list[TraceStep] = []
    for number, stmt in enumerate(program.statements, start=1):
        call = stmt.call
        spec = reg.get(call.name)
        if spec is None or not call.args or not isinstance(call.args[0], ast.Call):
            raise RefocusError(f"unchecked program: statement {number}, {call.name}(...)")
        shown, values = bind(call, spec)
        resolved = resolve(call.args[0], layout, width0, height0)
        targets = place_targets(resolved, transform, canvas.width, canvas.height)
        step_notes: list[str] = []
        skipped = False
        if not targets.boxes:
            where = "the image" if transform.is_identity else "the cropped image"
            skipped = spec.changes_geometry
            what = "skipped" if skipped else "nothing named is left to edit"
            step_notes.append(
                f"statement {number} ({call.name}): its target lies outside {where}; {what}"
            )
        if not skipped:
            ctx = EditContext(
                canvas=canvas, targets=targets, params=values, layout=layout, max_pixels=max_pixels
            )
            canvas, transform = _apply(spec, ctx, reg, transform, max_pixels)
            step_notes.extend(f"statement {number}: {n}" for n in ctx.notes)
        run_notes.extend(step_notes)
        trace.append(
            TraceStep(
                index=number,
                line=stmt.span.line,
                tool=spec.name,
                params=shown,
                target_kind=targets.kind,
                labels=targets.labels,
                boxes=targets.boxes,
                canvas_size=canvas.size,
                source=_source_of(program, stmt),
                origin=stmt.origin,
                notes=tuple(step_notes),
                skipped=skipped,
            )
        )
    return Result(canvas, tuple(trace), tuple(run_notes), loaded.original_mode)


def _apply(
    spec: ToolSpec,
    ctx: EditContext,
    reg: Registry,
    transform: Transform,
    max_pixels: int,
) -> tuple[Image.Image, Transform]:
    """Call one tool and hold it to the plugin contract (mode, size, transform)."""
    canvas = ctx.canvas
    size, mode = canvas.size, canvas.mode
    try:
        source = " ".join(reg.source_of(spec.name)).strip()
    except KeyError:
        source = "an unregistered plugin"
    try:
        out = spec.apply(ctx)
    except RefocusError:
        raise
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - a plugin may fail in any way
        raise PluginError(
            f"tool {spec.name!r} (from {source}) failed: {type(exc).__name__}: {exc}",
            plugin=spec,
            source=source,
        ) from exc
    result = canvas if out is None else out
    if not isinstance(result, Image.Image) or result.mode != mode:
        raise PluginError(
            f"tool {spec.name!r} (from {source}) broke the plugin contract: "
            f"it must return None or a {mode} image",
            plugin=spec,
            source=source,
        )
    if spec.changes_geometry:
        if ctx.transform is None:
            raise PluginError(
                f"tool {spec.name!r} (from {source}) changes geometry but set no ctx.transform",
                plugin=spec,
                source=source,
            )
        check_pixels(result.width, result.height, max_pixels)
        return result, transform.then(ctx.transform)
    if result.size != size:
        raise PluginError(
            f"tool {spec.name!r} (from {source}) changed the image size without declaring "
            "changes_geometry",
            plugin=spec,
            source=source,
        )
    return result, transform
