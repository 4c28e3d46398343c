"""One question's conversation, as a state machine without I/O.

The dialogue says what to send next (:meth:`Dialogue.api_messages`) and takes
each reply (:meth:`Dialogue.feed`); the sync and async drivers in ``ask.py``
only move messages. Per reply: a program is parsed and checked against the
layout; diagnostics go back verbatim; a clean program runs and the edited
image goes back with the original. An answer ends the dialogue; after
``max_turns`` replies the model is asked once more for a final answer without
tools. Empty, malformed, two-block and refusing replies get a short,
specific nudge and use up a turn, so every dialogue is bounded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from PIL import Image

from refocus_dsl.lang.diagnostics import Diagnostic
from refocus_dsl.layout import Box, Layout
from refocus_dsl.loop.client import Completion, Usage
from refocus_dsl.loop.images import (
    ImageRef,
    data_uri,
    downscaled_png,
    images_to_leave_out,
    png_bytes,
)
from refocus_dsl.loop.language import Outcome, try_program
from refocus_dsl.loop.prompt import Prompt
from refocus_dsl.loop.replies import MAX_REPLY_CHARS, ParsedReply, parse_reply

if TYPE_CHECKING:
    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.registry import Registry

Part = str | ImageRef
Status = Literal["answered", "no_answer", "refused", "offline", "error"]

MAX_REFUSALS = 2
"""Consecutive refusals after which the dialogue stops (status ``refused``)."""


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    parts: tuple[Part, ...]

    def to_api(
        self,
        uri: Callable[[ImageRef], str] | None = None,
        left_out: Callable[[int], str | None] | None = None,
    ) -> dict[str, Any]:
        """The message as the endpoint takes it; ``uri`` gives an image's data URI (a
        downscaled one), ``left_out(i)`` a note to send instead of image part ``i``."""
        if self.role != "user":
            return {
                "role": self.role,
                "content": "".join(p for p in self.parts if isinstance(p, str)),
            }
        content: list[dict[str, Any]] = []
        for i, p in enumerate(self.parts):
            if isinstance(p, str):
                content.append({"type": "text", "text": p})
                continue
            note = left_out(i) if left_out is not None else None
            if note is not None:
                content.append({"type": "text", "text": note})
            else:
                url = uri(p) if uri is not None else p.uri
                content.append({"type": "image_url", "image_url": {"url": url}})
        return {"role": "user", "content": content}

    def to_trace(self) -> dict[str, Any]:
        """Like :meth:`to_api`, but images are file names in the trace folder."""
        content: list[dict[str, Any]] = []
        for p in self.parts:
            if isinstance(p, str):
                content.append({"type": "text", "text": p})
            else:
                content.append({"type": "image", "file": p.name})
        return {"role": self.role, "content": content}


@dataclass(frozen=True)
class Turn:
    """One model reply and what the loop did with it."""

    index: int
    kind: str
    """ReplyKind, or "final" for the answer requested after the last turn, or "planner"."""
    reply: str
    thought: str = ""
    program: str | None = None
    language: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    diagnostics_text: str = ""
    run_error: str = ""
    steps: tuple[Any, ...] = ()
    boxes: tuple[Box, ...] = ()
    edited_image: Image.Image | None = field(default=None, repr=False, compare=False)
    edited_file: str | None = None
    answer: str | None = None
    usage: Usage = Usage()
    latency_s: float = 0.0
    own_s: float = 0.0
    """Our own time for this turn: parse, check, run and PNG encoding."""
    retries: int = 0
    retry_errors: tuple[str, ...] = ()
    finish_reason: str | None = None
    note: str = ""

    @property
    def edited(self) -> bool:
        return self.edited_image is not None


def _nudge(parsed: ParsedReply, paper: bool = False) -> str:
    block = "```python" if paper else "```refocus"
    if parsed.kind == "empty":
        return (
            f"Your reply was empty. Reply with THOUGHT, then either one {block} block "
            "or a line ANSWER: <answer> followed by TERMINATE."
        )
    if parsed.kind == "two_programs":
        return (
            f"Your reply had {parsed.blocks} program blocks; nothing was run. Send exactly one "
            "block per reply (put all edits in it), or answer with ANSWER: <answer>."
        )
    if parsed.kind == "refusal":
        return (
            "This is an ordinary question about the data in a table or chart image. Please "
            "answer it: edit the image with one program block, or reply ANSWER: <answer>."
        )
    return (
        f"I could not use your reply ({parsed.note}). Reply with THOUGHT, then either one "
        f"{block} block or a line ANSWER: <answer> followed by TERMINATE."
    )


def clean_text(text: str | None) -> str | None:
    """A reply as we keep it: at most MAX_REPLY_CHARS, valid UTF-8 (lone surrogates
    from a hostile server would otherwise break writing the trace)."""
    if text is None:
        return None
    if len(text) > MAX_REPLY_CHARS:
        text = text[:MAX_REPLY_CHARS]
    return text.encode("utf-8", "replace").decode("utf-8")


MAX_FEEDBACK_CHARS = 6000
"""Diagnostics sent back per turn are cut here (a 64 KiB program echoes its lines)."""


def _capped(text: str) -> str:
    if len(text) <= MAX_FEEDBACK_CHARS:
        return text
    return (
        text[:MAX_FEEDBACK_CHARS] + f"\n... ({len(text) - MAX_FEEDBACK_CHARS} more characters cut)"
    )


class Dialogue:
    """State of one question's conversation; not thread-safe, one per question."""

    def __init__(
        self,
        *,
        image: Image.Image,
        question: str,
        layout: Layout | None,
        prompt: Prompt,
        max_turns: int,
        registry: Registry | None = None,
        limits: Limits | None = None,
        original_png: bytes | None = None,
        tools: bool = True,
        first_parts: tuple[Part, ...] | None = None,
        pre_turns: tuple[Turn, ...] = (),
        image_max_side: int | None = None,
        max_images: int | None = None,
    ) -> None:
        """``tools=False`` asks for an answer only (the baselines); ``first_parts``
        replaces the images of the first message (the planner baseline sends its edit);
        ``pre_turns`` are recorded before the model's (the planner's own turn)."""
        self.image = image
        self.question = question
        self.layout = layout
        self.prompt = prompt
        self.max_turns = max_turns
        self.registry = registry
        self.limits = limits
        self.original = ImageRef("input.png", original_png or png_bytes(image))
        self.images: dict[str, ImageRef] = {self.original.name: self.original}
        parts = first_parts if first_parts is not None else (self.original,)
        for part in parts:
            if isinstance(part, ImageRef):
                self.images[part.name] = part
        self.messages: list[Message] = [
            Message("system", (prompt.system,)),
            Message("user", (prompt.question, *parts)),
        ]
        self.turns: list[Turn] = list(pre_turns)
        self.answer: str | None = None
        self.status: Status | None = None
        self.tools = tools
        self._ran: list[str] = []
        self.final_requested = not tools
        self._refusals = 0
        self.image_max_side = image_max_side
        self.max_images = max_images
        self._scaled: dict[str, str] = {}

    @property
    def done(self) -> bool:
        return self.status is not None

    def api_messages(self) -> list[dict[str, Any]]:
        """The next request's messages, images downscaled to ``image_max_side`` and at
        most ``max_images`` of them (the oldest left out, with a note saying so)."""
        parts = [
            (m, i, p.name)
            for m, message in enumerate(self.messages)
            for i, p in enumerate(message.parts)
            if isinstance(p, ImageRef)
        ]
        omit = images_to_leave_out(parts, self.max_images) if self.max_images else set()

        def left_out_of(m: int) -> Callable[[int], str | None]:
            def note(i: int) -> str | None:
                if (m, i) not in omit:
                    return None
                name = self.messages[m].parts[i]
                label = name.name if isinstance(name, ImageRef) else "an image"
                return (
                    f"[image {label} left out: this server takes at most {self.max_images} "
                    "images per request; the newest images are sent]"
                )

            return note

        return [
            msg.to_api(self._uri, left_out_of(m) if omit else None)
            for m, msg in enumerate(self.messages)
        ]

    def _uri(self, ref: ImageRef) -> str:
        if self.image_max_side is None:
            return ref.uri
        cached = self._scaled.get(ref.name)
        if cached is None:
            cached = data_uri(downscaled_png(ref.png, self.image_max_side))
            self._scaled[ref.name] = cached
        return cached

    @property
    def paper(self) -> bool:
        return self.prompt.style == "paper"

    # ------------------------------------------------------------------ replies

    def feed(self, completion: Completion) -> Turn:
        """Take one reply; append what to send next, or finish."""
        started = time.perf_counter()
        text = clean_text(completion.text)
        parsed = parse_reply(text)
        index = len(self.turns)
        self.messages.append(Message("assistant", (text or "",)))
        base: dict[str, Any] = dict(
            index=index,
            kind=parsed.kind,
            reply=text or "",
            thought=parsed.thought,
            answer=parsed.answer,
            usage=completion.usage,
            latency_s=completion.latency_s,
            retries=completion.retries,
            retry_errors=completion.errors,
            finish_reason=completion.finish_reason,
            note=parsed.note,
        )
        if self.final_requested:
            base["kind"] = "final" if self.tools else parsed.kind
            if parsed.program is not None:
                base["note"] = "a program after the last turn was not run"
            self._finish("answered" if parsed.answer else "no_answer", parsed.answer)
            return self._record(Turn(**base), started)
        if parsed.kind == "answer":
            self._finish("answered", parsed.answer)
            return self._record(Turn(**base), started)
        if parsed.kind == "program" and parsed.program is not None:
            self._refusals = 0
            outcome = self._try(parsed.program)
            if outcome.ok:
                self._ran.append(parsed.program)
            parts, edited_file = self._observation(outcome, index)
            turn = Turn(
                **base,
                program=parsed.program,
                language=parsed.language,
                **outcome.turn_fields(edited_file),
            )
        else:
            if parsed.kind == "refusal":
                self._refusals += 1
                if self._refusals >= MAX_REFUSALS:
                    self._finish("refused", None)
                    return self._record(Turn(**base), started)
            else:
                self._refusals = 0
            parts = [_nudge(parsed, self.paper)]
            turn = Turn(**base)
        if len(self.turns) + 1 >= self.max_turns:
            parts.append(
                f"\n\nYou have used all {self.max_turns} turns. Do not write another program. "
                "Answer now from the images you have, as FINAL ANSWER: <answer>."
            )
            self.final_requested = True
        self.messages.append(Message("user", tuple(parts)))
        return self._record(turn, started)

    def _try(self, program: str) -> Outcome:
        """Check and run one program. A paper-style block may use an image variable
        assigned in an earlier turn (the paper ran a Jupyter kernel that kept them):
        when the only errors are such unknown variables, the earlier programs that
        ran are replayed first, as the kernel would have."""
        outcome = try_program(program, self.image, self.layout, self.registry, self.limits)
        errors = [d for d in outcome.diagnostics if d.is_error]
        if outcome.ok or not self._ran or not errors or any(d.code != "E207" for d in errors):
            return outcome
        earlier = "".join(p if p.endswith("\n") else p + "\n" for p in self._ran)
        replay = try_program(earlier + program, self.image, self.layout, self.registry, self.limits)
        return replay if replay.ok else outcome

    def _observation(self, outcome: Outcome, index: int) -> tuple[list[Part], str | None]:
        if outcome.image is None:
            problem = _capped(outcome.diagnostics_text.rstrip())
            if outcome.error:
                problem = (problem + "\n" if problem else "") + f"error: {outcome.error}"
            if self.paper:
                text = (
                    f"OBSERVATION: Execution error. Output:\n{problem}\nPlease fix the error and "
                    "generate the fixed code, in the next THOUGHT and ACTION."
                )
            else:
                text = (
                    f"OBSERVATION: the program has errors and did not run:\n{problem}\n\n"
                    "Fix the program and send it again in one ```refocus block, or answer with "
                    "ANSWER: <answer>."
                )
            return [text], None
        name = f"turn{index + 1}.png"
        ref = ImageRef(name, png_bytes(outcome.image))
        _ = ref.uri  # base64 now, so the turn's own time counts all the encoding
        self.images[name] = ref
        warnings = (
            "\nWarnings (the program still ran):\n" + _capped(outcome.diagnostics_text.rstrip())
            if outcome.diagnostics_text
            else ""
        )
        if self.paper:
            return (
                [
                    "OBSERVATION: Execution success. The output is as follows:" + warnings,
                    ref,
                    "And a kind reminder that the original image is:",
                    self.original,
                    f"Answer the question {self.question.strip()} You can turn the image into "
                    "text and answer with step of thinking. If you can get the answer, reply with "
                    "ANSWER: <your answer> Please extract the final answer in FINAL ANSWER: "
                    "<final answer> and ends with TERMINATE. Otherwise, please generate the next "
                    "THOUGHT and ACTION.",
                ],
                name,
            )
        return (
            [
                "OBSERVATION: the program ran. The edited image follows, then the original."
                + warnings,
                ref,
                "The original image:",
                self.original,
                "If you can answer now, reply with ANSWER: <answer> and TERMINATE; "
                "otherwise send another program.",
            ],
            name,
        )

    def _finish(self, status: Status, answer: str | None) -> None:
        self.status = status
        self.answer = answer

    def _record(self, turn: Turn, started: float) -> Turn:
        from dataclasses import replace

        turn = replace(turn, own_s=time.perf_counter() - started)
        self.turns.append(turn)
        return turn
