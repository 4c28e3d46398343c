"""Where an evaluation's detection and questions run: this machine (:class:`LocalEngine`)
or a Ray cluster (:mod:`refocus_dsl.loop.ray_engine`).

``refocus eval`` drives either through :class:`Engine`: it asks for each image's
layout and for each question's answer, and writes the traces itself, so both
engines write the same files and resume the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from refocus_dsl.loop.answering import Answered, answer_item
from refocus_dsl.loop.client import AsyncChatClient
from refocus_dsl.loop.eval_options import needs_detection

if TYPE_CHECKING:
    from refocus_dsl.loop.config import EndpointConfig
    from refocus_dsl.loop.dataset import Item
    from refocus_dsl.loop.eval_options import EvalOptions
    from refocus_dsl.loop.session import LayoutInput, ResolvedLayout


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

        self.config, self.options = config, options
        self.client = AsyncChatClient(config) if config is not None else None
        self.detector = DetectionPool(
            (i.image for i in todo if needs_detection(i, options)),
            workers=options.detect_workers,
            settings=DetectSettings(max_pixels=options.max_pixels, ocr_time=options.ocr_time),
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


__all__ = ["Engine", "LocalEngine", "make_engine"]
