"""The loop's one doorway into the language: compile, run, render.

Model text reaches the package only through here, and only as data for the
parser; nothing it says is executed. Any failure becomes an :class:`Outcome`
the dialogue can send back, never an exception out of the loop.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image

from refocus_dsl.errors import ProgramError, RefocusError
from refocus_dsl.lang.diagnostics import Diagnostic
from refocus_dsl.layout import Box, Layout

if TYPE_CHECKING:
    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.registry import Registry


@dataclass(frozen=True)
class Outcome:
    """What became of one program: diagnostics, or an edited image and its steps."""

    source: str
    diagnostics: tuple[Diagnostic, ...] = ()
    diagnostics_text: str = ""
    image: Image.Image | None = None
    steps: tuple[Any, ...] = ()
    """The interpreter's trace, as JSON-ready values."""
    boxes: tuple[Box, ...] = ()
    error: str = ""
    """Why a checked program still could not run (a layout without columns, ...)."""

    @property
    def ok(self) -> bool:
        return self.image is not None

    def turn_fields(self, edited_file: str | None) -> dict[str, Any]:
        """What a :class:`~refocus_dsl.loop.dialogue.Turn` records of this outcome."""
        return dict(
            diagnostics=self.diagnostics,
            diagnostics_text=self.diagnostics_text,
            run_error=self.error,
            steps=self.steps,
            boxes=self.boxes,
            edited_image=self.image,
            edited_file=edited_file if self.image is not None else None,
        )


def jsonable(value: Any) -> Any:
    """Plain JSON values from dataclasses, enums, tuples and mappings (for traces)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return jsonable(to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not isinstance(getattr(value, f.name), Image.Image)
        }
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, Image.Image):
        return f"<image {value.width}x{value.height} {value.mode}>"
    return str(value)


def _is_box(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    )


def collect_boxes(steps: Any) -> tuple[Box, ...]:
    """Every pixel box the interpreter resolved (values under keys named ``boxes``)."""
    found: list[Box] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, val in node.items():
                if key in ("boxes", "resolved_boxes", "resolved") and isinstance(val, list):
                    found.extend(
                        (int(b[0]), int(b[1]), int(b[2]), int(b[3])) for b in val if _is_box(b)
                    )
                else:
                    walk(val)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(steps)
    return tuple(found)


def render(diagnostics: Sequence[Diagnostic], source: str, filename: str = "program") -> str:
    """The text rendering with carets, exactly as ``refocus check`` prints it."""
    from refocus_dsl.lang.diagnostics import render_text

    return str(render_text(list(diagnostics), source, filename))


def try_program(
    source: str,
    image: Image.Image,
    layout: Layout | None,
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> Outcome:
    """Compile one program of the model's against the layout and, only when it checks
    clean, run it; every failure becomes the Outcome's diagnostics or error."""
    from refocus_dsl.lang.pipeline import compile_program

    checked = compile_program(source, layout, registry=registry, limits=limits)
    diags = checked.diagnostics
    text = render(diags, source) if diags else ""
    if not checked.ok:
        return Outcome(source, diags, text)
    try:
        result = checked.run(image)
    except ProgramError as exc:
        more = tuple(exc.diagnostics)
        return Outcome(source, diags + more, render(diags + more, source))
    except RefocusError as exc:
        return Outcome(source, diags, text, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a third-party tool crashed; tell the model, go on
        return Outcome(source, diags, text, error=f"the edit failed ({type(exc).__name__}: {exc})")
    steps = jsonable(getattr(result, "trace", ()))
    steps_t = tuple(steps) if isinstance(steps, list) else (steps,)
    return Outcome(
        source,
        diags,
        text,
        image=result.image,
        steps=steps_t,
        boxes=collect_boxes(steps),
    )
