"""One question of the loop: its inputs, its layout, and what it produced.

Shared by the model-driven dialogue (:mod:`refocus_dsl.loop.session`) and the
offline planner (:mod:`refocus_dsl.loop.offline`), so neither imports the other's
driver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from refocus_dsl.errors import LayoutError, RefocusError
from refocus_dsl.imageio import load_image, normalize_image
from refocus_dsl.layout import Layout, load_layout
from refocus_dsl.loop.client import Usage
from refocus_dsl.loop.dialogue import Message, Status, Turn
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.images import ImageRef
from refocus_dsl.loop.prompt import PROMPT_STYLES

if TYPE_CHECKING:
    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.ocr_time import OcrTimeLimit

NO_MODEL_MESSAGE = "no answer without a model"
DEFAULT_MAX_TURNS = 4
"""Edit turns the model gets before it must answer (``ask(max_turns=...)``)."""
MAX_TURNS = 50
"""The most turns ``max_turns`` may allow."""
ImageInput = str | Path | bytes | Image.Image


@dataclass(frozen=True)
class ResolvedLayout:
    """A layout looked for beforehand (by ``refocus eval``'s detection workers), with
    where it came from and notes on what went wrong: passed as ``layout``, it is used
    as it is, so a question never detects its image a second time."""

    layout: Layout | None
    source: str = "detected"
    notes: tuple[str, ...] = ()


LayoutInput = Layout | ResolvedLayout | str | Path | Mapping[str, Any] | None
"""A layout, one found beforehand, a layout file or document, or None to detect one."""


@dataclass(frozen=True)
class AskResult:
    """Everything one question produced. ``answer`` is None when the model gave none."""

    question: str
    answer: str | None
    status: Status
    turns: tuple[Turn, ...]
    usage: Usage
    image: Image.Image = field(repr=False)
    layout: Layout | None = field(repr=False)
    layout_source: str = "none"
    model: str | None = None
    base_url: str | None = None
    prompt_style: str = "dsl"
    max_turns: int = DEFAULT_MAX_TURNS
    elapsed_s: float = 0.0
    message: str = ""
    error: str = ""
    notes: tuple[str, ...] = ()
    messages: tuple[Message, ...] = field(default=(), repr=False)
    images: Mapping[str, ImageRef] = field(default_factory=dict, repr=False)
    trace_dir: Path | None = None

    def _repr_png_(self) -> bytes | None:
        """The last edited image (the input when nothing was edited), for notebooks."""
        edited = self.edited_images
        return (edited[-1] if edited else self.image)._repr_png_()

    @property
    def edited_images(self) -> tuple[Image.Image, ...]:
        return tuple(t.edited_image for t in self.turns if t.edited_image is not None)

    @property
    def programs(self) -> tuple[str, ...]:
        return tuple(t.program for t in self.turns if t.program is not None)

    @property
    def edits(self) -> int:
        """Programs that ran and produced an edited image."""
        return sum(1 for t in self.turns if t.edited)

    @property
    def hit_max_turns(self) -> bool:
        return any(t.kind == "final" for t in self.turns)

    @property
    def own_s(self) -> float:
        return sum(t.own_s for t in self.turns)

    @property
    def model_s(self) -> float:
        return sum(t.latency_s for t in self.turns)


def load_input_image(source: ImageInput, limits: Limits | None = None) -> Image.Image:
    """The question's image, decoded and checked against ``limits.max_pixels``."""
    from refocus_dsl.lang.limits import DEFAULT_MAX_PIXELS

    max_pixels = limits.max_pixels if limits is not None else DEFAULT_MAX_PIXELS
    if isinstance(source, Image.Image):
        return normalize_image(source, max_pixels).image
    return load_image(source, max_pixels).image


def detect_for_question(
    image: Image.Image, kind: str = "auto", ocr: str = "auto", cache: bool = True,
    ocr_time: OcrTimeLimit | None = None,
) -> ResolvedLayout:
    """Detect ``image``'s layout; a failure or a detector crash is a note, not an error."""
    try:
        from refocus_dsl.detect import detect_layout
    except ImportError as exc:
        return ResolvedLayout(None, "none", (f"layout detection unavailable ({exc})",))
    try:
        found = detect_layout(image, kind, ocr=ocr, cache=None if cache else False,
                              ocr_time=ocr_time)
    except RefocusError as exc:
        return ResolvedLayout(None, "none", (f"layout detection failed: {exc}",))
    except Exception as exc:  # noqa: BLE001 - a detector bug must not end the question
        note = f"layout detection crashed ({type(exc).__name__}: {exc})"
        return ResolvedLayout(None, "none", (note,))
    return ResolvedLayout(found, "detected", tuple(found.notes))


def resolve_layout(
    image: Image.Image, layout: LayoutInput, *, detect: bool = True
) -> tuple[Layout | None, str, tuple[str, ...]]:
    """The layout to use, where it came from, and notes on what went wrong."""
    if layout is None and detect:
        layout = detect_for_question(image)
    if isinstance(layout, ResolvedLayout):
        if layout.layout is None:
            return None, layout.source, layout.notes
        found, source = layout.layout, layout.source
    elif isinstance(layout, Layout):
        found, source = layout, "given"
    elif layout is not None:
        found, source = load_layout(layout), "given"
    else:
        return None, "none", ("no layout given and detection is off",)
    if (found.width, found.height) != (image.width, image.height):
        raise LayoutError(
            f"the layout is for a {found.width}x{found.height} image, this image is "
            f"{image.width}x{image.height}"
        )
    return found, source, tuple(found.notes)


def check_args(max_turns: int, prompt_style: str) -> None:
    if prompt_style not in PROMPT_STYLES:
        raise LoopError(
            f"unknown prompt style {prompt_style!r}; choose from {', '.join(PROMPT_STYLES)}"
        )
    if not 1 <= max_turns <= MAX_TURNS:
        raise LoopError(f"max turns must be between 1 and {MAX_TURNS}, got {max_turns}")
