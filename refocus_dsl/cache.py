"""A cache of detected layouts, so the model loop never detects one image twice.

Keys are the sha256 of the image's pixels, size and mode, plus the detector's
version, the requested kind and the OCR backend: a changed detector or a
different image can never be served a stale layout. Entries live in memory
(LRU) and, unless disabled, as JSON files in a directory (default
``$REFOCUS_CACHE_DIR``, else ``$XDG_CACHE_HOME/refocus-dsl/layouts``, else
``~/.cache/refocus-dsl/layouts``). ``REFOCUS_NO_CACHE=1`` disables the disk part.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from PIL import Image

from refocus_dsl.errors import LayoutError
from refocus_dsl.layout import Layout, layout_from_dict, layout_to_dict

DEFAULT_MEMORY_ITEMS = 256


def image_digest(image: Image.Image) -> str:
    """sha256 over mode, size and raw pixels (not the file bytes: re-encoding keeps the key)."""
    h = hashlib.sha256()
    h.update(f"{image.mode}:{image.width}x{image.height}:".encode())
    h.update(image.tobytes())
    return h.hexdigest()


def default_cache_dir() -> Path:
    env = os.environ.get("REFOCUS_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "refocus-dsl" / "layouts"


def _disk_disabled() -> bool:
    return os.environ.get("REFOCUS_NO_CACHE", "").strip().lower() in ("1", "true", "yes", "on")


class LayoutCache:
    """Memory LRU in front of an optional directory of JSON files; thread-safe."""

    def __init__(
        self,
        directory: str | Path | None = None,
        *,
        disk: bool = True,
        max_items: int = DEFAULT_MEMORY_ITEMS,
    ) -> None:
        self.max_items = max(1, int(max_items))
        self.directory: Path | None = None
        if disk and not _disk_disabled():
            self.directory = Path(directory) if directory is not None else default_cache_dir()
        self._mem: OrderedDict[str, Layout] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(image: Image.Image, *parts: str) -> str:
        tail = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
        return f"{image_digest(image)}-{tail}"

    def _path(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Layout | None:
        with self._lock:
            found = self._mem.get(key)
            if found is not None:
                self._mem.move_to_end(key)
                self.hits += 1
                return found
        path = self._path(key)
        if path is not None and path.is_file():
            try:
                layout = layout_from_dict(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, LayoutError):
                layout = None  # a damaged entry is a miss; it gets rewritten
            if layout is not None:
                self._remember(key, layout)
                with self._lock:
                    self.hits += 1
                return layout
        with self._lock:
            self.misses += 1
        return None

    def _remember(self, key: str, layout: Layout) -> None:
        with self._lock:
            self._mem[key] = layout
            self._mem.move_to_end(key)
            while len(self._mem) > self.max_items:
                self._mem.popitem(last=False)

    def put(self, key: str, layout: Layout) -> None:
        self._remember(key, layout)
        path = self._path(key)
        if path is None:
            return
        try:  # write-then-rename so a reader never sees half a file
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(layout_to_dict(layout), fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            pass  # the disk cache is an optimisation; a read-only home must not fail detection

    def clear(self) -> None:
        with self._lock:
            self._mem.clear()


_DEFAULT: LayoutCache | None = None
_DEFAULT_LOCK = threading.Lock()


def default_cache() -> LayoutCache:
    """The process-wide cache used when ``detect_layout`` is given none."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = LayoutCache()
        return _DEFAULT
