"""Detection of many images on every core: one worker process per core, each image once.

Detection is CPU work behind the GIL and the OCR engine's lock, so threads keep
about one core busy however many there are. :class:`DetectionPool` runs
:func:`detect_image` in a ``spawn`` process pool (spawned, not forked: the
parent runs an event loop and threads, which a fork would copy mid-flight)
sized to the machine; ``refocus eval`` awaits each image's layout while other
questions talk to the model, and ``refocus detect`` maps it over a folder or a
manifest. The workers share the layout cache on disk, whose entries are written
to a temporary file and renamed into place, so concurrent writers never leave
half a file.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from refocus_dsl.errors import RefocusError
from refocus_dsl.lang.limits import DEFAULT_MAX_PIXELS, Limits
from refocus_dsl.loop.session import ResolvedLayout, detect_for_question, load_input_image
from refocus_dsl.ocr_time import DEFAULT_OCR_TIME, OcrTimeLimit


def machine_cores() -> int:
    """The cores this process may run on (the affinity mask, not the whole machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity mask
        return os.cpu_count() or 1


@dataclass(frozen=True)
class DetectSettings:
    """How to detect (the same for every image of a run)."""

    kind: str = "auto"
    ocr: str = "auto"
    cache: bool = True
    max_pixels: int = DEFAULT_MAX_PIXELS
    ocr_time: OcrTimeLimit = DEFAULT_OCR_TIME


def detect_image(source: str | bytes, settings: DetectSettings | None = None) -> ResolvedLayout:
    """Load one image (a path, or its file's bytes) and detect its layout.

    The unit of work of every engine (a worker process, a thread, a Ray task):
    a top-level function of plain arguments, so it pickles by name. Failures are
    notes in the result, never exceptions: one bad image must not stop a batch.
    """
    settings = settings or DetectSettings()
    try:
        image = load_input_image(
            source if isinstance(source, bytes) else Path(source),
            Limits(max_pixels=settings.max_pixels),
        )
    except RefocusError as exc:
        return ResolvedLayout(None, "none", (f"cannot read the image: {exc}",))
    return detect_for_question(image, settings.kind, settings.ocr, settings.cache,
                               settings.ocr_time)


def _executor(workers: int) -> cf.Executor:
    if workers <= 1:  # one image or one core: a process start-up would cost more than it saves
        return cf.ThreadPoolExecutor(1, thread_name_prefix="refocus-detect")
    return cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


class OncePerImage:
    """Each distinct image of a run detected once, however many questions need it.

    ``uses`` counts how many questions will ask for each image: a layout is
    kept until the last of them took it, then dropped, so memory stays bounded
    by the questions in flight, not by the size of the run. Subclasses say
    where the work runs (:meth:`_submit`).
    """

    workers: int

    def __init__(self, uses: Iterable[Path], settings: DetectSettings | None) -> None:
        self._uses = Counter(uses)
        self.settings = settings or DetectSettings()
        self._pending: dict[Path, asyncio.Future[ResolvedLayout]] = {}

    def _submit(self, image: Path) -> asyncio.Future[ResolvedLayout]:
        raise NotImplementedError

    async def layout_for(self, image: Path) -> ResolvedLayout:
        """The image's layout, detected by a worker (started now if no question asked yet)."""
        future = self._pending.get(image)
        if future is None:
            future = self._pending[image] = self._submit(image)
        try:
            return await asyncio.shield(future)
        except Exception as exc:  # noqa: BLE001 - detect_image never raises: a worker died
            note = f"layout detection crashed ({type(exc).__name__}: a worker ended abruptly)"
            return ResolvedLayout(None, "none", (note,))
        finally:
            self._uses[image] -= 1
            if self._uses[image] <= 0:
                self._pending.pop(image, None)

    def close(self) -> None:
        pass


class DetectionPool(OncePerImage):
    """Detection in worker processes on this machine, one per core by default."""

    def __init__(
        self,
        uses: Iterable[Path],
        *,
        workers: int | None = None,
        settings: DetectSettings | None = None,
    ) -> None:
        super().__init__(uses, settings)
        wanted = machine_cores() if workers is None else workers
        self.workers = max(1, min(wanted, len(self._uses) or 1))
        self._pool = _executor(self.workers)

    def _submit(self, image: Path) -> asyncio.Future[ResolvedLayout]:
        try:
            job = self._pool.submit(detect_image, str(image), self.settings)
        except BrokenProcessPool:  # a worker died (say, the OCR library crashed): start afresh
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = _executor(self.workers)
            job = self._pool.submit(detect_image, str(image), self.settings)
        return asyncio.wrap_future(job)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["DetectSettings", "DetectionPool", "OncePerImage", "detect_image", "machine_cores"]
