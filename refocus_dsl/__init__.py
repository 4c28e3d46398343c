"""refocus-dsl: let a multimodal model think by editing the image, safely.

The pipeline, one module per stage::

    image  -> detect_layout -> Layout
    text   -> parse         -> Program
    check(Program, Layout)  -> [Diagnostic]
    run(Program, image, Layout) -> Result(image, trace)

``compile_program(text, layout)`` does parse and check in one step and returns a
``CheckedProgram`` (``.ok``, ``.diagnostics``, ``.program``, ``.run(image)``).

Names are imported lazily so that ``import refocus_dsl`` stays cheap (the
model loop, OCR and numpy load only when used).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # language
    "parse": "refocus_dsl.lang.parser",
    "format_program": "refocus_dsl.lang.printer",
    "check": "refocus_dsl.lang.checker",
    "compile_program": "refocus_dsl.lang.pipeline",
    "CheckedProgram": "refocus_dsl.lang.pipeline",
    "Limits": "refocus_dsl.lang.limits",
    "run": "refocus_dsl.lang.pipeline",
    "Result": "refocus_dsl.lang.interpreter",
    "Program": "refocus_dsl.lang.ast",
    "Diagnostic": "refocus_dsl.lang.diagnostics",
    "Severity": "refocus_dsl.lang.diagnostics",
    # layouts
    "Layout": "refocus_dsl.layout",
    "load_layout": "refocus_dsl.layout",
    "detect_layout": "refocus_dsl.detect",
    "draw_overlay": "refocus_dsl.overlay",
    "load_image": "refocus_dsl.imageio",
    # plugins
    "Registry": "refocus_dsl.registry",
    "default_registry": "refocus_dsl.registry",
    # the model loop
    "ask": "refocus_dsl.loop",
    "AskResult": "refocus_dsl.loop",
    "EndpointConfig": "refocus_dsl.loop.config",
    # errors
    "RefocusError": "refocus_dsl.errors",
    "ProgramError": "refocus_dsl.errors",
    "LayoutError": "refocus_dsl.errors",
    "ImageError": "refocus_dsl.errors",
    "LimitError": "refocus_dsl.errors",
    "PluginError": "refocus_dsl.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'refocus_dsl' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from refocus_dsl.detect import detect_layout as detect_layout
    from refocus_dsl.errors import ImageError as ImageError
    from refocus_dsl.errors import LayoutError as LayoutError
    from refocus_dsl.errors import LimitError as LimitError
    from refocus_dsl.errors import PluginError as PluginError
    from refocus_dsl.errors import ProgramError as ProgramError
    from refocus_dsl.errors import RefocusError as RefocusError
    from refocus_dsl.imageio import load_image as load_image
    from refocus_dsl.lang.ast import Program as Program
    from refocus_dsl.lang.checker import check as check
    from refocus_dsl.lang.diagnostics import Diagnostic as Diagnostic
    from refocus_dsl.lang.diagnostics import Severity as Severity
    from refocus_dsl.lang.interpreter import Result as Result
    from refocus_dsl.lang.limits import Limits as Limits
    from refocus_dsl.lang.parser import parse as parse
    from refocus_dsl.lang.pipeline import CheckedProgram as CheckedProgram
    from refocus_dsl.lang.pipeline import compile_program as compile_program
    from refocus_dsl.lang.pipeline import run as run
    from refocus_dsl.lang.printer import format_program as format_program
    from refocus_dsl.layout import Layout as Layout
    from refocus_dsl.layout import load_layout as load_layout
    from refocus_dsl.loop import AskResult as AskResult
    from refocus_dsl.loop import ask as ask
    from refocus_dsl.loop.config import EndpointConfig as EndpointConfig
    from refocus_dsl.overlay import draw_overlay as draw_overlay
    from refocus_dsl.registry import Registry as Registry
    from refocus_dsl.registry import default_registry as default_registry
