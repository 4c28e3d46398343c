"""``ask`` without a model: the offline planner's program, run, and no answer."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from refocus_dsl.loop.client import Usage
from refocus_dsl.loop.dialogue import Message, Turn
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.images import ImageRef, png_bytes
from refocus_dsl.loop.language import try_program
from refocus_dsl.loop.planner import plan
from refocus_dsl.loop.session import (
    DEFAULT_MAX_TURNS,
    NO_MODEL_MESSAGE,
    AskResult,
    ImageInput,
    LayoutInput,
    check_args,
    load_input_image,
    resolve_layout,
)

if TYPE_CHECKING:
    from refocus_dsl.limits import Limits
    from refocus_dsl.registry import Registry


def offline_ask(
    image: ImageInput,
    question: str,
    *,
    layout: LayoutInput = None,
    trace_dir: str | Path | None = None,
    registry: Registry | None = None,
    limits: Limits | None = None,
    detect: bool = True,
    prompt_style: str = "dsl",
    max_turns: int = DEFAULT_MAX_TURNS,
) -> AskResult:
    started = time.perf_counter()
    check_args(max_turns, prompt_style)
    if not question.strip():
        raise LoopError("the question is empty")
    img = load_input_image(image, limits)
    found, source, notes = resolve_layout(img, layout, detect=detect)
    t0 = time.perf_counter()
    p = plan(question, found)
    images = {"input.png": ImageRef("input.png", png_bytes(img))}
    edited_file: str | None = None
    if p.program:
        outcome = try_program(p.program, img, found, registry, limits)
        if outcome.image is not None:
            edited_file = "turn1.png"
            images[edited_file] = ImageRef(edited_file, png_bytes(outcome.image))
        turn = Turn(
            index=0,
            kind="planner",
            reply="",
            thought="; ".join(p.reasons),
            program=p.program,
            language="refocus",
            diagnostics=outcome.diagnostics,
            diagnostics_text=outcome.diagnostics_text,
            run_error=outcome.error,
            steps=outcome.steps,
            boxes=outcome.boxes,
            edited_image=outcome.image,
            edited_file=edited_file,
            note="offline planner",
        )
    else:
        turn = Turn(
            index=0, kind="planner", reply="", thought="; ".join(p.reasons), note="offline planner"
        )
    turn = Turn(**{**turn.__dict__, "own_s": time.perf_counter() - t0})
    result = AskResult(
        question=question,
        answer=None,
        status="offline",
        turns=(turn,),
        usage=Usage(),
        image=img,
        layout=found,
        layout_source=source,
        model=None,
        prompt_style=prompt_style,
        max_turns=max_turns,
        elapsed_s=time.perf_counter() - started,
        message=NO_MODEL_MESSAGE,
        notes=notes + p.reasons,
        messages=(Message("user", (question, images["input.png"])),),
        images=images,
    )
    if trace_dir is not None:
        from refocus_dsl.loop.trace import write_trace

        result = write_trace(result, trace_dir)
    return result
