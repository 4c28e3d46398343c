"""``ask``: one question about one image, answered by a model that edits the image.

The same dialogue runs under a blocking driver (:func:`ask`) and an asyncio
driver (:func:`ask_async`, used by ``refocus eval`` to keep many questions in
flight). With no endpoint configured, the offline planner writes the program
and no answer is given.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from refocus_dsl.errors import LayoutError, ModelError, RefocusError
from refocus_dsl.imageio import load_image, normalize_image
from refocus_dsl.layout import Layout, load_layout
from refocus_dsl.loop.client import AsyncChatClient, ChatClient, Usage
from refocus_dsl.loop.config import EndpointConfig, resolve_config
from refocus_dsl.loop.dialogue import Dialogue, Message, Part, Status, Turn
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.images import ImageRef, png_bytes
from refocus_dsl.loop.prompt import PROMPT_STYLES, build_answer_prompt, build_prompt

if TYPE_CHECKING:
    from refocus_dsl.limits import Limits
    from refocus_dsl.registry import Registry

NO_MODEL_MESSAGE = "no answer without a model"
DEFAULT_MAX_TURNS = 4
"""Edit turns the model gets before it must answer (``ask(max_turns=...)``)."""
MAX_TURNS = 50
"""The most turns ``max_turns`` may allow."""
MODES: tuple[str, ...] = ("refocus", "direct", "planner")
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
    from refocus_dsl.limits import DEFAULT_MAX_PIXELS

    max_pixels = limits.max_pixels if limits is not None else DEFAULT_MAX_PIXELS
    if isinstance(source, Image.Image):
        return normalize_image(source, max_pixels).image
    return load_image(source, max_pixels).image


def detect_for_question(
    image: Image.Image, kind: str = "auto", ocr: str = "auto", cache: bool = True
) -> ResolvedLayout:
    """Detect ``image``'s layout; a failure or a detector crash is a note, not an error."""
    try:
        from refocus_dsl.detect import detect_layout
    except ImportError as exc:
        return ResolvedLayout(None, "none", (f"layout detection unavailable ({exc})",))
    try:
        found = detect_layout(image, kind, ocr=ocr, cache=None if cache else False)
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




@dataclass
class Prepared:
    """What a question needs before the first request (shared by both drivers)."""

    question: str
    image: Image.Image
    layout: Layout | None
    layout_source: str
    notes: tuple[str, ...]
    dialogue: Dialogue
    config: EndpointConfig
    started: float


def prepare(
    image: ImageInput,
    question: str,
    config: EndpointConfig,
    *,
    layout: LayoutInput = None,
    max_turns: int = DEFAULT_MAX_TURNS,
    prompt_style: str = "dsl",
    registry: Registry | None = None,
    limits: Limits | None = None,
    detect: bool = True,
    mode: str = "refocus",
) -> Prepared:
    """Load, find the layout, build the prompt and the dialogue.

    ``mode``: ``refocus`` (the model edits), or a baseline: ``direct`` (answer
    from the image, no tools) or ``planner`` (the offline planner's edit is
    shown, the model only answers).
    """
    started = time.perf_counter()
    check_args(max_turns, prompt_style)
    if mode not in MODES:
        raise LoopError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
    if not question.strip():
        raise LoopError("the question is empty")
    img = load_input_image(image, limits)
    found, source, notes = resolve_layout(img, layout, detect=detect)
    original = ImageRef("input.png", png_bytes(img))
    first: tuple[Part, ...] | None = None
    pre: tuple[Turn, ...] = ()
    if mode == "refocus":
        prompt = build_prompt(prompt_style, question, found, registry)
    elif mode == "direct":
        prompt = build_answer_prompt(question)
    else:
        from refocus_dsl.loop.language import try_program
        from refocus_dsl.loop.planner import plan

        t0 = time.perf_counter()
        p = plan(question, found)
        outcome = try_program(p.program, img, found, registry, limits) if p.program else None
        edited = outcome.image if outcome is not None else None
        if edited is not None and outcome is not None:
            ref = ImageRef("turn1.png", png_bytes(edited))
            first = (ref, original)
            prompt = build_answer_prompt(question, p.program)
        else:
            prompt = build_answer_prompt(question)
        pre = (
            Turn(
                index=0, kind="planner", reply="", thought="; ".join(p.reasons),
                program=p.program or None, language="refocus",
                diagnostics=outcome.diagnostics if outcome else (),
                diagnostics_text=outcome.diagnostics_text if outcome else "",
                run_error=outcome.error if outcome else "",
                steps=outcome.steps if outcome else (), boxes=outcome.boxes if outcome else (),
                edited_image=edited, edited_file="turn1.png" if edited is not None else None,
                own_s=time.perf_counter() - t0, note="offline planner",
            ),
        )  # fmt: skip
    dialogue = Dialogue(
        image=img,
        question=question,
        layout=found,
        prompt=prompt,
        max_turns=max_turns,
        registry=registry,
        limits=limits,
        original_png=original.png,
        tools=mode == "refocus",
        first_parts=first,
        pre_turns=pre,
        image_max_side=config.image_max_side,
        max_images=config.max_images,
    )
    return Prepared(question, img, found, source, notes, dialogue, config, started)


def finish(prepared: Prepared, error: str = "", trace_dir: str | Path | None = None) -> AskResult:
    d = prepared.dialogue
    status: Status = "error" if error else (d.status or "no_answer")
    usage = Usage()
    for t in d.turns:
        usage = usage + t.usage
    result = AskResult(
        question=prepared.question,
        answer=d.answer,
        status=status,
        turns=tuple(d.turns),
        usage=usage,
        image=prepared.image,
        layout=prepared.layout,
        layout_source=prepared.layout_source,
        model=prepared.config.model,
        base_url=prepared.config.base_url,
        prompt_style=d.prompt.style,
        max_turns=d.max_turns,
        elapsed_s=time.perf_counter() - prepared.started,
        error=error,
        notes=prepared.notes,
        messages=tuple(d.messages),
        images=dict(d.images),
    )
    if trace_dir is not None:
        from refocus_dsl.loop.trace import write_trace

        result = write_trace(result, trace_dir)
    return result


def ask(
    image: ImageInput,
    question: str,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    max_turns: int | None = None,
    layout: LayoutInput = None,
    trace_dir: str | Path | None = None,
    prompt_style: str = "dsl",
    registry: Registry | None = None,
    limits: Limits | None = None,
    config: EndpointConfig | None = None,
    timeout_s: float | None = None,
    max_retries: int | None = None,
    backoff_s: float | None = None,
    detect: bool = True,
    notify: Callable[[str], None] | None = None,
    mode: str = "refocus",
    offline: bool = False,
) -> AskResult:
    """Answer ``question`` about ``image`` with the ReFocus loop.

    The endpoint comes from ``config``, else the arguments, else the
    environment (``OPENAI_BASE_URL``, ``OPENAI_API_KEY``, ``REFOCUS_MODEL``).
    Without one, the offline planner edits the image and the answer is None.
    Endpoint failures that retries cannot fix raise :class:`ModelError`
    (after the trace, marked incomplete, is written). ``mode`` ``direct`` and
    ``planner`` are the baselines (no edits; the offline planner's edit).
    ``offline=True`` runs the offline planner whatever is configured (no request).
    """
    turns = max_turns if max_turns is not None else DEFAULT_MAX_TURNS
    cfg = None if offline else config or resolve_config(
        model=model,
        base_url=base_url,
        api_key=api_key,
        timeout_s=timeout_s,
        max_retries=max_retries,
        backoff_s=backoff_s,
    )
    if cfg is None:
        from refocus_dsl.loop.offline import offline_ask

        (notify or _stderr)(
            "refocus: offline: the offline planner edits the image but gives no answer"
            if offline
            else "refocus: no model endpoint configured (--base-url / OPENAI_BASE_URL, or "
            "OPENAI_API_KEY); using the offline planner: it edits the image but gives no answer"
        )
        return offline_ask(
            image,
            question,
            layout=layout,
            trace_dir=trace_dir,
            registry=registry,
            limits=limits,
            detect=detect,
            prompt_style=prompt_style,
            max_turns=turns,
        )
    prepared = prepare(
        image,
        question,
        cfg,
        layout=layout,
        max_turns=turns,
        prompt_style=prompt_style,
        registry=registry,
        limits=limits,
        detect=detect,
        mode=mode,
    )
    client = ChatClient(cfg)
    try:
        while not prepared.dialogue.done:
            completion = client.complete(prepared.dialogue.api_messages())
            prepared.dialogue.feed(completion)
    except ModelError as exc:
        finish(prepared, error=str(exc), trace_dir=trace_dir)
        raise
    finally:
        client.close()
    return finish(prepared, trace_dir=trace_dir)


async def ask_async(
    prepared: Prepared,
    client: AsyncChatClient,
    *,
    trace_dir: str | Path | None = None,
) -> AskResult:
    """Drive a prepared dialogue with an async client; endpoint failure gives status "error"."""
    try:
        while not prepared.dialogue.done:
            completion = await client.complete(prepared.dialogue.api_messages())
            # parse, check, run and encode off the event loop, so other questions keep flowing
            await asyncio.to_thread(prepared.dialogue.feed, completion)
    except ModelError as exc:
        return await asyncio.to_thread(finish, prepared, str(exc), trace_dir)
    return await asyncio.to_thread(finish, prepared, "", trace_dir)


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


__all__ = ["AskResult", "ask", "ask_async", "prepare", "finish", "png_bytes"]
