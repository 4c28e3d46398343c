"""Where an evaluation's detection and questions run: this machine (:class:`LocalEngine`)
or a Ray cluster (:mod:`refocus_dsl.loop.ray_engine`).

``refocus eval`` drives either through :class:`Engine`: it asks for each image's
layout and for each question's answer, and writes the traces itself, so both
engines write the same files and resume the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from refocus_dsl.errors import RefocusError
from refocus_dsl.lang.limits import Limits
from refocus_dsl.loop.client import AsyncChatClient

if TYPE_CHECKING:
    from refocus_dsl.loop.config import EndpointConfig
    from refocus_dsl.loop.evaluate import EvalOptions, Item
    from refocus_dsl.loop.session import AskResult, LayoutInput, ResolvedLayout


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
    from refocus_dsl.loop.evaluate import judge
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


class Engine(Protocol):
    """Where an evaluation's detection and questions run (this process, or a Ray cluster)."""

    detect_workers: int

    async def layout_for(self, image: Path) -> ResolvedLayout: ...

    async def answer(self, item: Item, layout: LayoutInput) -> Answered: ...

    async def close(self) -> None: ...


class LocalEngine:
    """Questions as asyncio tasks in this process with one client for the whole run;
    detection of the distinct images in a process pool on every core."""

    def __init__(
        self, todo: Sequence[Item], config: EndpointConfig | None, options: EvalOptions
    ) -> None:
        from refocus_dsl.loop.detection import DetectionPool, DetectSettings
        from refocus_dsl.loop.evaluate import needs_detection

        self.config, self.options = config, options
        self.client = AsyncChatClient(config) if config is not None else None
        self.detector = DetectionPool(
            (i.image for i in todo if needs_detection(i, options)),
            workers=options.detect_workers,
            settings=DetectSettings(max_pixels=options.max_pixels),
        )
        self.detect_workers = self.detector.workers

    async def layout_for(self, image: Path) -> ResolvedLayout:
        return await self.detector.layout_for(image)

    async def answer(self, item: Item, layout: LayoutInput) -> Answered:
        return await answer_item(item, layout, self.config, self.client, self.options)

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()
        await asyncio.to_thread(self.detector.close)


def make_engine(
    todo: Sequence[Item], config: EndpointConfig | None, options: EvalOptions
) -> Engine:
    if options.engine == "ray":
        from refocus_dsl.loop.ray_engine import RayEngine

        return RayEngine(todo, config, options)
    return LocalEngine(todo, config, options)


__all__ = ["Answered", "Engine", "LocalEngine", "answer_item", "make_engine"]
