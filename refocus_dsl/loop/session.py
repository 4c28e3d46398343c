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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from refocus_dsl.errors import ModelError
from refocus_dsl.layout import Layout
from refocus_dsl.loop.client import AsyncChatClient, ChatClient, Usage
from refocus_dsl.loop.config import EndpointConfig, resolve_config
from refocus_dsl.loop.dialogue import Dialogue, Part, Status, Turn
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.images import ImageRef, png_bytes
from refocus_dsl.loop.offline import offline_ask, planner_turn
from refocus_dsl.loop.prompt import build_answer_prompt, build_prompt
from refocus_dsl.loop.question import (
    DEFAULT_MAX_TURNS,
    AskResult,
    ImageInput,
    LayoutInput,
    ResolvedLayout,
    check_args,
    detect_for_question,
    load_input_image,
    resolve_layout,
)
from refocus_dsl.loop.trace import write_trace

if TYPE_CHECKING:
    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.registry import Registry

MODES: tuple[str, ...] = ("refocus", "direct", "planner")


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
        planned = planner_turn(question, img, found, registry, limits)
        if planned.image is not None:
            first = (planned.image, original)
            prompt = build_answer_prompt(question, planned.plan.program)
        else:
            prompt = build_answer_prompt(question)
        pre = (planned.turn,)
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
    cfg = (
        None
        if offline
        else config
        or resolve_config(
            model=model,
            base_url=base_url,
            api_key=api_key,
            timeout_s=timeout_s,
            max_retries=max_retries,
            backoff_s=backoff_s,
        )
    )
    if cfg is None:
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


__all__ = [
    "AskResult",
    "ask",
    "ask_async",
    "prepare",
    "finish",
    "png_bytes",
    # the question's inputs, kept importable from here (defined in loop.question)
    "ImageInput",
    "LayoutInput",
    "ResolvedLayout",
    "detect_for_question",
    "load_input_image",
    "resolve_layout",
]
