"""The Ray engine: detection and questions on a Ray cluster, for runs one machine is too
small for (``--engine ray``, ``--ray-address``).

Detection is a Ray task per distinct image (:func:`~refocus_dsl.loop.detection.detect_image`,
the same function the local worker processes run). Questions run in a bounded
pool of asyncio actors, each with one model client; the driver hands out
exactly ``--concurrency`` slots across them, so that many requests are in
flight across the whole cluster. Images travel as their file's bytes and gold
layouts are read by the driver, so the nodes need not share a disk; traces and
the summary are written by the driver, where the local engine writes them, and
resuming works the same way. Ray is an optional extra:
``pip install "refocus-dsl[ray]"``.
"""

from __future__ import annotations

import asyncio
import math
import socket
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from refocus_dsl.errors import USAGE
from refocus_dsl.layout import Layout, load_layout
from refocus_dsl.loop.answering import Answered, answer_item
from refocus_dsl.loop.detection import DetectSettings, OncePerImage, detect_image
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.eval_options import needs_detection
from refocus_dsl.loop.session import ResolvedLayout

if TYPE_CHECKING:
    from refocus_dsl.loop.config import EndpointConfig
    from refocus_dsl.loop.dataset import Item
    from refocus_dsl.loop.eval_options import EvalOptions
    from refocus_dsl.loop.session import LayoutInput

INSTALL_HINT = 'the Ray engine needs Ray: pip install "refocus-dsl[ray]" (or pip install ray)'
MAX_ACTORS = 16
"""Question actors at most: each holds one client and many requests in flight."""


class RayUnavailable(LoopError):
    """``--engine ray`` without Ray installed (a usage error: exit 2)."""

    exit_code = USAGE


def connect(address: str | None) -> tuple[ModuleType, bool]:
    """Ray, initialised (a new local cluster when ``address`` is None, else the cluster at
    ``address``, e.g. ``auto``); and whether this call started it (then close shuts it)."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable(INSTALL_HINT) from None
    if ray.is_initialized():
        return ray, False
    problem = unreachable(address)
    if problem is not None:
        raise LoopError(f"cannot reach Ray: {problem}")
    kwargs: dict[str, Any] = {"log_to_driver": False}
    if address is None:
        kwargs["include_dashboard"] = False
    try:
        ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or "a new local cluster"
        raise LoopError(f"cannot start or reach Ray ({where}): {exc}") from None
    return ray, True


def unreachable(address: str | None, timeout_s: float = 5.0) -> str | None:
    """Why a ``host:port`` address cannot be Ray's, or None (Ray itself would retry it for
    minutes); ``auto``, ``ray://`` and None are left to Ray."""
    if address is None or address == "auto" or "://" in address:
        return None
    host, _, port = address.rpartition(":")
    if not port.isdigit():
        return None
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout_s).close()
    except OSError as exc:
        return f"nothing answers at {address} ({exc.strerror or exc})"
    return None


def _cluster_cpus(ray: ModuleType) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def _read_bytes(image: Path) -> bytes | None:
    try:
        return image.read_bytes()
    except OSError:
        return None


class RayDetector(OncePerImage):
    """Detection as Ray tasks, one per distinct image, on any node of the cluster."""

    def __init__(
        self,
        uses: Iterable[Path],
        settings: DetectSettings | None = None,
        *,
        address: str | None = None,
    ) -> None:
        super().__init__(uses, settings)
        self.ray, self._owned = connect(address)
        self.workers = _cluster_cpus(self.ray)
        self._task = self.ray.remote(num_cpus=1)(detect_image)

    def _submit(self, image: Path) -> asyncio.Future[ResolvedLayout]:
        data = _read_bytes(image)
        if data is None:  # the question itself says why it cannot read the image
            done: asyncio.Future[ResolvedLayout] = asyncio.get_running_loop().create_future()
            done.set_result(ResolvedLayout(None, "none", (f"cannot read {image}",)))
            return done
        ref = self._task.remote(data, self.settings)
        return asyncio.wrap_future(ref.future())

    def close(self) -> None:
        if self._owned:
            self.ray.shutdown()


class QuestionActor:
    """A Ray actor that asks questions with one client, many at a time (asyncio)."""

    def __init__(self, config: EndpointConfig | None, options: EvalOptions) -> None:
        from refocus_dsl.loop.client import AsyncChatClient
        from refocus_dsl.registry import default_registry

        default_registry()
        self.config, self.options = config, options
        self.client = AsyncChatClient(config) if config is not None else None

    async def answer(self, item: Item, layout: LayoutInput, image: bytes) -> Answered:
        return await answer_item(item, layout, self.config, self.client, self.options, image)

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()


class RayEngine:
    """``refocus eval`` on Ray: detection tasks and a bounded pool of question actors."""

    def __init__(
        self, todo: Sequence[Item], config: EndpointConfig | None, options: EvalOptions
    ) -> None:
        self.detector = RayDetector(
            (i.image for i in todo if needs_detection(i, options)),
            DetectSettings(max_pixels=options.max_pixels, ocr_time=options.ocr_time),
            address=options.ray_address,
        )
        self.detect_workers = self.detector.workers
        ray = self.detector.ray
        actors = max(1, min(options.concurrency, self.detect_workers, MAX_ACTORS))
        per_actor = math.ceil(options.concurrency / actors)
        # num_cpus=0: the actors wait on the network, and must not keep detection off a core
        remote = ray.remote(num_cpus=0)(QuestionActor)
        self.actors = [
            remote.options(max_concurrency=per_actor).remote(config, options)
            for _ in range(actors)
        ]
        self.slots: asyncio.Queue[Any] = asyncio.Queue()
        for n in range(options.concurrency):  # exactly --concurrency requests at once
            self.slots.put_nowait(self.actors[n % actors])

    async def layout_for(self, image: Path) -> ResolvedLayout:
        return await self.detector.layout_for(image)

    async def answer(self, item: Item, layout: LayoutInput) -> Answered:
        if layout is not None and not isinstance(layout, (Layout, ResolvedLayout)):
            layout = await asyncio.to_thread(load_layout, layout)  # the driver reads gold files
        image = await asyncio.to_thread(_read_bytes, item.image)
        if image is None:  # the same error the local engine gives for an unreadable image
            from refocus_dsl.loop.session import load_input_image

            load_input_image(item.image)
            raise LoopError(f"cannot read {item.image}")
        actor = await self.slots.get()
        try:
            answered: Answered = await actor.answer.remote(item, layout, image)
            return answered
        finally:
            self.slots.put_nowait(actor)

    async def close(self) -> None:
        try:
            await asyncio.gather(*(a.close.remote() for a in self.actors))
            for actor in self.actors:
                self.detector.ray.kill(actor)
        finally:
            self.detector.close()


__all__ = ["INSTALL_HINT", "RayDetector", "RayEngine", "RayUnavailable", "connect"]
