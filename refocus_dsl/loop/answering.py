"""Asking one evaluation question, the same way on every engine: offline without an
endpoint, else through the model, judged when ``--judge`` asks for it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refocus_dsl.errors import RefocusError
from refocus_dsl.lang.limits import Limits
from refocus_dsl.loop.client import AsyncChatClient
from refocus_dsl.loop.grading import judge

if TYPE_CHECKING:
    from refocus_dsl.loop.config import EndpointConfig
    from refocus_dsl.loop.dataset import Item
    from refocus_dsl.loop.eval_options import EvalOptions
    from refocus_dsl.loop.question import AskResult
    from refocus_dsl.loop.session import LayoutInput


@dataclass(frozen=True)
class Answered:
    """What asking one question gave: the result and, with ``--judge``, the verdict."""

    result: AskResult
    judge: dict[str, Any] | None = None


async def answer_item(
    item: Item,
    layout: LayoutInput,
    config: EndpointConfig | None,
    client: AsyncChatClient | None,
    options: EvalOptions,
    image: Path | bytes | None = None,
) -> Answered:
    """Ask one question (offline without an endpoint) and judge the answer if asked to.

    Every engine runs this: the local one in its event loop, Ray's in its actors
    (which pass the image's bytes: a cluster's nodes need not share a disk).
    """
    from refocus_dsl.loop.session import ask_async, prepare

    source = image if image is not None else item.image
    limits = Limits(max_pixels=options.max_pixels)
    if config is None or client is None:
        from refocus_dsl.loop.offline import offline_ask

        result = await asyncio.to_thread(
            offline_ask,
            source,
            item.question,
            layout=layout,
            prompt_style=options.prompt_style,
            max_turns=options.max_turns,
            limits=limits,
        )
    else:
        prepared = await asyncio.to_thread(
            prepare,
            source,
            item.question,
            config,
            layout=layout,
            max_turns=options.max_turns,
            prompt_style=options.prompt_style,
            limits=limits,
            mode=options.mode,
        )
        result = await ask_async(prepared, client)
    verdict: dict[str, Any] | None = None
    if options.judge and client is not None and result.status != "error":
        try:
            verdict = await judge(client, item.question, item.answer, result.answer)
        except RefocusError as exc:
            verdict = {"verdict": None, "reply": f"judge failed: {exc}"}
    return Answered(result, verdict)


__all__ = ["Answered", "answer_item"]
