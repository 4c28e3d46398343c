"""Batch detection: a folder or a manifest of images in, one layout per image out.

The step that prepares layouts for ``refocus eval --layouts gold`` and for
training data. Images are detected on every core (or on a Ray cluster) through
the same workers as ``eval``, with the layout cache. Output is JSON Lines (one
``{"image", "layout", "source", "notes"}`` object per image, appended as each
finishes) or a folder (one ``refocus-layout/1`` file per image, mirroring the
images' relative paths, each written atomically). A rerun resumes: images
already written are skipped, images that failed are tried again (in JSON Lines,
the last line for an image wins).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from refocus_dsl.errors import RefocusError
from refocus_dsl.jsonlines import json_lines
from refocus_dsl.layout import layout_to_dict

if TYPE_CHECKING:
    from refocus_dsl.loop.detection import DetectSettings
    from refocus_dsl.loop.session import ResolvedLayout

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"})


class BatchError(RefocusError):
    """A batch that cannot start: an unreadable manifest, no images, a bad output."""


@dataclass(frozen=True)
class BatchImage:
    """One image to detect: ``key`` is its path relative to the folder or manifest."""

    key: str
    path: Path


def _from_folder(folder: Path) -> list[BatchImage]:
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    return [BatchImage(p.relative_to(folder).as_posix(), p) for p in found if p.is_file()]


def _from_manifest(manifest: Path) -> list[BatchImage]:
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchError(f"cannot read manifest {manifest}: {exc}") from None
    seen: dict[str, BatchImage] = {}
    for _, where, row in json_lines(lines, manifest, BatchError):
        image = row.get("image") if isinstance(row, dict) else None
        if not isinstance(image, str) or not image:
            raise BatchError(f"{where}: missing or invalid 'image'")
        key = Path(image).as_posix()
        seen.setdefault(key, BatchImage(key, manifest.parent / image))
    return list(seen.values())


def collect_images(source: str | Path) -> list[BatchImage]:
    """The distinct images of a folder (recursively) or of a JSON Lines manifest whose
    lines have an ``image`` path (relative to the manifest), in order."""
    path = Path(source)
    if path.is_dir():
        images = _from_folder(path)
    elif path.is_file():
        images = _from_manifest(path)
    else:
        raise BatchError(f"{source}: no such folder or manifest")
    if not images:
        raise BatchError(f"{source}: no images found")
    return images


class LayoutSink(Protocol):
    """Where layouts go, and which images are already there (for resuming)."""

    def has(self, image: BatchImage) -> bool: ...

    def write(self, image: BatchImage, resolved: ResolvedLayout) -> None: ...

    def close(self) -> None: ...


def _record(image: BatchImage, resolved: ResolvedLayout) -> dict[str, Any]:
    layout = layout_to_dict(resolved.layout) if resolved.layout is not None else None
    return {
        "image": image.key,
        "layout": layout,
        "source": resolved.source,
        "notes": list(resolved.notes),
    }


_RECORD_START = b'{"image": '
"""How every line :func:`_record` writes begins (``json.dumps`` keeps the key order)."""


def _done_in(path: Path) -> set[str]:
    """The images an earlier run wrote a layout for; a last line cut short by a crash is
    cut off the file (bytes, not text: the file may hold anything)."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        if not data[cut:].startswith(_RECORD_START):
            raise BatchError(
                f"{path} does not end in a layout line (not written by refocus detect?); "
                "name another --jsonl file, or pass --no-resume to overwrite it"
            )
        data = data[:cut]
        with open(path, "r+b") as fh:
            fh.truncate(len(data))
    done: set[str] = set()
    for line in data.splitlines():
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):  # not JSON, or not UTF-8: detected again
            continue
        if isinstance(row, dict) and row.get("layout") is not None:
            done.add(str(row.get("image")))
    return done


class JsonlSink:
    """One JSON object per line, appended and flushed as each image finishes."""

    def __init__(self, path: Path, resume: bool) -> None:
        self.path = path
        self._done: set[str] = set()
        try:
            if resume and path.is_file():
                self._done = _done_in(path)
            self._fh: IO[str] = open(path, "a" if resume else "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise BatchError(f"cannot write {path}: {exc.strerror or exc}") from None

    def has(self, image: BatchImage) -> bool:
        return image.key in self._done

    def write(self, image: BatchImage, resolved: ResolvedLayout) -> None:
        self._fh.write(json.dumps(_record(image, resolved), ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


class FolderSink:
    """``DIR/<image path>.json``: a layout file per image, ready for ``--layouts gold``.
    Failed images get no file (so a rerun tries them again); an image a manifest names
    outside its own folder is refused (its file would land outside ``DIR``)."""

    def __init__(self, folder: Path, resume: bool, images: list[BatchImage]) -> None:
        self.folder = folder
        self.resume = resume
        owners: dict[Path, str] = {}
        for image in images:
            relative = Path(image.key)
            if relative.is_absolute() or ".." in relative.parts or not relative.name:
                raise BatchError(
                    f"{image.key}: not below the manifest's folder, so its layout file "
                    f"would land outside {folder}; write JSON Lines instead (--jsonl)"
                )
            other = owners.setdefault(self.path_for(image), image.key)
            if other != image.key:
                raise BatchError(
                    f"{image.key} and {other} would both be written to "
                    f"{self.path_for(image)}; write JSON Lines instead"
                )
        folder.mkdir(parents=True, exist_ok=True)

    def path_for(self, image: BatchImage) -> Path:
        return self.folder / Path(image.key).with_suffix(".json")

    def has(self, image: BatchImage) -> bool:
        return self.resume and self.path_for(image).is_file()

    def write(self, image: BatchImage, resolved: ResolvedLayout) -> None:
        if resolved.layout is None:
            return
        target = self.path_for(image)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(resolved.layout.to_json(indent=1))
        os.replace(tmp, target)

    def close(self) -> None:
        pass


class Detector(Protocol):
    """Detects images somewhere (worker processes here, or Ray tasks)."""

    workers: int

    async def layout_for(self, image: Path) -> ResolvedLayout: ...

    def close(self) -> None: ...


@dataclass
class BatchSummary:
    images: int
    detected: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)


Report = Callable[[str, bool], None]
"""Where each finished image is reported: (line, failed)."""


async def detect_many(
    images: list[BatchImage], sink: LayoutSink, detector: Detector, report: Report
) -> BatchSummary:
    """Detect the images the sink does not have yet, a bounded number at a time."""
    started = time.perf_counter()
    todo = [i for i in images if not sink.has(i)]
    summary = BatchSummary(images=len(images), skipped=len(images) - len(todo))
    window = asyncio.Semaphore(2 * detector.workers)
    finished = 0

    async def one(image: BatchImage) -> None:
        nonlocal finished
        async with window:
            resolved = await detector.layout_for(image.path)
        sink.write(image, resolved)
        finished += 1
        where = f"[{finished}/{len(todo)}] {image.key}"
        if resolved.layout is None:
            summary.failed += 1
            cause = "; ".join(resolved.notes) or "no layout"
            summary.failures[image.key] = cause
            report(f"{where}: failed: {cause}", True)
        else:
            summary.detected += 1
            report(f"{where}: {resolved.layout.kind}", False)

    await asyncio.gather(*(one(i) for i in todo))
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass(frozen=True)
class BatchOptions:
    jsonl: Path | None = None
    out_dir: Path | None = None
    resume: bool = True
    workers: int | None = None
    engine: str = "local"
    ray_address: str | None = None

    def __post_init__(self) -> None:
        if (self.jsonl is None) == (self.out_dir is None):
            raise BatchError("give exactly one output: a JSON Lines file or a folder")


def run_batch(
    source: str | Path,
    options: BatchOptions,
    settings: DetectSettings,
    start: Callable[[int], Report],
) -> BatchSummary:
    """Detect every image of ``source`` into the chosen output (blocking). ``start`` is
    told how many images are left to detect and returns where to report each one."""
    images = collect_images(source)
    sink: LayoutSink
    if options.jsonl is not None:
        sink = JsonlSink(options.jsonl, options.resume)
    else:
        assert options.out_dir is not None
        sink = FolderSink(options.out_dir, options.resume, images)
    try:
        pending = [i.path for i in images if not sink.has(i)]
        report = start(len(pending))
        detector = make_detector(pending, options, settings)
        try:
            return asyncio.run(detect_many(images, sink, detector, report))
        finally:
            detector.close()
    finally:
        sink.close()


def make_detector(images: list[Path], options: BatchOptions, settings: DetectSettings) -> Detector:
    """Worker processes on this machine, or tasks on a Ray cluster (``engine="ray"``)."""
    if options.engine == "ray":
        from refocus_dsl.loop.ray_engine import RayDetector

        return RayDetector(images, settings, address=options.ray_address)
    from refocus_dsl.loop.detection import DetectionPool

    return DetectionPool(images, workers=options.workers, settings=settings)


__all__ = [
    "BatchImage",
    "BatchOptions",
    "BatchSummary",
    "collect_images",
    "detect_many",
    "run_batch",
]
