"""The offline planner's turn, and ``ask`` without a model: that turn and no answer.

:func:`planner_turn` is the one place a plan becomes a recorded turn; the
offline ``ask`` and the ``planner`` baseline of the model loop both use it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from refocus_dsl.loop.client import Usage
from refocus_dsl.loop.dialogue import Message, Turn
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.images import ImageRef, png_bytes
from refocus_dsl.loop.language import try_program
from refocus_dsl.loop.planner import Plan, plan
from refocus_dsl.loop.question import (
    DEFAULT_MAX_TURNS,
    NO_MODEL_MESSAGE,
    AskResult,
    ImageInput,
    LayoutInput,
    check_args,
    load_input_image,
    resolve_layout,
)
from refocus_dsl.loop.trace import write_trace

if TYPE_CHECKING:
    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.layout import Layout
    from refocus_dsl.registry import Registry


PLANNER_IMAGE = "turn1.png"
"""The file name of the planner's edited image in a trace."""


@dataclass(frozen=True)
class PlannerTurn:
    """The offline planner's plan for a question, the turn that records it, and its
    edited image (None when there was nothing to edit or the program did not run)."""

    plan: Plan
    turn: Turn
    image: ImageRef | None


def planner_turn(
    question: str,
    image: Image.Image,
    layout: Layout | None,
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> PlannerTurn:
    """Plan from the question and the layout, run the plan's program, record the turn."""
    started = time.perf_counter()
    p = plan(question, layout)
    fields: dict[str, Any] = {}
    ref: ImageRef | None = None
    if p.program:
        outcome = try_program(p.program, image, layout, registry, limits)
        fields = dict(program=p.program, language="refocus", **outcome.turn_fields(PLANNER_IMAGE))
        if outcome.image is not None:
            ref = ImageRef(PLANNER_IMAGE, png_bytes(outcome.image))
    turn = Turn(
        index=0,
        kind="planner",
        reply="",
        thought="; ".join(p.reasons),
        note="offline planner",
        own_s=time.perf_counter() - started,
        **fields,
    )
    return PlannerTurn(p, turn, ref)


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
    planned = planner_turn(question, img, found, registry, limits)
    images = {"input.png": ImageRef("input.png", png_bytes(img))}
    if planned.image is not None:
        images[planned.image.name] = planned.image
    result = AskResult(
        question=question,
        answer=None,
        status="offline",
        turns=(planned.turn,),
        usage=Usage(),
        image=img,
        layout=found,
        layout_source=source,
        model=None,
        prompt_style=prompt_style,
        max_turns=max_turns,
        elapsed_s=time.perf_counter() - started,
        message=NO_MODEL_MESSAGE,
        notes=notes + planned.plan.reasons,
        messages=(Message("user", (question, images["input.png"])),),
        images=images,
    )
    if trace_dir is not None:
        result = write_trace(result, trace_dir)
    return result
